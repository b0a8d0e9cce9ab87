/** Bad records are refused one by one with line, id and reason, counted, and never take good neighbours with them. */
import assert from 'node:assert/strict';
import { HistoricalAccumulator } from '../../../../lib/reliability/historical/accumulator';
import { accumulatorFrom, loadCsv, near } from './helpers';

describe('historical records: refusing bad ones', () => {
  it('refuses each bad CSV row with its line and reason and keeps the good ones', async () => {
    const { acc, rejected } = await accumulatorFrom('bad.csv', { served: 'served-bad.csv' });
    const got = rejected.map((r) => [r.line, r.id]);
    assert.deepEqual(got, [[3, 'b1'], [4, 'b2'], [5, 'b3'], [6, 'b4'], [7, 'g1'], [8, 'b5'], [10, 'b6'], [11, 'b7'], [12, ''], [13, 'b9']]);
    const reason = (line: number) => rejected.find((r) => r.line === line)!.reason;
    assert.match(reason(3), /^end 2021-03-02T07:00:00.000Z is before start 2021-03-02T08:00:00.000Z$/);
    assert.match(reason(4), /customersInterrupted -5 is negative/);
    assert.match(reason(5), /customersInterrupted "many" is not a number/);
    assert.match(reason(6), /unknown feeder "F9"/);
    assert.match(reason(7), /duplicate id "g1"/);
    assert.match(reason(8), /overlaps record "g1" on feeder "F1" device "CB1" \(2021-03-01T08:00:00.000Z to 2021-03-01T09:00:00.000Z\)/);
    assert.match(reason(10), /start "2021-03-07T08:00:00" has no time zone/);
    assert.match(reason(11), /planned "maybe" is not true\/false/);
    assert.match(reason(12), /has 6 fields, the header has 9/);
    assert.match(reason(13), /customersInterrupted 5000 exceeds the 1000 customers feeder "F1" serves/);

    const counts = acc.counts;
    assert.equal(counts.accepted, 3);
    assert.equal(counts.rejected, 10);
    assert.deepEqual(counts.rejectedByCode, {
      'end-before-start': 1, 'bad-customers': 2, 'unknown-feeder': 1, 'duplicate-id': 1, overlap: 1,
      'bad-time': 1, 'bad-flag': 1, 'bad-row': 1, 'customers-exceed-served': 1,
    });
    // g1 (100 × 60 min) and g2 (100 × 30 min, starting when g1 ended) on F1; g3 (200 × 90 min) on F2.
    const r = acc.query({ from: '2021-03-01', to: '2021-04-01' });
    near(r.feeders.F1.saidi, (100 * 60 + 100 * 30) / 60 / 1000, 1e-12, 'F1 SAIDI');
    near(r.feeders.F2.saidi, (200 * 90) / 60 / 400, 1e-12, 'F2 SAIDI');
    near(r.system.saifi, 400 / 1400, 1e-12, 'system SAIFI');
    assert.equal(r.planned.feeders.F2.planned.saifi, 0.5);
    assert.equal(acc.recentRejections.length, 10);
  });

  it('refuses messages too, reporting line 0, and derives an id from feeder, device and start', () => {
    const acc = new HistoricalAccumulator({ feeders: [{ id: 'F1', customers: 100 }] });
    const msg = { feeder: 'F1', device: 'R1', start: Date.UTC(2021, 0, 1, 10), end: Date.UTC(2021, 0, 1, 11), durationMin: 60, customersInterrupted: 40, kWInterrupted: 10, momentary: false, cause: 'DPSC' };
    assert.equal(acc.add(msg).accepted, true);
    const again = acc.add(msg);
    assert.equal(again.accepted, false);
    assert.deepEqual(!again.accepted && again.rejection, { line: 0, id: 'F1/R1/2021-01-01T10:00:00.000Z', reason: 'duplicate id "F1/R1/2021-01-01T10:00:00.000Z" (already recorded)' });
    const bad = [
      [null, /not an object/],
      [{ ...msg, feeder: '' }, /feeder is missing/],
      [{ ...msg, start: 'yesterday' }, /start "yesterday" is not an ISO 8601 timestamp/],
      [{ ...msg, start: Date.UTC(2021, 0, 2), end: undefined, durationMin: undefined }, /neither end nor durationMin/],
      [{ ...msg, start: Date.UTC(2021, 0, 3), durationMin: 12 }, /durationMin 12 disagrees with end - start = -1428 min|end .* is before start/],
      [{ ...msg, start: Date.UTC(2021, 0, 3), end: Date.UTC(2021, 0, 3, 1), durationMin: 12 }, /durationMin 12 disagrees with end - start = 60 min/],
      [{ ...msg, start: Date.UTC(2021, 0, 4), end: Date.UTC(2021, 0, 4, 1), kWInterrupted: -3 }, /kWInterrupted -3 is negative/],
      [{ ...msg, start: Date.UTC(2021, 0, 5), end: Date.UTC(2021, 0, 5, 1), momentary: 'sometimes' }, /momentary "sometimes" is not true\/false/],
      [{ ...msg, start: Date.UTC(2021, 0, 6), end: undefined, durationMin: -4 }, /durationMin -4 is negative/],
    ] as const;
    for (const [raw, re] of bad) {
      const r = acc.add(raw);
      assert.equal(r.accepted, false, `accepted ${JSON.stringify(raw)}`);
      if (!r.accepted) assert.match(r.rejection.reason, re);
    }
    assert.equal(acc.counts.rejected, 1 + bad.length);
    assert.equal(acc.counts.accepted, 1);
  });

  it('refuses an overlapping duplicate on the same device but not on another device or feeder', () => {
    const acc = new HistoricalAccumulator({ feeders: [{ id: 'F1', customers: 100 }, { id: 'F2', customers: 100 }] });
    const base = { feeder: 'F1', device: 'R1', customersInterrupted: 10 };
    const t = (h: number) => Date.UTC(2021, 5, 1, h);
    assert.ok(acc.add({ ...base, id: 'a', start: t(10), end: t(12) }).accepted);
    assert.ok(acc.add({ ...base, id: 'b', start: t(14), end: t(15) }).accepted);
    assert.ok(!acc.add({ ...base, id: 'c', start: t(9), end: t(11) }).accepted, 'overlaps a from before');
    assert.ok(!acc.add({ ...base, id: 'd', start: t(12) - 1, end: t(13) }).accepted, 'starts inside a');
    assert.ok(!acc.add({ ...base, id: 'e', start: t(13), end: t(14) + 1 }).accepted, 'ends inside b');
    assert.ok(!acc.add({ ...base, id: 'f', start: t(10), end: t(10) }).accepted, 'same start as a');
    assert.ok(acc.add({ ...base, id: 'g', start: t(12), end: t(14) }).accepted, 'fills the gap exactly');
    assert.ok(acc.add({ ...base, id: 'h', device: 'R2', start: t(10), end: t(12) }).accepted, 'another device');
    assert.ok(acc.add({ ...base, id: 'i', feeder: 'F2', start: t(10), end: t(12) }).accepted, 'another feeder');
    assert.equal(acc.counts.rejectedByCode.overlap, 4);
  });

  it('forgets duplicates beyond its horizon, and says how many records it could only partly check', () => {
    const acc = new HistoricalAccumulator({ feeders: [{ id: 'F1', customers: 100 }], duplicateHorizonDays: 30 });
    const rec = (id: string, day: number) => ({ id, feeder: 'F1', device: 'R', start: Date.UTC(2021, 0, day, 8), durationMin: 60, customersInterrupted: 1 });
    for (let d = 1; d <= 2000; d++) assert.ok(acc.add(rec(`x${d}`, d)).accepted);
    // x1 began ~5 years before the newest record: long forgotten, accepted again but counted.
    assert.ok(acc.add(rec('x1', 1)).accepted);
    assert.equal(acc.counts.beyondDuplicateHorizon, 1);
    assert.ok(!acc.add(rec('x2000', 2000)).accepted, 'recent duplicates are still refused');
    assert.ok(JSON.stringify(acc.toJSON().guard).length < 10_000, 'the guard state stays bounded');
  });

  it('refuses a CSV whose header lacks a required column, naming it', async () => {
    const acc = new HistoricalAccumulator({ feeders: [{ id: 'F1', customers: 100 }] });
    await assert.rejects(loadCsv(acc, { text: 'id,feeder,start,customersInterrupted\n1,F1,2021-01-01T00:00:00Z,3\n' }), /header lacks "end or durationMin"/);
    await assert.rejects(loadCsv(acc, { text: 'id,feeder,start,end\n1,F1,"2021-01-01T00:00:00Z,3\n' }), /text line \d+: .*quote/i);
  });
});
