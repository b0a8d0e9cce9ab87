/**
 * FDIR in automatic mode against the feeder simulator over Modbus TCP (RBTS Bus 2 with automated
 * disconnects and ties; IEDs and unit ids as the simulator assigns them). A permanent fault on L7
 * (feeder F1 between DS-7 and DS-10) locks CB-F1 out; FDIR locates it, isolates it, recloses CB-F1
 * and back-feeds LP7 through NO-F1F2 — checked by reading the simulator's own state. A command the
 * simulator refuses (its IED switched to local) stops the plan with an alarm and a replan; an IED
 * whose communications are lost widens the zone. See test/support/fdir-sim-loop.ts for the loop.
 */
import assert from 'node:assert/strict';
import { rbtsWithAutomation, SimFdirLoop } from '../support/fdir-sim-loop';

const AUTOMATIC = { mode: 'automatic' as const, allowAutomatic: true, confirmTimeoutMs: 4000, selectTimeoutMs: 2000 };

function devices(loop: SimFdirLoop): Record<string, boolean> {
  return Object.fromEntries(loop.sim.state().devices.map((d) => [d.id, d.closed]));
}

describe('FDIR end to end with the feeder simulator over Modbus TCP', function () {
  this.timeout(60000);
  let loop: SimFdirLoop | null = null;
  afterEach(async () => {
    await loop?.stop();
    loop = null;
  });

  it('locates, isolates and restores through the tie a permanent fault, confirmed by the simulator', async () => {
    loop = await SimFdirLoop.start(rbtsWithAutomation(), { fdir: AUTOMATIC });
    const l = loop;
    await l.until(() => l.fdir.states['CB-F1'] === true && l.fdir.states['NO-F1F2'] === false, 'first poll');
    l.sim.inject({ section: 'L7', type: '3ph', permanent: true });
    await l.until(() => l.fdir.phase === 'restored', 'restoration');
    const plan = l.outputs('fdir/plan')[0] as { faultedZone: string[]; plan: Array<{ device: string; action: string; mode: string }> };
    // The zone: from DS-7 (last IED with fault current) to DS-10 (first without), with the fused laterals L8, L9 between.
    assert.deepEqual(plan.faultedZone, ['L7', 'L8', 'L9']);
    assert.deepEqual(plan.plan.map((s) => `${s.mode} ${s.action} ${s.device}`), ['remote open DS-7', 'remote open DS-10', 'remote close CB-F1', 'remote close NO-F1F2']);
    const sim = l.sim.state();
    const d = devices(l);
    assert.deepEqual([d['DS-7'], d['DS-10'], d['CB-F1'], d['NO-F1F2']], [false, false, true, true]);
    // The simulator: only the load points of the isolated zone are without supply, and the fault is not energised.
    assert.deepEqual([...sim.unsupplied].sort(), ['LP5', 'LP6']);
    assert.equal(sim.faults[0].energised, false);
    assert.deepEqual(l.writeErrors, []);
    const report = l.outputs('fdir/report').at(-1) as { customersRestored: number; customersOut: number; stillOut: { loadPoints: string[] } };
    assert.deepEqual(report.stillOut.loadPoints, ['LP5', 'LP6']);
    assert.equal(report.customersOut, 11);
    assert.equal(report.customersRestored, 210 * 3 + 1 + 10);
    const recs = l.outputs('reliability/interruption') as Array<{ restoredBy: string; loadPoints: string[] }>;
    assert.deepEqual(recs.map((r) => [r.restoredBy, r.loadPoints]), [['CB-F1', ['LP1', 'LP2', 'LP3', 'LP4']], ['NO-F1F2', ['LP7']]]);
  });

  it('stops on a command the simulator refuses, raises the alarm and replans without that device', async () => {
    loop = await SimFdirLoop.start(rbtsWithAutomation(), {
      fdir: AUTOMATIC,
      // Just as the lockout is reported, DS-7 is switched to local at the switchgear: FDIR still believes it is in remote.
      beforeFaultEvent: () => loop!.sim.setRemote('IED-DS-7', false),
    });
    const l = loop;
    await l.until(() => l.fdir.states['CB-F1'] === true, 'first poll');
    l.sim.inject({ section: 'L7', type: '3ph', permanent: true });
    await l.until(() => l.outputs('fdir/alarm').length > 0, 'alarm');
    const alarm = l.outputs('fdir/alarm')[0] as { kind: string; device: string; message: string; replan: string };
    assert.equal(alarm.kind, 'refused');
    assert.equal(alarm.device, 'DS-7');
    assert.match(alarm.message, /IED "IED-DS-7" refused the open command on "DS-7": rejected: local mode/);
    assert.ok(l.writeErrors.some((e) => /unit 3 coil 0/.test(e)), 'the select write itself was rejected with a Modbus exception');
    await l.until(() => l.fdir.phase === 'crew', 'replanned plan up to its crew step');
    const replan = l.outputs('fdir/plan')[1] as { planId: string; replanOf: string; faultedZone: string[]; plan: Array<{ device: string; action: string; mode: string }> };
    assert.equal(replan.planId, alarm.replan);
    // Without DS-7 the zone is isolated from DS-4; CB-F1 recloses, NO-F1F2 back-feeds; a crew opens DS-7 so DS-4 can close again.
    assert.deepEqual(replan.plan.map((s) => `${s.mode} ${s.action} ${s.device}`), [
      'remote open DS-4', 'remote open DS-10', 'remote close CB-F1', 'remote close NO-F1F2', 'crew open DS-7', 'remote close DS-4',
    ]);
    const d = devices(l);
    assert.deepEqual([d['DS-4'], d['DS-7'], d['DS-10'], d['CB-F1'], d['NO-F1F2']], [false, true, false, true, true]);
    assert.deepEqual([...l.sim.state().unsupplied].sort(), ['LP3', 'LP4', 'LP5', 'LP6']);
  });

  it('widens the zone through an IED whose communications are lost', async () => {
    loop = await SimFdirLoop.start(rbtsWithAutomation(), { fdir: AUTOMATIC, staleAfterMs: 300 });
    const l = loop;
    await l.until(() => l.fdir.states['CB-F1'] === true, 'first poll');
    const ds7 = l.sim.units.find((u) => u.device === 'DS-7')!.unitId;
    l.silent.add(ds7);
    await new Promise((r) => setTimeout(r, 800));
    l.sim.inject({ section: 'L7', type: '3ph', permanent: true });
    await l.until(() => l.fdir.phase === 'restored', 'restoration');
    const plan = l.outputs('fdir/plan')[0] as { faultedZone: string[]; widenedThrough: string[]; notes: string[]; plan: Array<{ device: string; action: string; mode: string }> };
    assert.deepEqual(plan.widenedThrough, ['DS-7']);
    assert.deepEqual(plan.faultedZone, ['L4', 'L5', 'L6', 'L7', 'L8', 'L9']);
    assert.ok(plan.notes.some((n) => /"DS-7" is stale: the zone is widened through it/.test(n)));
    assert.deepEqual(plan.plan.map((s) => `${s.mode} ${s.action} ${s.device}`), ['remote open DS-4', 'remote open DS-10', 'remote close CB-F1', 'remote close NO-F1F2']);
    const d = devices(l);
    assert.deepEqual([d['DS-4'], d['DS-10'], d['CB-F1'], d['NO-F1F2']], [false, false, true, true]);
    assert.deepEqual([...l.sim.state().unsupplied].sort(), ['LP3', 'LP4', 'LP5', 'LP6']);
  });
});
