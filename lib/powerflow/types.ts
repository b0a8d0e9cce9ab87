/**
 * Power flow and reconfiguration: options and results. Quantities carry their units in the key
 * names; voltages are per unit of the model's `baseKV`, angles in degrees relative to the source.
 */
import type { SwitchStates } from '../model/types';

/** Which of a load point's figures the constant-PQ load takes when no live value is given. */
export type LoadBasis = 'peak' | 'average';

/** A measured load: reactive power defaults to the load point's power factor when absent. */
export interface LiveLoad {
  pKW: number;
  qKvar?: number;
}

export interface PowerFlowOptions {
  /** Load basis for load points without a live value (default 'peak'). */
  load?: LoadBasis;
  /** Live values per load point id; they replace the basis for those load points. */
  loads?: Record<string, LiveLoad>;
  /** Power factor (lagging) for load points with neither `peakKvar` nor `pf` (default 0.9). */
  defaultPf?: number;
  /** Switch states overlaid on the normal ones (device id -> closed), or device closed-states by index. */
  states?: SwitchStates | Uint8Array;
  /** Source voltage overrides by source id (p.u.); otherwise each source's `vPu`, else 1.0. */
  sourceVPu?: Record<string, number>;
  /** Default voltage limits for buses without their own `vMinPu`/`vMaxPu` (0.95 / 1.05). */
  vMinPu?: number;
  vMaxPu?: number;
  /** Loading above this share of `ratingA` is a thermal violation (default 100 %). */
  maxLoadingPct?: number;
  /** Convergence: largest voltage change between sweeps, p.u. (default 1e-10). */
  tolerancePu?: number;
  /** Sweeps before giving up (default 100). */
  maxIterations?: number;
}

export const DEFAULTS = {
  load: 'peak' as LoadBasis,
  defaultPf: 0.9,
  vMinPu: 0.95,
  vMaxPu: 1.05,
  maxLoadingPct: 100,
  tolerancePu: 1e-10,
  maxIterations: 100,
};

export interface BusResult {
  id: string;
  vPu: number;
  angleDeg: number;
}

export interface SectionResult {
  id: string;
  /** Current magnitude (A); 0 for open or de-energised sections. */
  iA: number;
  /** Power entering the section at its sending (upstream) end. */
  pKW: number;
  qKvar: number;
  lossKW: number;
  lossKvar: number;
  /** iA as a share of ratingA (%); null when the section has no rating. */
  loadingPct: number | null;
  /** Sending-end bus id; null when the section does not conduct or is de-energised. */
  fromBus: string | null;
}

export interface VoltageViolation {
  bus: string;
  vPu: number;
  limitPu: number;
  kind: 'under' | 'over';
}

export interface ThermalViolation {
  section: string;
  iA: number;
  ratingA: number;
  loadingPct: number;
}

/** A transfer limit exceeded: power through a device with `capacityKW`, or load a source does not normally feed. */
export interface CapacityViolation {
  kind: 'device' | 'source';
  id: string;
  pKW: number;
  limitKW: number;
}

export interface UnsuppliedLoad {
  loadPoint: string;
  bus: string;
  /** What the load point would draw under the chosen basis (not served). */
  pKW: number;
}

export interface SourceResult {
  id: string;
  bus: string;
  vPu: number;
  pKW: number;
  qKvar: number;
}

export interface PowerFlowResult {
  converged: true;
  iterations: number;
  /** Largest voltage change in the last sweep (p.u.) and where. */
  maxMismatchPu: number;
  mismatchBus: string | null;
  lossesKW: number;
  lossesKvar: number;
  vMinPu: number;
  vMinBus: string | null;
  vMaxPu: number;
  vMaxBus: string | null;
  loadKW: number;
  loadKvar: number;
  sources: SourceResult[];
  /** Every bus; de-energised buses have vPu 0. */
  buses: BusResult[];
  /** Every section; open or de-energised sections carry zeros. */
  sections: SectionResult[];
  /** Sections that do not conduct and touch an energised bus (the open points). */
  open: string[];
  /** Load points on de-energised buses: reported here and excluded from the solution. */
  unsupplied: UnsuppliedLoad[];
  violations: { voltage: VoltageViolation[]; thermal: ThermalViolation[]; capacity: CapacityViolation[] };
  loadBasis: LoadBasis;
  /** Load points that took a live value. */
  liveLoadPoints: number;
}
