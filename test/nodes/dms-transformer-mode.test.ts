import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { helper, builtNode, waitFor } from '../support/node-red';

const tmNode = builtNode('dms-transformer-mode');

type Msg = { topic: string; payload: unknown; [k: string]: unknown };
type TestNode = { receive(msg: unknown): void; on(ev: string, fn: (m: Msg) => void): void; context(): { get(k: string): unknown; set(k: string, v: unknown): void } };

const T0 = Date.UTC(2024, 2, 1, 0, 0);
const MIN = 60_000;

function flow(over: Record<string, unknown> = {}) {
  return [
    {
      id: 'n1', type: 'dms-transformer-mode', name: 'tm', wires: [['o1'], ['o2'], ['o3']],
      t1Id: 'T1', t1SnKVA: '630', t1P0KW: '0.84', t1PkKW: '6.2', t1UkPct: '4.5', t1I0Pct: '1.3',
      t2Id: 'T2', t2SnKVA: '630', t2P0KW: '0.84', t2PkKW: '6.2', t2UkPct: '4.5', t2I0Pct: '1.3',
      overloadLimit: '1.0', reactiveEquivalent: '0', minSavingKW: '0.01', minDwellMin: '0',
      allowParallel: true, control: 'advisory', commandTimeoutS: '30', timeZone: 'UTC', maxHoldMin: '60', contextStore: '',
      ...over,
    },
    { id: 'o1', type: 'helper' }, { id: 'o2', type: 'helper' }, { id: 'o3', type: 'helper' },
  ];
}

/** Collects every message on the three outputs. */
function collect(): { o1: Msg[]; o2: Msg[]; o3: Msg[] } {
  const got = { o1: [] as Msg[], o2: [] as Msg[], o3: [] as Msg[] };
  for (const k of ['o1', 'o2', 'o3'] as const) (helper.getNode(k) as TestNode).on('input', (m) => got[k].push(m));
  return got;
}

// The published worked example: identical S11-630/10 units, buses 250+j120 and 180+j90 kVA.
const example = (ts: number, mode = 'split') => ({ payload: { ts, p1KW: 250, q1Kvar: 120, p2KW: 180, q2Kvar: 90, mode } });

describe('dms-transformer-mode node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    helper.settings({});
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });

  it('recommends from telemetry: modes, best, saving and status', async () => {
    await helper.load(tmNode, flow());
    const got = collect();
    const n1 = helper.getNode('n1') as TestNode;
    const statuses: Array<{ fill?: string; text?: string }> = [];
    n1.on('call:status', (c: unknown) => statuses.push((c as { args: [{ fill?: string; text?: string }] }).args[0]));
    n1.receive(example(T0));
    await waitFor(() => got.o1.length === 1, 'recommendation');
    const rec = got.o1[0];
    assert.equal(rec.topic, 'transformer/mode');
    const p = rec.payload as { presentMode: string; bestMode: string; action: string; savingKW: number; modes: Array<{ mode: string; lossKW: number; feasible: boolean }> };
    assert.equal(p.presentMode, 'split');
    assert.equal(p.bestMode, 'parallel');
    assert.deepEqual(p.modes.map((m) => m.lossKW), [4.4172, 4.4172, 3.5139, 3.4686]);
    assert.equal(p.savingKW, 0.0453);
    assert.equal(p.action, 'change');
    // Advisory by default: a plan is proposed, not executed.
    await waitFor(() => got.o2.length === 1, 'plan');
    assert.equal(got.o2[0].topic, 'transformer/plan');
    const plan = got.o2[0].payload as { execution: string; from: string; to: string; commands: Array<{ deviceId: string; intendedState: string }> };
    assert.equal(plan.execution, 'advisory');
    assert.deepEqual(plan.commands.map((c) => `${c.deviceId} ${c.intendedState}`), ['BUS-TIE closed']);
    await waitFor(() => statuses.some((s) => s.text === 'split, best parallel (saves 0.05 kW) - confirm plan'), 'status');
    assert.equal(statuses[statuses.length - 1].fill, 'yellow');
  });

  it('advisory plan is issued as commands when the operator confirms it', async () => {
    await helper.load(tmNode, flow());
    const got = collect();
    const n1 = helper.getNode('n1') as TestNode;
    n1.receive(example(T0));
    await waitFor(() => got.o2.length === 1, 'plan');
    const planId = (got.o2[0].payload as { planId: string }).planId;
    n1.receive({ topic: 'transformer/confirm', payload: { planId } });
    await waitFor(() => got.o2.length === 2, 'commands');
    assert.equal(got.o2[1].topic, 'transformer/commands');
    const cmd = got.o2[1].payload as { execution: string; commands: Array<{ planId: string; step: number; reason: string; timeoutMs: number }> };
    assert.equal(cmd.execution, 'confirmed');
    assert.equal(cmd.commands[0].planId, planId);
    assert.equal(cmd.commands[0].timeoutMs, 30_000);
    assert.match(cmd.commands[0].reason, new RegExp(`plan ${planId} step 1/1: join bus 1 and bus 2`));
    // While the transfer is under way telemetry shows "pending", then the new mode holds.
    n1.receive(example(T0 + 10_000));
    await waitFor(() => got.o1.length === 2, 'second recommendation');
    assert.equal((got.o1[1].payload as { action: string }).action, 'pending');
    n1.receive(example(T0 + 20_000, 'parallel'));
    await waitFor(() => got.o1.length === 3, 'third recommendation');
    assert.equal((got.o1[2].payload as { action: string }).action, 'hold');
  });

  it('automatic control issues commands directly; dwell holds back a second change', async () => {
    await helper.load(tmNode, flow({ control: 'automatic', minDwellMin: '30' }));
    const got = collect();
    const n1 = helper.getNode('n1') as TestNode;
    n1.receive(example(T0, 'split'));
    await waitFor(() => got.o1.length === 1, 'recommendation');
    assert.equal((got.o1[0].payload as { action: string }).action, 'hold', 'first sample starts the dwell');
    n1.receive(example(T0 + 31 * MIN, 'split'));
    await waitFor(() => got.o2.length === 1, 'commands');
    assert.equal(got.o2[0].topic, 'transformer/commands');
    assert.equal((got.o2[0].payload as { execution: string }).execution, 'automatic');
  });

  it('answers inquiries for any period as JSON, CSV and HTML, and reports each completed day', async () => {
    await helper.load(tmNode, flow({ minSavingKW: '10' }));
    const got = collect();
    const n1 = helper.getNode('n1') as TestNode;
    for (let m = 0; m <= 24 * 60; m += 15) n1.receive(example(T0 + m * MIN));
    await waitFor(() => got.o1.length === 97, 'all telemetry');
    // The sample at midnight completes 2024-03-01.
    assert.equal(got.o3.length, 1);
    assert.equal(got.o3[0].topic, 'transformer/statistics');
    assert.deepEqual(got.o3[0].closedDays, ['2024-03-01']);
    const day = (got.o3[0].payload as { rows: Array<{ period: string; hours: number; actualKWh: number; optimalKWh: number }> }).rows[0];
    assert.equal(day.period, '2024-03-01');
    assert.equal(day.hours, 24);
    // Constant load all day: split 3.513913 kW and parallel 3.468612 kW for 24 h (published example values).
    assert.ok(Math.abs(day.actualKWh - 3.513913 * 24) < 24e-6);
    assert.ok(Math.abs(day.optimalKWh - 3.468612 * 24) < 24e-6);
    n1.receive({ topic: 'transformer/inquiry', payload: { period: '2024-03', granularity: 'month' } });
    n1.receive({ topic: 'inquiry', payload: { from: '2024-03-01', to: '2024-03-01', format: 'csv' } });
    n1.receive({ topic: 'inquiry', payload: { period: '2024', format: 'html' } });
    await waitFor(() => got.o3.length === 4, 'inquiry answers');
    assert.equal((got.o3[1].payload as { rows: Array<{ period: string }> }).rows[0].period, '2024-03');
    assert.equal(got.o3[2].topic, 'transformer/report');
    assert.equal(got.o3[2].format, 'csv');
    assert.match(got.o3[2].payload as string, /^period,hours,actualKWh,optimalKWh,savingKWh,savingPct,.*\n2024-03-01,24.00,84.334,83.247,1.087,1.29,/);
    assert.match(got.o3[3].payload as string, /<table>/);
  });

  it('bad input fails with a precise error and red status, and the node keeps working', async () => {
    await helper.load(tmNode, flow());
    const got = collect();
    const n1 = helper.getNode('n1') as TestNode & { on(ev: 'call:error', fn: (c: { args: unknown[] }) => void): void };
    const errors: string[] = [];
    const statuses: Array<{ fill?: string; text?: string }> = [];
    n1.on('call:error', (c: { args: unknown[] }) => errors.push(String(c.args[0])));
    n1.on('call:status', (c: unknown) => statuses.push((c as { args: [{ fill?: string; text?: string }] }).args[0]));
    n1.receive({ payload: { ts: T0, p1KW: 'lots', q1Kvar: 0, p2KW: 10, q2Kvar: 0, mode: 'split' } });
    await waitFor(() => errors.length === 1, 'error');
    assert.match(errors[0], /payload.p1KW: must be a finite number, got "lots"/);
    await waitFor(() => statuses.some((s) => s.fill === 'red'), 'red status');
    n1.receive({ topic: 'inquiry', payload: { period: '2024-13' } });
    await waitFor(() => errors.length === 2, 'second error');
    assert.match(errors[1], /period: "2024-13" has month 13/);
    n1.receive({ topic: 'transformer/block', payload: ['T9'] });
    await waitFor(() => errors.length === 3, 'third error');
    assert.match(errors[2], /block needs payload \[modes\] from T1, T2, split, parallel/);
    assert.equal(got.o1.length + got.o2.length + got.o3.length, 0, 'no partial output');
    n1.receive(example(T0));
    await waitFor(() => got.o1.length === 1, 'recovery');
    assert.equal((got.o1[0].payload as { bestMode: string }).bestMode, 'parallel');
    n1.receive(example(T0 - MIN));
    await waitFor(() => errors.length === 4, 'out-of-order error');
    assert.match(errors[3], /older than the previous one/);
  });

  it('reports a bad configuration on every message', async () => {
    await helper.load(tmNode, flow({ t2UkPct: '-4', timeZone: 'Nowhere/City' }));
    const n1 = helper.getNode('n1') as TestNode & { on(ev: 'call:error', fn: (c: { args: unknown[] }) => void): void };
    const errors: string[] = [];
    n1.on('call:error', (c: { args: unknown[] }) => errors.push(String(c.args[0])));
    n1.receive(example(T0));
    await waitFor(() => errors.length >= 1, 'config error');
    assert.match(errors[errors.length - 1], /configuration: 2 problems: transformers\[1\] "T2": ukPct must be > 0, got -4; timeZone: "Nowhere\/City" is not an IANA time zone/);
  });

  it('runs the example flow\'s configuration and injected messages without error', async () => {
    const example = JSON.parse(readFileSync(path.join(__dirname, '../../examples/flows/transformer-mode.json'), 'utf8')) as Array<Record<string, unknown>>;
    const { z: _z, x: _x, y: _y, ...cfg } = example.find((n) => n.type === 'dms-transformer-mode')!;
    await helper.load(tmNode, [{ ...cfg, wires: [['o1'], ['o2'], ['o3']] }, { id: 'o1', type: 'helper' }, { id: 'o2', type: 'helper' }, { id: 'o3', type: 'helper' }]);
    const got = collect();
    const n = helper.getNode(cfg.id as string) as TestNode & { on(ev: 'call:error', fn: (c: { args: unknown[] }) => void): void };
    const errors: string[] = [];
    n.on('call:error', (c: { args: unknown[] }) => errors.push(String(c.args[0])));
    const injects = example.filter((x) => x.type === 'inject' && x.payloadType === 'json');
    for (const inj of injects) n.receive({ topic: inj.topic, payload: JSON.parse(inj.payload as string) });
    await waitFor(() => got.o1.length + got.o3.length === injects.length, 'answers to every injected message');
    assert.deepEqual(errors, []);
    const recs = got.o1.filter((m) => m.topic === 'transformer/mode').map((m) => m.payload as { bestMode: string; action: string; presentMode: string });
    assert.deepEqual(recs.map((r) => [r.presentMode, r.bestMode, r.action]), [
      ['split', 'T1', 'change'], ['split', 'parallel', 'change'], ['T1', 'parallel', 'change'], ['parallel', 'T1', 'change'],
    ]);
  });

  /** Node-RED internals the helper does not wrap: configured context stores, and a restart of them. */
  const red = () => helper as unknown as {
    _redNodes: { loadContextsPlugin(): Promise<void>; closeContextsPlugin(): Promise<void>; startFlows(): Promise<void> };
    _context: { init(s: unknown): void };
    _settings: unknown;
  };

  /** Loads the flow with the configured context stores active (as Node-RED does at start-up). */
  async function loadWithStores(f: unknown[], contextStorage: Record<string, unknown>): Promise<void> {
    helper.settings({ contextStorage });
    await helper.load(tmNode, f);
    await red()._redNodes.loadContextsPlugin();
    await helper.setFlows(f, 'full');
  }

  it('restores statistics from node context after a redeploy', async () => {
    // With a configured store (here the memory store) node context outlives a redeploy.
    const f = flow({ minSavingKW: '10' });
    await loadWithStores(f, { default: { module: 'memory' } });
    const n1 = helper.getNode('n1') as TestNode;
    let got = collect();
    for (let m = 0; m <= 60; m += 15) n1.receive(example(T0 + m * MIN));
    await waitFor(() => got.o1.length === 5, 'telemetry');
    const saved = n1.context().get('dmsTransformerMode') as { statistics: { days: Record<string, { hours: number }> } };
    assert.equal(saved.statistics.days['2024-03-01'].hours, 1);
    await helper.setFlows(f, 'full');
    got = collect();
    const again = helper.getNode('n1') as TestNode;
    assert.notEqual(again, n1, 'a new node instance');
    again.receive(example(T0 + 75 * MIN));
    again.receive({ topic: 'inquiry', payload: { period: '2024-03-01' } });
    await waitFor(() => got.o3.length === 1, 'inquiry');
    // 1 h before the redeploy plus the 15 min from the last saved sample to the new one.
    assert.equal((got.o3[0].payload as { total: { hours: number } }).total.hours, 1.25);
  });

  it('restores a state put into context before start, and survives a corrupt one', async () => {
    const f = flow({ minSavingKW: '10' });
    await loadWithStores(f, { default: { module: 'memory' } });
    const day = { hours: 5, gapHours: 0, samples: 20, actualKWh: 50, optimalKWh: 40, actualCriterionKWh: 50, optimalCriterionKWh: 40,
      infeasibleHours: 0, noFeasibleHours: 0, modeHours: { T1: 0, T2: 0, split: 5, parallel: 0 }, optimalModeHours: { T1: 5, T2: 0, split: 0, parallel: 0 } };
    const state = { version: 1, decision: { mode: null, modeSinceMs: null, pending: null }, runtimeBlocked: ['T2'], proposal: null,
      statistics: { version: 1, timeZone: 'UTC', maxHoldMs: 3_600_000, days: { '2023-12-31': day }, last: null } };
    (helper.getNode('n1') as TestNode).context().set('dmsTransformerMode', state);
    await helper.setFlows(f, 'full');
    let got = collect();
    helper.getNode('n1').receive({ topic: 'inquiry', payload: { period: '2023', granularity: 'year' } });
    helper.getNode('n1').receive(example(T0));
    await waitFor(() => got.o3.length === 1 && got.o1.length === 1, 'inquiry and recommendation');
    const total = (got.o3[0].payload as { total: { actualKWh: number; savingKWh: number } }).total;
    assert.equal(total.actualKWh, 50);
    assert.equal(total.savingKWh, 10);
    assert.deepEqual((got.o1[0].payload as { blockedModes: string[] }).blockedModes, ['T2'], 'run-time blocks restored too');
    // A corrupt saved state: the node warns, starts afresh and keeps working.
    (helper.getNode('n1') as TestNode).context().set('dmsTransformerMode', { version: 7 });
    await helper.setFlows(f, 'full');
    got = collect();
    const logged = (helper as unknown as { log(): { args: Array<[{ msg?: unknown }]> } }).log().args.map((a) => String(a[0].msg));
    assert.ok(logged.some((m) => m.includes('saved state not restored (saved state: not a version-1 transformer-mode selector state); statistics start afresh')), 'warning logged');
    helper.getNode('n1').receive(example(T0));
    await waitFor(() => got.o1.length === 1, 'recommendation after corrupt state');
    assert.deepEqual((got.o1[0].payload as { blockedModes: string[] }).blockedModes, []);
  });

  it('keeps statistics across a Node-RED restart in a named persistent context store', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dms-tm-ctx-'));
    try {
      const f = flow({ minSavingKW: '10', contextStore: 'disk' });
      await loadWithStores(f, { default: { module: 'memory' }, disk: { module: 'localfilesystem', config: { dir, cache: false } } });
      let got = collect();
      const n1 = helper.getNode('n1') as TestNode;
      for (let m = 0; m <= 120; m += 15) n1.receive(example(T0 + m * MIN));
      await waitFor(() => got.o1.length === 9, 'telemetry');
      assert.ok(readdirSync(path.join(dir, 'context')).length > 0, 'context written to disk');
      // Restart: stop the flows, drop every in-memory context, open the stores and start the flows afresh.
      await helper.clearFlows();
      await red()._redNodes.closeContextsPlugin();
      red()._context.init(red()._settings);
      await red()._redNodes.loadContextsPlugin();
      await red()._redNodes.startFlows();
      got = collect();
      helper.getNode('n1').receive({ topic: 'inquiry', payload: { period: '2024-03-01' } });
      await waitFor(() => got.o3.length === 1, 'inquiry after restart');
      const total = (got.o3[0].payload as { total: { hours: number; actualKWh: number } }).total;
      assert.equal(total.hours, 2);
      assert.ok(Math.abs(total.actualKWh - 3.513913 * 2) < 1e-5);
      // The default (memory) store holds nothing: the statistics went to the named store.
      assert.equal((helper.getNode('n1') as TestNode).context().get('dmsTransformerMode'), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
