/**
 * Shapes of historical reliability (IEEE Std 1366): interruption records, customers served, and the
 * indices computed from them. Durations in index sets are hours; frequencies are per customer over
 * the reported period (not annualised) unless a name says `PerYr`.
 */

/** One interruption as validated and normalised (times in epoch ms). */
export interface InterruptionRecord {
  id: string;
  feeder: string;
  /** The device that interrupted (breaker, recloser, fuse...); '' when only the feeder is known. */
  device: string;
  startMs: number;
  endMs: number;
  durationMin: number;
  customersInterrupted: number;
  /** Load interrupted; null when the record did not say (then a feeder's share may be assumed). */
  kWInterrupted: number | null;
  kVAInterrupted: number | null;
  /** Cause code as logged (e.g. the thesis's DPEF, DPSC, DTEF, DTSC, OP); '' when not given. */
  cause: string;
  planned: boolean;
  /** IEEE 1366: an interruption of 5 minutes or less (or flagged so by the source). */
  momentary: boolean;
  /**
   * The load points interrupted, when the record names them (FDIR reports one record per group of
   * load points restored together, all behind the same tripped device). Absent: everyone behind the device.
   */
  loadPoints?: string[];
}

/**
 * A `reliability/interruption` message as the fault detector and FDIR send it (times in epoch ms):
 * the contract between the field nodes and the historical calculator, which also takes ISO times.
 */
export interface InterruptionMessage {
  id: string;
  feeder: string;
  device: string;
  start: number;
  end: number;
  durationMin: number;
  customersInterrupted: number;
  kWInterrupted: number;
  momentary: boolean;
  cause: string;
  planned?: boolean;
  loadPoints?: string[];
}

/** What a feeder serves: the denominators of the indices. */
export interface ServedFeeder {
  id: string;
  customers: number;
  /** Connected kVA (for ASIFI/ASIDI and for a record's kVA share when it gives none). */
  kVA?: number;
  /** Average load (for a record's kW share when it gives none, hence EENS). */
  avgKW?: number;
  /** Substation the feeder belongs to (default: the feeder itself). */
  substation?: string;
  /** Customers behind each device (from a feeder model), to fill records that give no count. */
  deviceCustomers?: Record<string, number>;
  /** Load points behind each device as [load point id, customers] (from a feeder model), for per-customer counts. */
  deviceLoadPoints?: Record<string, Array<[string, number]>>;
  /** Customers of every load point (from a feeder model): checks and counts records that name their load points. */
  loadPointCustomers?: Record<string, number>;
}

/** A record refused, with where it came from and why. `line` is the file line (CSV), element position (JSON) or 0 (message). */
export interface Rejection {
  line: number;
  id: string;
  reason: string;
}

export type AddResult = { accepted: true; record: InterruptionRecord } | { accepted: false; rejection: Rejection };

/** IEEE 1366 indices of one scope (system, substation or feeder) over one period. */
export interface IndexSet {
  /** Customers served (NT). */
  customers: number;
  /** Sustained: SAIFI (interruptions per customer), SAIDI and CAIDI (hours). CAIDI is null with no interruption. */
  saifi: number;
  saidi: number;
  caidi: number | null;
  /** Per customer interrupted at least once: CAIFI (interruptions), CTAIDI (hours). Null when nobody was interrupted. */
  caifi: number | null;
  ctaidi: number | null;
  asai: number;
  asui: number;
  /** Load based (kVA interrupted over kVA served); null when the kVA served is not known. */
  asifi: number | null;
  asidi: number | null;
  /** Momentary interruptions (each operation) and momentary events (a reclosing sequence counts once), per customer. */
  maifi: number;
  maifie: number;
  /** Energy not supplied by sustained interruptions (kWh) and per customer served. */
  eensKWh: number;
  aensKWh: number;
  /** CEMIn: share of customers with more than n sustained interruptions, keyed by n. */
  cemi: Record<string, number>;
  /** CELID-s: share of customers with one interruption of at least s hours; CELID-t: total of at least t hours; keyed by hours. */
  celidSingle: Record<string, number>;
  celidTotal: Record<string, number>;
  /** The sums behind the indices. */
  customerInterruptions: number;
  customerHours: number;
  customersInterrupted: number;
  sustainedInterruptions: number;
  momentaryInterruptions: number;
  momentaryEvents: number;
  customerMomentaryInterruptions: number;
  customerMomentaryEvents: number;
}

/** The §8 subset printed by `dms indices --json`. */
export interface CoreIndices {
  saifi: number;
  saidi: number;
  caidi: number | null;
  asai: number;
  maifi: number;
  eensKWh: number;
  customers: number;
}

export interface CauseShare {
  cause: string;
  /** Sustained interruptions logged with this cause. */
  interruptions: number;
  customerInterruptions: number;
  customerHours: number;
  /** Shares of customer interruptions (frequency) and customer hours (duration), 0..1. */
  frequencyShare: number;
  durationShare: number;
  saifi: number;
  saidi: number;
  /** Momentary interruptions logged with this cause and Σ customers over them (MAIFI share). */
  momentaryInterruptions: number;
  customerMomentaryInterruptions: number;
}

export interface MedResult {
  /** T_MED in hours of daily SAIDI; null when the history has fewer than two days with interruptions. */
  thresholdSaidiHours: number | null;
  /** Mean and standard deviation of ln(daily SAIDI in hours) over the non-zero history days. */
  alpha: number | null;
  beta: number | null;
  historyFrom: string;
  historyTo: string;
  nonZeroDays: number;
  /** Days of the reported period whose daily SAIDI exceeds T_MED, with that SAIDI (hours). */
  days: string[];
  daySaidiHours: Record<string, number>;
}
