/**
 * Major event days, IEEE 1366 2.5β method. The synthetic history is generated here; T_MED is
 * computed here from the generated records (their exact start/end), not from the implementation.
 */
import assert from 'node:assert/strict';
import { HistoricalAccumulator } from '../../../../lib/reliability/historical/accumulator';
import { periodSeries } from '../../../../lib/reliability/historical/dashboard';
import { medThreshold } from '../../../../lib/reliability/historical/med';
import { Rng } from '../../../../lib/util/rng';
import { near } from './helpers';

const DAY = 86_400_000;
const FEEDERS = [{ id: 'F1', customers: 4000 }, { id: 'F2', customers: 6000 }];
const NT = 10_000;

interface Rec { feeder: string; device: string; start: number; end: number; customersInterrupted: number; cause: string }

/** Records whose customer-minutes sum to `cmi` on the day starting at `dayStart` (each lasting over 5 min). */
function dayRecords(rng: Rng, dayStart: number, cmi: number, tag: string): Rec[] {
  const parts = rng.int(1, 3);
  const out: Rec[] = [];
  for (let i = 0; i < parts; i++) {
    const share = cmi / parts;
    const feeder = rng.pick(FEEDERS);
    const c = Math.max(1, Math.min(feeder.customers, Math.floor(share / 6)));
    const start = dayStart + (i === 0 && rng.bool(0.1) ? DAY - 10 * 60_000 : rng.int(0, 20 * 60) * 60_000); // some run past midnight
    out.push({ feeder: feeder.id, device: `${tag}-${i}`, start, end: start + Math.round((share / c) * 60_000), customersInterrupted: c, cause: 'DPEF' });
  }
  return out;
}

function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Daily SAIDI (minutes) per day start, from sustained records, on the day each began (UTC). */
function dailySaidiMin(records: Rec[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of records) {
    if (r.end - r.start <= 5 * 60_000) continue;
    const day = Math.floor(r.start / DAY) * DAY;
    m.set(day, (m.get(day) ?? 0) + (r.customersInterrupted * (r.end - r.start)) / 60_000 / NT);
  }
  return m;
}

describe('major event days (2.5 beta)', () => {
  it('computes T_MED = exp(α + 2.5β) from the non-zero days', () => {
    const e = Math.E;
    // ln values 0, 1, 2: α = 1, sample β = 1 → exp(3.5); population β = √(2/3)
    const sample = medThreshold([0, 1, 0, e, e * e, 0]);
    assert.ok(sample);
    near(sample.alpha, 1, 1e-12, 'α');
    near(sample.beta, 1, 1e-12, 'β');
    near(sample.tMed, Math.exp(3.5), 1e-9, 'T_MED');
    assert.equal(sample.nonZeroDays, 3);
    near(medThreshold([1, e, e * e], 'population')?.tMed ?? null, Math.exp(1 + 2.5 * Math.sqrt(2 / 3)), 1e-9, 'population T_MED');
    // Unit-free: minutes instead of hours scale T_MED by 60.
    near(medThreshold([60, 60 * e, 60 * e * e])?.tMed ?? null, 60 * Math.exp(3.5), 1e-7, 'T_MED in minutes');
    assert.equal(medThreshold([0, 0, 5]), null, 'one non-zero day: β undefined');
  });

  describe('a synthetic five-year history', () => {
    const rng = new Rng(20240607);
    const history: Rec[] = [];
    const from2016 = Date.UTC(2016, 0, 1);
    const from2021 = Date.UTC(2021, 0, 1);
    for (let d = from2016; d < from2021; d += DAY) {
      if (rng.bool(0.3)) continue; // a day without interruptions
      const saidiMin = Math.exp(Math.log(2) + 0.8 * normal(rng));
      history.push(...dayRecords(rng, d, saidiMin * NT, `h${d}`));
    }
    // Momentary records never count in daily SAIDI.
    history.push({ feeder: 'F1', device: 'm', start: from2016 + 3 * DAY, end: from2016 + 3 * DAY + 120_000, customersInterrupted: 4000, cause: 'DTSC' });

    // T_MED, independently: daily SAIDI of the five years before 2021, non-zero days, ln, mean, sample sd.
    const hist = [...dailySaidiMin(history).values()];
    const logs = hist.map(Math.log);
    const alpha = logs.reduce((a, b) => a + b, 0) / logs.length;
    const beta = Math.sqrt(logs.reduce((a, b) => a + (b - alpha) ** 2, 0) / (logs.length - 1));
    const tMedMin = Math.exp(alpha + 2.5 * beta);

    // 2021: ordinary days kept below 0.8 T_MED, plus planted days just above, far above and just below.
    const year: Rec[] = [];
    const planted: Record<string, number> = { '2021-02-14': 1.02, '2021-06-30': 10, '2021-09-09': 1.5, '2021-11-02': 0.98 };
    for (let d = from2021; d < Date.UTC(2022, 0, 1); d += DAY) {
      const key = new Date(d).toISOString().slice(0, 10);
      const factor = planted[key];
      if (factor !== undefined) year.push(...dayRecords(rng, d, factor * tMedMin * NT, `y${d}`));
      else if (rng.bool(0.6)) year.push(...dayRecords(rng, d, Math.min(0.8 * tMedMin, Math.exp(Math.log(2) + 0.8 * normal(rng))) * NT, `y${d}`));
    }
    const yearDaily = dailySaidiMin(year);
    const expectedMeds = [...yearDaily].filter(([, v]) => v > tMedMin).map(([d]) => new Date(d).toISOString().slice(0, 10)).sort();

    let acc: HistoricalAccumulator;
    before(() => {
      acc = new HistoricalAccumulator({ feeders: FEEDERS });
      for (const r of [...history, ...year]) {
        const res = acc.add(r);
        assert.ok(res.accepted, res.accepted ? '' : res.rejection.reason);
      }
    });

    it('the planted days straddle the threshold as intended', () => {
      assert.ok(hist.length > 1000, `history has ${hist.length} non-zero days`);
      assert.deepEqual(expectedMeds, ['2021-02-14', '2021-06-30', '2021-09-09']);
    });

    it('finds exactly the intended major event days with the independent T_MED', () => {
      const r = acc.query({ from: '2021-01-01', to: '2022-01-01' });
      assert.ok(r.med.thresholdSaidiHours !== null);
      near(r.med.thresholdSaidiHours, tMedMin / 60, 1e-9 * tMedMin, 'T_MED (hours)');
      near(r.med.alpha, alpha - Math.log(60), 1e-9, 'α of ln(hours)');
      near(r.med.beta, beta, 1e-9, 'β');
      assert.equal(r.med.nonZeroDays, hist.length);
      assert.equal(r.med.historyFrom, '2016-01-01');
      assert.equal(r.med.historyTo, '2021-01-01');
      assert.deepEqual(r.med.days, expectedMeds);
      for (const day of expectedMeds) near(r.med.daySaidiHours[day], yearDaily.get(Date.parse(day))! / 60, 1e-9, `SAIDI of ${day}`);
    });

    it('sets the MED days apart from the indices', () => {
      const r = acc.query({ from: '2021-01-01', to: '2022-01-01' });
      const total = [...yearDaily.values()].reduce((a, b) => a + b, 0);
      const onMeds = expectedMeds.reduce((a, d) => a + yearDaily.get(Date.parse(d))!, 0);
      near(r.system.saidi, total / 60, 1e-9, 'SAIDI with MEDs');
      near(r.withoutMed.system.saidi, (total - onMeds) / 60, 1e-9, 'SAIDI without MEDs');
      assert.ok(r.withoutMed.system.saifi < r.system.saifi);
    });

    it('monthly series use the year\'s threshold and add up to the year', () => {
      const r = acc.query({ from: '2021-01-01', to: '2022-01-01' });
      const s = periodSeries(acc, { from: '2021-01-01', to: '2022-01-01', interval: 'month', indices: ['saidi', 'saifi'] });
      assert.equal(s.periods.length, 12);
      assert.deepEqual(s.periods.flatMap((p) => p.medDays), expectedMeds);
      const saidi = s.series.find((x) => x.index === 'saidi')!;
      near(saidi.points.reduce((a, p) => a + (p.y ?? 0), 0), r.system.saidi, 1e-9, 'Σ monthly SAIDI');
      near(saidi.pointsWithoutMed.reduce((a, p) => a + (p.y ?? 0), 0), r.withoutMed.system.saidi, 1e-9, 'Σ monthly SAIDI without MEDs');
      assert.equal(saidi.points[0].x, '2021-01');
    });

    it('uses whatever history exists when it is shorter than five years, none when it is too short', () => {
      const short = new HistoricalAccumulator({ feeders: FEEDERS });
      const lastYear = history.filter((x) => x.start >= Date.UTC(2020, 0, 1));
      for (const x of [...lastYear, ...year]) short.add(x);
      const d = [...dailySaidiMin(lastYear).values()].map(Math.log);
      const a = d.reduce((p, q) => p + q, 0) / d.length;
      const b = Math.sqrt(d.reduce((p, q) => p + (q - a) ** 2, 0) / (d.length - 1));
      near(short.query({ from: '2021-01-01', to: '2022-01-01' }).med.thresholdSaidiHours, Math.exp(a + 2.5 * b) / 60, 1e-9, 'T_MED from 2020 only');

      const none = new HistoricalAccumulator({ feeders: FEEDERS });
      for (const x of year) none.add(x);
      const q = none.query({ from: '2021-01-01', to: '2022-01-01' });
      assert.equal(q.med.thresholdSaidiHours, null);
      assert.deepEqual(q.med.days, []);
      assert.deepEqual(q.withoutMed.system, q.system);
    });
  });
});
