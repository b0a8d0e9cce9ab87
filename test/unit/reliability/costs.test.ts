/**
 * The interruption cost model (thesis eq. 5.15–5.18, customer damage functions): La, C(i), CENS
 * and ECOST checked by hand on the textbook feeder, damage-function interpolation by hand, and the
 * errors for missing classes and malformed cost models.
 */
import assert from 'node:assert/strict';
import published from '../../fixtures/reliability/published.json';
import { networkModel } from '../../../lib/networks';
import { checkCostModel, costPerKWh, customerShares, damageCostPerKW, interruptedLoadKW } from '../../../lib/reliability/costs';
import { evaluatePredictive } from '../../../lib/reliability/predictive';
import type { LoadPoint } from '../../../lib/model/types';

const near = (a: number, b: number, what: string, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('interruption costs', () => {
  const residential = published.rbtsDamageFunctions.residential as Array<[number, number]>;

  it('interpolates damage functions linearly, proportionally below the first point, along the last segment beyond', () => {
    near(damageCostPerKW(residential, 20), 0.093, 'at 20 min');
    near(damageCostPerKW(residential, 240), 4.914, 'at 4 h');
    near(damageCostPerKW(residential, 40), 0.093 + (0.482 - 0.093) * (20 / 40), 'at 40 min');
    near(damageCostPerKW(residential, 300), 4.914 + (15.69 - 4.914) * (60 / 240), 'at 5 h');
    near(damageCostPerKW(residential, 0.5), 0.001 * 0.5, 'at 30 s');
    near(damageCostPerKW(residential, 600), 15.69 + (15.69 - 4.914) * (120 / 240), 'at 10 h');
    assert.equal(damageCostPerKW(residential, 0), 0);
  });

  it('La is avgKW, or peakKW × loadFactor; C(i) weighs perKWh by the (normalised) customer mix', () => {
    const lp: LoadPoint = { id: 'X', bus: 'B', customers: 10, avgKW: 40, peakKW: 100, customerMix: { residential: 24.71, commercial: 42.82, industrial: 29.58 } };
    assert.equal(interruptedLoadKW(lp), 40);
    assert.equal(interruptedLoadKW(lp, { loadFactor: 0.72 }), 72);
    const perKWh = { commercial: 0.6943, industrial: 0.5878, residential: 0.5666 };
    const total = 24.71 + 42.82 + 29.58;
    near(costPerKWh(lp, { perKWh })!, (24.71 * 0.5666 + 42.82 * 0.6943 + 29.58 * 0.5878) / total, 'C(i)');
    assert.deepEqual(customerShares({ ...lp, customerMix: undefined, customerClass: 'commercial' }), [['commercial', 1]]);
    assert.equal(costPerKWh(lp, {}), null);
  });

  it('CENS = Σ La·U·C on the textbook feeder (hand calculation from its load point U)', () => {
    const model = networkModel('textbook-fuses');
    model.loadPoints[0].customerClass = 'commercial';
    model.loadPoints[1].customerMix = { residential: 0.25, commercial: 0.75 };
    model.costs = { currency: 'USD', perKWh: { default: 2, commercial: 6 }, loadFactor: 0.5 };
    const r = evaluatePredictive(model);
    // U = 3.6, 4.4, 4.0, 3.6 h/yr; La = peak × 0.5 = 2500, 2000, 1500, 1000 kW; C = 6, 0.25·2 + 0.75·6 = 5, 2, 2.
    const expected = [2500 * 3.6 * 6, 2000 * 4.4 * 5, 1500 * 4.0 * 2, 1000 * 3.6 * 2];
    r.loadPoints.forEach((l, i) => near(l.cens!, expected[i], `CENS ${l.id}`));
    near(r.system.cens!, expected.reduce((a, b) => a + b), 'CENS');
    assert.equal(r.options.currency, 'USD');
    assert.equal(r.system.ecost, null);
  });

  it('ECOST prices each interruption by its own duration (textbook base: every failure is a repair)', () => {
    const model = networkModel('textbook-fuses-disconnects');
    model.costs = { damageFunctions: { default: residential } };
    const r = evaluatePredictive(model);
    // Load point A: S1 0.2/yr × 4 h, S2..S4 (0.6/yr) isolated after 0.5 h, lateral a 0.2/yr × 2 h; La = 5000 kW.
    const f = (h: number): number => damageCostPerKW(residential, h * 60);
    const a = 5000 * (0.2 * f(4) + 0.6 * f(0.5) + 0.2 * f(2));
    near(r.loadPoints[0].ecost!, a, 'ECOST of A');
    // Averaging first (U / λ = 1.5 h) would give a different number: the method must not do that.
    assert.ok(Math.abs(5000 * 1.0 * f(1.5) - a) > 1, 'ECOST by event durations differs from ECOST by average r');
    near(r.contributions.reduce((s, c) => s + c.ecost!, 0), r.system.ecost!, 'ECOST attributed');
  });

  it('fails clearly on a class without a cost and on malformed cost models', () => {
    const model = networkModel('rbts-bus2');
    model.costs = { perKWh: { residential: 1 } };
    assert.throws(() => evaluatePredictive(model), /costs\.perKWh has no entry for customer class "government\/institutional" \(load point "LP4"\)/);
    model.costs = { damageFunctions: { residential } };
    assert.throws(() => evaluatePredictive(model), /costs\.damageFunctions has no entry for customer class "government\/institutional"/);
    assert.throws(() => checkCostModel({ perKWh: { a: -1 } }), /costs\.perKWh\.a must be a non-negative number/);
    assert.throws(() => checkCostModel({ loadFactor: 2 }), /loadFactor must be a number in \(0, 1\]/);
    assert.throws(() => checkCostModel({ damageFunctions: { a: [[5, 1], [5, 2]] } }), /costs\.damageFunctions\.a\[1\]: minutes must be strictly ascending/);
    assert.throws(() => checkCostModel({ price: 1 }), /costs\.price is not recognised/);
  });
});
