/**
 * Loss-minimising reconfiguration of a radial feeder.
 *
 * Method: branch exchange (Civanlar et al. 1988; Baran & Wu 1989) with every exchange scored by a
 * full power flow, run as a steepest descent from several radial starting points, best result kept:
 *  1. the present state (so the result can never have higher losses than now);
 *  2. the state left by sequential switch opening (Shirmohammadi & Hong 1989): close every
 *     operable switch, solve the meshed network (compensation method), open the loop section that
 *     carries the least current, re-solve, until radial — a start already near the optimum;
 *  3. a few random spanning trees (seeded, reproducible) to leave the basin of a local optimum.
 * Branch exchange alone stops at the first configuration no single exchange improves; on
 * IEEE 33-bus that local optimum depends on the start, which is why several starts are used.
 *
 * Constraints: the result is radial, supplies every bus the present state supplies (de-energised
 * areas stay as they are), operates only sections with a switch (any device but a fuse) and no
 * locked device, and keeps voltages within the bus limits, currents within ratings and transfers
 * within the `capacityKW` of devices and sources. When the
 * present state already exceeds a limit, the bar is the present worst excess (it may not get
 * worse), so a search never fails for a violation it did not cause; the result reports what
 * remains. Among acceptable configurations the one with the least losses wins.
 */
import type { FeederIndex } from '../model/feeder-index';
import { Rng } from '../util/rng';
import { PowerFlowError } from './errors';
import { better, ConfigEvaluator, type Allowance, type Evaluation } from './evaluator';
import { buildLoads } from './loads';
import { solveMeshed } from './meshed';
import { PowerFlowNetwork, S_BASE_KVA } from './network';
import { loopSections } from './paths';
import { describeSolution, indexOf, solveState, type FeederInput } from './solve';
import { switchingSequence, type SwitchingStep } from './switching';
import { DEFAULTS, type PowerFlowOptions, type PowerFlowResult } from './types';

export interface ReconfigureOptions extends PowerFlowOptions {
  /** Device ids the search must not operate (their sections keep their present state). */
  locked?: string[];
  /** Random starting trees besides the present state and sequential opening (default 4). */
  restarts?: number;
  /** Seed for the random starts (default 1). */
  seed?: number;
  /** Called after each start's local search (for progress reports). */
  onProgress?: (p: ReconfigureProgress) => void;
}

export interface ReconfigureProgress {
  /** Starts done and planned. */
  done: number;
  of: number;
  start: string;
  /** Best losses so far (kW). */
  bestKW: number;
}

export interface ConfigurationSummary {
  open: string[];
  lossesKW: number;
  lossesKvar: number;
  vMinPu: number;
  vMinBus: string | null;
}

export interface ReconfigurationResult extends ConfigurationSummary {
  /** Devices that are open in the result on the open sections. */
  openDevices: string[];
  /** The present state, for comparison. */
  start: ConfigurationSummary;
  savingKW: number;
  /** Close-before-open sequence from the present state (empty when it is already optimal). */
  steps: SwitchingStep[];
  /** Devices whose state changes: id -> closed in the result. */
  switchStates: Record<string, boolean>;
  /** True when the result meets every voltage limit, rating and transfer capacity. */
  limitsMet: boolean;
  violations: PowerFlowResult['violations'];
  method: string;
  /** Local optimum reached from each start. */
  starts: Array<{ start: string; lossesKW: number; open: string[] }>;
  /** Power flows solved by the search. */
  evaluations: number;
  /** The full power flow of the result. */
  powerflow: PowerFlowResult;
}

/** Steepest-descent branch exchange from `start`: returns the configuration no single exchange improves. */
export function branchExchange(ev: ConfigEvaluator, start: Uint8Array, startEval: Evaluation, allow: Allowance): { sec: Uint8Array; evaluation: Evaluation } {
  const ix = ev.index;
  const cur = start.slice();
  let curE = startEval;
  for (;;) {
    let best: Evaluation | null = null;
    let bestClose = -1;
    let bestOpen = -1;
    for (let f = 0; f < ix.nSections; f++) {
      if (!ev.operable[f] || cur[f]) continue;
      const loop = loopSections(curE.topology, ix.secFrom[f], ix.secTo[f]);
      for (const e of loop) {
        if (!ev.operable[e]) continue;
        cur[f] = 1;
        cur[e] = 0;
        const cand = ev.evaluate(cur, curE.ws);
        cur[f] = 0;
        cur[e] = 1;
        if (cand && cand.energised === curE.energised && better(cand, best, allow)) {
          best = cand;
          bestClose = f;
          bestOpen = e;
        }
      }
    }
    if (!best || !better(best, curE, allow)) return { sec: cur, evaluation: curE };
    cur[bestClose] = 1;
    cur[bestOpen] = 0;
    curE = best;
  }
}

/** Sequential switch opening from the all-closed network; null when it cannot reach a radial state. */
export function sequentialOpening(ev: ConfigEvaluator, present: Uint8Array, tol: number, maxIterations: number): Uint8Array | null {
  const ix = ev.index;
  const sec = present.slice();
  for (let s = 0; s < ix.nSections; s++) if (ev.operable[s]) sec[s] = 1;
  for (;;) {
    const sol = solveMeshed(ev.net, ev.loads, sec, tol, maxIterations);
    if (sol.links === 0) return sec;
    if (!sol.converged) return null;
    let pick = -1;
    for (let s = 0; s < ix.nSections; s++) {
      if (sec[s] && ev.operable[s] && sol.inLoop[s] && (pick < 0 || sol.current2[s] < sol.current2[pick])) pick = s;
    }
    if (pick < 0) return null;
    sec[pick] = 0;
  }
}

/** A random spanning tree of the supplied area: fixed sections kept, operable ones in random order (Kruskal). */
export function randomTree(ev: ConfigEvaluator, present: Uint8Array, rng: Rng): Uint8Array {
  const ix = ev.index;
  const nB = ix.nBuses;
  const parent = Int32Array.from({ length: nB + 1 }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  const union = (a: number, b: number): boolean => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return false;
    parent[ra] = rb;
    return true;
  };
  for (const b of ix.sourceBus) union(b, nB); // every source hangs off one virtual root
  const sec = present.slice();
  const candidates: number[] = [];
  for (let s = 0; s < ix.nSections; s++) {
    if (ev.operable[s]) {
      sec[s] = 0;
      candidates.push(s);
    } else if (present[s]) union(ix.secFrom[s], ix.secTo[s]);
  }
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  for (const s of candidates) if (union(ix.secFrom[s], ix.secTo[s])) sec[s] = 1;
  return sec;
}

function lockedDevices(index: FeederIndex, locked: string[] | undefined): Uint8Array {
  const out = new Uint8Array(index.nDevices);
  for (const id of locked ?? []) {
    const d = index.deviceIndex.get(id);
    if (d === undefined) throw new PowerFlowError(`locked: device "${id}" does not exist`, 'data');
    out[d] = 1;
  }
  return out;
}

function summary(ev: ConfigEvaluator, e: Evaluation): ConfigurationSummary {
  const model = ev.index.model;
  return {
    open: Array.from(e.topology.openSections, (s) => model.sections[s].id),
    lossesKW: e.lossP * S_BASE_KVA,
    lossesKvar: e.lossQ * S_BASE_KVA,
    vMinPu: e.vMinBus >= 0 ? e.vMin : 0,
    vMinBus: e.vMinBus >= 0 ? model.buses[e.vMinBus].id : null,
  };
}

export function reconfigure(feeder: FeederInput, opts: ReconfigureOptions = {}): ReconfigurationResult {
  const index = indexOf(feeder);
  const net = new PowerFlowNetwork(index, opts);
  const loads = buildLoads(index, opts);
  const tol = opts.tolerancePu ?? DEFAULTS.tolerancePu;
  const maxIterations = opts.maxIterations ?? DEFAULTS.maxIterations;
  const restarts = opts.restarts ?? 4;
  if (!(Number.isInteger(restarts) && restarts >= 0)) throw new PowerFlowError(`restarts must be a whole number >= 0 (got ${restarts})`, 'data');
  // The present state must be radial and solvable: solveState throws the error that says where not.
  const present = solveState(net, loads, opts.states, opts);
  const ev = new ConfigEvaluator(net, loads, present.topology, lockedDevices(index, opts.locked), tol, maxIterations);
  const presentSec = present.topology.secClosed;
  const presentE = ev.evaluate(presentSec, present.ws);
  if (!presentE) throw new PowerFlowError('the present state has no power flow solution', 'not-converged');
  const allow: Allowance = { under: presentE.under + 1e-9, over: presentE.over + 1e-9, overload: presentE.overload + 1e-9 };

  const startPoints: Array<{ name: string; sec: Uint8Array }> = [{ name: 'present state', sec: presentSec }];
  const seq = sequentialOpening(ev, presentSec, tol, maxIterations);
  if (seq) startPoints.push({ name: 'sequential opening', sec: seq });
  const rng = new Rng(opts.seed ?? 1);
  for (let r = 0; r < restarts; r++) startPoints.push({ name: `random tree ${r + 1}`, sec: randomTree(ev, presentSec, rng) });
  // A random tree may have no power-flow solution (load fed over long, weak paths): draw again, a few times.
  const redraw = (): Uint8Array => randomTree(ev, presentSec, rng);

  const seen = new Set<string>();
  const starts: ReconfigurationResult['starts'] = [];
  let bestSec = presentSec;
  let bestE = presentE;
  for (const sp of startPoints) {
    const key = keyOf(sp.sec);
    if (seen.has(key)) continue;
    seen.add(key);
    let e0 = sp.sec === presentSec ? presentE : ev.evaluate(sp.sec, presentE.ws);
    for (let tries = 0; !e0 && sp.name.startsWith('random') && tries < 5; tries++) {
      sp.sec = redraw();
      e0 = ev.evaluate(sp.sec, presentE.ws);
    }
    if (!e0 || e0.energised !== presentE.energised) continue;
    const local = branchExchange(ev, sp.sec, e0, allow);
    seen.add(keyOf(local.sec));
    starts.push({ start: sp.name, lossesKW: local.evaluation.lossP * S_BASE_KVA, open: summary(ev, local.evaluation).open });
    if (better(local.evaluation, bestE, allow)) {
      bestE = local.evaluation;
      bestSec = local.sec;
    }
    opts.onProgress?.({ done: starts.length, of: startPoints.length, start: sp.name, bestKW: bestE.lossP * S_BASE_KVA });
  }

  const steps = switchingSequence(ev, presentSec, presentE, bestSec, allow);
  const finalDev = ev.deviceStates(bestSec);
  const switchStates: Record<string, boolean> = {};
  for (let d = 0; d < index.nDevices; d++) if (finalDev[d] !== ev.presentDev[d]) switchStates[index.model.devices[d].id] = finalDev[d] === 1;
  const final = solveState(net, loads, finalDev, opts);
  const pf = describeSolution(net, loads, final.topology, final.ws, final.outcome);
  const best = summary(ev, bestE);
  const start = summary(ev, presentE);
  const model = index.model;
  return {
    ...best,
    openDevices: best.open.map((id) => {
      const s = index.sectionIndex.get(id)!;
      for (let k = index.devStart[s]; k < index.devStart[s + 1]; k++) if (!finalDev[index.devList[k]]) return model.devices[index.devList[k]].id;
      return '';
    }).filter((d) => d !== ''),
    start,
    savingKW: start.lossesKW - best.lossesKW,
    steps,
    switchStates,
    limitsMet: pf.violations.voltage.length + pf.violations.thermal.length + pf.violations.capacity.length === 0,
    violations: pf.violations,
    method: `branch exchange with power-flow scoring from ${starts.length} starts (present state${seq ? ', sequential opening' : ''}, ${restarts} random trees)`,
    starts,
    evaluations: ev.evaluations,
    powerflow: pf,
  };
}

function keyOf(sec: Uint8Array): string {
  return Buffer.from(sec).toString('base64');
}

