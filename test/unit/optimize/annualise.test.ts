import assert from 'node:assert/strict';
import { annualCostPerSwitch, capitalRecoveryFactor } from '../../../lib/optimize/annualise';

/** (1 + i)^n by repeated multiplication, independent of Math.pow. */
function compound(i: number, n: number): number {
  let g = 1;
  for (let k = 0; k < n; k++) g *= 1 + i;
  return g;
}

describe('switch cost annualisation (thesis eq. 5.14, CRF annuity)', () => {
  const thesis = { investmentPerSwitch: 1000, lifeYears: 20, interestRate: 0.08, maintenanceRate: 0.02 };

  it('compounds as the published interest tables do', () => {
    // Compound-amount factor (F/P, 8 %, 20) = 4.6610 and capital recovery factor (A/P, 8 %, 20) = 0.10185
    // in standard engineering-economy tables (4 and 5 significant figures).
    assert.ok(Math.abs(compound(0.08, 20) - 4.6610) < 5e-5);
    assert.ok(Math.abs(capitalRecoveryFactor(0.08, 20) - 0.10185) < 5e-6);
    assert.equal(capitalRecoveryFactor(0, 20), 1 / 20);
  });

  it('eq. 5.14 for the thesis switch: 1000 USD, 20 years, 8 %, 2 % maintenance', () => {
    const expected = (1000 * compound(0.08, 20) * 1.02) / 20; // ≈ 237.71 USD per switch and year
    const fc = annualCostPerSwitch({ ...thesis, annualisation: 'thesis' });
    assert.ok(Math.abs(fc - expected) < 1e-9);
    assert.ok(Math.abs(fc - 237.71) < 0.01);
  });

  it('CRF annuity for the same switch, and without interest', () => {
    const g = compound(0.08, 20);
    const expected = ((1000 * 0.08 * g) / (g - 1)) * 1.02; // ≈ 103.89
    const fc = annualCostPerSwitch({ ...thesis, annualisation: 'crf' });
    assert.ok(Math.abs(fc - expected) < 1e-9);
    assert.ok(Math.abs(fc - 103.89) < 0.01);
    assert.ok(Math.abs(annualCostPerSwitch({ ...thesis, interestRate: 0, annualisation: 'crf' }) - 51) < 1e-12);
    assert.ok(Math.abs(annualCostPerSwitch({ ...thesis, interestRate: 0, annualisation: 'thesis' }) - 51) < 1e-12);
  });
});
