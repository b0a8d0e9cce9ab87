/**
 * FDIR's view of the field: which IED watches which device (the model's `ieds`, or the simulator's
 * assignment for models without them), how a register map tells a device's position, fault passage,
 * power and command outcome, and the node-red-contrib-modbus Flex-Write messages that carry a
 * select-before-operate command built from the map's `controls`.
 */
import { resolveRegisterMap, type CompiledMap, type CompiledPoint } from '../ied/register-map';
import type { ControlSpec } from '../ied/types';
import type { FeederModel } from '../model/types';
import { DEFAULT_IED_MAP, simulatorIeds } from '../sim/units';

/** A node-red-contrib-modbus Flex-Write payload (one coil or one holding register). */
export interface FlexWrite {
  value: boolean | number;
  fc: 5 | 6;
  unitid: number;
  address: number;
  quantity: 1;
}

/** What FDIR reads and writes through one register map. */
export interface FieldProfile {
  map: CompiledMap;
  /** Position: the `confirm` points of the map's `close` and `open` controls. */
  closedPoint: { point: string; value: boolean | number } | null;
  openPoint: { point: string; value: boolean | number } | null;
  /** Points whose quality decides whether the IED's fault-passage indication can be trusted. */
  indicationPoints: string[];
  /** Active and reactive power at the device, positive towards the load. */
  pPoint: string | null;
  qPoint: string | null;
  /** Point that reads true while a select is armed (checked before operate). */
  selectArmedPoint: string | null;
  /** Point that reads true while the IED accepts remote commands. */
  remotePoint: string | null;
  /** Point holding the last command's outcome, and its values that mean "refused" with their labels. */
  resultPoint: string | null;
  refusals: Map<number, string>;
  open: ControlSpec | null;
  close: ControlSpec | null;
}

export interface FieldIed {
  id: string;
  device: string | null;
  section: string | null;
  unitId: number;
  profile: FieldProfile;
}

/** Names FDIR looks for in a map besides its `controls` (the dms-standard-ied names). */
const PASSAGE_POINTS = ['fpiA', 'fpiB', 'fpiC', 'fpiE', 'faultIaA', 'faultIbA', 'faultIcA', 'faultInA'];
const POSITION_FALLBACK = { closed: 'breakerClosed', open: 'breakerOpen' };

const profiles = new WeakMap<CompiledMap, FieldProfile>();

export function fieldProfile(map: CompiledMap): FieldProfile {
  const cached = profiles.get(map);
  if (cached) return cached;
  const has = (n: string): string | null => (map.byName.has(n) ? n : null);
  const controls = map.doc.controls ?? {};
  const open = controls.open ?? null;
  const close = controls.close ?? null;
  const result = has('commandResult');
  const refusals = new Map<number, string>();
  const labels = result ? map.byName.get(result)!.doc.labels ?? {} : {};
  for (const [k, label] of Object.entries(labels)) if (/reject|refus|fail/i.test(label)) refusals.set(Number(k), label);
  const closedPoint = close?.confirm ?? (has(POSITION_FALLBACK.closed) ? { point: POSITION_FALLBACK.closed, value: true } : null);
  const openPoint = open?.confirm ?? (has(POSITION_FALLBACK.open) ? { point: POSITION_FALLBACK.open, value: true } : null);
  const indication = PASSAGE_POINTS.filter((n) => map.byName.has(n));
  const profile: FieldProfile = {
    map,
    closedPoint,
    openPoint,
    indicationPoints: indication.length ? indication : [closedPoint?.point, openPoint?.point].filter((p): p is string => !!p),
    pPoint: has('pKW'),
    qPoint: has('qKvar'),
    selectArmedPoint: has('selectArmed'),
    remotePoint: has('remote'),
    resultPoint: refusals.size ? result : null,
    refusals,
    open,
    close,
  };
  profiles.set(map, profile);
  return profile;
}

/**
 * The IEDs FDIR works with: the model's `ieds` when it lists any, else the IEDs the feeder
 * simulator assigns (lib/sim/units: one per automated device and per breaker/recloser, unit ids
 * from 1 in device order), so a flow on a built-in network talks to `dms sim` without extra set-up.
 */
export function fieldIeds(model: FeederModel): FieldIed[] {
  const list = model.ieds && model.ieds.length ? model.ieds : simulatorIeds(model);
  return list.map((d, i) => {
    let map: CompiledMap;
    try {
      map = resolveRegisterMap(d.registerMap ?? DEFAULT_IED_MAP, `ieds[${i}] "${d.id}" register map`);
    } catch (err) {
      throw new Error(`ieds[${i}] "${d.id}": ${(err as Error).message}`);
    }
    return { id: d.id, device: d.device ?? null, section: d.section ?? null, unitId: d.unitId, profile: fieldProfile(map) };
  });
}

/** Position from point values: true closed, false open, null unknown (travelling, both or neither contact). */
export function positionOf(p: FieldProfile, values: Record<string, unknown>): boolean | null {
  const c = p.closedPoint;
  const o = p.openPoint;
  const isClosed = c ? values[c.point] === c.value : null;
  const isOpen = o ? values[o.point] === o.value : null;
  if (isClosed === null && isOpen === null) return null;
  if (isClosed === true && isOpen !== true) return true;
  if (isOpen === true && isClosed !== true) return false;
  // Only one contact is mapped: its "not made" reading decides.
  if (o === null && c !== null && values[c.point] !== undefined && values[c.point] !== null) return false;
  if (c === null && o !== null && values[o.point] !== undefined && values[o.point] !== null) return true;
  return null;
}

function writeFor(p: CompiledPoint, unitId: number, ied: string): FlexWrite {
  if (p.table === 'coil') return { value: true, fc: 5, unitid: unitId, address: p.address, quantity: 1 };
  if (p.table === 'holdingRegister' && p.words === 1) return { value: 1, fc: 6, unitid: unitId, address: p.address, quantity: 1 };
  throw new Error(`IED "${ied}": command point "${p.name}" is a ${p.table} of ${p.words} register(s); commands need a coil or a one-register holding register`);
}

export interface CommandWrites {
  /** Absent for a direct-operate control. */
  select: FlexWrite | null;
  operate: FlexWrite;
  cancel: FlexWrite | null;
}

/** The writes of an open or close command on one IED; throws naming the IED when its map cannot do it. */
export function commandWrites(ied: FieldIed, close: boolean): CommandWrites {
  const spec = close ? ied.profile.close : ied.profile.open;
  const map = ied.profile.map;
  if (!spec) throw new Error(`IED "${ied.id}": register map "${map.name}" has no "${close ? 'close' : 'open'}" control`);
  const point = (name: string | undefined): CompiledPoint | null => {
    if (name === undefined) return null;
    const p = map.byName.get(name);
    if (!p) throw new Error(`IED "${ied.id}": control point "${name}" is not in register map "${map.name}"`);
    return p;
  };
  const sel = point(spec.select);
  const cancel = point(spec.cancel);
  return {
    select: sel ? writeFor(sel, ied.unitId, ied.id) : null,
    operate: writeFor(point(spec.operate)!, ied.unitId, ied.id),
    cancel: cancel ? writeFor(cancel, ied.unitId, ied.id) : null,
  };
}
