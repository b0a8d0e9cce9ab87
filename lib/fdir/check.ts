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
import { solveState } from '../powerflow/solve';
import type { SweepWorkspace } from '../powerflow/sweep';
import type { FdirOptions } from './types';

export interface CheckResult {
  ok: boolean;
  topology?: Topology;
  /** Why not, in words an operator understands. */
  reason?: string;
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

  constructor(index: FeederIndex, preFault: Uint8Array, opts: FdirOptions = {}) {
    this.index = index;
    this.loads = buildLoads(index, { load: opts.loadBasis ?? 'peak', loads: opts.loads });
    this.forbiddenSections = new Uint8Array(index.nSections);
    this.forbiddenBuses = new Uint8Array(index.nBuses);
    const hasImpedances = index.model.baseKV !== undefined && index.model.sections.every((s) => s.rOhm !== undefined || s.xOhm !== undefined);
    this.net = hasImpedances ? new PowerFlowNetwork(index, { vMinPu: opts.vMinPu, vMaxPu: opts.vMaxPu }) : null;
    this.method = this.net ? 'power flow' : 'capacity only';
    const topo = new Topology(index, preFault);
    this.baseSourceKW = this.sourceLoads(topo);
    if (this.net) {
      try {
        const { topology, ws } = solveState(this.net, this.loads, preFault);
        this.violations(topology, ws, (kind, i) => (kind === 'under' ? this.baseUnderV : kind === 'over' ? this.baseOverV : this.baseOverload).add(i));
      } catch {
        // A pre-fault state that does not solve leaves no baseline: every violation counts.
      }
    }
  }

  private sourceLoads(topo: Topology): Float64Array {
    const out = new Float64Array(this.index.model.sources.length);
    const lpKW = this.loads.lpKW;
    for (let l = 0; l < lpKW.length; l++) {
      const src = topo.busSource[this.index.lpBus[l]];
      if (src >= 0) out[src] += lpKW[l];
    }
    return out;
  }

  private violations(topo: Topology, ws: SweepWorkspace, report: (kind: 'under' | 'over' | 'thermal', i: number) => void): void {
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
    const ix = this.index;
    const model = ix.model;
    let topo: Topology;
    try {
      topo = new Topology(ix, state);
    } catch (err) {
      if (err instanceof MeshError) return { ok: false, reason: err.message };
      throw err;
    }
    for (let b = 0; b < ix.nBuses; b++) {
      if (this.forbiddenBuses[b] && topo.energised(b)) return { ok: false, topology: topo, reason: `would energise bus "${model.buses[b].id}" in the isolated zone` };
    }
    for (let s = 0; s < ix.nSections; s++) {
      if (this.forbiddenSections[s] && conductorEnergised(topo, s)) {
        return { ok: false, topology: topo, reason: `would energise isolated section "${model.sections[s].id}"` };
      }
    }
    // Transfer capacities: tie devices now closed, and what sources take over beyond their own load.
    const lpKW = this.loads.lpKW;
    const busKW = new Float64Array(ix.nBuses);
    for (let l = 0; l < lpKW.length; l++) busKW[ix.lpBus[l]] += lpKW[l];
    for (let k = topo.order.length - 1; k >= 0; k--) {
      const b = topo.order[k];
      if (topo.parentBus[b] >= 0) busKW[topo.parentBus[b]] += busKW[b];
    }
    for (let d = 0; d < ix.nDevices; d++) {
      const dev = model.devices[d];
      if (dev.capacityKW === undefined || !state[d]) continue;
      const down = topo.secDown[ix.devSection[d]];
      if (down >= 0 && busKW[down] > dev.capacityKW) {
        return { ok: false, topology: topo, reason: `tie "${dev.id}" would carry ${busKW[down].toFixed(0)} kW, above its ${dev.capacityKW} kW capacity` };
      }
    }
    const srcKW = this.sourceLoads(topo);
    for (let s = 0; s < srcKW.length; s++) {
      const cap = model.sources[s].capacityKW;
      if (cap !== undefined && srcKW[s] - this.baseSourceKW[s] > cap + 1e-9) {
        return { ok: false, topology: topo, reason: `source "${model.sources[s].id}" would take over ${(srcKW[s] - this.baseSourceKW[s]).toFixed(0)} kW, above its ${cap} kW transfer capacity` };
      }
    }
    if (!this.net) return { ok: true, topology: topo };
    try {
      const { ws } = solveState(this.net, this.loads, topo.devClosed);
      let reason: string | undefined;
      this.violations(topo, ws, (kind, i) => {
        if (reason) return;
        if (kind === 'thermal' && !this.baseOverload.has(i)) reason = `section "${model.sections[i].id}" would be overloaded`;
        if (kind === 'under' && !this.baseUnderV.has(i)) reason = `bus "${model.buses[i].id}" voltage would fall below its limit`;
        if (kind === 'over' && !this.baseOverV.has(i)) reason = `bus "${model.buses[i].id}" voltage would rise above its limit`;
      });
      return reason ? { ok: false, topology: topo, reason } : { ok: true, topology: topo };
    } catch (err) {
      if (err instanceof PowerFlowError) return { ok: false, topology: topo, reason: err.message };
      throw err;
    }
  }
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
