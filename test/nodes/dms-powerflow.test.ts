/**
 * dms-powerflow node: IEEE 33 through a dms-feeder config node, live loads and switch states kept
 * between messages, reconfiguration on request (in a worker), cancel, and bad input failing with
 * done(err), a red status and no output.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { helper, builtNode, waitFor, coreNodes } from '../support/node-red';

const feederNode = builtNode('dms-feeder');
const pfNode = builtNode('dms-powerflow');
/** Node-RED's own nodes the example flow uses. */
const core = coreNodes('common/20-inject', 'common/21-debug', 'common/25-catch', 'common/90-comment', 'function/10-switch');

type Msg = { topic: string; payload: Record<string, unknown>; [k: string]: unknown };
type Status = { fill?: string; text?: string };
type TestNode = {
  receive(msg: unknown): void;
  on(ev: 'input', fn: (m: Msg) => void): void;
  on(ev: 'call:error' | 'call:status' | 'call:warn', fn: (c: { args: unknown[] }) => void): void;
};

function flow(over: Record<string, unknown> = {}) {
  return [
    { id: 'f1', type: 'dms-feeder', name: 'IEEE 33', source: 'network', network: 'ieee33' },
    { id: 'n1', type: 'dms-powerflow', name: 'pf', feeder: 'f1', load: 'peak', vMinPu: '0.95', vMaxPu: '1.05', maxLoadingPct: '100', restarts: '2', locked: '', wires: [['out']], ...over },
    { id: 'out', type: 'helper' },
  ];
}

const OPTIMUM = { S7: false, S9: false, S14: false, S32: false, T33: true, T34: true, T35: true, T36: true };

async function setup(over: Record<string, unknown> = {}) {
  await helper.load([feederNode, pfNode], flow(over));
  const n1 = helper.getNode('n1') as TestNode;
  const got: Msg[] = [];
  const errors: string[] = [];
  const statuses: Status[] = [];
  (helper.getNode('out') as TestNode).on('input', (m) => got.push(m));
  n1.on('call:error', (c) => errors.push(String(c.args[0])));
  n1.on('call:status', (c) => statuses.push(c.args[0] as Status));
  return { n1, got, errors, statuses };
}

describe('dms-powerflow node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });

  it('solves IEEE 33 on any message: 202.68 kW, Vmin 0.91309 p.u. at bus 18, status with losses and vMin', async () => {
    const { n1, got, statuses } = await setup();
    n1.receive({ payload: Date.now(), correlation: 'x1' });
    await waitFor(() => got.length === 1, 'result');
    assert.equal(got[0].topic, 'powerflow/result');
    assert.equal(got[0].correlation, 'x1', 'message properties are kept');
    const p = got[0].payload as { lossesKW: number; lossesKvar: number; vMinPu: number; vMinBus: string; buses: unknown[]; sections: unknown[]; violations: { voltage: unknown[] } };
    assert.equal(p.lossesKW.toFixed(2), '202.68');
    assert.equal(p.lossesKvar.toFixed(2), '135.14');
    assert.equal(p.vMinPu.toFixed(5), '0.91309');
    assert.equal(p.vMinBus, '18');
    assert.equal(p.buses.length, 33);
    assert.equal(p.sections.length, 37);
    assert.equal(p.violations.voltage.length, 21, 'buses below the configured 0.95 p.u.');
    const last = statuses[statuses.length - 1];
    assert.equal(last.fill, 'yellow');
    assert.match(last.text!, /^losses 202\.68 kW, vMin 0\.9131 @ 18, 21 violations/);
  });

  it('keeps live loads and switch states between messages; replace forgets them', async () => {
    const { n1, got } = await setup({ vMinPu: '0.9' });
    n1.receive({ payload: { switchStates: OPTIMUM } });
    await waitFor(() => got.length === 1, 'first');
    assert.equal((got[0].payload.lossesKW as number).toFixed(2), '139.55');
    n1.receive({ payload: { loads: { LD18: { pKW: 0, qKvar: 0 } } } });
    await waitFor(() => got.length === 2, 'second');
    assert.equal(got[1].payload.loadKW, 3715 - 90);
    assert.deepEqual(got[1].payload.open, ['L7', 'L9', 'L14', 'L32', 'L37'], 'switch states kept');
    assert.equal(got[1].payload.liveLoadPoints, 1);
    n1.receive({ payload: { replace: true } });
    await waitFor(() => got.length === 3, 'third');
    assert.equal((got[2].payload.lossesKW as number).toFixed(2), '202.68');
    n1.receive({ payload: { load: 'average', switchStates: { S7: false, T33: true } } });
    await waitFor(() => got.length === 4, 'fourth');
    assert.equal(got[3].payload.loadBasis, 'average');
    assert.deepEqual(got[3].payload.open, ['L7', 'L34', 'L35', 'L36', 'L37']);
  });

  it('reconfigures on request (topic or payload flag) and reports the optimum and the steps', async () => {
    const { n1, got, statuses } = await setup();
    n1.receive({ topic: 'powerflow/reconfigure', payload: {} });
    await waitFor(() => got.length === 1, 'reconfiguration');
    assert.equal(got[0].topic, 'powerflow/reconfiguration');
    const r = got[0].payload as { open: string[]; lossesKW: number; vMinPu: number; steps: Array<{ action: string; device: string }>; switchStates: Record<string, boolean> };
    assert.deepEqual([...r.open].sort(), ['L14', 'L32', 'L37', 'L7', 'L9']);
    assert.equal(r.lossesKW.toFixed(2), '139.55');
    assert.equal(r.steps.length, 8);
    assert.equal(r.steps[0].action, 'close');
    assert.deepEqual(r.switchStates, OPTIMUM);
    assert.ok(statuses.some((s) => s.fill === 'blue' && /reconfiguring/.test(s.text!)), 'busy status while it runs');
    assert.match(statuses[statuses.length - 1].text!, /^reconfig: 139\.55 kW \(-63\.13\), vMin 0\.9378, 8 steps/);
    // From the optimum there is nothing to do.
    n1.receive({ payload: { switchStates: OPTIMUM, reconfigure: true } });
    await waitFor(() => got.length === 2, 'second reconfiguration');
    assert.equal(got[1].topic, 'powerflow/reconfiguration');
    assert.equal((got[1].payload.steps as unknown[]).length, 0);
  });

  it('honours locked devices from the configuration', async () => {
    const { n1, got } = await setup({ locked: 'S7, S9' });
    n1.receive({ topic: 'powerflow/reconfigure' });
    await waitFor(() => got.length === 1, 'reconfiguration');
    const open = got[0].payload.open as string[];
    assert.ok(!open.includes('L7') && !open.includes('L9'));
    assert.ok((got[0].payload.lossesKW as number) > 139.56);
  });

  it('a running reconfiguration can be cancelled', async () => {
    const { n1, got, errors } = await setup({ restarts: '400' });
    n1.receive({ topic: 'powerflow/reconfigure' });
    n1.receive({ topic: 'powerflow/reconfigure' });
    await waitFor(() => errors.length === 1, 'second request refused');
    assert.match(errors[0], /a reconfiguration is already running/);
    n1.receive({ topic: 'powerflow/cancel' });
    await waitFor(() => errors.length === 2, 'cancel error');
    assert.match(errors[1], /reconfiguration cancelled/);
    assert.equal(got.length, 0);
    n1.receive({ payload: {} });
    await waitFor(() => got.length === 1, 'still working');
  });

  it('bad input fails with the reason and no output; rejected values are not kept', async () => {
    const { n1, got, errors, statuses } = await setup();
    n1.receive({ payload: { switchStates: { S7: false, NOPE: true } } });
    await waitFor(() => errors.length === 1, 'unknown device');
    assert.match(errors[0], /device "NOPE" does not exist/);
    assert.equal(statuses[statuses.length - 1].fill, 'red');
    n1.receive({ payload: { loads: { LD2: { pKW: 'much' } } } });
    await waitFor(() => errors.length === 2, 'bad load');
    assert.match(errors[1], /loads\["LD2"\]\.pKW must be a finite number/);
    n1.receive({ payload: { switchstates: {} } });
    await waitFor(() => errors.length === 3, 'unknown key');
    assert.match(errors[2], /payload\.switchstates is not recognised/);
    n1.receive({ payload: { switchStates: { T33: true } } });
    await waitFor(() => errors.length === 4, 'meshed');
    assert.match(errors[3], /radial network: loop .*"L33"/);
    assert.equal(got.length, 0, 'no partial output');
    // Rejected values were not kept; the closed tie was (it names a real device: a loop during a
    // switching sequence is the field's true state), so opening S7 completes a radial state.
    n1.receive({ payload: { switchStates: { S7: false } } });
    await waitFor(() => got.length === 1, 'recovery');
    assert.deepEqual(got[0].payload.open, ['L7', 'L34', 'L35', 'L36', 'L37']);
    assert.equal(got[0].payload.liveLoadPoints, 0);
  });

  it('without a valid feeder it fails each message with the reason', async () => {
    await helper.load([feederNode, pfNode], [
      { id: 'f1', type: 'dms-feeder', source: 'network', network: 'rbts-bus2' },
      { id: 'n1', type: 'dms-powerflow', feeder: 'f1', wires: [['out']] },
      { id: 'n2', type: 'dms-powerflow', feeder: '', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const e1: string[] = [];
    const e2: string[] = [];
    const s2: Status[] = [];
    (helper.getNode('n1') as TestNode).on('call:error', (c) => e1.push(String(c.args[0])));
    (helper.getNode('n2') as TestNode).on('call:error', (c) => e2.push(String(c.args[0])));
    (helper.getNode('n2') as TestNode).on('call:status', (c) => s2.push(c.args[0] as Status));
    (helper.getNode('n1') as TestNode).receive({ payload: {} });
    await waitFor(() => e1.some((e) => /rOhm\/xOhm on every section/.test(e)), 'data error');
    (helper.getNode('n2') as TestNode).receive({ payload: {} });
    await waitFor(() => e2.filter((e) => /no feeder model configured/.test(e)).length >= 2, 'no feeder, at start and on the message');
    assert.ok(s2.every((s) => s.fill === 'red'));
  });

  it('the example flow: solve, live values, reconfigure, reset', async () => {
    const flowDoc = JSON.parse(readFileSync(path.join(__dirname, '../../examples/flows/powerflow.json'), 'utf8')) as Array<Record<string, unknown>>;
    await helper.load([...core, feederNode, pfNode], flowDoc);
    const byName = (name: string) => helper.getNode(flowDoc.find((n) => n.name === name)!.id as string) as TestNode;
    const seen: Msg[] = [];
    byName('by topic').on('input', (m) => seen.push(m));
    const errors: string[] = [];
    byName('IEEE 33 power flow').on('call:error', (c) => errors.push(String(c.args[0])));
    const press = async (name: string, count: number) => {
      byName(name).receive({});
      await waitFor(() => seen.length === count, `answer to "${name}"`);
    };
    await press('solve', 1);
    assert.equal((seen[0].payload.lossesKW as number).toFixed(2), '202.68');
    await press('live loads', 2);
    assert.equal(seen[1].payload.liveLoadPoints, 3);
    await press('switch states', 3);
    assert.deepEqual(seen[2].payload.open, ['L7', 'L34', 'L35', 'L36', 'L37']);
    await press('reset', 4);
    await press('reconfigure', 5);
    assert.equal(seen[4].topic, 'powerflow/reconfiguration');
    assert.equal((seen[4].payload.lossesKW as number).toFixed(2), '139.55');
    assert.deepEqual(errors, []);
  });
});
