/**
 * Interruption records from files, streamed: CSV through csv-parse one row at a time (memory does
 * not grow with the file), or a JSON array (read whole; use CSV for large logs). Each row comes
 * with its line so a refused record can be found in the file. The CSV header must name `feeder`,
 * `start` and `end` or `durationMin`; other known columns are optional, unknown ones ignored.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

export interface RecordRow {
  /** CSV: the file line of the row; JSON: the element's position (1-based). */
  line: number;
  raw: unknown;
  /** Set when the row itself is malformed (wrong number of fields); raw is then null. */
  error?: string;
}

export const RECORD_COLUMNS = ['id', 'feeder', 'device', 'start', 'end', 'durationMin', 'customersInterrupted', 'kWInterrupted', 'kVAInterrupted', 'cause', 'planned', 'momentary', 'loadPoints'];

/** Matches header names case-insensitively to the known columns; checks the required ones. */
export function recordHeader(header: string[], source: string): string[] {
  const names = header.map((h) => {
    const t = h.trim();
    return RECORD_COLUMNS.find((c) => c.toLowerCase() === t.toLowerCase()) ?? t;
  });
  const missing = ['feeder', 'start'].filter((c) => !names.includes(c));
  if (!names.includes('end') && !names.includes('durationMin')) missing.push('end or durationMin');
  if (missing.length) throw new Error(`${source}: header lacks ${missing.map((m) => `"${m}"`).join(', ')} (got ${header.join(',')})`);
  return names;
}

/** Streams CSV rows as objects keyed by the header. */
export async function* csvRecordRows(input: Readable, source = 'records'): AsyncGenerator<RecordRow> {
  // on_record appends the file line of each record (cheaper than csv-parse's per-record info objects).
  const parser = input.pipe(parse({
    bom: true, trim: true, skip_empty_lines: true, relax_column_count: true,
    on_record: (record: string[], ctx: { lines: number }) => {
      (record as unknown[]).push(ctx.lines);
      return record;
    },
  }));
  let names: string[] | null = null;
  try {
    for await (const withLine of parser as AsyncIterable<Array<string | number>>) {
      const line = withLine.pop() as number;
      const record = withLine as string[];
      if (!names) {
        names = recordHeader(record, source);
        continue;
      }
      if (record.length !== names.length) {
        yield { line, raw: null, error: `has ${record.length} fields, the header has ${names.length}` };
        continue;
      }
      const raw: Record<string, string> = {};
      for (let i = 0; i < names.length; i++) raw[names[i]] = record[i];
      yield { line, raw };
    }
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new Error(`${source}${e.lines ? ` line ${e.lines}` : ''}: ${e.message}`);
  }
  if (!names) throw new Error(`${source}: empty file (no header)`);
}

/** Rows of a JSON array of record objects. */
export function jsonRecordRows(doc: unknown, source = 'records'): RecordRow[] {
  if (!Array.isArray(doc)) throw new Error(`${source}: expected a JSON array of interruption records`);
  return doc.map((raw, i) => ({ line: i + 1, raw }));
}

/** Rows of a records file: JSON when it ends in .json or starts with '[', CSV otherwise. */
export async function* readRecordRows(file: string): AsyncGenerator<RecordRow> {
  const isJson = /\.json$/i.test(file) || (await firstChar(file)) === '[';
  if (isJson) {
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
    }
    yield* jsonRecordRows(doc, file);
    return;
  }
  yield* csvRecordRows(createReadStream(file), file);
}

async function firstChar(file: string): Promise<string> {
  const stream = createReadStream(file, { start: 0, end: 255, encoding: 'utf8' });
  let head = '';
  try {
    for await (const chunk of stream) head += chunk as string;
  } catch (err) {
    throw new Error(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  return head.replace(/^\uFEFF/, '').trimStart().charAt(0);
}
