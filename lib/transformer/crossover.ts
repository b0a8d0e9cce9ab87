/**
 * Loads at which two modes lose the same (closed forms of the loss model): where single-unit
 * operation stops being cheaper than parallel operation, and where one unit alone beats the other.
 * Used for reporting; the selector itself always compares the modes' losses directly.
 */
import type { TransformerParams } from './types';

/** Parallel copper-loss coefficient: P_parallel = P01 + P02 + K·S², K = (Pk1/uk1² + Pk2/uk2²)/(SN1/uk1 + SN2/uk2)². */
export function parallelLossCoefficient(t1: TransformerParams, t2: TransformerParams): number {
  const y = t1.snKVA / t1.ukPct + t2.snKVA / t2.ukPct;
  return (t1.pkKW / (t1.ukPct * t1.ukPct) + t2.pkKW / (t2.ukPct * t2.ukPct)) / (y * y);
}

export interface Crossovers {
  /** Load above which parallel beats T1 alone (null when never). */
  t1VsParallelKVA: number | null;
  t2VsParallelKVA: number | null;
  /** Load at which T1 alone and T2 alone lose the same (null when never). */
  t1VsT2KVA: number | null;
}

export function crossovers(t1: TransformerParams, t2: TransformerParams): Crossovers {
  const k = parallelLossCoefficient(t1, t2);
  const a1 = t1.pkKW / (t1.snKVA * t1.snKVA);
  const a2 = t2.pkKW / (t2.snKVA * t2.snKVA);
  const root = (num: number, den: number): number | null => (den > 0 && num >= 0 ? Math.sqrt(num / den) : den < 0 && num <= 0 ? Math.sqrt(num / den) : null);
  return {
    t1VsParallelKVA: root(t2.p0KW, a1 - k),
    t2VsParallelKVA: root(t1.p0KW, a2 - k),
    t1VsT2KVA: a1 === a2 ? null : root(t2.p0KW - t1.p0KW, a1 - a2),
  };
}
