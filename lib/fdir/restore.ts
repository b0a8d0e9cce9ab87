/**
 * Service restoration of de-energised healthy areas through normally-open ties. Per area, the
 * search tries each tie for the whole area first (one operation); when no single tie can carry
 * it, it splits the area at operable switches inside it and gives each part its own tie or
 * leaves it out, keeping the best feasible plan: most customers restored by priority level
 * (higher priority first), then fewest operations.
 */
import type { Topology } from '../model/topology';
import type { StateChecker } from './check';

export interface AreaOption {
  /** Devices to open (splits) and to close (ties), in that order. */
  open: number[];
  close: number[];
  /** Load points re-energised. */
  restored: number[];
  score: number[];
  ops: number;
}

export interface RestoreContext {
  topo: Topology;
  checker: StateChecker;
  /** Devices the operator may use in this stage (automated ones for the remote stage). */
  operable: (d: number) => boolean;
  /** Priority levels, highest first, and each load point's level index. */
  levels: number[];
  lpLevel: Int32Array;
  maxCombinations: number;
}

export function priorityLevels(priorities: number[]): { levels: number[]; lpLevel: Int32Array } {
  const levels = [...new Set(priorities)].sort((a, b) => b - a);
  const at = new Map(levels.map((p, i) => [p, i] as const));
  return { levels, lpLevel: Int32Array.from(priorities, (p) => at.get(p)!) };
}

/** Compares two options: more customers at higher priority first, then fewer operations. */
export function better(a: { score: number[]; ops: number }, b: { score: number[]; ops: number } | null): boolean {
  if (!b) return true;
  for (let i = 0; i < a.score.length; i++) {
    if (a.score[i] !== b.score[i]) return a.score[i] > b.score[i];
  }
  return a.ops < b.ops;
}

/** Healthy areas that have no supply in `state` (connected dead buses outside the isolated zone). */
export function deadAreas(topo: Topology, forbiddenBuses: Uint8Array): number[][] {
  const ix = topo.index;
  const seen = new Uint8Array(ix.nBuses);
  const areas: number[][] = [];
  for (let l = 0; l < ix.nLoadPoints; l++) {
    const start = ix.lpBus[l];
    if (topo.energised(start) || forbiddenBuses[start] || seen[start]) continue;
    const area: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const u = stack.pop()!;
      area.push(u);
      for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
        const v = ix.adjBus[k];
        if (seen[v] || forbiddenBuses[v] || topo.energised(v) || !topo.secClosed[ix.adjSec[k]]) continue;
        seen[v] = 1;
        stack.push(v);
      }
    }
    areas.push(area);
  }
  return areas;
}

interface Tie {
  section: number;
  /** Open devices to close on the tie section. */
  devices: number[];
  /** Area bus it touches. */
  bus: number;
}

/** The best way to re-energise one dead area from the state `base` (null when nothing can be done). */
export function restoreArea(ctx: RestoreContext, base: Uint8Array, area: number[]): AreaOption | null {
  const { topo, checker } = ctx;
  const ix = topo.index;
  const inArea = new Uint8Array(ix.nBuses);
  for (const b of area) inArea[b] = 1;
  const areaLps: number[] = [];
  for (let l = 0; l < ix.nLoadPoints; l++) if (inArea[ix.lpBus[l]]) areaLps.push(l);

  const ties: Tie[] = [];
  const internal: number[] = [];
  const seenSec = new Uint8Array(ix.nSections);
  for (const b of area) {
    for (let k = ix.adjStart[b]; k < ix.adjStart[b + 1]; k++) {
      const s = ix.adjSec[k];
      if (seenSec[s]) continue;
      seenSec[s] = 1;
      const other = ix.adjBus[k];
      const devs: number[] = [];
      for (let j = ix.devStart[s]; j < ix.devStart[s + 1]; j++) devs.push(ix.devList[j]);
      if (inArea[other]) {
        if (topo.secClosed[s]) for (const d of devs) if (ctx.operable(d)) internal.push(d);
        continue;
      }
      const openDevs = devs.filter((d) => !base[d]);
      // A tie: an open section to a live bus whose open devices may all be operated.
      if (openDevs.length > 0 && topo.energised(other) && !checker.forbiddenBuses[other] && openDevs.every((d) => ctx.operable(d))) {
        ties.push({ section: s, devices: openDevs, bus: b });
      }
    }
  }
  if (ties.length === 0) return null;

  const evaluate = (open: number[], close: number[]): AreaOption | null => {
    const state = base.slice();
    for (const d of open) state[d] = 0;
    for (const d of close) state[d] = 1;
    const res = checker.check(state);
    if (!res.ok || !res.topology) return null;
    const restored = areaLps.filter((l) => res.topology!.energised(ix.lpBus[l]));
    if (restored.length === 0) return null;
    const score = new Array(ctx.levels.length).fill(0);
    for (const l of restored) score[ctx.lpLevel[l]] += ix.model.loadPoints[l].customers;
    return { open, close, restored, score, ops: open.length + close.length };
  };

  // One tie for the whole area: optimal when feasible (everything back, fewest operations).
  let best: AreaOption | null = null;
  for (const t of ties) {
    const opt = evaluate([], t.devices);
    if (opt && better(opt, best)) best = opt;
  }
  if (best && best.restored.length === areaLps.length) return best;
  if (internal.length === 0) return best;

  // Split the area: open a subset of internal switches, give each part one tie or none.
  const m = internal.length;
  const masks: number[] = [];
  const full = m <= 16 && (1 << m) * Math.max(1, ties.length) <= ctx.maxCombinations;
  if (full) for (let mask = 1; mask < 1 << m; mask++) masks.push(mask);
  else {
    for (let i = 0; i < m && i < 30; i++) {
      masks.push(2 ** i);
      for (let j = i + 1; j < m && j < 30; j++) masks.push(2 ** i + 2 ** j);
    }
  }
  let budget = ctx.maxCombinations;
  for (const mask of masks) {
    if (budget <= 0) break;
    const open = internal.filter((_, i) => Math.floor(mask / 2 ** i) % 2 === 1);
    const parts = splitParts(topo, area, inArea, new Set(open));
    // Ties per part.
    const partTies: Tie[][] = parts.map(() => []);
    for (const t of ties) partTies[parts.findIndex((p) => p.has(t.bus))].push(t);
    const choices = partTies.map((pt) => pt.length + 1);
    const combos = choices.reduce((a, c) => a * c, 1);
    if (full && combos <= budget) {
      const pick = new Array(parts.length).fill(0);
      for (let c = 0; c < combos; c++) {
        let rest = c;
        for (let p = 0; p < parts.length; p++) {
          pick[p] = rest % choices[p];
          rest = Math.floor(rest / choices[p]);
        }
        const close = pick.flatMap((k, p) => (k === 0 ? [] : partTies[p][k - 1].devices));
        if (close.length === 0) continue;
        budget--;
        const opt = evaluate(open, close);
        if (opt && better(opt, best)) best = opt;
      }
    } else {
      // Greedy per part: keep the best tie for each part in turn.
      let close: number[] = [];
      let current: AreaOption | null = null;
      for (let p = 0; p < parts.length; p++) {
        for (const t of partTies[p]) {
          budget--;
          const opt = evaluate(open, [...close, ...t.devices]);
          if (opt && better(opt, current)) {
            current = opt;
          }
        }
        if (current) close = current.close;
      }
      if (current && better(current, best)) best = current;
    }
  }
  // Splits that restore nothing more than a plain tie are not worth their operations.
  return best;
}

/** Parts of an area after opening the devices in `open` (each part: a set of buses). */
function splitParts(topo: Topology, area: number[], inArea: Uint8Array, open: Set<number>): Array<Set<number>> {
  const ix = topo.index;
  const seen = new Uint8Array(ix.nBuses);
  const parts: Array<Set<number>> = [];
  for (const start of area) {
    if (seen[start]) continue;
    const part = new Set<number>([start]);
    seen[start] = 1;
    const stack = [start];
    while (stack.length) {
      const u = stack.pop()!;
      for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
        const v = ix.adjBus[k];
        const s = ix.adjSec[k];
        if (!inArea[v] || seen[v] || !topo.secClosed[s]) continue;
        let cut = false;
        for (let j = ix.devStart[s]; j < ix.devStart[s + 1]; j++) if (open.has(ix.devList[j])) cut = true;
        if (cut) continue;
        seen[v] = 1;
        part.add(v);
        stack.push(v);
      }
    }
    parts.push(part);
  }
  return parts;
}
