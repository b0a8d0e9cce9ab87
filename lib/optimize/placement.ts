/**
 * Switch (IED) placement (thesis §5.5, eq. 5.9–5.18): choose the candidate sections that get a new
 * switch so that the total supply interruption cost TSC = FC + CENS is least, where FC annualises
 * the switches' investment (eq. 5.14 or the CRF annuity) and CENS = Σ La·U·C (eq. 5.15–5.18) — or
 * ECOST from customer damage functions — comes from the predictive reliability evaluator, prepared
 * once with every candidate and re-evaluated per position with a candidate mask.
 *
 * Limits (maxSwitches, budgetPerYr) are handled as penalties, not repairs: a position over the
 * limit costs its TSC plus P·(1 + excess), where P is the TSC with no switches. Every infeasible
 * position therefore costs more than placing nothing (which is feasible), so the optimum is
 * feasible, BPSO and the exhaustive search see the same landscape, and the swarm is pushed back
 * in proportion to the excess.
 *
 * The result carries the thesis's Table 6.3 comparison for any feeder: no switches, a switch on
 * every candidate, the optimum, and the same places with the other kind of switch (manual when the
 * study places automated ones).
 */
import { performance } from 'node:perf_hooks';
import { ReliabilityEvaluator } from '../reliability/evaluator';
import type { SwitchSpec } from '../reliability/types';
import type { FeederModel } from '../model/types';
import { Bpso, type ResolvedBpsoOptions, type StopReason } from './bpso';
import { ExhaustiveSearch, EXHAUSTIVE_MAX_DIMENSIONS } from './exhaustive';
import { localSearch } from './local-search';
import { resolvePlacement, type CostMethod, type PlacedSwitch, type PlacementOverrides, type ResolvedPlacement } from './placement-settings';

export const HOURS_PER_YEAR = 8760;

export type PlacementMethod = 'bpso' | 'exhaustive';

/** System figures of one placement, with its costs. */
export interface CaseFigures {
  /** Number of new switches. */
  switches: number;
  saifi: number;
  saidiHours: number;
  /** Mean unavailability of the load points (h/yr), Table 6.3's "U". */
  uHours: number;
  asai: number;
  maifi: number;
  eensKWh: number;
  aensKWh: number;
  fcPerYr: number;
  /** Interruption cost per year: CENS, or ECOST with damage functions (see costMethod). */
  censPerYr: number;
  tscPerYr: number;
}

export type CaseName = 'none' | 'all' | 'optimum' | 'alternative';

export interface PlacementCase extends CaseFigures {
  case: CaseName;
  label: string;
  automated: boolean;
  switchingHours: number;
}

/** What the local search after BPSO changed: the swarm's own answer, and the moves that improved it. */
export interface PolishReport {
  bpsoTscPerYr: number;
  bpsoSwitches: string[];
  moves: number;
  evaluations: number;
}

export interface HistoryPoint {
  iteration: number;
  bestPerYr: number;
  meanPerYr: number;
}

export interface PlacementProgress {
  method: PlacementMethod;
  /** BPSO iteration (0 = initial swarm), or positions scored by the exhaustive search. */
  iteration: number;
  maxIterations: number;
  /** Share of the work bound done (BPSO may stop earlier on its no-improvement rule). */
  fraction: number;
  bestPerYr: number;
  meanPerYr: number | null;
  evaluations: number;
  bestSwitches: string[];
}

export interface PlacementResult {
  feeder: string;
  currency: string | null;
  method: PlacementMethod;
  costMethod: CostMethod;
  best: { switches: string[]; count: number; tscPerYr: number; fcPerYr: number; censPerYr: number; feasible: boolean };
  /** Indices with no new switch, and with the optimum. */
  before: CaseFigures;
  after: CaseFigures;
  /** Table 6.3: none, all candidates, optimum, the optimum's places with the other kind of switch. */
  cases: PlacementCase[];
  history: HistoryPoint[];
  /** Reliability evaluations run (BPSO serves repeated positions from a cache). */
  evaluations: number;
  /** Positions scored, cached or not. */
  positions: number;
  iterations: number;
  stopReason: StopReason | 'complete';
  /** Exhaustive only: positions sharing the optimal cost. */
  ties?: number;
  /** BPSO only: the local search after convergence (null when off or cancelled). */
  polish?: PolishReport | null;
  /** Compute time of the search itself (ms; the four cases and any waiting between steps excluded). */
  elapsedMs: number;
  settings: {
    candidates: string[];
    switch: PlacedSwitch;
    alternative: PlacedSwitch;
    investmentPerSwitch: number;
    lifeYears: number;
    interestRate: number;
    maintenanceRate: number;
    annualisation: 'thesis' | 'crf';
    fcPerSwitchPerYr: number;
    maxSwitches: number | null;
    budgetPerYr: number | null;
    switchLimit: number;
    bpso: ResolvedBpsoOptions | null;
    polish: boolean;
  };
}

/** A run in progress: one step is one BPSO iteration (the first scores the initial swarm) or one chunk of exhaustive positions. */
export interface PlacementRun {
  readonly method: PlacementMethod;
  readonly done: boolean;
  step(): PlacementProgress;
  /** Stops the run; result() then holds the best found so far, with stopReason "cancelled". */
  cancel(): void;
  result(): PlacementResult;
}

/** Positions per exhaustive step (a few milliseconds of work). */
const EXHAUSTIVE_CHUNK = 1024;

export interface PlacementHooks {
  onProgress?: (p: PlacementProgress) => void;
  /** Checked between steps; true stops with the best so far. */
  shouldStop?: () => boolean;
}

function specOf(sw: PlacedSwitch): SwitchSpec {
  return { type: sw.type, automated: sw.automated, switchingHours: sw.switchingHours };
}

/** One placement study on one model: the evaluator prepared once, the objective, the cases. */
export class PlacementStudy {
  readonly settings: ResolvedPlacement;
  readonly evaluator: ReliabilityEvaluator;
  readonly model: FeederModel;
  private readonly spec: SwitchSpec;
  private readonly penaltyBase: number;
  private readonly none: Uint8Array;
  /** Reliability evaluations run by the objective. */
  evaluations = 0;

  constructor(model: FeederModel, overrides: PlacementOverrides = {}) {
    this.model = model;
    this.settings = resolvePlacement(model, overrides);
    const s = this.settings;
    this.evaluator = new ReliabilityEvaluator(model, {
      costs: s.costs,
      candidates: s.candidates.map((section) => ({ section, end: s.switch.end, type: s.switch.type, automated: s.switch.automated, switchingHours: s.switch.switchingHours })),
    });
    this.spec = specOf(s.switch);
    this.none = new Uint8Array(s.candidates.length);
    this.penaltyBase = Math.max(1, this.interruptionCost(this.none, this.spec));
  }

  get dimensions(): number {
    return this.settings.candidates.length;
  }

  /** CENS (or ECOST) per year with the masked candidates switched in as `spec`. */
  interruptionCost(mask: Uint8Array, spec: SwitchSpec = this.spec): number {
    this.evaluations++;
    if (this.settings.costMethod === 'cens') return this.evaluator.evaluate(mask, spec).cens;
    const ev = this.evaluator;
    ev.evaluate(mask, spec, true);
    let sum = 0;
    for (let l = 0; l < ev.nLp; l++) if (ev.lpSupplied[l]) sum += ev.lpEcost[l];
    return sum;
  }

  /** TSC with its parts for a mask (no penalty). */
  tsc(mask: Uint8Array, spec: SwitchSpec = this.spec): { count: number; fcPerYr: number; censPerYr: number; tscPerYr: number } {
    let count = 0;
    for (let j = 0; j < mask.length; j++) count += mask[j];
    const fcPerYr = count * this.settings.fcPerSwitchPerYr;
    const censPerYr = this.interruptionCost(mask, spec);
    return { count, fcPerYr, censPerYr, tscPerYr: fcPerYr + censPerYr };
  }

  /** The cost the optimisers minimise: TSC, plus the penalty when over the switch limit. */
  readonly objective = (mask: Uint8Array): number => {
    const t = this.tsc(mask);
    const excess = t.count - this.settings.switchLimit;
    return excess > 0 ? t.tscPerYr + this.penaltyBase * (1 + excess) : t.tscPerYr;
  };

  /** Indices and costs of a placement with switches of kind `sw`. */
  figures(mask: Uint8Array, sw: PlacedSwitch = this.settings.switch): CaseFigures {
    const spec = specOf(sw);
    const t = this.tsc(mask, spec);
    // tsc() left the evaluator holding this mask's results.
    const ev = this.evaluator;
    const sys = ev.summary;
    let uSum = 0;
    let n = 0;
    for (let l = 0; l < ev.nLp; l++) {
      if (!ev.lpSupplied[l]) continue;
      uSum += ev.lpU[l];
      n++;
    }
    return {
      switches: t.count,
      saifi: sys.saifi,
      saidiHours: sys.saidi,
      uHours: n > 0 ? uSum / n : 0,
      asai: 1 - sys.saidi / HOURS_PER_YEAR,
      maifi: sys.maifi,
      eensKWh: sys.ensKWh,
      aensKWh: sys.customers > 0 ? sys.ensKWh / sys.customers : 0,
      fcPerYr: t.fcPerYr,
      censPerYr: t.censPerYr,
      tscPerYr: t.tscPerYr,
    };
  }

  maskOf(sections: readonly string[]): Uint8Array {
    const at = new Map(this.settings.candidates.map((id, j) => [id, j] as const));
    const mask = new Uint8Array(this.dimensions);
    for (const id of sections) {
      const j = at.get(id);
      if (j === undefined) throw new Error(`section "${id}" is not a placement candidate`);
      mask[j] = 1;
    }
    return mask;
  }

  sectionsOf(mask: ArrayLike<number>): string[] {
    return this.settings.candidates.filter((_, j) => mask[j]);
  }

  /** Table 6.3 for this feeder: none, every candidate, the optimum, the optimum's places with the other kind. */
  cases(best: Uint8Array): PlacementCase[] {
    const s = this.settings;
    const all = new Uint8Array(this.dimensions).fill(1);
    const kind = (sw: PlacedSwitch) => (sw.automated ? 'automated' : 'manual');
    const make = (c: CaseName, label: string, mask: Uint8Array, sw: PlacedSwitch): PlacementCase => ({ case: c, label, automated: sw.automated, switchingHours: sw.switchingHours, ...this.figures(mask, sw) });
    const k = best.reduce((a, b) => a + b, 0);
    return [
      make('none', 'no new switches', this.none, s.switch),
      make('all', `${this.dimensions} ${kind(s.switch)} switches (every candidate)`, all, s.switch),
      make('optimum', `optimal ${k} ${kind(s.switch)} switches`, best, s.switch),
      make('alternative', `${k} ${kind(s.alternative)} switches at the same places`, best, s.alternative),
    ];
  }

  /** Starts a run that advances one BPSO iteration (or one chunk of exhaustive positions) per step. */
  start(method: PlacementMethod = 'bpso'): PlacementRun {
    return method === 'exhaustive' ? this.startExhaustive() : this.startBpso();
  }

  /** Runs to the end (or until hooks.shouldStop), synchronously. */
  run(method: PlacementMethod = 'bpso', hooks: PlacementHooks = {}): PlacementResult {
    const run = this.start(method);
    while (!run.done) {
      if (hooks.shouldStop?.()) {
        run.cancel();
        break;
      }
      const progress = run.step(); // not inside `?.()`, which would skip the step without a hook
      hooks.onProgress?.(progress);
    }
    return run.result();
  }

  private startBpso(): PlacementRun {
    const s = this.settings;
    const bpso = new Bpso(this.dimensions, this.objective, s.bpso);
    let elapsed = 0;
    let polished: PolishReport | null = null;
    let best: Uint8Array | null = null;
    let bestCost = Infinity;
    return {
      method: 'bpso',
      get done() {
        return bpso.done;
      },
      step: () => {
        const t0 = performance.now();
        const st = bpso.currentIteration < 0 ? bpso.init() : bpso.step();
        // Polish the converged swarm's best (not a cancelled one: the user asked to stop).
        if (bpso.done && s.polish && bpso.stopReason !== 'cancelled' && !polished) {
          const ls = localSearch(bpso.bestPosition, this.objective, bpso.bestCost);
          polished = { bpsoTscPerYr: bpso.bestCost, bpsoSwitches: this.sectionsOf(bpso.bestPosition), moves: ls.moves, evaluations: ls.evaluations };
          best = ls.best;
          bestCost = ls.bestCost;
        }
        elapsed += performance.now() - t0;
        const now = best ?? bpso.bestPosition;
        return {
          method: 'bpso', iteration: st.iteration, maxIterations: s.bpso.maxIterations, fraction: st.iteration / s.bpso.maxIterations,
          bestPerYr: best ? bestCost : st.best, meanPerYr: st.mean, evaluations: bpso.evaluationCount + (polished?.evaluations ?? 0), bestSwitches: this.sectionsOf(now),
        };
      },
      cancel: () => bpso.cancel(),
      result: () => {
        const r = bpso.result();
        const history = r.history.map((h) => ({ iteration: h.iteration, bestPerYr: h.best, meanPerYr: h.mean }));
        return this.finish('bpso', best ?? r.best, {
          history, evaluations: r.evaluations + (polished?.evaluations ?? 0), positions: r.positions, iterations: r.iterations, stopReason: r.stopReason, polish: polished,
        }, elapsed);
      },
    };
  }

  private startExhaustive(): PlacementRun {
    const n = this.dimensions;
    if (n > EXHAUSTIVE_MAX_DIMENSIONS) {
      throw new Error(`exhaustive search is limited to ${EXHAUSTIVE_MAX_DIMENSIONS} candidates (this study has ${n}); use BPSO or narrow placement.candidates`);
    }
    const search = new ExhaustiveSearch(n, this.objective);
    let elapsed = 0;
    return {
      method: 'exhaustive',
      get done() {
        return search.finished;
      },
      step: () => {
        const t0 = performance.now();
        search.advance(EXHAUSTIVE_CHUNK);
        elapsed += performance.now() - t0;
        return {
          method: 'exhaustive', iteration: search.done, maxIterations: search.total, fraction: search.done / search.total,
          bestPerYr: search.bestCost, meanPerYr: null, evaluations: search.done, bestSwitches: this.sectionsOf(search.result().best),
        };
      },
      cancel: () => search.stop(),
      result: () => {
        const r = search.result();
        return this.finish('exhaustive', r.best, { history: [], evaluations: r.evaluations, positions: r.evaluations, iterations: 0, stopReason: r.complete ? 'complete' : 'cancelled', ties: r.ties }, elapsed);
      },
    };
  }

  private finish(
    method: PlacementMethod, best: Uint8Array,
    run: Pick<PlacementResult, 'history' | 'evaluations' | 'positions' | 'iterations' | 'stopReason' | 'ties' | 'polish'>, elapsedMs: number,
  ): PlacementResult {
    const s = this.settings;
    const cases = this.cases(best);
    const opt = cases[2];
    return {
      feeder: this.model.name ?? '',
      currency: s.currency,
      method,
      costMethod: s.costMethod,
      best: { switches: this.sectionsOf(best), count: opt.switches, tscPerYr: opt.tscPerYr, fcPerYr: opt.fcPerYr, censPerYr: opt.censPerYr, feasible: opt.switches <= s.switchLimit },
      before: stripCase(cases[0]),
      after: stripCase(opt),
      cases,
      ...run,
      elapsedMs,
      settings: {
        candidates: s.candidates, switch: s.switch, alternative: s.alternative,
        ...s.economics, fcPerSwitchPerYr: s.fcPerSwitchPerYr,
        maxSwitches: s.maxSwitches, budgetPerYr: s.budgetPerYr, switchLimit: s.switchLimit,
        bpso: method === 'bpso' ? s.bpso : null,
        polish: method === 'bpso' && s.polish,
      },
    };
  }
}

function stripCase(c: PlacementCase): CaseFigures {
  const { case: _c, label: _l, automated: _a, switchingHours: _s, ...figures } = c;
  return figures;
}

/** Runs a placement study on a model, synchronously. */
export function runPlacement(model: FeederModel, overrides: PlacementOverrides = {}, method: PlacementMethod = 'bpso', hooks: PlacementHooks = {}): PlacementResult {
  return new PlacementStudy(model, overrides).run(method, hooks);
}
