/**
 * HistoricalAccumulator: interruption records in (one at a time, from messages or files), IEEE 1366
 * indices out for any period, feeder, substation or the system, with and without major event days.
 *
 * Records are not kept. Each accepted record is folded into per-day sums, so memory grows with
 * days × feeders × causes and days × devices, not with records, and the state serialises to plain
 * JSON (Node-RED context with a persistent store keeps it across restarts). A record counts on the
 * local day its interruption began (IEEE 1366 daily SAIDI rule), in the accumulator's time zone.
 */
import { addYears, dayKey, DAY_MS, toDay, yearOf, ZoneCalendar } from './calendar';
import { addPacked, groupCounts, mergePacked, PACKED_STRIDE, type GroupHistogram, type PackedHistogram } from './customer-groups';
import { DuplicateGuard, type DuplicateGuardState } from './duplicate-guard';
import { addCounts, capCounts, emptyCounts, indexSet, type ScopeCustomerCounts } from './indices';
import { medThreshold, type StdDevKind } from './med';
import { MomentaryEventTracker, type EventCell, type EventTrackState } from './momentary-events';
import { normaliseRecord, type Normalised } from './record';
import { servedTable } from './served';
import { addInto, newStats, NSTAT, S } from './stats';
import type { AddResult, CauseShare, IndexSet, InterruptionRecord, MedResult, Rejection, ServedFeeder } from './types';

export const STATE_FORMAT = 'dms-historical-state/1';

export interface HistoricalOptions {
  feeders: readonly ServedFeeder[];
  /** IANA zone whose local days bucket the records (default UTC). */
  timeZone?: string;
  /** Interruptions of this many minutes or fewer are momentary (IEEE 1366: 5). */
  momentaryThresholdMin?: number;
  /** Momentary operations of one device within this many minutes of the first form one event (5). */
  eventWindowMin?: number;
  /** Duplicates are checked against records starting up to this many days before the newest (400). */
  duplicateHorizonDays?: number;
  /** CEMIn thresholds n and CELID hour thresholds reported by default. */
  cemiN?: number[];
  celidHours?: number[];
  /** Standard deviation used for β (default sample, n − 1). */
  medStdDev?: StdDevKind;
  /** Most recent rejections kept in the state (default 100). */
  keepRejections?: number;
}

/** Settings fixed when the first record is folded in (changing them needs a fresh accumulator). */
export interface AccumulatorSettings {
  timeZone: string;
  momentaryThresholdMin: number;
  eventWindowMin: number;
  duplicateHorizonDays: number;
}

export interface QueryOptions {
  /** Period [from, to): ISO date `YYYY-MM-DD` (local day), epoch ms or ISO timestamp. Defaults: the first and last day with records. */
  from?: string | number;
  to?: string | number;
  /** Restrict the scopes reported to these feeders (MEDs stay system-wide). */
  feeder?: string | string[];
  cemiN?: number[];
  celidHours?: number[];
  /** Day the MED history ends (exclusive), default `from`: the five years before it set T_MED. */
  medHistoryEnd?: string | number;
}

export interface PlannedSplit {
  planned: { saifi: number; saidi: number };
  unplanned: { saifi: number; saidi: number };
}

export interface ScopeSet {
  system: IndexSet;
  substations: Record<string, IndexSet>;
  feeders: Record<string, IndexSet>;
}

export interface HistoricalReport extends ScopeSet {
  period: { from: string; to: string; hours: number; years: number; timeZone: string };
  /** Substation of each feeder reported. */
  substationOf: Record<string, string>;
  withoutMed: ScopeSet;
  med: MedResult;
  causes: { system: CauseShare[]; substations: Record<string, CauseShare[]>; feeders: Record<string, CauseShare[]> };
  planned: { system: PlannedSplit; feeders: Record<string, PlannedSplit> };
  counts: AccumulatorCounts & { sustainedWithoutLoad: number };
}

export interface AccumulatorCounts {
  accepted: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  /** Accepted records older than the duplicate-check horizon (checked only against what was still held). */
  beyondDuplicateHorizon: number;
  /** Records currently held for the duplicate check (those within the horizon of the newest). */
  heldForDuplicateCheck: number;
}

export interface AccumulatorState {
  format: typeof STATE_FORMAT;
  settings: AccumulatorSettings;
  /** Cell combinations [feeder, cause, planned 0|1] and customer groups [feeder, device], referred to by position. */
  combos: Array<[string, string, 0 | 1]>;
  groups: Array<[string, string]>;
  /** [day, [combo, NSTAT sums, combo, NSTAT sums, ...], [[group, [customers, records, minutes, max minutes, ...]], ...]] */
  days: Array<[number, number[], Array<[number, number[]]>]>;
  guard: DuplicateGuardState;
  events: EventTrackState;
  counts: { accepted: number; rejected: number; rejectedByCode: Record<string, number> };
  recentRejections: Rejection[];
}

/** A (feeder, cause, planned) combination: the unit the sums are kept in. Interned: days refer to it by number. */
interface Combo {
  feeder: string;
  cause: string;
  planned: boolean;
}

/** Customers behind one device (or one load point, `@id`) of a feeder: the unit of per-customer counts. */
interface GroupRef {
  feeder: string;
  device: string;
}

/**
 * One local day: the NSTAT sums of each combination in one flat array (`cellAt` gives the offset),
 * and each group's packed histogram. Plain number arrays hold doubles unboxed, so a cell costs
 * little more than its 11 numbers.
 */
interface DayAgg {
  cellAt: Map<number, number>;
  stats: number[];
  groups: Map<number, PackedHistogram>;
}

/** Sums of one query scope (with or without MED days). */
class ScopeSums {
  readonly feeders = new Map<string, Float64Array>();
  readonly feederCauses = new Map<string, Map<string, Float64Array>>();
  readonly feederPlanned = new Map<string, [Float64Array, Float64Array]>();
  readonly groups = new Map<number, { feeder: string; h: GroupHistogram }>();

  addCell(c: Combo, stats: number[], off: number): void {
    addAt(getOr(this.feeders, c.feeder, newStats), stats, off);
    addAt(getOr(getOr(this.feederCauses, c.feeder, () => new Map()), c.cause, newStats), stats, off);
    addAt(getOr(this.feederPlanned, c.feeder, () => [newStats(), newStats()])[c.planned ? 1 : 0], stats, off);
  }

  addGroup(id: number, feeder: string, h: PackedHistogram): void {
    mergePacked(getOr(this.groups, id, () => ({ feeder, h: new Map() })).h, h);
  }
}

/** Adds stats stored at `off` in a day's flat array into `target`. */
function addAt(target: Float64Array, src: number[], off: number): void {
  for (let i = 0; i < NSTAT; i++) target[i] += src[off + i];
}

function getOr<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) {
    v = make();
    m.set(k, v);
  }
  return v;
}

const DEFAULT_CEMI_N = [1, 3, 5];
const DEFAULT_CELID_HOURS = [1, 4, 8];

export class HistoricalAccumulator {
  readonly settings: AccumulatorSettings;
  private feeders: Map<string, ServedFeeder>;
  private readonly cal: ZoneCalendar;
  private readonly days = new Map<number, DayAgg>();
  private readonly combos: Combo[] = [];
  private readonly comboIndex = new Map<string, number>();
  private readonly groupRefs: GroupRef[] = [];
  private readonly groupIndex = new Map<string, number>();
  private guard: DuplicateGuard;
  private events: MomentaryEventTracker;
  private readonly cemiN: number[];
  private readonly celidHours: number[];
  private readonly medStdDev: StdDevKind;
  private readonly keepRejections: number;
  private accepted = 0;
  private rejectedCount = 0;
  private readonly rejectedByCode: Record<string, number> = {};
  private recent: Rejection[] = [];

  constructor(opts: HistoricalOptions) {
    this.feeders = servedTable(opts.feeders);
    this.settings = {
      timeZone: opts.timeZone ?? 'UTC',
      momentaryThresholdMin: positive(opts.momentaryThresholdMin ?? 5, 'momentaryThresholdMin'),
      eventWindowMin: positive(opts.eventWindowMin ?? 5, 'eventWindowMin'),
      duplicateHorizonDays: positive(opts.duplicateHorizonDays ?? 400, 'duplicateHorizonDays'),
    };
    this.cal = new ZoneCalendar(this.settings.timeZone);
    this.guard = new DuplicateGuard(this.settings.duplicateHorizonDays);
    this.events = new MomentaryEventTracker(this.settings.eventWindowMin);
    this.cemiN = checkList(opts.cemiN ?? DEFAULT_CEMI_N, 'cemiN');
    this.celidHours = checkList(opts.celidHours ?? DEFAULT_CELID_HOURS, 'celidHours');
    this.medStdDev = opts.medStdDev ?? 'sample';
    this.keepRejections = opts.keepRejections ?? 100;
  }

  /** The feeders served (the denominators); replace them when customer counts change. */
  setFeeders(feeders: readonly ServedFeeder[]): void {
    this.feeders = servedTable(feeders);
  }

  get feederIds(): string[] {
    return [...this.feeders.keys()];
  }

  /**
   * Validates and folds in one record: a CSV row, a JSON object or a `reliability/interruption`
   * payload. `line` says where it came from (file line, array position, 0 for a message).
   */
  add(raw: unknown, line = 0): AddResult {
    const n: Normalised = normaliseRecord(raw, { momentaryThresholdMin: this.settings.momentaryThresholdMin, feeders: this.feeders });
    if (!n.ok) return this.reject(line, n.id, n.reason, n.code);
    const rec = n.record;
    const devKey = DuplicateGuard.key(rec.feeder, rec.device);
    const dup = this.guard.check(rec, devKey);
    if (dup) return this.reject(line, rec.id, dup, dup.startsWith('duplicate id') ? 'duplicate-id' : 'overlap');
    this.guard.accept(rec, devKey);
    this.fold(rec, devKey);
    this.accepted++;
    return { accepted: true, record: rec };
  }

  /** Adds an array of records; element i is reported as line i + 1. */
  addMany(records: readonly unknown[]): { accepted: number; rejected: Rejection[] } {
    const rejected: Rejection[] = [];
    let accepted = 0;
    records.forEach((r, i) => {
      const res = this.add(r, i + 1);
      if (res.accepted) accepted++;
      else rejected.push(res.rejection);
    });
    return { accepted, rejected };
  }

  /** Counts a row refused before it could be read as a record (e.g. a CSV row with the wrong number of fields). */
  rejectRow(line: number, reason: string, id = ''): Rejection {
    return (this.reject(line, id, reason, 'bad-row') as { rejection: Rejection }).rejection;
  }

  private reject(line: number, id: string, reason: string, code: string): AddResult {
    const rejection: Rejection = { line, id, reason };
    this.rejectedCount++;
    this.rejectedByCode[code] = (this.rejectedByCode[code] ?? 0) + 1;
    if (this.keepRejections > 0) {
      this.recent.push(rejection);
      if (this.recent.length > this.keepRejections) this.recent = this.recent.slice(-this.keepRejections);
    }
    return { accepted: false, rejection };
  }

  private comboId(feeder: string, cause: string, planned: boolean): number {
    const key = `${feeder}\u0001${cause}\u0001${planned ? 1 : 0}`;
    let id = this.comboIndex.get(key);
    if (id === undefined) {
      id = this.combos.length;
      this.combos.push({ feeder, cause, planned });
      this.comboIndex.set(key, id);
    }
    return id;
  }

  private groupId(feeder: string, device: string, key: string): number {
    let id = this.groupIndex.get(key);
    if (id === undefined) {
      id = this.groupRefs.length;
      this.groupRefs.push({ feeder, device });
      this.groupIndex.set(key, id);
    }
    return id;
  }

  private dayAgg(day: number): DayAgg {
    let agg = this.days.get(day);
    if (!agg) {
      agg = { cellAt: new Map(), stats: [], groups: new Map() };
      this.days.set(day, agg);
    }
    return agg;
  }

  private fold(rec: InterruptionRecord, deviceKey: string): void {
    // A group of load points is its own interrupting unit: its momentary events and customers are its own.
    const devKey = rec.loadPoints ? `${deviceKey}\u0002${rec.loadPoints.join('+')}` : deviceKey;
    const day = this.cal.dayOf(rec.startMs);
    const agg = this.dayAgg(day);
    const combo = this.comboId(rec.feeder, rec.cause, rec.planned);
    let off = agg.cellAt.get(combo);
    if (off === undefined) {
      off = agg.stats.length;
      for (let i = 0; i < NSTAT; i++) agg.stats.push(0);
      agg.cellAt.set(combo, off);
    }
    const st = agg.stats;
    const c = rec.customersInterrupted;
    if (rec.momentary) {
      st[off + S.momentary] += 1;
      st[off + S.cim] += c;
      this.events.momentary(rec, devKey, { day, combo }, this.countEvent);
      return;
    }
    const feeder = this.feeders.get(rec.feeder) as ServedFeeder;
    const share = c / feeder.customers;
    const kVA = rec.kVAInterrupted ?? (feeder.kVA !== undefined ? feeder.kVA * share : null);
    const kW = rec.kWInterrupted ?? (feeder.avgKW !== undefined ? feeder.avgKW * share : null);
    st[off + S.sustained] += 1;
    st[off + S.ci] += c;
    st[off + S.cmi] += c * rec.durationMin;
    if (kVA !== null) {
      st[off + S.kva] += kVA;
      st[off + S.kvaMin] += kVA * rec.durationMin;
    }
    if (kW !== null) st[off + S.ensKWh] += (kW * rec.durationMin) / 60;
    else st[off + S.noLoad] += 1;
    const lpc = feeder.loadPointCustomers;
    const lps = rec.loadPoints && lpc ? rec.loadPoints.map((lp): [string, number] => [lp, lpc[lp]])
      : rec.device ? feeder.deviceLoadPoints?.[rec.device] : undefined;
    const below = lps ? lps.reduce((t, [, n]) => t + n, 0) : 0;
    if (lps && below > 0) {
      // A model knows the load points behind the device (or the record names them): they are disjoint groups
      // of real customers, each interrupted in proportion when the record covers only part of their customers.
      for (const [lp, n] of lps) {
        const device = `@${lp}`;
        this.addToGroup(agg, this.groupId(rec.feeder, device, `${rec.feeder}\u0001${device}`), (c * n) / below, rec.durationMin);
      }
    } else this.addToGroup(agg, this.groupId(rec.feeder, rec.device, devKey), c, rec.durationMin);
    this.events.sustained(rec, devKey, this.countEvent);
  }

  private addToGroup(agg: DayAgg, id: number, customers: number, minutes: number): void {
    let h = agg.groups.get(id);
    if (!h) {
      h = [];
      agg.groups.set(id, h);
    }
    addPacked(h, customers, minutes);
  }

  private readonly countEvent = (at: EventCell, events: number, customers: number): void => {
    const agg = this.days.get(at.day);
    const off = agg?.cellAt.get(at.combo);
    if (!agg || off === undefined) return;
    agg.stats[off + S.events] += events;
    agg.stats[off + S.cie] += customers;
  };

  get counts(): AccumulatorCounts {
    return {
      accepted: this.accepted, rejected: this.rejectedCount, rejectedByCode: { ...this.rejectedByCode },
      beyondDuplicateHorizon: this.guard.beyondHorizon, heldForDuplicateCheck: this.guard.size,
    };
  }

  /** The most recent rejections (up to `keepRejections`). */
  get recentRejections(): Rejection[] {
    return this.recent.slice();
  }

  /** First and last local day with records, or null when empty. */
  dataSpan(): { first: string; last: string } | null {
    if (this.days.size === 0) return null;
    const ds = [...this.days.keys()];
    return { first: dayKey(Math.min(...ds)), last: dayKey(Math.max(...ds)) };
  }

  /** Daily system SAIDI (hours) of each day with interruptions in [fromDay, toDay). */
  dailySaidi(fromDay: number, toDay: number): Map<number, number> {
    const nt = this.totalCustomers([...this.feeders.keys()]);
    const out = new Map<number, number>();
    for (const [day, agg] of this.days) {
      if (day < fromDay || day >= toDay) continue;
      let cmi = 0;
      for (const [combo, off] of agg.cellAt) if (this.feeders.has(this.combos[combo].feeder)) cmi += agg.stats[off + S.cmi];
      if (cmi > 0) out.set(day, cmi / 60 / nt);
    }
    return out;
  }

  private totalCustomers(ids: Iterable<string>): number {
    let n = 0;
    for (const id of ids) n += (this.feeders.get(id) as ServedFeeder).customers;
    return n;
  }

  /** Resolves a query period to local days [fromDay, toDay). */
  periodDays(q: Pick<QueryOptions, 'from' | 'to'>): { fromDay: number; toDay: number } {
    const ds = [...this.days.keys()];
    if ((q.from === undefined || q.to === undefined) && ds.length === 0) throw new Error('no records yet: give the period (from and to)');
    const fromDay = q.from !== undefined ? toDay(q.from, this.cal, 'from') : Math.min(...ds);
    const toDayN = q.to !== undefined ? toDay(q.to, this.cal, 'to') : Math.max(...ds) + 1;
    if (toDayN <= fromDay) throw new Error(`period is empty: to (${dayKey(toDayN)}) must be after from (${dayKey(fromDay)})`);
    return { fromDay, toDay: toDayN };
  }

  /** Major event days of [fromDay, toDay) against T_MED from the five years before `historyEnd`. */
  majorEventDays(fromDay: number, toDayN: number, historyEnd = fromDay): MedResult {
    const historyFrom = addYears(historyEnd, -5);
    const th = medThreshold(this.dailySaidi(historyFrom, historyEnd).values(), this.medStdDev);
    const days: string[] = [];
    const daySaidiHours: Record<string, number> = {};
    if (th) {
      const inPeriod = [...this.dailySaidi(fromDay, toDayN)].sort((a, b) => a[0] - b[0]);
      for (const [day, saidi] of inPeriod) {
        if (saidi > th.tMed) {
          days.push(dayKey(day));
          daySaidiHours[dayKey(day)] = saidi;
        }
      }
    }
    return {
      thresholdSaidiHours: th ? th.tMed : null, alpha: th ? th.alpha : null, beta: th ? th.beta : null,
      historyFrom: dayKey(historyFrom), historyTo: dayKey(historyEnd), nonZeroDays: th?.nonZeroDays ?? 0, days, daySaidiHours,
    };
  }

  /** Indices of a period, every scope, with and without major event days. */
  query(q: QueryOptions = {}): HistoricalReport {
    const { fromDay, toDay: toDayN } = this.periodDays(q);
    const cemiN = checkList(q.cemiN ?? this.cemiN, 'cemiN');
    const celidHours = checkList(q.celidHours ?? this.celidHours, 'celidHours');
    const selected = this.selectFeeders(q.feeder);
    const historyEnd = q.medHistoryEnd !== undefined ? toDay(q.medHistoryEnd, this.cal, 'medHistoryEnd') : fromDay;
    const med = this.majorEventDays(fromDay, toDayN, historyEnd);
    const medDays = new Set(med.days);

    const all = new ScopeSums();
    const noMed = new ScopeSums();
    let noLoad = 0;
    for (const [day, agg] of this.days) {
      if (day < fromDay || day >= toDayN) continue;
      const isMed = medDays.has(dayKey(day));
      for (const [combo, off] of agg.cellAt) {
        const c = this.combos[combo];
        if (!selected.has(c.feeder)) continue;
        all.addCell(c, agg.stats, off);
        noLoad += agg.stats[off + S.noLoad];
        if (!isMed) noMed.addCell(c, agg.stats, off);
      }
      for (const [id, h] of agg.groups) {
        const feeder = this.groupRefs[id].feeder;
        if (!selected.has(feeder)) continue;
        all.addGroup(id, feeder, h);
        if (!isMed) noMed.addGroup(id, feeder, h);
      }
    }
    const hours = this.cal.hoursBetween(fromDay, toDayN);
    const withMed = this.scopeSet(all, selected, hours, cemiN, celidHours);
    return {
      period: { from: dayKey(fromDay), to: dayKey(toDayN), hours, years: periodYears(fromDay, toDayN, hours), timeZone: this.settings.timeZone },
      substationOf: Object.fromEntries([...selected].map((id) => [id, this.substationOf(id)])),
      ...withMed,
      withoutMed: this.scopeSet(noMed, selected, hours, cemiN, celidHours),
      med,
      causes: this.causes(all, selected),
      planned: this.planned(all, selected),
      counts: { ...this.counts, sustainedWithoutLoad: noLoad },
    };
  }

  private selectFeeders(f: string | string[] | undefined): Set<string> {
    if (f === undefined) return new Set(this.feeders.keys());
    const ids = Array.isArray(f) ? f : [f];
    for (const id of ids) if (!this.feeders.has(id)) throw new Error(`feeder "${id}" is not among the feeders served (${[...this.feeders.keys()].join(', ')})`);
    return new Set(ids);
  }

  private substationOf(id: string): string {
    return (this.feeders.get(id) as ServedFeeder).substation ?? id;
  }

  private scopeSet(sums: ScopeSums, selected: Set<string>, hours: number, cemiN: number[], celidHours: number[]): ScopeSet {
    const feederCounts = new Map<string, ScopeCustomerCounts>();
    for (const g of sums.groups.values()) {
      addCounts(getOr(feederCounts, g.feeder, () => emptyCounts(cemiN.length, celidHours.length)), groupCounts(g.h, cemiN, celidHours));
    }
    // Groups of different devices are taken as disjoint; a feeder cannot have more such customers than it serves.
    for (const [id, fc] of feederCounts) capCounts(fc, (this.feeders.get(id) as ServedFeeder).customers);
    const zero = newStats();
    const mk = (ids: string[]): IndexSet => {
      const s = newStats();
      const counts = emptyCounts(cemiN.length, celidHours.length);
      let kVA: number | null = 0;
      for (const id of ids) {
        addInto(s, sums.feeders.get(id) ?? zero);
        const fc = feederCounts.get(id);
        if (fc) addCounts(counts, fc);
        const fk = (this.feeders.get(id) as ServedFeeder).kVA;
        kVA = kVA === null || fk === undefined ? null : kVA + fk;
      }
      return indexSet(s, { customers: this.totalCustomers(ids), kVA, hours }, counts, cemiN, celidHours);
    };
    const ids = [...selected];
    const feeders: Record<string, IndexSet> = {};
    for (const id of ids) feeders[id] = mk([id]);
    const substations: Record<string, IndexSet> = {};
    for (const [sub, members] of groupBy(ids, (id) => this.substationOf(id))) substations[sub] = mk(members);
    return { system: mk(ids), substations, feeders };
  }

  private causes(sums: ScopeSums, selected: Set<string>): HistoricalReport['causes'] {
    const shares = (ids: string[]): CauseShare[] => {
      const byCause = new Map<string, Float64Array>();
      for (const id of ids) for (const [cause, s] of sums.feederCauses.get(id) ?? []) addInto(getOr(byCause, cause, newStats), s);
      const nt = this.totalCustomers(ids);
      let ci = 0;
      let cmi = 0;
      for (const s of byCause.values()) {
        ci += s[S.ci];
        cmi += s[S.cmi];
      }
      return [...byCause.entries()].filter(([, s]) => s[S.sustained] > 0 || s[S.momentary] > 0).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([cause, s]) => ({
        cause,
        interruptions: s[S.sustained],
        customerInterruptions: s[S.ci],
        customerHours: s[S.cmi] / 60,
        frequencyShare: ci > 0 ? s[S.ci] / ci : 0,
        durationShare: cmi > 0 ? s[S.cmi] / cmi : 0,
        saifi: s[S.ci] / nt,
        saidi: s[S.cmi] / 60 / nt,
        momentaryInterruptions: s[S.momentary],
        customerMomentaryInterruptions: s[S.cim],
      }));
    };
    const ids = [...selected];
    const feeders: Record<string, CauseShare[]> = {};
    for (const id of ids) feeders[id] = shares([id]);
    const substations: Record<string, CauseShare[]> = {};
    for (const [sub, members] of groupBy(ids, (id) => this.substationOf(id))) substations[sub] = shares(members);
    return { system: shares(ids), substations, feeders };
  }

  private planned(sums: ScopeSums, selected: Set<string>): HistoricalReport['planned'] {
    const split = (ids: string[]): PlannedSplit => {
      const u = newStats();
      const p = newStats();
      for (const id of ids) {
        const fp = sums.feederPlanned.get(id);
        if (fp) {
          addInto(u, fp[0]);
          addInto(p, fp[1]);
        }
      }
      const nt = this.totalCustomers(ids);
      return { planned: { saifi: p[S.ci] / nt, saidi: p[S.cmi] / 60 / nt }, unplanned: { saifi: u[S.ci] / nt, saidi: u[S.cmi] / 60 / nt } };
    };
    const feeders: Record<string, PlannedSplit> = {};
    for (const id of selected) feeders[id] = split([id]);
    return { system: split([...selected]), feeders };
  }

  toJSON(): AccumulatorState {
    const days: AccumulatorState['days'] = [];
    for (const [day, agg] of [...this.days].sort((a, b) => a[0] - b[0])) {
      const cells: number[] = [];
      for (const [combo, off] of agg.cellAt) cells.push(combo, ...agg.stats.slice(off, off + NSTAT));
      days.push([day, cells, [...agg.groups].map(([id, h]) => [id, h.slice()] as [number, number[]])]);
    }
    return {
      format: STATE_FORMAT,
      settings: { ...this.settings },
      combos: this.combos.map((c) => [c.feeder, c.cause, c.planned ? 1 : 0]),
      groups: this.groupRefs.map((g) => [g.feeder, g.device]),
      days,
      guard: this.guard.toJSON(),
      events: this.events.toJSON(),
      counts: { accepted: this.accepted, rejected: this.rejectedCount, rejectedByCode: { ...this.rejectedByCode } },
      recentRejections: this.recent.slice(),
    };
  }

  /**
   * Restores a state saved by toJSON. The settings travel with the state (the days were bucketed
   * under them); `opts` supplies the current feeders served and the reporting defaults.
   */
  static fromJSON(state: unknown, opts: Omit<HistoricalOptions, 'timeZone' | 'momentaryThresholdMin' | 'eventWindowMin' | 'duplicateHorizonDays'>): HistoricalAccumulator {
    const st = state as AccumulatorState;
    if (!st || typeof st !== 'object' || st.format !== STATE_FORMAT) {
      throw new Error(`historical state: expected format "${STATE_FORMAT}", got ${st && typeof st === 'object' ? JSON.stringify(st.format) : typeof st}`);
    }
    if (!st.settings || !Array.isArray(st.combos) || !Array.isArray(st.groups) || !Array.isArray(st.days) || !st.guard || !Array.isArray(st.events) || !st.counts) {
      throw new Error('historical state: missing settings, combos, groups, days, guard, events or counts');
    }
    const acc = new HistoricalAccumulator({ ...opts, ...st.settings });
    for (const [feeder, cause, planned] of st.combos) acc.comboId(feeder, cause, planned === 1);
    for (const [feeder, device] of st.groups) acc.groupId(feeder, device, `${feeder}\u0001${device}`);
    for (const [day, cells, groups] of st.days) {
      const where = `historical state: day ${dayKey(day)}`;
      if (!Array.isArray(cells) || cells.length % (NSTAT + 1) !== 0) throw new Error(`${where}: cells must be groups of ${NSTAT + 1} numbers`);
      const agg = acc.dayAgg(day);
      for (let i = 0; i < cells.length; i += NSTAT + 1) {
        const combo = cells[i];
        if (!acc.combos[combo]) throw new Error(`${where}: unknown combination ${combo}`);
        agg.cellAt.set(combo, agg.stats.length);
        for (let k = 1; k <= NSTAT; k++) agg.stats.push(cells[i + k]);
      }
      for (const [id, h] of groups) {
        if (!acc.groupRefs[id] || !Array.isArray(h) || h.length % PACKED_STRIDE !== 0) throw new Error(`${where}: bad customer group ${id}`);
        agg.groups.set(id, h.slice());
      }
    }
    acc.guard = DuplicateGuard.fromJSON(st.guard);
    acc.events = MomentaryEventTracker.fromJSON(st.settings.eventWindowMin, st.events);
    acc.accepted = st.counts.accepted;
    acc.rejectedCount = st.counts.rejected;
    Object.assign(acc.rejectedByCode, st.counts.rejectedByCode);
    acc.recent = Array.isArray(st.recentRejections) ? st.recentRejections.slice(-acc.keepRejections) : [];
    return acc;
  }
}

function positive(x: number, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new Error(`${what} must be a positive number (got ${String(x)})`);
  return x;
}

function checkList(xs: number[], what: string): number[] {
  if (!Array.isArray(xs) || xs.some((x) => typeof x !== 'number' || !Number.isFinite(x) || x < 0)) {
    throw new Error(`${what} must be a list of non-negative numbers (got ${JSON.stringify(xs)})`);
  }
  return xs;
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) getOr(m, key(x), () => []).push(x);
  return m;
}

/** Whole years when the period is a whole number of calendar years, else hours / 8760. */
export function periodYears(fromDay: number, toDayN: number, hours: number): number {
  const k = yearOf(toDayN) - yearOf(fromDay);
  if (k > 0 && addYears(fromDay, k) === toDayN) return k;
  return hours / 8760;
}

export { DAY_MS };
