/**
 * Customers (and kVA, average load) served per feeder: the denominators of every index. From a
 * table (`served.csv`: `feeder,customers,kVA`, optional `avgKW`, `substation`) or from a feeder
 * model, where the whole model is one feeder and every device knows the customers and load points
 * behind it (under the normal switch states).
 */
import { parse } from 'csv-parse/sync';
import type { LoadedFeeder } from '../../model/load';
import type { ServedFeeder } from './types';

/** Checks a served list (unique ids, positive customers, non-negative kVA/kW) and indexes it by feeder id. */
export function servedTable(feeders: readonly ServedFeeder[], source = 'served feeders'): Map<string, ServedFeeder> {
  const map = new Map<string, ServedFeeder>();
  feeders.forEach((f, i) => {
    const where = `${source}[${i}]${f && typeof f.id === 'string' ? ` "${f.id}"` : ''}`;
    if (!f || typeof f.id !== 'string' || f.id.trim() === '') throw new Error(`${where}: feeder id is missing`);
    if (map.has(f.id)) throw new Error(`${where}: feeder "${f.id}" is listed twice`);
    if (typeof f.customers !== 'number' || !Number.isFinite(f.customers) || f.customers <= 0) {
      throw new Error(`${where}: customers must be a positive number (got ${String(f.customers)})`);
    }
    for (const k of ['kVA', 'avgKW'] as const) {
      const v = f[k];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) throw new Error(`${where}: ${k} must be a non-negative number (got ${String(v)})`);
    }
    map.set(f.id, { ...f, substation: f.substation || f.id });
  });
  if (map.size === 0) throw new Error(`${source}: no feeders`);
  return map;
}

/** Parses `served.csv`. Errors name the line and column. */
export function parseServedCsv(content: string, source = 'served.csv'): ServedFeeder[] {
  let rows: string[][];
  try {
    const parsed = parse(content, { skip_empty_lines: true, trim: true, bom: true, relax_column_count: true, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    rows = parsed.map((r) => r.record.concat([String(r.info.lines)]));
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`);
  }
  if (rows.length === 0) throw new Error(`${source}: empty file`);
  // Each row carries its file line as a last element.
  const header = rows[0].slice(0, -1);
  const col = (name: string) => header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
  const iFeeder = col('feeder');
  const iCustomers = col('customers');
  if (iFeeder < 0 || iCustomers < 0) throw new Error(`${source}: header must name columns "feeder" and "customers" (got ${header.join(',')})`);
  const iKVA = col('kVA');
  const iKW = col('avgKW');
  const iSub = col('substation');
  const out: ServedFeeder[] = [];
  rows.slice(1).forEach((withLine) => {
    const line = Number(withLine[withLine.length - 1]);
    const row = withLine.slice(0, -1);
    if (row.length !== header.length) throw new Error(`${source} line ${line}: has ${row.length} fields, the header has ${header.length}`);
    const number = (i: number, name: string, required: boolean): number | undefined => {
      const s = i >= 0 ? row[i] : '';
      if (s === '' || s === undefined) {
        if (required) throw new Error(`${source} line ${line}: ${name} is empty`);
        return undefined;
      }
      const x = Number(s);
      if (!Number.isFinite(x) || x < 0) throw new Error(`${source} line ${line}: ${name} "${s}" is not a non-negative number`);
      return x;
    };
    const f: ServedFeeder = { id: row[iFeeder], customers: number(iCustomers, 'customers', true) as number };
    const kVA = number(iKVA, 'kVA', false);
    const avgKW = number(iKW, 'avgKW', false);
    if (kVA !== undefined) f.kVA = kVA;
    if (avgKW !== undefined) f.avgKW = avgKW;
    if (iSub >= 0 && row[iSub]) f.substation = row[iSub];
    if (!f.id) throw new Error(`${source} line ${line}: feeder is empty`);
    if (f.customers <= 0) throw new Error(`${source} line ${line}: customers must be positive`);
    out.push(f);
  });
  servedTable(out, source);
  return out;
}

/**
 * A feeder model as one served feeder called `feederId`: its customers and average load, its
 * connected kVA when every load point's transformer gives one, its first source as substation,
 * and the customers downstream of every closed device under the normal switch states.
 */
export function servedFromModel(loaded: LoadedFeeder, feederId: string): ServedFeeder {
  const { model, topology, index, summary } = loaded;
  const deviceCustomers: Record<string, number> = {};
  const deviceLoadPoints: Record<string, Array<[string, number]>> = {};
  model.devices.forEach((d, i) => {
    if (!topology.devClosed[i]) return;
    const down = topology.secDown[index.devSection[i]];
    if (down < 0) return;
    deviceCustomers[d.id] = topology.customersBelow[down];
    const lo = topology.pre[down];
    const hi = lo + topology.size[down];
    deviceLoadPoints[d.id] = [];
    model.loadPoints.forEach((lp, k) => {
      const bus = index.lpBus[k];
      if (topology.busSource[bus] >= 0 && topology.pre[bus] >= lo && topology.pre[bus] < hi) deviceLoadPoints[d.id].push([lp.id, lp.customers]);
    });
  });
  const kVAs = model.loadPoints.map((lp) => lp.transformer?.kVA);
  const loadPointCustomers = Object.fromEntries(model.loadPoints.map((lp) => [lp.id, lp.customers]));
  const f: ServedFeeder = { id: feederId, customers: summary.customers, avgKW: summary.avgKW, deviceCustomers, deviceLoadPoints, loadPointCustomers };
  if (kVAs.length > 0 && kVAs.every((k) => typeof k === 'number')) f.kVA = (kVAs as number[]).reduce((a, b) => a + b, 0);
  if (model.sources.length > 0) f.substation = model.sources[0].id;
  return f;
}
