/**
 * A year of records replayed as the fault detector's `reliability/interruption` messages (epoch ms,
 * emitted when each interruption ends) gives the same indices as the same records read from a CSV
 * file (ISO times, ordered by start); and an accumulator saved to JSON mid-year and restored gives
 * the same indices as one that ran through.
 */
import assert from 'node:assert/strict';
import { HistoricalAccumulator } from '../../../../lib/reliability/historical/accumulator';
import { Rng } from '../../../../lib/util/rng';
import { loadCsv } from './helpers';

const FEEDERS = [
  { id: 'GHION', customers: 7060, kVA: 9000, avgKW: 3200, substation: 'BD2' },
  { id: 'BATA', customers: 3100, kVA: 4100, avgKW: 1500, substation: 'BD2' },
  { id: 'SEMAETAT', customers: 2500, avgKW: 900, substation: 'BD1' },
];
const DEVICES: Record<string, Array<[string, number]>> = {
  GHION: [['CB-G', 7060], ['R-G1', 3000], ['F-G7', 400]],
  BATA: [['CB-B', 3100], ['F-B2', 650]],
  SEMAETAT: [['CB-S', 2500], ['R-S1', 1200]],
};
const CAUSES = ['DPEF', 'DPSC', 'DTEF', 'DTSC', 'OP'];

interface Payload {
  feeder: string; device: string; start: number; end: number; durationMin: number;
  customersInterrupted: number; kWInterrupted: number | null; momentary: boolean; cause: string;
}

/** A year of interruptions: sustained outages, and reclosing sequences that hold or lock out. */
function yearOfRecords(seed: number): Payload[] {
  const rng = new Rng(seed);
  const out: Payload[] = [];
  const push = (feeder: string, device: string, c: number, start: number, end: number, cause: string) => {
    const durationMin = Math.round(((end - start) / 60_000) * 1000) / 1000; // the detector rounds to ms/1000
    out.push({ feeder, device, start, end, durationMin, customersInterrupted: c, kWInterrupted: rng.bool(0.3) ? null : Math.round(c * 0.4), momentary: end - start <= 300_000, cause });
  };
  let t = Date.UTC(2015, 0, 1);
  const endOfYear = Date.UTC(2016, 0, 1);
  while (true) {
    t += Math.round(rng.exp(1 / (6 * 3_600_000))); // one event every 6 h on average
    if (t >= endOfYear) break;
    const feeder = rng.pick(FEEDERS).id;
    const [device, max] = rng.pick(DEVICES[feeder]);
    const c = rng.int(Math.ceil(max / 2), max);
    if (rng.bool(0.35)) {
      // reclosing sequence: 1-3 momentary operations within 5 minutes, then either holds or locks out
      const shots = rng.int(1, 3);
      let s = t;
      for (let k = 0; k < shots; k++) {
        const open = rng.int(1_000, 30_000);
        push(feeder, device, c, s, s + open, rng.pick(['DTEF', 'DTSC']));
        s += open + rng.int(5_000, 60_000);
      }
      if (rng.bool(0.4)) push(feeder, device, c, s, s + rng.int(10, 600) * 60_000, rng.pick(['DPEF', 'DPSC']));
      t = s + 3_600_000 * 12;
    } else {
      push(feeder, device, c, t, t + rng.int(6, 900) * 60_000, rng.pick(CAUSES));
      t += 3_600_000 * 16;
    }
  }
  return out;
}

function toCsv(records: Payload[]): string {
  const lines = ['id,feeder,device,start,end,customersInterrupted,kWInterrupted,cause,planned'];
  [...records].sort((a, b) => a.start - b.start).forEach((r, i) => {
    lines.push([`e${i + 1}`, r.feeder, r.device, new Date(r.start).toISOString(), new Date(r.end).toISOString(), r.customersInterrupted, r.kWInterrupted ?? '', r.cause, 'false'].join(','));
  });
  return lines.join('\n') + '\n';
}

/** Deep equality with a relative tolerance on numbers (sums in a different order differ in the last bits). */
function assertClose(a: unknown, b: unknown, path = 'report'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)), `${path}: ${a} vs ${b}`);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${path}: keys`);
    for (const k of Object.keys(a)) assertClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  assert.deepEqual(a, b, path);
}

describe('historical indices: messages and CSV give the same indices', () => {
  const records = yearOfRecords(1366);
  const byEnd = [...records].sort((a, b) => a.end - b.end); // the order the fault detector emits them
  const opts = { feeders: FEEDERS, timeZone: 'Africa/Addis_Ababa', cemiN: [1, 3, 10], celidHours: [1, 8] };
  const period = { from: '2015-01-01', to: '2016-01-01' };

  it('has a realistic mix', () => {
    assert.ok(records.length > 500, `${records.length} records`);
    assert.ok(records.filter((r) => r.momentary).length > 100);
    assert.ok(records.filter((r) => r.kWInterrupted === null).length > 50);
  });

  it('a year of fault-detector messages equals the CSV path', async () => {
    const viaMessages = new HistoricalAccumulator(opts);
    for (const payload of byEnd) {
      const r = viaMessages.add(payload);
      assert.ok(r.accepted, r.accepted ? '' : r.rejection.reason);
    }
    const viaCsv = new HistoricalAccumulator(opts);
    const rejected = await loadCsv(viaCsv, { text: toCsv(records) });
    assert.deepEqual(rejected, []);
    const a = viaMessages.query(period);
    const b = viaCsv.query(period);
    assert.ok(a.system.momentaryEvents > 50 && a.system.momentaryEvents < a.system.momentaryInterruptions);
    assertClose(a, b);
  });

  it('survives a save and restore through JSON mid-year', () => {
    const straight = new HistoricalAccumulator(opts);
    for (const p of byEnd) straight.add(p);
    const first = new HistoricalAccumulator(opts);
    // Save right after a momentary operation whose sequence then locks out: the event must be withdrawn after the restore.
    const half = 1 + byEnd.findIndex((m, i) => i > byEnd.length / 2 && m.momentary &&
      byEnd.some((s) => !s.momentary && s.device === m.device && s.start >= m.start && s.start - m.start <= 300_000));
    assert.ok(half > 1);
    for (const p of byEnd.slice(0, half)) first.add(p);
    const saved = JSON.parse(JSON.stringify(first.toJSON()));
    const restored = HistoricalAccumulator.fromJSON(saved, { feeders: FEEDERS, cemiN: opts.cemiN, celidHours: opts.celidHours });
    assert.equal(restored.settings.timeZone, 'Africa/Addis_Ababa');
    // Replaying a record already counted before the save is still refused after it.
    assert.equal(restored.add(byEnd[half - 1]).accepted, false);
    for (const p of byEnd.slice(half)) restored.add(p);
    const a = straight.query(period);
    const b = restored.query(period);
    assertClose({ ...a, counts: undefined }, { ...b, counts: undefined });
    assert.equal(b.counts.accepted, a.counts.accepted);
    assert.equal(b.counts.rejected, 1);
  });

  it('refuses a state that is not its own', () => {
    assert.throws(() => HistoricalAccumulator.fromJSON({ format: 'other' }, { feeders: FEEDERS }), /expected format "dms-historical-state\/1"/);
    assert.throws(() => HistoricalAccumulator.fromJSON(null, { feeders: FEEDERS }), /expected format/);
  });
});
