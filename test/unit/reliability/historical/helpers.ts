/** Shared by the historical reliability tests: fixture paths and loading a CSV into an accumulator. */
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { HistoricalAccumulator, type HistoricalOptions } from '../../../../lib/reliability/historical/accumulator';
import { csvRecordRows } from '../../../../lib/reliability/historical/read-records';
import { parseServedCsv } from '../../../../lib/reliability/historical/served';
import type { Rejection } from '../../../../lib/reliability/historical/types';
import { Readable } from 'node:stream';

export const FIXTURES = path.join(__dirname, '..', '..', '..', 'fixtures', 'historical');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export function servedFixture(name: string) {
  return parseServedCsv(readFileSync(fixture(name), 'utf8'), name);
}

/** Streams CSV text (or a fixture file) into the accumulator the way the CLI does. */
export async function loadCsv(acc: HistoricalAccumulator, source: { file?: string; text?: string }): Promise<Rejection[]> {
  const input = source.file ? createReadStream(source.file) : Readable.from([source.text as string]);
  const rejected: Rejection[] = [];
  for await (const row of csvRecordRows(input, source.file ?? 'text')) {
    if (row.error) rejected.push(acc.rejectRow(row.line, row.error));
    else {
      const r = acc.add(row.raw, row.line);
      if (!r.accepted) rejected.push(r.rejection);
    }
  }
  return rejected;
}

export async function accumulatorFrom(csvFile: string, opts: Omit<HistoricalOptions, 'feeders'> & { served: string }): Promise<{ acc: HistoricalAccumulator; rejected: Rejection[] }> {
  const acc = new HistoricalAccumulator({ ...opts, feeders: servedFixture(opts.served) });
  const rejected = await loadCsv(acc, { file: fixture(csvFile) });
  return { acc, rejected };
}

/** |a − b| ≤ tol, with a message naming what was compared. */
export function near(actual: number | null, expected: number, tol: number, what: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= tol, `${what} = ${actual}, expected ${expected} ± ${tol}`);
}
