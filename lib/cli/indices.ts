/** `dms indices`: IEEE 1366 historical reliability indices from interruption records. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadFeederFile } from '../model/load';
import { loadNetwork, resolveNetworkName } from '../networks';
import { HistoricalAccumulator, type HistoricalReport } from '../reliability/historical/accumulator';
import { readRecordRows } from '../reliability/historical/read-records';
import { parseServedCsv, servedFromModel } from '../reliability/historical/served';
import { compareTargets, parseTargets, type TargetCheck } from '../reliability/historical/targets';
import type { CoreIndices, IndexSet, Rejection, ServedFeeder } from '../reliability/historical/types';
import { UsageError, type CliCommand, type CliIo } from './command';

const USAGE = `usage: dms indices <records.csv|records.json> (--served <served.csv|model.json> | --network NAME) [options]

Computes IEEE Std 1366 indices (SAIFI, SAIDI, CAIDI, ASAI, MAIFI, EENS, ...) per feeder and for the
system from interruption records, sets major event days apart (2.5 beta method) and lists every
refused record with its line and reason.

  records            CSV with header id,feeder,device,start,end,customersInterrupted,kWInterrupted,cause,planned
                     (end may be replaced by durationMin; ISO times with zone), or a JSON array of the same objects
  --served FILE      customers served: CSV feeder,customers,kVA (optional avgKW, substation), or a feeder model (.json)
  --network NAME     a built-in feeder model as the one feeder served (dms networks lists them)
  --feeder-id ID     the feeder id the records use for a model (default: the network name, else the
                     model's name, else the model file's base name)
  --from DATE        first day of the reporting period (YYYY-MM-DD, local); MEDs use the five years before it
  --to DATE          day after the period (exclusive); default: the days that have records
  --tz ZONE          IANA time zone of the days (default UTC)
  --targets SPEC     eea, or saifi=20,saidi=25,... per customer-year; exit code 1 when one is missed
  --cemi LIST        CEMIn thresholds n (default 1,3,5)       --celid LIST   CELID hours (default 1,4,8)
  --duplicate-horizon DAYS   check duplicates against records up to DAYS before the newest (default 400)
  --detail           add every index, substations, cause breakdown, planned split and MED statistics
  --strict           exit code 1 when any record was refused
  --json             print one JSON document: {system, feeders, withoutMed, med, rejected} (+ targets, detail)`;

function numberList(s: string | undefined, what: string): number[] | undefined {
  if (s === undefined) return undefined;
  const xs = s.split(',').map((x) => Number(x.trim()));
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x) || x < 0)) throw new UsageError(`--${what}: "${s}" is not a list of non-negative numbers`);
  return xs;
}

function servedFrom(values: { served?: string; network?: string; 'feeder-id'?: string }): ServedFeeder[] {
  if (values.served && values.network) throw new UsageError('give either --served or --network, not both');
  if (values.network) return [servedFromModel(loadNetwork(values.network), values['feeder-id'] ?? resolveNetworkName(values.network))];
  if (!values.served) throw new UsageError('give the customers served: --served served.csv, --served model.json or --network NAME');
  const file = values.served;
  if (/\.json$/i.test(file)) {
    const loaded = loadFeederFile(file);
    return [servedFromModel(loaded, values['feeder-id'] ?? (loaded.model.name || path.basename(file, path.extname(file))))];
  }
  if (values['feeder-id']) throw new UsageError('--feeder-id names the feeder of a model; served.csv names its own feeders');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseServedCsv(text, file);
}

/** The DESIGN.md §8 subset. */
export function coreIndices(ix: IndexSet): CoreIndices {
  return { saifi: ix.saifi, saidi: ix.saidi, caidi: ix.caidi, asai: ix.asai, maifi: ix.maifi, eensKWh: ix.eensKWh, customers: ix.customers };
}

const fmt = (x: number | null, digits = 4) => (x === null ? '-' : Number.isInteger(x) ? String(x) : x.toPrecision(digits));

function printText(io: CliIo, report: HistoricalReport, rejected: Rejection[], checks: TargetCheck[] | null): void {
  const p = report.period;
  io.out(`period ${p.from} to ${p.to} (exclusive, ${p.timeZone}), ${fmt(p.hours, 6)} h, ${report.counts.accepted} records accepted, ${rejected.length} refused`);
  const rows: string[][] = [['scope', 'customers', 'SAIFI', 'SAIDI h', 'CAIDI h', 'ASAI', 'MAIFI', 'MAIFIe', 'EENS kWh']];
  const row = (name: string, ix: IndexSet) => [name, String(ix.customers), fmt(ix.saifi), fmt(ix.saidi), fmt(ix.caidi), ix.asai.toFixed(6), fmt(ix.maifi), fmt(ix.maifie), fmt(ix.eensKWh, 6)];
  rows.push(row('system', report.system));
  rows.push(row('system w/o MED', report.withoutMed.system));
  for (const [id, ix] of Object.entries(report.feeders)) rows.push(row(id, ix));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) io.out('  ' + r.map((c, i) => c.padEnd(widths[i])).join('  '));
  const m = report.med;
  io.out(m.thresholdSaidiHours === null
    ? `major event days: no threshold (fewer than two days with interruptions between ${m.historyFrom} and ${m.historyTo})`
    : `major event days: T_MED = ${fmt(m.thresholdSaidiHours)} h daily SAIDI (from ${m.nonZeroDays} days, ${m.historyFrom} to ${m.historyTo}): ${m.days.length ? m.days.join(', ') : 'none'}`);
  const noLoad = report.counts.sustainedWithoutLoad;
  if (noLoad > 0) io.out(`note: ${noLoad} sustained record${noLoad === 1 ? ' gives' : 's give'} no load and ${noLoad === 1 ? 'its feeder has' : 'their feeders have'} no avgKW: EENS leaves ${noLoad === 1 ? 'it' : 'them'} out`);
  if (checks && checks.length) printTargets(io, checks);
  for (const r of rejected.slice(0, 50)) io.err(`refused line ${r.line}${r.id ? ` id "${r.id}"` : ''}: ${r.reason}`);
  if (rejected.length > 50) io.err(`... and ${rejected.length - 50} more refused records (--json lists them all)`);
}

/** One row per scope, one column per target: the value per customer-year and whether it is met. */
function printTargets(io: CliIo, checks: TargetCheck[]): void {
  const keys = [...new Set(checks.map((c) => c.index))];
  const head = ['targets per customer-year', ...keys.map((k) => `${k} ${k === 'asai' ? '>=' : '<='} ${checks.find((c) => c.index === k)?.target}`)];
  const ids = [...new Set(checks.map((c) => c.id))];
  const rows = [head, ...ids.map((id) => [id, ...keys.map((k) => {
    const c = checks.find((x) => x.id === id && x.index === k);
    return c ? `${fmt(c.value)} ${c.met ? 'ok' : 'MISSED'}` : '';
  })])];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) io.out('  ' + r.map((c, i) => c.padEnd(widths[i])).join('  '));
  const missed = checks.filter((c) => !c.met).length;
  io.out(missed ? `${missed} target${missed === 1 ? '' : 's'} missed` : 'all targets met');
}

export const indicesCommand: CliCommand = {
  name: 'indices',
  summary: 'IEEE 1366 historical reliability indices from interruption records',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        served: { type: 'string' }, network: { type: 'string', short: 'n' }, 'feeder-id': { type: 'string' },
        from: { type: 'string' }, to: { type: 'string' }, tz: { type: 'string' }, targets: { type: 'string' },
        cemi: { type: 'string' }, celid: { type: 'string' }, 'duplicate-horizon': { type: 'string' },
        detail: { type: 'boolean' }, strict: { type: 'boolean' }, json: { type: 'boolean' },
      },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length ? `unexpected argument "${positionals[1]}"` : 'give the records file');
    const cemiN = numberList(values.cemi, 'cemi');
    const celidHours = numberList(values.celid, 'celid');
    let targets = null;
    try {
      targets = values.targets !== undefined ? parseTargets(values.targets) : null;
    } catch (err) {
      throw new UsageError(`--targets: ${(err as Error).message}`);
    }
    const feeders = servedFrom(values);
    let acc: HistoricalAccumulator;
    try {
      const horizon = values['duplicate-horizon'] !== undefined ? Number(values['duplicate-horizon']) : undefined;
      acc = new HistoricalAccumulator({ feeders, timeZone: values.tz ?? 'UTC', cemiN, celidHours, keepRejections: 0, duplicateHorizonDays: horizon });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }

    const rejected: Rejection[] = [];
    for await (const row of readRecordRows(positionals[0])) {
      if (row.error) rejected.push(acc.rejectRow(row.line, row.error));
      else {
        const res = acc.add(row.raw, row.line);
        if (!res.accepted) rejected.push(res.rejection);
      }
    }
    if (acc.counts.accepted === 0 && (values.from === undefined || values.to === undefined)) {
      throw new Error(`${positionals[0]}: no record accepted (${rejected.length} refused${rejected.length ? `, first: line ${rejected[0].line}: ${rejected[0].reason}` : ''})`);
    }
    let report: HistoricalReport;
    try {
      report = acc.query({ from: values.from, to: values.to });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const checks = targets ? compareTargets(report, targets) : null;

    if (values.json) {
      const feedersOut: Record<string, CoreIndices> = {};
      for (const [id, ix] of Object.entries(report.feeders)) feedersOut[id] = coreIndices(ix);
      const doc: Record<string, unknown> = {
        system: coreIndices(report.system),
        feeders: feedersOut,
        withoutMed: coreIndices(report.withoutMed.system),
        med: { thresholdSaidiHours: report.med.thresholdSaidiHours, days: report.med.days },
        rejected,
      };
      if (checks) doc.targets = checks;
      if (values.detail) doc.detail = report;
      io.out(JSON.stringify(doc));
    } else printText(io, report, rejected, checks);

    if (checks && checks.some((c) => !c.met)) return 1;
    if (values.strict && rejected.length > 0) return 1;
    return 0;
  },
};
