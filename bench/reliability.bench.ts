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

/** CPU milliseconds of this thread per call (best of three runs of `reps` calls). */
function cpuMsPerOp(fn: () => unknown, reps: number): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < reps; i++) fn();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000 / reps);
  }
  return best;
}

export const title = 'Predictive reliability (analytical engine, Monte Carlo)';

export async function run(): Promise<void> {
  // RBTS Bus 2 with a candidate switch on every line section; each evaluation flips one candidate.
  const rbts = networkModel('rbts-bus2');
  const candidates = rbts.sections.filter((s) => s.kind !== 'tie').map((s) => ({ section: s.id, switchingHours: 1 }));
  const ev = new ReliabilityEvaluator(rbts, { candidates });
  const mask = new Uint8Array(candidates.length);
  let k = 0;
  const toggle = (): void => {
    mask[k++ % mask.length] ^= 1;
    ev.evaluate(mask);
  };
  const rb = measure(toggle, 1500);
  const rbCpu = 1000 / cpuMsPerOp(toggle, 20000);
  console.log(`RBTS Bus 2 (${candidates.length} candidate switches toggled one at a time): ${fmt(rb.opsPerSec)} evaluations/s wall, ${fmt(rbCpu)}/s of CPU time (target > 50,000/s: ${(rb.opsPerSec / 50000).toFixed(1)}× / ${(rbCpu / 50000).toFixed(1)}×)`);

  // Random feeders: one evaluation, growth per 10× size. Wall time, and CPU time of this thread
  // (steadier when other work shares the machine). Two layouts: two feeders with one tie (the
  // random-feeder default), and a feeder and a tie per 2,000 sections (a network growing in feeders).
  const times: Record<string, number> = {};
  for (const layout of ['2 feeders, 1 tie', 'a feeder and a tie per 2,000 sections (at least 2)'] as const) {
    console.log(`random feeders, ${layout}:`);
    const rows: Array<Array<string | number>> = [['sections', 'zones', 'load points', 'ms / evaluation', 'CPU ms', 'growth (CPU) vs 10× smaller']];
    let prev = 0;
    for (const n of [1000, 10000, 100000]) {
      const per = Math.max(2, Math.round(n / 2000));
      const f = layout === '2 feeders, 1 tie' ? randomFeeder({ sections: n, seed: 42 }) : randomFeeder({ sections: n, seed: 42, feedersPerSource: per, ties: per });
      const e = new ReliabilityEvaluator(f);
      const t = measure(() => e.evaluate(), n >= 100000 ? 3000 : 1500);
      const cpu = cpuMsPerOp(() => e.evaluate(), Math.max(2, Math.round(200 / Math.max(0.05, t.msPerOp))));
      times[`${layout}:${n}`] = cpu;
      rows.push([String(n), String(e.nz), String(e.nLp), t.msPerOp.toFixed(3), cpu.toFixed(3), prev ? (cpu / prev).toFixed(1) + '×' : '-']);
      prev = cpu;
    }
    table(rows);
  }
  console.log(`  target: 10k sections < 5 ms (CPU ${times['2 feeders, 1 tie:10000'].toFixed(2)} and ${times['a feeder and a tie per 2,000 sections (at least 2):10000'].toFixed(2)} ms); linear growth = 10× per 10× size`);

  // The naive per-failure FMEA at 1k sections, the reference the evaluator replaces.
  const f1k = randomFeeder({ sections: 1000, seed: 42, ties: 2 });
  const ev1k = new ReliabilityEvaluator(f1k);
  const e1k = measure(() => ev1k.evaluate(), 1000).msPerOp;
  const t0 = performance.now();
  naiveFmea(f1k);
  const naiveMs = performance.now() - t0;
  console.log(`naive per-failure FMEA at 1k sections (2 feeders, 2 ties): ${fmt(naiveMs)} ms; one evaluation of the same feeder ${e1k.toFixed(3)} ms: ${fmt(naiveMs / e1k)}× faster`);

  // Monte Carlo on RBTS Bus 2.
  const years = 200000;
  const m0 = performance.now();
  const mc = simulateMonteCarlo(rbts, { years, seed: 1 });
  const mcSec = (performance.now() - m0) / 1000;
  console.log(`Monte Carlo, RBTS Bus 2: ${fmt(years / mcSec)} feeder-years/s (${years} years, ${mc.failures} failures, ${mcSec.toFixed(2)} s incl. set-up; target > 10,000/s, ${(years / mcSec / 10000).toFixed(0)}× target; a time-stepped Python peer needs ~16 s per year)`);
}
