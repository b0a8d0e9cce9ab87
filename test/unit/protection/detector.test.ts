import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadFeeder, type LoadedFeeder } from '../../../lib/model/load';
import type { FeederModel } from '../../../lib/model/types';
import { FaultDetector, type DetectorOptions, type DetectorOutput, type FaultEvent, type InterruptionRecord } from '../../../lib/protection/detector';
import { validateProtection } from '../../../lib/protection/settings';

const MODEL: FeederModel = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'protection', 'f1-feeder.json'), 'utf8'));
const PROTECTION = validateProtection({ elements: [
  { kind: 'inverse', measures: 'phase', pickupA: 600, curve: 'IEC-SI', tms: 0.1 },
  { kind: 'instantaneous', measures: 'phase', pickupA: 6000 },
  { kind: 'definite', measures: 'earth', pickupA: 60, delayS: 0.5 },
] });
const T0 = Date.UTC(2024, 5, 3, 14, 0, 0);
const S = 1000;

/** Customers and average kW below a device, summed here from the model's load points. */
function below(lps: string[]): { customers: number; kW: number } {
  const sel = MODEL.loadPoints.filter((l) => lps.includes(l.id));
  return { customers: sel.reduce((a, l) => a + l.customers, 0), kW: sel.reduce((a, l) => a + l.avgKW, 0) };
}

function detector(opts: Partial<DetectorOptions> = {}, model: FeederModel = MODEL): FaultDetector {
  const feeder: LoadedFeeder = loadFeeder(JSON.parse(JSON.stringify(model)));
  return new FaultDetector({ feeder, protection: PROTECTION, reclaimS: 30, maxDeadTimeS: 60, settleS: 2, ...opts });
}

const closed = { breakerClosed: true, breakerOpen: false };
const open = { breakerClosed: false, breakerOpen: true };
const load = { iaA: 350, ibA: 345, icA: 352, inA: 8, vanKV: 6.35, vbnKV: 6.35, vcnKV: 6.35 };

class Run {
  out: DetectorOutput[] = [];
  constructor(readonly d: FaultDetector) {}
  send(ied: string, atS: number, values: Record<string, number | boolean>, qualities?: Record<string, string>): this {
    this.out.push(...this.d.ingest({ ied, ts: T0 + atS * S, values, ...(qualities ? { qualities } : {}) }));
    return this;
  }
  tick(atS: number): this {
    this.out.push(...this.d.advance(T0 + atS * S));
    return this;
  }
  events(): FaultEvent[] {
    return this.out.filter((o) => o.topic === 'fault/event').map((o) => o.payload as FaultEvent);
  }
  records(): InterruptionRecord[] {
    return this.out.filter((o) => o.topic === 'reliability/interruption').map((o) => o.payload as InterruptionRecord);
  }
  /** Normal state: every device closed, load current, counters at 5. */
  normal(atS: number): this {
    for (const ied of ['CB-IED', 'R2-IED', 'SW3-IED']) this.send(ied, atS, { ...closed, ...load, tripCount: 5, recloseCount: 3, lockout: false, tripped: false });
    return this.send('FPI-S4', atS, { ...load });
  }
}

describe('fault detector: reclose scenarios', () => {
  it('transient phase-earth fault on lateral T2 clears at the first reclose of R2: DTEF, momentary', () => {
    const r = new Run(detector()).normal(-10);
    r.send('CB-IED', 0, { faultIaA: 3100, faultInA: 2950, fpiA: true, fpiE: true });
    r.send('R2-IED', 0.2, { ...open, faultIaA: 3080, faultInA: 2930, fpiA: true, fpiE: true, tripped: true, tripCount: 6, vanKV: 3.3, iaA: 0, ibA: 0, icA: 0, inA: 0 });
    r.send('SW3-IED', 0.4, { iaA: 0, ibA: 0, icA: 0, inA: 0 });
    r.send('FPI-S4', 0.6, { iaA: 0, ibA: 0, icA: 0, inA: 0 });
    r.send('R2-IED', 2.2, { ...closed, ...load, recloseCount: 4 });
    r.tick(32.1);
    assert.deepEqual(r.events(), [], 'nothing before the reclaim time has passed');
    r.tick(32.2);
    const [ev] = r.events();
    assert.equal(ev.stage, 'transient');
    assert.equal(ev.permanent, false);
    assert.equal(ev.device, 'R2');
    assert.equal(ev.deviceType, 'recloser');
    assert.equal(ev.ied, 'R2-IED');
    assert.equal(ev.type, 'phase-earth');
    assert.deepEqual(ev.phases, ['A']);
    assert.equal(ev.earth, true);
    assert.equal(ev.peakCurrentA, 3100);
    assert.deepEqual(ev.faultPassage.map((p) => p.ied), ['CB-IED', 'R2-IED'], 'upstream first');
    assert.deepEqual(ev.noPassage, ['FPI-S4', 'SW3-IED']);
    assert.equal(ev.trips, 1);
    assert.equal(ev.recloses, 1);
    assert.equal(ev.cause, 'DTEF');
    assert.equal(ev.class, 'momentary');
    assert.equal(ev.durationMin, 2 / 60);
    // The operating element at the CB's peak (3100 A phase, 2950 A residual) with R2-IED's settings.
    const t51 = (0.1 * 0.14) / ((3100 / 600) ** 0.02 - 1);
    assert.equal(ev.element!.name, t51 < 0.5 ? '51P' : '50N-TD');
    assert.ok(Math.abs(ev.element!.operateTimeS - Math.min(t51, 0.5)) < 1e-12);
    const [rec] = r.records();
    const lp = below(['LP2', 'LP3', 'LP4']);
    assert.deepEqual(rec, {
      id: ev.id, feeder: 'F1 test feeder', device: 'R2', ied: 'R2-IED', start: T0 + 200, end: T0 + 2200, durationMin: 2 / 60,
      customersInterrupted: lp.customers, kWInterrupted: lp.kW, momentary: true, cause: 'DTEF', faultType: 'phase-earth', planned: false,
    });
    assert.equal(r.d.activeCount, 0);
  });

  it('transient fault that needs a second shot: the reclose inside the reclaim time continues the same event', () => {
    const r = new Run(detector()).normal(-10);
    r.send('R2-IED', 0, { ...open, faultIbA: 2500, faultIcA: 2450, fpiB: true, fpiC: true, tripped: true, tripCount: 6 });
    r.send('R2-IED', 1, { ...closed, recloseCount: 4 });
    r.send('R2-IED', 1.3, { ...open, tripCount: 7 });
    r.send('R2-IED', 16.3, { ...closed, recloseCount: 5 });
    r.tick(46.3);
    const [ev] = r.events();
    assert.equal(ev.stage, 'transient');
    assert.equal(ev.type, 'phase-phase');
    assert.deepEqual(ev.phases, ['B', 'C']);
    assert.equal(ev.trips, 2);
    assert.equal(ev.recloses, 2);
    assert.equal(ev.cause, 'DTSC');
    assert.equal(r.records()[0].durationMin, 16.3 / 60);
  });

  it('permanent phase-phase fault beyond the FPI: R2 locks out after its 3 shots (4th trip), then is closed after 45 min: DPSC, sustained', () => {
    const r = new Run(detector()).normal(-10);
    r.send('CB-IED', 0, { faultIbA: 4100, faultIcA: 4050, fpiB: true, fpiC: true });
    r.send('SW3-IED', 0, { faultIbA: 4080, faultIcA: 4040, fpiB: true, fpiC: true });
    r.send('FPI-S4', 0, { fpiB: true, fpiC: true, iaA: 0, ibA: 0, icA: 0 });
    r.send('R2-IED', 0.1, { ...open, faultIbA: 4090, faultIcA: 4045, fpiB: true, fpiC: true, tripped: true, tripCount: 6 });
    // Dead times 0.5 s, 15 s, 15 s: reclose onto the fault three times.
    let t = 0.1;
    for (const dead of [0.5, 15, 15]) {
      t += dead;
      r.send('R2-IED', t, { ...closed });
      t += 0.2;
      r.send('R2-IED', t, { ...open });
    }
    const lockoutAt = t;
    r.tick(lockoutAt + 1.9);
    assert.deepEqual(r.events(), [], 'the lockout event waits the settle time for late reports');
    r.tick(lockoutAt + 2);
    const [ev] = r.events();
    assert.equal(ev.stage, 'lockout');
    assert.equal(ev.permanent, true);
    assert.equal(ev.lockout, true);
    assert.equal(ev.lockoutBy, 'shots');
    assert.equal(ev.lockoutAt, T0 + Math.round(lockoutAt * S));
    assert.equal(ev.trips, 4);
    assert.equal(ev.recloses, 3);
    assert.equal(ev.type, 'phase-phase');
    assert.deepEqual(ev.phases, ['B', 'C']);
    assert.equal(ev.cause, 'DPSC');
    assert.equal(ev.class, null, 'the duration is not known at lockout');
    assert.equal(ev.peakCurrentA, 4100);
    assert.deepEqual(ev.faultPassage.map((p) => p.ied), ['CB-IED', 'R2-IED', 'SW3-IED', 'FPI-S4']);
    assert.deepEqual(ev.faultPassage[3], { ied: 'FPI-S4', device: null, section: 'S4', phases: ['B', 'C'], earth: false, peakA: { a: null, b: null, c: null, n: null } });
    assert.deepEqual(r.records(), [], 'no record before the device is closed again');
    // The feeder is free for the next disturbance while R2 waits.
    assert.equal(r.d.activeCount, 0);
    assert.equal(r.d.lockedCount, 1);
    r.send('R2-IED', 0.1 + 45 * 60, { ...closed });
    const restored = r.events()[1];
    assert.equal(restored.stage, 'restored');
    assert.equal(restored.class, 'sustained');
    const [rec] = r.records();
    assert.equal(rec.cause, 'DPSC');
    assert.equal(rec.momentary, false);
    assert.equal(rec.durationMin, 45);
    assert.equal(rec.customersInterrupted, below(['LP2', 'LP3', 'LP4']).customers);
    assert.equal(r.d.lockedCount, 0);
  });

  it('lockout flag of a breaker with shots left (reclosing blocked): DPEF at the flag', () => {
    const r = new Run(detector({ settleS: 0 })).normal(-10);
    r.send('CB-IED', 0, { ...open, faultInA: 380, fpiE: true, tripped: true, tripCount: 6, lockout: true, vanKV: 6.4, vbnKV: 3.1, vcnKV: 6.3 });
    const [ev] = r.events();
    assert.equal(ev.stage, 'lockout');
    assert.equal(ev.lockoutBy, 'flag');
    assert.equal(ev.type, 'earth');
    assert.deepEqual(ev.phases, ['B'], 'the faulted phase from the voltage dip');
    assert.equal(ev.cause, 'DPEF');
    assert.equal(ev.customersInterrupted, below(['LP1', 'LP2', 'LP3', 'LP4']).customers);
  });

  it('infers lockout when a device stays open longer than the longest dead time (no flag, shots unknown)', () => {
    const model = JSON.parse(JSON.stringify(MODEL)) as FeederModel;
    delete model.devices.find((d) => d.id === 'R2')!.recloseShots;
    const r = new Run(detector({ recloseShots: null }, model)).normal(-10);
    r.send('R2-IED', 0, { ...open, faultIaA: 1900, fpiA: true, tripCount: 6 });
    r.tick(59.9);
    assert.deepEqual(r.events(), []);
    r.tick(62);
    const [ev] = r.events();
    assert.equal(ev.lockoutBy, 'dead-time');
    assert.equal(ev.lockoutAt, T0 + 60 * S);
    assert.equal(ev.ts, T0 + 62 * S);
    assert.equal(ev.cause, 'DPEF');
  });

  it('counts trips the polls missed from the trip counter', () => {
    const r = new Run(detector({ settleS: 0 })).normal(-10);
    r.send('R2-IED', 0, { ...open, faultIaA: 1900, fpiA: true, tripCount: 6 });
    r.send('R2-IED', 20, { ...closed, tripCount: 8 }); // two more trip-reclose cycles between polls
    r.send('R2-IED', 36, { ...open, tripCount: 9 });
    const [ev] = r.events();
    assert.equal(ev.stage, 'lockout');
    assert.equal(ev.trips, 4);
  });

  it('follows each feeder of a substation on its own: a tie opened by an operator on F1/F2 does not take over a fault on F3', () => {
    // RBTS Bus 2 as in the demo: one source, four feeders; IEDs on CB-F1, CB-F3 and the F1-F2 tie.
    const demo = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'models', 'rbts-bus2-demo.json'), 'utf8')) as FeederModel;
    const r = new Run(detector({ settleS: 0 }, demo));
    for (const ied of ['IED-CB-F1', 'IED-CB-F3']) r.send(ied, -10, { ...closed, ...load, tripCount: 0, lockout: false, tripped: false });
    r.send('IED-NO-F1F2', -10, { ...closed, ...load }); // closed by an earlier restoration
    r.send('IED-NO-F1F2', 0, { ...open, iaA: 0, ibA: 0, icA: 0, inA: 0 }); // the operator puts it back to normal
    const fault = { iaA: 5200, ibA: 5150, icA: 5210, inA: 20 };
    r.send('IED-CB-F3', 1, { ...closed, ...fault });
    r.send('IED-CB-F3', 1.3, { ...open, iaA: 0, ibA: 0, icA: 0, inA: 0, tripped: true, tripCount: 1 });
    r.send('IED-CB-F3', 1.8, { ...closed, ...fault });
    r.send('IED-CB-F3', 2.1, { ...open, iaA: 0, ibA: 0, icA: 0, inA: 0, tripCount: 2, lockout: true });
    const [ev, ...more] = r.events();
    assert.deepEqual(more, []);
    assert.deepEqual([ev.stage, ev.device, ev.permanent, ev.type], ['lockout', 'CB-F3', true, 'three-phase']);
  });

  it('operational opening (no fault evidence): OP record, sustained after 10 min, momentary after 3 min, no fault event', () => {
    const r = new Run(detector()).normal(-10);
    r.send('SW3-IED', 0, { ...open, iaA: 0, ibA: 0, icA: 0, inA: 0 });
    r.tick(200); // beyond the dead time: it stays open, waiting
    r.send('SW3-IED', 600, { ...closed, ...load });
    r.send('SW3-IED', 700, { ...open });
    r.send('SW3-IED', 880, { ...closed });
    assert.deepEqual(r.events(), []);
    const recs = r.records();
    const lp = below(['LP3', 'LP4']);
    assert.deepEqual(recs.map((x) => [x.device, x.cause, x.durationMin, x.momentary, x.customersInterrupted, x.kWInterrupted, x.planned]), [
      ['SW3', 'OP', 10, false, lp.customers, lp.kW, undefined],
      ['SW3', 'OP', 3, true, lp.customers, lp.kW, undefined],
    ]);
  });

  it('fault cleared by an unmonitored device (fuse F4): cleared-elsewhere event with passage, no interruption record', () => {
    const r = new Run(detector()).normal(-10);
    for (const ied of ['CB-IED', 'R2-IED', 'SW3-IED']) r.send(ied, 0, { faultIaA: 2200, faultIbA: 2150, faultIcA: 2210, fpiA: true, fpiB: true, fpiC: true });
    r.send('FPI-S4', 0.1, { iaA: 2190, ibA: 2180, icA: 2200 });
    r.send('FPI-S4', 1.1, { ...load });
    r.tick(30.05);
    assert.deepEqual(r.events(), [], 'the reclaim time runs from the last evidence (0.1 s)');
    r.tick(30.1);
    const [ev] = r.events();
    assert.equal(ev.stage, 'cleared-elsewhere');
    assert.equal(ev.ts, T0 + 30100);
    assert.equal(ev.permanent, null);
    assert.equal(ev.cause, null);
    assert.equal(ev.device, null);
    assert.equal(ev.type, 'three-phase');
    assert.equal(ev.faultPassage.length, 4);
    assert.deepEqual(r.records(), []);
  });

  it('keeps an episode open while an IED still measures fault current', () => {
    const r = new Run(detector()).normal(-10);
    r.send('FPI-S4', 0, { iaA: 2190 });
    r.tick(100);
    assert.deepEqual(r.events(), []);
    r.send('FPI-S4', 101, { iaA: 300 });
    r.tick(131);
    assert.equal(r.events()[0].stage, 'cleared-elsewhere');
  });

  it('ignores stale and comms-failed values as evidence', () => {
    const r = new Run(detector()).normal(-10);
    r.send('CB-IED', 0, { faultIaA: 5000, fpiA: true, iaA: 5000, ...open }, { faultIaA: 'stale', fpiA: 'stale', iaA: 'comms-failed', breakerOpen: 'stale', breakerClosed: 'stale' });
    r.tick(500);
    assert.deepEqual(r.out, []);
  });

  it('works without a feeder model (no customers known)', () => {
    const d = new FaultDetector({ protection: PROTECTION, reclaimS: 5, maxDeadTimeS: 60 });
    const out: DetectorOutput[] = [];
    out.push(...d.ingest({ ied: 'X', device: 'CBX', ts: T0, values: { ...closed } }));
    out.push(...d.ingest({ ied: 'X', device: 'CBX', ts: T0 + S, values: { ...open, faultIaA: 2000, fpiA: true } }));
    out.push(...d.ingest({ ied: 'X', device: 'CBX', ts: T0 + 2 * S, values: { ...closed } }));
    out.push(...d.advance(T0 + 7 * S));
    assert.deepEqual(out.map((o) => o.topic), ['fault/event', 'reliability/interruption']);
    assert.equal((out[0].payload as FaultEvent).stage, 'transient');
    assert.equal((out[0].payload as FaultEvent).cause, 'DTEF');
    const rec = out[1].payload as InterruptionRecord;
    assert.deepEqual([rec.device, rec.feeder, rec.customersInterrupted, rec.kWInterrupted, rec.durationMin], ['CBX', 'feeder', 0, 0, 1 / 60]);
  });
});

describe('fault detector: bad input', () => {
  const d = detector();
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', 'hello', /payload must be an ied\/measurement object \{ied, ts, values\} \(got "hello"\)/],
    ['no ied', { ts: 1, values: {} }, /payload.ied must be the IED id \(got undefined\)/],
    ['ts not a number', { ied: 'CB-IED', ts: '2024-06-03', values: {} }, /IED "CB-IED": payload.ts must be epoch milliseconds \(got "2024-06-03"\)/],
    ['values not an object', { ied: 'CB-IED', ts: 1, values: [1] }, /IED "CB-IED": payload.values must be an object/],
    ['value of the wrong type', { ied: 'CB-IED', ts: 1, values: { iaA: '350' } }, /IED "CB-IED": values.iaA must be a number or boolean \(got "350"\)/],
    ['IED not in the feeder', { ied: 'XX', ts: 1, values: {} }, /IED "XX" is not in feeder "F1 test feeder" \(its ieds are "CB-IED", "R2-IED", "SW3-IED", "FPI-S4"\)/],
  ];
  for (const [label, payload, pattern] of cases) it(label, () => assert.throws(() => d.ingest(payload), pattern));
  it('rejects bad options', () => {
    assert.throws(() => new FaultDetector({ protection: PROTECTION, reclaimS: 0, maxDeadTimeS: 60 }), /reclaimS must be above 0 s \(got 0\)/);
    assert.throws(() => new FaultDetector({ protection: PROTECTION, reclaimS: 1, maxDeadTimeS: 60, recloseShots: 1.5 }), /recloseShots must be a whole number 0..10 \(got 1.5\)/);
  });
});
