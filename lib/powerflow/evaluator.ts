/**
 * Scores radial configurations for reconfiguration: a configuration is a per-section closed flag;
 * the evaluator maps it onto device states (closing every device of a section it closes, opening
 * one chosen switch of a section it opens), builds the topology from the shared FeederIndex, runs
 * the sweep warm from a previous solution and returns losses and how far limits are exceeded.
 */
import type { FeederIndex } from '../model/feeder-index';
import { MeshError, Topology } from '../model/topology';
import type { LoadVector } from './loads';
import { S_BASE_KVA, type PowerFlowNetwork } from './network';
import { sweep, SweepWorkspace } from './sweep';
import { treeLosses } from './solve';

export interface Evaluation {
  topology: Topology;
  ws: SweepWorkspace;
  /** Losses (p.u. on 1 MVA). */
  lossP: number;
  lossQ: number;
  vMin: number;
  vMinBus: number;
  /** Worst amounts beyond limits: under-voltage (p.u.), over-voltage (p.u.), overload (share of a rating or transfer capacity). */
  under: number;
  over: number;
  overload: number;
  /** Energised buses (a configuration that drops any is rejected by the caller). */
  energised: number;
}

/** Limit excess the search may not grow: what the present state already has (0 when it meets every limit). */
export interface Allowance {
  under: number;
  over: number;
  overload: number;
}

/** How much a configuration exceeds the allowance (0 = acceptable). */
export function excessOf(e: Evaluation, allow: Allowance): number {
  return Math.max(0, e.under - allow.under) + Math.max(0, e.over - allow.over) + Math.max(0, e.overload - allow.overload);
}

/** Lexicographic order: less excess first, then lower losses. */
export function better(a: Evaluation, b: Evaluation | null, allow: Allowance): boolean {
  if (!b) return true;
  const ea = excessOf(a, allow);
  const eb = excessOf(b, allow);
  if (Math.abs(ea - eb) > 1e-12) return ea < eb;
  return a.lossP < b.lossP - 1e-12 * Math.max(1, Math.abs(b.lossP));
}

export class ConfigEvaluator {
  readonly index: FeederIndex;
  /** Device states of the present state, which every configuration starts from. */
  readonly presentDev: Uint8Array;
  /** Section conducts under the present state. */
  readonly presentSec: Uint8Array;
  /** Device used to open each section (-1: the search may not open or close it). */
  readonly openDevice: Int32Array;
  /** Section the search may operate. */
  readonly operable: Uint8Array;
  evaluations = 0;
  private readonly scratch: Uint8Array;

  constructor(
    readonly net: PowerFlowNetwork,
    readonly loads: LoadVector,
    present: Topology,
    locked: Uint8Array,
    private readonly tol: number,
    private readonly maxIterations: number,
  ) {
    const ix = net.index;
    this.index = ix;
    this.presentDev = present.devClosed;
    this.presentSec = present.secClosed;
    this.scratch = new Uint8Array(ix.nDevices);
    this.openDevice = new Int32Array(ix.nSections).fill(-1);
    this.operable = new Uint8Array(ix.nSections);
    const model = ix.model;
    for (let s = 0; s < ix.nSections; s++) {
      // Only sections inside the supplied area, whose devices are not locked and include a switch
      // (anything but a fuse), and which can be closed (no open fuse on them).
      if (!present.energised(ix.secFrom[s]) || !present.energised(ix.secTo[s])) continue;
      if (ix.secFrom[s] === ix.secTo[s]) continue;
      let choice = -1;
      let blocked = false;
      for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
        const d = ix.devList[k];
        const dev = model.devices[d];
        if (locked[d]) blocked = true;
        if (dev.type === 'fuse') {
          if (!this.presentDev[d]) blocked = true;
          continue;
        }
        // Prefer the device already open, then a remote-controlled one.
        const rank = (x: number): number => (this.presentDev[x] ? 0 : 2) + (model.devices[x].automated ? 1 : 0);
        if (choice < 0 || rank(d) > rank(choice)) choice = d;
      }
      if (blocked || choice < 0) continue;
      this.openDevice[s] = choice;
      this.operable[s] = 1;
    }
  }

  /** Device states for a configuration (a fresh array: the topology keeps it). */
  deviceStates(secClosed: Uint8Array): Uint8Array {
    const ix = this.index;
    const dev = this.presentDev.slice();
    for (let s = 0; s < ix.nSections; s++) {
      if (secClosed[s] === this.presentSec[s]) continue;
      if (secClosed[s]) {
        for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) dev[ix.devList[k]] = 1;
      } else {
        dev[this.openDevice[s]] = 0;
      }
    }
    return dev;
  }

  /** Solves a configuration; null when it is meshed or the sweep does not converge. */
  evaluate(secClosed: Uint8Array, warm?: SweepWorkspace): Evaluation | null {
    this.evaluations++;
    const net = this.net;
    const ix = this.index;
    let topology: Topology;
    try {
      topology = new Topology(ix, this.deviceStates(secClosed));
    } catch (err) {
      if (err instanceof MeshError) return null;
      throw err;
    }
    const ws = new SweepWorkspace(ix.nBuses);
    const out = sweep(topology, { zRe: net.zRe, zIm: net.zIm, busP: this.loads.busP, busQ: this.loads.busQ, sourceV: net.sourceV }, ws, this.tol, this.maxIterations, warm);
    if (!out.converged) return null;
    const { p, q } = treeLosses(net, topology, ws);
    let vMin = Infinity;
    let vMinBus = -1;
    let under = 0;
    let over = 0;
    let overload = 0;
    const maxShare = net.maxLoadingPct / 100;
    const { order, parentSec } = topology;
    for (let k = 0; k < order.length; k++) {
      const b = order[k];
      const v = Math.sqrt(ws.vRe[b] * ws.vRe[b] + ws.vIm[b] * ws.vIm[b]);
      if (v < vMin) {
        vMin = v;
        vMinBus = b;
      }
      if (net.vMin[b] - v > under) under = net.vMin[b] - v;
      if (v - net.vMax[b] > over) over = v - net.vMax[b];
      const s = parentSec[b];
      if (s >= 0 && net.ratingA[s] > 0) {
        const share = (Math.sqrt(ws.jRe[b] * ws.jRe[b] + ws.jIm[b] * ws.jIm[b]) * net.iBaseA) / net.ratingA[s] - maxShare;
        if (share > overload) overload = share;
      }
      if (s >= 0 && net.capKW[s] >= 0) {
        // Power through a device with a transfer limit, at the sending end.
        const up = topology.parentBus[b];
        const pKW = Math.abs(ws.vRe[up] * ws.jRe[b] + ws.vIm[up] * ws.jIm[b]) * S_BASE_KVA;
        const share = net.capKW[s] > 0 ? pKW / net.capKW[s] - 1 : pKW;
        if (share > overload) overload = share;
      }
    }
    if (net.normalSource) {
      // Load each source carries that it does not normally feed, against its capacityKW.
      const transfer = new Float64Array(ix.sourceBus.length);
      for (let l = 0; l < ix.nLoadPoints; l++) {
        const b = ix.lpBus[l];
        const src = topology.busSource[b];
        if (src >= 0 && net.normalSource[b] !== src) transfer[src] += this.loads.lpKW[l];
      }
      for (let k = 0; k < transfer.length; k++) {
        const cap = net.srcCapKW[k];
        if (cap >= 0 && transfer[k] > cap) overload = Math.max(overload, cap > 0 ? transfer[k] / cap - 1 : transfer[k]);
      }
    }
    return { topology, ws, lossP: p, lossQ: q, vMin, vMinBus, under, over, overload, energised: order.length };
  }
}
