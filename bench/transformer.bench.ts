/**
 * Transformer operation mode: evaluations of all four modes per second, and statistics samples
 * per second, each against a plain naive reference measured in the same run.
 *  - evaluation reference: complex numbers as objects, Math.pow/Math.hypot, the paralleling checks
 *    and feasibility rebuilt for every point (what a first straightforward version does);
 *  - statistics reference: a day key from Intl formatting for every sample (no cached day span), and
 *    every sample kept in a list that is summed per day when asked.
 */
import {
  checkParalleling, evaluatePoint, exampleStation, LossStatistics, ModeSelector, parseSelectorSettings, syntheticYearProfile,
  type BusLoad, type StatSample, type StationParams,
} from '../lib/transformer';
import { measure, table } from './timing';

export const title = 'transformer operation mode (two S11-630 units, a 15-minute year)';

interface C { re: number; im: number }
const add = (a: C, b: C): C => ({ re: a.re + b.re, im: a.im + b.im });
const scale = (a: C, k: number): C => ({ re: a.re * k, im: a.im * k });
const abs = (a: C): number => Math.hypot(a.re, a.im);

/** The naive reference: same results, no care for allocation or repeated work. */
function naiveEvaluate(st: StationParams, b1: BusLoad, b2: BusLoad): { best: string | null; losses: number[] } {
  const units = st.transformers;
  const s1: C = { re: b1.pKW, im: b1.qKvar };
  const s2: C = { re: b2.pKW, im: b2.qKvar };
  const par = checkParalleling(units[0], units[1], st.paralleling);
  const y = units.map((u) => u.snKVA / u.ukPct);
  const modes: Array<{ name: string; flows: C[] }> = [
    { name: 'T1', flows: [add(s1, s2), { re: 0, im: 0 }] },
    { name: 'T2', flows: [{ re: 0, im: 0 }, add(s1, s2)] },
    { name: 'split', flows: [s1, s2] },
    { name: 'parallel', flows: [scale(add(s1, s2), y[0] / (y[0] + y[1])), scale(add(s1, s2), y[1] / (y[0] + y[1]))] },
  ];
  const losses: number[] = [];
  let best: string | null = null;
  let bestLoss = Infinity;
  for (const m of modes) {
    let loss = 0;
    let ok = !st.blockedModes.includes(m.name as never) && (m.name !== 'parallel' || par.ok);
    m.flows.forEach((f, i) => {
      const on = m.name === 'split' || m.name === 'parallel' || m.name === `T${i + 1}`;
      if (!on) return;
      loss += units[i].p0KW + units[i].pkKW * Math.pow(abs(f) / units[i].snKVA, 2);
      if (abs(f) / units[i].snKVA > st.overloadLimit) ok = false;
    });
    losses.push(loss);
    if (ok && loss < bestLoss) { bestLoss = loss; best = m.name; }
  }
  return { best, losses };
}

export async function run(): Promise<void> {
  const station = exampleStation();
  const profile = syntheticYearProfile({ year: 2023, seed: 2013 });
  const n = profile.length;
  const par = checkParalleling(station.transformers[0], station.transformers[1], station.paralleling);

  // Same answers first: the reference is only a speed reference if it agrees.
  for (let i = 0; i < n; i += 97) {
    const s = profile[i];
    const a = evaluatePoint(station, s.buses[0], s.buses[1], null, par);
    const b = naiveEvaluate(station, s.buses[0], s.buses[1]);
    if (a.best !== b.best || a.modes.some((m, k) => Math.abs(m.lossKW - b.losses[k]) > 1e-9)) throw new Error(`reference disagrees at sample ${i}`);
  }

  let sink = 0;
  const evalFast = measure(() => {
    for (const s of profile) sink += evaluatePoint(station, s.buses[0], s.buses[1], null, par).modes[3].lossKW;
  }, 1000);
  const evalNaive = measure(() => {
    for (const s of profile) sink += naiveEvaluate(station, s.buses[0], s.buses[1]).losses[3];
  }, 1000);

  // Statistics: precomputed samples so only the accumulation is timed.
  const zone = 'Asia/Shanghai';
  const samples: StatSample[] = profile.map((s) => {
    const ev = evaluatePoint(station, s.buses[0], s.buses[1], s.mode, par);
    const cur = ev.modes[2];
    const best = ev.modes.find((m) => m.mode === ev.best)!;
    return { ts: s.ts, actualMode: s.mode, actualKW: cur.lossKW, actualCriterionKW: cur.criterionKW, actualFeasible: cur.feasible, optimalMode: ev.best, optimalKW: best.lossKW, optimalCriterionKW: best.criterionKW };
  });
  let statsTotal = 0;
  const statsFast = measure(() => {
    const st = new LossStatistics(zone, 3_600_000);
    for (const s of samples) st.add(s);
    statsTotal = st.query({ granularity: 'total' }).total.actualKWh;
  }, 1000);
  let naiveTotal = 0;
  const statsNaive = measure(() => {
    const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    const kept: Array<{ day: string; kwh: number }> = [];
    for (let i = 0; i + 1 < samples.length; i++) {
      kept.push({ day: fmt.format(samples[i].ts), kwh: samples[i].actualKW * (samples[i + 1].ts - samples[i].ts) / 3_600_000 });
    }
    const days = [...new Set(kept.map((k) => k.day))];
    naiveTotal = days.reduce((acc, d) => acc + kept.filter((k) => k.day === d).reduce((a, k) => a + k.kwh, 0), 0);
  }, 1000);
  if (Math.abs(naiveTotal - statsTotal) > 1e-6 * statsTotal) {
    // Both hold each sample until the next; days split differently only at local midnight, totals agree.
    throw new Error(`statistics reference disagrees: ${naiveTotal} vs ${statsTotal}`);
  }

  const settings = parseSelectorSettings({ transformers: station.transformers, timeZone: zone });
  const pipeline = measure(() => {
    const sel = new ModeSelector(settings);
    for (const s of profile) sel.step(s);
  }, 1000);

  table([
    ['figure', 'per second', 'naive reference', 'ratio'],
    ['mode evaluations (4 modes each)', evalFast.opsPerSec * n, evalNaive.opsPerSec * n, `${(evalFast.opsPerSec / evalNaive.opsPerSec).toFixed(1)}x`],
    ['statistics samples', statsFast.opsPerSec * n, statsNaive.opsPerSec * n, `${(statsFast.opsPerSec / statsNaive.opsPerSec).toFixed(1)}x`],
    ['selector steps (evaluate+statistics+decide)', pipeline.opsPerSec * n, '-', '-'],
  ]);
  console.log(`  a year of 15-minute samples (${n}) through the selector: ${(pipeline.msPerOp).toFixed(0)} ms (checksum ${sink > 0 ? 'ok' : 'zero'})`);
}
