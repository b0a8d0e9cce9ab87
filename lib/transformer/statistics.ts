/**
 * Loss statistics of the actual and the optimal mode per local day, month and year (the paper's
 * "statistic, accumulation, inquiry and print").
 *
 * Integration is SAMPLE-AND-HOLD over the telemetry timestamps: a sample's losses hold from its own
 * timestamp until the next sample (SCADA reports by exception, so a value stands until it changes,
 * and the mode in service changes in steps). A hold longer than maxHoldMs is cut at maxHoldMs and
 * the rest counted as gap hours, so a telemetry outage does not invent energy. Intervals are split
 * at local midnight, so every day holds exactly the energy of its own hours. Energy depends on time,
 * not on how many messages arrived.
 *
 * The state is plain JSON (StatsState) so it can live in Node-RED context and survive restarts.
 */
import { DayCalendar } from './calendar';
import { MODES, type ModeName } from './types';

const HOUR_MS = 3_600_000;

export interface DayTotals {
  /** Hours integrated (covered by a held sample). */
  hours: number;
  /** Hours between samples beyond maxHold (not integrated). */
  gapHours: number;
  /** Intervals that started in the day. */
  samples: number;
  /** Active loss energy in the mode actually in service. */
  actualKWh: number;
  /** Active loss energy had the optimal mode been in service at every sample. */
  optimalKWh: number;
  /** The same with the reactive economic equivalent (equal to the above when Kq = 0). */
  actualCriterionKWh: number;
  optimalCriterionKWh: number;
  /** Hours in which the actual mode overloaded a unit or was blocked. */
  infeasibleHours: number;
  /** Hours in which no mode was feasible (optimal taken equal to actual). */
  noFeasibleHours: number;
  modeHours: Record<ModeName, number>;
  optimalModeHours: Record<ModeName, number>;
}

/** One evaluated telemetry sample: what held from ts until the next sample. */
export interface StatSample {
  ts: number;
  actualMode: ModeName;
  actualKW: number;
  actualCriterionKW: number;
  actualFeasible: boolean;
  /** null when no mode is feasible. */
  optimalMode: ModeName | null;
  optimalKW: number;
  optimalCriterionKW: number;
}

export interface StatsState {
  version: 1;
  timeZone: string;
  maxHoldMs: number;
  days: Record<string, DayTotals>;
  last: StatSample | null;
}

export type Granularity = 'day' | 'month' | 'year' | 'total';

export interface StatsRow {
  period: string;
  hours: number;
  gapHours: number;
  samples: number;
  actualKWh: number;
  optimalKWh: number;
  savingKWh: number;
  /** savingKWh / actualKWh × 100 (0 when nothing was lost). */
  savingPct: number;
  actualCriterionKWh: number;
  optimalCriterionKWh: number;
  infeasibleHours: number;
  noFeasibleHours: number;
  modeHours: Record<ModeName, number>;
  optimalModeHours: Record<ModeName, number>;
}

export interface StatsQuery {
  /** First local day (YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its first day). */
  from?: string;
  /** Last local day, inclusive (a year or month means its last day). */
  to?: string;
  /** Shorthand for from = to = period (YYYY, YYYY-MM or YYYY-MM-DD). */
  period?: string;
  granularity?: Granularity;
}

export interface StatsReport {
  from: string | null;
  to: string | null;
  granularity: Granularity;
  timeZone: string;
  method: 'sample-and-hold';
  rows: StatsRow[];
  total: StatsRow;
}

function zeroModes(): Record<ModeName, number> {
  return { T1: 0, T2: 0, split: 0, parallel: 0 };
}

function emptyDay(): DayTotals {
  return {
    hours: 0, gapHours: 0, samples: 0, actualKWh: 0, optimalKWh: 0, actualCriterionKWh: 0, optimalCriterionKWh: 0,
    infeasibleHours: 0, noFeasibleHours: 0, modeHours: zeroModes(), optimalModeHours: zeroModes(),
  };
}

const PERIOD = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** Expands YYYY / YYYY-MM / YYYY-MM-DD to its first or last day. */
function dayBound(text: string, end: boolean, where: string): string {
  const m = PERIOD.exec(text.trim());
  if (!m) throw new Error(`${where}: "${text}" is not a period (YYYY, YYYY-MM or YYYY-MM-DD)`);
  const y = Number(m[1]);
  const mo = m[2] ? Number(m[2]) : end ? 12 : 1;
  if (mo < 1 || mo > 12) throw new Error(`${where}: "${text}" has month ${mo}`);
  const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const d = m[3] ? Number(m[3]) : end ? last : 1;
  if (d < 1 || d > last) throw new Error(`${where}: "${text}" has day ${d}, month ${mo} has ${last}`);
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export class LossStatistics {
  private readonly cal: DayCalendar;
  private readonly days: Record<string, DayTotals>;
  private lastSample: StatSample | null;

  constructor(readonly timeZone = 'UTC', readonly maxHoldMs = HOUR_MS, state?: StatsState) {
    if (!(maxHoldMs > 0)) throw new Error(`maxHoldMs must be > 0, got ${maxHoldMs}`);
    this.cal = new DayCalendar(timeZone);
    this.days = state ? structuredClone(state.days) : {};
    this.lastSample = state?.last ? { ...state.last } : null;
  }

  /** Restores statistics saved by toJSON (checks the shape, so a corrupt context entry is reported, not half-used). */
  static fromJSON(raw: unknown, where = 'statistics state'): LossStatistics {
    const s = raw as StatsState;
    if (typeof raw !== 'object' || raw === null || s.version !== 1 || typeof s.timeZone !== 'string'
      || typeof s.maxHoldMs !== 'number' || typeof s.days !== 'object' || s.days === null) {
      throw new Error(`${where}: not a version-1 transformer statistics state`);
    }
    for (const [key, d] of Object.entries(s.days)) {
      if (!PERIOD.test(key) || key.length !== 10 || typeof d?.actualKWh !== 'number' || typeof d?.modeHours !== 'object') {
        throw new Error(`${where}: day "${key}" is malformed`);
      }
    }
    return new LossStatistics(s.timeZone, s.maxHoldMs, s);
  }

  toJSON(): StatsState {
    return { version: 1, timeZone: this.timeZone, maxHoldMs: this.maxHoldMs, days: structuredClone(this.days), last: this.lastSample ? { ...this.lastSample } : null };
  }

  get last(): StatSample | null {
    return this.lastSample;
  }

  /** Day keys holding data, sorted. */
  dayKeys(): string[] {
    return Object.keys(this.days).sort();
  }

  /**
   * Adds a sample: the previous sample's losses are credited from its timestamp to this one.
   * Returns the local days completed by this sample (for end-of-day summaries).
   */
  add(sample: StatSample): string[] {
    const prev = this.lastSample;
    if (prev && sample.ts < prev.ts) {
      throw new Error(`sample at ${new Date(sample.ts).toISOString()} is older than the previous one at ${new Date(prev.ts).toISOString()}: statistics integrate over time, so samples must arrive in order`);
    }
    let closed: string[] = [];
    if (prev) {
      const before = this.cal.dayOf(prev.ts).key;
      this.credit(prev, sample.ts);
      const after = this.cal.dayOf(sample.ts).key;
      if (after !== before) closed = this.dayKeys().filter((k) => k >= before && k < after);
    }
    this.lastSample = { ...sample };
    return closed;
  }

  /** Credits the last sample up to untilTs (e.g. the end of a load profile) without adding a new sample. */
  closeAt(untilTs: number): void {
    const prev = this.lastSample;
    if (!prev) return;
    if (untilTs < prev.ts) throw new Error(`closeAt ${new Date(untilTs).toISOString()} is before the last sample at ${new Date(prev.ts).toISOString()}`);
    this.credit(prev, untilTs);
    this.lastSample = { ...prev, ts: untilTs };
  }

  private credit(s: StatSample, endTs: number): void {
    const heldEnd = Math.min(endTs, s.ts + this.maxHoldMs);
    let t = s.ts;
    let first = true;
    while (t < heldEnd) {
      const span = this.cal.dayOf(t);
      const stop = Math.min(span.endMs, heldEnd);
      const h = (stop - t) / HOUR_MS;
      const d = (this.days[span.key] ??= emptyDay());
      if (first) d.samples++;
      first = false;
      d.hours += h;
      d.actualKWh += s.actualKW * h;
      d.optimalKWh += s.optimalKW * h;
      d.actualCriterionKWh += s.actualCriterionKW * h;
      d.optimalCriterionKWh += s.optimalCriterionKW * h;
      d.modeHours[s.actualMode] += h;
      if (s.optimalMode) d.optimalModeHours[s.optimalMode] += h;
      else d.noFeasibleHours += h;
      if (!s.actualFeasible) d.infeasibleHours += h;
      t = stop;
    }
    while (t < endTs) {
      const span = this.cal.dayOf(t);
      const stop = Math.min(span.endMs, endTs);
      (this.days[span.key] ??= emptyDay()).gapHours += (stop - t) / HOUR_MS;
      t = stop;
    }
  }

  /** Totals for a period at a granularity; a query without bounds covers every stored day. */
  query(q: StatsQuery = {}): StatsReport {
    const granularity = q.granularity ?? 'day';
    if (!['day', 'month', 'year', 'total'].includes(granularity)) {
      throw new Error(`granularity: "${String(granularity)}" is not one of day, month, year, total`);
    }
    const from = q.period !== undefined ? dayBound(q.period, false, 'period') : q.from !== undefined ? dayBound(q.from, false, 'from') : null;
    const to = q.period !== undefined ? dayBound(q.period, true, 'period') : q.to !== undefined ? dayBound(q.to, true, 'to') : null;
    if (from && to && from > to) throw new Error(`from ${from} is after to ${to}`);
    const groups = new Map<string, StatsRow>();
    const total = emptyRow('total');
    for (const key of this.dayKeys()) {
      if ((from && key < from) || (to && key > to)) continue;
      const d = this.days[key];
      const label = granularity === 'day' ? key : granularity === 'month' ? key.slice(0, 7) : granularity === 'year' ? key.slice(0, 4) : 'total';
      let row = groups.get(label);
      if (!row) groups.set(label, (row = emptyRow(label)));
      addInto(row, d);
      if (granularity !== 'total') addInto(total, d);
    }
    const rows = [...groups.values()].map(finish);
    return {
      from, to, granularity, timeZone: this.timeZone, method: 'sample-and-hold',
      rows, total: granularity === 'total' ? (rows[0] ?? finish(total)) : finish(total),
    };
  }

  /** Local date of an instant in the statistics' zone. */
  dateKey(ts: number): string {
    return this.cal.dayOf(ts).key;
  }
}

function emptyRow(period: string): StatsRow {
  return { period, ...emptyDay(), savingKWh: 0, savingPct: 0 };
}

function addInto(row: StatsRow, d: DayTotals): void {
  row.hours += d.hours;
  row.gapHours += d.gapHours;
  row.samples += d.samples;
  row.actualKWh += d.actualKWh;
  row.optimalKWh += d.optimalKWh;
  row.actualCriterionKWh += d.actualCriterionKWh;
  row.optimalCriterionKWh += d.optimalCriterionKWh;
  row.infeasibleHours += d.infeasibleHours;
  row.noFeasibleHours += d.noFeasibleHours;
  for (const m of MODES) {
    row.modeHours[m] += d.modeHours[m];
    row.optimalModeHours[m] += d.optimalModeHours[m];
  }
}

function finish(row: StatsRow): StatsRow {
  row.savingKWh = row.actualKWh - row.optimalKWh;
  row.savingPct = row.actualKWh > 0 ? (row.savingKWh / row.actualKWh) * 100 : 0;
  return row;
}
