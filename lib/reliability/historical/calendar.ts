/**
 * Local calendar days for reliability reporting. IEEE 1366 accrues an interruption to the day on
 * which it began, and a utility's "day" is its local day, so every record is bucketed by the local
 * date of its start in one IANA zone (UTC unless the user names one). Days are numbered like
 * epoch days of the local date (1970-01-01 = 0), which makes month/year arithmetic plain UTC
 * arithmetic on `day * DAY_MS`. Zone reading is shared with the transformer calendar (lib/util/calendar).
 */
import { checkTimeZone as checkZone, DAY_MS, epochDay, epochDayKey, HOUR_MS, MINUTE_MS, utcOffsetMs, zoneReader, type ZoneReader } from '../../util/calendar';

export { DAY_MS };
const SLOT_MS = 15 * MINUTE_MS; // every real zone transition since 1900 falls on a quarter hour
const CACHE_LIMIT = 50_000;
const ZONE_EXAMPLES = ['UTC', 'Africa/Addis_Ababa', 'Europe/Berlin'];

/** Throws a clear error for an unknown zone name. */
export function checkTimeZone(timeZone: string, where = 'time zone'): string {
  return checkZone(timeZone, where, ZONE_EXAMPLES);
}

export class ZoneCalendar {
  private readonly fmt: ZoneReader;
  private readonly offsets = new Map<number, number>();
  private readonly dayStarts = new Map<number, number>();

  constructor(readonly timeZone = 'UTC') {
    checkTimeZone(timeZone);
    this.fmt = zoneReader(timeZone);
  }

  /** Local time minus UTC at instant `ms`, in ms. */
  offsetMs(ms: number): number {
    if (!this.fmt) return 0;
    const slot = Math.floor(ms / SLOT_MS);
    let off = this.offsets.get(slot);
    if (off === undefined) {
      off = utcOffsetMs(this.fmt, slot * SLOT_MS);
      if (this.offsets.size >= CACHE_LIMIT) this.offsets.clear();
      this.offsets.set(slot, off);
    }
    return off;
  }

  /** The local day number of instant `ms`. */
  dayOf(ms: number): number {
    return Math.floor((ms + this.offsetMs(ms)) / DAY_MS);
  }

  /** The first instant (ms) of local day `day`; correct on DST days and where midnight does not exist. */
  startOfDay(day: number): number {
    let start = this.dayStarts.get(day);
    if (start !== undefined) return start;
    if (!this.fmt) start = day * DAY_MS;
    else {
      // Binary search, minute resolution, between bounds no zone offset can escape (±18 h).
      let lo = Math.floor((day * DAY_MS - 20 * HOUR_MS) / MINUTE_MS);
      let hi = Math.ceil((day * DAY_MS + 20 * HOUR_MS) / MINUTE_MS);
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.dayOf(mid * MINUTE_MS) >= day) hi = mid;
        else lo = mid + 1;
      }
      start = lo * MINUTE_MS;
    }
    this.dayStarts.set(day, start);
    return start;
  }

  /** Hours between the starts of two local days (23 or 25 on DST days). */
  hoursBetween(fromDay: number, toDay: number): number {
    return (this.startOfDay(toDay) - this.startOfDay(fromDay)) / HOUR_MS;
  }
}

/** `YYYY-MM-DD` of a day number. */
export const dayKey = epochDayKey;

/** `YYYY-MM` of a day number. */
export function monthKey(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 7);
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** Day number of a calendar date given as year, month (1-12), day; out-of-range values roll over (Date.UTC). */
export const dayFromYmd = epochDay;

/** The same calendar date `years` later (Feb 29 rolls to Mar 1). */
export function addYears(day: number, years: number): number {
  const d = new Date(day * DAY_MS);
  return dayFromYmd(d.getUTCFullYear() + years, d.getUTCMonth() + 1, d.getUTCDate());
}

export function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS);
  return dayFromYmd(d.getUTCFullYear(), d.getUTCMonth() + 1 + months, d.getUTCDate());
}

/** First day of the month / year containing `day`. */
export function monthStart(day: number): number {
  const d = new Date(day * DAY_MS);
  return dayFromYmd(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export function yearStart(day: number): number {
  return dayFromYmd(new Date(day * DAY_MS).getUTCFullYear(), 1, 1);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A period bound as a local day: `YYYY-MM-DD` is that local date; a number is epoch ms (its local
 * day); a full ISO timestamp with a zone is the local day containing that instant.
 */
export function toDay(value: string | number, cal: ZoneCalendar, what: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${what}: ${value} is not a time`);
    return cal.dayOf(value);
  }
  const m = DATE_RE.exec(value.trim());
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const day = dayFromYmd(y, mo, d);
    if (dayKey(day) !== value.trim()) throw new Error(`${what}: "${value}" is not a calendar date`);
    return day;
  }
  const ms = parseIsoInstant(value);
  if (ms === null) throw new Error(`${what}: "${value}" is not an ISO date (YYYY-MM-DD) or timestamp with a zone`);
  return cal.dayOf(ms);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Digit at i, or a large negative number so that any field containing a non-digit fails its range check. */
function dig(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -100_000;
}

function two(s: string, i: number): number {
  return dig(s, i) * 10 + dig(s, i + 1);
}

/**
 * Epoch ms of an ISO 8601 timestamp that names its zone: `YYYY-MM-DD(T| )HH:MM[:SS[.fraction]]`
 * then `Z`, `±HH:MM`, `±HHMM` or `±HH`. Null for anything else, including a timestamp without a
 * zone (it would otherwise be read in the machine's zone) and impossible dates (Feb 30). Hand
 * parsed: a million-record file spends most of its validation time here otherwise.
 */
export function parseIsoInstant(text: string): number | null {
  const s = text.length > 0 && (text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32) ? text.trim() : text;
  const n = s.length;
  if (n < 17) return null;
  const sep = s.charCodeAt(10);
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 116 && sep !== 32) || s.charCodeAt(13) !== 58) return null;
  const y = dig(s, 0) * 1000 + dig(s, 1) * 100 + two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  let i = 16;
  let sec = 0;
  let ms = 0;
  if (s.charCodeAt(i) === 58) {
    sec = two(s, i + 1);
    i += 3;
    if (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44) {
      i++;
      let scale = 100;
      const from = i;
      while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
        if (scale >= 1) ms += dig(s, i) * scale;
        scale /= 10;
        i++;
      }
      if (i === from) return null;
    }
  }
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return null;
  const leap = mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1] + (leap ? 1 : 0)) return null;
  let offsetMin = 0;
  const z = s.charCodeAt(i);
  if ((z === 90 || z === 122) && i === n - 1) offsetMin = 0;
  else if (z === 43 || z === 45) {
    const rest = n - i - 1;
    const oh = two(s, i + 1);
    let om = 0;
    if (rest === 5 && s.charCodeAt(i + 3) === 58) om = two(s, i + 4);
    else if (rest === 4) om = two(s, i + 3);
    else if (rest !== 2) return null;
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
    offsetMin = (z === 45 ? -1 : 1) * (oh * 60 + om);
  } else return null;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMin * 60_000;
}
