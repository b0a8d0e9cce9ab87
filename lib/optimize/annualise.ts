/**
 * The yearly fixed cost of a switch (FC, thesis eq. 5.14) and its capital-recovery-factor
 * alternative. The thesis compounds the investment over the whole life and spreads it evenly,
 * FC = SC·(1 + ir)^ty·(1 + mc)/ty, which is dearer than a loan annuity; the CRF annuity is
 * SC·ir(1 + ir)^ty/((1 + ir)^ty − 1)·(1 + mc), and SC/ty·(1 + mc) when the interest rate is zero.
 * In both, maintenance is a share mc of the annual investment cost.
 */

export type Annualisation = 'thesis' | 'crf';

export interface SwitchEconomics {
  /** Installed cost of one switch (currency). */
  investmentPerSwitch: number;
  lifeYears: number;
  /** Per year, as a fraction (0.08 = 8 %). */
  interestRate: number;
  /** Maintenance as a fraction of the annual investment cost. */
  maintenanceRate: number;
  annualisation: Annualisation;
}

/** Capital recovery factor i(1+i)^n / ((1+i)^n − 1); 1/n at i = 0. */
export function capitalRecoveryFactor(interestRate: number, lifeYears: number): number {
  if (interestRate === 0) return 1 / lifeYears;
  const g = Math.pow(1 + interestRate, lifeYears);
  return (interestRate * g) / (g - 1);
}

/** Yearly cost of one switch (currency per year). */
export function annualCostPerSwitch(e: SwitchEconomics): number {
  const { investmentPerSwitch: sc, lifeYears: ty, interestRate: ir, maintenanceRate: mc } = e;
  if (e.annualisation === 'crf') return sc * capitalRecoveryFactor(ir, ty) * (1 + mc);
  return (sc * Math.pow(1 + ir, ty) * (1 + mc)) / ty;
}
