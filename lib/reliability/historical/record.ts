/**
 * One interruption record in, validated and normalised, or the reason it was refused. The same
 * function reads a CSV row (strings, ISO times), a JSON object and the fault detector's
 * `reliability/interruption` payload (epoch ms), so a record gives identical indices whichever
 * way it arrives.
 */
import { parseIsoInstant } from './calendar';
import type { InterruptionRecord, ServedFeeder } from './types';

export interface NormaliseOptions {
  /** Sustained means longer than this (IEEE 1366: 5 minutes). */
  momentaryThresholdMin: number;
  feeders: ReadonlyMap<string, ServedFeeder>;
}

export type RejectCode =
  | 'not-object' | 'missing-field' | 'unknown-feeder' | 'bad-time' | 'end-before-start' | 'bad-duration'
  | 'bad-customers' | 'customers-exceed-served' | 'bad-load' | 'bad-flag' | 'bad-load-points' | 'duplicate-id' | 'overlap';

export type Normalised = { ok: true; record: InterruptionRecord } | { ok: false; id: string; reason: string; code: RejectCode };

/** Tolerance between a given `end` and `durationMin` (rounding in the source). */
const DURATION_TOLERANCE_MIN = 0.5;

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function text(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** A finite number from a number or numeric string; NaN otherwise. */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v.trim())) return Number(v);
  return NaN;
}

/** Epoch ms from a number, a numeric string (ms) or an ISO timestamp with zone; a message saying why otherwise. */
function instant(v: unknown, field: string): number | string {
  if (typeof v === 'number') return Number.isFinite(v) ? v : `${field} ${v} is not a time`;
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : `${field} is an invalid Date`;
  const s = text(v);
  const ms = parseIsoInstant(s);
  if (ms !== null) return ms;
  if (/^\d{9,}$/.test(s)) return Number(s);
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) return `${field} "${s}" has no time zone (add Z or +hh:mm)`;
  return `${field} "${s}" is not an ISO 8601 timestamp`;
}

const TRUE = new Set(['1', 'true', 'yes', 'y', 't', 'planned', 'momentary']);
const FALSE = new Set(['0', 'false', 'no', 'n', 'f', 'unplanned', 'sustained']);

function flag(v: unknown, field: string): boolean | string {
  if (typeof v === 'boolean') return v;
  const s = text(v).toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return `${field} "${text(v)}" is not true/false`;
}

function nonNegative(v: unknown, field: string): number | null | string {
  if (isAbsent(v)) return null;
  const x = num(v);
  if (!Number.isFinite(x)) return `${field} "${text(v)}" is not a number`;
  if (x < 0) return `${field} ${x} is negative`;
  return x;
}

/**
 * The load points a record names: an array of ids, or one text field (a CSV column) of ids separated
 * by `;`, `+`, `|` or spaces. Null when absent; a reason when malformed or unknown to the feeder's model.
 */
function loadPointList(v: unknown, feeder: ServedFeeder): string[] | null | string {
  if (isAbsent(v)) return null;
  const items: unknown[] = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[;+|\s]+/).filter((s) => s !== '') : [v];
  const ids: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string' || item.trim() === '') return `loadPoints entry ${JSON.stringify(item)} is not a load point id`;
    const id = item.trim();
    if (feeder.loadPointCustomers && !(id in feeder.loadPointCustomers)) return `load point "${id}" is not in the model of feeder "${feeder.id}"`;
    if (!ids.includes(id)) ids.push(id);
  }
  if (ids.length === 0) return null;
  return ids.sort();
}

function fail(code: RejectCode, reason: string, id: string): Normalised {
  return { ok: false, id, reason, code };
}

/** The id a record without one gets: what identifies an interruption physically. */
export function derivedId(feeder: string, device: string, startMs: number): string {
  return `${feeder}/${device}/${new Date(startMs).toISOString()}`;
}

export function normaliseRecord(raw: unknown, opts: NormaliseOptions): Normalised {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, id: '', reason: 'not an object', code: 'not-object' };
  const r = raw as Record<string, unknown>;
  const givenId = text(r.id);

  const feederId = text(r.feeder);
  if (!feederId) return fail('missing-field', 'feeder is missing', givenId);
  const feeder = opts.feeders.get(feederId);
  if (!feeder) return fail('unknown-feeder', `unknown feeder "${feederId}" (not among the feeders served)`, givenId);
  const device = text(r.device);

  const start = instant(r.start, 'start');
  if (typeof start === 'string') return fail('bad-time', start, givenId);
  const id = givenId || derivedId(feederId, device, start);

  let end: number;
  let durationMin: number;
  const dur = isAbsent(r.durationMin) ? null : num(r.durationMin);
  if (dur !== null && !Number.isFinite(dur)) return fail('bad-duration', `durationMin "${text(r.durationMin)}" is not a number`, id);
  if (!isAbsent(r.end)) {
    const e = instant(r.end, 'end');
    if (typeof e === 'string') return fail('bad-time', e, id);
    if (e < start) return fail('end-before-start', `end ${new Date(e).toISOString()} is before start ${new Date(start).toISOString()}`, id);
    end = e;
    durationMin = (end - start) / 60_000;
    if (dur !== null && Math.abs(dur - durationMin) > DURATION_TOLERANCE_MIN) {
      return fail('bad-duration', `durationMin ${dur} disagrees with end - start = ${round3(durationMin)} min`, id);
    }
  } else if (dur !== null) {
    if (dur < 0) return fail('bad-duration', `durationMin ${dur} is negative`, id);
    durationMin = dur;
    end = start + Math.round(dur * 60_000);
  } else return fail('missing-field', 'neither end nor durationMin is given', id);

  const loadPoints = loadPointList(r.loadPoints, feeder);
  if (typeof loadPoints === 'string') return fail('bad-load-points', loadPoints, id);

  let customers: number;
  if (isAbsent(r.customersInterrupted)) {
    // A log of feeder trips carries no count: its load points' or the device's customers if a model says, else the whole feeder (thesis §6.3).
    const lpc = feeder.loadPointCustomers;
    customers = (loadPoints && lpc ? loadPoints.reduce((t, lp) => t + lpc[lp], 0) : undefined)
      ?? (device ? feeder.deviceCustomers?.[device] : undefined) ?? feeder.customers;
  } else {
    const c = num(r.customersInterrupted);
    if (!Number.isFinite(c)) return fail('bad-customers', `customersInterrupted "${text(r.customersInterrupted)}" is not a number`, id);
    if (c < 0) return fail('bad-customers', `customersInterrupted ${c} is negative`, id);
    if (c > feeder.customers) return fail('customers-exceed-served', `customersInterrupted ${c} exceeds the ${feeder.customers} customers feeder "${feederId}" serves`, id);
    customers = c;
  }

  const kW = nonNegative(r.kWInterrupted, 'kWInterrupted');
  if (typeof kW === 'string') return fail('bad-load', kW, id);
  const kVA = nonNegative(r.kVAInterrupted, 'kVAInterrupted');
  if (typeof kVA === 'string') return fail('bad-load', kVA, id);

  let planned = false;
  if (!isAbsent(r.planned)) {
    const p = flag(r.planned, 'planned');
    if (typeof p === 'string') return fail('bad-flag', p, id);
    planned = p;
  }
  let momentary = durationMin <= opts.momentaryThresholdMin;
  if (!isAbsent(r.momentary)) {
    const m = flag(r.momentary, 'momentary');
    if (typeof m === 'string') return fail('bad-flag', m, id);
    momentary = m;
  }

  const record: InterruptionRecord = {
    // Groups of one device's interruption share its start: without an id of their own their load points tell them apart.
    id: !givenId && loadPoints ? `${id}/${loadPoints.join('+')}` : id, feeder: feederId, device, startMs: start, endMs: end, durationMin, customersInterrupted: customers,
    kWInterrupted: kW, kVAInterrupted: kVA, cause: text(r.cause), planned, momentary,
  };
  if (loadPoints) record.loadPoints = loadPoints;
  return { ok: true, record };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
