/**
 * Predictive reliability speed: evaluations per second on RBTS Bus 2 while an optimiser toggles
 * candidate switches (target > 50,000/s); one evaluation on random feeders of 1k, 10k and 100k
 * sections (target 10k < 5 ms) with the growth per 10× size (linear = 10); the naive per-failure
 * FMEA at 1k as the reference; Monte Carlo feeder-years per second on RBTS Bus 2 (target > 10,000).
 */
import { performance } from 'node:perf_hooks';
import { networkModel } from '../lib/networks';
import { randomFeeder } from '../lib/networks/random';
import { ReliabilityEvaluator } from '../lib/reliability/evaluator';
import { simulateMonteCarlo } from '../lib/reliability/montecarlo';
import { naiveFmea } from '../test/support/reliability-oracle';
import { fmt, measure, table } from './timing';

export const title = 'Predictive reliability (analytical engine, Monte Carlo)';

export async function run(): Promise<void> {
  // RBTS Bus 2 with a candidate switch on every line section; each evaluation flips one candidate.
  const rbts = networkModel('rbts-bus2');
  const candidates = rbts.sections.filter((s) => s.kind !== 'tie').map((s) => ({ section: s.id, switchingHours: 1 }));
  const ev = new ReliabilityEvaluator(rbts, { candidates });
  const mask = new Uint8Array(candidates.length);
  let k = 0;
  const rb = measure(() => {
    mask[k++ % mask.length] ^= 1;
    ev.evaluate(mask);
  }, 1500);
  console.log(`RBTS Bus 2 (${candidates.length} candidate switches toggled one at a time): ${fmt(rb.opsPerSec)} evaluations/s (${fmt(rb.msPerOp * 1000)} µs each; target > 50,000/s, ${(rb.opsPerSec / 50000).toFixed(1)}× target)`);

  // Random feeders: one evaluation, growth per 10× size.
  const rows: Array<Array<string | number>> = [['sections', 'zones', 'load points', 'ms / evaluation', 'growth vs 10× smaller']];
  let prev = 0;
  const times: Record<number, number> = {};
  for (const n of [1000, 10000, 100000]) {
    const f = randomFeeder({ sections: n, seed: 42, ties: Math.max(2, n / 2000) });
    const e = new ReliabilityEvaluator(f);
    const t = measure(() => e.evaluate(), n >= 100000 ? 3000 : 1500);
    times[n] = t.msPerOp;
    rows.push([String(n), String(e.nz), String(e.nLp), t.msPerOp.toFixed(3), prev ? (t.msPerOp / prev).toFixed(1) + '×' : '-']);
    prev = t.msPerOp;
  }
  table(rows);
  console.log(`  target: 10k sections < 5 ms (measured ${times[10000].toFixed(2)} ms); linear growth = 10× per 10× size`);

  // The naive per-failure FMEA at 1k sections, the reference the evaluator replaces.
  const f1k = randomFeeder({ sections: 1000, seed: 42, ties: 2 });
  const t0 = performance.now();
  naiveFmea(f1k);
  const naiveMs = performance.now() - t0;
  console.log(`naive per-failure FMEA at 1k sections: ${fmt(naiveMs)} ms; the evaluator is ${fmt(naiveMs / times[1000])}× faster`);

  // Monte Carlo on RBTS Bus 2.
  const years = 200000;
  const m0 = performance.now();
  const mc = simulateMonteCarlo(rbts, { years, seed: 1 });
  const mcSec = (performance.now() - m0) / 1000;
  console.log(`Monte Carlo, RBTS Bus 2: ${fmt(years / mcSec)} feeder-years/s (${years} years, ${mc.failures} failures, ${mcSec.toFixed(2)} s incl. set-up; target > 10,000/s, ${(years / mcSec / 10000).toFixed(0)}× target; a time-stepped Python peer needs ~16 s per year)`);
}
