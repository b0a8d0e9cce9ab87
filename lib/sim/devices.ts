/**
 * The simulated state of each switching device: position and travel, reclose sequence and its
 * timers, counters, and the protection it carries (relay elements for breakers and reclosers, a
 * fuse's emulated melting curve) with the pickups its passage indicator uses.
 */
import type { FeederIndex } from '../model/feeder-index';
import { PROTECTIVE_TYPES, type FeederModel } from '../model/types';
import { lowestPickupA, validateProtection, type ProtectionSettings } from '../protection/settings';
import type { TimerHandle } from './clock';
import { checkDeadTimes, defaultProtection, SIM_DEFAULTS, type SimulatorOptions } from './settings';

export interface DeviceState {
  id: string;
  type: string;
  closed: boolean;
  /** Travelling after a command: the contacts change when the operating time is over. */
  moving: { toClosed: boolean; timer: TimerHandle; by: string } | null;
  /** Order of the last close (to pick which device of a closed loop is taken as open). */
  closedSeq: number;
  lockout: boolean;
  reclosingEnabled: boolean;
  /** Reclose shots used in the running sequence. */
  shot: number;
  /** Dead time or reclaim time running. */
  inSequence: boolean;
  recloseTimer: TimerHandle | null;
  reclaimTimer: TimerHandle | null;
  /** A trip before this time follows a close by command (switch onto fault): no reclosing. */
  sotfUntil: number;
  trips: number;
  recloses: number;
  lockouts: number;
  /** Fault whose clearing blew this fuse (replaced at that fault's repair). */
  blownBy: string | null;
  /** Relay settings (fuse emulation for fuses); null for devices that do not interrupt faults. */
  protection: ProtectionSettings | null;
  shots: number;
  deadTimesS: number[];
  /** Pickups used by the device's passage indicator (A). */
  phasePickupA: number;
  earthPickupA: number;
}

/**
 * Device states for a model in its normal state. `pickupOf(section)` is the default phase pickup
 * for a device on that section; earth pickups are `earthFactor` times the phase pickup.
 */
export function deviceStates(model: FeederModel, index: FeederIndex, options: SimulatorOptions, pickupOf: (section: number) => number, earthFactor: number): DeviceState[] {
  const perDevice = options.protection ?? {};
  for (const id of Object.keys(perDevice)) {
    if (!index.deviceIndex.has(id)) throw new Error(`simulator option protection["${id}"]: device "${id}" does not exist`);
  }
  return model.devices.map((d, i) => {
    const s = index.devSection[i];
    const custom = perDevice[d.id] ?? {};
    const phase = pickupOf(s);
    let protection: ProtectionSettings | null = null;
    if (PROTECTIVE_TYPES.has(d.type)) {
      protection = custom.settings ? validateProtection(custom.settings, `protection settings of device "${d.id}"`) : defaultProtection(d.type as 'breaker' | 'recloser' | 'fuse', phase, earthFactor * phase);
    } else if (custom.settings) {
      throw new Error(`simulator option protection["${d.id}"]: a ${d.type} does not interrupt fault current; relay settings apply to breakers, reclosers and fuses`);
    }
    checkDeadTimes(`simulator option protection["${d.id}"].deadTimesS`, custom.deadTimesS);
    const typeShots = d.type === 'breaker' ? options.breakerShots ?? SIM_DEFAULTS.breakerShots : d.type === 'recloser' ? options.recloserShots ?? SIM_DEFAULTS.recloserShots : 0;
    const shots = custom.recloseShots ?? d.recloseShots ?? typeShots;
    if (!(Number.isInteger(shots) && shots >= 0 && shots <= 10)) throw new Error(`device "${d.id}": reclose shots must be a whole number 0..10 (got ${JSON.stringify(shots)})`);
    const phasePickupA = protection ? lowestPickupA(protection, 'phase') ?? phase : phase;
    const earthPickupA = protection ? lowestPickupA(protection, 'earth') ?? earthFactor * phasePickupA : earthFactor * phase;
    return {
      id: d.id, type: d.type, closed: !d.normallyOpen, moving: null, closedSeq: 0, lockout: false, reclosingEnabled: shots > 0,
      shot: 0, inSequence: false, recloseTimer: null, reclaimTimer: null, sotfUntil: 0, trips: 0, recloses: 0, lockouts: 0, blownBy: null,
      protection, shots: d.type === 'breaker' || d.type === 'recloser' ? shots : 0,
      deadTimesS: custom.deadTimesS ?? options.deadTimesS ?? SIM_DEFAULTS.deadTimesS, phasePickupA, earthPickupA,
    } satisfies DeviceState;
  });
}
