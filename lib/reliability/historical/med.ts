/**
 * Major event days by the IEEE 1366 "2.5 beta" method: take daily SAIDI over the five years before
 * the reporting period (all available history when shorter), drop days without interruptions, take
 * natural logarithms, α = their mean, β = their standard deviation, T_MED = exp(α + 2.5 β). A day of
 * the reporting period whose SAIDI exceeds T_MED is a major event day. The threshold does not
 * depend on the unit of SAIDI (a unit change shifts α by a constant and leaves β).
 */

export interface MedThreshold {
  tMed: number;
  alpha: number;
  beta: number;
  nonZeroDays: number;
}

export type StdDevKind = 'sample' | 'population';

/**
 * T_MED from the daily SAIDI values of the history (zeros allowed; they are skipped). β is the
 * sample standard deviation (n − 1) by default, as spreadsheet implementations of the guide use.
 * Null with fewer than two non-zero days, when β is undefined.
 */
export function medThreshold(dailySaidi: Iterable<number>, stdDev: StdDevKind = 'sample'): MedThreshold | null {
  const logs: number[] = [];
  for (const v of dailySaidi) if (v > 0) logs.push(Math.log(v));
  const n = logs.length;
  if (n < 2) return null;
  const alpha = logs.reduce((a, b) => a + b, 0) / n;
  const ss = logs.reduce((a, b) => a + (b - alpha) ** 2, 0);
  const beta = Math.sqrt(ss / (stdDev === 'sample' ? n - 1 : n));
  return { tMed: Math.exp(alpha + 2.5 * beta), alpha, beta, nonZeroDays: n };
}
