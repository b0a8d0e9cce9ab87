/**
 * Predictive reliability of a feeder (analytical, DESIGN.md §4): load point and system indices,
 * interruption costs, and each failed element's contribution, as a JSON-friendly result. The
 * engine is lib/reliability/evaluator.ts; this module names things and checks inputs.
 */
import { FeederIndex } from '../model/feeder-index';
import type { LoadedFeeder } from '../model/load';
import type { FeederModel } from '../model/types';
import { ELEM_SECTION, ReliabilityEvaluator } from './evaluator';
import type { Contribution, LoadPointIndices, PredictiveOptions, PredictiveResult, SystemIndices } from './types';

export const HOURS_PER_YEAR = 8760;

/** A model, a prepared index, or a loaded feeder (whose index is reused). */
export type FeederSource = FeederModel | FeederIndex | LoadedFeeder;

export function indexOf(source: FeederSource): FeederIndex {
  if (source instanceof FeederIndex) return source;
  if ('index' in source && source.index instanceof FeederIndex) return source.index;
  return new FeederIndex(source as FeederModel);
}

/** Builds an evaluator with every switch of `opts.addSwitches` in place. */
export function predictiveEvaluator(source: FeederSource, opts: PredictiveOptions = {}): ReliabilityEvaluator {
  return new ReliabilityEvaluator(indexOf(source), {
    states: opts.states,
    candidates: opts.addSwitches,
    momentaryThresholdMin: opts.momentaryThresholdMin,
    transformerReplacement: opts.transformerReplacement,
    costs: opts.costs,
  });
}

/** System indices from per load point λ (sustained), U and λ momentary. */
export function systemIndices(
  ev: ReliabilityEvaluator,
  lambda: ArrayLike<number>,
  u: ArrayLike<number>,
  momentary: ArrayLike<number>,
  ecost: ArrayLike<number> | null,
): SystemIndices {
  let customers = 0;
  let ci = 0;
  let ch = 0;
  let cm = 0;
  let ens = 0;
  let cens = 0;
  let ec = 0;
  const perKWh = ev.costs.perKWh;
  for (let l = 0; l < ev.nLp; l++) {
    if (!ev.lpSupplied[l]) continue;
    const n = ev.lpCustomers[l];
    customers += n;
    ci += n * lambda[l];
    ch += n * u[l];
    cm += n * momentary[l];
    ens += ev.lpAvgKW[l] * u[l];
    if (perKWh) cens += ev.costs.loadKW[l] * u[l] * perKWh[l];
    if (ecost) ec += ecost[l];
  }
  const saifi = customers > 0 ? ci / customers : 0;
  const saidi = customers > 0 ? ch / customers : 0;
  return {
    saifi,
    saidi,
    caidi: saifi > 0 ? saidi / saifi : 0,
    asai: 1 - saidi / HOURS_PER_YEAR,
    asui: saidi / HOURS_PER_YEAR,
    maifi: customers > 0 ? cm / customers : 0,
    ensKWh: ens,
    aensKWh: customers > 0 ? ens / customers : 0,
    cens: perKWh ? cens : null,
    ecost: ecost ? ec : null,
    customers,
  };
}

/** Analytical predictive reliability: indices, load point table and ranked contributions. */
/** The options a result was computed with (analytical and Monte Carlo alike). */
export function resultOptions(ev: ReliabilityEvaluator): PredictiveResult['options'] {
  return {
    momentaryThresholdMin: ev.momentaryThresholdMin,
    transformerReplacement: ev.transformerReplacement,
    currency: ev.costs.currency,
    addedSwitches: ev.candidates.map((c) => c.id),
  };
}

export function evaluatePredictive(source: FeederSource, opts: PredictiveOptions = {}): PredictiveResult {
  const ev = predictiveEvaluator(source, opts);
  const model = ev.model;
  const mask = new Uint8Array(ev.nCandidates).fill(1);
  ev.evaluate(mask, undefined, true);
  const hasDamage = ev.costs.classes.length > 0;
  const perKWh = ev.costs.perKWh;
  const system = systemIndices(ev, ev.lpLambda, ev.lpU, ev.lpMomentary, hasDamage ? ev.lpEcost : null);

  const loadPoints: LoadPointIndices[] = [];
  const unsupplied: string[] = [];
  for (let l = 0; l < ev.nLp; l++) {
    const lp = model.loadPoints[l];
    if (!ev.lpSupplied[l]) {
      unsupplied.push(lp.id);
      continue;
    }
    const lambda = ev.lpLambda[l];
    const u = ev.lpU[l];
    loadPoints.push({
      id: lp.id,
      lambda,
      u,
      r: lambda > 0 ? u / lambda : 0,
      lambdaMomentary: ev.lpMomentary[l],
      ensKWh: lp.avgKW * u,
      customers: lp.customers,
      cens: perKWh ? ev.costs.loadKW[l] * u * perKWh[l] : null,
      ecost: hasDamage ? ev.lpEcost[l] : null,
    });
  }

  const n = system.customers;
  let totalCH = 0;
  for (let e = 0; e < ev.nElem; e++) totalCH += ev.attCH[e];
  const contributions: Contribution[] = [];
  for (let e = 0; e < ev.nElem; e++) {
    const isSection = ev.elemKind[e] === ELEM_SECTION;
    contributions.push({
      element: isSection ? 'section' : 'transformer',
      id: isSection ? model.sections[ev.elemRef[e]].id : model.loadPoints[ev.elemRef[e]].id,
      lambda: ev.elemRate[e],
      saifi: n > 0 ? ev.attCI[e] / n : 0,
      saidiHours: n > 0 ? ev.attCH[e] / n : 0,
      ensKWh: ev.attKWh[e],
      saidiShare: totalCH > 0 ? ev.attCH[e] / totalCH : 0,
      ecost: hasDamage ? ev.attCost[e] : null,
    });
  }
  contributions.sort((a, b) => b.saidiHours - a.saidiHours || b.ensKWh - a.ensKWh || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return {
    method: 'analytical',
    feeder: model.name ?? '',
    system,
    loadPoints,
    contributions,
    unsupplied,
    options: resultOptions(ev),
  };
}
