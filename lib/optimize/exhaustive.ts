/**
 * Exact minimum of a cost over all 2^n bit vectors, for small n (≤ 20 by default): the oracle that
 * BPSO is checked against. Positions are visited in reflected Gray-code order, so each step toggles
 * one bit, which an objective that keeps state (an incremental reliability evaluation) can exploit.
 * `ExhaustiveSearch` advances in chunks so that a caller can report progress and stop between them.
 */
import type { Objective } from './bpso';

export const EXHAUSTIVE_MAX_DIMENSIONS = 20;

export interface ExhaustiveOptions {
  /** Refuse larger problems (default 20: about a million positions). */
  maxDimensions?: number;
  /** Called every `progressEvery` positions with the count done and the total. */
  onProgress?: (done: number, total: number, bestCost: number) => void;
  progressEvery?: number;
  /** Checked with the progress calls; true stops the search (the result then says complete: false). */
  shouldStop?: () => boolean;
}

export interface ExhaustiveResult {
  best: Uint8Array;
  bestCost: number;
  evaluations: number;
  /** False when stopped before every position was scored. */
  complete: boolean;
  /** Positions whose cost equals the best within 1e-9 relative (1 when the optimum is unique). */
  ties: number;
}

/** Index of the bit that changes between Gray codes k−1 and k (k ≥ 1): the number of trailing zeros of k. */
export function grayToggleBit(k: number): number {
  return 31 - Math.clz32(k & -k);
}

export class ExhaustiveSearch {
  readonly total: number;
  private readonly x: Uint8Array;
  private k = 0;
  private bestX: Uint8Array;
  private best = Infinity;
  private ties = 0;
  private stopped = false;

  constructor(readonly dimensions: number, private readonly objective: Objective, maxDimensions = EXHAUSTIVE_MAX_DIMENSIONS) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error(`exhaustive search needs at least one dimension (got ${dimensions})`);
    if (dimensions > maxDimensions) throw new Error(`exhaustive search over ${dimensions} candidates would score 2^${dimensions} positions; the limit is ${maxDimensions}`);
    if (dimensions > 30) throw new Error('exhaustive search is limited to 30 dimensions');
    this.total = 2 ** dimensions;
    this.x = new Uint8Array(dimensions);
    this.bestX = this.x.slice();
  }

  /** Positions scored so far. */
  get done(): number {
    return this.k;
  }

  get finished(): boolean {
    return this.stopped || this.k >= this.total;
  }

  get bestCost(): number {
    return this.best;
  }

  /** Scores up to `count` more positions; false once every position is scored. */
  advance(count: number): boolean {
    const end = Math.min(this.total, this.k + Math.max(1, count));
    for (; this.k < end; this.k++) {
      if (this.k > 0) this.x[grayToggleBit(this.k)] ^= 1;
      const c = this.objective(this.x);
      if (typeof c !== 'number' || Number.isNaN(c)) throw new Error(`objective returned ${String(c)} for position ${Array.from(this.x).join('')}`);
      const tol = 1e-9 * Math.max(1, Math.abs(this.best));
      if (this.k === 0 || c < this.best - tol) {
        this.best = c;
        this.bestX = this.x.slice();
        this.ties = 1;
      } else if (Math.abs(c - this.best) <= tol) {
        this.ties++;
        if (c < this.best) {
          this.best = c;
          this.bestX = this.x.slice();
        }
      }
    }
    return this.k < this.total;
  }

  stop(): void {
    this.stopped = true;
  }

  result(): ExhaustiveResult {
    return { best: this.bestX.slice(), bestCost: this.best, evaluations: this.k, complete: this.k >= this.total, ties: this.ties };
  }
}

export function exhaustive(dimensions: number, objective: Objective, options: ExhaustiveOptions = {}): ExhaustiveResult {
  const search = new ExhaustiveSearch(dimensions, objective, options.maxDimensions);
  const every = Math.max(1, options.progressEvery ?? 65536);
  while (search.advance(every)) {
    options.onProgress?.(search.done, search.total, search.bestCost);
    if (options.shouldStop?.()) break;
  }
  if (search.done >= search.total) options.onProgress?.(search.total, search.total, search.bestCost);
  return search.result();
}
