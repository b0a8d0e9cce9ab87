import assert from 'node:assert/strict';
import {
  checkParalleling, defaultDeviceIds, MODES, modeFromStates, parseDeviceStates, planTransfer, statesOf,
  type DeviceStates, type ModeName, type ParallelingRules,
} from '../../../lib/transformer';
import { bus, station, unit } from './helpers';

const ids = defaultDeviceIds('T1', 'T2');
const ROLE_OF: Record<string, keyof DeviceStates> = { 'T1-HV': 't1HV', 'T1-LV': 't1LV', 'BUS-TIE': 'busTie', 'T2-LV': 't2LV', 'T2-HV': 't2HV' };
const allow: ParallelingRules = { allowed: true, ukTolerancePct: 10, maxCapacityRatio: 3, ratioTolerancePct: 0.5 };
const s11 = (id: string) => unit(id, 630, 0.84, 6.2, 4.5);
const ST = station(s11('T1'), s11('T2'));

/** Written here, independently: bus k has supply if its own unit (HV and LV closed) feeds it, or the other one does through the tie. */
function supplied(s: DeviceStates): [boolean, boolean] {
  const u1 = s.t1HV && s.t1LV;
  const u2 = s.t2HV && s.t2LV;
  return [u1 || (u2 && s.busTie), u2 || (u1 && s.busTie)];
}
const inParallel = (s: DeviceStates): boolean => s.t1HV && s.t1LV && s.t2HV && s.t2LV && s.busTie;

function play(from: ModeName, to: ModeName, rules: ParallelingRules) {
  const plan = planTransfer(ST, from, to, { devices: ids, paralleling: checkParalleling(ST.transformers[0], ST.transformers[1], rules), timeoutMs: 15_000, ts: 1_700_000_000_000 });
  const s = statesOf(from);
  const trace: DeviceStates[] = [];
  for (const c of plan.commands) {
    s[ROLE_OF[c.deviceId]] = c.intendedState === 'closed';
    trace.push({ ...s });
  }
  return { plan, end: s, trace };
}

const pairs: Array<[ModeName, ModeName]> = [];
for (const a of MODES) for (const b of MODES) if (a !== b) pairs.push([a, b]);

describe('switching sequences', () => {
  it('every transfer with paralleling permitted is make-before-break: no bus ever loses supply', () => {
    for (const [from, to] of pairs) {
      const { plan, end, trace } = play(from, to, allow);
      assert.deepEqual(end, statesOf(to), `${from} -> ${to} ends in ${to}`);
      assert.equal(plan.transfer, 'make-before-break');
      assert.deepEqual(plan.interruptions, []);
      trace.forEach((s, i) => assert.deepEqual(supplied(s), [true, true], `${from} -> ${to} step ${i + 1} drops load`));
      assert.equal(plan.blocked, false);
    }
  });

  it('commands carry device id, intended state, reason with plan id and step, and a timeout', () => {
    const { plan } = play('T1', 'split', allow);
    assert.deepEqual(plan.commands.map((c) => `${c.action} ${c.deviceId}`), ['close T2-HV', 'close T2-LV', 'open BUS-TIE']);
    plan.commands.forEach((c, i) => {
      assert.equal(c.planId, plan.planId);
      assert.equal(c.step, i + 1);
      assert.equal(c.steps, 3);
      assert.equal(c.timeoutMs, 15_000);
      assert.equal(c.intendedState, c.action === 'close' ? 'closed' : 'open');
      assert.ok(c.reason.includes(`plan ${plan.planId} step ${i + 1}/3`), c.reason);
    });
    assert.equal(plan.commands[0].reason, `transformer mode T1 -> split, plan ${plan.planId} step 1/3: energise T2`);
    assert.deepEqual(play('parallel', 'T2', allow).plan.commands.map((c) => `${c.action} ${c.deviceId}`), ['open T1-LV', 'open T1-HV']);
    assert.deepEqual(play('T1', 'T2', allow).plan.commands.map((c) => `${c.action} ${c.deviceId}`), ['close T2-HV', 'close T2-LV', 'open T1-LV', 'open T1-HV']);
  });

  it('without paralleling it opens before it closes, never parallels, and states the brief interruption', () => {
    const none = { ...allow, allowed: false };
    for (const [from, to] of pairs) {
      if (to === 'parallel' || from === 'parallel') continue;
      const { plan, end, trace } = play(from, to, none);
      assert.deepEqual(end, statesOf(to));
      assert.equal(plan.transfer, 'break-before-make');
      trace.forEach((s, i) => assert.equal(inParallel(s), false, `${from} -> ${to} parallels at step ${i + 1}`));
      // Every bus without supply at some step is listed, with the steps between which it is dead.
      for (const b of [0, 1]) {
        const dead = trace.map((s, i) => (!supplied(s)[b] ? i + 1 : 0)).filter(Boolean);
        const listed = plan.interruptions.filter((x) => x.bus === (b === 0 ? 'bus 1' : 'bus 2'));
        if (dead.length === 0) assert.equal(listed.length, 0, `${from} -> ${to} bus ${b + 1}`);
        else assert.deepEqual(listed.map((x) => [x.afterStep, x.restoredAtStep]), [[dead[0], dead[dead.length - 1] + 1]], `${from} -> ${to} bus ${b + 1}`);
      }
    }
    const t1t2 = play('T1', 'T2', none).plan;
    assert.deepEqual(t1t2.commands.map((c) => `${c.action} ${c.deviceId}`), ['close T2-HV', 'open T1-LV', 'close T2-LV', 'open T1-HV']);
    assert.deepEqual(t1t2.interruptions, [{ bus: 'bus 1', afterStep: 2, restoredAtStep: 3 }, { bus: 'bus 2', afterStep: 2, restoredAtStep: 3 }]);
    assert.match(t1t2.checks.find((c) => c.check === 'continuity')!.detail, /^brief transfer: bus 1 without supply from step 2 until step 3/);
  });

  it('blocks a plan whose parallel moment would overload the smaller unit', () => {
    const t1 = unit('T1', 400, 0.6, 4.6, 3.0);
    const t2 = unit('T2', 1000, 1.2, 9.0, 6.0);
    const rules = { ...allow, ukTolerancePct: 50 };
    const st = station(t1, t2, { paralleling: rules });
    const loads = [bus(270, 130, 'B1'), bus(520, 250, 'B2')] as [ReturnType<typeof bus>, ReturnType<typeof bus>];
    // T2 alone carries 876.6 kVA; closing T1 in first, T1 takes 133.3/(133.3+166.7) = 44.4 % = 389.6 kVA: fine at limit 1.
    const ok = planTransfer(st, 'T2', 'split', { devices: ids, paralleling: checkParalleling(t1, t2, rules), timeoutMs: 1000, ts: 1, loads });
    assert.equal(ok.blocked, false);
    // With a tighter limit of 0.95 x SN the parallel moment (0.974 x SN on T1) is refused.
    const tight = planTransfer({ ...st, overloadLimit: 0.95 }, 'T2', 'split', { devices: ids, paralleling: checkParalleling(t1, t2, rules), timeoutMs: 1000, ts: 1, loads });
    assert.equal(tight.blocked, true);
    assert.match(tight.checks.find((c) => !c.ok)!.detail, /^after step 2 T1 would carry 0.974 x SN \(limit 0.95\)/);
  });

  it('does not refuse a plan for the overload it relieves', () => {
    const loads = [bus(400, 200, 'B1'), bus(300, 150, 'B2')] as [ReturnType<typeof bus>, ReturnType<typeof bus>]; // 782.6 kVA on T1
    const plan = planTransfer(ST, 'T1', 'parallel', { devices: ids, paralleling: checkParalleling(ST.transformers[0], ST.transformers[1], allow), timeoutMs: 1000, ts: 1, loads });
    assert.equal(plan.blocked, false);
    assert.deepEqual(plan.commands.map((c) => `${c.action} ${c.deviceId}`), ['close T2-HV', 'close T2-LV']);
    // The reverse would push T1 to 1.24 x SN: refused.
    const back = planTransfer(ST, 'parallel', 'T1', { devices: ids, paralleling: checkParalleling(ST.transformers[0], ST.transformers[1], allow), timeoutMs: 1000, ts: 1, loads });
    assert.equal(back.blocked, true);
    assert.match(back.checks.find((c) => !c.ok)!.detail, /^after step 1 T1 would carry 1.242 x SN \(limit 1\)/);
  });

  it('judges the mode from switch positions and rejects states that drop a bus', () => {
    for (const m of MODES) {
      const raw = Object.fromEntries(Object.entries(statesOf(m)).map(([role, closed]) => [ids[role as keyof typeof ids], closed ? 'closed' : 'open']));
      assert.equal(modeFromStates(parseDeviceStates(raw, ids), ids), m);
    }
    const dead = { ...statesOf('split'), t2LV: false };
    assert.throws(() => modeFromStates(dead, ids), /switch states match no operating mode \(bus 2 without supply\): T1-HV closed, T1-LV closed, BUS-TIE open, T2-LV open, T2-HV closed/);
    assert.throws(() => parseDeviceStates({ 'T1-HV': true, 'T1-LV': 'shut' }, ids),
      /switches.T1-LV: "shut" is not "closed"\/"open"\/true\/false; switches.BUS-TIE: missing/);
  });
});
