/**
 * The FDIR controller against a scripted field (test/support/fdir-field.ts): location from the
 * fault detector's event and the IEDs' quality, advisory and automatic execution with
 * select-before-operate and read-back, refusals and timeouts with replanning, live loads, the
 * report, interruption records and return to normal. Also the pieces: live-load allocation,
 * Flex-Write building, the outage tracker.
 */
import assert from 'node:assert/strict';
import { FdirController, type FdirOutput } from '../../../lib/fdir/controller';
import { commandWrites, fieldIeds, positionOf } from '../../../lib/fdir/field';
import { allocateLiveLoads } from '../../../lib/fdir/live-loads';
import { OutageTracker } from '../../../lib/fdir/outages';
import { loadFeeder } from '../../../lib/model/load';
import type { FeederModel } from '../../../lib/model/types';
import { FakeField, lockoutEvent, twoFeeders } from '../../support/fdir-field';

interface Harness {
  c: FdirController;
  field: FakeField;
  all: FdirOutput[];
  /** Feeds outputs' commands to the field and its answers back, until quiet. */
  run(out: FdirOutput[], now: number): FdirOutput[];
}

function harness(opts: ConstructorParameters<typeof FdirController>[1] = {}, model = twoFeeders()): Harness {
  const f = loadFeeder(model);
  const c = new FdirController(f, opts);
  const field = new FakeField(model, c.ieds);
  const all: FdirOutput[] = [];
  const run = (out: FdirOutput[], now: number): FdirOutput[] => {
    const seen: FdirOutput[] = [];
    const queue = [...out];
    while (queue.length) {
      const o = queue.shift()!;
      seen.push(o);
      all.push(o);
      if (o.port !== 'command') continue;
      const m = field.write(o.payload as never, now);
      if (m) queue.push(...c.measurement(m, now));
    }
    return seen;
  };
  return { c, field, all, run };
}

const topics = (out: FdirOutput[]) => out.map((o) => o.topic);
const ofTopic = <T = Record<string, unknown>>(out: FdirOutput[], t: string) => out.filter((o) => o.topic === t).map((o) => o.payload as T);

/** Pre-fault: everything reports (loads metered), then the breaker locks out and the IEDs report again. */
function faultOnLA2(h: Harness, t: number, passage?: string[]): FdirOutput[] {
  Object.assign(h.field.pKW, { CBA: 900, SA2: 500, SA3: 300, CBB: 290, NOP: 0 });
  for (const m of h.field.all(t - 60000)) h.run(h.c.measurement(m, t - 60000), t - 60000);
  h.field.closed.CBA = false;
  for (const d of passage ?? ['CBA', 'SA2']) h.field.passage.add(d);
  for (const m of h.field.all(t - 1000)) h.run(h.c.measurement(m, t - 1000), t - 1000);
  return h.run(h.c.faultEvent(lockoutEvent(t, passage?.map((d) => `IED-${d}`)), t), t);
}

describe('FDIR controller', () => {
  it('advisory: plans on the lockout, waits, and executes select-before-operate on confirmation', () => {
    const h = harness();
    const t = 1_700_000_000_000;
    const out = faultOnLA2(h, t);
    assert.deepEqual(topics(out), ['fdir/event', 'fdir/plan', 'fdir/report']);
    const plan = ofTopic<{ planId: string; faultedZone: string[]; awaiting: string; plan: Array<{ device: string; action: string }>; liveLoadPoints: number }>(out, 'fdir/plan')[0];
    assert.deepEqual(plan.faultedZone, ['LA2']);
    assert.equal(plan.awaiting, 'confirmation');
    assert.deepEqual(plan.plan.map((s) => `${s.action} ${s.device}`), ['open SA2', 'open SA3', 'close CBA', 'close NOP']);
    assert.equal(plan.liveLoadPoints, 5);
    assert.equal(h.c.phase, 'awaiting-confirmation');
    assert.equal(h.field.writes.length, 0, 'nothing is written before the confirmation');
    assert.match(h.c.status().text, /awaiting confirmation \(4 steps\)/);

    const done = h.run(h.c.confirm({ planId: plan.planId }, t + 1000), t + 1000);
    // Each step: select, (armed read back) operate; the IED's unit ids follow the device order (CBA 1, SA2 2, SA3 3, CBB 4, NOP 5).
    assert.deepEqual(h.field.writes.map((w) => `${w.ied}:${w.point}`), [
      'IED-SA2:selectOpen', 'IED-SA2:operate', 'IED-SA3:selectOpen', 'IED-SA3:operate', 'IED-CBA:selectClose', 'IED-CBA:operate', 'IED-NOP:selectClose', 'IED-NOP:operate',
    ]);
    assert.deepEqual(h.field.writes.slice(0, 2).map(({ fc, unitid, address, quantity, value }) => ({ fc, unitid, address, quantity, value })), [
      { fc: 5, unitid: 2, address: 0, quantity: 1, value: true }, { fc: 5, unitid: 2, address: 2, quantity: 1, value: true },
    ]);
    assert.equal(h.c.phase, 'restored');
    assert.deepEqual(ofTopic(done, 'fdir/event').filter((e) => e.type === 'step-done').map((e) => e.device), ['SA2', 'SA3', 'CBA', 'NOP']);
    const records = ofTopic<{ device: string; restoredBy: string; loadPoints: string[]; customersInterrupted: number; start: number; end: number; momentary: boolean; cause: string }>(done, 'reliability/interruption');
    assert.deepEqual(records.map((r) => [r.device, r.restoredBy, r.loadPoints]), [['CBA', 'CBA', ['P1']], ['CBA', 'NOP', ['P3']]]);
    assert.ok(records.every((r) => r.start === t - 20000 && r.end === t + 1000 && r.momentary && r.cause === 'DPSC'));
    const report = ofTopic<{ customersInterrupted: number; customersRestored: number; customersOut: number; stillOut: { loadPoints: string[]; estimatedRestorationTime: number } }>(done, 'fdir/report').at(-1)!;
    assert.equal(report.customersInterrupted, 230);
    assert.equal(report.customersRestored, 180);
    assert.equal(report.customersOut, 50);
    assert.deepEqual(report.stillOut.loadPoints, ['P2']);
    assert.equal(report.stillOut.estimatedRestorationTime, t - 20000 + 4 * 3600000, 'first trip + 4 h repair of LA2');
    assert.equal(h.c.status().text, 'restored 180 of 230 customers, 50 out');
  });

  it('allocates live loads per metering zone: zone power less the metered devices below, shared by peak load', () => {
    const model = twoFeeders();
    const f = loadFeeder(model);
    const a = allocateLiveLoads(f, f.topology, [{ device: 'CBA', pKW: 900, qKvar: 400 }, { device: 'SA2', pKW: 500 }, { device: 'SA3', pKW: 300, qKvar: 100 }, { device: 'NOP', pKW: 0 }]);
    // CBA's zone: P1 only (900 − 500); SA2's: P2 (500 − 300, Q unknown below a device without Q); SA3's: P3.
    assert.deepEqual(a.loads, { P1: { pKW: 400 }, P2: { pKW: 200 }, P3: { pKW: 300, qKvar: 100 } });
    assert.deepEqual(a.zones.map((z) => [z.device, z.loadPoints]), [['CBA', ['P1']], ['SA2', ['P2']], ['SA3', ['P3']]]);
    const b = allocateLiveLoads(f, f.topology, [{ device: 'CBB', pKW: 700 }]);
    // P4 : P5 peak 200 : 150.
    assert.equal(b.loads.P4.pKW, 400);
    assert.equal(b.loads.P5.pKW, 300);
    const neg = allocateLiveLoads(f, f.topology, [{ device: 'CBA', pKW: 100 }, { device: 'SA2', pKW: 200 }]);
    assert.equal(neg.loads.P1.pKW, 0);
    assert.match(neg.notes[0], /below "CBA": measured -100\.0 kW/);
  });

  it('automatic: a command the IED refuses stops the plan, raises an alarm and replans without that device', () => {
    const h = harness({ mode: 'automatic', allowAutomatic: true });
    const t = 1_700_000_000_000;
    h.field.local.add('SA3');
    faultOnLA2(h, t);
    const alarms = ofTopic<{ kind: string; device: string; message: string; replan: string }>(h.all, 'fdir/alarm');
    assert.equal(alarms.length, 1);
    assert.equal(alarms[0].kind, 'interlock', 'SA3 reports local mode: refused before anything is written');
    assert.match(alarms[0].message, /IED "IED-SA3" is in local mode/);
    const plans = ofTopic<{ planId: string; replanOf: string | null; isolatedSections: string[]; plan: Array<{ device: string; action: string; mode: string }>; unavailable: string[] }>(h.all, 'fdir/plan');
    assert.equal(plans.length, 2);
    assert.equal(plans[1].replanOf, plans[0].planId);
    assert.equal(alarms[0].replan, plans[1].planId);
    assert.deepEqual(plans[1].unavailable, ['SA3']);
    // Without SA3 the zone reaches NOP: SA2 is already open, CBA recloses; a crew opens SA3 by hand, then NOP back-feeds LA3.
    assert.deepEqual(plans[1].isolatedSections, ['LA2', 'LA3']);
    assert.deepEqual(plans[1].plan.map((s) => `${s.mode} ${s.action} ${s.device}`), ['remote close CBA', 'crew open SA3', 'remote close NOP']);
    assert.equal(h.c.phase, 'crew');
    assert.equal(h.field.closed.CBA, true);
    assert.equal(h.field.closed.NOP, false);
    assert.match(h.c.status().text, /^crew step 2\/3: open SA3/);
    h.field.local.delete('SA3');
    h.field.closed.SA3 = false; // the crew opened it; the IED reports it with the crew's confirmation
    h.run(h.c.measurement(h.field.measurement('IED-SA3', t + 600000), t + 600000), t + 600000);
    const out = h.run(h.c.confirm({ step: 2 }, t + 600000), t + 600000);
    assert.deepEqual(ofTopic(out, 'fdir/event').map((e) => e.type), ['crew-done', 'step-done', 'command', 'step-done', 'plan-done']);
    assert.equal(h.field.closed.NOP, true);
    assert.equal(h.c.phase, 'restored');
  });

  it('automatic: a refusal read back from the IED (commandResult) and a missing read-back (timeout) both replan', () => {
    const h = harness({ mode: 'automatic', allowAutomatic: true, confirmTimeoutMs: 3000 });
    const t = 1_700_000_000_000;
    h.field.stuck.add('SA2');
    faultOnLA2(h, t);
    assert.equal(h.c.phase, 'executing', 'SA2 accepted the command but does not move');
    assert.deepEqual(h.run(h.c.tick(t + 2999), t + 2999), []);
    const out = h.run(h.c.tick(t + 3000), t + 3000);
    const alarm = ofTopic<{ kind: string; message: string }>(out, 'fdir/alarm')[0];
    assert.equal(alarm.kind, 'wrong-state');
    assert.match(alarm.message, /"SA2" reads closed 3000 ms after the open command \(expected open\)/);
    const replan = ofTopic<{ isolatedSections: string[]; plan: Array<{ device: string; action: string; mode: string }> }>(out, 'fdir/plan')[0];
    // SA2 cannot open: the zone widens up to the breaker, which stays open; SA3 isolates, NOP back-feeds LA3; a crew then opens SA2 so CBA can reclose.
    assert.deepEqual(replan.isolatedSections, ['LA1', 'LA2']);
    assert.deepEqual(replan.plan.map((s) => `${s.mode} ${s.action} ${s.device}`), ['remote open SA3', 'remote close NOP', 'crew open SA2', 'remote close CBA']);
    assert.equal(h.c.phase, 'crew');
    assert.equal(h.field.closed.NOP, true);

    // An IED switched to local after its last report: the interlock cannot know; its command result says it.
    const h3 = harness({ mode: 'automatic', allowAutomatic: true, checkSelect: true });
    Object.assign(h3.field.pKW, { CBA: 900, SA2: 500, SA3: 300, CBB: 290 });
    for (const x of h3.field.all(t - 60000)) h3.run(h3.c.measurement(x, t - 60000), t - 60000);
    h3.field.closed.CBA = false;
    for (const x of h3.field.all(t - 1000)) h3.run(h3.c.measurement(x, t - 1000), t - 1000);
    h3.field.local.add('SA2');
    const out3 = h3.run(h3.c.faultEvent(lockoutEvent(t), t), t);
    const a3 = ofTopic<{ kind: string; message: string }>(out3, 'fdir/alarm')[0];
    assert.equal(a3.kind, 'refused');
    assert.match(a3.message, /IED "IED-SA2" refused the open command on "SA2": rejected: local mode/);
  });

  it('a stale indication widens the zone through that IED and says so', () => {
    const h = harness();
    const t = 1_700_000_000_000;
    Object.assign(h.field.pKW, { CBA: 900, SA2: 500, SA3: 300, CBB: 290 });
    for (const m of h.field.all(t - 60000)) h.run(h.c.measurement(m, t - 60000), t - 60000);
    h.field.silent.add('IED-SA2');
    h.field.closed.CBA = false;
    for (const m of h.field.all(t - 1000)) h.run(h.c.measurement(m, t - 1000), t - 1000);
    const out = h.run(h.c.faultEvent(lockoutEvent(t, ['IED-CBA']), t), t);
    const plan = ofTopic<{ faultedZone: string[]; widenedThrough: string[]; notes: string[]; plan: Array<{ device: string; action: string }> }>(out, 'fdir/plan')[0];
    assert.deepEqual(plan.faultedZone, ['LA1', 'LA2']);
    assert.deepEqual(plan.widenedThrough, ['SA2']);
    assert.ok(plan.notes.some((n) => /"SA2" is stale: the zone is widened through it/.test(n)));
    assert.deepEqual(plan.plan.map((s) => `${s.action} ${s.device}`), ['open SA3', 'close NOP']);
    assert.match(ofTopic<{ text: string }>(out, 'fdir/event')[0].text, /widened through SA2: stale or missing indication/);
  });

  it('returns to normal after the repair: close before open, records for the isolated zone', () => {
    const h = harness({ mode: 'automatic', allowAutomatic: true });
    const t = 1_700_000_000_000;
    faultOnLA2(h, t);
    assert.equal(h.c.phase, 'restored');
    const later = t + 3 * 3600000;
    const out = h.run(h.c.repaired({}, later), later);
    const back = ofTopic<{ kind: string; plan: Array<{ device: string; action: string }> }>(out, 'fdir/plan')[0];
    assert.equal(back.kind, 'return-to-normal');
    assert.deepEqual(back.plan.map((s) => `${s.action} ${s.device}`), ['close SA2', 'close SA3', 'open NOP']);
    assert.deepEqual({ ...h.field.closed }, { CBA: true, SA2: true, SA3: true, CBB: true, NOP: false });
    const rec = ofTopic<{ loadPoints: string[]; durationMin: number; momentary: boolean; restoredBy: string }>(out, 'reliability/interruption');
    assert.deepEqual(rec.map((r) => [r.loadPoints, r.restoredBy, r.momentary]), [[['P2'], 'SA2', false]]);
    assert.equal(rec[0].durationMin, Math.round(((later - (t - 20000)) / 60000) * 1000) / 1000);
    const final = ofTopic<{ state: string; customersOut: number; customersRestored: number }>(out, 'fdir/report').at(-1)!;
    assert.equal(final.state, 'normal');
    assert.equal(final.customersOut, 0);
    assert.equal(final.customersRestored, 230);
    assert.equal(h.c.phase, 'normal');
  });

  it('a patrol report narrows a zone the IEDs could not: crew steps isolate the section, confirmed one by one', () => {
    // SA2 and SA3 are manual (no IEDs): the breaker alone indicates, so the zone is the whole feeder A.
    const model = twoFeeders();
    for (const d of model.devices) if (d.id === 'SA2' || d.id === 'SA3') d.automated = false;
    const h = harness({}, model);
    const t = 1_700_000_000_000;
    const out = faultOnLA2(h, t, ['CBA']);
    const first = ofTopic<{ faultedZone: string[]; plan: unknown[] }>(out, 'fdir/plan')[0];
    assert.deepEqual(first.faultedZone, ['LA1', 'LA2', 'LA3']);
    assert.deepEqual(first.plan, [], 'nothing to switch until the fault is found');
    assert.equal(h.c.phase, 'restored');
    assert.throws(() => h.c.patrolLocated('LB1', t + 1), /section "LB1" is not in the faulted zone \(LA1, LA2, LA3\)/);
    assert.throws(() => h.c.patrolLocated({}, t + 1), /payload must be a section id or \{section\}/);

    const found = h.run(h.c.patrolLocated({ section: 'LA2' }, t + 600_000), t + 600_000);
    assert.match(ofTopic<{ text: string }>(found, 'fdir/event')[0].text, /patrol found the fault on "LA2"/);
    const plan = ofTopic<{ plan: Array<{ step: number; device: string; action: string; mode: string }>; awaiting: string; faultedZone: string[]; locatedZone: string[] }>(found, 'fdir/plan')[0];
    assert.deepEqual([plan.faultedZone, plan.locatedZone], [['LA2'], ['LA1', 'LA2', 'LA3']]);
    assert.deepEqual(plan.plan.map((s) => `${s.mode} ${s.action} ${s.device}`), ['crew open SA2', 'crew open SA3', 'remote close CBA', 'remote close NOP']);
    assert.equal(plan.awaiting, 'confirmation');

    // Confirmed: the crew steps wait for the crew, the remote ones run with read-back.
    let step = h.run(h.c.confirm({}, t + 601_000), t + 601_000);
    assert.equal(h.c.phase, 'crew');
    assert.match(ofTopic<{ text: string }>(step, 'fdir/event').at(-1)!.text, /step 1: crew to open "SA2"/);
    assert.throws(() => h.c.confirm({ step: 2 }, t + 602_000), /step 2 is not the crew step awaited \(step 1: open "SA2"\)/);
    h.field.closed.SA2 = false;
    step = h.run(h.c.confirm({ step: 1 }, t + 900_000), t + 900_000);
    assert.equal(h.c.phase, 'crew');
    h.field.closed.SA3 = false;
    step = h.run(h.c.confirm({ step: 2 }, t + 1_200_000), t + 1_200_000);
    assert.deepEqual(ofTopic(step, 'fdir/alarm'), []);
    assert.equal(h.c.phase, 'restored');
    assert.deepEqual({ ...h.field.closed }, { CBA: true, SA2: false, SA3: false, CBB: true, NOP: true });
    const report = ofTopic<{ customersOut: number; customersRestored: number }>(step, 'fdir/report').at(-1)!;
    assert.equal(report.customersOut, model.loadPoints.filter((l) => l.bus === 'A2').reduce((a, l) => a + l.customers, 0));
  });

  it('reports a fault cleared by a fuse without switching', () => {
    const model: FeederModel = twoFeeders();
    model.buses.push({ id: 'L1' });
    model.sections.push({ id: 'LL', from: 'A2', to: 'L1', lengthKm: 1, failureRatePerKmYr: 0.2, repairHours: 3, rOhm: 0.4, xOhm: 0.4, kind: 'lateral' });
    model.devices.push({ id: 'FU1', type: 'fuse', section: 'LL', end: 'from', normallyOpen: false, automated: false, switchingHours: 1 });
    model.loadPoints.push({ id: 'P6', bus: 'L1', customers: 30, avgKW: 50, peakKW: 70 });
    const h = harness({}, model);
    const t = 1_700_000_000_000;
    for (const m of h.field.all(t - 60000)) h.run(h.c.measurement(m, t - 60000), t - 60000);
    const out = h.c.faultEvent({ ...lockoutEvent(t), stage: 'cleared-elsewhere', permanent: null, device: null, deviceType: null, faultPassage: [{ ied: 'IED-CBA', device: 'CBA' }, { ied: 'IED-SA2', device: 'SA2' }], noPassage: ['IED-SA3'] }, t);
    const report = ofTopic<{ state: string; fuses: string[]; customersOut: number }>(out, 'fdir/report')[0];
    assert.equal(report.state, 'fuse');
    assert.deepEqual(report.fuses, ['FU1']);
    assert.equal(report.customersOut, 30);
    assert.equal(h.field.writes.length, 0);
    assert.equal(h.c.status().text, 'fuse FU1 operated: 30 customers out');
  });

  it('rejects bad input naming what is wrong, and automatic mode unless it is allowed', () => {
    const h = harness();
    assert.throws(() => h.c.measurement({ ied: 'X', ts: 1, values: {} }, 1), /IED "X" is not an IED of feeder "two feeders" \(its IEDs: "IED-CBA", "IED-SA2"/);
    assert.throws(() => h.c.measurement({ ied: 'IED-CBA', ts: 'now', values: {} }, 1), /payload\.ts must be epoch milliseconds/);
    assert.throws(() => h.c.faultEvent({ stage: 'boom', ts: 1 }, 1), /stage must be one of lockout, transient, cleared-elsewhere, restored/);
    assert.throws(() => h.c.faultEvent({ ...lockoutEvent(5), device: 'NOPE' }, 5), /device "NOPE" is not in feeder/);
    assert.throws(() => h.c.confirm({}, 1), /nothing awaits confirmation \(state: normal\)/);
    assert.throws(() => h.c.setMode('automatic', 1), /automatic mode is not enabled/);
    assert.throws(() => h.c.setMode('fast', 1), /must be "advisory" or "automatic"/);
    assert.throws(() => new FdirController(loadFeeder(twoFeeders()), { mode: 'automatic' }), /automatic mode is not allowed/);
  });

  it('builds Flex-Write payloads and reads positions from the register map', () => {
    const ieds = fieldIeds(twoFeeders());
    assert.deepEqual(ieds.map((i) => [i.id, i.device, i.unitId]), [['IED-CBA', 'CBA', 1], ['IED-SA2', 'SA2', 2], ['IED-SA3', 'SA3', 3], ['IED-CBB', 'CBB', 4], ['IED-NOP', 'NOP', 5]]);
    // dms-standard-ied: selectOpen coil 0, selectClose coil 1, operate coil 2, cancel coil 3.
    assert.deepEqual(commandWrites(ieds[4], true), {
      select: { value: true, fc: 5, unitid: 5, address: 1, quantity: 1 },
      operate: { value: true, fc: 5, unitid: 5, address: 2, quantity: 1 },
      cancel: { value: true, fc: 5, unitid: 5, address: 3, quantity: 1 },
    });
    const p = ieds[0].profile;
    assert.equal(positionOf(p, { breakerClosed: true, breakerOpen: false }), true);
    assert.equal(positionOf(p, { breakerClosed: false, breakerOpen: true }), false);
    assert.equal(positionOf(p, { breakerClosed: false, breakerOpen: false }), null, 'travelling');
    assert.equal(positionOf(p, { breakerClosed: true, breakerOpen: true }), null, 'bad state');
    assert.deepEqual([...p.refusals.keys()], [4, 5, 6]);
  });

  it('tracks outages and groups records by interrupting device', () => {
    const f = loadFeeder(twoFeeders());
    const ix = f.index;
    const lpKW = Float64Array.from(f.model.loadPoints, (l) => l.avgKW);
    const tr = new OutageTracker(f, { feederName: 'x', lpKW, momentaryThresholdMin: 5, idPrefix: 'F' }, ix.deviceStates(), ix.deviceStates({ CBA: false }), 0, 'CBA', 'DPSC');
    assert.deepEqual(tr.summary().loadPointsOut, ['P1', 'P2', 'P3']);
    const r1 = tr.update(ix.deviceStates({ CBA: true, SA2: false }), 'CBA', 240000, { planned: false, cause: 'DPSC' });
    assert.deepEqual(r1.map((r) => [r.loadPoints, r.durationMin, r.momentary, r.kWInterrupted]), [[['P1'], 4, true, 300]]);
    const r2 = tr.update(ix.deviceStates({ CBA: true, SA2: true }), 'SA2', 600000, { planned: false, cause: 'DPSC' });
    assert.deepEqual(r2.map((r) => [r.loadPoints, r.durationMin, r.momentary]), [[['P2', 'P3'], 10, false]]);
    const s = tr.summary();
    assert.deepEqual([s.customersInterrupted, s.customersRestored, s.customersOut, s.kWInterrupted], [230, 230, 0, 750]);
  });
});
