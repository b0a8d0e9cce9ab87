/**
 * Switching sequences between operation modes, as field commands (DESIGN.md §6).
 *
 * Substation layout: each unit has an HV breaker (energises it) and an LV breaker (connects it to
 * its own bus); a bus tie joins bus 1 and bus 2.
 *
 *   mode      T1-HV T1-LV  tie  T2-LV T2-HV
 *   T1          C     C     C     O     O      (T2 de-energised, so its no-load loss disappears)
 *   T2          O     O     C     C     C
 *   split       C     C     O     C     C
 *   parallel    C     C     C     C     C
 *
 * Order of a transfer: (1) energise units the target needs (HV close, no load); (2) when paralleling
 * is permitted, close LV breakers / tie before opening (make-before-break: no bus loses supply, the
 * units run in parallel for a moment); otherwise open before close (break-before-make: the buses
 * named in `interruptions` lose supply for the transfer time); (3) de-energise units the target no
 * longer needs. Every intermediate state is checked: buses supplied, no unit pushed beyond the
 * overload limit (beyond what it already carries when the plan starts).
 */
import { phasorSumKVA, busKVA, parallelShares } from './losses';
import type { ParallelingVerdict } from './paralleling';
import type { BusLoad, ModeName, StationParams } from './types';

export interface DeviceIds {
  t1HV: string;
  t1LV: string;
  busTie: string;
  t2LV: string;
  t2HV: string;
}

export type DeviceRole = keyof DeviceIds;
const ROLES: DeviceRole[] = ['t1HV', 't1LV', 'busTie', 't2LV', 't2HV'];

/** true = closed. */
export type DeviceStates = Record<DeviceRole, boolean>;

export function defaultDeviceIds(t1Id: string, t2Id: string): DeviceIds {
  return { t1HV: `${t1Id}-HV`, t1LV: `${t1Id}-LV`, busTie: 'BUS-TIE', t2LV: `${t2Id}-LV`, t2HV: `${t2Id}-HV` };
}

export function statesOf(mode: ModeName): DeviceStates {
  switch (mode) {
    case 'T1': return { t1HV: true, t1LV: true, busTie: true, t2LV: false, t2HV: false };
    case 'T2': return { t1HV: false, t1LV: false, busTie: true, t2LV: true, t2HV: true };
    case 'split': return { t1HV: true, t1LV: true, busTie: false, t2LV: true, t2HV: true };
    case 'parallel': return { t1HV: true, t1LV: true, busTie: true, t2LV: true, t2HV: true };
  }
}

/** Which buses have supply in a device state. */
export function suppliedBuses(s: DeviceStates): [boolean, boolean] {
  const u1 = s.t1HV && s.t1LV;
  const u2 = s.t2HV && s.t2LV;
  return [u1 || (s.busTie && u2), u2 || (s.busTie && u1)];
}

/** Flow through each unit in a device state (dead buses carry nothing). */
export function stateFlowsKVA(s: DeviceStates, station: StationParams, b1: BusLoad, b2: BusLoad): [number, number] {
  const u1 = s.t1HV && s.t1LV;
  const u2 = s.t2HV && s.t2LV;
  if (s.busTie) {
    const total = phasorSumKVA(b1, b2);
    if (u1 && u2) {
      const [k1, k2] = parallelShares(station.transformers[0], station.transformers[1]);
      return [total * k1, total * k2];
    }
    return [u1 ? total : 0, u2 ? total : 0];
  }
  return [u1 ? busKVA(b1) : 0, u2 ? busKVA(b2) : 0];
}

/**
 * The mode a set of switch states represents (the paper judges the present mode from remote
 * signals). Throws when a bus is without supply or a needed device is missing.
 */
export function modeFromStates(s: DeviceStates, ids: DeviceIds): ModeName {
  const u1 = s.t1HV && s.t1LV;
  const u2 = s.t2HV && s.t2LV;
  if (u1 && u2) return s.busTie ? 'parallel' : 'split';
  if (u1 && s.busTie) return 'T1';
  if (u2 && s.busTie) return 'T2';
  const [a, b] = suppliedBuses(s);
  const dead = [!a ? 'bus 1' : '', !b ? 'bus 2' : ''].filter(Boolean).join(' and ');
  const shown = ROLES.map((r) => `${ids[r]} ${s[r] ? 'closed' : 'open'}`).join(', ');
  throw new Error(`switch states match no operating mode (${dead} without supply): ${shown}`);
}

export interface FieldCommand {
  planId: string;
  step: number;
  steps: number;
  deviceId: string;
  role: DeviceRole;
  action: 'close' | 'open';
  intendedState: 'closed' | 'open';
  /** Plan id, step and purpose, for the operator log and the IED write. */
  reason: string;
  /** How long to wait for the status read-back confirming the intended state. */
  timeoutMs: number;
}

export interface PlanCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface SwitchingPlan {
  planId: string;
  from: ModeName;
  to: ModeName;
  createdMs: number;
  transfer: 'make-before-break' | 'break-before-make';
  /** Buses without supply during a break-before-make transfer, and between which steps. */
  interruptions: Array<{ bus: string; afterStep: number; restoredAtStep: number }>;
  commands: FieldCommand[];
  checks: PlanCheck[];
  /** True when an interlock failed: the plan must not be executed. */
  blocked: boolean;
}

export interface PlanOptions {
  devices: DeviceIds;
  /** Paralleling verdict for the pair (make-before-break needs it). */
  paralleling: ParallelingVerdict;
  timeoutMs: number;
  ts: number;
  /** Bus loads at planning time, for the intermediate overload check. */
  loads?: [BusLoad, BusLoad];
}

const PURPOSE: Record<DeviceRole, [string, string]> = {
  t1HV: ['energise T1', 'de-energise T1'],
  t1LV: ['connect T1 to bus 1', 'disconnect T1 from bus 1'],
  busTie: ['join bus 1 and bus 2', 'separate bus 1 and bus 2'],
  t2LV: ['connect T2 to bus 2', 'disconnect T2 from bus 2'],
  t2HV: ['energise T2', 'de-energise T2'],
};

export function planTransfer(station: StationParams, from: ModeName, to: ModeName, opts: PlanOptions): SwitchingPlan {
  const planId = `tm-${opts.ts}-${from}-${to}`;
  const cur = statesOf(from);
  const target = statesOf(to);
  const changes = (roles: DeviceRole[], close: boolean): DeviceRole[] => roles.filter((r) => cur[r] !== target[r] && target[r] === close);
  const hv: DeviceRole[] = ['t1HV', 't2HV'];
  const lv: DeviceRole[] = ['t1LV', 'busTie', 't2LV'];
  const mbb = opts.paralleling.ok;
  const order: Array<[DeviceRole, boolean]> = [
    ...changes(hv, true).map((r) => [r, true] as [DeviceRole, boolean]),
    ...(mbb
      ? [...changes(lv, true).map((r) => [r, true]), ...changes(lv, false).map((r) => [r, false])]
      : [...changes(lv, false).map((r) => [r, false]), ...changes(lv, true).map((r) => [r, true])]) as Array<[DeviceRole, boolean]>,
    ...changes(hv, false).map((r) => [r, false] as [DeviceRole, boolean]),
  ];
  const checks: PlanCheck[] = [];
  const interruptions: SwitchingPlan['interruptions'] = [];
  const deadSince: [number, number] = [-1, -1];
  const state = { ...cur };
  const busIds = opts.loads ? [opts.loads[0].id, opts.loads[1].id] : ['bus 1', 'bus 2'];
  let parallelMoment = false;
  // A step may not load a unit beyond the limit, unless the unit carries that much already (a plan
  // leaving an overloaded mode must not be refused for the overload it is about to relieve).
  const startLoading = opts.loads ? stateFlowsKVA(cur, station, opts.loads[0], opts.loads[1]).map((f, k) => f / station.transformers[k].snKVA) : [0, 0];
  order.forEach(([role, close], i) => {
    state[role] = close;
    const sup = suppliedBuses(state);
    for (let b = 0; b < 2; b++) {
      if (!sup[b] && deadSince[b] < 0) deadSince[b] = i + 1;
      if (sup[b] && deadSince[b] >= 0) {
        interruptions.push({ bus: busIds[b], afterStep: deadSince[b], restoredAtStep: i + 1 });
        deadSince[b] = -1;
      }
    }
    if (state.t1HV && state.t1LV && state.t2HV && state.t2LV && state.busTie && i < order.length - 1) parallelMoment = true;
    if (opts.loads) {
      const flows = stateFlowsKVA(state, station, opts.loads[0], opts.loads[1]);
      station.transformers.forEach((t, k) => {
        const loading = flows[k] / t.snKVA;
        if (loading > station.overloadLimit && loading > startLoading[k] + 1e-9) {
          checks.push({ check: 'rating', ok: false, detail: `after step ${i + 1} ${t.id} would carry ${loading.toFixed(3)} x SN (limit ${station.overloadLimit})` });
        }
      });
    }
  });
  const end = suppliedBuses(state);
  if (!end[0] || !end[1]) checks.push({ check: 'supply', ok: false, detail: 'target state leaves a bus without supply' });
  const wantParallel = to === 'parallel' || parallelMoment;
  checks.push({
    check: 'paralleling',
    ok: !wantParallel || opts.paralleling.ok,
    detail: wantParallel
      ? (opts.paralleling.ok ? `units run in parallel${to === 'parallel' ? '' : ' for a moment'}: ${opts.paralleling.checks.map((c) => c.detail).join('; ')}` : `paralleling not permitted: ${opts.paralleling.reason}`)
      : 'units never in parallel',
  });
  if (!checks.some((c) => c.check === 'rating')) checks.push({ check: 'rating', ok: true, detail: opts.loads ? 'every step within the overload limit' : 'no loads given: ratings not checked' });
  checks.push(interruptions.length
    ? { check: 'continuity', ok: true, detail: `brief transfer: ${interruptions.map((x) => `${x.bus} without supply from step ${x.afterStep} until step ${x.restoredAtStep}`).join('; ')} (paralleling not permitted)` }
    : { check: 'continuity', ok: true, detail: 'no bus loses supply' });
  const commands: FieldCommand[] = order.map(([role, close], i) => ({
    planId,
    step: i + 1,
    steps: order.length,
    deviceId: opts.devices[role],
    role,
    action: close ? 'close' : 'open',
    intendedState: close ? 'closed' : 'open',
    reason: `transformer mode ${from} -> ${to}, plan ${planId} step ${i + 1}/${order.length}: ${PURPOSE[role][close ? 0 : 1]}`,
    timeoutMs: opts.timeoutMs,
  }));
  return {
    planId, from, to, createdMs: opts.ts,
    transfer: mbb ? 'make-before-break' : 'break-before-make',
    interruptions, commands, checks, blocked: checks.some((c) => !c.ok),
  };
}

/** Parses switch positions from telemetry: {deviceId: true|false|"closed"|"open"}. */
export function parseDeviceStates(raw: unknown, ids: DeviceIds, where = 'switches'): DeviceStates {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error(`${where}: must be an object {deviceId: "closed"|"open"|true|false}, got ${JSON.stringify(raw)}`);
  }
  const o = raw as Record<string, unknown>;
  const out = {} as DeviceStates;
  const problems: string[] = [];
  for (const role of ROLES) {
    const v = o[ids[role]];
    if (v === true || v === 'closed' || v === 1) out[role] = true;
    else if (v === false || v === 'open' || v === 0) out[role] = false;
    else problems.push(`${where}.${ids[role]}: ${v === undefined ? 'missing' : `${JSON.stringify(v)} is not "closed"/"open"/true/false`}`);
  }
  if (problems.length) throw new Error(problems.join('; '));
  return out;
}
