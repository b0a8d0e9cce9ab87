/**
 * Comparison with the targets a regulator or the utility sets, per customer and year. Frequencies
 * and durations of the period are annualised (divided by the period in years) before comparing;
 * CAIDI and ASAI are ratios and compared as they are. ASAI is a minimum, every other target a
 * maximum.
 */
import type { HistoricalReport, PlannedSplit } from './accumulator';
import type { IndexSet } from './types';

export interface Targets {
  saifi?: number;
  saidi?: number;
  caidi?: number;
  maifi?: number;
  asai?: number;
  saifiPlanned?: number;
  saidiPlanned?: number;
  saifiUnplanned?: number;
  saidiUnplanned?: number;
}

export const TARGET_KEYS = ['saifi', 'saidi', 'caidi', 'maifi', 'asai', 'saifiPlanned', 'saidiPlanned', 'saifiUnplanned', 'saidiUnplanned'] as const;
export type TargetKey = (typeof TARGET_KEYS)[number];

/**
 * The Ethiopian Electric Agency standard the thesis quotes (§6.3): at most 20 interruptions and 25
 * hours per customer-year planned and unplanned together; of these at most 15 unplanned sustained
 * interruptions and 20 hours, and 5 planned interruptions and 5 hours.
 */
export const EEA_TARGETS: Targets = { saifi: 20, saidi: 25, saifiUnplanned: 15, saidiUnplanned: 20, saifiPlanned: 5, saidiPlanned: 5 };

export const TARGET_PRESETS: Record<string, Targets> = { eea: EEA_TARGETS };

/** Parses `eea`, or `saifi=20,saidi=25,...` (per customer-year; SAIDI/CAIDI in hours). */
export function parseTargets(spec: string): Targets {
  const preset = TARGET_PRESETS[spec.trim().toLowerCase()];
  if (preset) return { ...preset };
  const out: Targets = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)\s*=\s*(.+)$/.exec(part);
    if (!m) throw new Error(`target "${part}" is not NAME=VALUE (names: ${TARGET_KEYS.join(', ')}; or a preset: ${Object.keys(TARGET_PRESETS).join(', ')})`);
    const key = TARGET_KEYS.find((k) => k.toLowerCase() === m[1].toLowerCase());
    if (!key) throw new Error(`unknown target "${m[1]}" (names: ${TARGET_KEYS.join(', ')})`);
    const v = Number(m[2]);
    if (!Number.isFinite(v) || v < 0) throw new Error(`target ${key}: "${m[2]}" is not a non-negative number`);
    out[key] = v;
  }
  if (Object.keys(out).length === 0) throw new Error('no targets given');
  return out;
}

export interface TargetCheck {
  scope: 'system' | 'feeder';
  id: string;
  index: TargetKey;
  target: number;
  /** The index per customer-year (ratios as they are); null when undefined (CAIDI without interruptions). */
  value: number | null;
  met: boolean;
}

function valueOf(key: TargetKey, ix: IndexSet, split: PlannedSplit, years: number): number | null {
  switch (key) {
    case 'saifi': return ix.saifi / years;
    case 'saidi': return ix.saidi / years;
    case 'maifi': return ix.maifi / years;
    case 'caidi': return ix.caidi;
    case 'asai': return ix.asai;
    case 'saifiPlanned': return split.planned.saifi / years;
    case 'saidiPlanned': return split.planned.saidi / years;
    case 'saifiUnplanned': return split.unplanned.saifi / years;
    case 'saidiUnplanned': return split.unplanned.saidi / years;
  }
}

/** Checks the system and every feeder of a report against the targets (all interruptions, MEDs included). */
export function compareTargets(report: HistoricalReport, targets: Targets): TargetCheck[] {
  const years = report.period.years;
  const out: TargetCheck[] = [];
  const check = (scope: TargetCheck['scope'], id: string, ix: IndexSet, split: PlannedSplit) => {
    for (const key of TARGET_KEYS) {
      const target = targets[key];
      if (target === undefined) continue;
      const value = valueOf(key, ix, split, years);
      const met = value === null ? true : key === 'asai' ? value >= target : value <= target;
      out.push({ scope, id, index: key, target, value, met });
    }
  };
  check('system', 'system', report.system, report.planned.system);
  for (const [id, ix] of Object.entries(report.feeders)) check('feeder', id, ix, report.planned.feeders[id]);
  return out;
}
