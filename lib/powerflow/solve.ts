/**
 * The power flow a user asks for: a feeder (loaded, indexed or raw model), a switch state and a
 * load basis or live loads in; bus voltages and angles, section currents, flows, losses, loading,
 * violations and a convergence report out. De-energised load points are reported in `unsupplied`
 * and left out of the solution; a meshed state or a sweep that does not converge throws a
 * PowerFlowError that says where.
 */
import { FeederIndex } from '../model/feeder-index';
import type { LoadedFeeder } from '../model/load';
import { MeshError, Topology } from '../model/topology';
import type { FeederModel, SwitchStates } from '../model/types';
import { PowerFlowError } from './errors';
import { buildLoads, type LoadVector } from './loads';
import { PowerFlowNetwork, S_BASE_KVA } from './network';
import { sweep, SweepWorkspace, type SweepOutcome } from './sweep';
import { DEFAULTS, type CapacityViolation, type PowerFlowOptions, type PowerFlowResult, type SectionResult, type ThermalViolation, type VoltageViolation } from './types';

export type FeederInput = LoadedFeeder | FeederIndex | FeederModel;

/** The FeederIndex of any feeder input (a LoadedFeeder's own index is reused). */
export function indexOf(feeder: FeederInput): FeederIndex {
  if (feeder instanceof FeederIndex) return feeder;
  if ('index' in feeder && feeder.index instanceof FeederIndex) return feeder.index;
  return new FeederIndex(feeder as FeederModel);
}

/** The radial topology of a state, or a PowerFlowError naming the loop when the state is meshed. */
export function radialTopology(index: FeederIndex, states?: SwitchStates | Uint8Array): Topology {
  try {
    return new Topology(index, states);
  } catch (err) {
    if (err instanceof MeshError) {
      throw new PowerFlowError(`power flow needs a radial network: ${err.message}`, 'meshed', { loop: err.loop });
    }
    throw new PowerFlowError(`switch states: ${(err as Error).message}`, 'data');
  }
}

/** Throws the PowerFlowError for a sweep that stopped without converging. */
export function checkConverged(index: FeederIndex, outcome: SweepOutcome): void {
  if (outcome.converged) return;
  const bus = outcome.worstBus >= 0 ? index.model.buses[outcome.worstBus].id : undefined;
  const where = bus !== undefined ? ` at bus "${bus}"` : '';
  const details = { bus, iterations: outcome.iterations, mismatchPu: outcome.mismatch };
  if (outcome.diverged) {
    throw new PowerFlowError(
      `power flow diverged after ${outcome.iterations} sweeps: the voltage collapsed${where} ` +
        '(the load is beyond what the network can carry at constant power)',
      'diverged',
      details,
    );
  }
  throw new PowerFlowError(
    `power flow did not converge in ${outcome.iterations} sweeps: largest voltage change ${outcome.mismatch.toExponential(2)} p.u.${where}`,
    'not-converged',
    details,
  );
}

/** Losses of a solved tree (p.u.): Σ Z·|I|² over the sections in service. */
export function treeLosses(net: PowerFlowNetwork, topo: Topology, ws: SweepWorkspace): { p: number; q: number } {
  let p = 0;
  let q = 0;
  const { order, parentSec } = topo;
  for (let k = 0; k < order.length; k++) {
    const b = order[k];
    const s = parentSec[b];
    if (s < 0) continue;
    const i2 = ws.jRe[b] * ws.jRe[b] + ws.jIm[b] * ws.jIm[b];
    p += net.zRe[s] * i2;
    q += net.zIm[s] * i2;
  }
  return { p, q };
}

/** Solves one state from a flat start; returns the topology, loads and solved workspace. */
export function solveState(net: PowerFlowNetwork, loads: LoadVector, states: SwitchStates | Uint8Array | undefined, opts: PowerFlowOptions = {}):
  { topology: Topology; ws: SweepWorkspace; outcome: SweepOutcome } {
  const topology = radialTopology(net.index, states);
  const ws = new SweepWorkspace(net.index.nBuses);
  const outcome = sweep(topology, { zRe: net.zRe, zIm: net.zIm, busP: loads.busP, busQ: loads.busQ, sourceV: net.sourceV }, ws,
    opts.tolerancePu ?? DEFAULTS.tolerancePu, opts.maxIterations ?? DEFAULTS.maxIterations);
  checkConverged(net.index, outcome);
  return { topology, ws, outcome };
}

/** Runs a power flow. See PowerFlowOptions for loads, states, limits and convergence settings. */
export function powerFlow(feeder: FeederInput, opts: PowerFlowOptions = {}): PowerFlowResult {
  const index = indexOf(feeder);
  const net = new PowerFlowNetwork(index, opts);
  const loads = buildLoads(index, opts);
  const { topology, ws, outcome } = solveState(net, loads, opts.states, opts);
  return describeSolution(net, loads, topology, ws, outcome);
}

const RAD_TO_DEG = 180 / Math.PI;

/** Turns a solved state into the id-keyed result. */
export function describeSolution(net: PowerFlowNetwork, loads: LoadVector, topo: Topology, ws: SweepWorkspace, outcome: SweepOutcome): PowerFlowResult {
  const ix = net.index;
  const model = ix.model;
  const { vRe, vIm, jRe, jIm } = ws;

  let vMin = Infinity;
  let vMax = -Infinity;
  let vMinBus = -1;
  let vMaxBus = -1;
  const voltage: VoltageViolation[] = [];
  const buses = model.buses.map((bus, b) => {
    if (!topo.energised(b)) return { id: bus.id, vPu: 0, angleDeg: 0 };
    const vPu = Math.sqrt(vRe[b] * vRe[b] + vIm[b] * vIm[b]);
    if (vPu < vMin) {
      vMin = vPu;
      vMinBus = b;
    }
    if (vPu > vMax) {
      vMax = vPu;
      vMaxBus = b;
    }
    if (vPu < net.vMin[b]) voltage.push({ bus: bus.id, vPu, limitPu: net.vMin[b], kind: 'under' });
    else if (vPu > net.vMax[b]) voltage.push({ bus: bus.id, vPu, limitPu: net.vMax[b], kind: 'over' });
    return { id: bus.id, vPu, angleDeg: Math.atan2(vIm[b], vRe[b]) * RAD_TO_DEG };
  });

  let lossP = 0;
  let lossQ = 0;
  const thermal: ThermalViolation[] = [];
  const sections: SectionResult[] = model.sections.map((sec, s) => {
    const down = topo.secDown[s];
    if (down < 0) return { id: sec.id, iA: 0, pKW: 0, qKvar: 0, lossKW: 0, lossKvar: 0, loadingPct: Number.isNaN(net.ratingA[s]) ? null : 0, fromBus: null };
    const up = topo.secUp[s];
    const jr = jRe[down];
    const ji = jIm[down];
    const i2 = jr * jr + ji * ji;
    const iA = Math.sqrt(i2) * net.iBaseA;
    const lossKW = net.zRe[s] * i2 * S_BASE_KVA;
    const lossKvar = net.zIm[s] * i2 * S_BASE_KVA;
    lossP += lossKW;
    lossQ += lossKvar;
    const loadingPct = Number.isNaN(net.ratingA[s]) ? null : (100 * iA) / net.ratingA[s];
    if (loadingPct !== null && loadingPct > net.maxLoadingPct) thermal.push({ section: sec.id, iA, ratingA: net.ratingA[s], loadingPct });
    return {
      id: sec.id,
      iA,
      // S = V·conj(I) at the sending end.
      pKW: (vRe[up] * jr + vIm[up] * ji) * S_BASE_KVA,
      qKvar: (vIm[up] * jr - vRe[up] * ji) * S_BASE_KVA,
      lossKW,
      lossKvar,
      loadingPct,
      fromBus: model.buses[up].id,
    };
  });

  const sources = model.sources.map((src, k) => {
    const b = ix.sourceBus[k];
    return {
      id: src.id,
      bus: src.bus,
      vPu: net.sourceV[k],
      pKW: (vRe[b] * jRe[b] + vIm[b] * jIm[b]) * S_BASE_KVA,
      qKvar: (vIm[b] * jRe[b] - vRe[b] * jIm[b]) * S_BASE_KVA,
    };
  });

  let loadKW = 0;
  let loadKvar = 0;
  const unsupplied = [];
  const transferKW = new Float64Array(ix.sourceBus.length);
  for (let l = 0; l < ix.nLoadPoints; l++) {
    const lp = model.loadPoints[l];
    const b = ix.lpBus[l];
    if (topo.energised(b)) {
      loadKW += loads.lpKW[l];
      loadKvar += loads.lpKvar[l];
      if (net.normalSource && net.normalSource[b] !== topo.busSource[b]) transferKW[topo.busSource[b]] += loads.lpKW[l];
    } else unsupplied.push({ loadPoint: lp.id, bus: lp.bus, pKW: loads.lpKW[l] });
  }
  const capacity: CapacityViolation[] = [];
  for (let s = 0; s < ix.nSections; s++) {
    if (Number.isNaN(net.capKW[s]) || Math.abs(sections[s].pKW) <= net.capKW[s]) continue;
    capacity.push({ kind: 'device', id: model.devices[net.capDevice[s]].id, pKW: Math.abs(sections[s].pKW), limitKW: net.capKW[s] });
  }
  for (let k = 0; k < transferKW.length; k++) {
    if (transferKW[k] > net.srcCapKW[k]) capacity.push({ kind: 'source', id: model.sources[k].id, pKW: transferKW[k], limitKW: net.srcCapKW[k] });
  }

  const energised = vMinBus >= 0;
  return {
    converged: true,
    iterations: outcome.iterations,
    maxMismatchPu: outcome.mismatch,
    mismatchBus: outcome.worstBus >= 0 ? model.buses[outcome.worstBus].id : null,
    lossesKW: lossP,
    lossesKvar: lossQ,
    vMinPu: energised ? vMin : 0,
    vMinBus: energised ? model.buses[vMinBus].id : null,
    vMaxPu: energised ? vMax : 0,
    vMaxBus: energised ? model.buses[vMaxBus].id : null,
    loadKW,
    loadKvar,
    sources,
    buses,
    sections,
    open: Array.from(topo.openSections, (s) => model.sections[s].id),
    unsupplied,
    violations: { voltage, thermal, capacity },
    loadBasis: loads.basis,
    liveLoadPoints: loads.liveCount,
  };
}
