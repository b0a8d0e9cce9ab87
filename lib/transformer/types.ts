/**
 * Types of the two-transformer substation operation-mode selector (Gao, Huang & Li 2013).
 * Mode names follow DESIGN.md §8: `T1` and `T2` (one unit alone, bus tie closed, the other unit
 * de-energised), `split` (each unit feeds its own bus, bus tie open) and `parallel` (both units
 * and the bus tie closed, load shared in proportion to SN/uk).
 */

export const MODES = ['T1', 'T2', 'split', 'parallel'] as const;
export type ModeName = (typeof MODES)[number];

export function isMode(value: unknown): value is ModeName {
  return typeof value === 'string' && (MODES as readonly string[]).includes(value);
}

/** Nameplate data of one unit. Powers in kW/kvar, rated power in kVA, impedance voltage in %. */
export interface TransformerParams {
  id: string;
  snKVA: number;
  /** No-load (iron) loss. */
  p0KW: number;
  /** Load (short-circuit, copper) loss at rated current. */
  pkKW: number;
  /** Impedance (short-circuit) voltage. */
  ukPct: number;
  /** No-load reactive power; defaults to i0Pct·SN/100 when i0Pct is given. */
  q0Kvar?: number;
  /** Reactive power absorbed at rated load; defaults to ukPct·SN/100. */
  qkKvar?: number;
  /** No-load current, used for q0Kvar when that is not given. */
  i0Pct?: number;
  /** Rated voltage ratio HV/LV (e.g. 25 for 10/0.4 kV), checked before paralleling. */
  ratio?: number;
  /** Vector group (e.g. "Dyn11"), checked before paralleling. */
  vectorGroup?: string;
}

/** Load of one secondary bus (bus 1 is fed by T1 and bus 2 by T2 in split operation). */
export interface BusLoad {
  id: string;
  pKW: number;
  qKvar: number;
}

/** Rules for connecting the two units in parallel (also momentarily, during a transfer). */
export interface ParallelingRules {
  /** False forbids paralleling outright (e.g. fault level). Default true. */
  allowed: boolean;
  /** Largest deviation of each uk from the mean of the two, in % of that mean. Default 10. */
  ukTolerancePct: number;
  /** Largest ratio of rated powers, larger/smaller. Default 3. */
  maxCapacityRatio: number;
  /** Largest deviation of the voltage ratios, in % of their mean. Default 0.5 (IEC 60076-1 ratio tolerance). */
  ratioTolerancePct: number;
}

/** Everything the loss evaluation needs besides the bus loads. */
export interface StationParams {
  transformers: [TransformerParams, TransformerParams];
  /** Largest permitted loading S/SN of an energised unit; a mode above it is excluded. */
  overloadLimit: number;
  /**
   * Economic equivalent of reactive power, kW of active loss per kvar (often 0.02–0.1). 0 (the default)
   * selects on active losses only; above 0 the selection minimises P + Kq·Q ("comprehensive" loss).
   */
  reactiveEquivalentKWPerKvar: number;
  /** Modes out of use (maintenance). */
  blockedModes: ModeName[];
  paralleling: ParallelingRules;
}

/** Loss and loading of one mode for one operating point. */
export interface ModeEvaluation {
  mode: ModeName;
  /** Active losses of the energised units. */
  lossKW: number;
  /** Reactive losses (Q0 + β²·Qk per energised unit), null when Q0 of an energised unit is unknown. */
  reactiveLossKvar: number | null;
  /** The selection criterion: lossKW + Kq·reactiveLossKvar (equals lossKW when Kq = 0). */
  criterionKW: number;
  /** Apparent power through each unit (0 when de-energised). */
  flowKVA: [number, number];
  /** Loading S/SN of each unit (0 when de-energised). */
  loading: [number, number];
  feasible: boolean;
  /** Why the mode is excluded, or "" when feasible. */
  reason: string;
}

export interface PointEvaluation {
  modes: ModeEvaluation[];
  /** Least-criterion feasible mode, or null when none is feasible. */
  best: ModeName | null;
  /** Present mode, when known. */
  current: ModeName | null;
  /** criterion(current) − criterion(best); null without a present mode or a feasible best. */
  savingKW: number | null;
  /** Magnitudes of the bus loads and of their phasor sum. */
  busKVA: [number, number];
  totalKVA: number;
}
