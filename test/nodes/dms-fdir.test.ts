/**
 * dms-fdir node on a two-feeder model with automated switches and a tie, the field scripted by
 * test/support/fdir-field.ts: Flex-Write messages from output 1 are applied to the field and its
 * IEDs' measurements fed back as `ied/measurement`. Advisory (plan, confirm, commands), automatic
 * with read-backs (confirmed; wrong state and timeout -> alarm + replan), a stale indication
 * widening the zone, bad messages failing with done(err) and a red status, return to normal.
 */
import assert from 'node:assert/strict';
import { fieldIeds, type FlexWrite } from '../../lib/fdir/field';
import { FakeField, lockoutEvent, twoFeeders } from '../support/fdir-field';
import { helper, builtNode, waitFor } from '../support/node-red';

const feederNode = builtNode('dms-feeder');
const fdirNode = builtNode('dms-fdir');

type Msg = { topic: string; payload: Record<string, unknown>; command?: Record<string, unknown> };
type Status = { fill?: string; shape?: string; text?: string };
type TestNode = {
  receive(msg: unknown): void;
  on(ev: 'input', fn: (m: Msg) => void): void;
  on(ev: 'call:error' | 'call:status', fn: (c: { args: unknown[] }) => void): void;
};

const MODEL = twoFeeders();

async function setup(over: Record<string, unknown> = {}, opts: { answer?: boolean } = {}) {
  await helper.load([feederNode, fdirNode], [
    { id: 'f1', type: 'dms-feeder', name: 'two feeders', source: 'json', json: JSON.stringify(MODEL) },
    { id: 'n1', type: 'dms-fdir', name: 'fdir', feeder: 'f1', automatic: 'off', confirmTimeoutS: '2', selectTimeoutS: '2', checkSelect: true, load: 'peak', wires: [['cmd'], ['plan'], ['ev'], ['rec']], ...over },
    { id: 'cmd', type: 'helper' }, { id: 'plan', type: 'helper' }, { id: 'ev', type: 'helper' }, { id: 'rec', type: 'helper' },
  ]);
  const n1 = helper.getNode('n1') as TestNode;
  const field = new FakeField(MODEL, fieldIeds(MODEL));
  const got = { cmd: [] as Msg[], plan: [] as Msg[], ev: [] as Msg[], rec: [] as Msg[] };
  const errors: string[] = [];
  const statuses: Status[] = [];
  const answer = opts.answer ?? true;
  (helper.getNode('cmd') as TestNode).on('input', (m) => {
    got.cmd.push(m);
    // The field acts on the write and its IED reports back, as a Modbus poll would.
    const reply = field.write(m.payload as unknown as FlexWrite, Date.now());
    if (reply && answer) setImmediate(() => n1.receive({ topic: 'ied/measurement', payload: reply }));
  });
  for (const k of ['plan', 'ev', 'rec'] as const) (helper.getNode(k) as TestNode).on('input', (m) => got[k].push(m));
  n1.on('call:error', (c) => errors.push(String(c.args[0])));
  n1.on('call:status', (c) => statuses.push(c.args[0] as Status));
  const report = (ts: number) => { for (const m of field.all(ts)) n1.receive({ topic: 'ied/measurement', payload: m }); };
  /** Loads metered a minute before; the breaker locks out with CBA and SA2 seeing fault current; the lockout event. */
  const fault = (passage = ['CBA', 'SA2']) => {
    const t = Date.now();
    Object.assign(field.pKW, { CBA: 900, SA2: 500, SA3: 300, CBB: 290 });
    report(t - 60000);
    field.closed.CBA = false;
    for (const d of passage) field.passage.add(d);
    report(t - 1000);
    n1.receive({ topic: 'fault/event', payload: lockoutEvent(t, passage.map((d) => `IED-${d}`)) });
  };
  const last = () => statuses[statuses.length - 1] ?? {};
  return { n1, field, got, errors, statuses, fault, report, last };
}

describe('dms-fdir node', function () {
  this.timeout(20000);
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });

  it('advisory: a lockout gives a plan that waits; confirmation sends select-before-operate writes, read back step by step', async () => {
    const s = await setup();
    s.fault();
    await waitFor(() => s.got.plan.some((m) => m.topic === 'fdir/plan'), 'plan');
    const plan = s.got.plan.find((m) => m.topic === 'fdir/plan')!.payload as { planId: string; awaiting: string; faultedZone: string[]; plan: Array<{ device: string; action: string }> };
    assert.deepEqual(plan.faultedZone, ['LA2']);
    assert.equal(plan.awaiting, 'confirmation');
    assert.deepEqual(plan.plan.map((x) => `${x.action} ${x.device}`), ['open SA2', 'open SA3', 'close CBA', 'close NOP']);
    await waitFor(() => /awaiting confirmation/.test(s.last().text ?? ''), 'awaiting status');
    assert.equal(s.last().fill, 'yellow');
    assert.equal(s.got.cmd.length, 0, 'no write before the confirmation');

    s.n1.receive({ topic: 'fdir/confirm', payload: { planId: plan.planId } });
    await waitFor(() => /^restored/.test(s.last().text ?? ''), 'restored status');
    assert.equal(s.last().text, 'restored 180 of 230 customers, 50 out');
    assert.deepEqual(s.got.cmd.map((m) => `${m.command!.device}:${m.command!.phase}`), [
      'SA2:select', 'SA2:operate', 'SA3:select', 'SA3:operate', 'CBA:select', 'CBA:operate', 'NOP:select', 'NOP:operate',
    ]);
    assert.equal(s.got.cmd[0].topic, 'fdir/command');
    assert.deepEqual(s.got.cmd[0].payload, { value: true, fc: 5, unitid: 2, address: 0, quantity: 1 });
    assert.match(String(s.got.cmd[0].command!.reason), /step 1: isolate the faulted zone on its source side/);
    await waitFor(() => s.got.rec.length === 2, 'records');
    assert.deepEqual(s.got.rec.map((m) => (m.payload as { loadPoints: string[] }).loadPoints), [['P1'], ['P3']]);
    assert.equal(s.got.rec[0].topic, 'reliability/interruption');
    await waitFor(() => s.got.plan.some((m) => m.topic === 'fdir/report' && m.payload.state === 'restored'), 'report');
    const report = s.got.plan.filter((m) => m.topic === 'fdir/report').at(-1)!.payload as { customersRestored: number; customersOut: number; stillOut: { estimatedRestorationTime: number } };
    assert.equal(report.customersRestored, 180);
    assert.equal(report.customersOut, 50);
    assert.ok(report.stillOut.estimatedRestorationTime > Date.now() + 3.9 * 3600000, 'about 4 h of repair ahead');
    assert.deepEqual(s.errors, []);
  });

  it('automatic: executes at once; a switch that does not move is a wrong state: alarm, then a replan from the actual state', async () => {
    const s = await setup({ automatic: 'on', confirmTimeoutS: '0.3' });
    s.field.stuck.add('SA2');
    s.fault();
    await waitFor(() => s.got.ev.some((m) => m.topic === 'fdir/alarm'), 'alarm', 5000);
    const alarm = s.got.ev.find((m) => m.topic === 'fdir/alarm')!.payload as { kind: string; device: string; message: string; replan: string };
    assert.equal(alarm.kind, 'wrong-state');
    assert.equal(alarm.device, 'SA2');
    assert.match(alarm.message, /"SA2" reads closed 300 ms after the open command \(expected open\)/);
    await waitFor(() => s.got.plan.filter((m) => m.topic === 'fdir/plan').length === 2, 'replan');
    const replan = s.got.plan.filter((m) => m.topic === 'fdir/plan')[1].payload as { planId: string; replanOf: string; plan: Array<{ device: string; action: string; mode: string }> };
    assert.equal(replan.planId, alarm.replan);
    assert.deepEqual(replan.plan.map((x) => `${x.mode} ${x.action} ${x.device}`), ['remote open SA3', 'remote close NOP', 'crew open SA2', 'remote close CBA']);
    await waitFor(() => /^crew step 3\/4: open SA2/.test(s.last().text ?? ''), 'crew status');
    assert.equal(s.field.closed.NOP, true);
    assert.equal(s.field.closed.SA3, false);
    // The crew opens SA2 by hand and confirms; CBA recloses.
    s.field.stuck.delete('SA2');
    s.field.closed.SA2 = false;
    s.n1.receive({ topic: 'fdir/confirm', payload: { step: 3 } });
    await waitFor(() => /^restored/.test(s.last().text ?? ''), 'restored');
    assert.equal(s.field.closed.CBA, true);
    assert.equal(s.last().text, 'restored 180 of 230 customers, 50 out');
  });

  it('automatic: an IED that does not answer at all is a timeout: alarm and replan', async () => {
    const s = await setup({ automatic: 'on', confirmTimeoutS: '0.4', selectTimeoutS: '0.2' }, { answer: false });
    s.fault();
    await waitFor(() => s.got.ev.some((m) => m.topic === 'fdir/alarm'), 'alarm', 5000);
    const alarm = s.got.ev.find((m) => m.topic === 'fdir/alarm')!.payload as { kind: string; message: string; replan: string };
    // With the select check, a select that never reads back armed stops the step and is cancelled.
    assert.equal(alarm.kind, 'refused');
    assert.match(alarm.message, /select of "SA2" on IED "IED-SA2" not read back armed within 200 ms/);
    assert.deepEqual(s.got.cmd.slice(0, 2).map((m) => `${m.command!.device}:${m.command!.phase}`), ['SA2:select', 'SA2:cancel']);
    await waitFor(() => s.got.plan.filter((m) => m.topic === 'fdir/plan').length >= 2, 'replan');

    await helper.unload();
    const t = await setup({ automatic: 'on', confirmTimeoutS: '0.3', checkSelect: false }, { answer: false });
    t.fault();
    await waitFor(() => t.got.ev.some((m) => m.topic === 'fdir/alarm'), 'alarm', 5000);
    const a2 = t.got.ev.find((m) => m.topic === 'fdir/alarm')!.payload as { kind: string; message: string };
    assert.equal(a2.kind, 'timeout');
    assert.match(a2.message, /no state read back from "SA2" within 300 ms after the open command/);
    assert.deepEqual(t.got.cmd.slice(0, 2).map((m) => m.command!.phase), ['select', 'operate'], 'without the select check, operate follows select at once');
  });

  it('a stale indication widens the zone and the plan says so', async () => {
    const s = await setup();
    s.field.silent.add('IED-SA2');
    s.fault(['CBA']);
    await waitFor(() => s.got.plan.some((m) => m.topic === 'fdir/plan'), 'plan');
    const plan = s.got.plan.find((m) => m.topic === 'fdir/plan')!.payload as { faultedZone: string[]; widenedThrough: string[]; plan: Array<{ device: string; action: string }> };
    assert.deepEqual(plan.faultedZone, ['LA1', 'LA2']);
    assert.deepEqual(plan.widenedThrough, ['SA2']);
    assert.deepEqual(plan.plan.map((x) => `${x.action} ${x.device}`), ['open SA3', 'close NOP']);
    const located = s.got.ev.find((m) => (m.payload as { type: string }).type === 'located')!.payload as { text: string };
    assert.match(located.text, /widened through SA2: stale or missing indication/);
  });

  it('bad messages fail with done(err) and a red status; the node keeps working', async () => {
    const s = await setup();
    s.n1.receive({ topic: 'fdir/nonsense', payload: 1 });
    await waitFor(() => s.errors.length === 1, 'first error');
    assert.match(s.errors[0], /unknown topic "fdir\/nonsense": expects .*fdir\/located/);
    assert.equal(s.last().fill, 'red');
    s.n1.receive({ topic: 'ied/measurement', payload: { ied: 'IED-CBA', ts: 1, values: { breakerClosed: 'yes' } } });
    s.n1.receive({ topic: 'fault/event', payload: [] });
    s.n1.receive({ topic: 'fdir/confirm', payload: {} });
    s.n1.receive({ topic: 'fdir/mode', payload: 'automatic' });
    s.n1.receive({ topic: 'fdir/located', payload: 'LA2' });
    await waitFor(() => s.errors.length === 6, 'all errors');
    assert.match(s.errors[1], /IED "IED-CBA": values\.breakerClosed must be a number, boolean or null/);
    assert.match(s.errors[2], /fault\/event: payload must be the fault detector's event object \(got an array\)/);
    assert.match(s.errors[3], /nothing awaits confirmation/);
    assert.match(s.errors[4], /automatic mode is not enabled/);
    assert.match(s.errors[5], /fdir\/located: no fault incident is open/);
    assert.equal(s.got.cmd.length + s.got.plan.length + s.got.rec.length, 0, 'no output from bad messages');
    s.fault();
    await waitFor(() => s.got.plan.some((m) => m.topic === 'fdir/plan'), 'plan after errors');
    assert.equal(s.last().fill, 'yellow');
  });

  it('returns to normal after fdir/repaired (advisory: confirm), closing before opening the tie', async () => {
    const s = await setup({ automatic: 'allowed' });
    s.n1.receive({ topic: 'fdir/mode', payload: 'automatic' });
    s.fault();
    await waitFor(() => /^restored/.test(s.last().text ?? ''), 'restored');
    s.n1.receive({ topic: 'fdir/mode', payload: 'advisory' });
    s.n1.receive({ topic: 'fdir/repaired', payload: {} });
    await waitFor(() => s.got.plan.filter((m) => m.topic === 'fdir/plan').length === 2, 'return plan');
    const back = s.got.plan.filter((m) => m.topic === 'fdir/plan')[1].payload as { kind: string; planId: string; plan: Array<{ device: string; action: string }> };
    assert.equal(back.kind, 'return-to-normal');
    assert.deepEqual(back.plan.map((x) => `${x.action} ${x.device}`), ['close SA2', 'close SA3', 'open NOP']);
    await waitFor(() => /return to normal: awaiting confirmation/.test(s.last().text ?? ''), 'awaiting');
    s.n1.receive({ topic: 'fdir/confirm', payload: { planId: back.planId } });
    await waitFor(() => /^normal/.test(s.last().text ?? ''), 'normal');
    assert.deepEqual({ ...s.field.closed }, { CBA: true, SA2: true, SA3: true, CBB: true, NOP: false });
    await waitFor(() => s.got.rec.length === 3 && s.got.plan.some((m) => m.topic === 'fdir/report' && m.payload.state === 'normal'), 'final report');
    const final = s.got.plan.filter((m) => m.topic === 'fdir/report').at(-1)!.payload as { state: string; customersOut: number };
    assert.equal(final.state, 'normal');
    assert.equal(final.customersOut, 0);
    assert.deepEqual(s.got.rec.map((m) => (m.payload as { loadPoints: string[] }).loadPoints), [['P1'], ['P3'], ['P2']]);
    assert.equal(s.last().fill, 'green');
  });
});
