import assert from 'node:assert/strict';
import {
  LossStatistics, ModeSelector, parseSelectorSettings, reportCsv, reportHtml, REPORT_CSV_HEADER, syntheticYearProfile,
  type StatSample,
} from '../../../lib/transformer';
import { referenceLosses, unit } from './helpers';

const HOUR = 3_600_000;
const t = unit('T', 630, 0.84, 6.2, 4.5);
const SETTINGS = parseSelectorSettings({
  transformers: [{ ...t, id: 'T1' }, { ...t, id: 'T2' }], overloadLimit: 1, timeZone: 'UTC', maxHoldMin: 60,
});

function close(a: number, b: number, rel = 1e-9): boolean {
  return Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));
}

const sample = (ts: number, kw: number, opt = kw / 2): StatSample => ({
  ts, actualMode: 'split', actualKW: kw, actualCriterionKW: kw, actualFeasible: true, optimalMode: 'T1', optimalKW: opt, optimalCriterionKW: opt,
});

describe('loss statistics', () => {
  describe('a year of 15-minute load data', () => {
    // The documented example year (docs/transformer-mode.md): seed 2013, station always in split operation.
    const profile = syntheticYearProfile({ year: 2023, seed: 2013 });
    const yearEnd = Date.UTC(2024, 0, 1);
    let selector: ModeSelector;
    const actual = new Map<string, number>();
    const optimal = new Map<string, number>();
    let totalActual = 0;
    let totalOptimal = 0;

    before(() => {
      selector = new ModeSelector(SETTINGS);
      for (const s of profile) selector.step(s);
      selector.closeAt(yearEnd);
      // Independent integration: losses from the paper's formulas per row, best feasible mode by
      // direct comparison, each row held until the next timestamp (the last until the year's end).
      profile.forEach((s, i) => {
        const [b1, b2] = s.buses;
        const L = referenceLosses(t, t, b1.pKW, b1.qKvar, b2.pKW, b2.qKvar);
        const sTot = Math.hypot(b1.pKW + b2.pKW, b1.qKvar + b2.qKvar);
        const feasible = {
          T1: sTot <= 630, T2: sTot <= 630,
          split: Math.hypot(b1.pKW, b1.qKvar) <= 630 && Math.hypot(b2.pKW, b2.qKvar) <= 630,
          parallel: sTot / 2 <= 630,
        };
        const best = Math.min(...(['T1', 'T2', 'split', 'parallel'] as const).filter((m) => feasible[m]).map((m) => L[m]));
        const h = ((i + 1 < profile.length ? profile[i + 1].ts : yearEnd) - s.ts) / HOUR;
        const month = new Date(s.ts).toISOString().slice(0, 7);
        actual.set(month, (actual.get(month) ?? 0) + L.split * h);
        optimal.set(month, (optimal.get(month) ?? 0) + best * h);
        totalActual += L.split * h;
        totalOptimal += best * h;
      });
    });

    it('equals the independent integration for the year and for every month', () => {
      // The year includes peaks above one unit's rating, so the overload exclusion takes part.
      assert.ok(profile.some((x) => Math.hypot(x.buses[0].pKW + x.buses[1].pKW, x.buses[0].qKvar + x.buses[1].qKvar) > 630));
      const year = selector.query({ period: '2023', granularity: 'year' });
      assert.equal(year.rows.length, 1);
      assert.equal(year.total.hours, 8760);
      assert.equal(year.total.samples, 35040);
      assert.ok(close(year.total.actualKWh, totalActual), `${year.total.actualKWh} vs ${totalActual}`);
      assert.ok(close(year.total.optimalKWh, totalOptimal), `${year.total.optimalKWh} vs ${totalOptimal}`);
      assert.ok(close(year.total.savingKWh, totalActual - totalOptimal, 1e-8));
      // The figures quoted in docs/transformer-mode.md, from the independent integration.
      assert.equal(totalActual.toFixed(1), '25854.0');
      assert.equal(totalOptimal.toFixed(1), '23647.6');
      assert.equal((totalActual - totalOptimal).toFixed(1), '2206.5');
      const months = selector.query({ granularity: 'month' });
      assert.equal(months.rows.length, 12);
      for (const r of months.rows) {
        assert.ok(close(r.actualKWh, actual.get(r.period)!), `${r.period} actual`);
        assert.ok(close(r.optimalKWh, optimal.get(r.period)!), `${r.period} optimal`);
      }
      const days = selector.query({ granularity: 'day' });
      assert.equal(days.rows.length, 365);
      assert.ok(days.rows.every((r) => r.hours === 24));
      assert.equal(year.total.modeHours.split, 8760);
      const optHours = year.total.optimalModeHours;
      assert.ok(close(optHours.T1 + optHours.T2 + optHours.split + optHours.parallel, 8760));
    });

    it('survives a restart: saved to JSON half way and restored gives the same totals', () => {
      const a = new ModeSelector(SETTINGS);
      const half = profile.length / 2;
      for (const s of profile.slice(0, half)) a.step(s);
      const saved = JSON.parse(JSON.stringify(a.toJSON()));
      const b = new ModeSelector(SETTINGS, saved);
      for (const s of profile.slice(half)) b.step(s);
      b.closeAt(yearEnd);
      const ref = selector.query({ granularity: 'total' }).total;
      const got = b.query({ granularity: 'total' }).total;
      assert.ok(close(got.actualKWh, ref.actualKWh));
      assert.ok(close(got.optimalKWh, ref.optimalKWh));
      assert.equal(got.hours, 8760);
    });
  });

  it('integrates over time, not per message: the same load reported each minute or each quarter hour gives the same energy', () => {
    const t0 = Date.UTC(2024, 5, 1);
    const fast = new LossStatistics();
    for (let m = 0; m <= 60; m++) fast.add(sample(t0 + m * 60_000, 4));
    fast.add(sample(t0 + 60 * 60_000, 4)); // a repeated message at the same time adds nothing
    const slow = new LossStatistics();
    for (let m = 0; m <= 60; m += 15) slow.add(sample(t0 + m * 60_000, 4));
    const f = fast.query({ granularity: 'total' }).total;
    const s = slow.query({ granularity: 'total' }).total;
    assert.ok(close(f.actualKWh, 4, 1e-12));
    assert.ok(close(s.actualKWh, 4, 1e-12));
    assert.ok(close(f.optimalKWh, 2, 1e-12));
    assert.equal(f.samples, 60);
    assert.equal(s.samples, 4);
  });

  it('holds a sample for at most maxHold and counts the rest as a gap', () => {
    const t0 = Date.UTC(2024, 5, 1);
    const st = new LossStatistics('UTC', HOUR);
    st.add(sample(t0, 10));
    st.add(sample(t0 + 3 * HOUR, 10));
    const r = st.query({ granularity: 'total' }).total;
    assert.equal(r.hours, 1);
    assert.equal(r.gapHours, 2);
    assert.equal(r.actualKWh, 10);
    assert.throws(() => st.add(sample(t0, 1)), /sample at 2024-06-01T00:00:00.000Z is older than the previous one at 2024-06-01T03:00:00.000Z/);
  });

  it('splits intervals at local midnight, with 23- and 25-hour days at DST changes', () => {
    const st = new LossStatistics('Europe/Berlin', 2 * HOUR);
    // Hourly samples from 2024-03-30 12:00 local (11:00 UTC) to 2024-04-01 00:00 local (2024-03-31 22:00 UTC).
    for (let ts = Date.UTC(2024, 2, 30, 11); ts <= Date.UTC(2024, 2, 31, 22); ts += HOUR) st.add(sample(ts, 1));
    const days = st.query({ granularity: 'day' }).rows;
    assert.deepEqual(days.map((d) => [d.period, d.hours]), [['2024-03-30', 12], ['2024-03-31', 23]]);
    const autumn = new LossStatistics('Europe/Berlin', 2 * HOUR);
    for (let ts = Date.UTC(2024, 9, 26, 22); ts <= Date.UTC(2024, 9, 27, 23); ts += HOUR) autumn.add(sample(ts, 1));
    assert.equal(autumn.query({ period: '2024-10-27' }).rows[0].hours, 25);
    // Chile moves its clocks at midnight: 2024-09-08 starts at 01:00 (23 h), 2024-04-06 ends at a repeated 23:00 (25 h).
    const santiago = new LossStatistics('America/Santiago', 2 * HOUR);
    for (let ts = Date.UTC(2024, 3, 5, 12); ts <= Date.UTC(2024, 3, 8, 12); ts += HOUR) santiago.add(sample(ts, 1));
    for (let ts = Date.UTC(2024, 8, 6, 12); ts <= Date.UTC(2024, 8, 10, 12); ts += HOUR) santiago.add(sample(ts, 1));
    const hours = Object.fromEntries(santiago.query().rows.map((r) => [r.period, r.hours]));
    assert.equal(hours['2024-04-06'], 25);
    assert.equal(hours['2024-04-07'], 24);
    assert.equal(hours['2024-09-07'], 24);
    assert.equal(hours['2024-09-08'], 23);
    // A sample held across midnight is shared between the two days.
    const utc = new LossStatistics('UTC', 2 * HOUR);
    utc.add(sample(Date.UTC(2024, 0, 1, 23, 30), 6));
    const closed = utc.add(sample(Date.UTC(2024, 0, 2, 0, 30), 6));
    assert.deepEqual(closed, ['2024-01-01']);
    assert.deepEqual(utc.query().rows.map((r) => [r.period, r.actualKWh]), [['2024-01-01', 3], ['2024-01-02', 3]]);
  });

  it('answers any period, and rejects malformed ones precisely', () => {
    const st = new LossStatistics();
    for (let d = 0; d <= 400; d++) st.add(sample(Date.UTC(2023, 0, 1) + d * 24 * HOUR, 1));
    assert.equal(st.query({ period: '2023-02', granularity: 'day' }).rows.length, 28);
    assert.equal(st.query({ period: '2024' }).rows.length, 35); // 1 Jan – 4 Feb 2024 hold data (1 h per day)
    assert.deepEqual(st.query({ from: '2023-11', to: '2024-01', granularity: 'month' }).rows.map((r) => r.period), ['2023-11', '2023-12', '2024-01']);
    assert.deepEqual(st.query({ granularity: 'year' }).rows.map((r) => [r.period, r.hours]), [['2023', 365], ['2024', 35]]);
    assert.throws(() => st.query({ period: '2023-13' }), /^Error: period: "2023-13" has month 13$/);
    assert.throws(() => st.query({ period: '2023-02-29' }), /period: "2023-02-29" has day 29, month 2 has 28/);
    assert.throws(() => st.query({ from: 'last week' }), /from: "last week" is not a period \(YYYY, YYYY-MM or YYYY-MM-DD\)/);
    assert.throws(() => st.query({ from: '2024-02', to: '2024-01' }), /from 2024-02-01 is after to 2024-01-31/);
    assert.throws(() => st.query({ granularity: 'week' as never }), /granularity: "week" is not one of day, month, year, total/);
  });

  it('restores only a well-formed saved state', () => {
    assert.throws(() => LossStatistics.fromJSON({ version: 2 }), /statistics state: not a version-1 transformer statistics state/);
    assert.throws(() => LossStatistics.fromJSON({ version: 1, timeZone: 'UTC', maxHoldMs: 1, days: { '2024-1-1': {} }, last: null }), /day "2024-1-1" is malformed/);
  });

  it('prints the report as CSV and as an HTML table', () => {
    const st = new LossStatistics();
    st.add(sample(Date.UTC(2024, 0, 1), 4));
    st.add(sample(Date.UTC(2024, 0, 1, 6), 2));
    st.closeAt(Date.UTC(2024, 0, 2));
    const rep = st.query({ granularity: 'day' });
    const csv = reportCsv(rep).trim().split('\n');
    assert.equal(csv[0], REPORT_CSV_HEADER);
    // 4 kW for 1 h (max hold), then 2 kW for 1 h; optimal half of that.
    assert.equal(csv[1], '2024-01-01,2.00,6.000,3.000,3.000,50.00,0.00,0.00,2.00,0.00,2.00,0.00,0.00,0.00,0.00,22.00,2');
    assert.equal(csv[2].split(',')[0], 'total');
    const html = reportHtml(rep, 'Losses <station A>');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<title>Losses &lt;station A&gt;<\/title>/);
    assert.match(html, /<th scope="row">2024-01-01<\/th><td>2.00<\/td><td>6.000<\/td><td>3.000<\/td><td>3.000<\/td><td>50.00<\/td>/);
    assert.match(html, /<tr class="total"><th scope="row">total<\/th>/);
  });
});
