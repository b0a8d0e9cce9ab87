/**
 * Fault location, isolation and service restoration (FLISR): inputs, plans and reports.
 * Device states are "closed?" booleans; times are epoch milliseconds in messages.
 */

/** What the field told us about a fault. */
export interface FaultIndications {
  /** The protective device that tripped to lockout (breaker/recloser) or the fuse that blew. */
  tripped?: string;
  /** Fault-passage indication per device id: true = saw fault current, false = did not, 'stale' = no fresh data. */
  passage: Record<string, boolean | 'stale'>;
}

export interface LiveLoadValue {
  pKW: number;
  qKvar?: number;
}

export interface FdirOptions {
  /** Live switch states before the fault (device id -> closed); normal states otherwise. */
  states?: Record<string, boolean>;
  /** Live loads per load point (from the IED reader); peak values otherwise. */
  loads?: Record<string, LiveLoadValue>;
  /** Load basis when no live value is given (default 'peak': restoration must hold at peak). */
  loadBasis?: 'peak' | 'average';
  /** Devices whose fault-passage indications count (default: devices with an IED in the model, else every automated device). */
  indicatingDevices?: string[];
  /** Largest number of split combinations searched per de-energised area before falling back to greedy splitting. */
  maxCombinations?: number;
  /** Voltage limits for the restored state when buses have none (0.95 / 1.05 p.u.). */
  vMinPu?: number;
  vMaxPu?: number;
}

export type StepAction = 'open' | 'close';
export type StepMode = 'remote' | 'crew';
export type StepStage = 'isolate' | 'restore-upstream' | 'restore-downstream' | 'crew-isolate' | 'crew-restore' | 'return-to-normal';

export interface PlanStep {
  step: number;
  device: string;
  action: StepAction;
  /** Remote command through the device's IED, or a field crew operation. */
  mode: StepMode;
  stage: StepStage;
  reason: string;
  /** State the device must be read back in after the step (true = closed). */
  expectedClosed: boolean;
  /** Load point ids that this step re-energises. */
  restores: string[];
}

export interface LocatedFault {
  /** Sections the fault may be in (bounded by indicating devices). */
  sections: string[];
  /** The last device that saw fault current (or the tripped device when none did). */
  upstreamIndication: string | null;
  /** Indicating devices below the zone that saw no fault current. */
  downstreamIndications: string[];
  /** Devices whose indication was missing or stale: the zone was widened through them. */
  widenedThrough: string[];
  /** A lateral fuse cleared the fault: no switching is needed. */
  clearedByFuse: string | null;
  /** Notes for the operator (inconsistent indications, widening, ...). */
  notes: string[];
}

export interface RestorationGroup {
  loadPoints: string[];
  customers: number;
  kW: number;
  /** How it is restored: 'upstream' (breaker reclose), 'tie:<device>' or 'crew'. */
  via: string;
  /** Step after which the group has supply again. */
  afterStep: number;
}

export interface FdirPlan {
  fault: LocatedFault;
  /** Sections de-energised by automated isolation (the located zone widened to automated devices). */
  isolatedSections: string[];
  /** Sections still out after the crew stage (bounded by every device around the located zone). */
  crewIsolatedSections: string[];
  steps: PlanStep[];
  openDevices: string[];
  closedTies: string[];
  customersInterrupted: number;
  kWInterrupted: number;
  /** Customers the whole plan restores (remote and crew steps); the crew's share separately. */
  customersRestored: number;
  customersRestoredByCrew: number;
  customersOut: number;
  kWOut: number;
  /** Load points left out although healthy, lowest priority first (capacity or voltage limits). */
  shed: string[];
  groups: RestorationGroup[];
  /** Estimated time to restore the rest: repair of the slowest section in the zone (hours). */
  estimatedRepairHours: number;
  /** How restored states were checked ('power flow' or 'capacity only' when the model lacks impedances). */
  checkedBy: 'power flow' | 'capacity only';
  notes: string[];
  /** Device states after the whole plan (device id -> closed). */
  finalStates: Record<string, boolean>;
}
