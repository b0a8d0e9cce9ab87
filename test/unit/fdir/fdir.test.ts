import assert from 'node:assert/strict';
import { loadNetwork } from '../../../lib/networks';
import { loadFeeder } from '../../../lib/model/load';
import { Topology } from '../../../lib/model/topology';
import { planFdir } from '../../../lib/fdir/plan';
import { planReturnToNormal } from '../../../lib/fdir/normal';
import { checkCommand } from '../../../lib/fdir/interlocks';
import { PlanExecutor, type ExecutorEvent } from '../../../lib/fdir/executor';
import { indicatingMask, locateFault, simulateIndications } from '../../../lib/fdir/locate';
import type { PlanStep } from '../../../lib/fdir/types';
import { twoFeeders } from '../../support/fdir-field';


describe('FDIR', () => {
  describe('location', () => {
    it('finds the zone between the last device that saw fault current and the first that did not', () => {
      const f = loadFeeder(twoFeeders());
      const ind = indicatingMask(f.topology);
      const loc = locateFault(f.topology, { tripped: 'CBA', passage: { CBA: true, SA2: true, SA3: false, CBB: false } }, ind);
      assert.deepEqual(loc.fault.sections, ['LA2']);
      assert.equal(loc.fault.upstreamIndication, 'SA2');
      assert.deepEqual(loc.fault.downstreamIndications, ['SA3']);
    });

    it('widens the zone through a stale indication and says so', () => {
      const f = loadFeeder(twoFeeders());
      const loc = locateFault(f.topology, { tripped: 'CBA', passage: { CBA: true, SA2: 'stale', SA3: false } }, indicatingMask(f.topology));
      assert.deepEqual(loc.fault.sections, ['LA1', 'LA2']);
      assert.deepEqual(loc.fault.widenedThrough, ['SA2']);
      assert.ok(loc.fault.notes.some((n) => /"SA2" is stale: the zone is widened/.test(n)));
    });

    it('derives the indications a fault produces', () => {
      const f = loadFeeder(twoFeeders());
      const ind = simulateIndications(f.topology, f.index.sectionIndex.get('LA3')!, indicatingMask(f.topology));
      assert.deepEqual(ind, { tripped: 'CBA', passage: { CBA: true, SA2: true, SA3: true, CBB: false } });
    });

    it('reports a fault cleared by a lateral fuse without switching', () => {
      const plan = planFdir(loadNetwork('rbts-bus2'), { faultSection: 'L2' });
      assert.equal(plan.fault.clearedByFuse, 'FU-2');
      assert.deepEqual(plan.steps, []);
      assert.equal(plan.customersOut, 210);
    });
  });

  describe('planning', () => {
    it('isolates, recloses upstream and back-feeds through the tie', () => {
      const plan = planFdir(loadFeeder(twoFeeders()), { faultSection: 'LA2' });
      assert.deepEqual(plan.steps.map((s) => `${s.action} ${s.device}`), ['open SA2', 'open SA3', 'close CBA', 'close NOP']);
      assert.deepEqual(plan.steps.map((s) => s.restores), [[], [], ['P1'], ['P3']]);
      assert.equal(plan.customersInterrupted, 230);
      assert.equal(plan.customersRestored, 180);
      assert.equal(plan.customersOut, 50);
      assert.deepEqual(plan.closedTies, ['NOP']);
      assert.equal(plan.checkedBy, 'power flow');
      assert.equal(plan.estimatedRepairHours, 4);
    });

    it('leaves an area out when the tie cannot carry it, and says so', () => {
      const plan = planFdir(loadFeeder(twoFeeders(300)), { faultSection: 'LA2' });
      assert.deepEqual(plan.steps.map((s) => `${s.action} ${s.device}`), ['open SA2', 'open SA3', 'close CBA']);
      assert.deepEqual(plan.shed, ['P3']);
      assert.equal(plan.customersOut, 130);
    });

    it('for every section of RBTS Bus 2 ends radial, with the fault de-energised and every healthy reachable load point back', () => {
      const f = loadNetwork('rbts-bus2');
      for (const sec of f.model.sections) {
        if (sec.kind === 'tie') continue;
        const plan = planFdir(f, { faultSection: sec.id });
        const topo = new Topology(f.index, plan.finalStates);
        const s = f.index.sectionIndex.get(sec.id)!;
        assert.ok(topo.secDown[s] < 0, `${sec.id}: faulted section energised at the end`);
        // Unlimited ties: only load points that can reach no source without the faulted zone stay out.
        assert.deepEqual(plan.shed, [], `${sec.id}: nothing should be shed with unlimited ties`);
        const out = f.model.loadPoints.filter((_, l) => !topo.energised(f.index.lpBus[l]));
        for (const lp of out) {
          const path = f.topology.pathToSource(lp.bus);
          const behindFault = path.includes(sec.id) || lp.bus === sec.to || lp.bus === sec.from;
          assert.ok(behindFault, `${sec.id}: ${lp.id} is out but not behind the fault`);
        }
      }
    });
  });

  describe('interlocks', () => {
    it('refuses to close onto a faulted section or to parallel sources, and checks limits', () => {
      const f = loadFeeder(twoFeeders());
      const faulted = new Uint8Array(f.index.nSections);
      faulted[f.index.sectionIndex.get('LA2')!] = 1;
      const state = f.index.deviceStates({ CBA: false });
      const dev = (id: string) => f.index.deviceIndex.get(id)!;
      assert.match(checkCommand({ index: f.index, faulted }, state, dev('CBA'), true).reason!, /would energise faulted section "LA2"/);
      state[dev('SA2')] = 0;
      assert.equal(checkCommand({ index: f.index, faulted }, state, dev('CBA'), true).ok, true);
      const normal = f.index.deviceStates();
      assert.match(checkCommand({ index: f.index, faulted: new Uint8Array(f.index.nSections) }, normal, dev('NOP'), true).reason!, /would close a loop/);
      assert.equal(checkCommand({ index: f.index, faulted: new Uint8Array(f.index.nSections), allowSameSourceLoop: true }, normal, dev('NOP'), true).transientLoop, true);
      assert.equal(checkCommand({ index: f.index, faulted }, state, dev('SA3'), false).ok, true);
    });

    it('refuses to parallel two sources that do not allow it', () => {
      const f = loadNetwork('textbook-alternate-supply');
      const r = checkCommand({ index: f.index, faulted: new Uint8Array(f.index.nSections) }, f.index.deviceStates(), f.index.deviceIndex.get('NOP')!, true);
      assert.match(r.reason!, /would parallel sources "SUPPLY" and "ALTERNATE"/);
    });
  });

  describe('return to normal', () => {
    it('closes before opening between feeders of one source', () => {
      const f = loadFeeder(twoFeeders());
      const plan = planFdir(f, { faultSection: 'LA2' });
      const back = planReturnToNormal(f, plan.finalStates);
      assert.deepEqual(back.steps.map((s) => `${s.action} ${s.device}`), ['close SA2', 'close SA3', 'open NOP']);
      assert.deepEqual(back.plannedInterruptions, []);
    });

    it('makes a brief planned transfer when two sources may not be paralleled', () => {
      const f = loadNetwork('textbook-alternate-supply');
      const plan = planFdir(f, { faultSection: 'S2' });
      const back = planReturnToNormal(f, plan.finalStates);
      assert.deepEqual(back.steps.map((s) => `${s.action} ${s.device}`), ['close DS2', 'open NOP', 'close DS3']);
      assert.deepEqual(back.plannedInterruptions, [{ tie: 'NOP', loadPoints: ['C', 'D'], customers: 1200 }]);
    });
  });

  describe('executor', () => {
    const steps: PlanStep[] = [
      { step: 1, device: 'SA2', action: 'open', mode: 'remote', stage: 'isolate', reason: 'isolate', expectedClosed: false, restores: [] },
      { step: 2, device: 'CBA', action: 'close', mode: 'remote', stage: 'restore-upstream', reason: 'reclose', expectedClosed: true, restores: ['P1'] },
      { step: 3, device: 'NOP', action: 'close', mode: 'crew', stage: 'crew-restore', reason: 'tie', expectedClosed: true, restores: ['P3'] },
    ];
    const ok = () => ({ ok: true });
    const types = (ev: ExecutorEvent[]) => ev.map((e) => e.type);

    it('sends one command at a time and advances on the read-back', () => {
      const ex = new PlanExecutor(steps, { planId: 'p1', timeoutMs: 5000, interlock: ok, states: { SA2: true, CBA: false, NOP: false } });
      const first = ex.start(0);
      assert.deepEqual(types(first), ['command']);
      assert.deepEqual((first[0] as { command: { device: string; close: boolean } }).command.device, 'SA2');
      assert.deepEqual(ex.observe('SA2', true, 100), []);
      const next = ex.observe('SA2', false, 200);
      assert.deepEqual(types(next), ['step-done', 'command']);
      assert.deepEqual(types(ex.observe('CBA', true, 300)), ['step-done', 'await-crew']);
      assert.equal(ex.status, 'crew');
      assert.deepEqual(types(ex.confirmCrew(3, 400)), ['step-done', 'done']);
      assert.deepEqual(ex.completedAt, [200, 300, 400]);
    });

    it('stops with an alarm when the read-back is missing or wrong', () => {
      const ex = new PlanExecutor(steps, { planId: 'p1', timeoutMs: 5000, interlock: ok, states: { CBA: false } });
      ex.start(0);
      assert.deepEqual(ex.tick(4999), []);
      const alarm = ex.tick(5000)[0] as { alarm: { kind: string; message: string } };
      assert.equal(alarm.alarm.kind, 'timeout');
      assert.equal(ex.status, 'stopped');
      const ex2 = new PlanExecutor(steps, { planId: 'p2', timeoutMs: 5000, interlock: ok, states: { SA2: true } });
      ex2.start(0);
      ex2.observe('SA2', true, 10);
      const wrong = ex2.tick(6000)[0] as { alarm: { kind: string; message: string } };
      assert.equal(wrong.alarm.kind, 'wrong-state');
      assert.match(wrong.alarm.message, /"SA2" reads closed .* \(expected open\)/);
    });

    it('refuses a step its interlock rejects', () => {
      const ex = new PlanExecutor(steps, { planId: 'p1', timeoutMs: 5000, interlock: (s) => (s.device === 'CBA' ? { ok: false, reason: 'faulted zone' } : { ok: true }), states: { SA2: false } });
      const ev = ex.start(0);
      assert.deepEqual(types(ev), ['step-done', 'alarm']);
      assert.match((ev[1] as { alarm: { message: string } }).alarm.message, /interlock refused step 2 \(close "CBA"\): faulted zone/);
    });
  });
});
