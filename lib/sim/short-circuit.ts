/**
 * A simple short-circuit calculation by symmetrical components for one fault on a radial feeder.
 * Assumptions (the usual hand-calculation ones, IEC 60909 without the voltage factor): prefault
 * load current neglected; the driving voltage is the source's voltage behind its impedance;
 * negative-sequence impedances equal positive-sequence ones; the fault resistance is in the fault
 * path (between the phases for ph-ph, to earth for ph-e and ph-ph-e).
 *
 * Sequence currents at the fault (E phase-to-neutral, Z1/Z2/Z0 the Thevenin impedances, Zf the
 * fault resistance):
 *   3ph     I1 = E / (Z1 + Zf)
 *   ph-ph   I1 = E / (Z1 + Z2 + Zf),  I2 = −I1                          (phases b–c)
 *   ph-e    I1 = I2 = I0 = E / (Z1 + Z2 + Z0 + 3Zf)                     (phase a)
 *   ph-ph-e I1 = E / (Z1 + Z2‖(Z0 + 3Zf)), I2 = −I1·(Z0+3Zf)/(Z2+Z0+3Zf), I0 = −I1·Z2/(Z2+Z0+3Zf)
 * Phase currents Ia = I0 + I1 + I2, Ib = I0 + a²I1 + aI2, Ic = I0 + aI1 + a²I2; residual 3I0.
 * Voltages at a bus k between source and fault: V1 = E − I1·Z1k, V2 = −I2·Z1k, V0 = −I0·Z0k.
 */
import type { FaultKind, PhaseName } from './settings';

export interface Complex {
  re: number;
  im: number;
}

export const cx = (re: number, im = 0): Complex => ({ re, im });
export const cadd = (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im });
export const csub = (a: Complex, b: Complex): Complex => ({ re: a.re - b.re, im: a.im - b.im });
export const cmul = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
export const cscale = (a: Complex, k: number): Complex => ({ re: a.re * k, im: a.im * k });
export const cabs = (a: Complex): number => Math.hypot(a.re, a.im);
export function cdiv(a: Complex, b: Complex): Complex {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}

/** The operator a = 1∠120°. */
const A1 = cx(-0.5, Math.sqrt(3) / 2);
const A2 = cx(-0.5, -Math.sqrt(3) / 2);

export interface SequenceCurrents {
  i1: Complex;
  i2: Complex;
  i0: Complex;
}

export interface FaultCurrents extends SequenceCurrents {
  /** Phase current magnitudes A, B, C (A) in the fault path. */
  phaseA: [number, number, number];
  /** Residual current |3I0| (A). */
  residualA: number;
}

/** Positive-sequence impedance of a source from its three-phase fault level: |Z| = V² / S, angle from X/R. */
export function sourceImpedance(baseKV: number, faultMVA: number, xr: number): Complex {
  const z = (baseKV * baseKV) / faultMVA;
  const r = z / Math.sqrt(1 + xr * xr);
  return cx(r, r * xr);
}

export function sequenceCurrents(kind: FaultKind, eV: number, z1: Complex, z0: Complex, zfOhm: number): SequenceCurrents {
  const e = cx(eV);
  const zf = cx(zfOhm);
  const zero = cx(0);
  switch (kind) {
    case '3ph': {
      const i1 = cdiv(e, cadd(z1, zf));
      return { i1, i2: zero, i0: zero };
    }
    case 'ph-ph': {
      const i1 = cdiv(e, cadd(cadd(z1, z1), zf));
      return { i1, i2: cscale(i1, -1), i0: zero };
    }
    case 'ph-e': {
      const i = cdiv(e, cadd(cadd(cadd(z1, z1), z0), cscale(zf, 3)));
      return { i1: i, i2: i, i0: i };
    }
    case 'ph-ph-e': {
      const z0f = cadd(z0, cscale(zf, 3));
      const sum = cadd(z1, z0f);
      const par = cdiv(cmul(z1, z0f), sum);
      const i1 = cdiv(e, cadd(z1, par));
      return { i1, i2: cscale(cmul(i1, cdiv(z0f, sum)), -1), i0: cscale(cmul(i1, cdiv(z1, sum)), -1) };
    }
  }
}

/** Phase order of the computed a, b, c for a reference phase: index in [A, B, C] of computed a, b, c. */
function rotation(ref: PhaseName): [number, number, number] {
  return ref === 'A' ? [0, 1, 2] : ref === 'B' ? [1, 2, 0] : [2, 0, 1];
}

function phasors(s: SequenceCurrents | { i1: Complex; i2: Complex; i0: Complex }): [Complex, Complex, Complex] {
  const a = cadd(cadd(s.i0, s.i1), s.i2);
  const b = cadd(cadd(s.i0, cmul(A2, s.i1)), cmul(A1, s.i2));
  const c = cadd(cadd(s.i0, cmul(A1, s.i1)), cmul(A2, s.i2));
  return [a, b, c];
}

/** Fault currents for a fault of `kind` with reference phase `ref` (the faulted phase of ph-e). */
export function faultCurrents(kind: FaultKind, ref: PhaseName, eV: number, z1: Complex, z0: Complex, zfOhm: number): FaultCurrents {
  const seq = sequenceCurrents(kind, eV, z1, z0, zfOhm);
  const [a, b, c] = phasors(seq);
  const rot = rotation(ref);
  const phaseA: [number, number, number] = [0, 0, 0];
  phaseA[rot[0]] = cabs(a);
  phaseA[rot[1]] = cabs(b);
  phaseA[rot[2]] = cabs(c);
  return { ...seq, phaseA, residualA: 3 * cabs(seq.i0) };
}

/** Phase-to-neutral (A, B, C) and line-to-line (AB, BC, CA) voltage magnitudes (V) at a bus Z1k/Z0k from the source EMF. */
export function busVoltages(eV: number, seq: SequenceCurrents, ref: PhaseName, z1k: Complex, z0k: Complex): { phaseV: [number, number, number]; lineV: [number, number, number] } {
  const v1 = csub(cx(eV), cmul(seq.i1, z1k));
  const v2 = cscale(cmul(seq.i2, z1k), -1);
  const v0 = cscale(cmul(seq.i0, z0k), -1);
  const [a, b, c] = phasors({ i1: v1, i2: v2, i0: v0 });
  const rot = rotation(ref);
  const ph = [a, b, c];
  const phaseV: [number, number, number] = [0, 0, 0];
  const lineV: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < 3; k++) {
    phaseV[rot[k]] = cabs(ph[k]);
    // Computed ab, bc, ca land on the rotated pairs (AB, BC, CA are indexed by their first phase).
    lineV[rot[k]] = cabs(csub(ph[k], ph[(k + 1) % 3]));
  }
  return { phaseV, lineV };
}
