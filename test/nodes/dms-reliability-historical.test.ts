/**
 * dms-reliability node, historical mode (IEEE 1366): records in as messages (single and arrays, in
 * the fault detector's shape) give the same report as `dms indices` on the same records from CSV,
 * and the hand-computed values of the fixture; bad records fail alone and the node keeps working;
 * the history survives a restart in a persistent context store and a redeploy, an unreadable one
 * is never overwritten; queries by period and feeder; the dashboard output; reset.
 */
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { indicesCommand } from '../../lib/cli/indices';
import { HistoricalAccumulator, type HistoricalReport } from '../../lib/reliability/historical/accumulator';
import { periodSeries, uiChartData, type FeederRow } from '../../lib/reliability/historical/dashboard';
import { csvRecordRows } from '../../lib/reliability/historical/read-records';
import { parseServedCsv } from '../../lib/reliability/historical/served';
import type { TargetCheck } from '../../lib/reliability/historical/targets';
import type { Rejection } from '../../lib/reliability/historical/types';
import { builtNode, helper, waitFor, coreNodes } from '../support/node-red';

const feederNode = builtNode('dms-feeder');
const relNode = builtNode('dms-reliability');

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'historical');
const HAND_CSV = path.join(FIXTURES, 'hand.csv');
const SERVED_CSV = path.join(FIXTURES, 'served-hand.csv');
const SERVED = readFileSync(SERVED_CSV, 'utf8');
const KEY = 'dmsReliabilityHistorical';

type Report = HistoricalReport & { targets: TargetCheck[] | null; recentRejections: Rejection[] };
type Msg = { topic: string; payload: unknown; [k: string]: unknown };
type Status = { fill?: string; shape?: string; text?: string };
type TestNode = {
  receive(msg: unknown): void;
  on(ev: 'input', fn: (m: Msg) => void): void;
  on(ev: 'call:error' | 'call:status' | 'call:warn' | 'call:log', fn: (c: { args: unknown[] }) => void): void;
  context(): { get(k: string, store?: string): unknown; set(k: string, v: unknown, store?: string): void };
};

function relConfig(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'n1', type: 'dms-reliability', name: 'hist', mode: 'historical', feeder: '', servedFrom: 'table', servedTable: SERVED,
    feederId: '', timeZone: 'UTC', momentaryThresholdMin: '', targets: '', contextStore: '', medView: 'include',
    chartInterval: 'month', chartIndices: 'saifi,saidi,caidi,maifi', outputs: 2, wires: [['h1'], ['h2']], ...over,
  };
}

function flow(over: Record<string, unknown> = {}, extra: unknown[] = []): unknown[] {
  return [relConfig(over), { id: 'h1', type: 'helper' }, { id: 'h2', type: 'helper' }, ...extra];
}

interface Probe {
  n1: TestNode;
  out: Msg[];
  dash: Msg[];
  errors: string[];
  warnings: string[];
  statuses: Status[];
}

/** Attaches collectors to the node and both outputs (call again after a redeploy: the instances are new). */
function probe(): Probe {
  const n1 = helper.getNode('n1') as TestNode;
  const p: Probe = { n1, out: [], dash: [], errors: [], warnings: [], statuses: [] };
  (helper.getNode('h1') as TestNode).on('input', (m) => p.out.push(m));
  (helper.getNode('h2') as TestNode).on('input', (m) => p.dash.push(m));
  n1.on('call:error', (c) => p.errors.push(String((c.args[0] as Error)?.message ?? c.args[0])));
  n1.on('call:warn', (c) => p.warnings.push(String(c.args[0])));
  n1.on('call:status', (c) => p.statuses.push(c.args[0] as Status));
  return p;
}

async function start(over: Record<string, unknown> = {}, extra: unknown[] = []): Promise<Probe> {
  await helper.load([feederNode, relNode], flow(over, extra));
  return probe();
}

/** The rows of hand.csv as the fault detector would send them: epoch ms, numbers, booleans; absent fields left out. */
async function handRecords(): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const row of csvRecordRows(createReadStream(HAND_CSV), 'hand.csv')) {
    const r = row.raw as Record<string, string>;
    const rec: Record<string, unknown> = { id: r.id, feeder: r.feeder, device: r.device, start: Date.parse(r.start), cause: r.cause };
    if (r.end) rec.end = Date.parse(r.end);
    if (r.durationMin) rec.durationMin = Number(r.durationMin);
    rec.customersInterrupted = Number(r.customersInterrupted);
    if (r.kWInterrupted) rec.kWInterrupted = Number(r.kWInterrupted);
    if (r.kVAInterrupted) rec.kVAInterrupted = Number(r.kVAInterrupted);
    if (r.planned) rec.planned = r.planned === 'true';
    out.push(rec);
  }
  return out;
}

/** `dms indices ... --json --detail` on the CSV files. */
async function cliReport(args: string[]): Promise<{ doc: Record<string, unknown>; detail: HistoricalReport }> {
  let text = '';
  const code = await indicesCommand.run([HAND_CSV, '--served', SERVED_CSV, '--json', '--detail', ...args], { out: (t) => (text += t), err: () => {} });
  assert.equal(code, 0);
  const doc = JSON.parse(text) as Record<string, unknown>;
  return { doc, detail: doc.detail as HistoricalReport };
}

/** Deep equality with a relative tolerance on numbers (sums in another order differ in the last bits). */
function assertClose(a: unknown, b: unknown, where = 'report'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)), `${where}: ${a} vs ${b}`);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${where}: keys`);
    for (const k of Object.keys(a)) assertClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
    return;
  }
  assert.deepEqual(a, b, where);
}

const near = (a: number | null, b: number, what: string, tol = 1e-12): void => assert.ok(a !== null && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const lastStatus = (p: Probe): Status => p.statuses[p.statuses.length - 1] ?? {};
const interruption = (payload: unknown) => ({ topic: 'reliability/interruption', payload });

async function query(p: Probe, payload: unknown): Promise<Report> {
  const before = p.out.length;
  p.n1.receive({ topic: 'reliability/query', payload });
  const answer = () => p.out.slice(before).find((m) => m.topic === 'reliability/historical');
  await waitFor(() => answer() !== undefined, 'query answer');
  return answer()!.payload as Report;
}

/** Fails the test unless the next error the node reports matches. */
async function expectError(p: Probe, msg: unknown, re: RegExp): Promise<void> {
  const before = p.errors.length;
  const outBefore = p.out.length;
  p.n1.receive(msg);
  await waitFor(() => p.errors.length > before, `error matching ${re}`);
  assert.match(p.errors[p.errors.length - 1], re);
  assert.equal(p.out.length, outBefore, 'no output for a failed message');
  await waitFor(() => lastStatus(p).fill === 'red', 'red status');
}

/** Node-RED internals the helper does not wrap: configured context stores, and a restart of them. */
const red = () => helper as unknown as {
  _redNodes: { loadContextsPlugin(): Promise<void>; closeContextsPlugin(): Promise<void>; startFlows(): Promise<void> };
  _context: { init(s: unknown): void };
  _settings: unknown;
};

/** Loads the flow with the configured context stores active (as Node-RED does at start-up). */
async function loadWithStores(f: unknown[], contextStorage: Record<string, unknown>): Promise<Probe> {
  helper.settings({ contextStorage });
  await helper.load([feederNode, relNode], f);
  await red()._redNodes.loadContextsPlugin();
  await helper.setFlows(f, 'full');
  return probe();
}

describe('dms-reliability node, historical mode', function () {
  this.timeout(30000);
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    helper.settings({});
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });

  for (const tz of ['UTC', 'Africa/Addis_Ababa']) {
    it(`records as messages give the report of dms indices on the CSV (${tz})`, async () => {
      const p = await start({ timeZone: tz, targets: 'eea' });
      const recs = await handRecords();
      // The first half one message each (the fault detector's way), the rest as one array (a file read).
      for (const r of recs.slice(0, 8)) p.n1.receive(interruption(r));
      p.n1.receive(interruption(recs.slice(8)));
      await waitFor(() => p.out.length === 1, 'records summary');
      assert.equal(p.out[0].topic, 'reliability/records');
      const sum = p.out[0].payload as { accepted: number; rejected: Rejection[]; counts: { accepted: number } };
      assert.equal(sum.accepted, 7);
      assert.deepEqual(sum.rejected, []);
      assert.equal(sum.counts.accepted, 15);

      const period = { from: '2021-01-01', to: '2022-01-01' };
      const r = await query(p, period);
      const cli = await cliReport(['--from', period.from, '--to', period.to, '--tz', tz, '--targets', 'eea']);
      for (const k of ['period', 'substationOf', 'system', 'substations', 'feeders', 'withoutMed', 'med', 'causes', 'planned', 'counts'] as const) {
        assertClose(JSON.parse(JSON.stringify(r[k])), cli.detail[k], k);
      }
      assertClose(JSON.parse(JSON.stringify(r.targets)), cli.doc.targets, 'targets');
      assert.deepEqual(r.recentRejections, []);

      // By hand (test/unit/reliability/historical/hand-computed.test.ts): sustained customer interruptions in
      // 2021 are F1 600+200+100+200, F2 500+250, F3 250 of 1750 customers; customer minutes 165000, 120000, 90000.
      // r0 (F1, 1000 customers, 2 h from 2020-12-31 23:00Z) falls on 2021-01-01 in Addis Ababa (UTC+3).
      const r0 = tz === 'UTC' ? 0 : 1;
      near(r.system.saifi, (2100 + r0 * 1000) / 1750, 'system SAIFI');
      near(r.system.saidi, (375000 + r0 * 120000) / 60 / 1750, 'system SAIDI');
      near(r.feeders.F1.saifi, (1100 + r0 * 1000) / 1000, 'F1 SAIFI');
      near(r.feeders.F1.maifi, 1900 / 1000, 'F1 MAIFI');
      near(r.feeders.F1.maifie, 900 / 1000, 'F1 MAIFIe');
      assert.equal(r.period.timeZone, tz);
      const eea = r.targets!.filter((t) => t.scope === 'system');
      assert.deepEqual(eea.map((t) => t.index), ['saifi', 'saidi', 'saifiPlanned', 'saidiPlanned', 'saifiUnplanned', 'saidiUnplanned']);
      assert.ok(eea.every((t) => t.met));
      // r6 (F2, 250 customers, 4 h) is the only planned one.
      near(eea.find((t) => t.index === 'saidiPlanned')!.value, 250 * 4 / 1750, 'planned SAIDI per year');

      // Dashboard: one ui_chart message per configured index, then the feeder table, equal to the library's.
      await waitFor(() => p.dash.length === 5, 'dashboard messages');
      assert.deepEqual(p.dash.map((m) => m.topic), ['reliability/chart/saifi', 'reliability/chart/saidi', 'reliability/chart/caidi', 'reliability/chart/maifi', 'reliability/table']);
      const acc = new HistoricalAccumulator({ feeders: parseServedCsv(SERVED), timeZone: tz });
      acc.addMany(recs);
      const ps = periodSeries(acc, { ...period, interval: 'month', indices: ['saifi', 'saidi', 'caidi', 'maifi'] });
      ps.series.forEach((s, i) => {
        assertClose(JSON.parse(JSON.stringify(p.dash[i].payload)), JSON.parse(JSON.stringify(uiChartData({ ...ps, series: [s] }))), `chart ${s.index}`);
        assert.equal(p.dash[i].unit, s.unit);
      });
      const saifiPoints = (p.dash[0].payload as Array<{ data: Array<Array<{ x: string; y: number }>> }>)[0].data[0];
      assert.equal(saifiPoints.length, 12);
      assert.equal(saifiPoints[0].x, '2021-01');
      // Monthly SAIFI adds up to the year's (no major event days without history).
      near(saifiPoints.reduce((t, pt) => t + pt.y, 0), r.system.saifi, 'sum of monthly SAIFI', 1e-12);
      const table = p.dash[4].payload as FeederRow[];
      assert.deepEqual(table.map((row) => row.feeder), ['F1', 'F2', 'F3']);
      near(table[0].saifi, r.feeders.F1.saifi, 'table F1 SAIFI');

      // Status: the year of the newest record (2021-10-01), counts.
      const expected = `2021: SAIFI ${Number(((2100 + r0 * 1000) / 1750).toPrecision(3))} SAIDI ${Number(((375000 + r0 * 120000) / 60 / 1750).toPrecision(3))} h (15 records)`;
      await waitFor(() => lastStatus(p).text === expected, `status "${expected}"`);
      assert.equal(lastStatus(p).fill, 'green');
    });
  }

  it('a bad record fails alone: done(err), red status, the good ones before and after are kept', async () => {
    const p = await start();
    const good1 = { id: 'g1', feeder: 'F1', device: 'FU1', start: Date.UTC(2021, 2, 1, 8), end: Date.UTC(2021, 2, 1, 10), customersInterrupted: 200 };
    const bad = { id: 'b1', feeder: 'F1', device: 'FU2', start: Date.UTC(2021, 2, 2, 8), end: Date.UTC(2021, 2, 2, 7), customersInterrupted: 100 };
    const good2 = { id: 'g2', feeder: 'F2', device: 'SW2', start: Date.UTC(2021, 2, 3, 8), durationMin: 30, customersInterrupted: 500 };
    p.n1.receive(interruption(good1));
    await expectError(p, interruption(bad), /^interruption record "b1" refused: end 2021-03-02T07:00:00.000Z is before start 2021-03-02T08:00:00.000Z$/);
    await expectError(p, interruption({ ...good1, id: 'g1-again', start: good1.start + 60_000 }), /refused: .*overlap/);
    await expectError(p, interruption({ ...good2, feeder: 'F9' }), /refused: unknown feeder "F9"/);
    await expectError(p, interruption('F1,FU1'), /^interruption record refused: not an object$/);
    await expectError(p, { topic: 'reliability/whatever', payload: {} }, /topic "reliability\/whatever" is not understood in historical mode/);
    p.n1.receive(interruption(good2));
    await waitFor(() => lastStatus(p).fill === 'green', 'green status after a good record');
    // An array: each bad one refused with its position and reason, the others kept; yellow status.
    p.n1.receive(interruption([
      { id: 'a1', feeder: 'F3', device: 'FU3', start: Date.UTC(2021, 3, 1), durationMin: 60, customersInterrupted: 50 },
      { id: 'a2', feeder: 'F3', device: 'FU3', start: Date.UTC(2021, 3, 2), durationMin: 60, customersInterrupted: -5 },
      { id: 'g2', feeder: 'F2', device: 'SW9', start: Date.UTC(2021, 3, 3), durationMin: 60, customersInterrupted: 5 },
      { id: 'a4', feeder: 'F3', device: 'FU3', start: Date.UTC(2021, 3, 4), durationMin: 60, customersInterrupted: 9999 },
    ]));
    await waitFor(() => p.out.length === 1, 'records summary');
    const sum = p.out[0].payload as { accepted: number; rejected: Rejection[] };
    assert.equal(sum.accepted, 1);
    assert.deepEqual(sum.rejected.map((x) => [x.line, x.id]), [[2, 'a2'], [3, 'g2'], [4, 'a4']]);
    assert.match(sum.rejected[0].reason, /customersInterrupted -5 is negative/);
    assert.match(sum.rejected[1].reason, /duplicate id/);
    assert.match(sum.rejected[2].reason, /exceeds the 250 customers/);
    await waitFor(() => lastStatus(p).fill === 'yellow', 'yellow status after refusals');
    assert.equal(lastStatus(p).text, '2021: SAIFI 0.429 SAIDI 0.4 h (3 records, 7 refused)');

    const r = await query(p, { from: '2021-01-01', to: '2022-01-01' });
    assert.equal(r.counts.accepted, 3);
    assert.equal(r.counts.rejected, 7);
    assert.deepEqual(r.counts.rejectedByCode, { 'end-before-start': 1, overlap: 1, 'unknown-feeder': 1, 'not-object': 1, 'bad-customers': 1, 'duplicate-id': 1, 'customers-exceed-served': 1 });
    // 200 + 500 + 50 customer interruptions; 200·120 + 500·30 + 50·60 = 42000 customer minutes; 1750 served.
    near(r.system.saifi, 750 / 1750, 'SAIFI');
    near(r.system.saidi, 42000 / 60 / 1750, 'SAIDI');
    assert.equal(r.recentRejections.length, 7, 'single and array refusals are kept (the bad topic is no record)');
  });

  it('queries by period and feeder; bad queries fail with the reason', async () => {
    const p = await start();
    p.n1.receive(interruption(await handRecords()));
    await waitFor(() => p.out.length === 1, 'records');
    // r0 alone: F1, 1000 customers, 2 h, 2020-12-31.
    let r = await query(p, { from: '2020-12-31', to: '2021-01-01' });
    assert.deepEqual(r.period, { from: '2020-12-31', to: '2021-01-01', hours: 24, years: 24 / 8760, timeZone: 'UTC' });
    near(r.feeders.F1.saifi, 1, 'r0 F1 SAIFI');
    near(r.feeders.F1.saidi, 2, 'r0 F1 SAIDI');
    near(r.system.saidi, 2000 / 1750, 'r0 system SAIDI');
    assert.equal(r.feeders.F2.saifi, 0);
    // Epoch ms bounds, one feeder: F2 in June 2021 is s5 (500 customers, 2 h) after the momentary m4.
    r = await query(p, { from: Date.UTC(2021, 5, 1), to: Date.UTC(2021, 6, 1), feeder: 'F2' });
    assert.deepEqual(Object.keys(r.feeders), ['F2']);
    near(r.system.saifi, 1, 'F2 June SAIFI');
    near(r.system.saidi, 2, 'F2 June SAIDI');
    near(r.system.maifi, 1, 'F2 June MAIFI');
    // No period: the days that have records (2020-12-31 to 2021-10-01).
    r = await query(p, undefined);
    assert.equal(r.period.from, '2020-12-31');
    assert.equal(r.period.to, '2021-10-02');
    // The dashboard answers each query too: yearly, two indices, one feeder.
    const before = p.dash.length;
    await query(p, { from: '2020-01-01', to: '2022-01-01', interval: 'year', indices: ['saidi', 'eensKWh'], feeder: 'F3' });
    await waitFor(() => p.dash.length === before + 3, 'dashboard messages');
    const saidi = p.dash[before];
    assert.equal(saidi.topic, 'reliability/chart/saidi');
    assert.deepEqual((saidi.payload as Array<{ data: Array<Array<{ x: string; y: number }>> }>)[0].data[0].map((pt) => pt.x), ['2020', '2021']);
    near((saidi.payload as Array<{ data: Array<Array<{ x: string; y: number }>> }>)[0].data[0][1].y, 6, 'F3 SAIDI 2021 (r7: all 250 customers, 6 h)');

    await expectError(p, { topic: 'reliability/query', payload: { from: '2021-05-01', to: '2021-04-01' } }, /period is empty/);
    await expectError(p, { topic: 'reliability/query', payload: { from: '2021-02-30' } }, /"2021-02-30" is not a calendar date/);
    await expectError(p, { topic: 'reliability/query', payload: { feeder: 'F7' } }, /feeder "F7" is not among the feeders served/);
    await expectError(p, { topic: 'reliability/query', payload: { tz: 'Europe/Berlin' } }, /payload.tz "Europe\/Berlin" differs from the time zone the records are counted in \("UTC"\)/);
    await expectError(p, { topic: 'reliability/query', payload: { period: '2021' } }, /payload.period is not recognised/);
    await expectError(p, { topic: 'reliability/query', payload: { interval: 'week' } }, /payload.interval must be "month" or "year"/);
    await expectError(p, { topic: 'reliability/query', payload: { indices: ['saifi', 'xyz'] } }, /"xyz" is not an index/);
    // A matching tz is fine.
    r = await query(p, { tz: 'UTC', from: '2021-01-01', to: '2022-01-01' });
    near(r.system.saifi, 1.2, 'SAIFI 2021');
  });

  it('sends FlowFuse Dashboard 2.0 ui-chart points when configured so (series, x, y; action replace)', async () => {
    const p = await start({ chartFormat: 'dashboard-2' });
    p.n1.receive(interruption(await handRecords()));
    await query(p, { from: '2020-01-01', to: '2022-01-01', interval: 'year', indices: ['saidi'], feeder: 'F3' });
    await waitFor(() => p.dash.length === 2, 'chart and table');
    const [chart, table] = p.dash;
    assert.equal(chart.topic, 'reliability/chart/saidi');
    assert.equal(chart.action, 'replace');
    const points = chart.payload as Array<{ series: string; x: string; y: number }>;
    assert.deepEqual(points.map((pt) => [pt.series, pt.x]), [['SAIDI', '2020'], ['SAIDI', '2021']]);
    near(points[1].y, 6, 'F3 SAIDI 2021 (r7: all 250 customers, 6 h)');
    assert.equal(table.topic, 'reliability/table');
  });

  it('reset discards the history and applies the configured settings', async () => {
    const p = await start();
    p.n1.receive(interruption(await handRecords()));
    await waitFor(() => p.out.length === 1, 'records');
    p.n1.receive({ topic: 'reliability/reset' });
    await waitFor(() => p.out.length === 2, 'reset answer');
    assert.equal(p.out[1].topic, 'reliability/reset');
    assert.deepEqual(p.out[1].payload, { discarded: { accepted: 15, rejected: 0 }, timeZone: 'UTC', momentaryThresholdMin: 5 });
    await waitFor(() => lastStatus(p).text === 'no records yet (0 records)', 'idle status');
    await expectError(p, { topic: 'reliability/query' }, /no records yet: give the period/);
    const r = await query(p, { from: '2021-01-01', to: '2022-01-01' });
    assert.equal(r.system.saifi, 0);
    assert.equal(r.counts.accepted, 0);
    const saved = p.n1.context().get(KEY) as { counts: { accepted: number } };
    assert.equal(saved.counts.accepted, 0, 'the reset state is saved at once');
  });

  it('serves the feeder model as one feeder: customers behind each device fill records without a count', async () => {
    const model = { source: 'network', network: 'textbook-fuses' };
    const p = await start({ servedFrom: 'model', feeder: 'f1', feederId: 'BA-1', servedTable: '' }, [{ id: 'f1', type: 'dms-feeder', name: 'feeder', ...model }]);
    // Billinton & Allan's feeder: load points A 1000, B 800, C 700, D 500 customers; fuse FUb protects B alone.
    p.n1.receive(interruption({ feeder: 'BA-1', device: 'FUb', start: Date.UTC(2022, 0, 10, 6), durationMin: 90 }));
    p.n1.receive(interruption({ feeder: 'BA-1', device: 'CB', start: Date.UTC(2022, 0, 20, 6), durationMin: 60 }));
    await expectError(p, interruption({ feeder: 'Billinton-Allan feeder, case 2: lateral fuses', device: 'CB', start: Date.UTC(2022, 1, 1), durationMin: 10 }), /unknown feeder/);
    const r = await query(p, { from: '2022-01-01', to: '2023-01-01' });
    assert.equal(r.system.customers, 3000);
    near(r.feeders['BA-1'].saifi, (800 + 3000) / 3000, 'SAIFI');
    near(r.feeders['BA-1'].saidi, (800 * 1.5 + 3000 * 1) / 3000, 'SAIDI');
    assert.equal(r.substationOf['BA-1'], 'SUPPLY', 'the first source');
  });

  it('without a feeder id the records use the model name, as the fault detector does', async () => {
    const p = await start({ servedFrom: 'model', feeder: 'f1', feederId: '', servedTable: '' }, [{ id: 'f1', type: 'dms-feeder', name: 'feeder', source: 'network', network: 'textbook-fuses' }]);
    p.n1.receive(interruption({ feeder: 'Billinton-Allan feeder, case 2: lateral fuses', device: 'FUd', start: Date.UTC(2022, 0, 10, 6), durationMin: 120 }));
    const r = await query(p, { from: '2022-01-01', to: '2023-01-01' });
    near(r.system.saifi, 500 / 3000, 'SAIFI (FUd: load point D, 500 customers)');
  });

  it('a bad configuration fails every message and names the problem', async () => {
    let p = await start({ servedTable: 'feeder,customers\nF1,1000\nF2,zero' });
    await expectError(p, interruption({}), /^configuration: served table line 3: customers "zero" is not a non-negative number$/);
    await helper.unload();
    p = await start({ timeZone: 'Mars/Olympus' });
    await expectError(p, { topic: 'reliability/query' }, /configuration: time zone: "Mars\/Olympus" is not an IANA time zone/);
    await helper.unload();
    p = await start({ targets: 'saifi=20,speed=3' });
    await expectError(p, { topic: 'reliability/query' }, /configuration: targets: unknown target "speed"/);
    await helper.unload();
    p = await start({ servedFrom: 'model', feeder: '' });
    await expectError(p, { topic: 'reliability/query' }, /no feeder model configured/);
    await helper.unload();
    p = await start({ chartFormat: 'dashboard-3' });
    await expectError(p, { topic: 'reliability/query' }, /configuration: chart format must be dashboard-1 or dashboard-2 \(got "dashboard-3"\)/);
  });

  it('saves the history to context (throttled) and restores it after a redeploy; a zone change waits for a reset', async () => {
    const f = flow();
    let p = await loadWithStores(f, { default: { module: 'memory' } });
    const recs = await handRecords();
    for (const r of recs) p.n1.receive(interruption(r));
    // The first record is saved at once, the rest within the save interval (a few seconds).
    await waitFor(() => (p.n1.context().get(KEY) as { counts?: { accepted: number } } | undefined)?.counts?.accepted === 15, 'state saved', 15000);
    const before = await query(p, { from: '2021-01-01', to: '2022-01-01' });

    // Redeploy with another zone: the stored days keep theirs, with a warning, until a reset.
    const moved = flow({ timeZone: 'Africa/Addis_Ababa' });
    await helper.setFlows(moved, 'full');
    p = probe();
    await waitFor(() => p.statuses.length > 0, 'status after restore');
    assert.equal(lastStatus(p).text, 'stored UTC kept: reset applies Africa/Addis_Ababa');
    assert.equal(lastStatus(p).fill, 'yellow');
    const after = await query(p, { from: '2021-01-01', to: '2022-01-01' });
    assertClose(JSON.parse(JSON.stringify(after)), JSON.parse(JSON.stringify(before)), 'report after redeploy');
    const log = (helper as unknown as { log(): { args: Array<[{ msg?: unknown; level?: number }]> } }).log().args.map((a) => String(a[0].msg));
    assert.ok(log.some((m) => m.includes('the saved interruption history keeps its time zone UTC (configured: Africa/Addis_Ababa)')), 'zone warning logged');
    await expectError(p, { topic: 'reliability/query', payload: { tz: 'Africa/Addis_Ababa' } }, /differs from the time zone the records are counted in \("UTC"\)/);
    p.n1.receive({ topic: 'reliability/reset' });
    await waitFor(() => p.out.some((m) => m.topic === 'reliability/reset'), 'reset');
    p.n1.receive(interruption(recs));
    const r = await query(p, { from: '2021-01-01', to: '2022-01-01', tz: 'Africa/Addis_Ababa' });
    near(r.feeders.F1.saifi, 2.1, 'F1 SAIFI in Addis Ababa days (r0 counts in 2021)');
  });

  it('keeps the history across a Node-RED restart in a named persistent store (saved on close)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dms-rel-ctx-'));
    try {
      const f = flow({ contextStore: 'disk', targets: 'saifi=1,saidi=25' });
      let p = await loadWithStores(f, { default: { module: 'memory' }, disk: { module: 'localfilesystem', config: { dir, cache: false } } });
      const recs = await handRecords();
      for (const r of recs.slice(0, 10)) p.n1.receive(interruption(r));
      p.n1.receive(interruption({ ...recs[10], end: recs[10].start as number - 1 }));
      await waitFor(() => p.errors.length === 1, 'refusal');
      p.n1.receive(interruption(recs.slice(10)));
      const before = await query(p, { from: '2021-01-01', to: '2022-01-01' });
      assert.equal(before.counts.accepted, 15);
      // Restart at once: what the throttle has not written yet is written on close.
      await helper.clearFlows();
      assert.ok(readdirSync(path.join(dir, 'context')).length > 0, 'context written to disk');
      await red()._redNodes.closeContextsPlugin();
      red()._context.init(red()._settings);
      await red()._redNodes.loadContextsPlugin();
      await red()._redNodes.startFlows();
      p = probe();
      await waitFor(() => /^2021: SAIFI 1.2 SAIDI 3.57 h \(15 records, 1 refused\)$/.test(lastStatus(p).text ?? ''), 'restored status');
      const after = await query(p, { from: '2021-01-01', to: '2022-01-01' });
      assertClose(JSON.parse(JSON.stringify(after)), JSON.parse(JSON.stringify(before)), 'report after restart');
      assert.equal(after.counts.rejected, 1);
      assert.equal(after.recentRejections[0].id, recs[10].id);
      // SAIFI 1.2 > 1: the target is missed, SAIDI 3.57 h < 25 h met.
      assert.deepEqual(after.targets!.filter((t) => t.scope === 'system').map((t) => [t.index, t.met]), [['saifi', false], ['saidi', true]]);
      // Duplicates are still caught after the restart.
      await expectError(p, interruption(recs[3]), /duplicate id "r3"/);
      // The default (memory) store holds nothing: the history went to the named store.
      assert.equal(p.n1.context().get(KEY), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the example flow: records, a query, a fault-detector record, a refused one (caught), reset', async () => {
    const example = JSON.parse(readFileSync(path.join(__dirname, '../../examples/flows/reliability-historical.json'), 'utf8')) as Array<Record<string, unknown>>;
    for (const n of example) if (n.type === 'debug') n.type = 'helper';
    const core = coreNodes('common/20-inject', 'common/25-catch', 'common/90-comment');
    await helper.load([...core, relNode], example);
    const byName = (name: string) => example.find((n) => n.name === name)!.id as string;
    const results: Msg[] = [];
    const dashboard: Msg[] = [];
    const refused: Msg[] = [];
    (helper.getNode(byName('results')) as TestNode).on('input', (m) => results.push(m));
    (helper.getNode(byName('dashboard data')) as TestNode).on('input', (m) => dashboard.push(m));
    (helper.getNode(byName('refused records')) as TestNode).on('input', (m) => refused.push(m));
    const press = async (name: string, until: () => boolean) => {
      helper.getNode(byName(name)).receive({});
      await waitFor(until, name);
    };
    const reports = () => results.filter((m) => m.topic === 'reliability/historical').map((m) => m.payload as Report);
    await press('records (array, as read from a file)', () => results.length === 1);
    assert.equal((results[0].payload as { accepted: number }).accepted, 15);
    await press('query 2021', () => reports().length === 1);
    // The numbers the example's comment quotes (docs/historical-reliability.md, worked example).
    let r = reports()[0];
    near(r.system.saifi, 2100 / 1750, 'SAIFI');
    near(r.system.saidi, 6250 / 1750, 'SAIDI');
    near(r.system.eensKWh, 5915, 'EENS', 1e-9);
    assert.ok(r.targets!.every((t) => t.met));
    await waitFor(() => dashboard.length === 5, 'dashboard data');
    await press('one record (fault detector)', () => true);
    await press('bad record (end before start)', () => refused.length === 1);
    assert.match(String((refused[0].error as { message: string }).message), /interruption record "BAD-1" refused: end 2021-12-01T09:00:00.000Z is before start/);
    await press('query 2021', () => reports().length === 2);
    r = reports()[1];
    near(r.system.saifi, (2100 + 300) / 1750, 'SAIFI with the fault-detector record');
    near(r.system.saidi, (6250 + 300 * 1.5) / 1750, 'SAIDI with the fault-detector record');
    assert.equal(r.counts.rejected, 1);
    await press('query F1 by year', () => reports().length === 3);
    assert.deepEqual(Object.keys(reports()[2].feeders), ['F1']);
    await waitFor(() => dashboard.length === 5 + 5 + 3, 'dashboard data of three queries');
    assert.deepEqual((dashboard[10].payload as Array<{ data: Array<Array<{ x: string }>> }>)[0].data[0].map((pt) => pt.x), ['2020', '2021']);
    await press('reset', () => results.some((m) => m.topic === 'reliability/reset'));
  });

  it('an unreadable saved history stops the node and is not overwritten until a reset', async () => {
    const f = flow();
    let p = await loadWithStores(f, { default: { module: 'memory' } });
    p.n1.context().set(KEY, { format: 'something-else/3', days: [] });
    await helper.setFlows(f, 'full');
    p = probe();
    await waitFor(() => p.errors.length > 0 || lastStatus(p).fill === 'red', 'red status');
    const recs = await handRecords();
    await expectError(p, interruption(recs[1]), /the interruption history saved in node context cannot be read \(historical state: expected format "dms-historical-state\/1", got "something-else\/3"\); send topic reliability\/reset/);
    assert.deepEqual(p.n1.context().get(KEY), { format: 'something-else/3', days: [] }, 'the unreadable state is kept');
    p.n1.receive({ topic: 'reliability/reset' });
    await waitFor(() => p.out.length === 1, 'reset');
    assert.deepEqual(p.out[0].payload, { discarded: 'unreadable saved state', timeZone: 'UTC', momentaryThresholdMin: 5 });
    p.n1.receive(interruption(recs[1]));
    const r = await query(p, { from: '2021-01-01', to: '2022-01-01' });
    near(r.feeders.F1.saifi, 0.6, 'r1 alone');
  });
});
