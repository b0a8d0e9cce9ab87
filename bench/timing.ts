/** Timing helpers for benchmarks: repeat until a minimum time has passed, report per-op figures. */
import { performance } from 'node:perf_hooks';

export interface Timing { opsPerSec: number; msPerOp: number; ops: number }

/** Runs fn repeatedly for at least minMs (after one warm-up call) and returns the rate. */
export function measure(fn: () => unknown, minMs = 500): Timing {
  fn();
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    ops++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return { ops, msPerOp: elapsed / ops, opsPerSec: (ops * 1000) / elapsed };
}

export async function measureAsync(fn: () => Promise<unknown>, minMs = 500): Promise<Timing> {
  await fn();
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    await fn();
    ops++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return { ops, msPerOp: elapsed / ops, opsPerSec: (ops * 1000) / elapsed };
}

export function fmt(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(digits);
}

/** Prints an aligned table of rows (first row is the header). */
export function table(rows: Array<Array<string | number>>): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const r of cells) console.log('  ' + r.map((c, i) => c.padEnd(widths[i])).join('  '));
}
