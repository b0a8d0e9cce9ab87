/**
 * May the two units run in parallel (for good, or for the moment of a make-before-break transfer)?
 * Usual practice (IEC 60076-8): equal phase displacement, equal voltage ratios (within the ±0.5 %
 * ratio tolerance), impedance voltages within about ±10 % of their mean, and rated powers within 3:1.
 * Unequal uk makes the units share load unevenly (already in the loss model); unequal ratios drive a
 * circulating current the loss model does not include, so they forbid paralleling.
 * Ratio and vector group are checked when both units give them; otherwise the check says it assumed them equal.
 */
import type { ParallelingRules, TransformerParams } from './types';

export interface ParallelingCheck {
  check: 'allowed' | 'uk' | 'capacity' | 'ratio' | 'vectorGroup';
  ok: boolean;
  detail: string;
}

export interface ParallelingVerdict {
  ok: boolean;
  checks: ParallelingCheck[];
  /** The failed checks' details joined, or "" when ok. */
  reason: string;
}

/** Phase displacement clock number of a vector group ("Dyn11" → 11). */
export function clockNumber(vectorGroup: string): number {
  const m = /(\d{1,2})$/.exec(vectorGroup.trim());
  return m ? Number(m[1]) % 12 : NaN;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

export function checkParalleling(t1: TransformerParams, t2: TransformerParams, rules: ParallelingRules): ParallelingVerdict {
  const checks: ParallelingCheck[] = [];
  checks.push(rules.allowed
    ? { check: 'allowed', ok: true, detail: 'paralleling allowed by configuration' }
    : { check: 'allowed', ok: false, detail: 'paralleling disabled by configuration' });

  const ukMean = (t1.ukPct + t2.ukPct) / 2;
  const ukDev = Math.abs(t1.ukPct - t2.ukPct) / 2 / ukMean;
  checks.push({
    check: 'uk',
    ok: ukDev <= rules.ukTolerancePct / 100 + 1e-12,
    detail: `uk ${t1.ukPct}% / ${t2.ukPct}% deviate ${pct(ukDev)} from their mean (limit ${rules.ukTolerancePct}%)`,
  });

  const cap = Math.max(t1.snKVA, t2.snKVA) / Math.min(t1.snKVA, t2.snKVA);
  checks.push({
    check: 'capacity',
    ok: cap <= rules.maxCapacityRatio + 1e-12,
    detail: `rated powers ${t1.snKVA}/${t2.snKVA} kVA, ratio ${cap.toFixed(2)}:1 (limit ${rules.maxCapacityRatio}:1)`,
  });

  if (t1.ratio !== undefined && t2.ratio !== undefined) {
    const mean = (t1.ratio + t2.ratio) / 2;
    const dev = Math.abs(t1.ratio - t2.ratio) / 2 / mean;
    checks.push({
      check: 'ratio',
      ok: dev <= rules.ratioTolerancePct / 100 + 1e-12,
      detail: `voltage ratios ${t1.ratio} / ${t2.ratio} deviate ${pct(dev)} from their mean (limit ${rules.ratioTolerancePct}%)`,
    });
  } else {
    checks.push({ check: 'ratio', ok: true, detail: 'voltage ratio not given for both units: assumed equal' });
  }

  if (t1.vectorGroup !== undefined && t2.vectorGroup !== undefined) {
    const c1 = clockNumber(t1.vectorGroup);
    const c2 = clockNumber(t2.vectorGroup);
    checks.push({
      check: 'vectorGroup',
      ok: c1 === c2,
      detail: `vector groups ${t1.vectorGroup} / ${t2.vectorGroup}: phase displacement ${c1 * 30}° / ${c2 * 30}°`,
    });
  } else {
    checks.push({ check: 'vectorGroup', ok: true, detail: 'vector group not given for both units: assumed equal' });
  }

  const failed = checks.filter((c) => !c.ok);
  return { ok: failed.length === 0, checks, reason: failed.map((c) => c.detail).join('; ') };
}
