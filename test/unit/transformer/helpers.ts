/** Test helpers: stations built from plain numbers, and reference loss formulas written out independently of lib/. */
import type { StationParams, TransformerParams } from '../../../lib/transformer';

export function unit(id: string, snKVA: number, p0KW: number, pkKW: number, ukPct: number, extra: Partial<TransformerParams> = {}): TransformerParams {
  return { id, snKVA, p0KW, pkKW, ukPct, ...extra };
}

export function station(t1: TransformerParams, t2: TransformerParams, extra: Partial<StationParams> = {}): StationParams {
  return {
    transformers: [t1, t2], overloadLimit: 1, reactiveEquivalentKWPerKvar: 0, blockedModes: [],
    paralleling: { allowed: true, ukTolerancePct: 10, maxCapacityRatio: 3, ratioTolerancePct: 0.5 },
    ...extra,
  };
}

export const bus = (pKW: number, qKvar: number, id = 'B'): { id: string; pKW: number; qKvar: number } => ({ id, pKW, qKvar });

/**
 * Reference losses (paper eqs. 2, 3, 4 and 8 written directly): returns {T1, T2, split, parallel} in kW.
 * eq. 8: P = P01 + P02 + S²·(Pk1/uk1² + Pk2/uk2²)/(SN1/uk1 + SN2/uk2)².
 */
export function referenceLosses(t1: TransformerParams, t2: TransformerParams, p1: number, q1: number, p2: number, q2: number): Record<'T1' | 'T2' | 'split' | 'parallel', number> {
  const sTot2 = (p1 + p2) ** 2 + (q1 + q2) ** 2;
  const s1sq = p1 ** 2 + q1 ** 2;
  const s2sq = p2 ** 2 + q2 ** 2;
  return {
    T1: t1.p0KW + t1.pkKW * sTot2 / t1.snKVA ** 2,
    T2: t2.p0KW + t2.pkKW * sTot2 / t2.snKVA ** 2,
    split: t1.p0KW + t1.pkKW * s1sq / t1.snKVA ** 2 + t2.p0KW + t2.pkKW * s2sq / t2.snKVA ** 2,
    parallel: t1.p0KW + t2.p0KW + sTot2 * (t1.pkKW / t1.ukPct ** 2 + t2.pkKW / t2.ukPct ** 2) / (t1.snKVA / t1.ukPct + t2.snKVA / t2.ukPct) ** 2,
  };
}
