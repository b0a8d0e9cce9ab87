import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ModelError, readFailure } from '../model/load';
import { formatIssue, validateFeeder } from '../model/validate';
import { summarise } from '../model/summary';
import { buildTopology } from '../model/topology';
import { networkModel } from '../networks';
import type { ModelIssue } from '../model/types';
import { UsageError, type CliCommand } from './command';
import { FEEDER_OPTIONS } from './feeder-arg';

const USAGE = `usage: dms validate <file | --network NAME> [--json]

Validates a dms-feeder/1 model: prints its summary (sources, buses, sections, devices, load points,
customers, total load) and any warnings, or every error with its path and id. Exit code 1 when invalid.`;

function readDoc(file: string): { doc?: unknown; error?: ModelIssue } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { error: { path: '(file)', id: '', message: `cannot read ${file}: ${readFailure(err)}` } };
  }
  try {
    return { doc: JSON.parse(text) };
  } catch (err) {
    return { error: { path: '(model)', id: '', message: `not valid JSON: ${(err as Error).message}` } };
  }
}

export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check a feeder model and print its summary or its errors',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: FEEDER_OPTIONS, allowPositionals: true });
    if (values.network && positionals.length) throw new UsageError('give either a model file or --network, not both');
    if (!values.network && positionals.length !== 1) throw new UsageError('give one model file or --network NAME');
    const { doc, error } = values.network ? { doc: networkModel(values.network), error: undefined } : readDoc(positionals[0]);
    const result = error ? { ok: false, errors: [error], warnings: [] } : validateFeeder(doc);
    if (!result.ok || !('model' in result) || !result.model) {
      if (values.json) io.out(JSON.stringify({ ok: false, errors: result.errors, warnings: result.warnings }));
      else {
        io.err(new ModelError(result.errors, values.network ?? positionals[0]).message.split(': ')[0] + ':');
        for (const e of result.errors) io.err(`  error: ${formatIssue(e)}`);
        for (const w of result.warnings) io.err(`  warning: ${formatIssue(w)}`);
      }
      return 1;
    }
    const summary = summarise(result.model, buildTopology(result.model));
    if (values.json) io.out(JSON.stringify({ ok: true, summary, warnings: result.warnings }));
    else {
      io.out(`${summary.name || 'feeder'}: valid`);
      io.out(`  sources ${summary.sources}, buses ${summary.buses}, sections ${summary.sections}, devices ${summary.devices}, open points ${summary.ties}`);
      io.out(`  load points ${summary.loadPoints}, customers ${summary.customers}, average load ${summary.avgKW} kW, peak ${summary.peakKW} kW${summary.ieds ? `, IEDs ${summary.ieds}` : ''}`);
      for (const w of result.warnings) io.out(`  warning: ${formatIssue(w)}`);
    }
    return 0;
  },
};
