/**
 * Which IEDs the simulator serves, and on which Modbus unit ids.
 *
 * A model with an `ieds` list is served as it is (each IED on its `unitId`, with its register map,
 * default `dms-standard-ied`). A model without one (the built-in networks) gets one IED per device
 * that a utility would fit with one: every device with `automated: true`, and every breaker and
 * recloser (they carry a relay). Fuses and manual switches have no communications. The IEDs are
 * numbered in the order of the model's `devices` array from unit id 1, and named `IED-<device id>`.
 * Unit id 247 (SIM_CONTROL_UNIT_ID) is the simulator's control unit.
 */
import type { FeederModel, Ied } from '../model/types';

/** Unit id of the control unit (fault injection, repair, load scale, reset). */
export const SIM_CONTROL_UNIT_ID = 247;
/** Unit ids an IED may use: 1..247 is the Modbus range for individual devices; 247 is the control unit's. */
export const MAX_IED_UNIT_ID = 246;
export const DEFAULT_IED_MAP = 'dms-standard-ied';

/** Devices that get an IED when the model lists none. */
export function fittedWithIed(d: FeederModel['devices'][number]): boolean {
  return d.automated || d.type === 'breaker' || d.type === 'recloser';
}

/** The deterministic IED list for a model without `ieds`. */
export function assignUnitIds(model: FeederModel): Ied[] {
  const out: Ied[] = [];
  for (const d of model.devices) {
    if (!fittedWithIed(d)) continue;
    out.push({ id: `IED-${d.id}`, device: d.id, unitId: out.length + 1, registerMap: DEFAULT_IED_MAP });
  }
  if (out.length > MAX_IED_UNIT_ID) {
    throw new Error(`feeder "${model.name ?? '(unnamed)'}" has ${out.length} automated or protective devices: more than the ${MAX_IED_UNIT_ID} unit ids one Modbus TCP endpoint can serve; list the IEDs to simulate in the model's ieds`);
  }
  return out;
}

/** The IEDs the simulator serves for a model: its own `ieds`, or the assigned ones. */
export function simulatorIeds(model: FeederModel, controlUnitId = SIM_CONTROL_UNIT_ID): Ied[] {
  const ieds = model.ieds && model.ieds.length ? model.ieds.map((d) => ({ ...d })) : assignUnitIds(model);
  for (const [i, d] of ieds.entries()) {
    if (d.unitId === controlUnitId) {
      throw new Error(`ieds[${i}] "${d.id}": unit id ${d.unitId} is the simulator's control unit; give the IED another unit id or move the control unit (controlUnitId)`);
    }
    if (!Number.isInteger(d.unitId) || d.unitId < 1 || d.unitId > 247) throw new Error(`ieds[${i}] "${d.id}": unit id ${d.unitId} is not 1..247`);
    if (d.topic) throw new Error(`ieds[${i}] "${d.id}": topic "${d.topic}" — the simulator serves one Modbus TCP endpoint, where unit ids alone tell IEDs apart`);
  }
  return ieds;
}

/** A copy of the model with the simulator's IEDs in `ieds`, ready for the IED reader and FDIR. */
export function withSimulatorIeds(model: FeederModel, controlUnitId = SIM_CONTROL_UNIT_ID): FeederModel {
  return { ...model, ieds: simulatorIeds(model, controlUnitId) };
}
