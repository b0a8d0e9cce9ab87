/**
 * Historical mode of dms-reliability (IEEE Std 1366): interruption records in as messages, folded
 * into a HistoricalAccumulator whose state lives in node context (a persistent store keeps it
 * across restarts); indices of any period, feeder and target comparison out on query, with chart
 * series and a feeder table for a dashboard on the second output.
 *
 * The saved state is never overwritten by a node that could not read it: an unreadable state stops
 * the node (red status, every message fails) until `reliability/reset` discards it on purpose.
 */
import type { Node, NodeAPI, NodeMessage } from 'node-red';
import {
  compareTargets, feederTable, HistoricalAccumulator, parseServedCsv, parseTargets, periodSeries, SERIES_INDICES, servedFromModel, uiChartData, uiChartPoints,
  type AccumulatorCounts, type QueryOptions, type SeriesIndex, type ServedFeeder, type Targets,
} from '../../lib/reliability/historical';
import { checkTimeZone } from '../../lib/reliability/historical/calendar';
import { epochDay, epochDayKey } from '../../lib/util/calendar';
import { getFeederNode, requireFeeder, watchFeeder } from '../shared/feeder-access';
import { reply, type SendFn } from '../shared/input';
import { setStatus, type StatusKind } from '../shared/status';
import type { ReliabilityMode, ReliabilityModeFactory, ReliabilityNodeDef } from './mode';

/** Context key of the saved accumulator state. */
export const HISTORICAL_CONTEXT_KEY = 'dmsReliabilityHistorical';
/** Saves are throttled: a burst of records costs one write, and no more than one every SAVE_INTERVAL_MS. */
const SAVE_INTERVAL_MS = 5000;
/** The status needs a query over the year; recomputed at most this often. */
const STATUS_INTERVAL_MS = 1000;
const DEFAULT_CHART_INDICES: SeriesIndex[] = ['saifi', 'saidi', 'caidi', 'maifi'];
const QUERY_KEYS = ['from', 'to', 'feeder', 'tz', 'interval', 'indices', 'cemiN', 'celidHours'];
const TOPICS = ['reliability/interruption', 'reliability/query', 'reliability/reset'];

export interface HistoricalSettings {
  servedFrom: 'model' | 'table';
  /** Feeder id the records use for the model ('' = the model's name). */
  feederId: string;
  /** Customers served from the typed table (servedFrom 'table'). */
  table: ServedFeeder[] | null;
  timeZone: string;
  momentaryThresholdMin: number;
  targets: Targets | null;
  store: string | undefined;
  /** Status and chart series with all days (`include`) or without major event days (`exclude`). */
  medView: 'include' | 'exclude';
  interval: 'month' | 'year';
  chartIndices: SeriesIndex[];
  /** Chart messages for node-red-dashboard 1.x `ui_chart` or FlowFuse Dashboard 2.0 `ui-chart`. */
  chartFormat: 'dashboard-1' | 'dashboard-2';
}

function blank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function isObject(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function chartIndexList(v: unknown, where: string): SeriesIndex[] {
  const list = Array.isArray(v) ? v : String(v).split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new Error(`${where}: give at least one index (${SERIES_INDICES.join(', ')})`);
  for (const ix of list) if (!(SERIES_INDICES as readonly unknown[]).includes(ix)) throw new Error(`${where}: "${String(ix)}" is not an index (known: ${SERIES_INDICES.join(', ')})`);
  return list as SeriesIndex[];
}

/** Reads and checks the historical settings (the editor validates too; flows can be imported from anywhere). */
export function historicalSettings(config: ReliabilityNodeDef): HistoricalSettings {
  const servedFrom = blank(config.servedFrom) ? 'model' : config.servedFrom;
  if (servedFrom !== 'model' && servedFrom !== 'table') throw new Error(`configuration: served from must be model or table (got ${JSON.stringify(config.servedFrom)})`);
  let table: ServedFeeder[] | null = null;
  if (servedFrom === 'table') {
    if (blank(config.servedTable)) throw new Error('configuration: the served table is empty (lines feeder,customers,kVA under that header)');
    table = parseServedCsv(String(config.servedTable), 'configuration: served table');
  }
  const timeZone = blank(config.timeZone) ? 'UTC' : String(config.timeZone).trim();
  checkTimeZone(timeZone, 'configuration: time zone');
  let momentaryThresholdMin = 5;
  if (!blank(config.momentaryThresholdMin)) {
    momentaryThresholdMin = Number(config.momentaryThresholdMin);
    if (!Number.isFinite(momentaryThresholdMin) || momentaryThresholdMin <= 0) throw new Error(`configuration: momentary threshold must be a positive number of minutes (got ${JSON.stringify(config.momentaryThresholdMin)})`);
  }
  let targets: Targets | null = null;
  if (!blank(config.targets)) {
    try {
      targets = parseTargets(String(config.targets));
    } catch (err) {
      throw new Error(`configuration: targets: ${(err as Error).message}`);
    }
  }
  const medView = blank(config.medView) ? 'include' : config.medView;
  if (medView !== 'include' && medView !== 'exclude') throw new Error(`configuration: MED view must be include or exclude (got ${JSON.stringify(config.medView)})`);
  const interval = blank(config.chartInterval) ? 'month' : config.chartInterval;
  if (interval !== 'month' && interval !== 'year') throw new Error(`configuration: chart interval must be month or year (got ${JSON.stringify(config.chartInterval)})`);
  const chartFormat = blank(config.chartFormat) ? 'dashboard-1' : config.chartFormat;
  if (chartFormat !== 'dashboard-1' && chartFormat !== 'dashboard-2') throw new Error(`configuration: chart format must be dashboard-1 or dashboard-2 (got ${JSON.stringify(config.chartFormat)})`);
  return {
    chartFormat, servedFrom, feederId: blank(config.feederId) ? '' : String(config.feederId).trim(), table, timeZone, momentaryThresholdMin, targets,
    store: blank(config.contextStore) ? undefined : String(config.contextStore).trim(), medView, interval,
    chartIndices: blank(config.chartIndices) ? DEFAULT_CHART_INDICES : chartIndexList(config.chartIndices, 'configuration: chart indices'),
  };
}

interface ParsedQuery {
  query: QueryOptions;
  interval: 'month' | 'year';
  indices: SeriesIndex[];
}

/** Checks a `reliability/query` payload: {from?, to?, feeder?, tz?, interval?, indices?, cemiN?, celidHours?}. */
function parseQuery(p: unknown, s: HistoricalSettings, timeZone: string): ParsedQuery {
  if (blank(p)) p = {};
  if (!isObject(p)) throw new Error(`reliability/query: payload must be {from?, to?, feeder?, tz?, interval?, indices?} (got ${JSON.stringify(p)})`);
  const unknown = Object.keys(p).filter((k) => !QUERY_KEYS.includes(k));
  if (unknown.length) throw new Error(`reliability/query: payload.${unknown[0]} is not recognised (expected ${QUERY_KEYS.join(', ')})`);
  const query: QueryOptions = {};
  for (const k of ['from', 'to'] as const) {
    const v = p[k];
    if (blank(v)) continue;
    if (typeof v !== 'string' && typeof v !== 'number') throw new Error(`reliability/query: payload.${k} must be a date YYYY-MM-DD, an ISO timestamp or epoch ms (got ${JSON.stringify(v)})`);
    query[k] = v;
  }
  if (!blank(p.feeder)) {
    if (typeof p.feeder !== 'string') throw new Error(`reliability/query: payload.feeder must be one feeder id (got ${JSON.stringify(p.feeder)})`);
    query.feeder = p.feeder;
  }
  if (!blank(p.tz) && p.tz !== timeZone) {
    // Days were bucketed in the stored zone when the records came in; a query cannot re-bucket them.
    throw new Error(`reliability/query: payload.tz "${String(p.tz)}" differs from the time zone the records are counted in ("${timeZone}"); send reliability/reset and the records again to change it`);
  }
  for (const k of ['cemiN', 'celidHours'] as const) if (p[k] !== undefined) query[k] = p[k] as number[];
  const interval = blank(p.interval) ? s.interval : p.interval;
  if (interval !== 'month' && interval !== 'year') throw new Error(`reliability/query: payload.interval must be "month" or "year" (got ${JSON.stringify(p.interval)})`);
  const indices = p.indices === undefined ? s.chartIndices : chartIndexList(p.indices, 'reliability/query: payload.indices');
  return { query, interval, indices };
}

/** Runs `fn` at once when idle, otherwise once when the interval since the last run is over. */
class Throttle {
  private timer: NodeJS.Timeout | null = null;
  private last = -Infinity;

  constructor(private readonly fn: () => void, private readonly ms: number) {}

  request(): void {
    if (this.timer) return;
    const wait = this.last + this.ms - Date.now();
    if (wait <= 0) this.run();
    else this.timer = setTimeout(() => this.run(), wait);
  }

  private run(): void {
    this.timer = null;
    this.last = Date.now();
    this.fn();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Short number for the status: three significant digits. */
function short(x: number): string {
  return String(Number(x.toPrecision(3)));
}

function nextDayKey(key: string): string {
  const [y, m, d] = key.split('-').map(Number);
  return epochDayKey(epochDay(y, m, d) + 1);
}

function countsText(c: AccumulatorCounts): string {
  return `${c.accepted} record${c.accepted === 1 ? '' : 's'}${c.rejected ? `, ${c.rejected} refused` : ''}`;
}

/** The feeders served: the typed table, or the node's feeder model as one feeder. Throws when the model is unusable. */
function servedFeeders(RED: NodeAPI, node: Node, config: ReliabilityNodeDef, s: HistoricalSettings): ServedFeeder[] {
  if (s.table) return s.table;
  const cfg = getFeederNode(RED, config.feeder);
  watchFeeder(node, cfg);
  const loaded = requireFeeder(cfg);
  // The fault detector and FDIR name records after the model; an empty name would not match a record.
  return [servedFromModel(loaded, s.feederId || loaded.model.name || 'feeder')];
}

export const createHistoricalMode: ReliabilityModeFactory = (RED: NodeAPI, node: Node, config: ReliabilityNodeDef): ReliabilityMode => {
  const s = historicalSettings(config);
  const where = `node context${s.store ? ` store "${s.store}"` : ''}`;
  // No dashboard listener, no dashboard work: a monthly series runs one query per month.
  const dashboardWired = Array.isArray(config.wires) && Array.isArray(config.wires[1]) && config.wires[1].length > 0;
  let feeders: ServedFeeder[] | null = null;
  let unavailable: Error | null = null;
  try {
    feeders = servedFeeders(RED, node, config, s);
  } catch (err) {
    unavailable = err instanceof Error ? err : new Error(String(err));
  }

  let acc: HistoricalAccumulator | null = null;
  let stateError: Error | null = null;
  /** Set while the restored history keeps settings that differ from the configuration. */
  let keptSettings: string | null = null;
  let refusedInBatch = false;
  let dirty = false;
  let closed = false;
  let saving: Promise<void> = Promise.resolve();

  const fresh = (): HistoricalAccumulator => new HistoricalAccumulator({ feeders: feeders!, timeZone: s.timeZone, momentaryThresholdMin: s.momentaryThresholdMin });

  const save = (): Promise<void> => {
    if (!acc) return saving;
    dirty = false;
    const state = acc.toJSON();
    saving = saving.then(() => new Promise<void>((resolve) => {
      node.context().set(HISTORICAL_CONTEXT_KEY, state, s.store, (err?: Error) => {
        if (err) {
          dirty = true;
          node.error(`cannot save the interruption history to ${where}: ${err.message}`);
        }
        resolve();
      });
    }));
    return saving;
  };
  const saver = new Throttle(() => {
    if (dirty && !closed) void save();
  }, SAVE_INTERVAL_MS);
  const changed = (): void => {
    dirty = true;
    saver.request();
  };

  const showStatus = (): void => {
    if (!acc || closed) return;
    const c = acc.counts;
    const span = acc.dataSpan();
    let kind: StatusKind = keptSettings || refusedInBatch ? 'warn' : 'ok';
    let text = `no records yet (${countsText(c)})`;
    if (span) {
      const year = span.last.slice(0, 4);
      try {
        const r = acc.query({ from: `${year}-01-01`, to: nextDayKey(span.last) });
        const ix = s.medView === 'exclude' ? r.withoutMed.system : r.system;
        text = `${year}${s.medView === 'exclude' ? ' w/o MED' : ''}: SAIFI ${short(ix.saifi)} SAIDI ${short(ix.saidi)} h (${countsText(c)})`;
      } catch (err) {
        kind = 'warn';
        text = `${countsText(c)}; ${(err as Error).message}`;
      }
    } else if (!keptSettings && !refusedInBatch) kind = 'idle';
    refusedInBatch = false;
    setStatus(node, kind, text);
  };
  const status = new Throttle(showStatus, STATUS_INTERVAL_MS);

  const restore = (saved: unknown): HistoricalAccumulator => {
    const a = HistoricalAccumulator.fromJSON(saved, { feeders: feeders! });
    const kept: string[] = [];
    if (a.settings.timeZone !== s.timeZone) kept.push(`time zone ${a.settings.timeZone} (configured: ${s.timeZone})`);
    if (a.settings.momentaryThresholdMin !== s.momentaryThresholdMin) kept.push(`momentary threshold ${a.settings.momentaryThresholdMin} min (configured: ${s.momentaryThresholdMin})`);
    if (kept.length) {
      keptSettings = kept.join(', ');
      node.warn(`the saved interruption history keeps its ${keptSettings}: its days were counted that way; send reliability/reset to start afresh with the configured settings`);
    }
    const served = new Set(a.feederIds);
    const combos = (saved as { combos: Array<[string]> }).combos;
    const gone = [...new Set(combos.map((c) => c[0]))].filter((f) => !served.has(f));
    if (gone.length) node.warn(`the saved interruption history has records of feeders no longer served (${gone.join(', ')}): they are left out of every index`);
    node.log(`restored the interruption history from ${where}: ${countsText(a.counts)}`);
    return a;
  };

  const ready: Promise<void> = unavailable ? Promise.resolve() : new Promise<void>((resolve) => {
    node.context().get(HISTORICAL_CONTEXT_KEY, s.store, (err: Error | null | undefined, saved: unknown) => {
      try {
        if (err) throw err;
        acc = saved === undefined || saved === null ? fresh() : restore(saved);
        if (keptSettings) {
          const st = acc.settings;
          setStatus(node, 'warn', st.timeZone !== s.timeZone ? `stored ${st.timeZone} kept: reset applies ${s.timeZone}`
            : `stored ${st.momentaryThresholdMin} min momentary kept: reset applies ${s.momentaryThresholdMin}`);
        } else showStatus();
      } catch (e) {
        stateError = new Error(`the interruption history saved in ${where} cannot be read (${(e as Error).message}); send topic reliability/reset to discard it and start afresh`);
        setStatus(node, 'error', 'saved history unreadable: reset to discard');
        node.error(stateError.message);
      }
      resolve();
    });
  });

  const records = async (msg: Parameters<ReliabilityMode['input']>[0], send: SendFn, a: HistoricalAccumulator): Promise<void> => {
    if (Array.isArray(msg.payload)) {
      const res = a.addMany(msg.payload);
      changed();
      if (res.rejected.length) refusedInBatch = true;
      status.request();
      send([reply(msg, 'reliability/records', { accepted: res.accepted, rejected: res.rejected, counts: a.counts }), null]);
      return;
    }
    const res = a.add(msg.payload, 0);
    changed();
    if (!res.accepted) {
      // The red status of the refusal stays until the next record; a pending update must not hide it.
      status.cancel();
      const r = res.rejection;
      throw new Error(`interruption record${r.id ? ` "${r.id}"` : ''} refused: ${r.reason}`);
    }
    status.request();
  };

  const query = (msg: Parameters<ReliabilityMode['input']>[0], send: SendFn, a: HistoricalAccumulator): void => {
    const q = parseQuery(msg.payload, s, a.settings.timeZone);
    const report = a.query(q.query);
    const payload = { ...report, targets: s.targets ? compareTargets(report, s.targets) : null, recentRejections: a.recentRejections };
    let dashboard: NodeMessage[] | null = null;
    if (dashboardWired) {
      // The same period as the report (its defaults resolved), one chart message per index.
      const ps = periodSeries(a, { from: report.period.from, to: report.period.to, interval: q.interval, indices: q.indices, feeder: q.query.feeder as string | undefined });
      const withoutMed = s.medView === 'exclude';
      dashboard = ps.series.map((series) => reply(msg, `reliability/chart/${series.index}`,
        s.chartFormat === 'dashboard-2' ? uiChartPoints(series, withoutMed) : uiChartData({ ...ps, series: [series] }, withoutMed), {
          index: series.index, label: series.label, unit: series.unit, periods: ps.periods, ...(s.chartFormat === 'dashboard-2' ? { action: 'replace' } : {}),
        }));
      dashboard.push(reply(msg, 'reliability/table', feederTable(report), { period: report.period }));
    }
    send([reply(msg, 'reliability/historical', payload), dashboard]);
  };

  return {
    async input(msg, send) {
      if (unavailable) throw unavailable;
      await ready;
      if (msg.topic === 'reliability/reset') {
        const discarded = acc ? acc.counts : null;
        acc = fresh();
        stateError = null;
        keptSettings = null;
        refusedInBatch = false;
        await save();
        showStatus();
        send([reply(msg, 'reliability/reset', {
          discarded: discarded ? { accepted: discarded.accepted, rejected: discarded.rejected } : 'unreadable saved state',
          timeZone: s.timeZone, momentaryThresholdMin: s.momentaryThresholdMin,
        }), null]);
        return;
      }
      if (stateError) throw stateError;
      const a = acc!;
      if (msg.topic === 'reliability/interruption') return records(msg, send, a);
      if (msg.topic === 'reliability/query') return query(msg, send, a);
      throw new Error(`topic ${JSON.stringify(msg.topic ?? '')} is not understood in historical mode (expected ${TOPICS.join(', ')})`);
    },
    async close() {
      closed = true;
      status.cancel();
      saver.cancel();
      await ready;
      if (dirty) await save();
      await saving;
    },
  };
};
