/**
 * Switch placement speed. The Ghion-like feeder with the thesis's swarm (200 particles, c1 = c2 = 2,
 * inertia 1, 47 candidates) run to convergence, timed end to end (settings, evaluator preparation,
 * BPSO, polish and the four cases) against the thesis's 61.695 s in MATLAB R2013a on a 2 GHz Core
 * i3 (target < 0.5 s, > 100×), with the evaluations per second. Reference measured in the same run:
 * the one-shot predictive evaluation (model rebuilt with the switches added) that an implementation
 * without a prepared evaluator would call per position. Then RBTS Bus 2 with every main section a
 * candidate, ECOST from the RBTS customer damage functions, BPSO against the exhaustive optimum.
 */
import { performance } from 'node:perf_hooks';
import { networkModel } from '../lib/networks';
import { PlacementStudy, type PlacementResult } from '../lib/optimize/placement';
import type { PlacementOverrides } from '../lib/optimize/placement-settings';
import { evaluatePredictive } from '../lib/reliability/predictive';
import { Rng } from '../lib/util/rng';
import { fmt, table } from './timing';

export const title = 'Switch placement (BPSO, thesis §6.4): Ghion-like feeder and RBTS Bus 2';

const THESIS_SECONDS = 61.695;

function timed(model: ReturnType<typeof networkModel>, overrides: PlacementOverrides, method: 'bpso' | 'exhaustive' = 'bpso'): { ms: number; r: PlacementResult } {
  const t0 = performance.now();
  const r = new PlacementStudy(model, overrides).run(method);
  return { ms: performance.now() - t0, r };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run(): Promise<void> {
  // --- Ghion-like feeder, the thesis's swarm ------------------------------------------------------
  const ghion = networkModel('ghion');
  const swarm = { particles: 200, c1: 2, c2: 2, inertia: 1 };
  timed(ghion, { bpso: { ...swarm, seed: 99 } }); // warm-up (JIT)
  const rows: Array<Array<string | number>> = [['seed', 'iterations', 'stop', 'evaluations', 'ms (end to end)', 'evaluations/s', 'switches', 'TSC/yr']];
  const times: number[] = [];
  const rates: number[] = [];
  for (let seed = 1; seed <= 5; seed++) {
    const { ms, r } = timed(ghion, { bpso: { ...swarm, seed } });
    times.push(ms);
    rates.push(r.evaluations / (r.elapsedMs / 1000));
    rows.push([String(seed), String(r.iterations), r.stopReason, String(r.evaluations), ms.toFixed(0), fmt(r.evaluations / (r.elapsedMs / 1000)), r.best.switches.join(' '), fmt(r.best.tscPerYr)]);
  }
  console.log('Ghion-like feeder, 47 candidates, 200 particles, c1 = c2 = 2, inertia 1 (the thesis converged in 48 iterations, 61.695 s):');
  table(rows);
  const t = median(times);
  console.log(`  median ${t.toFixed(0)} ms vs the thesis's ${THESIS_SECONDS} s: ${fmt((THESIS_SECONDS * 1000) / t)}× faster (target < 500 ms, > 100×); ${fmt(median(rates))} evaluations/s`);

  // Reference in this run: the predictive engine called one-shot per position, switches added to the model.
  const study = new PlacementStudy(ghion);
  const rng = new Rng(5);
  const cands = study.settings.candidates;
  const sw = study.settings.switch;
  const masks = Array.from({ length: 200 }, () => cands.filter(() => rng.bool(0.15)));
  const costs = study.settings.costs;
  let n = 0;
  const r0 = performance.now();
  while (performance.now() - r0 < 1500) {
    const chosen = masks[n++ % masks.length];
    evaluatePredictive(ghion, { costs, addSwitches: chosen.map((section) => ({ section, end: sw.end, type: sw.type, automated: sw.automated, switchingHours: sw.switchingHours })) });
  }
  const oneShot = n / ((performance.now() - r0) / 1000);
  console.log(`  reference: one-shot predictive evaluation per position ${fmt(oneShot)}/s; the prepared evaluator is ${fmt(median(rates) / oneShot)}× faster,` +
    ` and the same run would take ≈ ${fmt((Number(rows[1][3]) / oneShot) * 1000)} ms that way`);

  // --- RBTS Bus 2, every main section a candidate ------------------------------------------------
  const rbts = networkModel('rbts-bus2');
  const mains = rbts.sections.filter((s) => s.kind === 'main').map((s) => s.id);
  // RBTS customer damage functions (cost per kW at 1, 20, 60, 240, 480 min; shared/data/README.md).
  const minutes = [1, 20, 60, 240, 480];
  const fn = (costs: number[]): Array<[number, number]> => minutes.map((m, i) => [m, costs[i]]);
  const rbtsStudy: PlacementOverrides = {
    candidates: mains,
    switch: { automated: true, switchingHours: 1 / 60 },
    investmentPerSwitch: 1000, lifeYears: 20, interestRate: 0.08, maintenanceRate: 0.02,
    costMethod: 'ecost',
    costs: {
      currency: 'USD',
      damageFunctions: {
        residential: fn([0.001, 0.093, 0.482, 4.914, 15.69]),
        commercial: fn([0.381, 2.969, 8.552, 31.317, 83.008]),
        'small user (industrial)': fn([1.625, 3.868, 9.085, 25.163, 55.808]),
        'government/institutional': fn([0.044, 0.369, 1.492, 6.558, 26.04]),
      },
    },
  };
  timed(rbts, { ...rbtsStudy, bpso: { seed: 99 } });
  const b = timed(rbts, { ...rbtsStudy, bpso: { seed: 1 } });
  const e = timed(rbts, rbtsStudy, 'exhaustive');
  const match = Math.abs(b.r.best.tscPerYr - e.r.best.tscPerYr) <= 1e-9 * e.r.best.tscPerYr;
  console.log(`RBTS Bus 2, ${mains.length} main sections as candidates, automated switches at 1,000 USD (assumed), ECOST from the RBTS damage functions:`);
  table([
    ['method', 'positions scored', 'evaluations', 'ms (end to end)', 'evaluations/s', 'switches', 'TSC USD/yr'],
    ['BPSO (30 particles)', String(b.r.positions), String(b.r.evaluations), b.ms.toFixed(0), fmt(b.r.evaluations / (b.r.elapsedMs / 1000)), b.r.best.switches.join(' '), fmt(b.r.best.tscPerYr)],
    ['exhaustive', String(e.r.positions), String(e.r.evaluations), e.ms.toFixed(0), fmt(e.r.evaluations / (e.r.elapsedMs / 1000)), e.r.best.switches.join(' '), fmt(e.r.best.tscPerYr)],
  ]);
  console.log(`  BPSO ${match ? 'found' : 'did NOT find'} the exhaustive optimum; ${(e.ms / b.ms).toFixed(1)}× less time than enumerating all ${e.r.evaluations} subsets`);
}
