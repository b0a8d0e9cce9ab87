import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readFailure } from '../model/load';
import { simulateMonteCarlo, type MonteCarloResult } from '../reliability/montecarlo';
import { evaluatePredictive } from '../reliability/predictive';
import type { LoadPointIndices, PredictiveOptions, PredictiveResult, SystemIndices } from '../reliability/types';
import { UsageError, type CliCommand } from './command';
import { FEEDER_OPTIONS, feederFromArgs } from './feeder-arg';

const USAGE = `usage: dms reliability <file | --network NAME> [--json | --csv] [options]

Predictive reliability (DESIGN.md §4): load point λ, r, U, momentary λ and ENS; system SAIFI,
SAIDI, CAIDI, ASAI, ASUI, MAIFI, ENS, AENS, and the interruption cost (CENS with costs.perKWh,
ECOST with costs.damageFunctions); the failed elements ranked by their share of SAIDI.
Model options are read from the model ("options": {"transformerReplacement": true,
"momentaryThresholdMin": 5}); the flags below override them.

options:
  --json                one JSON document: {"system": {"saifi", "saidi", "caidi", "asai", "asui",
                        "maifi", "ensKWh", "aensKWh", "cens", "ecost", "customers"}, "loadPoints":
                        [{"id", "lambda", "u", "r", "lambdaMomentary", "ensKWh", ...}],
                        "contributions": [{"element", "id", "lambda", "saifi", "saidiHours",
                        "ensKWh", "saidiShare", "ecost"}], ...} (per year, hours, kWh)
  --csv                 the load point table as CSV
  --replacement         use transformer replacement instead of repair times
  --repair              use transformer repair times (overrides the model option)
  --threshold MIN       interruptions of MIN minutes or less are momentary (default 5)
  --states FILE         switch states over the normal ones: {"deviceId": true (closed) | false}
  --top N               contributions to list in the text output (default 10)
  --monte-carlo         sequential Monte Carlo instead of the analytical method: means, their 95 %
                        confidence intervals, and P10/P50/P90 of the yearly indices
  --years N             simulated years (default 10000)
  --seed S              random seed (default 1)
  --exponential-repair  exponentially distributed repair times (default: the given times)`;

const OPTIONS = {
  ...FEEDER_OPTIONS,
  csv: { type: 'boolean' as const },
  replacement: { type: 'boolean' as const },
  repair: { type: 'boolean' as const },
  threshold: { type: 'string' as const },
  states: { type: 'string' as const },
  top: { type: 'string' as const },
  'monte-carlo': { type: 'boolean' as const },
  years: { type: 'string' as const },
  seed: { type: 'string' as const },
  'exponential-repair': { type: 'boolean' as const },
};

function numberArg(v: string | undefined, name: string, test: (x: number) => boolean, what: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !test(x)) throw new UsageError(`--${name} must be ${what} (got "${v}")`);
  return x;
}

function readStates(file: string): Record<string, boolean> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`states file ${file}: ${err instanceof SyntaxError ? `not valid JSON: ${err.message}` : readFailure(err)}`);
  }
  const obj = doc && typeof doc === 'object' && !Array.isArray(doc) && 'switchStates' in doc ? (doc as { switchStates: unknown }).switchStates : doc;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error(`states file ${file}: expected an object {deviceId: true | false}`);
  for (const [id, v] of Object.entries(obj)) {
    if (typeof v !== 'boolean') throw new Error(`states file ${file}: "${id}" must be true (closed) or false (open)`);
  }
  return obj as Record<string, boolean>;
}

const fmt = (x: number | null, d: number): string => (x === null ? '-' : x.toFixed(d));

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

function systemLines(s: SystemIndices, currency: string | null): string[] {
  const cur = currency ? ` ${currency}` : '';
  const lines = [
    `  SAIFI ${s.saifi.toFixed(4)} /yr   SAIDI ${s.saidi.toFixed(4)} h/yr   CAIDI ${s.caidi.toFixed(4)} h   MAIFI ${s.maifi.toFixed(4)} /yr`,
    `  ASAI ${s.asai.toFixed(6)}   ASUI ${s.asui.toFixed(6)}   ENS ${s.ensKWh.toFixed(1)} kWh/yr   AENS ${s.aensKWh.toFixed(3)} kWh/customer`,
  ];
  if (s.cens !== null || s.ecost !== null) {
    lines.push(`  ${s.cens !== null ? `CENS ${s.cens.toFixed(0)}${cur}/yr` : ''}${s.cens !== null && s.ecost !== null ? '   ' : ''}${s.ecost !== null ? `ECOST ${s.ecost.toFixed(0)}${cur}/yr` : ''}`);
  }
  return lines;
}

function lpTable(lps: LoadPointIndices[]): string[] {
  return table([
    ['load point', 'customers', 'λ /yr', 'r h', 'U h/yr', 'λm /yr', 'ENS kWh/yr'],
    ...lps.map((l) => [l.id, String(l.customers), l.lambda.toFixed(4), l.r.toFixed(3), l.u.toFixed(4), l.lambdaMomentary.toFixed(4), l.ensKWh.toFixed(1)]),
  ]);
}

function analyticalText(name: string, r: PredictiveResult, top: number): string[] {
  const o = r.options;
  const out = [
    `${name}: analytical, ${r.loadPoints.length} load points, ${r.system.customers} customers (transformer ${o.transformerReplacement ? 'replacement' : 'repair'} times, momentary ≤ ${o.momentaryThresholdMin} min)`,
    ...systemLines(r.system, o.currency),
  ];
  if (r.unsupplied.length) out.push(`  not supplied under this switch state (left out): ${r.unsupplied.join(', ')}`);
  out.push('', ...lpTable(r.loadPoints));
  const shown = r.contributions.slice(0, top);
  if (shown.length) {
    out.push('', `largest contributions to SAIDI (${shown.length} of ${r.contributions.length} failed elements):`);
    out.push(...table([
      ['element', 'λ /yr', 'SAIDI h/yr', 'share', 'ENS kWh/yr'],
      ...shown.map((c) => [`${c.element} ${c.id}`, c.lambda.toFixed(4), c.saidiHours.toFixed(4), `${(100 * c.saidiShare).toFixed(1)} %`, c.ensKWh.toFixed(1)]),
    ]));
  }
  return out;
}

function monteCarloText(name: string, r: MonteCarloResult): string[] {
  const ci = r.confidence95;
  const sp = r.spread;
  return [
    `${name}: Monte Carlo, ${r.years} simulated years (seed ${r.seed}, ${r.repairDistribution} repair times), ${r.failures} failures`,
    ...systemLines(r.system, r.options.currency),
    `  95 % CI of the means: SAIFI ${fmt(ci.saifi[0], 4)}..${fmt(ci.saifi[1], 4)}, SAIDI ${fmt(ci.saidi[0], 4)}..${fmt(ci.saidi[1], 4)}`,
    `  yearly SAIFI P10/P50/P90 ${sp.saifi.p10.toFixed(4)} / ${sp.saifi.p50.toFixed(4)} / ${sp.saifi.p90.toFixed(4)}`,
    `  yearly SAIDI P10/P50/P90 ${sp.saidi.p10.toFixed(4)} / ${sp.saidi.p50.toFixed(4)} / ${sp.saidi.p90.toFixed(4)} h`,
    '',
    ...lpTable(r.loadPoints),
  ];
}

function csv(lps: LoadPointIndices[]): string {
  const rows = ['id,customers,lambda,u,r,lambdaMomentary,ensKWh,cens,ecost'];
  for (const l of lps) {
    const id = /[",\n]/.test(l.id) ? `"${l.id.replace(/"/g, '""')}"` : l.id;
    rows.push([id, l.customers, l.lambda, l.u, l.r, l.lambdaMomentary, l.ensKWh, l.cens ?? '', l.ecost ?? ''].join(','));
  }
  return rows.join('\n');
}

export const reliabilityCommand: CliCommand = {
  name: 'reliability',
  summary: 'predictive reliability: SAIFI, SAIDI, ENS, costs, load points, contributions',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true });
    } catch (err) {
      throw new UsageError((err as Error).message.split('\n')[0]);
    }
    const { values, positionals } = parsed;
    if (values.json && values.csv) throw new UsageError('give either --json or --csv, not both');
    if (values.replacement && values.repair) throw new UsageError('give either --replacement or --repair, not both');
    const mc = values['monte-carlo'] === true;
    if (!mc && (values.years !== undefined || values.seed !== undefined || values['exponential-repair'])) {
      throw new UsageError('--years, --seed and --exponential-repair need --monte-carlo');
    }
    const threshold = numberArg(values.threshold, 'threshold', (x) => x >= 0, 'a non-negative number of minutes');
    const top = numberArg(values.top, 'top', (x) => Number.isInteger(x) && x >= 0, 'a whole number') ?? 10;
    const years = numberArg(values.years, 'years', (x) => Number.isInteger(x) && x >= 2, 'a whole number of at least 2') ?? 10000;
    const seed = numberArg(values.seed, 'seed', () => true, 'a number') ?? 1;
    const feeder = feederFromArgs(positionals, values.network);
    const opts: PredictiveOptions = {};
    if (threshold !== undefined) opts.momentaryThresholdMin = threshold;
    if (values.replacement) opts.transformerReplacement = true;
    if (values.repair) opts.transformerReplacement = false;
    if (values.states !== undefined) opts.states = readStates(values.states);
    const name = feeder.summary.name || values.network || positionals[0];

    if (mc) {
      const r = simulateMonteCarlo(feeder, { ...opts, years, seed, repairDistribution: values['exponential-repair'] ? 'exponential' : 'fixed' });
      if (values.json) io.out(JSON.stringify(r));
      else if (values.csv) io.out(csv(r.loadPoints));
      else io.out(monteCarloText(name, r).join('\n'));
      return 0;
    }
    const r = evaluatePredictive(feeder, opts);
    if (values.json) io.out(JSON.stringify(r));
    else if (values.csv) io.out(csv(r.loadPoints));
    else io.out(analyticalText(name, r, top).join('\n'));
    return 0;
  },
};
