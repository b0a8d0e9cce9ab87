/**
 * The evaluator's contract: candidate masks and specs, errors naming what and where, switch states
 * that leave load unsupplied, tie capacity at the boundary, automated switching as momentary, and
 * re-evaluation giving the same numbers.
 */
import assert from 'node:assert/strict';
import { networkModel } from '../../../lib/networks';
import { ReliabilityEvaluator } from '../../../lib/reliability/evaluator';
import { evaluatePredictive } from '../../../lib/reliability/predictive';

describe('reliability evaluator', () => {
  it('re-evaluates with candidate switches on and off, and a common spec', () => {
    const model = networkModel('textbook-fuses');
    const ev = new ReliabilityEvaluator(model, { candidates: [{ section: 'S2', switchingHours: 0.5 }, { section: 'S3', switchingHours: 0.5 }, { section: 'S4', switchingHours: 0.5 }] });
    assert.equal(ev.nCandidates, 3);
    const none = { ...ev.evaluate() };
    // With all three the feeder is the published fuses + disconnects case: SAIDI 2.5767.
    const all = { ...ev.evaluate(Uint8Array.of(1, 1, 1)) };
    assert.ok(Math.abs(none.saidi - 3.906667) < 1e-6);
    assert.ok(Math.abs(all.saidi - 2.576667) < 1e-6);
    // Automated candidates (1 min): interruptions the disconnects shorten become momentary.
    const auto = { ...ev.evaluate(Uint8Array.of(1, 1, 1), { switchingHours: 1 / 60, automated: true }) };
    assert.ok(auto.maifi > 0 && auto.saidi < all.saidi);
    assert.ok(Math.abs(auto.saifi + auto.maifi - (all.saifi + all.maifi)) < 1e-12);
    // Back to none: identical to the first evaluation.
    assert.deepEqual({ ...ev.evaluate() }, none);
  });

  it('names the problem: unknown section or device, open section, bad mask, bad spec', () => {
    const model = networkModel('textbook-alternate-supply');
    assert.throws(() => new ReliabilityEvaluator(model, { candidates: [{ section: 'S9', switchingHours: 1 }] }), /candidate switch 0: section "S9" does not exist/);
    assert.throws(() => new ReliabilityEvaluator(model, { candidates: [{ section: 'ST', switchingHours: 1 }] }), /section "ST" is open or not supplied/);
    assert.throws(() => new ReliabilityEvaluator(model, { candidates: [{ id: 'X', section: 'S2', switchingHours: -1 }] }), /candidate switch 0 "X": switchingHours must be a non-negative number/);
    assert.throws(() => new ReliabilityEvaluator(model, { candidates: [{ section: 'S2', switchingHours: 1, type: 'tie' as never }] }), /type "tie" cannot be a candidate switch/);
    assert.throws(() => new ReliabilityEvaluator(model, { states: { NOPE: true } }), /switch state: device "NOPE" does not exist/);
    assert.throws(() => new ReliabilityEvaluator(model, { states: { NOP: true } }), /sources "SUPPLY" and "ALTERNATE" are connected/);
    assert.throws(() => new ReliabilityEvaluator(model, { momentaryThresholdMin: -1 }), /momentary threshold/);
    const ev = new ReliabilityEvaluator(model, { candidates: [{ section: 'S2', switchingHours: 1 }] });
    assert.throws(() => ev.evaluate(new Uint8Array(0)), /candidate mask has 0 entries, expected 1/);
  });

  it('leaves load points without supply out of every index and lists them', () => {
    // Open DS3: C and D lose supply (the alternate supply stays open).
    const r = evaluatePredictive(networkModel('textbook-fuses-disconnects'), { states: { DS3: false } });
    assert.deepEqual(r.unsupplied, ['C', 'D']);
    assert.deepEqual(r.loadPoints.map((l) => l.id), ['A', 'B']);
    assert.equal(r.system.customers, 1800);
    // A and B: main S1, S2 (S3/S4 are dead), A's and B's laterals; S2 isolated by DS2 for A.
    const a = r.loadPoints[0];
    assert.ok(Math.abs(a.lambda - (0.2 + 0.1 + 0.2)) < 1e-12);
    assert.ok(Math.abs(a.u - (0.2 * 4 + 0.1 * 0.5 + 0.2 * 2)) < 1e-12);
  });

  it('transfers through a tie exactly up to its capacity (peak load ≤ capacityKW)', () => {
    const model = networkModel('textbook-alternate-supply');
    const tie = model.devices.find((d) => d.id === 'NOP')!;
    // Below S4 (D: 2000 kW peak) fits 2000 kW; below S3 (C + D: 5000 kW) does not.
    tie.capacityKW = 2000;
    const r = evaluatePredictive(model);
    const d = r.loadPoints.find((l) => l.id === 'D')!;
    const c = r.loadPoints.find((l) => l.id === 'C')!;
    // D: S1..S3 failures (0.6/yr) transferred after 0.5 h, S4 repair 4 h, lateral d 0.2 × 2 h.
    assert.ok(Math.abs(d.u - (0.6 * 0.5 + 0.2 * 4 + 0.2 * 2)) < 1e-12, `D U ${d.u}`);
    // C: S1 and S2 failures can no longer move C + D together: repair (4 h).
    assert.ok(Math.abs(c.u - (0.2 * 4 + 0.1 * 4 + 0.3 * 4 + 0.2 * 0.5 + 0.4 * 2)) < 1e-12, `C U ${c.u}`);
    tie.capacityKW = 1999.999;
    const r2 = evaluatePredictive(model);
    assert.ok(r2.loadPoints.find((l) => l.id === 'D')!.u > d.u + 0.2, 'just below the peak load nothing transfers');
  });

  it('weighs a tie by its availability: pa·switching + (1 − pa)·repair', () => {
    const model = networkModel('textbook-alternate-supply');
    model.devices.find((d) => d.id === 'NOP')!.availability = 0.8;
    const r = evaluatePredictive(model);
    const d = r.loadPoints.find((l) => l.id === 'D')!;
    const t = (repair: number): number => 0.8 * 0.5 + 0.2 * repair;
    assert.ok(Math.abs(d.u - (0.2 * t(4) + 0.1 * t(4) + 0.3 * t(4) + 0.2 * 4 + 0.2 * 2)) < 1e-12, `D U ${d.u}`);
  });
});

describe('reliability evaluator: ECOST without attribution', () => {
  it('gives the same ECOST with evaluate(mask, spec, false, true) as with the detailed evaluation', () => {
    const model = networkModel('rbts-bus2');
    model.costs = { damageFunctions: { default: [[1, 0.5], [60, 5], [480, 40]] } };
    const ev = new ReliabilityEvaluator(model);
    ev.evaluate(undefined, undefined, true);
    const detailed = ev.lpEcost.slice();
    ev.lpEcost.fill(0);
    ev.evaluate(undefined, undefined, false, true);
    assert.deepEqual(ev.lpEcost, detailed);
    assert.ok(detailed.every((x) => x > 0));
  });
});
