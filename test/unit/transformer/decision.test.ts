import assert from 'node:assert/strict';
import {
  decide, defaultDeviceIds, evaluatePoint, initialDecisionState, markIssued, ModeSelector, simulateControl,
  type LoadSample, type SelectorSettings,
} from '../../../lib/transformer';
import { bus, station, unit } from './helpers';

const s11 = (id: string) => unit(id, 630, 0.84, 6.2, 4.5);
const ST = station(s11('T1'), s11('T2'));
// Independent crossover of the identical units.
const S_CRIT = 630 * Math.sqrt((2 * 0.84) / 6.2);
const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

function settings(minSavingKW: number, minDwellMin: number): SelectorSettings {
  return {
    station: ST, decision: { minSavingKW, minDwellMs: minDwellMin * MIN }, control: 'automatic',
    devices: defaultDeviceIds('T1', 'T2'), commandTimeoutMs: 10_000, timeZone: 'UTC', maxHoldMs: 3_600_000,
  };
}

/** Load oscillating around the crossover: S = S_crit·(1 + a·sin(2πt/period)), 60/40 over the buses at pf 0.9. */
function oscillating(amplitude: number, periodMin: number, hours: number): LoadSample[] {
  const out: LoadSample[] = [];
  for (let m = 0; m < hours * 60; m++) {
    const s = S_CRIT * (1 + amplitude * Math.sin((2 * Math.PI * m) / periodMin));
    const p = 0.9 * s;
    const q = Math.sqrt(1 - 0.81) * s;
    out.push({ ts: T0 + m * MIN, buses: [bus(0.6 * p, 0.6 * q, 'B1'), bus(0.4 * p, 0.4 * q, 'B2')], mode: 'T1' });
  }
  return out;
}

function changeTimes(samples: LoadSample[], modes: string[]): number[] {
  const t: number[] = [];
  for (let i = 1; i < modes.length; i++) if (modes[i] !== modes[i - 1]) t.push(samples[i].ts);
  return t;
}

describe('decision with hysteresis and dwell', () => {
  it('without hysteresis a load oscillating around the crossover makes the breakers chatter', () => {
    const samples = oscillating(0.1, 20, 48);
    const sim = simulateControl(samples, settings(0, 0));
    // Two crossings per 20-minute period over 48 h: 288; each answered by a transfer.
    assert.ok(sim.transfers >= 280, `transfers ${sim.transfers}`);
  });

  it('a minimum saving above what the oscillation offers: no change at all', () => {
    const samples = oscillating(0.1, 20, 48);
    // Largest saving either way: P0·((1.1)² − 1) = 0.176 kW above, P0·(1 − 0.9²) = 0.160 kW below.
    const maxSaving = 0.84 * (1.1 ** 2 - 1);
    const sim = simulateControl(samples, settings(maxSaving + 0.01, 0));
    assert.equal(sim.transfers, 0);
    // And just below it the controller does act.
    assert.ok(simulateControl(samples, settings(maxSaving - 0.02, 0)).transfers > 0);
  });

  it('a minimum dwell bounds the number of changes and spaces them at least the dwell apart', () => {
    const samples = oscillating(0.3, 20, 48);
    const sim = simulateControl(samples, settings(0.05, 120));
    const times = changeTimes(samples, sim.modes);
    assert.ok(sim.transfers > 0, 'the controller still follows large swings');
    assert.ok(sim.transfers <= 48 * 60 / 120 + 1, `transfers ${sim.transfers}`);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 120 * MIN, `changes ${i - 1} and ${i} only ${(times[i] - times[i - 1]) / MIN} min apart`);
    // The first change waits for the dwell too (unknown history counts from the first sample).
    assert.ok(times[0] - T0 >= 120 * MIN);
  });

  it('a lasting load change is followed once the dwell has run', () => {
    const samples: LoadSample[] = [];
    for (let m = 0; m < 300; m++) {
      const s = m < 100 ? 200 : 500; // well below, then well above the crossover
      samples.push({ ts: T0 + m * MIN, buses: [bus(0.6 * s, 0, 'B1'), bus(0.4 * s, 0, 'B2')], mode: 'T1' });
    }
    const sim = simulateControl(samples, settings(0.1, 30));
    assert.equal(sim.transfers, 1);
    assert.equal(sim.modes[299], 'parallel');
    assert.equal(changeTimes(samples, sim.modes)[0], T0 + 101 * MIN); // decided at 100 min, in service from the next sample
  });

  describe('decide()', () => {
    const light = [bus(100, 40, 'B1'), bus(60, 20, 'B2')] as const;
    const cfg = { minSavingKW: 0.1, minDwellMs: 60 * MIN };

    it('holds during the dwell, then changes, and reports the saving and remaining dwell', () => {
      const ev = evaluatePoint(ST, ...light, 'parallel');
      const first = decide(ev, initialDecisionState(), cfg, T0);
      assert.equal(first.decision.action, 'hold');
      assert.equal(first.decision.dwellRemainingMs, 60 * MIN);
      assert.match(first.decision.reason, /minimum dwell \(60 min to go\)/);
      const later = decide(ev, first.state, cfg, T0 + 60 * MIN);
      assert.equal(later.decision.action, 'change');
      assert.equal(later.decision.target, 'T1');
      const expected = ev.modes[3].lossKW - ev.modes[0].lossKW; // parallel − T1
      assert.ok(Math.abs(later.decision.savingKW - expected) < 1e-12);
    });

    it('leaves an overloaded or blocked present mode at once, dwell or not', () => {
      const heavy = [bus(400, 200, 'B1'), bus(300, 150, 'B2')] as const; // 782 kVA
      const ev = evaluatePoint(ST, ...heavy, 'T1');
      const d = decide(ev, { mode: 'T1', modeSinceMs: T0, pending: null }, cfg, T0 + MIN);
      assert.equal(d.decision.action, 'change');
      assert.equal(d.decision.target, 'parallel');
      assert.match(d.decision.reason, /present mode T1 not permitted \(overload: T1 at 1.242 x SN/);
      const blocked = evaluatePoint(station(s11('T1'), s11('T2'), { blockedModes: ['T1'] }), ...light, 'T1');
      assert.equal(decide(blocked, { mode: 'T1', modeSinceMs: T0, pending: null }, cfg, T0 + MIN).decision.target, 'T2');
    });

    it('waits for an issued plan, and raises an alarm when telemetry does not show it in time', () => {
      const ev = evaluatePoint(ST, ...light, 'parallel');
      const st0 = markIssued({ mode: 'parallel', modeSinceMs: T0 - 120 * MIN, pending: null }, 'p1', 'T1', T0, 5 * MIN);
      const waiting = decide(ev, st0, cfg, T0 + MIN);
      assert.equal(waiting.decision.action, 'pending');
      const late = decide(ev, waiting.state, cfg, T0 + 6 * MIN);
      assert.equal(late.decision.action, 'alarm');
      assert.match(late.decision.reason, /plan p1 to T1 not confirmed by telemetry before its timeout/);
      assert.equal(late.state.pending, null);
      const done = decide(evaluatePoint(ST, ...light, 'T1'), st0, cfg, T0 + 2 * MIN);
      assert.equal(done.state.pending, null);
      assert.equal(done.state.modeSinceMs, T0 + 2 * MIN);
    });

    it('raises an alarm when no mode is feasible', () => {
      const ev = evaluatePoint(ST, bus(1000, 500), bus(900, 400), 'parallel');
      const d = decide(ev, initialDecisionState(), cfg, T0).decision;
      assert.equal(d.action, 'alarm');
      assert.match(d.reason, /^no feasible mode: T1: overload/);
    });
  });

  describe('selector control flow', () => {
    const base = { ...settings(0.1, 0), control: 'advisory' as const };
    const light = { ts: T0, buses: [bus(100, 40, 'B1'), bus(60, 20, 'B2')] as [ReturnType<typeof bus>, ReturnType<typeof bus>], mode: 'parallel' as const };

    it('advisory: proposes once, confirms by plan id, then waits for telemetry', () => {
      const sel = new ModeSelector(base);
      const r1 = sel.step(light);
      assert.equal(r1.planStatus, 'proposed');
      const planId = r1.plan!.planId;
      const r2 = sel.step({ ...light, ts: T0 + MIN });
      assert.equal(r2.planStatus, 'still-proposed');
      assert.equal(r2.plan!.planId, planId);
      assert.throws(() => sel.confirm('nope'), /plan "nope" is not the open proposal \(open: "tm-\d+-parallel-T1", parallel -> T1\)/);
      const plan = sel.confirm(planId);
      assert.equal(plan.to, 'T1');
      assert.throws(() => sel.confirm(planId), /no switching plan is waiting for confirmation/);
      // Two commands of 10 s each plus one more for the report: telemetry must show T1 within 30 s of the confirmation.
      assert.equal(plan.commands.length, 2);
      assert.equal(sel.step({ ...light, ts: T0 + MIN + 20_000 }).decision.action, 'pending');
      assert.equal(sel.step({ ...light, ts: T0 + MIN + 25_000, mode: 'T1' }).decision.action, 'hold');
    });

    it('a fault alarm suspends switching', () => {
      const sel = new ModeSelector({ ...base, control: 'automatic' });
      const r = sel.step({ ...light, faulted: true });
      assert.equal(r.decision.action, 'hold');
      assert.equal(r.plan, null);
      assert.match(r.decision.reason, /^fault alarm present: switching suspended \(would change to T1/);
    });

    it('run-time blocked modes join the configured ones', () => {
      const sel = new ModeSelector({ ...base, control: 'automatic' });
      sel.setRuntimeBlocked(['T1']);
      const r = sel.step(light);
      assert.deepEqual(sel.blockedModes, ['T1']);
      assert.equal(r.decision.target, 'T2');
    });
  });
});
