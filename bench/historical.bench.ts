/**
 * Historical reliability: records per second from a million-record interruption CSV, streamed
 * through csv-parse into the IEEE 1366 accumulator, with peak memory. Reference in the same run:
 * csv-parse alone over the same file (no validation, no indices), so the ratio is the cost of the
 * reliability work on top of reading the file. The file is generated deterministically (seeded
 * RNG) in the OS temp directory: 20 feeders, 200 devices, six years (2015-2020), a third of the
 * records momentary reclosing operations.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parse } from 'csv-parse';
import { HistoricalAccumulator } from '../lib/reliability/historical/accumulator';
import { csvRecordRows } from '../lib/reliability/historical/read-records';
import type { ServedFeeder } from '../lib/reliability/historical/types';
import { Rng } from '../lib/util/rng';
import { fmt, table } from './timing';

export const title = 'historical reliability (IEEE 1366): streaming a million interruption records';

const N = Number(process.env.DMS_BENCH_RECORDS ?? 1_000_000);
const FEEDERS: ServedFeeder[] = Array.from({ length: 20 }, (_, i) => ({
  id: `F${i + 1}`, customers: 2000 + 150 * i, kVA: 3000 + 200 * i, avgKW: 1500 + 100 * i, substation: `S${(i % 5) + 1}`,
}));
const CAUSES = ['DPEF', 'DPSC', 'DTEF', 'DTSC', 'OP'];

async function generate(file: string, fromYear: number): Promise<void> {
  const rng = new Rng(1366);
  const out = createWriteStream(file);
  const nextFree = new Map<string, number>();
  const t0 = Date.UTC(fromYear, 0, 1);
  const span = Date.UTC(2021, 0, 1) - t0 - 86_400_000;
  let buf = 'id,feeder,device,start,end,customersInterrupted,kWInterrupted,cause,planned\n';
  for (let i = 0; i < N; i++) {
    const f = FEEDERS[rng.int(0, FEEDERS.length - 1)];
    const device = `${f.id}-D${rng.int(1, 10)}`;
    let start = t0 + Math.floor((i / N) * span) + rng.int(0, 600) * 1000;
    start = Math.max(start, nextFree.get(device) ?? 0);
    const momentary = rng.bool(1 / 3);
    const ms = momentary ? rng.int(1, 60) * 1000 : rng.int(6, 240) * 60_000;
    nextFree.set(device, start + ms + 1000);
    const c = rng.int(1, Math.floor(f.customers / 2));
    const kW = rng.bool(0.2) ? '' : String(Math.round(c * 0.7));
    buf += `e${i},${f.id},${device},${new Date(start).toISOString()},${new Date(start + ms).toISOString()},${c},${kW},${rng.pick(CAUSES)},${rng.bool(0.05)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

interface Phase { seconds: number; rows: number; peakHeapMB: number }

// A forced collection before each heap sample measures what is live, not garbage awaiting collection.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const SAMPLE_EVERY = 100_000;

function liveHeapMB(): number {
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}

async function referenceParse(file: string): Promise<Phase> {
  let rows = 0;
  let peak = liveHeapMB();
  const t = performance.now();
  for await (const rec of createReadStream(file).pipe(parse({ trim: true, skip_empty_lines: true }))) {
    if (++rows % SAMPLE_EVERY === 0) peak = Math.max(peak, liveHeapMB());
    void rec;
  }
  const seconds = (performance.now() - t) / 1000;
  return { seconds, rows: rows - 1, peakHeapMB: Math.max(peak, liveHeapMB()) };
}

async function accumulate(file: string): Promise<Phase & { acc: HistoricalAccumulator; rejected: number }> {
  const acc = new HistoricalAccumulator({ feeders: FEEDERS, keepRejections: 0 });
  let rows = 0;
  let rejected = 0;
  let peak = liveHeapMB();
  const t = performance.now();
  for await (const row of csvRecordRows(createReadStream(file), file)) {
    if (++rows % SAMPLE_EVERY === 0) peak = Math.max(peak, liveHeapMB());
    if (row.error) acc.rejectRow(row.line, row.error);
    else if (!acc.add(row.raw, row.line).accepted) rejected++;
  }
  const seconds = (performance.now() - t) / 1000;
  return { seconds, rows, peakHeapMB: Math.max(peak, liveHeapMB()), acc, rejected };
}

export async function run(): Promise<void> {
  const file = path.join(os.tmpdir(), `dms-historical-${N}.csv`);
  const g = performance.now();
  await generate(file, 2015);
  console.log(`  generated ${fmt(N)} records, ${(statSync(file).size / 1048576).toFixed(1)} MB, in ${((performance.now() - g) / 1000).toFixed(1)} s: ${file}`);

  const ref = await referenceParse(file);
  let full: Awaited<ReturnType<typeof accumulate>> | null = await accumulate(file);
  const q = performance.now();
  const report = full.acc.query({ from: '2020-01-01', to: '2021-01-01' });
  const queryMs = performance.now() - q;
  const stateMB = JSON.stringify(full.acc.toJSON()).length / 1048576;
  const counts = full.acc.counts;
  const summary = { seconds: full.seconds, rows: full.rows, peak: full.peakHeapMB, rejected: full.rejected };
  full = null; // release it before the second file

  // The same number of records packed into one year: the sums follow days × feeders × causes; the
  // duplicate check holds every record within its horizon (400 days), so here it holds them all.
  const oneYear = path.join(os.tmpdir(), `dms-historical-${N}-2020.csv`);
  await generate(oneYear, 2020);
  const dense = await accumulate(oneYear);
  const denseHeld = dense.acc.counts.heldForDuplicateCheck;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;

  table([
    ['phase', 'records', 'seconds', 'records/s', 'peak live heap MB'],
    ['csv-parse alone (reference)', ref.rows, ref.seconds, ref.rows / ref.seconds, ref.peakHeapMB],
    ['parse + validate + accumulate, 2015-2020', summary.rows, summary.seconds, summary.rows / summary.seconds, summary.peak],
    ['same, all within 2020', dense.rows, dense.seconds, dense.rows / dense.seconds, dense.peakHeapMB],
  ]);
  console.log(`  ratio: accumulating takes ${(summary.seconds / ref.seconds).toFixed(2)}× the time of bare csv-parse over the same file ` +
    `(${(ref.seconds / summary.seconds).toFixed(2)}× its speed)`);
  console.log(`  accepted ${fmt(counts.accepted)}, refused ${summary.rejected}; query of 2020 with MEDs from 2015-2019: ${queryMs.toFixed(1)} ms, ` +
    `T_MED ${report.med.thresholdSaidiHours?.toFixed(4)} h, ${report.med.days.length} MEDs, SAIFI ${report.system.saifi.toFixed(3)}, SAIDI ${report.system.saidi.toFixed(3)} h`);
  console.log(`  memory: file ${(statSync(file).size / 1048576).toFixed(0)} MB; live heap sampled after a forced GC every ${fmt(SAMPLE_EVERY)} records; ` +
    `records held for the duplicate check ${fmt(counts.heldForDuplicateCheck)} (six years) and ${fmt(denseHeld)} (one year); ` +
    `serialised state ${stateMB.toFixed(1)} MB; process max RSS ${maxRssMB.toFixed(0)} MB`);
}

if (require.main === module) run().catch((e) => { console.error(e); process.exitCode = 1; });
