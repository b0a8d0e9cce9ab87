/**
 * Is a switch state acceptable for restoration? Radial (no loop, no two sources paralleled), the
 * isolated zone de-energised, tie and source transfer capacities respected, and — when the model
 * has impedances — no voltage or thermal limit broken that was not already broken before the fault
 * (power flow under the load at the moment). One check is O(N) plus one power flow.
 */
import type { FeederIndex } from '../model/feeder-index';
import { MeshError, Topology } from '../model/topology';
import { PowerFlowError } from '../powerflow/errors';
import { buildLoads, type LoadVector } from '../powerflow/loads';
import { PowerFlowNetwork } from '../powerflow/network';
import { checkConverged, solveState } from '../powerflow/solve';
import { sweep, SweepWorkspace, type SweepData } from '../powerflow/sweep';
import type { FdirOptions } from './types';

/**
 * Convergence tolerance of the limit checks (p.u.): a voltage known to 1e-7 p.u. decides a 0.95 p.u.
 * limit as well as the power flow's own 1e-10, in a third of the sweeps.
 */
const CHECK_TOLERANCE_PU = 1e-7;
const CHECK_MAX_SWEEPS = 100;

export interface CheckResult {
  ok: boolean;
  /** The checked state's radial topology (built on first use; absent when the state is meshed). */
  topology?: Topology;
  /** Per bus: 1 when a source reaches it in the checked state (absent when meshed). */
  live?: Uint8Array;
  /** Why not, in words an operator understands. */
  reason?: string;
}

/**
 * The radial tree of a state as the limit checks and the sweep need it (BFS order, parents, source
 * per bus), built into buffers reused between checks: a check builds no full Topology.
 */
class TreeBuffers {
  readonly order: Int32Array;
  readonly parentSec: Int32Array;
  readonly parentBus: Int32Array;
  readonly busSource: Int32Array;
  readonly conducts: Uint8Array;
  size = 0;

  constructor(private readonly ix: FeederIndex) {
    this.order = new Int32Array(ix.nBuses);
    this.parentSec = new Int32Array(ix.nBuses);
    this.parentBus = new Int32Array(ix.nBuses);
    this.busSource = new Int32Array(ix.nBuses);
    this.conducts = new Uint8Array(ix.nSections);
  }

  /** Builds the tree of `state`; false when it is meshed (a loop or two sources connected). */
  build(state: Uint8Array): boolean {
    const ix = this.ix;
    const { order, parentSec, parentBus, busSource, conducts } = this;
    conducts.fill(1);
    for (let d = 0; d < ix.nDevices; d++) if (!state[d]) conducts[ix.devSection[d]] = 0;
    parentSec.fill(-1);
    parentBus.fill(-1);
    busSource.fill(-1);
    let head = 0;
    let tail = 0;
    for (let src = 0; src < ix.sourceBus.length; src++) {
      const root = ix.sourceBus[src];
      if (busSource[root] >= 0) return false;
      busSource[root] = src;
      order[tail++] = root;
      while (head < tail) {
        const u = order[head++];
        for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
          const sec = ix.adjSec[k];
          if (!conducts[sec] || sec === parentSec[u]) continue;
          const v = ix.adjBus[k];
          if (busSource[v] >= 0) {
            if (parentSec[v] === sec) continue; // the same section seen from its other end
            return false;
          }
          busSource[v] = src;
          parentSec[v] = sec;
          parentBus[v] = u;
          order[tail++] = v;
        }
      }
    }
    this.size = tail;
    return true;
  }

  /** The bus a conducting section feeds (-1 when it is dead or open). */
  downBus(sec: number): number {
    const a = this.ix.secFrom[sec];
    const b = this.ix.secTo[sec];
    return this.parentSec[b] === sec ? b : this.parentSec[a] === sec ? a : -1;
  }

  tree(): { order: Int32Array; parentSec: Int32Array; parentBus: Int32Array; busSource: Int32Array } {
    return { order: this.order.subarray(0, this.size), parentSec: this.parentSec, parentBus: this.parentBus, busSource: this.busSource };
  }
}

/** A check's result with its topology built only when a caller asks for it. */
function result(ix: FeederIndex, state: Uint8Array, live: Uint8Array, ok: boolean, reason?: string): CheckResult {
  const copy = state.slice();
  let topo: Topology | undefined;
  return {
    ok,
    live,
    ...(reason !== undefined ? { reason } : {}),
    get topology(): Topology {
      topo ??= new Topology(ix, copy);
      return topo;
    },
  };
}

export class StateChecker {
  readonly index: FeederIndex;
  readonly loads: LoadVector;
  readonly method: 'power flow' | 'capacity only';
  private readonly net: PowerFlowNetwork | null;
  /** Buses and sections already outside limits before the fault: not held against a plan. */
  private readonly baseUnderV = new Set<number>();
  private readonly baseOverV = new Set<number>();
  private readonly baseOverload = new Set<number>();
  /** Load each source carried before the fault (kW), for its transfer capacity. */
  private readonly baseSourceKW: Float64Array;
  /** Section conductors and buses that must stay de-energised (the isolated zone), set per plan. */
  forbiddenSections: Uint8Array;
  forbiddenBuses: Uint8Array;
  /** Checks run so far (for benchmarks and tests of the search's pruning). */
  checks = 0;
  /** The pre-fault solution (warm start of every check) and a workspace reused by each check. */
  private baseWs: SweepWorkspace | null = null;
  private readonly scratch: SweepWorkspace | null;
  private readonly sweepData: SweepData | null;
  private readonly tree: TreeBuffers;
  private readonly busKW: Float64Array;

  constructor(index: FeederIndex, preFault: Uint8Array, opts: FdirOptions = {}) {
    this.index = index;
    this.loads = buildLoads(index, { load: opts.loadBasis ?? 'peak', loads: opts.loads });
    this.forbiddenSections = new Uint8Array(index.nSections);
    this.forbiddenBuses = new Uint8Array(index.nBuses);
    const hasImpedances = index.model.baseKV !== undefined && index.model.sections.every((s) => s.rOhm !== undefined || s.xOhm !== undefined);
    this.net = hasImpedances ? new PowerFlowNetwork(index, { vMinPu: opts.vMinPu, vMaxPu: opts.vMaxPu }) : null;
    this.method = this.net ? 'power flow' : 'capacity only';
    this.scratch = this.net ? new SweepWorkspace(index.nBuses) : null;
    this.tree = new TreeBuffers(index);
    this.busKW = new Float64Array(index.nBuses);
    this.sweepData = this.net ? { zRe: this.net.zRe, zIm: this.net.zIm, busP: this.loads.busP, busQ: this.loads.busQ, sourceV: this.net.sourceV } : null;
    const topo = new Topology(index, preFault);
    this.baseSourceKW = this.sourceLoads(topo.busSource);
    if (this.net) {
      try {
        const { topology, ws } = solveState(this.net, this.loads, preFault, { tolerancePu: CHECK_TOLERANCE_PU, maxIterations: CHECK_MAX_SWEEPS });
        this.baseWs = ws;
        this.violations(topology, ws, (kind, i) => (kind === 'under' ? this.baseUnderV : kind === 'over' ? this.baseOverV : this.baseOverload).add(i));
      } catch {
        // A pre-fault state that does not solve leaves no baseline: every violation counts.
      }
    }
  }

  private sourceLoads(busSource: Int32Array): Float64Array {
    const out = new Float64Array(this.index.model.sources.length);
    const lpKW = this.loads.lpKW;
    for (let l = 0; l < lpKW.length; l++) {
      const src = busSource[this.index.lpBus[l]];
      if (src >= 0) out[src] += lpKW[l];
    }
    return out;
  }

  private violations(topo: { order: Int32Array; parentSec: Int32Array }, ws: SweepWorkspace, report: (kind: 'under' | 'over' | 'thermal', i: number) => void): void {
    const net = this.net!;
    for (let k = 0; k < topo.order.length; k++) {
      const b = topo.order[k];
      const v = Math.hypot(ws.vRe[b], ws.vIm[b]);
      if (v < net.vMin[b]) report('under', b);
      else if (v > net.vMax[b]) report('over', b);
      const s = topo.parentSec[b];
      if (s >= 0 && !Number.isNaN(net.ratingA[s])) {
        const iA = Math.hypot(ws.jRe[b], ws.jIm[b]) * net.iBaseA;
        if (iA > (net.ratingA[s] * net.maxLoadingPct) / 100) report('thermal', s);
      }
    }
  }

  check(state: Uint8Array): CheckResult {
    this.checks++;
    const ix = this.index;
    const model = ix.model;
    const t = this.tree;
    if (!t.build(state)) {
      try {
        new Topology(ix, state);
      } catch (err) {
        if (err instanceof MeshError) return { ok: false, reason: err.message };
        throw err;
      }
      return { ok: false, reason: 'the state is meshed' };
    }
    const live = new Uint8Array(ix.nBuses);
    for (let k = 0; k < t.size; k++) live[t.order[k]] = 1;
    const fail = (reason: string): CheckResult => result(ix, state, live, false, reason);
    for (let b = 0; b < ix.nBuses; b++) {
      if (this.forbiddenBuses[b] && live[b]) return fail(`would energise bus "${model.buses[b].id}" in the isolated zone`);
    }
    for (let s = 0; s < ix.nSections; s++) {
      if (this.forbiddenSections[s] && conductorLive(ix, live, state, s)) return fail(`would energise isolated section "${model.sections[s].id}"`);
    }
    // Transfer capacities: tie devices now closed, and what sources take over beyond their own load.
    const lpKW = this.loads.lpKW;
    const busKW = this.busKW;
    busKW.fill(0);
    for (let l = 0; l < lpKW.length; l++) busKW[ix.lpBus[l]] += lpKW[l];
    for (let k = t.size - 1; k >= 0; k--) {
      const b = t.order[k];
      if (t.parentBus[b] >= 0) busKW[t.parentBus[b]] += busKW[b];
    }
    for (let d = 0; d < ix.nDevices; d++) {
      const dev = model.devices[d];
      if (dev.capacityKW === undefined || !state[d]) continue;
      const down = t.downBus(ix.devSection[d]);
      if (down >= 0 && busKW[down] > dev.capacityKW) {
        return fail(`tie "${dev.id}" would carry ${busKW[down].toFixed(0)} kW, above its ${dev.capacityKW} kW capacity`);
      }
    }
    const srcKW = this.sourceLoads(t.busSource);
    for (let s = 0; s < srcKW.length; s++) {
      const cap = model.sources[s].capacityKW;
      if (cap !== undefined && srcKW[s] - this.baseSourceKW[s] > cap + 1e-9) {
        return fail(`source "${model.sources[s].id}" would take over ${(srcKW[s] - this.baseSourceKW[s]).toFixed(0)} kW, above its ${cap} kW transfer capacity`);
      }
    }
    if (!this.net) return result(ix, state, live, true);
    try {
      // One sweep on the tree already built, warm-started from the pre-fault solution.
      const tree = t.tree();
      const ws = this.scratch!;
      const outcome = sweep(tree, this.sweepData!, ws, CHECK_TOLERANCE_PU, CHECK_MAX_SWEEPS, this.baseWs ?? undefined);
      checkConverged(ix, outcome);
      let reason: string | undefined;
      this.violations(tree, ws, (kind, i) => {
        if (reason) return;
        if (kind === 'thermal' && !this.baseOverload.has(i)) reason = `section "${model.sections[i].id}" would be overloaded`;
        if (kind === 'under' && !this.baseUnderV.has(i)) reason = `bus "${model.buses[i].id}" voltage would fall below its limit`;
        if (kind === 'over' && !this.baseOverV.has(i)) reason = `bus "${model.buses[i].id}" voltage would rise above its limit`;
      });
      return reason ? fail(reason) : result(ix, state, live, true);
    } catch (err) {
      if (err instanceof PowerFlowError) return fail(err.message);
      throw err;
    }
  }
}

/** conductorEnergised on a live-bus mask and device states. */
function conductorLive(ix: FeederIndex, live: Uint8Array, state: Uint8Array, s: number): boolean {
  for (const b of [ix.secFrom[s], ix.secTo[s]]) {
    if (!live[b]) continue;
    const atFrom = ix.secFrom[s] === b ? 1 : 0;
    let open = false;
    for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
      const d = ix.devList[k];
      if (ix.devAtFrom[d] === atFrom && !state[d]) open = true;
    }
    if (!open) return true;
  }
  return false;
}

/** A section's conductor is live when an energised end bus reaches it without an open device between. */
export function conductorEnergised(topo: Topology, s: number): boolean {
  const ix = topo.index;
  for (const b of [ix.secFrom[s], ix.secTo[s]]) {
    if (!topo.energised(b)) continue;
    const atFrom = ix.secFrom[s] === b ? 1 : 0;
    let open = false;
    for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
      const d = ix.devList[k];
      if (ix.devAtFrom[d] === atFrom && !topo.devClosed[d]) open = true;
    }
    if (!open) return true;
  }
  return false;
}
