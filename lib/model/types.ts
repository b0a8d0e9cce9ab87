/**
 * The feeder model `dms-feeder/1` (DESIGN.md §3). One JSON document describes buses, sources,
 * line sections, switching/protective devices, load points and their transformers, the IEDs that
 * watch devices, and optional study blocks. Units are in the field names.
 */

export const FEEDER_FORMAT = 'dms-feeder/1';

export type SectionKind = 'main' | 'lateral' | 'tie';
export type DeviceType = 'breaker' | 'recloser' | 'fuse' | 'sectionalizer' | 'switch' | 'tie';
export type DeviceEnd = 'from' | 'to';

export interface Bus {
  id: string;
  name?: string;
  vMinPu?: number;
  vMaxPu?: number;
  /** Optional drawing coordinates for single-line diagrams. */
  x?: number;
  y?: number;
}

export interface Source {
  id: string;
  bus: string;
  kind: 'substation';
  /** Transfer capacity the source can give to load it does not normally feed (kW). */
  capacityKW?: number;
  /** Source voltage magnitude in p.u. of `baseKV` (default 1.0). */
  vPu?: number;
  /** Whether this source may run in parallel with another one (closing a loop between them). */
  allowParallel?: boolean;
}

export interface Section {
  id: string;
  from: string;
  to: string;
  lengthKm: number;
  /** Failure rate per km and year; alternatively `failureRatePerYr` for the whole section. */
  failureRatePerKmYr?: number;
  failureRatePerYr?: number;
  repairHours: number;
  rOhm?: number;
  xOhm?: number;
  ratingA?: number;
  kind?: SectionKind;
}

export interface Device {
  id: string;
  type: DeviceType;
  section: string;
  /** The section end the device sits at. */
  end: DeviceEnd;
  normallyOpen: boolean;
  /** Remote-controlled (by an IED). */
  automated: boolean;
  switchingHours: number;
  /** Probability that a fuse/breaker/recloser fails to clear a fault it should clear. */
  failureProbability?: number;
  /** Availability of a normally-open tie for back-feeding (0..1, default 1). */
  availability?: number;
  /** Transfer limit through a tie (kW); unlimited when absent. */
  capacityKW?: number;
  /** Reclosing shots of a recloser or reclosing breaker (0 = no reclosing). */
  recloseShots?: number;
}

export interface TransformerData {
  failureRatePerYr: number;
  repairHours: number;
  replacementHours?: number;
  /** A fused transformer's failure interrupts only its own load point. */
  fused?: boolean;
  kVA?: number;
}

export type CustomerMix = Record<string, number>;

export interface LoadPoint {
  id: string;
  bus: string;
  customers: number;
  avgKW: number;
  peakKW: number;
  peakKvar?: number;
  pf?: number;
  customerClass?: string;
  customerMix?: CustomerMix;
  /** Higher numbers are shed last (default 0). */
  priority?: number;
  transformer?: TransformerData;
}

export interface RegisterMapRef {
  /** Inline maps are validated by the IED module; the feeder model only carries them. */
  [key: string]: unknown;
}

export interface Ied {
  id: string;
  device?: string;
  section?: string;
  unitId: number;
  registerMap?: string | RegisterMapRef;
  topic?: string;
}

export interface CostModel {
  currency?: string;
  perKWh?: Record<string, number>;
  loadFactor?: number;
  /** Per class: [[minutes, costPerKW], ...] ascending in minutes. */
  damageFunctions?: Record<string, Array<[number, number]>>;
}

export interface PlacementSettings {
  candidates?: string[];
  switch?: { type?: DeviceType; automated?: boolean; switchingHours?: number; end?: DeviceEnd };
  investmentPerSwitch?: number;
  lifeYears?: number;
  interestRate?: number;
  maintenanceRate?: number;
  annualisation?: 'thesis' | 'crf';
  maxSwitches?: number;
  budgetPerYr?: number;
}

export interface ModelOptions {
  /** Use transformer replacement instead of repair times. */
  transformerReplacement?: boolean;
  /** Interruptions of this many minutes or fewer are momentary (IEEE 1366: 5). */
  momentaryThresholdMin?: number;
  [key: string]: unknown;
}

export interface FeederModel {
  format: typeof FEEDER_FORMAT;
  name?: string;
  description?: string;
  /** Nominal line-to-line voltage (kV). */
  baseKV?: number;
  buses: Bus[];
  sources: Source[];
  sections: Section[];
  devices: Device[];
  loadPoints: LoadPoint[];
  ieds?: Ied[];
  costs?: CostModel;
  placement?: PlacementSettings;
  options?: ModelOptions;
  /** Free-form notes, e.g. assumptions behind a rebuilt network. */
  notes?: string[];
}

/** Device types that interrupt fault current. */
export const PROTECTIVE_TYPES: ReadonlySet<DeviceType> = new Set<DeviceType>(['breaker', 'recloser', 'fuse']);

/** Live switch states overlaid on the normal ones: device id -> closed? */
export type SwitchStates = Record<string, boolean> | Map<string, boolean>;

export interface ModelIssue {
  /** JSON path of the offending element, e.g. `sections[12]`. */
  path: string;
  /** Id of the element when it has one, else ''. */
  id: string;
  message: string;
}

export interface ModelSummary {
  name: string;
  sources: number;
  buses: number;
  sections: number;
  devices: number;
  loadPoints: number;
  customers: number;
  avgKW: number;
  peakKW: number;
  ties: number;
  ieds: number;
}
