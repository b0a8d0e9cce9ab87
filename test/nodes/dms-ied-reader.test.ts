/**
 * dms-ied-reader node: the captured node-red-contrib-modbus 5.23.3 messages, a live Read-node flow
 * against a loopback Modbus TCP server, feeder mode (IEDs by unit id), stale on the timer,
 * comms-failed, heartbeat, report on request, and bad input failing with done(err) while the
 * node keeps running.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeValues } from '../../lib/ied/image';
import { builtinMap } from '../../lib/ied/register-map';
import type { IedMeasurement } from '../../lib/ied/types';
import { builtNode, helper, waitFor, coreNodes } from '../support/node-red';
import { CAPTURE_UNIT_ID, SERVED_VALUES, captureModbusReadMessages } from '../support/modbus-read-flow';

const feederNode = builtNode('dms-feeder');
const readerNode = builtNode('dms-ied-reader');
const FIXTURE = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'ied', 'modbus-read-5.23.3.json'), 'utf8'));
const FEEDER_JSON = readFileSync(path.join(__dirname, '..', 'fixtures', 'protection', 'f1-feeder.json'), 'utf8');
const MAP = builtinMap('dms-standard-ied');

type Msg = { topic: string; payload: IedMeasurement };
type Status = { fill?: string; shape?: string; text?: string };
type TestNode = {
  receive(msg: unknown): void;
  on(ev: 'input', fn: (m: Msg) => void): void;
  on(ev: 'call:error' | 'call:status' | 'call:warn', fn: (c: { args: unknown[] }) => void): void;
};

function expected(name: string): number | boolean {
  const v = SERVED_VALUES[name];
  return typeof v === 'number' && MAP.byName.get(name)!.type === 'float32' ? Math.fround(v) : v;
}

function irBlock(unitId: number, values: Record<string, number | boolean>): Record<string, unknown> {
  return { payload: encodeValues(MAP, values).read('inputRegister', 0, 40), unitId, fc: 4, address: 0, quantity: 40 };
}

/** Calls a node made while it was constructed (before a test can listen), from the helper's sinon spies. */
function deployCalls(method: 'status' | 'error', id: string): unknown[] {
  const spy = (helper as unknown as { _NodePrototype: Record<string, { getCalls(): Array<{ thisValue: { id: string }; args: unknown[] }> }> })._NodePrototype[method];
  return spy.getCalls().filter((c) => c.thisValue.id === id).map((c) => c.args[0]);
}

async function setup(readerCfg: Record<string, unknown>, withFeeder = false) {
  const flow: Record<string, unknown>[] = [
    { id: 'r1', type: 'dms-ied-reader', name: 'reader', map: 'dms-standard-ied', staleAfterS: '10', heartbeatS: '0', rbe: true, wires: [['out']], ...readerCfg },
    { id: 'out', type: 'helper' },
  ];
  if (withFeeder) flow.push({ id: 'f1', type: 'dms-feeder', name: 'F1', source: 'json', json: FEEDER_JSON });
  await helper.load([feederNode, readerNode], flow);
  const r1 = helper.getNode('r1') as TestNode;
  const got: Msg[] = [];
  const errors: string[] = [];
  const statuses: Status[] = [];
  (helper.getNode('out') as TestNode).on('input', (m) => got.push(m));
  r1.on('call:error', (c) => errors.push(String((c.args[0] as Error)?.message ?? c.args[0])));
  r1.on('call:status', (c) => statuses.push(c.args[0] as Status));
  return { r1, got, errors, statuses };
}

describe('dms-ied-reader node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });

  it('decodes the captured Read-node messages (both outputs) and the Flex-Getter message', async () => {
    const { r1, got, statuses } = await setup({ iedId: 'CB1-IED', device: 'CB1', unitId: String(CAPTURE_UNIT_ID) });
    for (const part of ['inputRegisters', 'discreteInputs', 'coils', 'flexGetter']) r1.receive(FIXTURE.messages[part][0]);
    await waitFor(() => got.length === 4, 'four measurements');
    for (const m of got) {
      assert.equal(m.topic, 'ied/measurement');
      assert.equal(m.payload.ied, 'CB1-IED');
      assert.equal(m.payload.device, 'CB1');
      for (const [k, v] of Object.entries(m.payload.values)) assert.equal(v, expected(k), k);
    }
    assert.equal(Object.keys(got[0].payload.values).length, 21);
    assert.equal(Object.keys(got[1].payload.values).length, 13);
    // Output 2 of the Read node carries the same values: nothing new to report.
    r1.receive(FIXTURE.messages.inputRegisters[1]);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(got.length, 4);
    const last = statuses[statuses.length - 1];
    assert.deepEqual([last.fill, last.text], ['green', '1 IED: 1 good']);
  });

  it('decodes a live node-red-contrib-modbus Read flow against a Modbus TCP server', async () => {
    const live = await captureModbusReadMessages();
    await new Promise<void>((r) => helper.stopServer(() => r()));
    await new Promise<void>((r) => helper.startServer(() => r()));
    const { r1, got } = await setup({ iedId: 'CB1-IED', unitId: String(CAPTURE_UNIT_ID) });
    r1.receive(live.inputRegisters[0]);
    r1.receive(live.discreteInputs[1]);
    await waitFor(() => got.length === 2, 'two measurements');
    for (const m of got) for (const [k, v] of Object.entries(m.payload.values)) assert.equal(v, expected(k), k);
    // Same shape as the fixture: the request fields the reader relies on.
    const input = live.inputRegisters[0].input as { payload: Record<string, unknown>; unitId: number };
    assert.deepEqual({ fc: input.payload.fc, address: input.payload.address, quantity: input.payload.quantity, unitId: input.unitId }, { fc: 4, address: '0', quantity: '40', unitId: 7 });
    assert.match(String((live.failedRead[0].error as { message: string }).message), /Modbus exception 2/);
  });

  it('serves the IEDs of a feeder model by unit id, with their devices and sections', async () => {
    const { r1, got, statuses } = await setup({ feeder: 'f1' }, true);
    const first = deployCalls('status', 'r1')[0] as Status;
    assert.deepEqual([first.fill, first.text], ['grey', '4 IEDs: 4 waiting']);
    r1.receive(irBlock(2, { iaA: 310, fHz: 50 }));
    r1.receive(irBlock(4, { iaA: 120, fHz: 50 }));
    await waitFor(() => got.length === 2, 'two measurements');
    assert.deepEqual(got.map((m) => [m.payload.ied, m.payload.device, m.payload.section, m.payload.unitId, m.payload.values.iaA]), [
      ['R2-IED', 'R2', null, 2, 310], ['FPI-S4', null, 'S4', 4, 120],
    ]);
    await waitFor(() => statuses[statuses.length - 1].text === '4 IEDs: 2 good, 2 waiting', 'status');
    assert.equal(statuses[statuses.length - 1].fill, 'yellow');
  });

  it('fails malformed messages with done(err) naming IED, address and reason, and keeps running', async () => {
    const { r1, got, errors, statuses } = await setup({ feeder: 'f1' }, true);
    r1.receive({ payload: [1, 2], unitId: 9, fc: 4, address: 0 });
    r1.receive({ payload: [1, 2, 3], unitId: 1, fc: 4, address: 0, quantity: 2 });
    r1.receive({ payload: [1, 2], unitId: 1, fc: 4, address: 40 });
    r1.receive({ payload: 'garbage', unitId: 1, fc: 4, address: 0 });
    await waitFor(() => errors.length === 4, 'four errors');
    assert.match(errors[0], /unknown unit id 9: configured IEDs are "CB-IED" \(unit 1\), "R2-IED" \(unit 2\), "SW3-IED" \(unit 3\), "FPI-S4" \(unit 4\)/);
    assert.match(errors[1], /IED "CB-IED" \(unit 1\): input registers 0..1: 3 values received for 2 requested/);
    assert.match(errors[2], /IED "CB-IED" \(unit 1\): input registers 40..41: input register 40 is outside map "dms-standard-ied"/);
    assert.match(errors[3], /unit 1: payload is string/);
    assert.equal(statuses[statuses.length - 1].fill, 'red');
    assert.equal(got.length, 0, 'no partial output');
    r1.receive(irBlock(1, { iaA: 300, fHz: 50 }));
    await waitFor(() => got.length === 1, 'the next good message');
    await waitFor(() => statuses[statuses.length - 1].fill !== 'red', 'status back from red');
  });

  it('marks values stale on its timer when reads stop, and good again when they resume', async () => {
    const { r1, got, statuses } = await setup({ unitId: '1', staleAfterS: '0.2' });
    r1.receive(irBlock(1, { iaA: 300, fHz: 50 }));
    await waitFor(() => got.length === 2, 'stale report after the read');
    assert.equal(got[1].payload.reason, 'stale');
    assert.equal(got[1].payload.quality, 'stale');
    assert.equal(got[1].payload.values.iaA, 300);
    await waitFor(() => statuses[statuses.length - 1].text === '1 IED: 1 stale', 'stale status');
    r1.receive(irBlock(1, { iaA: 300, fHz: 50 }));
    await waitFor(() => got.length === 3, 'good again');
    assert.equal(got[2].payload.quality, 'good');
    assert.equal(Object.keys(got[2].payload.values).length, 21);
  });

  it('turns the failed-read message into comms-failed, and heartbeats every value', async () => {
    const { r1, got, statuses } = await setup({ unitId: '7', heartbeatS: '0.15', staleAfterS: '60' });
    r1.receive(FIXTURE.messages.inputRegisters[0]);
    r1.receive(FIXTURE.messages.failedRead[0]);
    await waitFor(() => got.length >= 2, 'measurement and failure');
    assert.equal(got[1].payload.reason, 'comms-failed');
    assert.match(got[1].payload.error!, /Illegal data address/);
    await waitFor(() => /comms failed/.test(statuses[statuses.length - 1].text ?? ''), 'comms status');
    await waitFor(() => got.some((m) => m.payload.reason === 'heartbeat'), 'heartbeat');
    const hb = got.find((m) => m.payload.reason === 'heartbeat')!;
    assert.equal(Object.keys(hb.payload.values).length, 21);
    assert.equal(hb.payload.quality, 'comms-failed');
  });

  it('sends every known value on ied/report', async () => {
    const { r1, got } = await setup({ unitId: '' });
    r1.receive(irBlock(5, { iaA: 300, fHz: 50 }));
    await waitFor(() => got.length === 1, 'first');
    r1.receive({ topic: 'ied/report' });
    await waitFor(() => got.length === 2, 'report');
    assert.equal(got[1].payload.reason, 'heartbeat');
    assert.equal(got[1].payload.ied, 'reader', 'the IED id defaults to the node name');
  });

  it('rejects a bad custom map at deploy with the point and field, and fails messages with it', async () => {
    const bad = JSON.stringify({ format: 'dms-register-map/1', name: 'x', points: [{ name: 'iaA', table: 'coil', address: 0, type: 'float32' }] });
    const { r1, errors } = await setup({ map: 'custom', mapJson: bad });
    assert.equal((deployCalls('status', 'r1')[0] as Status).fill, 'red');
    assert.match(String(deployCalls('error', 'r1')[0]), /custom register map is invalid: points\[0\] "iaA": type "float32" is not possible in the coil table/);
    r1.receive({ payload: [true], unitId: 1, fc: 1, address: 0 });
    await waitFor(() => errors.some((e) => /points\[0\] "iaA"/.test(e)), 'message error');
  });

  it('serves a built-in network without an ieds list with the simulator numbering (one IED per breaker)', async () => {
    await helper.load([feederNode, readerNode], [
      { id: 'f1', type: 'dms-feeder', name: 'RBTS', source: 'network', network: 'rbts-bus2' },
      { id: 'r1', type: 'dms-ied-reader', feeder: 'f1', map: 'dms-standard-ied', staleAfterS: '10', heartbeatS: '0', rbe: true, wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const got: Msg[] = [];
    (helper.getNode('out') as TestNode).on('input', (m) => got.push(m));
    (helper.getNode('r1') as TestNode).receive(irBlock(3, { iaA: 200, fHz: 50 }));
    await waitFor(() => got.length === 1, 'measurement');
    assert.deepEqual([got[0].payload.ied, got[0].payload.device], ['IED-CB-F3', 'CB-F3']);
    assert.equal((deployCalls('status', 'r1')[0] as Status).text, '4 IEDs: 4 waiting');
  });

  it('deploys the example flow (examples/flows/ied-reader.json) without configuration errors', async () => {
    const flow = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'examples', 'flows', 'ied-reader.json'), 'utf8')) as Array<Record<string, unknown>>;
    const core = (f: string): unknown => coreNodes(`common/${f.replace(/\.js$/, '')}`)[0];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const modbus = (f: string): unknown => require(`node-red-contrib-modbus/modbus/${f}`);
    const types = new Set(flow.map((n) => n.type));
    assert.deepEqual([...types].sort(), ['catch', 'comment', 'debug', 'dms-fault-detector', 'dms-feeder', 'dms-ied-reader', 'modbus-client', 'modbus-read', 'tab']);
    // No server on 5020 here: the polls fail quietly; the point is that every node configures.
    const offline = flow.map((n) => (n.type === 'modbus-client' ? { ...n, tcpPort: '1', reconnectTimeout: '60000' } : n));
    await helper.load([feederNode, readerNode, builtNode('dms-fault-detector'), core('21-debug.js'), core('25-catch.js'), core('90-comment.js'), modbus('modbus-client.js'), modbus('modbus-read.js')], offline);
    const reader = flow.find((n) => n.type === 'dms-ied-reader')!.id as string;
    const detector = flow.find((n) => n.type === 'dms-fault-detector')!.id as string;
    assert.deepEqual(deployCalls('error', reader), []);
    assert.deepEqual(deployCalls('error', detector), []);
    assert.equal((deployCalls('status', reader)[0] as Status).text, '4 IEDs: 4 waiting');
  });

  it('rejects bad timing settings', async () => {
    await setup({ staleAfterS: '0' });
    assert.equal((deployCalls('status', 'r1')[0] as Status).fill, 'red');
    assert.match(String(deployCalls('error', 'r1')[0]), /configuration: stale after must be a number of seconds above 0 up to 86400 \(got "0"\)/);
  });
});
