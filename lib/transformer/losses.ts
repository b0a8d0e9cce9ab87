/**
 * Transformer losses of each operation mode (Gao, Huang & Li 2013, eqs. 1–8):
 * a unit loses P0 + Pk·(S/SN)² (iron loss constant while energised, copper loss with the square of
 * loading). The load of a mode is the PHASOR sum of the bus loads it carries, |S1 + S2|, not
 * |S1| + |S2|. In parallel the units share the load in proportion to SN/uk (eqs. 5–7).
 * Reactive losses Q0 + (S/SN)²·Qk (Q0 = i0%·SN, Qk = uk%·SN unless given) feed the optional
 * economic equivalent Kq of the "comprehensive" loss P + Kq·Q used in economic-operation practice.
 */
import type { BusLoad, ModeName, StationParams, TransformerParams } from './types';

/** |P + jQ| of one bus. */
export function busKVA(b: BusLoad): number {
  return Math.sqrt(b.pKW * b.pKW + b.qKvar * b.qKvar);
}

/** |S1 + S2|: the load one unit carries when it feeds both buses. */
export function phasorSumKVA(b1: BusLoad, b2: BusLoad): number {
  const p = b1.pKW + b2.pKW;
  const q = b1.qKvar + b2.qKvar;
  return Math.sqrt(p * p + q * q);
}

/** Shares of the total load in parallel operation, y_i/(y1 + y2) with y_i = SN_i/uk_i (eqs. 6–7). */
export function parallelShares(t1: TransformerParams, t2: TransformerParams): [number, number] {
  const y1 = t1.snKVA / t1.ukPct;
  const y2 = t2.snKVA / t2.ukPct;
  return [y1 / (y1 + y2), y2 / (y1 + y2)];
}

/** Active loss of one energised unit carrying sKVA (eq. 1). */
export function unitLossKW(t: TransformerParams, sKVA: number): number {
  const beta = sKVA / t.snKVA;
  return t.p0KW + t.pkKW * beta * beta;
}

/** No-load reactive power of a unit, or null when neither q0Kvar nor i0Pct is known. */
export function noLoadKvar(t: TransformerParams): number | null {
  if (t.q0Kvar !== undefined) return t.q0Kvar;
  if (t.i0Pct !== undefined) return (t.i0Pct / 100) * t.snKVA;
  return null;
}

/** Reactive power absorbed by the leakage reactance at rated load (uk% of SN unless given). */
export function ratedLoadKvar(t: TransformerParams): number {
  return t.qkKvar ?? (t.ukPct / 100) * t.snKVA;
}

/** Reactive loss of one energised unit carrying sKVA, or null when Q0 is unknown. */
export function unitReactiveKvar(t: TransformerParams, sKVA: number): number | null {
  const q0 = noLoadKvar(t);
  if (q0 === null) return null;
  const beta = sKVA / t.snKVA;
  return q0 + ratedLoadKvar(t) * beta * beta;
}

/** Apparent power through each unit in a mode (0 for a de-energised unit). */
export function modeFlowsKVA(mode: ModeName, t1: TransformerParams, t2: TransformerParams, b1: BusLoad, b2: BusLoad): [number, number] {
  switch (mode) {
    case 'T1': return [phasorSumKVA(b1, b2), 0];
    case 'T2': return [0, phasorSumKVA(b1, b2)];
    case 'split': return [busKVA(b1), busKVA(b2)];
    case 'parallel': {
      const s = phasorSumKVA(b1, b2);
      const [k1, k2] = parallelShares(t1, t2);
      return [s * k1, s * k2];
    }
  }
}

/** Which units a mode energises. */
export function energised(mode: ModeName): [boolean, boolean] {
  return [mode !== 'T2', mode !== 'T1'];
}

export interface ModeLoss {
  lossKW: number;
  reactiveLossKvar: number | null;
  criterionKW: number;
  flowKVA: [number, number];
  loading: [number, number];
}

/** Losses and loadings of one mode. */
export function modeLoss(station: StationParams, mode: ModeName, b1: BusLoad, b2: BusLoad): ModeLoss {
  const [t1, t2] = station.transformers;
  const flowKVA = modeFlowsKVA(mode, t1, t2, b1, b2);
  const on = energised(mode);
  let lossKW = 0;
  let reactive: number | null = 0;
  const units = [t1, t2];
  for (let i = 0; i < 2; i++) {
    if (!on[i]) continue;
    lossKW += unitLossKW(units[i], flowKVA[i]);
    const q = unitReactiveKvar(units[i], flowKVA[i]);
    reactive = q === null || reactive === null ? null : reactive + q;
  }
  const kq = station.reactiveEquivalentKWPerKvar;
  return {
    lossKW,
    reactiveLossKvar: reactive,
    // Validation guarantees Q0 is known whenever Kq > 0.
    criterionKW: kq > 0 ? lossKW + kq * (reactive ?? 0) : lossKW,
    flowKVA,
    loading: [flowKVA[0] / t1.snKVA, flowKVA[1] / t2.snKVA],
  };
}
