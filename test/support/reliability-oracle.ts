/**
 * A deliberately naive failure-mode-and-effect analysis (DESIGN.md §4), the oracle the fast
 * evaluator is checked against. It works on buses and devices, not zones: for every failure, every
 * clearing outcome and every load point it walks the tree again. O(elements × load points × N).
 *
 * Rules (the same as lib/reliability/evaluator.ts, written from scratch here):
 * - clearing: protective devices met walking up from the fault, each failing with its
 *   failureProbability; the source clears when all fail;
 * - every interrupted load point (inside the cleared area) has one option per closed device W on
 *   the tree path between the fault and it: when the load point stays connected to its source after
 *   opening W (W on the fault's side) it is restored from the source after W's switching time; when
 *   it is cut off with W (W on its own side) it is fed through a tie whose near bus is below W and
 *   whose far bus is not interrupted, if the peak load below W fits the tie's capacity, after
 *   max(tie, W) switching time with the tie's availability;
 * - options are tried fastest first, then the repair;
 * - every time is capped by the repair time; times ≤ the threshold are momentary.
 */
import { buildTopology, type Topology } from '../../lib/model/topology';
import { PROTECTIVE_TYPES, type FeederModel, type SwitchStates } from '../../lib/model/types';

export interface OracleOptions {
  states?: SwitchStates;
  momentaryThresholdMin?: number;
  transformerReplacement?: boolean;
}

export interface OracleEvent {
  /** Expected occurrences per year. */
  rate: number;
  hours: number;
}

export interface OracleResult {
  lambda: number[];
  u: number[];
  momentary: number[];
  /** Every (rate, duration) interruption event per load point (for ECOST and Monte Carlo checks). */
  events: OracleEvent[][];
  /** Per failed element (key `section:<id>` or `transformer:<lp id>`): customer interruptions, customer hours, kWh. */
  contributions: Map<string, { ci: number; ch: number; kwh: number }>;
  supplied: boolean[];
}

interface Fault {
  key: string;
  rate: number;
  repair: number;
  /** Devices from the fault towards the source, in order. */
  upward: number[];
  source: number;
  onlyLoadPoint?: number;
}

export function naiveFmea(model: FeederModel, opts: OracleOptions = {}): OracleResult {
  const topo: Topology = buildTopology(model, opts.states);
  const ix = topo.index;
  const thr = (opts.momentaryThresholdMin ?? model.options?.momentaryThresholdMin ?? 5) / 60;
  const replacement = opts.transformerReplacement ?? model.options?.transformerReplacement ?? false;
  const nL = model.loadPoints.length;
  const supplied = model.loadPoints.map((_, l) => topo.energised(ix.lpBus[l]));

  const endBus = (d: number): number => (ix.devAtFrom[d] ? ix.secFrom[ix.devSection[d]] : ix.secTo[ix.devSection[d]]);
  const closedAt = (s: number, bus: number): number[] => {
    const out: number[] = [];
    for (let d = 0; d < ix.nDevices; d++) if (ix.devSection[d] === s && topo.devClosed[d] && endBus(d) === bus) out.push(d);
    return out;
  };
  const upFrom = (bus: number): number[] => {
    const out: number[] = [];
    for (let v = bus; topo.parentSec[v] >= 0; v = topo.parentBus[v]) {
      const s = topo.parentSec[v];
      out.push(...closedAt(s, v), ...closedAt(s, topo.parentBus[v]));
    }
    return out;
  };
  // The bus below a closed in-tree device (every load point below it is cut off by opening it); -1 on an open section.
  const downBusOf = (d: number): number => topo.secDown[ix.devSection[d]];

  const faults: Fault[] = [];
  for (let s = 0; s < ix.nSections; s++) {
    const rate = ix.secFailureRate[s];
    if (!(rate > 0)) continue;
    const sec = model.sections[s];
    if (topo.secUp[s] >= 0) {
      const down = topo.secDown[s];
      faults.push({
        key: `section:${sec.id}`, rate, repair: sec.repairHours,
        upward: [...closedAt(s, topo.secUp[s]), ...upFrom(topo.secUp[s])],
        source: topo.busSource[down],
      });
      continue;
    }
    // An open section: its conductor hangs at an end without an open device, if that end is supplied.
    let hang = -1;
    for (const b of [ix.secFrom[s], ix.secTo[s]]) {
      let openHere = false;
      for (let d = 0; d < ix.nDevices; d++) if (ix.devSection[d] === s && !topo.devClosed[d] && endBus(d) === b) openHere = true;
      if (!openHere && topo.energised(b)) { hang = b; break; }
    }
    if (hang < 0) continue;
    faults.push({
      key: `section:${sec.id}`, rate, repair: sec.repairHours,
      upward: [...closedAt(s, hang), ...upFrom(hang)],
      source: topo.busSource[hang],
    });
  }
  for (let l = 0; l < nL; l++) {
    const lp = model.loadPoints[l];
    const tx = lp.transformer;
    if (!tx || !(tx.failureRatePerYr > 0) || !supplied[l]) continue;
    const repair = replacement && tx.replacementHours !== undefined ? tx.replacementHours : tx.repairHours;
    const b = ix.lpBus[l];
    faults.push({
      key: `transformer:${lp.id}`, rate: tx.failureRatePerYr, repair,
      upward: upFrom(b),
      source: topo.busSource[b],
      onlyLoadPoint: tx.fused ? l : undefined,
    });
  }

  // Ties: open sections with an open device and both ends supplied, seen from each end.
  interface Tie { near: number; far: number; sw: number; avail: number; cap: number }
  const ties: Tie[] = [];
  for (let s = 0; s < ix.nSections; s++) {
    const a = ix.secFrom[s];
    const b = ix.secTo[s];
    if (topo.secClosed[s] || !topo.energised(a) || !topo.energised(b)) continue;
    let sw = -Infinity;
    let avail = 1;
    let cap = Infinity;
    let open = 0;
    for (let d = 0; d < ix.nDevices; d++) {
      if (ix.devSection[d] !== s) continue;
      const dev = model.devices[d];
      if (dev.capacityKW !== undefined) cap = Math.min(cap, dev.capacityKW);
      if (topo.devClosed[d]) continue;
      open++;
      sw = Math.max(sw, dev.switchingHours);
      avail *= dev.availability ?? 1;
    }
    if (!open) continue;
    for (const [near, far] of [[a, b], [b, a]]) {
      let c = cap;
      if (topo.busSource[far] !== topo.busSource[near]) {
        const sc = model.sources[topo.busSource[far]].capacityKW;
        if (sc !== undefined) c = Math.min(c, sc);
      }
      ties.push({ near, far, sw, avail, cap: c });
    }
  }

  const lambda = new Array<number>(nL).fill(0);
  const u = new Array<number>(nL).fill(0);
  const momentary = new Array<number>(nL).fill(0);
  const events: OracleEvent[][] = Array.from({ length: nL }, () => []);
  const contributions = new Map<string, { ci: number; ch: number; kwh: number }>();

  for (const f of faults) {
    const contrib = { ci: 0, ch: 0, kwh: 0 };
    contributions.set(f.key, contrib);
    const add = (l: number, rate: number, hours: number): void => {
      if (rate === 0) return;
      events[l].push({ rate, hours });
      const lp = model.loadPoints[l];
      if (hours > thr) {
        lambda[l] += rate;
        u[l] += rate * hours;
        contrib.ci += rate * lp.customers;
        contrib.ch += rate * hours * lp.customers;
        contrib.kwh += rate * hours * lp.avgKW;
      } else momentary[l] += rate;
    };
    if (f.onlyLoadPoint !== undefined) {
      add(f.onlyLoadPoint, f.rate, f.repair);
      continue;
    }
    // Clearing outcomes: which device clears, with what probability.
    const outcomes: Array<{ p: number; device: number }> = [];
    let rem = 1;
    for (const d of f.upward) {
      const dev = model.devices[d];
      if (!PROTECTIVE_TYPES.has(dev.type)) continue;
      const fp = dev.failureProbability ?? 0;
      outcomes.push({ p: rem * (1 - fp), device: d });
      rem *= fp;
      if (rem === 0) break;
    }
    if (rem > 0) outcomes.push({ p: rem, device: -1 });
    const inRegion = (bus: number, device: number): boolean => {
      if (device < 0) return topo.busSource[bus] === f.source;
      const db = downBusOf(device);
      return db >= 0 && topo.isBelow(bus, db);
    };

    const faultAbove = new Set(f.upward);
    for (let l = 0; l < nL; l++) {
      if (!supplied[l]) continue;
      const bus = ix.lpBus[l];
      const lpAbove = new Set(upFrom(bus));
      for (const o of outcomes) {
        if (!inRegion(bus, o.device)) continue;
        const opts: Array<{ t: number; p: number }> = [];
        // Fault's side of the path: restore from the source.
        let fromSource = Infinity;
        for (const d of faultAbove) if (!lpAbove.has(d)) fromSource = Math.min(fromSource, model.devices[d].switchingHours);
        if (fromSource < Infinity) opts.push({ t: fromSource, p: 1 });
        // The load point's side: cut it off with W and feed it through a tie below W.
        for (const tie of ties) {
          if (inRegion(tie.far, o.device)) continue;
          let split = Infinity;
          for (const d of lpAbove) {
            if (faultAbove.has(d)) continue;
            const db = downBusOf(d);
            if (!topo.isBelow(tie.near, db) || topo.peakKWBelow[db] > tie.cap) continue;
            split = Math.min(split, model.devices[d].switchingHours);
          }
          if (split < Infinity) opts.push({ t: Math.max(split, tie.sw), p: tie.avail });
        }
        opts.sort((a, b) => a.t - b.t);
        let remaining = o.p;
        for (const opt of opts) {
          if (remaining === 0) break;
          add(l, f.rate * remaining * opt.p, Math.min(opt.t, f.repair));
          remaining *= 1 - opt.p;
        }
        add(l, f.rate * remaining, f.repair);
      }
    }
  }
  return { lambda, u, momentary, events, contributions, supplied };
}
