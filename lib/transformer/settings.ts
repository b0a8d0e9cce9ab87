/**
 * Selector settings from JSON (the CLI's station file, the node's configuration): the station
 * parameters plus the decision, control, device and statistics settings, with defaults.
 *   minSavingKW (0.1), minDwellMin (60), control ("advisory"), devices ({t1HV, t1LV, busTie, t2LV, t2HV},
 *   default "<T1 id>-HV", "<T1 id>-LV", "BUS-TIE", ...), commandTimeoutS (30), timeZone ("UTC"), maxHoldMin (60).
 */
import { checkTimeZone } from './calendar';
import type { SelectorSettings } from './selector';
import { defaultDeviceIds, type DeviceIds } from './switching';
import { parseStation, TransformerInputError } from './validate';

export const SELECTOR_DEFAULTS = {
  minSavingKW: 0.1,
  minDwellMin: 60,
  control: 'advisory' as const,
  commandTimeoutS: 30,
  timeZone: 'UTC',
  maxHoldMin: 60,
};

function num(o: Record<string, unknown>, key: string, def: number, min: number, problems: string[], strictlyAbove = false): number {
  const v = o[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || (strictlyAbove ? !(v > min) : v < min)) {
    problems.push(`${key} must be a number ${strictlyAbove ? '>' : '>='} ${min}, got ${JSON.stringify(v)}`);
    return def;
  }
  return v;
}

export function parseSelectorSettings(raw: unknown): SelectorSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TransformerInputError([`settings must be a JSON object, got ${JSON.stringify(raw)}`]);
  }
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  let station;
  try {
    station = parseStation(o);
  } catch (e) {
    problems.push(...((e as TransformerInputError).problems ?? [(e as Error).message]));
  }
  const minSavingKW = num(o, 'minSavingKW', SELECTOR_DEFAULTS.minSavingKW, 0, problems);
  const minDwellMin = num(o, 'minDwellMin', SELECTOR_DEFAULTS.minDwellMin, 0, problems);
  const commandTimeoutS = num(o, 'commandTimeoutS', SELECTOR_DEFAULTS.commandTimeoutS, 0, problems, true);
  const maxHoldMin = num(o, 'maxHoldMin', SELECTOR_DEFAULTS.maxHoldMin, 0, problems, true);
  const control = o.control ?? SELECTOR_DEFAULTS.control;
  if (control !== 'advisory' && control !== 'automatic') problems.push(`control must be "advisory" or "automatic", got ${JSON.stringify(control)}`);
  let timeZone = SELECTOR_DEFAULTS.timeZone;
  if (o.timeZone !== undefined) {
    try {
      timeZone = checkTimeZone(String(o.timeZone));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  let devices: DeviceIds | undefined;
  if (station) {
    devices = defaultDeviceIds(station.transformers[0].id, station.transformers[1].id);
    if (o.devices !== undefined) {
      if (typeof o.devices !== 'object' || o.devices === null || Array.isArray(o.devices)) {
        problems.push(`devices must be an object {t1HV, t1LV, busTie, t2LV, t2HV}, got ${JSON.stringify(o.devices)}`);
      } else {
        for (const [k, v] of Object.entries(o.devices as Record<string, unknown>)) {
          if (!(k in devices)) problems.push(`devices.${k}: unknown device role (roles: ${Object.keys(devices).join(', ')})`);
          else if (typeof v !== 'string' || !v.trim()) problems.push(`devices.${k}: must be a non-empty device id, got ${JSON.stringify(v)}`);
          else devices[k as keyof DeviceIds] = v.trim();
        }
        const ids = Object.values(devices);
        const dup = ids.find((id, i) => ids.indexOf(id) !== i);
        if (dup) problems.push(`devices: id "${dup}" is used for two roles`);
      }
    }
  }
  if (problems.length) throw new TransformerInputError(problems);
  return {
    station: station!,
    decision: { minSavingKW, minDwellMs: minDwellMin * 60_000 },
    control: control as SelectorSettings['control'],
    devices: devices!,
    commandTimeoutMs: commandTimeoutS * 1000,
    timeZone,
    maxHoldMs: maxHoldMin * 60_000,
  };
}
