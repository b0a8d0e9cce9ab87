/**
 * Exhaustive reconfiguration: every radial configuration of the operable sections, each solved by
 * the power flow. Exponential, so only for small feeders: it is the oracle that tests and the
 * benchmark hold the branch-exchange search against (IEEE 33-bus: 50,751 radial configurations).
 */
import { better, ConfigEvaluator, type Allowance, type Evaluation } from './evaluator';
import { buildLoads } from './loads';
import { PowerFlowNetwork, S_BASE_KVA } from './network';
import { indexOf, solveState, type FeederInput } from './solve';
import { PowerFlowError } from './errors';
import { DEFAULTS, type PowerFlowOptions } from './types';

export interface ExhaustiveEntry {
  open: string[];
  lossesKW: number;
  vMinPu: number;
  vMinBus: string;
}

export interface ExhaustiveResult {
  /** Open-set combinations examined and how many of them are radial and supply every bus. */
  combinations: number;
  radialConfigurations: number;
  /** Radial configurations without a power-flow solution. */
  unsolved: number;
  /** The best configurations, best first (limits as in reconfigure, then losses). */
  top: ExhaustiveEntry[];
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

export function exhaustiveReconfiguration(feeder: FeederInput, opts: PowerFlowOptions & { keep?: number; maxCombinations?: number } = {}): ExhaustiveResult {
  const index = indexOf(feeder);
  const net = new PowerFlowNetwork(index, opts);
  const loads = buildLoads(index, opts);
  const tol = opts.tolerancePu ?? DEFAULTS.tolerancePu;
  const maxIterations = opts.maxIterations ?? DEFAULTS.maxIterations;
  const present = solveState(net, loads, opts.states, opts);
  const ev = new ConfigEvaluator(net, loads, present.topology, new Uint8Array(index.nDevices), tol, maxIterations);
  const presentE = ev.evaluate(present.topology.secClosed, present.ws)!;
  const allow: Allowance = { under: presentE.under + 1e-9, over: presentE.over + 1e-9, overload: presentE.overload + 1e-9 };

  const nB = index.nBuses;
  const base = Int32Array.from({ length: nB + 1 }, (_, i) => i);
  const find = (p: Int32Array, x: number): number => {
    while (p[x] !== x) x = p[x] = p[p[x]];
    return x;
  };
  for (const b of index.sourceBus) base[find(base, b)] = find(base, nB);
  const operable: number[] = [];
  let fixedClosed = 0;
  for (let s = 0; s < index.nSections; s++) {
    if (ev.operable[s]) operable.push(s);
    else if (present.topology.secClosed[s] && present.topology.energised(index.secFrom[s])) {
      base[find(base, index.secFrom[s])] = find(base, index.secTo[s]);
      fixedClosed++;
    }
  }
  let energisedSources = 0;
  for (let k = 0; k < index.sourceBus.length; k++) if (present.topology.busSource[index.sourceBus[k]] === k) energisedSources++;
  const treeEdges = present.topology.order.length - energisedSources;
  const c = operable.length;
  const m = c - (treeEdges - fixedClosed);
  const combinations = binomial(c, m);
  const limit = opts.maxCombinations ?? 2e6;
  if (combinations > limit) throw new PowerFlowError(`exhaustive search: ${combinations} combinations exceed the limit of ${limit}`, 'data');

  const keep = opts.keep ?? 10;
  const top: Evaluation[] = [];
  let radial = 0;
  let unsolved = 0;
  const sec = present.topology.secClosed.slice();
  const p = new Int32Array(nB + 1);
  const pick = Int32Array.from({ length: m }, (_, i) => i);
  const isOpen = new Uint8Array(c);
  for (let done = false; !done;) {
    isOpen.fill(0);
    for (let i = 0; i < m; i++) isOpen[pick[i]] = 1;
    p.set(base);
    let ok = true;
    for (let i = 0; i < c && ok; i++) {
      if (isOpen[i]) continue;
      const s = operable[i];
      const ra = find(p, index.secFrom[s]);
      const rb = find(p, index.secTo[s]);
      if (ra === rb) ok = false;
      else p[ra] = rb;
    }
    if (ok) {
      radial++;
      for (let i = 0; i < c; i++) sec[operable[i]] = isOpen[i] ? 0 : 1;
      const e = ev.evaluate(sec, presentE.ws);
      if (!e) unsolved++;
      else if (top.length < keep || better(e, top[top.length - 1], allow)) {
        let at = top.length;
        while (at > 0 && better(e, top[at - 1], allow)) at--;
        top.splice(at, 0, e);
        if (top.length > keep) top.pop();
      }
    }
    // Next m-combination of 0..c-1 in lexicographic order.
    let i = m - 1;
    while (i >= 0 && pick[i] === c - m + i) i--;
    if (i < 0) done = true;
    else {
      pick[i]++;
      for (let j = i + 1; j < m; j++) pick[j] = pick[j - 1] + 1;
    }
    if (m === 0) done = true;
  }
  const model = index.model;
  return {
    combinations,
    radialConfigurations: radial,
    unsolved,
    top: top.map((e) => ({
      open: Array.from(e.topology.openSections, (s) => model.sections[s].id),
      lossesKW: e.lossP * S_BASE_KVA,
      vMinPu: e.vMin,
      vMinBus: model.buses[e.vMinBus].id,
    })),
  };
}
