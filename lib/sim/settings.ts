/**
 * Simulator options and their defaults. Each default says where it comes from; every one can be
 * overridden per run (and protection per device), and docs/simulator.md lists them.
 */
import type { ProtectionSettings } from '../protection/settings';
import type { LoadBasis } from '../powerflow/types';
import type { SimClock } from './clock';

export type FaultKind = '3ph' | 'ph-ph' | 'ph-e' | 'ph-ph-e';
export type PhaseName = 'A' | 'B' | 'C';

/** Accepted spellings of fault kinds (the fault classifier's names map onto the short ones). */
export const FAULT_KIND_ALIASES: Record<string, FaultKind> = {
  '3ph': '3ph', 'three-phase': '3ph', abc: '3ph',
  'ph-ph': 'ph-ph', 'phase-phase': 'ph-ph', '2ph': 'ph-ph',
  'ph-e': 'ph-e', 'phase-earth': 'ph-e', 'ph-g': 'ph-e', slg: 'ph-e', '1ph': 'ph-e',
  'ph-ph-e': 'ph-ph-e', 'phase-phase-earth': 'ph-ph-e', '2ph-e': 'ph-ph-e', dlg: 'ph-ph-e',
};

export interface FaultSpec {
  /** Section id of the fault. */
  section: string;
  /** Default '3ph'. */
  type?: FaultKind | string;
  /** Fault resistance (Ω, default 0: a bolted fault). For earth faults it is the resistance to earth. */
  impedanceOhm?: number;
  /** Default true; a transient fault disappears when its section loses voltage (arc extinguished). */
  permanent?: boolean;
  /** Where along the section, 0 = its `from` end .. 1 = its `to` end (default 0.5). */
  position?: number;
  /** Reference phase: the faulted phase of ph-e, the sound phase of ph-ph / ph-ph-e (default A). */
  phase?: PhaseName;
}

export interface DeviceProtection {
  /** Relay (or fuse emulation) elements, as lib/protection validates them. */
  settings?: ProtectionSettings;
  /** Reclose shots (overrides the device's `recloseShots` and the type default). */
  recloseShots?: number;
  /** Dead time before each reclose shot (s); the last one repeats when there are more shots. */
  deadTimesS?: number[];
}

export interface SimulatorOptions {
  /** Time source (default: the wall clock). Tests pass a ManualClock. */
  clock?: SimClock;
  /** Load basis before scaling and profile: the load points' peak or average (default 'peak', as the power flow). */
  load?: LoadBasis;
  /** Multiplier on every load (default 1). */
  loadScale?: number;
  /**
   * Daily profile: multipliers on the basis load at equally spaced times of the UTC day (24 values
   * = hourly), interpolated linearly and wrapping at midnight. Absent: constant load.
   */
  profile?: number[];
  /** How often the load follows the profile (s, default 60); ignored without a profile. */
  loadUpdateS?: number;
  /** Power factor of load points with neither peakKvar nor pf (default 0.9, as the power flow). */
  defaultPf?: number;
  /** System frequency reported by the IEDs (Hz, default 50). */
  frequencyHz?: number;
  /**
   * Line impedance (Ω/km) for sections that give no rOhm/xOhm (the built-in reliability networks
   * give none). Default: ACSR "Dog" 100 mm² overhead line, R = 0.2733 Ω/km (DC, 20 °C, the
   * conductor tables' value) and X = ω·2·10⁻⁷·ln(GMD/GMR) = 0.327 Ω/km at 50 Hz for a 1.0 m
   * equivalent spacing and 5.5 mm GMR.
   */
  lineOhmPerKm?: { r: number; x: number };
  /**
   * Source (upstream network + substation transformer) short-circuit level at the source bus
   * (MVA, default 250: the usual design fault level of an 11 kV busbar) and its X/R (default 10).
   * The source's zero-sequence impedance equals its positive-sequence one (a solidly earthed
   * delta-star substation transformer dominates both).
   */
  sourceFaultMVA?: number;
  sourceXR?: number;
  /**
   * Line zero-sequence impedance: R0 = R1 + 3·Re (Carson's earth-return resistance
   * Re = π²·f·10⁻⁴ Ω/km, 0.0493 Ω/km at 50 Hz) and X0 = x0Factor·X1 (default 3, the usual ratio
   * of an overhead line without earth wire).
   */
  x0Factor?: number;
  /** Per device id: relay settings, reclose shots, dead times. */
  protection?: Record<string, DeviceProtection>;
  /** Default dead times (s) of reclose shots 1, 2, 3, ... (default [0.5, 15, 30]). */
  deadTimesS?: number[];
  /** Reclaim (reset) time after a reclose (s, default 30): a trip within it counts towards lockout. */
  reclaimS?: number;
  /** Reclose shots of breakers and reclosers whose model gives no `recloseShots` (default 2 and 3). */
  breakerShots?: number;
  recloserShots?: number;
  /**
   * Default phase pickup = pickupFactor × the peak load current a device carries in the normal
   * state (default 2), at least minPickupA (default 50 A); earth pickup = earthPickupFactor × phase
   * pickup (default 0.2). Used for relays without settings, fuse emulation and passage indicators.
   */
  pickupFactor?: number;
  minPickupA?: number;
  earthPickupFactor?: number;
  /** Operating (travel) time of a commanded breaker/recloser and of a motorised switch (ms, default 100 and 2000). */
  breakerOperateMs?: number;
  switchOperateMs?: number;
  /** Select-before-operate timeout at start-up (s, default 30; the IED's holding register changes it). */
  selectTimeoutS?: number;
}

export const SIM_DEFAULTS = {
  load: 'peak' as LoadBasis,
  loadScale: 1,
  loadUpdateS: 60,
  defaultPf: 0.9,
  frequencyHz: 50,
  lineOhmPerKm: { r: 0.2733, x: 0.327 },
  sourceFaultMVA: 250,
  sourceXR: 10,
  x0Factor: 3,
  /** Typical distribution practice: a fast first shot, then 15 s and 30 s. */
  deadTimesS: [0.5, 15, 30],
  reclaimS: 30,
  breakerShots: 2,
  recloserShots: 3,
  pickupFactor: 2,
  minPickupA: 50,
  earthPickupFactor: 0.2,
  /** 3–5 cycle breakers open in 60–100 ms; motor-operated load-break switches take seconds. */
  breakerOperateMs: 100,
  switchOperateMs: 2000,
  selectTimeoutS: 30,
};

/**
 * Default relay elements: IEC standard inverse phase and earth elements (TMS 0.1 on breakers, 0.05
 * on reclosers, which grades a recloser about 0.15 s below its breaker at 10 × pickup), and for a
 * fuse an IEC extremely inverse phase element with TMS 0.05, which stands in for a fuse's melting
 * characteristic (about 0.5 s at 3 × pickup, never faster than 10 ms: half a cycle at 50 Hz).
 */
export function defaultProtection(type: 'breaker' | 'recloser' | 'fuse', phasePickupA: number, earthPickupA: number): ProtectionSettings {
  if (type === 'fuse') return { elements: [{ kind: 'inverse', measures: 'phase', pickupA: phasePickupA, curve: 'IEC-EI', tms: 0.05, minTimeS: 0.01, name: 'fuse' }] };
  const tms = type === 'recloser' ? 0.05 : 0.1;
  return {
    elements: [
      { kind: 'inverse', measures: 'phase', pickupA: phasePickupA, curve: 'IEC-SI', tms },
      { kind: 'inverse', measures: 'earth', pickupA: earthPickupA, curve: 'IEC-SI', tms },
    ],
  };
}

/** Checks the numeric options; throws naming the option and the value. */
export function checkOptions(o: SimulatorOptions): void {
  const positive = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new RangeError(`simulator option ${name} must be a positive number (got ${JSON.stringify(v)})`);
  };
  const nonNegative = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new RangeError(`simulator option ${name} must be a number ≥ 0 (got ${JSON.stringify(v)})`);
  };
  if (o.load !== undefined && o.load !== 'peak' && o.load !== 'average') throw new RangeError(`simulator option load must be "peak" or "average" (got ${JSON.stringify(o.load)})`);
  nonNegative('loadScale', o.loadScale);
  positive('loadUpdateS', o.loadUpdateS);
  positive('frequencyHz', o.frequencyHz);
  positive('sourceFaultMVA', o.sourceFaultMVA);
  positive('sourceXR', o.sourceXR);
  positive('x0Factor', o.x0Factor);
  nonNegative('reclaimS', o.reclaimS);
  positive('pickupFactor', o.pickupFactor);
  positive('minPickupA', o.minPickupA);
  positive('earthPickupFactor', o.earthPickupFactor);
  nonNegative('breakerOperateMs', o.breakerOperateMs);
  nonNegative('switchOperateMs', o.switchOperateMs);
  if (o.defaultPf !== undefined && !(o.defaultPf > 0 && o.defaultPf <= 1)) throw new RangeError(`simulator option defaultPf must be in (0, 1] (got ${JSON.stringify(o.defaultPf)})`);
  if (o.selectTimeoutS !== undefined && !(Number.isInteger(o.selectTimeoutS) && o.selectTimeoutS >= 1 && o.selectTimeoutS <= 300)) {
    throw new RangeError(`simulator option selectTimeoutS must be a whole number of seconds 1..300 (got ${JSON.stringify(o.selectTimeoutS)})`);
  }
  for (const [name, v] of [['breakerShots', o.breakerShots], ['recloserShots', o.recloserShots]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 10)) throw new RangeError(`simulator option ${name} must be a whole number 0..10 (got ${JSON.stringify(v)})`);
  }
  checkDeadTimes('deadTimesS', o.deadTimesS);
  if (o.lineOhmPerKm !== undefined) {
    const { r, x } = o.lineOhmPerKm as { r?: unknown; x?: unknown };
    if (!(typeof r === 'number' && r >= 0 && typeof x === 'number' && x >= 0 && r + x > 0)) {
      throw new RangeError(`simulator option lineOhmPerKm must be {r, x} in Ω/km, not both 0 (got ${JSON.stringify(o.lineOhmPerKm)})`);
    }
  }
  if (o.profile !== undefined) {
    if (!Array.isArray(o.profile) || o.profile.length < 1 || o.profile.some((v) => !(typeof v === 'number' && Number.isFinite(v) && v >= 0))) {
      throw new RangeError(`simulator option profile must be a non-empty array of multipliers ≥ 0 (got ${JSON.stringify(o.profile)})`);
    }
  }
}

export function checkDeadTimes(name: string, v: number[] | undefined): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.length === 0 || v.some((t) => !(typeof t === 'number' && Number.isFinite(t) && t >= 0))) {
    throw new RangeError(`${name} must be a non-empty array of dead times in seconds ≥ 0 (got ${JSON.stringify(v)})`);
  }
}

/** The multiplier of a daily profile at epoch ms `t` (UTC), linear between points, wrapping at midnight. */
export function profileAt(profile: number[], t: number): number {
  const n = profile.length;
  if (n === 1) return profile[0];
  const day = 86_400_000;
  const pos = ((((t % day) + day) % day) / day) * n;
  const i = Math.floor(pos);
  const f = pos - i;
  return profile[i % n] * (1 - f) + profile[(i + 1) % n] * f;
}
