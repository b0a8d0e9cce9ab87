/**
 * Telemetry samples: the bus loads, the mode in service and the time, from a Node-RED message
 * payload or a profile row. Accepted payload shapes (units in the key names):
 *   {ts?, buses: [{id, pKW, qKvar}, {id, pKW, qKvar}], mode | switches, faulted?}
 *   {ts?, p1KW, q1Kvar, p2KW, q2Kvar, mode | switches, faulted?}      (the profile CSV's columns)
 * `ts` is epoch ms or an ISO 8601 string; `switches` maps device ids to "closed"/"open"/true/false,
 * from which the mode is judged (as the paper does from SCADA remote signals).
 */
import { DayCalendar, parseIsoTimestamp } from './calendar';
import { modeFromStates, parseDeviceStates, type DeviceIds } from './switching';
import { parseBuses, TransformerInputError } from './validate';
import { isMode, MODES, type BusLoad, type ModeName } from './types';

export interface LoadSample {
  ts: number;
  buses: [BusLoad, BusLoad];
  mode: ModeName;
  /** A protection/fault alarm in the substation: switching is suspended. */
  faulted?: boolean;
}

export interface TelemetryOptions {
  /** Time used when the payload carries none (the node passes the arrival time). */
  defaultTs: number;
  devices: DeviceIds;
  /** Zone for ISO timestamps written without an offset. */
  calendar: DayCalendar;
  busIds?: [string, string];
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v);
}

export function parseTelemetry(raw: unknown, opts: TelemetryOptions, where = 'payload'): LoadSample {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TransformerInputError([`${where}: telemetry must be an object {ts?, buses | p1KW, q1Kvar, p2KW, q2Kvar, mode | switches}, got ${show(raw)}`]);
  }
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  let ts = opts.defaultTs;
  if (o.ts !== undefined) {
    if (typeof o.ts === 'number' && Number.isFinite(o.ts)) ts = o.ts;
    else if (typeof o.ts === 'string' && Number.isFinite(parseIsoTimestamp(o.ts, opts.calendar))) ts = parseIsoTimestamp(o.ts, opts.calendar);
    else problems.push(`${where}.ts: ${show(o.ts)} is neither epoch milliseconds nor an ISO 8601 time`);
  }
  let buses: [BusLoad, BusLoad] | undefined;
  const ids = opts.busIds ?? ['B1', 'B2'];
  if (o.buses !== undefined) {
    try {
      buses = parseBuses(o.buses, `${where}.buses`);
    } catch (e) {
      problems.push(...((e as TransformerInputError).problems ?? [(e as Error).message]));
    }
  } else {
    const nums = ['p1KW', 'q1Kvar', 'p2KW', 'q2Kvar'].map((k) => {
      const v = o[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        problems.push(`${where}.${k}: ${v === undefined ? 'missing (give buses or p1KW, q1Kvar, p2KW, q2Kvar)' : `must be a finite number, got ${show(v)}`}`);
        return 0;
      }
      return v;
    });
    buses = [{ id: ids[0], pKW: nums[0], qKvar: nums[1] }, { id: ids[1], pKW: nums[2], qKvar: nums[3] }];
  }
  let mode: ModeName | undefined;
  if (o.mode !== undefined) {
    if (isMode(o.mode)) mode = o.mode;
    else problems.push(`${where}.mode: ${show(o.mode)} is not a mode; modes are ${MODES.join(', ')}`);
  } else if (o.switches !== undefined) {
    try {
      mode = modeFromStates(parseDeviceStates(o.switches, opts.devices, `${where}.switches`), opts.devices);
    } catch (e) {
      problems.push((e as Error).message);
    }
  } else {
    problems.push(`${where}: the mode in service is required, as mode (${MODES.join(', ')}) or switches {deviceId: "closed"|"open"}`);
  }
  if (o.faulted !== undefined && typeof o.faulted !== 'boolean') problems.push(`${where}.faulted: must be true or false, got ${show(o.faulted)}`);
  if (problems.length) throw new TransformerInputError(problems);
  const sample: LoadSample = { ts, buses: buses!, mode: mode! };
  if (o.faulted === true) sample.faulted = true;
  return sample;
}
