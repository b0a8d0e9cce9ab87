import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../lib/cli';
import { referenceLosses, unit } from './helpers';

const FIX = path.join(__dirname, '../../fixtures/transformer');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => { out += t + '\n'; }, err: (t) => { err += t + '\n'; } });
  return { code, out, err };
}

describe('dms transformer-mode', () => {
  let tmp: string;
  before(() => { tmp = mkdtempSync(path.join(os.tmpdir(), 'dms-tm-')); });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints every mode, the best and the saving for one operating point (--json)', async () => {
    const r = await run(['transformer-mode', path.join(FIX, 'point-s11-630.json'), '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim().split('\n').length, 1, 'exactly one JSON document');
    const doc = JSON.parse(r.out);
    // Published worked example (identical S11-630/10 units, 250+j120 and 180+j90), to 6 decimals.
    assert.deepEqual(doc.modes.map((m: { mode: string; lossKW: number; feasible: boolean; reason: string }) => [m.mode, m.lossKW, m.feasible, m.reason]), [
      ['T1', 4.417223, true, ''], ['T2', 4.417223, true, ''], ['split', 3.513913, true, ''], ['parallel', 3.468612, true, ''],
    ]);
    assert.equal(doc.best, 'parallel');
    assert.equal(doc.savingKW, Math.round((3.513913 - 3.468612) * 1e6) / 1e6);
  });

  it('marks overloaded modes and exits 1 when nothing is feasible', async () => {
    const t = { snKVA: 630, p0KW: 0.84, pkKW: 6.2, ukPct: 4.5 };
    const file = path.join(tmp, 'heavy.json');
    writeFileSync(file, JSON.stringify({ transformers: [{ id: 'T1', ...t }, { id: 'T2', ...t }], buses: [{ id: 'B1', pKW: 400, qKvar: 200 }, { id: 'B2', pKW: 300, qKvar: 150 }], overloadLimit: 1 }));
    const r = await run(['transformer-mode', file, '--json']);
    const doc = JSON.parse(r.out);
    assert.equal(doc.modes[0].feasible, false);
    assert.equal(doc.modes[0].reason, 'overload: T1 at 1.242 x SN (782.6 of 630 kVA), limit 1');
    assert.equal(doc.best, 'parallel');
    assert.equal(doc.savingKW, null, 'no currentMode given');
    writeFileSync(file, JSON.stringify({ transformers: [{ id: 'T1', ...t }, { id: 'T2', ...t }], buses: [{ id: 'B1', pKW: 1000, qKvar: 0 }, { id: 'B2', pKW: 900, qKvar: 0 }] }));
    const none = await run(['transformer-mode', file, '--json']);
    assert.equal(none.code, 1);
    assert.equal(JSON.parse(none.out).best, null);
    const text = await run(['transformer-mode', file]);
    assert.match(text.out, /best: none \(no feasible mode\)/);
  });

  it('integrates a load profile given with --transformers, and the same as a study JSON', async () => {
    const a = await run(['transformer-mode', path.join(FIX, 'profile-2days.csv'), '--transformers', path.join(FIX, 'station-s11-630.json'), '--granularity', 'day', '--json']);
    assert.equal(a.code, 0, a.err);
    const doc = JSON.parse(a.out);
    assert.equal(doc.samples, 192);
    assert.equal(doc.untilTs, '2023-01-03T00:00:00.000Z');
    assert.deepEqual(doc.statistics.rows.map((r: { period: string }) => r.period), ['2023-01-01', '2023-01-02']);
    // Independent sample-and-hold integration of the fixture rows (15 min each, mode split).
    const t = unit('T', 630, 0.84, 6.2, 4.5);
    const rows = readFileSync(path.join(FIX, 'profile-2days.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    let actual = 0;
    let optimal = 0;
    for (const [, p1, q1, p2, q2] of rows) {
      const L = referenceLosses(t, t, +p1, +q1, +p2, +q2);
      const s = Math.hypot(+p1 + +p2, +q1 + +q2);
      actual += L.split * 0.25;
      optimal += Math.min(L.split, L.parallel, s <= 630 ? L.T1 : Infinity) * 0.25;
    }
    assert.ok(Math.abs(doc.statistics.total.actualKWh - actual) < 1e-9);
    assert.ok(Math.abs(doc.statistics.total.optimalKWh - optimal) < 1e-9);
    const b = await run(['transformer-mode', path.join(FIX, 'study-s11-630.json'), '--granularity', 'day', '--json']);
    assert.deepEqual(JSON.parse(b.out).statistics, doc.statistics);
  });

  it('simulates the controller and prints CSV and HTML reports', async () => {
    const sim = await run(['transformer-mode', path.join(FIX, 'study-s11-630.json'), '--simulate', '--granularity', 'total', '--json']);
    const doc = JSON.parse(sim.out);
    assert.equal(doc.actualModes, 'simulated');
    assert.ok(doc.simulation.transfers > 0);
    // The controller cannot beat the instantaneous optimum, and it beats fixed split operation.
    assert.ok(doc.statistics.total.actualKWh >= doc.statistics.total.optimalKWh);
    const fixed = JSON.parse((await run(['transformer-mode', path.join(FIX, 'study-s11-630.json'), '--granularity', 'total', '--json'])).out);
    assert.ok(doc.statistics.total.actualKWh < fixed.statistics.total.actualKWh);
    const csv = await run(['transformer-mode', path.join(FIX, 'study-s11-630.json'), '--report', 'csv', '--granularity', 'day']);
    assert.match(csv.out, /^period,hours,actualKWh,optimalKWh,savingKWh,savingPct,/);
    assert.equal(csv.out.trim().split('\n').length, 4);
    const html = await run(['transformer-mode', path.join(FIX, 'study-s11-630.json'), '--report', 'html']);
    assert.match(html.out, /<table>[\s\S]*<th scope="row">2023-01<\/th>/);
  });

  it('reports bad arguments and bad files precisely', async () => {
    const noStation = await run(['transformer-mode', path.join(FIX, 'profile-2days.csv')]);
    assert.equal(noStation.code, 2);
    assert.match(noStation.err, /a CSV load profile needs --transformers <station.json>/);
    const gran = await run(['transformer-mode', path.join(FIX, 'study-s11-630.json'), '--granularity', 'week']);
    assert.match(gran.err, /--granularity must be day, month, year or total, got "week"/);
    const pointFlag = await run(['transformer-mode', path.join(FIX, 'point-s11-630.json'), '--simulate']);
    assert.match(pointFlag.err, /--simulate applies to a load profile/);
    const bad = path.join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ transformers: [{ id: 'T1', snKVA: 630, p0KW: 0.84, pkKW: 6.2, ukPct: -4 }, { id: 'T2', snKVA: 630, p0KW: 0.84, pkKW: 6.2, ukPct: 4.5 }], buses: [{ id: 'B1', pKW: 1, qKvar: 0 }, { id: 'B2', pKW: 1, qKvar: 0 }] }));
    const r = await run(['transformer-mode', bad]);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim(), `dms transformer-mode: ${bad}: transformers[0] "T1": ukPct must be > 0, got -4`);
    const missing = await run(['transformer-mode', path.join(tmp, 'nope.json')]);
    assert.match(missing.err, /cannot read input .*nope.json: ENOENT/);
    const csv = path.join(tmp, 'p.csv');
    writeFileSync(csv, 'ts,p1KW,q1Kvar,p2KW,q2Kvar,mode\n2024-01-01T00:00Z,1,0,1,0,split\n2024-01-01T00:15Z,x,0,1,0,split\n');
    const rows = await run(['transformer-mode', csv, '--transformers', path.join(FIX, 'station-s11-630.json')]);
    assert.match(rows.err, /p.csv line 3: p1KW "x" is not a number/);
  });
});
