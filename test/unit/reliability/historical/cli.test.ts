/** `dms indices` through lib/cli.ts main(), with the JSON document of DESIGN.md §8. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { main } from '../../../../lib/cli';
import { fixture, near } from './helpers';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

// The document is checked key by key below; typing it loosely keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function runJson(args: string[]): Promise<{ code: number; doc: Record<string, any>; err: string }> {
  const r = await run([...args, '--json']);
  assert.equal(r.out.trim().split('\n').length, 1, `one JSON document, got: ${r.out}${r.err}`);
  return { code: r.code, doc: JSON.parse(r.out), err: r.err };
}

const HAND = ['indices', fixture('hand.csv'), '--served', fixture('served-hand.csv'), '--from', '2021-01-01', '--to', '2022-01-01'];
const tmp = mkdtempSync(path.join(os.tmpdir(), 'dms-indices-'));

describe('dms indices', () => {
  it('prints exactly the §8 JSON document', async () => {
    const { code, doc } = await runJson(HAND);
    assert.equal(code, 0);
    assert.deepEqual(Object.keys(doc), ['system', 'feeders', 'withoutMed', 'med', 'rejected']);
    const core = ['saifi', 'saidi', 'caidi', 'asai', 'maifi', 'eensKWh', 'customers'];
    assert.deepEqual(Object.keys(doc.system), core);
    assert.deepEqual(Object.keys(doc.withoutMed), core);
    assert.deepEqual(Object.keys(doc.feeders), ['F1', 'F2', 'F3']);
    for (const f of Object.values(doc.feeders)) assert.deepEqual(Object.keys(f as object), core);
    assert.deepEqual(doc.med, { thresholdSaidiHours: null, days: [] });
    assert.deepEqual(doc.rejected, []);
    // Hand-computed (hand-computed.test.ts): NT 1750, CI 2100, 6250 customer-hours, MAIFI 2550/1750, EENS 5915 kWh
    near(doc.system.saifi, 2100 / 1750, 1e-12, 'SAIFI');
    near(doc.system.saidi, 6250 / 1750, 1e-12, 'SAIDI (hours)');
    near(doc.system.caidi, 6250 / 2100, 1e-12, 'CAIDI');
    near(doc.system.asai, 1 - 6250 / (1750 * 8760), 1e-12, 'ASAI');
    near(doc.system.maifi, 2550 / 1750, 1e-12, 'MAIFI');
    assert.equal(doc.system.eensKWh, 5915);
    assert.equal(doc.system.customers, 1750);
    assert.equal(doc.feeders.F3.saidi, 6);
  });

  it('adds detail and targets only when asked, and exits 1 when a target is missed', async () => {
    const met = await runJson([...HAND, '--targets', 'eea', '--detail', '--cemi', '0,1,2']);
    assert.equal(met.code, 0);
    assert.deepEqual(Object.keys(met.doc), ['system', 'feeders', 'withoutMed', 'med', 'rejected', 'targets', 'detail']);
    assert.deepEqual(met.doc.detail.feeders.F1.cemi, { 0: 0.8, 1: 0.2, 2: 0.1 });
    assert.equal(met.doc.detail.substations.S1.customers, 1500);
    assert.ok(met.doc.targets.every((t: { met: boolean }) => t.met));
    const missed = await runJson([...HAND, '--targets', 'saidi=3,saifi=2']);
    assert.equal(missed.code, 1);
    const sys = missed.doc.targets.filter((t: { scope: string }) => t.scope === 'system');
    assert.deepEqual(sys.map((t: { index: string; met: boolean }) => [t.index, t.met]), [['saifi', true], ['saidi', false]]);
    near(sys[1].value, 6250 / 1750, 1e-12, 'SAIDI per year');
    // Half a year: SAIDI per year is the half-year SAIDI × 2 (annualised by hours / 8760).
    const half = await runJson(['indices', fixture('hand.csv'), '--served', fixture('served-hand.csv'), '--from', '2021-01-01', '--to', '2021-07-02', '--targets', 'saidi=100']);
    const hrs = 182 * 24;
    const f1 = half.doc.targets.find((t: { id: string }) => t.id === 'F1');
    near(f1.value, (half.doc.feeders.F1.saidi * 8760) / hrs, 1e-12, 'annualised F1 SAIDI');
  });

  it('lists every refused record and keeps the rest; --strict makes refusals an error', async () => {
    const args = ['indices', fixture('bad.csv'), '--served', fixture('served-bad.csv')];
    const { code, doc } = await runJson(args);
    assert.equal(code, 0);
    assert.equal(doc.rejected.length, 10);
    assert.deepEqual(Object.keys(doc.rejected[0]), ['line', 'id', 'reason']);
    assert.deepEqual(doc.rejected[0], { line: 3, id: 'b1', reason: 'end 2021-03-02T07:00:00.000Z is before start 2021-03-02T08:00:00.000Z' });
    near(doc.system.saifi, 400 / 1400, 1e-12, 'SAIFI of the three good records');
    assert.equal((await runJson([...args, '--strict'])).code, 1);
    const text = await run(args);
    assert.match(text.out, /3 records accepted, 10 refused/);
    assert.match(text.err, /refused line 8 id "b5": overlaps record "g1"/);
  });

  it('reads a JSON array of the same records with the same result', async () => {
    const rows = parse(readFileSync(fixture('hand.csv'), 'utf8'), { columns: true }) as Array<Record<string, string>>;
    const file = path.join(tmp, 'hand.json');
    writeFileSync(file, JSON.stringify(rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== ''))), null, 1));
    const a = await runJson(HAND);
    const b = await runJson(['indices', file, ...HAND.slice(2)]);
    assert.deepEqual(b.doc, a.doc);
  });

  it('finds major event days from the five years before --from', async () => {
    // 100 customers; history days with SAIDI 1, 2 and 4 h: ln = 0, ln 2, ln 4 → α = ln 2, β = ln 2 (sample),
    // T_MED = exp(3.5 ln 2) = 2^3.5 = 11.3137 h. 2021: 12 h (a MED) and 11 h (not).
    const csv = ['id,feeder,device,start,durationMin,customersInterrupted',
      'h1,F,CB,2019-03-01T10:00:00Z,60,100', 'h2,F,CB,2019-07-01T10:00:00Z,120,100', 'h3,F,CB,2020-02-01T10:00:00Z,240,100',
      'y1,F,CB,2021-05-05T01:00:00Z,720,100', 'y2,F,CB,2021-08-08T01:00:00Z,660,100', 'y3,F,CB,2021-09-09T01:00:00Z,30,50'].join('\n');
    writeFileSync(path.join(tmp, 'med.csv'), csv);
    writeFileSync(path.join(tmp, 'served.csv'), 'feeder,customers,kVA\nF,100,\n');
    const { doc } = await runJson(['indices', path.join(tmp, 'med.csv'), '--served', path.join(tmp, 'served.csv'), '--from', '2021-01-01', '--to', '2022-01-01']);
    near(doc.med.thresholdSaidiHours, 2 ** 3.5, 1e-12, 'T_MED');
    assert.deepEqual(doc.med.days, ['2021-05-05']);
    near(doc.system.saidi, 12 + 11 + 0.25, 1e-12, 'SAIDI');
    near(doc.withoutMed.saidi, 11 + 0.25, 1e-12, 'SAIDI without MEDs');
    near(doc.withoutMed.saifi, 1.5, 1e-12, 'SAIFI without MEDs');
  });

  it('takes customers served from a built-in network or a model file', async () => {
    const file = path.join(tmp, 'tb.json');
    writeFileSync(file, JSON.stringify([
      { feeder: 'TB', device: 'FUa', start: Date.UTC(2021, 1, 1), end: Date.UTC(2021, 1, 1, 2) },
      { feeder: 'TB', device: 'CB', start: Date.UTC(2021, 2, 1), durationMin: 60, customersInterrupted: 3000, kWInterrupted: 14000 },
    ]));
    const { code, doc } = await runJson(['indices', file, '--network', 'textbook-fuses', '--feeder-id', 'TB', '--from', '2021-01-01', '--to', '2022-01-01']);
    assert.equal(code, 0, JSON.stringify(doc.rejected));
    // FUa: 1000 customers (from the model) × 2 h; CB: 3000 × 1 h; NT 3000
    near(doc.system.saifi, 4000 / 3000, 1e-12, 'SAIFI');
    near(doc.system.saidi, 5000 / 3000, 1e-12, 'SAIDI');
    // EENS: FUa 5000 kW (load point A) × 2 h = 14000 × 1000/3000 × 2; CB 14000 kWh
    near(doc.system.eensKWh, (14000 / 3) * 2 + 14000, 1e-9, 'EENS');
    // A model file: the feeder id defaults to the model's name.
    const modelFile = path.join(__dirname, '..', '..', '..', '..', 'lib', 'networks', 'textbook-base.json');
    const name = JSON.parse(readFileSync(modelFile, 'utf8')).name as string;
    writeFileSync(path.join(tmp, 'one.json'), JSON.stringify([{ feeder: name, device: 'CB', start: '2021-01-01T00:00:00Z', durationMin: 30, customersInterrupted: 300 }]));
    const m = await runJson(['indices', path.join(tmp, 'one.json'), '--served', modelFile]);
    assert.deepEqual(m.doc.rejected, []);
    near(m.doc.feeders[name].saidi, 150 / 3000, 1e-12, 'SAIDI');
  });

  it('explains bad arguments and inputs', async () => {
    const usage = async (args: string[], re: RegExp) => {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, re);
    };
    await usage(['indices', '--served', fixture('served-hand.csv')], /give the records file/);
    await usage(['indices', fixture('hand.csv')], /give the customers served/);
    await usage(['indices', fixture('hand.csv'), '--served', fixture('served-hand.csv'), '--network', 'rbts-bus2'], /either --served or --network/);
    await usage([...HAND, '--tz', 'Mars/Olympus'], /"Mars\/Olympus" is not an IANA time zone/);
    await usage([...HAND, '--targets', 'saifi=lots'], /target saifi: "lots" is not a non-negative number/);
    await usage([...HAND, '--targets', 'spaidi=3'], /unknown target "spaidi"/);
    await usage([...HAND, '--duplicate-horizon', 'soon'], /duplicateHorizonDays must be a positive number \(got NaN\)/);
    await usage(['indices', fixture('hand.csv'), '--served', fixture('served-hand.csv'), '--feeder-id', 'X'], /--feeder-id names the feeder of a model/);
    await usage(['indices', fixture('hand.csv'), '--served', fixture('served-hand.csv'), '--from', '2021-02-30'], /from: "2021-02-30" is not a calendar date/);
    await usage(['indices', fixture('hand.csv'), '--served', fixture('served-hand.csv'), '--from', '2022-01-01', '--to', '2021-01-01'], /period is empty/);
    await usage(['indices', path.join(tmp, 'none.csv'), '--served', fixture('served-hand.csv')], /none\.csv: file not found/);
    await usage(['indices', fixture('hand.csv'), '--served', fixture('bad.csv')], /bad\.csv: header must name columns "feeder" and "customers"/);
    writeFileSync(path.join(tmp, 'dup.csv'), 'feeder,customers\nF1,10\nF1,20\n');
    await usage(['indices', fixture('hand.csv'), '--served', path.join(tmp, 'dup.csv')], /feeder "F1" is listed twice/);
  });

  it('prints a readable table', async () => {
    const r = await run(HAND);
    assert.equal(r.code, 0);
    assert.match(r.out, /period 2021-01-01 to 2022-01-01 \(exclusive, UTC\), 8760 h, 15 records accepted, 0 refused/);
    assert.match(r.out, /^ {2}F3 +250 +1 +6 +6 /m);
    assert.match(r.out, /major event days: no threshold/);
  });
});
