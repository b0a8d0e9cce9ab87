/**
 * Dashboard-ready views of the accumulator: one chart series per index over months or years (with
 * and without major event days), the same in node-red-dashboard's ui_chart format, and one table
 * row per feeder. Each month or year uses the major-event threshold of its calendar year (T_MED
 * from the five years before that year starts), as IEEE 1366 sets it once per reporting year.
 */
import type { HistoricalAccumulator, HistoricalReport } from './accumulator';
import { addMonths, addYears, dayKey, monthKey, monthStart, yearOf, yearStart } from './calendar';
import type { IndexSet } from './types';

export const SERIES_INDICES = ['saifi', 'saidi', 'caidi', 'caifi', 'ctaidi', 'asai', 'asifi', 'asidi', 'maifi', 'maifie', 'eensKWh', 'aensKWh'] as const;
export type SeriesIndex = (typeof SERIES_INDICES)[number];

export const INDEX_INFO: Record<SeriesIndex, { label: string; unit: string }> = {
  saifi: { label: 'SAIFI', unit: 'interruptions/customer' },
  saidi: { label: 'SAIDI', unit: 'h/customer' },
  caidi: { label: 'CAIDI', unit: 'h/interruption' },
  caifi: { label: 'CAIFI', unit: 'interruptions/customer interrupted' },
  ctaidi: { label: 'CTAIDI', unit: 'h/customer interrupted' },
  asai: { label: 'ASAI', unit: 'p.u.' },
  asifi: { label: 'ASIFI', unit: 'kVA interrupted/kVA served' },
  asidi: { label: 'ASIDI', unit: 'h (kVA-weighted)' },
  maifi: { label: 'MAIFI', unit: 'momentary interruptions/customer' },
  maifie: { label: 'MAIFIe', unit: 'momentary events/customer' },
  eensKWh: { label: 'EENS', unit: 'kWh' },
  aensKWh: { label: 'AENS', unit: 'kWh/customer' },
};

export interface ChartSeries {
  index: SeriesIndex;
  label: string;
  unit: string;
  /** x: period label (`YYYY-MM` or `YYYY`); y: the index, null where undefined (CAIDI without interruptions). */
  points: Array<{ x: string; y: number | null }>;
  pointsWithoutMed: Array<{ x: string; y: number | null }>;
}

export interface SeriesOptions {
  from: string | number;
  to: string | number;
  interval: 'month' | 'year';
  indices?: SeriesIndex[];
  /** One feeder instead of the system. */
  feeder?: string;
}

export interface PeriodSeries {
  interval: 'month' | 'year';
  periods: Array<{ label: string; from: string; to: string; medDays: string[] }>;
  series: ChartSeries[];
}

export function periodSeries(acc: HistoricalAccumulator, opts: SeriesOptions): PeriodSeries {
  const { fromDay, toDay } = acc.periodDays(opts);
  const indices = opts.indices ?? [...SERIES_INDICES];
  for (const ix of indices) if (!(SERIES_INDICES as readonly string[]).includes(ix)) throw new Error(`unknown index "${ix}" (known: ${SERIES_INDICES.join(', ')})`);
  const periods: PeriodSeries['periods'] = [];
  const series: ChartSeries[] = indices.map((index) => ({ index, ...INDEX_INFO[index], points: [], pointsWithoutMed: [] }));
  let start = opts.interval === 'month' ? monthStart(fromDay) : yearStart(fromDay);
  while (start < toDay) {
    const next = opts.interval === 'month' ? addMonths(start, 1) : addYears(start, 1);
    const from = Math.max(start, fromDay);
    const to = Math.min(next, toDay);
    const label = opts.interval === 'month' ? monthKey(start) : String(yearOf(start));
    const r = acc.query({ from: dayKey(from), to: dayKey(to), feeder: opts.feeder, medHistoryEnd: dayKey(yearStart(start)) });
    const pick = (set: HistoricalReport['withoutMed']) => (opts.feeder ? set.feeders[opts.feeder] : set.system);
    const withMed = pick(r);
    const noMed = pick(r.withoutMed);
    periods.push({ label, from: dayKey(from), to: dayKey(to), medDays: r.med.days });
    for (const s of series) {
      s.points.push({ x: label, y: withMed[s.index] as number | null });
      s.pointsWithoutMed.push({ x: label, y: noMed[s.index] as number | null });
    }
    start = next;
  }
  return { interval: opts.interval, periods, series };
}

/**
 * FlowFuse Dashboard 2.0 ui-chart points for one series: `[{series, x, y}]` (configure the chart's
 * series as the key `series`, x as the key `x`, y as the key `y`; the node sets `msg.action` to replace).
 */
export function uiChartPoints(s: PeriodSeries['series'][number], withoutMed = false): Array<{ series: string; x: string; y: number | null }> {
  return (withoutMed ? s.pointsWithoutMed : s.points).map((p) => ({ series: s.label, x: p.x, y: p.y }));
}

/** node-red-dashboard ui_chart (line/bar) data: `[{series, data, labels}]`, one line per index. */
export function uiChartData(s: PeriodSeries, withoutMed = false): Array<{ series: string[]; data: Array<Array<{ x: string; y: number | null }>>; labels: string[] }> {
  return [{
    series: s.series.map((c) => c.label),
    data: s.series.map((c) => (withoutMed ? c.pointsWithoutMed : c.points)),
    labels: [''],
  }];
}

export interface FeederRow {
  feeder: string;
  substation: string;
  customers: number;
  saifi: number;
  saidi: number;
  caidi: number | null;
  asai: number;
  maifi: number;
  maifie: number;
  eensKWh: number;
  saifiWithoutMed: number;
  saidiWithoutMed: number;
}

/** One row per feeder (ui_table / ui-table ready), in the feeders' order. */
export function feederTable(report: HistoricalReport): FeederRow[] {
  return Object.entries(report.feeders).map(([feeder, ix]: [string, IndexSet]) => ({
    feeder,
    substation: report.substationOf[feeder] ?? feeder,
    customers: ix.customers,
    saifi: ix.saifi,
    saidi: ix.saidi,
    caidi: ix.caidi,
    asai: ix.asai,
    maifi: ix.maifi,
    maifie: ix.maifie,
    eensKWh: ix.eensKWh,
    saifiWithoutMed: report.withoutMed.feeders[feeder].saifi,
    saidiWithoutMed: report.withoutMed.feeders[feeder].saidi,
  }));
}
