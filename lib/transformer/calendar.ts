/**
 * Calendar days in an IANA time zone, for daily/monthly/yearly statistics: an operator's "day" is
 * the local day of the substation. Day boundaries are found once per day (from the zone offset,
 * checked against the local date, so DST days of 23 or 25 hours come out right) and cached, so the
 * hot path of the statistics is two comparisons per sample. Zone reading is shared with the
 * reliability calendar (lib/util/calendar).
 */

import { checkTimeZone as checkZone, DAY_MS, epochDayKey, HOUR_MS, isoDate, utcOffsetMs, wallClock, wallTimeToEpoch, zoneReader, type ZoneReader } from '../util/calendar';

const ZONE_EXAMPLES = ['UTC', 'Europe/Berlin', 'Asia/Shanghai'];

export interface DaySpan {
  /** Local date, YYYY-MM-DD. */
  key: string;
  startMs: number;
  endMs: number;
}

/** Throws a precise error for an unknown zone name. */
export function checkTimeZone(timeZone: string, where = 'timeZone'): string {
  return checkZone(timeZone, where, ZONE_EXAMPLES);
}

export class DayCalendar {
  private readonly fmt: ZoneReader;
  private cached: DaySpan = { key: '', startMs: 1, endMs: 0 };

  constructor(readonly timeZone: string = 'UTC') {
    checkTimeZone(timeZone);
    this.fmt = zoneReader(timeZone);
  }

  /** Local date YYYY-MM-DD of an instant. */
  dateKey(ts: number): string {
    const p = wallClock(this.fmt, ts);
    return isoDate(p.y, p.mo, p.d);
  }

  /** Offset of local time from UTC at an instant, in ms (whole seconds). */
  offsetMs(ts: number): number {
    return utcOffsetMs(this.fmt, ts);
  }

  /** The local day containing ts. */
  dayOf(ts: number): DaySpan {
    const c = this.cached;
    if (ts >= c.startMs && ts < c.endMs) return c;
    let span: DaySpan;
    if (!this.fmt) {
      const day = Math.floor(ts / DAY_MS);
      span = { key: epochDayKey(day), startMs: day * DAY_MS, endMs: (day + 1) * DAY_MS };
    } else {
      const p = wallClock(this.fmt, ts);
      const key = isoDate(p.y, p.mo, p.d);
      // Local midnights through the zone offset (a few formatter calls); checked, and found by
      // bisection instead where a zone changes its clock at midnight.
      let startMs = this.wallTimeToEpoch(p.y, p.mo, p.d);
      if (!(startMs <= ts && this.dateKey(startMs) === key && this.dateKey(startMs - 1) !== key)) startMs = this.edge(ts - 27 * HOUR_MS, ts, key, true);
      const next = new Date(Date.UTC(p.y, p.mo - 1, p.d + 1));
      let endMs = this.wallTimeToEpoch(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
      if (!(endMs > ts && this.dateKey(endMs - 1) === key && this.dateKey(endMs) !== key)) endMs = this.edge(ts, ts + 27 * HOUR_MS, key, false);
      span = { key, startMs, endMs };
    }
    this.cached = span;
    return span;
  }

  /** First instant in (lo, hi] whose date is key (start) or is not key (end), to the millisecond. */
  private edge(lo: number, hi: number, key: string, start: boolean): number {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const inDay = this.dateKey(mid) === key;
      if (start ? inDay : !inDay) hi = mid; else lo = mid;
    }
    return hi;
  }

  /** Epoch ms of a local wall-clock time (for timestamps written without a zone). */
  wallTimeToEpoch(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
    return wallTimeToEpoch(this.fmt, y, mo, d, h, mi, s, ms);
  }

  /** Start of the local day with date key YYYY-MM-DD. */
  startOfDate(key: string): number {
    const [y, mo, d] = key.split('-').map(Number);
    return this.dayOf(this.wallTimeToEpoch(y, mo, d, 12)).startMs;
  }
}

/**
 * Parses an ISO 8601 timestamp. With a zone designator (Z, +hh:mm) it is absolute; without one it
 * is a wall-clock time in the calendar's zone. Returns NaN for anything else.
 */
export function parseIsoTimestamp(text: string, cal: DayCalendar): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return NaN;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return NaN;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCDate() !== d) return NaN;
  const zone = m[8];
  if (!zone) return cal.wallTimeToEpoch(y, mo, d, h, mi, s, ms);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (zone.toUpperCase() === 'Z') return wall;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}
