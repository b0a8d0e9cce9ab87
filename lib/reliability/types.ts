/** Inputs and results of predictive reliability (analytical and Monte Carlo). */
import type { CostModel, DeviceEnd, DeviceType, SwitchStates } from '../model/types';

/** A switch that is not in the model (a candidate for placement, or a what-if from a message). */
export interface CandidateSwitch {
  /** Optional id, used in messages; defaults to `+<section>@<end>`. */
  id?: string;
  section: string;
  /** Section end the switch sits at (default `from`). */
  end?: DeviceEnd;
  /** Device type (default `switch`); `breaker`, `recloser` and `fuse` also clear faults. */
  type?: Exclude<DeviceType, 'tie'>;
  automated?: boolean;
  switchingHours: number;
  /** For protective types: probability of failing to clear (default 0). */
  failureProbability?: number;
}

/** The switching behaviour given to every active candidate by `Evaluator.evaluate(mask, spec)`. */
export interface SwitchSpec {
  type?: Exclude<DeviceType, 'tie'>;
  automated?: boolean;
  switchingHours: number;
  failureProbability?: number;
}

export interface PredictiveOptions {
  /** Live switch states over the normal ones: device id -> closed. */
  states?: SwitchStates;
  /** Switches to add to the model for this evaluation. */
  addSwitches?: CandidateSwitch[];
  /** Interruptions of this many minutes or fewer are momentary (default: model options, else 5). */
  momentaryThresholdMin?: number;
  /** Use transformer replacement instead of repair times (default: model options, else false). */
  transformerReplacement?: boolean;
  /** Cost model (default: the model's `costs`). */
  costs?: CostModel;
}

export interface SystemIndices {
  /** Sustained interruptions per customer and year. */
  saifi: number;
  /** Hours per customer and year. */
  saidi: number;
  /** Hours per sustained interruption. */
  caidi: number;
  asai: number;
  asui: number;
  /** Momentary interruptions per customer and year. */
  maifi: number;
  ensKWh: number;
  aensKWh: number;
  /** Σ La·U·C (currency per year), null without `costs.perKWh`. */
  cens: number | null;
  /** Σ λ·La·f(duration) over interruption events (currency per year), null without damage functions. */
  ecost: number | null;
  customers: number;
}

export interface LoadPointIndices {
  id: string;
  /** Sustained interruptions per year. */
  lambda: number;
  /** Unavailability, hours per year. */
  u: number;
  /** Average sustained interruption duration U/λ (hours; 0 when λ is 0). */
  r: number;
  lambdaMomentary: number;
  ensKWh: number;
  customers: number;
  cens: number | null;
  ecost: number | null;
}

export interface Contribution {
  /** What failed: a section conductor or a load point's transformer. */
  element: 'section' | 'transformer';
  /** Section id, or the load point id for its transformer. */
  id: string;
  lambda: number;
  /** Contribution to SAIFI, SAIDI (hours) and ENS (kWh per year), and its share of SAIDI (0..1). */
  saifi: number;
  saidiHours: number;
  ensKWh: number;
  saidiShare: number;
  ecost: number | null;
}

export interface PredictiveResult {
  method: 'analytical';
  feeder: string;
  system: SystemIndices;
  loadPoints: LoadPointIndices[];
  /** Failed elements ranked by their contribution to SAIDI (largest first). */
  contributions: Contribution[];
  /** Load points without supply under the switch state (left out of every index). */
  unsupplied: string[];
  options: { momentaryThresholdMin: number; transformerReplacement: boolean; currency: string | null; addedSwitches: string[] };
}
