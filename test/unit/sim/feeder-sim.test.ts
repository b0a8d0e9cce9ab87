import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { networkModel } from '../../../lib/networks';
import { powerFlow } from '../../../lib/powerflow/solve';
import { ManualClock } from '../../../lib/sim/clock';
import type { SimEvent } from '../../../lib/sim/event-log';
import { FeederSimulator } from '../../../lib/sim/feeder-sim';
import { E_V, iecSI, peakCurrents, rbtsAutomated, RS, R_PER_KM, threePhaseA, withImpedance, XS, X_PER_KM } from './fixtures';

function start(model = rbtsAutomated(), opts: ConstructorParameters<typeof FeederSimulator>[1] = {}) {
  const clock = new ManualClock();
  const sim = new FeederSimulator(model, { clock, ...opts });
  const events: SimEvent[] = [];
  sim.on('event', (e: SimEvent) => events.push(e));
  const t0 = clock.now();
  const of = (type: string) => events.filter((e) => e.type === type);
  const at = (e: SimEvent) => (e.tMs - t0) / 1000;
  return { clock, sim, events, of, at };
}

const values = (sim: FeederSimulator, ied: string) => sim.iedById(ied).values();
const rel = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${what}: ${a} vs ${b} (±${tol * 100} %)`);
/** Event times are epoch ms in doubles: about 0.25 µs resolution in 2024. */
const sameTime = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} s vs ${b} s`);

describe('FeederSimulator (quasi-static feeder, protection, reclosing)', () => {
  it('IED measurements are the power flow of the model at the IED: current, P/Q towards the load, bus voltage', () => {
    const { sim } = start();
    const pf = powerFlow(withImpedance(rbtsAutomated()), { load: 'peak' });
    for (const ied of sim.ieds) {
      const sec = pf.sections[ied.section];
      const bus = pf.buses.find((b) => b.id === sim.model.sections[ied.section].from)!;
      const v = ied.values();
      assert.equal(v.iaA, sec.iA, `${ied.spec.id} current`);
      assert.equal(v.pKW, sec.pKW, `${ied.spec.id} P`);
      assert.equal(v.qKvar, sec.qKvar, `${ied.spec.id} Q`);
      assert.equal(v.vabKV, bus.vPu * 11, `${ied.spec.id} V`);
      assert.equal(v.breakerClosed, true);
      assert.equal(v.fHz, 50);
    }
    // The feeder breakers carry their feeders' peak load plus losses.
    const f1 = ['LP1', 'LP2', 'LP3', 'LP4', 'LP5', 'LP6', 'LP7'];
    const peak = sim.model.loadPoints.filter((l) => f1.includes(l.id)).reduce((a, l) => a + l.peakKW, 0);
    const p = values(sim, 'IED-CB-F1').pKW as number;
    assert.ok(p > peak && p < peak * 1.05, `CB-F1 ${p} kW for ${peak} kW of peak load`);
  });

  it('a permanent fault on RBTS L7 trips CB-F1 on its IEC SI curve, recloses after 0.5 s and 15 s, then locks out', () => {
    const { clock, sim, of, at } = start();
    const iA = threePhaseA(0.75 + 0.75 + 0.375);
    const pickup = 2 * peakCurrents(rbtsAutomated()).L1;
    const tTrip = iecSI(0.1, iA, pickup);
    sim.inject({ section: 'L7', type: '3ph', permanent: true });
    const f = sim.activeFaults()[0];
    rel(f.currentA![0], iA, 1e-9, 'fault current');
    clock.advance(60_000);
    const trips = of('trip');
    assert.deepEqual(trips.map((e) => e.device), ['CB-F1', 'CB-F1', 'CB-F1']);
    sameTime(at(trips[0]), tTrip, 'first trip');
    const recloses = of('reclose');
    assert.deepEqual(recloses.map((e) => e.shot), [1, 2]);
    sameTime(at(recloses[0]), tTrip + 0.5, 'first reclose after the 0.5 s dead time');
    sameTime(at(trips[1]), 2 * tTrip + 0.5, 'second trip');
    sameTime(at(recloses[1]), 2 * tTrip + 0.5 + 15, 'second reclose after 15 s');
    sameTime(at(trips[2]), 3 * tTrip + 15.5, 'third trip');
    assert.equal(of('lockout').length, 1);
    assert.equal(of('lockout')[0].device, 'CB-F1');
    const v = values(sim, 'IED-CB-F1');
    assert.deepEqual([v.breakerOpen, v.lockout, v.tripped, v.tripCount, v.recloseCount, v.lockoutCount, v.recloseInProgress], [true, true, true, 3, 2, 1, false]);
    rel(v.faultIaA as number, iA, 1e-9, 'latched fault current');
    // Passage flags on exactly the IEDs between the source and the fault.
    const flagged = sim.ieds.filter((i) => i.values().fpiA).map((i) => i.spec.id);
    assert.deepEqual(flagged, ['IED-CB-F1', 'IED-DS-4', 'IED-DS-7']);
    assert.deepEqual(sim.snapshot().unsupplied, ['LP1', 'LP2', 'LP3', 'LP4', 'LP5', 'LP6', 'LP7']);
    // Downstream of the breaker the IEDs see no voltage and no current.
    const ds10 = values(sim, 'IED-DS-10');
    assert.deepEqual([ds10.iaA, ds10.vabKV, ds10.fHz], [0, 0, 0]);
  });

  it('a transient fault clears at the first reclose; the sequence resets after the reclaim time', () => {
    const { clock, sim, of } = start();
    sim.inject({ section: 'L18', type: 'ph-e', permanent: false });
    clock.advance(40_000);
    assert.deepEqual(of('trip').map((e) => e.device), ['CB-F3']);
    assert.equal(of('trip')[0].element, '51N');
    assert.equal(of('fault-extinguished').length, 1);
    assert.equal(of('reclose').length, 1);
    assert.equal(of('reclaim').length, 1);
    assert.equal(of('lockout').length, 0);
    assert.equal(sim.activeFaults().length, 0);
    const v = values(sim, 'IED-CB-F3');
    assert.deepEqual([v.breakerClosed, v.lockout, v.recloseInProgress, v.tripCount, v.recloseCount, v.fpiA, v.fpiB, v.fpiE], [true, false, false, 1, 1, true, false, true]);
    assert.equal(sim.snapshot().unsupplied.length, 0);
  });

  it('a phase-earth fault draws 3E/|2Z1 + Z0| with the documented line and source zero-sequence data', () => {
    const { sim } = start();
    sim.inject({ section: 'L16', type: 'ph-e', position: 1 });
    const km = 0.75;
    const r1 = RS + km * R_PER_KM;
    const x1 = XS + km * X_PER_KM;
    // Source Z0 = Z1; line R0 = R1 + 3·π²·50·1e-4 Ω/km, X0 = 3·X1.
    const r0 = RS + km * (R_PER_KM + 3 * Math.PI * Math.PI * 50e-4);
    const x0 = XS + 3 * km * X_PER_KM;
    const expected = (3 * E_V) / Math.hypot(2 * r1 + r0, 2 * x1 + x0);
    rel(sim.activeFaults()[0].residualA!, expected, 1e-9, '3I0');
  });

  it('a fault on a fused lateral blows the fuse, the breaker stays in; the repair replaces the fuse', () => {
    const { clock, sim, of } = start();
    sim.inject({ section: 'L2' });
    clock.advance(5_000);
    assert.deepEqual(of('trip').map((e) => e.device), ['FU-2']);
    assert.deepEqual(sim.snapshot().unsupplied, ['LP1']);
    assert.equal(values(sim, 'IED-CB-F1').breakerClosed, true);
    assert.equal(values(sim, 'IED-CB-F1').fpiA, true, 'the breaker carried the fault current');
    assert.equal(values(sim, 'IED-DS-4').fpiA, false, 'DS-4 is downstream of the tap');
    assert.deepEqual(sim.repair('L2'), ['F1']);
    assert.deepEqual(of('repair')[0].fusesReplaced, ['FU-2']);
    assert.deepEqual(sim.snapshot().unsupplied, []);
  });

  it('closing a breaker onto a permanent fault trips it again without reclosing (switch onto fault)', () => {
    const { clock, sim, of } = start(rbtsAutomated(), { breakerShots: 1 });
    sim.inject({ section: 'L4' });
    clock.advance(30_000);
    assert.equal(of('lockout').length, 1);
    const cb = sim.deviceIndexOf('CB-F1');
    assert.equal(sim.operate(cb, true, 'test'), true);
    clock.advance(99);
    assert.equal(values(sim, 'IED-CB-F1').breakerIntermediate, true, 'travelling for the operating time');
    clock.advance(5_000);
    assert.equal(of('trip').length, 3);
    assert.equal(of('reclose').length, 1, 'no reclose after the close by command');
    assert.equal(of('lockout').length, 2);
    assert.match(String(of('lockout')[1].reason), /switch onto fault/);
    sim.repair('L4');
    sim.operate(cb, true, 'test');
    clock.advance(200);
    assert.deepEqual([values(sim, 'IED-CB-F1').breakerClosed, values(sim, 'IED-CB-F1').lockout], [true, false]);
  });

  it('a high-resistance earth fault below every pickup is reported as undetected and burns on', () => {
    const { clock, sim, of } = start();
    sim.inject({ section: 'L10', type: 'ph-e', impedanceOhm: 500 });
    clock.advance(60_000);
    assert.equal(of('trip').length, 0);
    assert.equal(of('fault-undetected').length, 1);
    const v = values(sim, 'IED-CB-F1');
    const residual = (3 * E_V) / 1500; // ≈ 12.7 A: the 3·500 Ω dominates the loop
    rel(v.inA as number, residual, 0.01, 'residual current');
    assert.equal(v.fpiE, false);
  });

  it('load scale and a daily profile scale every load point (checked against the power flow with live loads)', () => {
    const m = rbtsAutomated();
    const profile = [0.5, 1.0];
    const { clock, sim } = start(m, { loadScale: 1.2, profile, loadUpdateS: 3600 });
    const scaled = (k: number) => Object.fromEntries(m.loadPoints.map((l) => [l.id, { pKW: l.peakKW * k, qKvar: l.peakKW * k * Math.sqrt(1 - 0.81) / 0.9 }]));
    // Midnight: profile 0.5.
    let pf = powerFlow(withImpedance(m), { loads: scaled(1.2 * 0.5) });
    rel(values(sim, 'IED-CB-F2').iaA as number, pf.sections.find((s) => s.id === 'L12')!.iA, 1e-9, 'midnight');
    // 06:00: halfway from 0.5 (00:00) to 1.0 (12:00).
    clock.advance(6 * 3600_000);
    pf = powerFlow(withImpedance(m), { loads: scaled(1.2 * 0.75) });
    rel(values(sim, 'IED-CB-F2').iaA as number, pf.sections.find((s) => s.id === 'L12')!.iA, 1e-9, '06:00');
    sim.setLoadScale(2);
    pf = powerFlow(withImpedance(m), { loads: scaled(2 * 0.75) });
    rel(values(sim, 'IED-CB-F2').pKW as number, pf.sections.find((s) => s.id === 'L12')!.pKW, 1e-9, 'scale 2');
  });

  it('a closed loop through a tie is solved (compensation method) and returns to the radial flow when opened', () => {
    const m = rbtsAutomated();
    m.devices.find((d) => d.id === 'NO-F1F2')!.automated = true;
    const { clock, sim, of } = start(m);
    const tie = sim.deviceIndexOf('NO-F1F2');
    sim.operate(tie, true, 'test');
    clock.advance(2_000);
    assert.equal(of('loop').length, 1);
    assert.deepEqual(of('loop')[0].closedLoopsThrough, ['NO-F1F2']);
    const loopI = values(sim, 'IED-NO-F1F2').iaA as number;
    assert.ok(loopI > 1, `the tie carries loop current (${loopI} A)`);
    // Both breakers together still feed both feeders: P(CB-F1) + P(CB-F2) ≥ their load.
    const load = m.loadPoints.filter((l) => ['LP1', 'LP2', 'LP3', 'LP4', 'LP5', 'LP6', 'LP7', 'LP8', 'LP9'].includes(l.id)).reduce((a, l) => a + l.peakKW, 0);
    const p = (values(sim, 'IED-CB-F1').pKW as number) + (values(sim, 'IED-CB-F2').pKW as number);
    rel(p, load, 0.03, 'loop feeders');
    // Open DS-10: radial again, fed partly through the tie.
    sim.operate(sim.deviceIndexOf('DS-10'), false, 'test');
    clock.advance(2_000);
    const pf = powerFlow(withImpedance(m), { load: 'peak', states: { 'NO-F1F2': true, 'DS-10': false } });
    rel(values(sim, 'IED-NO-F1F2').iaA as number, pf.sections.find((s) => s.id === 'LT1')!.iA, 1e-9, 'tie current after the transfer');
  });

  it('reset repairs faults and returns every device to its normal state; counters stay', () => {
    const { clock, sim } = start();
    sim.inject({ section: 'L21' });
    clock.advance(60_000);
    sim.reset();
    const snap = sim.snapshot();
    assert.equal(snap.faults.length, 0);
    assert.ok(snap.devices.every((d, i) => d.closed === !sim.model.devices[i].normallyOpen && !d.lockout));
    const v = values(sim, 'IED-CB-F3');
    assert.deepEqual([v.fpiA, v.tripped, v.tripCount], [false, false, 3]);
  });

  it('rejects bad faults, options and settings with errors that name them', () => {
    const { sim } = start();
    assert.throws(() => sim.inject({ section: 'L99' }), /section "L99" does not exist/);
    assert.throws(() => sim.inject({ section: 'L4', type: 'arc' }), /type "arc" is not one of/);
    assert.throws(() => sim.inject({ section: 'L4', position: 2 }), /position must be 0\.\.1/);
    assert.throws(() => new FeederSimulator(rbtsAutomated(), { clock: new ManualClock(), loadScale: -1 }), /loadScale must be a number ≥ 0/);
    assert.throws(() => new FeederSimulator(rbtsAutomated(), { clock: new ManualClock(), protection: { 'DS-4': { settings: { elements: [{ kind: 'definite', measures: 'phase', pickupA: 100, delayS: 0.2 }] } } } }), /a switch does not interrupt fault current/);
    assert.throws(() => new FeederSimulator(rbtsAutomated(), { clock: new ManualClock(), protection: { 'CB-X': {} } }), /device "CB-X" does not exist/);
    const noKV = { ...networkModel('rbts-bus2'), baseKV: undefined };
    assert.throws(() => new FeederSimulator(noKV, { clock: new ManualClock() }), /needs baseKV/);
  });

  it('custom relay settings decide the trip time (definite time 0.25 s on CB-F4)', () => {
    const { clock, sim, of, at } = start(rbtsAutomated(), { protection: { 'CB-F4': { settings: { elements: [{ kind: 'definite', measures: 'phase', pickupA: 400, delayS: 0.25 }] }, recloseShots: 0 } } });
    sim.inject({ section: 'L29' });
    clock.advance(10_000);
    assert.equal(of('trip').length, 1);
    assert.equal(at(of('trip')[0]), 0.25);
    assert.match(String(of('lockout')[0].reason), /no reclosing/);
  });
});
