import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  checkParalleling, crossovers, DayCalendar, evaluatePoint, ModeSelector, parseIsoTimestamp, parseOperatingPoint,
  parseProfileCsv, parseSelectorSettings, reportCsv, reportHtml, simulateControl, type Granularity, type LoadSample,
  type PointEvaluation, type SelectorSettings, type StatsReport,
} from '../transformer';
import { UsageError, type CliCommand, type CliIo } from './command';

const USAGE = `usage: dms transformer-mode <point.json> [--json]
       dms transformer-mode <profile.csv> --transformers <station.json> [options] [--json]
       dms transformer-mode <study.json> [options] [--json]     (station JSON with "profile": "file.csv")

One operating point (DESIGN.md §8: {"transformers": [T1, T2], "buses": [B1, B2], "overloadLimit",
"currentMode"?}): prints every mode's loss, whether it is feasible and why not, the best mode and the
saving against currentMode. Exit code 1 when no mode is feasible.

A load profile (CSV ts,p1KW,q1Kvar,p2KW,q2Kvar,mode): the station parameters come from
--transformers (the operating-point format without buses) or from a study JSON holding both the
station and "profile" (path relative to the JSON file). Prints the losses of the actual and the
optimal mode and the saving, integrated sample-and-hold over the timestamps.

options:
  --granularity day|month|year|total   rows of the statistics (default month)
  --from DATE --to DATE                period (YYYY, YYYY-MM or YYYY-MM-DD, inclusive)
  --tz ZONE                            IANA zone of days and of timestamps without offset (default: the
                                       station's timeZone, else UTC)
  --until ISO                          hold the last sample until this time (default: one more step,
                                       the spacing of the last two samples)
  --simulate                           replace the mode column by the selector's own decisions
                                       (automatic control with the station's minSavingKW/minDwellMin);
                                       the saving is then what the controller achieves
  --report csv|html                    print the statistics as CSV or as an HTML table instead
  --json                               print one JSON document`;

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON: ${(err as Error).message}`);
  }
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function withFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;
const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

function pointDocument(ev: PointEvaluation, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    modes: ev.modes.map((m) => ({
      mode: m.mode,
      lossKW: r6(m.lossKW),
      feasible: m.feasible,
      reason: m.reason,
      criterionKW: r6(m.criterionKW),
      reactiveLossKvar: m.reactiveLossKvar === null ? null : r6(m.reactiveLossKvar),
      flowKVA: m.flowKVA.map(r3),
      loadingPu: m.loading.map((x) => r6(x)),
    })),
    best: ev.best,
    savingKW: ev.savingKW === null ? null : r6(ev.savingKW),
    currentMode: ev.current,
    busKVA: ev.busKVA.map(r3),
    totalKVA: r3(ev.totalKVA),
    ...extra,
  };
}

function runPoint(doc: unknown, file: string, json: boolean, io: CliIo): number {
  const point = withFile(file, () => parseOperatingPoint(doc));
  const [t1, t2] = point.station.transformers;
  const paralleling = checkParalleling(t1, t2, point.station.paralleling);
  const ev = evaluatePoint(point.station, point.buses[0], point.buses[1], point.currentMode, paralleling);
  const cross = crossovers(t1, t2);
  if (json) {
    io.out(JSON.stringify(pointDocument(ev, {
      crossoversKVA: { T1VsParallel: cross.t1VsParallelKVA, T2VsParallel: cross.t2VsParallelKVA, T1VsT2: cross.t1VsT2KVA },
      paralleling: { ok: paralleling.ok, checks: paralleling.checks },
    })));
  } else {
    io.out(`load ${ev.busKVA[0].toFixed(1)} kVA on ${point.buses[0].id} + ${ev.busKVA[1].toFixed(1)} kVA on ${point.buses[1].id} = ${ev.totalKVA.toFixed(1)} kVA (phasor sum)`);
    io.out('mode      loss kW   loading T1 / T2   feasible');
    for (const m of ev.modes) {
      io.out(`${m.mode.padEnd(9)} ${m.lossKW.toFixed(4).padStart(8)}   ${m.loading[0].toFixed(3)} / ${m.loading[1].toFixed(3)}     ${m.feasible ? 'yes' : `no: ${m.reason}`}`);
    }
    io.out(ev.best ? `best: ${ev.best}` : 'best: none (no feasible mode)');
    if (ev.savingKW !== null) io.out(`saving against ${ev.current}: ${ev.savingKW.toFixed(4)} kW`);
  }
  return ev.best ? 0 : 1;
}

interface ProfileOptions {
  granularity: Granularity;
  from?: string;
  to?: string;
  tz?: string;
  until?: string;
  simulate: boolean;
  report?: string;
  json: boolean;
}

function runProfile(settingsDoc: unknown, settingsFile: string, csvFile: string, o: ProfileOptions, io: CliIo): number {
  const settings: SelectorSettings = withFile(settingsFile, () => parseSelectorSettings(
    o.tz ? { ...(settingsDoc as object), timeZone: o.tz } : settingsDoc));
  const calendar = new DayCalendar(settings.timeZone);
  const samples: LoadSample[] = parseProfileCsv(readText(csvFile, 'profile'), csvFile, calendar);
  const last = samples[samples.length - 1];
  let untilTs = samples.length > 1 ? 2 * last.ts - samples[samples.length - 2].ts : last.ts;
  if (o.until !== undefined) {
    untilTs = parseIsoTimestamp(o.until, calendar);
    if (!Number.isFinite(untilTs)) throw new UsageError(`--until "${o.until}" is not an ISO 8601 time`);
    if (untilTs < last.ts) throw new UsageError(`--until ${o.until} is before the last sample (${new Date(last.ts).toISOString()})`);
  }
  let selector: ModeSelector;
  let simulation: { transfers: number; operations: number } | null = null;
  if (o.simulate) {
    const sim = simulateControl(samples, settings);
    selector = sim.selector;
    simulation = { transfers: sim.transfers, operations: sim.operations };
  } else {
    selector = new ModeSelector(settings);
    for (const s of samples) selector.step(s);
  }
  selector.closeAt(untilTs);
  const report: StatsReport = selector.query({ granularity: o.granularity, from: o.from, to: o.to });
  if (o.report === 'csv') io.out(reportCsv(report));
  else if (o.report === 'html') io.out(reportHtml(report));
  else if (o.json) {
    io.out(JSON.stringify({
      samples: samples.length,
      firstTs: new Date(samples[0].ts).toISOString(),
      untilTs: new Date(untilTs).toISOString(),
      actualModes: simulation ? 'simulated' : 'profile',
      simulation,
      statistics: report,
    }));
  } else {
    io.out(`${samples.length} samples from ${new Date(samples[0].ts).toISOString()} held until ${new Date(untilTs).toISOString()}, days in ${report.timeZone}${simulation ? `; modes simulated: ${simulation.transfers} transfers, ${simulation.operations} breaker operations` : ''}`);
    io.out(`${'period'.padEnd(10)} ${'hours'.padStart(8)} ${'actual kWh'.padStart(12)} ${'optimal kWh'.padStart(12)} ${'saving kWh'.padStart(11)} ${'saving %'.padStart(8)}`);
    for (const r of report.granularity === 'total' ? [] : report.rows) {
      io.out(`${r.period.padEnd(10)} ${r.hours.toFixed(2).padStart(8)} ${r.actualKWh.toFixed(1).padStart(12)} ${r.optimalKWh.toFixed(1).padStart(12)} ${r.savingKWh.toFixed(1).padStart(11)} ${r.savingPct.toFixed(2).padStart(8)}`);
    }
    const t = report.total;
    io.out(`${'total'.padEnd(10)} ${t.hours.toFixed(2).padStart(8)} ${t.actualKWh.toFixed(1).padStart(12)} ${t.optimalKWh.toFixed(1).padStart(12)} ${t.savingKWh.toFixed(1).padStart(11)} ${t.savingPct.toFixed(2).padStart(8)}`);
  }
  return 0;
}

export const transformerModeCommand: CliCommand = {
  name: 'transformer-mode',
  summary: 'least-loss operation mode of a two-transformer substation, or loss statistics of a load profile',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        json: { type: 'boolean' },
        transformers: { type: 'string' },
        granularity: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        tz: { type: 'string' },
        until: { type: 'string' },
        simulate: { type: 'boolean' },
        report: { type: 'string' },
      },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError(`give one input file (operating point JSON, profile CSV or study JSON), got ${positionals.length}`);
    const granularity = (values.granularity ?? 'month') as Granularity;
    if (!['day', 'month', 'year', 'total'].includes(granularity)) throw new UsageError(`--granularity must be day, month, year or total, got "${values.granularity}"`);
    if (values.report !== undefined && values.report !== 'csv' && values.report !== 'html') throw new UsageError(`--report must be csv or html, got "${values.report}"`);
    const input = positionals[0];
    const profileOpts: ProfileOptions = {
      granularity, from: values.from, to: values.to, tz: values.tz, until: values.until,
      simulate: values.simulate === true, report: values.report, json: values.json === true,
    };
    if (/\.csv$/i.test(input)) {
      if (!values.transformers) throw new UsageError('a CSV load profile needs --transformers <station.json>');
      return runProfile(readJson(values.transformers, 'station file'), values.transformers, input, profileOpts, io);
    }
    const doc = readJson(input, 'input');
    if (values.transformers) throw new UsageError('--transformers goes with a CSV profile; this input is JSON');
    if (typeof doc === 'object' && doc !== null && 'profile' in doc) {
      const profile = (doc as { profile: unknown }).profile;
      if (typeof profile !== 'string' || !profile) throw new Error(`${input}: profile must be the path of a CSV load profile, got ${JSON.stringify(profile)}`);
      const { profile: _omit, ...station } = doc as Record<string, unknown>;
      return runProfile(station, input, path.resolve(path.dirname(input), profile), profileOpts, io);
    }
    for (const flag of ['granularity', 'from', 'to', 'tz', 'until', 'simulate', 'report'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to a load profile; ${input} is an operating point`);
    }
    return runPoint(doc, input, values.json === true, io);
  },
};
