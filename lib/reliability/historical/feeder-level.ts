/**
 * The thesis's feeder-level method (§6.3, Table 6.1, Appendix 1): when a utility logs only feeder
 * trips at the substation, each trip interrupts every customer of the feeder. From each feeder's
 * count F and total duration D per period (and cause), with Nf customers and average load Pf:
 *
 *   SAIFI = Σ Nf Ff / Σ Nf      SAIDI = Σ Nf Df / Σ Nf      CAIDI = SAIDI / SAIFI
 *   ASAI = 1 − SAIDI / 8760     EENS = Σ Pf Df
 *
 * A period observed for fewer than 12 months is scaled to a year by 12 / months, as the thesis
 * did for its ten-month years (Appendix 1.1 "TOTAL[10M]" → "TOTAL[YEAR]"). The average over
 * periods is the mean of the periods' indices (Table 6.1 "AVE"). Cause shares are the shares of
 * customer interruptions (frequency) and customer hours (duration) per cause (Figures 6.9–6.12).
 */
import type { ServedFeeder } from './types';

export interface FeederPeriodLog {
  feeder: string;
  /** Period label, e.g. the year. */
  period: string;
  cause?: string;
  interruptions: number;
  hours: number;
  /** Months the log covers (default 12). */
  monthsObserved?: number;
}

export interface FeederLevelIndices {
  customers: number;
  saifi: number;
  saidi: number;
  caidi: number | null;
  asai: number;
  /** Null when a feeder lacks its average load. */
  eensKWh: number | null;
}

export interface FeederLevelCause {
  cause: string;
  frequencyShare: number;
  durationShare: number;
}

export interface FeederLevelResult {
  periods: Record<string, { system: FeederLevelIndices; feeders: Record<string, FeederLevelIndices> }>;
  average: Omit<FeederLevelIndices, 'customers'>;
  causes: FeederLevelCause[];
}

const HOURS_PER_YEAR = 8760;

export function feederLevelIndices(logs: readonly FeederPeriodLog[], served: readonly ServedFeeder[]): FeederLevelResult {
  const feeders = new Map(served.map((f) => [f.id, f]));
  // period → feeder → [F, D] per year
  const sums = new Map<string, Map<string, [number, number]>>();
  const causeSums = new Map<string, [number, number]>();
  logs.forEach((l, i) => {
    const where = `feeder log [${i}] (${l.feeder} ${l.period})`;
    const f = feeders.get(l.feeder);
    if (!f) throw new Error(`${where}: unknown feeder "${l.feeder}"`);
    if (!(l.interruptions >= 0) || !(l.hours >= 0)) throw new Error(`${where}: interruptions and hours must be non-negative numbers`);
    const months = l.monthsObserved ?? 12;
    if (!(months > 0 && months <= 12)) throw new Error(`${where}: monthsObserved must be in (0, 12]`);
    const scale = 12 / months;
    let byFeeder = sums.get(l.period);
    if (!byFeeder) sums.set(l.period, (byFeeder = new Map()));
    const fd = byFeeder.get(l.feeder) ?? [0, 0];
    fd[0] += l.interruptions * scale;
    fd[1] += l.hours * scale;
    byFeeder.set(l.feeder, fd);
    const cause = l.cause ?? '';
    const cs = causeSums.get(cause) ?? [0, 0];
    cs[0] += f.customers * l.interruptions * scale;
    cs[1] += f.customers * l.hours * scale;
    causeSums.set(cause, cs);
  });

  const periods: FeederLevelResult['periods'] = {};
  for (const [period, byFeeder] of [...sums].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const perFeeder: Record<string, FeederLevelIndices> = {};
    let n = 0;
    let nf = 0;
    let nd = 0;
    let eens: number | null = 0;
    for (const f of served) {
      const [F, D] = byFeeder.get(f.id) ?? [0, 0];
      perFeeder[f.id] = indices(f.customers, F, D, f.avgKW !== undefined ? f.avgKW * D : null);
      n += f.customers;
      nf += f.customers * F;
      nd += f.customers * D;
      eens = eens === null || f.avgKW === undefined ? null : eens + f.avgKW * D;
    }
    periods[period] = { system: indices(n, nf / n, nd / n, eens), feeders: perFeeder };
  }
  const sys = Object.values(periods).map((p) => p.system);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const caidis = sys.map((s) => s.caidi);
  const eenss = sys.map((s) => s.eensKWh);
  const average = {
    saifi: mean(sys.map((s) => s.saifi)),
    saidi: mean(sys.map((s) => s.saidi)),
    caidi: caidis.every((c): c is number => c !== null) ? mean(caidis) : null,
    asai: mean(sys.map((s) => s.asai)),
    eensKWh: eenss.every((e): e is number => e !== null) ? mean(eenss) : null,
  };
  let totF = 0;
  let totD = 0;
  for (const [f, d] of causeSums.values()) {
    totF += f;
    totD += d;
  }
  const causes = [...causeSums].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([cause, [f, d]]) => ({
    cause, frequencyShare: totF > 0 ? f / totF : 0, durationShare: totD > 0 ? d / totD : 0,
  }));
  return { periods, average, causes };
}

function indices(customers: number, saifi: number, saidi: number, eensKWh: number | null): FeederLevelIndices {
  return { customers, saifi, saidi, caidi: saifi > 0 ? saidi / saifi : null, asai: 1 - saidi / HOURS_PER_YEAR, eensKWh };
}
