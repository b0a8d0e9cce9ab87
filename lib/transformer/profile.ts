/**
 * Load profiles for statistics (DESIGN.md §8): CSV with header `ts,p1KW,q1Kvar,p2KW,q2Kvar,mode`,
 * one row per telemetry sample, `mode` = the mode actually in service. Timestamps are ISO 8601;
 * without an offset they are wall-clock times in the statistics' zone. Rows must be in time order.
 */
import { parse } from 'csv-parse/sync';
import { DayCalendar, parseIsoTimestamp } from './calendar';
import type { LoadSample } from './telemetry';
import { isMode, MODES } from './types';
import { TransformerInputError } from './validate';

export const PROFILE_COLUMNS = ['ts', 'p1KW', 'q1Kvar', 'p2KW', 'q2Kvar', 'mode'] as const;
const MAX_LISTED = 20;

export function parseProfileCsv(text: string, source: string, calendar: DayCalendar, busIds: [string, string] = ['B1', 'B2']): LoadSample[] {
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    rows = parse(text, { columns: (h: string[]) => h.map((c) => c.trim()), skip_empty_lines: true, trim: true, info: true, bom: true });
  } catch (e) {
    throw new TransformerInputError([`${source}: not readable as CSV: ${(e as Error).message}`]);
  }
  const header = rows.length ? Object.keys(rows[0].record) : [];
  const missing = PROFILE_COLUMNS.filter((c) => !header.includes(c));
  if (!rows.length) throw new TransformerInputError([`${source}: no data rows (header ${PROFILE_COLUMNS.join(',')} and one row per sample)`]);
  if (missing.length) throw new TransformerInputError([`${source}: header lacks ${missing.join(', ')} (expected ${PROFILE_COLUMNS.join(',')})`]);
  const problems: string[] = [];
  const out: LoadSample[] = [];
  let prevTs = -Infinity;
  for (const { record, info } of rows) {
    const at = `${source} line ${info.lines}`;
    const before = problems.length;
    const ts = parseIsoTimestamp(record.ts, calendar);
    if (!Number.isFinite(ts)) problems.push(`${at}: ts "${record.ts}" is not an ISO 8601 time`);
    const n = (['p1KW', 'q1Kvar', 'p2KW', 'q2Kvar'] as const).map((k) => {
      const v = record[k] === '' ? NaN : Number(record[k]);
      if (!Number.isFinite(v)) problems.push(`${at}: ${k} "${record[k]}" is not a number`);
      return v;
    });
    if (!isMode(record.mode)) problems.push(`${at}: mode "${record.mode}" is not one of ${MODES.join(', ')}`);
    if (Number.isFinite(ts)) {
      if (ts <= prevTs) problems.push(`${at}: ts ${record.ts} is not after the previous row's (rows must be in time order, no repeats)`);
      prevTs = ts;
    }
    if (problems.length === before) {
      out.push({ ts, buses: [{ id: busIds[0], pKW: n[0], qKvar: n[1] }, { id: busIds[1], pKW: n[2], qKvar: n[3] }], mode: record.mode as LoadSample['mode'] });
    }
    if (problems.length > MAX_LISTED) break;
  }
  if (problems.length) {
    const shown = problems.slice(0, MAX_LISTED);
    if (problems.length > MAX_LISTED) shown.push('(further rows not checked)');
    throw new TransformerInputError(shown);
  }
  return out;
}

/** Writes samples as a profile CSV (UTC timestamps). */
export function profileToCsv(samples: LoadSample[]): string {
  const lines = [PROFILE_COLUMNS.join(',')];
  const r = (x: number): string => String(Math.round(x * 1000) / 1000);
  for (const s of samples) {
    lines.push([new Date(s.ts).toISOString(), r(s.buses[0].pKW), r(s.buses[0].qKvar), r(s.buses[1].pKW), r(s.buses[1].qKvar), s.mode].join(','));
  }
  return lines.join('\n') + '\n';
}
