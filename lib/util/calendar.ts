/**
 * Local wall-clock time in an IANA time zone, the part every local-day calendar needs: checking a
 * zone name, reading the local date and time of an instant, the zone's offset from UTC, turning a
 * local wall-clock time back into an instant, and `YYYY-MM-DD` keys and epoch-day numbers of
 * calendar dates. UTC is read with Date (no formatter), which is also much faster.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A zone reader: the formatter that gives local fields, or null for UTC. */
export type ZoneReader = Intl.DateTimeFormat | null;

/** Local calendar date and wall-clock time (month 1-12, hour 0-23). */
export interface WallClock {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
}

/** True for names that always mean UTC, read without a formatter. */
export function isUtcZone(timeZone: string): boolean {
  return timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === 'GMT';
}

/** True when Intl knows the zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
    return true;
  } catch {
    return false;
  }
}

/** Returns the zone, or throws `<where>: "<zone>" is not an IANA time zone (e.g. <examples>)`. */
export function checkTimeZone(timeZone: string, where: string, examples: readonly string[]): string {
  if (!isTimeZone(timeZone)) throw new Error(`${where}: "${timeZone}" is not an IANA time zone (e.g. ${examples.map((z) => `"${z}"`).join(', ')})`);
  return timeZone;
}

/** The reader of local fields in `timeZone` (not checked: call checkTimeZone first). */
export function zoneReader(timeZone: string): ZoneReader {
  if (isUtcZone(timeZone)) return null;
  return new Intl.DateTimeFormat('en-US', {
    timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
  });
}

/** Local date and time of instant `ms` (seconds truncated to whole seconds). */
export function wallClock(reader: ZoneReader, ms: number): WallClock {
  if (!reader) {
    const dt = new Date(ms);
    return { y: dt.getUTCFullYear(), mo: dt.getUTCMonth() + 1, d: dt.getUTCDate(), h: dt.getUTCHours(), mi: dt.getUTCMinutes(), s: dt.getUTCSeconds() };
  }
  const o: Record<string, number> = {};
  for (const p of reader.formatToParts(ms)) if (p.type !== 'literal') o[p.type] = Number(p.value);
  return { y: o.year, mo: o.month, d: o.day, h: o.hour, mi: o.minute, s: o.second };
}

/** Local time minus UTC at instant `ms`, in ms (zones offset by whole seconds). */
export function utcOffsetMs(reader: ZoneReader, ms: number): number {
  const w = wallClock(reader, ms);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time, from the zone's offset at two guesses. A wall time that a
 * clock change skips or repeats comes out in the offset before or after the change, whichever the
 * guesses land on (east of UTC the later one, west of it the earlier one); every other wall time
 * is exact.
 */
export function wallTimeToEpoch(reader: ZoneReader, y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (!reader) return wall;
  const off1 = utcOffsetMs(reader, wall);
  const t = wall - off1;
  const off2 = utcOffsetMs(reader, t);
  return off2 === off1 ? t : wall - off2;
}

/** `YYYY-MM-DD` of a calendar date. */
export function isoDate(y: number, mo: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Epoch-day number of a calendar date (1970-01-01 = 0); out-of-range month or day roll over (Date.UTC). */
export function epochDay(y: number, mo: number, d: number): number {
  return Math.floor(Date.UTC(y, mo - 1, d) / DAY_MS);
}

/** `YYYY-MM-DD` of an epoch-day number. */
export function epochDayKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
