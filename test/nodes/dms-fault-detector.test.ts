/**
 * dms-fault-detector node: register reads -> dms-ied-reader -> dms-fault-detector on the F1 test
 * feeder; a transient fault cleared at the first reclose and a permanent one locking out, with the
 * events on output 1 and the interruption records on output 2; bad messages and settings rejected
 * while the node keeps running.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeValues } from '../../lib/ied/image';
import { builtinMap } from '../../lib/ied/register-map';
import type { FeederModel } from '../../lib/model/types';
import type { FaultEvent, InterruptionRecord } from '../../lib/protection/detector';
import { builtNode, helper, waitFor } from '../support/node-red';

const feederNode = builtNode('dms-feeder');
const readerNode = builtNode('dms-ied-reader');
const detectorNode = builtNode('dms-fault-detector');
const FEEDER_JSON = readFileSync(path.join(__dirname, '..', 'fixtures', 'protection', 'f1-feeder.json'), 'utf8');
const MODEL = JSON.parse(FEEDER_JSON) as FeederModel;
const MAP = builtinMap('dms-standard-ied');
const PROTECTION = JSON.stringify({ elements: [
  { kind: 'inverse', measures: 'phase', pickupA: 600, curve: 'IEEE-VI', tms: 0.5, reset: 'dependent' },
  { kind: 'definite', measures: 'earth', pickupA: 60, delayS: 0.4 },
] });

type Msg = { topic: string; payload: unknown };
type TestNode = {
  receive(msg: unknown): void;
  on(ev: 'input', fn: (m: Msg) => void): void;
  on(ev: 'call:error' | 'call:status', fn: (c: { args: unknown[] }) => void): void;
  context(): { get(k: string): unknown };
};

function deployCalls(method: 'status' | 'error', id: string): unknown[] {
  const spy = (helper as unknown as { _NodePrototype: Record<string, { getCalls(): Array<{ thisValue: { id: string }; args: unknown[] }> }> })._NodePrototype[method];
  return spy.getCalls().filter((c) => c.thisValue.id === id).map((c) => c.args[0]);
}

/** Every table of one IED as Read nodes would deliver them. */
function reads(unitId: number, values: Record<string, number | boolean>): Array<Record<string, unknown>> {
  const img = encodeValues(MAP, values);
  return [
    { payload: img.read('inputRegister', 0, 40), unitId, fc: 4, address: 0, quantity: 40 },
    { payload: img.read('discreteInput', 0, 13), unitId, fc: 2, address: 0, quantity: 13 },
  ];
}

const normal = { breakerClosed: true, iaA: 350, ibA: 345, icA: 352, inA: 8, vanKV: 6.35, vbnKV: 6.35, vcnKV: 6.35, fHz: 50, tripCount: 5, recloseCount: 3, remote: true };

async function setup(detectorCfg: Record<string, unknown> = {}) {
  const flow = [
    { id: 'f1', type: 'dms-feeder', name: 'F1', source: 'json', json: FEEDER_JSON },
    { id: 'reader', type: 'dms-ied-reader', feeder: 'f1', map: 'dms-standard-ied', staleAfterS: '60', heartbeatS: '0', rbe: true, wires: [['det']] },
    { id: 'det', type: 'dms-fault-detector', feeder: 'f1', protection: PROTECTION, overrides: '', reclaimS: '0.4', maxDeadTimeS: '30', settleS: '0.1', recloseShots: '', nominalKV: '', wires: [['events'], ['records']], ...detectorCfg },
    { id: 'events', type: 'helper' },
    { id: 'records', type: 'helper' },
  ];
  await helper.load([feederNode, readerNode, detectorNode], flow);
  const reader = helper.getNode('reader') as TestNode;
  const det = helper.getNode('det') as TestNode;
  const events: FaultEvent[] = [];
  const records: InterruptionRecord[] = [];
  const errors: string[] = [];
  (helper.getNode('events') as TestNode).on('input', (m) => { assert.equal(m.topic, 'fault/event'); events.push(m.payload as FaultEvent); });
  (helper.getNode('records') as TestNode).on('input', (m) => { assert.equal(m.topic, 'reliability/interruption'); records.push(m.payload as InterruptionRecord); });
  det.on('call:error', (c) => errors.push(String((c.args[0] as Error)?.message ?? c.args[0])));
  const feed = async (unitId: number, values: Record<string, number | boolean>): Promise<void> => {
    for (const m of reads(unitId, values)) reader.receive(m);
    await new Promise((r) => setTimeout(r, 30));
  };
  return { reader, det, events, records, errors, feed };
}

function customersBelow(lps: string[]): number {
  return MODEL.loadPoints.filter((l) => lps.includes(l.id)).reduce((a, l) => a + l.customers, 0);
}

describe('dms-fault-detector node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });

  it('reader -> detector: a transient earth fault cleared by the first reclose of R2 gives DTEF and a momentary record', async () => {
    const { det, events, records, feed } = await setup();
    for (const unit of [1, 2, 3, 4]) await feed(unit, normal);
    await feed(1, { ...normal, faultIaA: 2600, faultInA: 2500, fpiA: true, fpiE: true });
    await feed(2, { ...normal, breakerClosed: false, breakerOpen: true, iaA: 0, ibA: 0, icA: 0, inA: 0, faultIaA: 2580, faultInA: 2490, fpiA: true, fpiE: true, tripped: true, tripCount: 6 });
    await feed(2, { ...normal, faultIaA: 2580, faultInA: 2490, fpiA: true, fpiE: true, tripped: true, tripCount: 6, recloseCount: 4 });
    await waitFor(() => records.length === 1, 'the record after the reclaim time');
    assert.equal(events.length, 1);
    const ev = events[0];
    assert.deepEqual([ev.stage, ev.device, ev.type, ev.cause, ev.class, ev.trips, ev.recloses], ['transient', 'R2', 'phase-earth', 'DTEF', 'momentary', 1, 1]);
    assert.deepEqual(ev.faultPassage.map((p) => p.ied), ['CB-IED', 'R2-IED']);
    assert.equal(ev.peakCurrentA, 2600);
    // IEEE VI, TD 0.5 at 2600/600 A against 50N-TD 0.4 s at 2500 A: computed here.
    const m = 2600 / 600;
    const t51 = 0.5 * (19.61 / (m * m - 1) + 0.491);
    assert.equal(ev.element!.name, t51 < 0.4 ? '51P' : '50N-TD');
    const r = records[0];
    assert.deepEqual([r.device, r.cause, r.momentary, r.customersInterrupted, r.planned], ['R2', 'DTEF', true, customersBelow(['LP2', 'LP3', 'LP4']), false]);
    assert.ok(r.durationMin > 0 && r.durationMin < 1);
    assert.equal((det.context().get('log') as unknown[]).length, 2, 'event and record kept in the node context');
  });

  it('reader -> detector: a permanent three-phase fault locks out the breaker (lockout flag): event at lockout, record when closed again', async () => {
    const { det, events, records, feed } = await setup();
    const statuses: Array<{ text?: string }> = [];
    det.on('call:status', (c) => statuses.push(c.args[0] as { text?: string }));
    for (const unit of [1, 2, 3, 4]) await feed(unit, normal);
    const fault = { faultIaA: 5200, faultIbA: 5150, faultIcA: 5180, fpiA: true, fpiB: true, fpiC: true };
    await feed(1, { ...normal, ...fault, breakerClosed: false, breakerOpen: true, iaA: 0, ibA: 0, icA: 0, inA: 0, tripped: true, tripCount: 6, lockout: true });
    await waitFor(() => events.length === 1, 'lockout event after the settle time');
    const ev = events[0];
    assert.deepEqual([ev.stage, ev.permanent, ev.device, ev.lockoutBy, ev.type, ev.cause, ev.class], ['lockout', true, 'CB', 'flag', 'three-phase', 'DPSC', null]);
    assert.equal(ev.customersInterrupted, customersBelow(['LP1', 'LP2', 'LP3', 'LP4']));
    assert.equal(records.length, 0);
    await waitFor(() => statuses.some((x) => x.text === 'locked out: CB (DPSC)'), 'lockout status');
    await feed(1, { ...normal, ...fault, tripped: true, tripCount: 6, lockout: false });
    await waitFor(() => records.length === 1, 'record');
    assert.equal(events[1].stage, 'restored');
    assert.deepEqual([records[0].device, records[0].cause, records[0].momentary], ['CB', 'DPSC', true]);
  });

  it('fails bad messages with done(err) and keeps running', async () => {
    const { det, errors, events } = await setup();
    det.receive({ topic: 'fault/event', payload: {} });
    det.receive({ topic: 'ied/measurement', payload: { ied: 'CB-IED', ts: 'now', values: {} } });
    det.receive({ topic: 'ied/measurement', payload: { ied: 'ZZ', ts: Date.now(), values: {} } });
    await waitFor(() => errors.length === 3, 'three errors');
    assert.match(errors[0], /expects ied\/measurement messages from dms-ied-reader \(got topic "fault\/event"\)/);
    assert.match(errors[1], /IED "CB-IED": payload.ts must be epoch milliseconds \(got "now"\)/);
    assert.match(errors[2], /IED "ZZ" is not in feeder "F1 test feeder"/);
    const ts = Date.now();
    det.receive({ topic: 'ied/measurement', payload: { ied: 'SW3-IED', ts, values: { breakerClosed: true, breakerOpen: false } } });
    det.receive({ topic: 'ied/measurement', payload: { ied: 'SW3-IED', ts: ts + 10, values: { breakerClosed: false, breakerOpen: true } } });
    det.receive({ topic: 'ied/measurement', payload: { ied: 'SW3-IED', ts: ts + 20, values: { breakerClosed: true, breakerOpen: false } } });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(errors.length, 3);
    assert.equal(events.length, 0, 'an operational open/close makes no fault event');
  });

  it('rejects invalid protection settings at deploy, naming the element and field', async () => {
    const bad = JSON.stringify({ elements: [{ kind: 'inverse', measures: 'phase', pickupA: 600, curve: 'IEC-SI', tms: 0.1, reset: 'dependent' }] });
    const { det } = await setup({ protection: bad });
    assert.equal((deployCalls('status', 'det')[0] as { fill: string }).fill, 'red');
    assert.match(String(deployCalls('error', 'det')[0]), /protection settings are invalid: elements\[0\]: reset "dependent" \(disc emulation\) is defined for the IEEE C37.112 curves only/);
    det.receive({ topic: 'ied/measurement', payload: { ied: 'CB-IED', ts: Date.now(), values: {} } });
    await waitFor(() => deployCalls('error', 'det').length === 2, 'the message fails too');
    assert.match(String((deployCalls('error', 'det')[1] as Error).message ?? deployCalls('error', 'det')[1]), /elements\[0\]/);
  });

  it('rejects per-IED settings and timing settings that are wrong', async () => {
    await setup({ overrides: JSON.stringify({ 'R2-IED': { elements: [{ kind: 'definite', measures: 'phase', pickupA: 600 }] } }), reclaimS: '30' });
    assert.match(String(deployCalls('error', 'det')[0]), /protection settings of "R2-IED" are invalid: elements\[0\]: delayS is required/);
  });

  it('rejects a reclose shot count that is not a whole number', async () => {
    await setup({ recloseShots: '2.5' });
    assert.match(String(deployCalls('error', 'det')[0]), /configuration: reclose shots must be a whole number 0..10 or empty \(got "2.5"\)/);
  });
});
