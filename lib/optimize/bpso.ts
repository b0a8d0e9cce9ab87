/**
 * Binary particle swarm optimisation (Kennedy & Eberhart 1997; thesis ch. 5), minimising a cost
 * over bit vectors. Velocity update eq. 5.4 (gbest) or 5.5 (lbest ring), inertia constant or linearly
 * decreasing by eq. 5.6, velocities clamped to ±vMax, positions drawn through the sigmoid of eq.
 * 5.7–5.8. Every random number comes from one seeded generator, so a run is reproducible.
 *
 * The run is a stepper (`init`, `step`) so that a worker thread or an event-loop-friendly caller can
 * report progress and stop between iterations; `bpso()` runs it to the end.
 */
import { Rng } from '../util/rng';

export type Topology = 'gbest' | 'lbest';

/** Constant inertia, or linear from `start` to `end` over `maxIterations` (eq. 5.6). */
export type Inertia = number | { start: number; end: number };

export interface BpsoOptions {
  /** Swarm size (default 30). */
  particles?: number;
  /** Iteration limit (default 200). */
  maxIterations?: number;
  /** Stop after this many iterations without improvement of the best cost (default 40; 0 = never). */
  stallIterations?: number;
  /** An improvement smaller than this share of |best| does not count as one (default 1e-9). */
  tolerance?: number;
  /**
   * Inertia weight (default 1, as in the thesis's Ghion run). The linear 0.9 → 0.2 schedule of
   * §5.3.5 comes from continuous PSO; in BPSO a velocity decaying to 0 means a bit drawn at 50 %,
   * so a falling inertia turns the late swarm into random search (OneMax-40 fails with it).
   */
  inertia?: Inertia;
  /** Cognitive and social acceleration coefficients (default 2 and 2). */
  c1?: number;
  c2?: number;
  /** Velocity clamp |v| ≤ vMax (default 4: bit probabilities stay within 0.018–0.982). */
  vMax?: number;
  /** gbest (star) or lbest (ring) neighbourhood (default gbest). */
  topology?: Topology;
  /** Ring neighbours on each side for lbest (default 1). */
  neighbours?: number;
  /** Probability that a bit starts at 1 in a random particle (default 0.5). */
  initialProbability?: number;
  /** Positions to start some particles from (the rest are random), e.g. a known design. */
  initialPositions?: ArrayLike<number>[];
  /** Seed of the random generator (default 1). */
  seed?: number;
  /** Remember the cost of every position already evaluated (default true). */
  cache?: boolean;
}

export interface IterationStats {
  /** 0 for the initial swarm. */
  iteration: number;
  /** Best cost found so far. */
  best: number;
  /** Mean cost of the swarm's current positions. */
  mean: number;
}

export type StopReason = 'maxIterations' | 'stall' | 'cancelled';

export interface BpsoResult {
  best: Uint8Array;
  bestCost: number;
  /** Iterations after the initial swarm. */
  iterations: number;
  /** Objective calls (positions already seen are served from the cache and not counted). */
  evaluations: number;
  /** Positions scored, cached or not (particles × (iterations + 1)). */
  positions: number;
  /** Iteration at which the final best was first found. */
  bestIteration: number;
  history: IterationStats[];
  stopReason: StopReason;
}

export type Objective = (x: Uint8Array) => number;

export interface ResolvedBpsoOptions {
  particles: number;
  maxIterations: number;
  stallIterations: number;
  tolerance: number;
  inertia: Inertia;
  c1: number;
  c2: number;
  vMax: number;
  topology: Topology;
  neighbours: number;
  initialProbability: number;
  seed: number;
  cache: boolean;
}

export const BPSO_DEFAULTS: ResolvedBpsoOptions = {
  particles: 30,
  maxIterations: 200,
  stallIterations: 40,
  tolerance: 1e-9,
  inertia: 1,
  c1: 2,
  c2: 2,
  vMax: 4,
  topology: 'gbest',
  neighbours: 1,
  initialProbability: 0.5,
  seed: 1,
  cache: true,
};

/** Checks options and fills defaults; errors name the option and the value. */
const KNOWN_OPTIONS = [...Object.keys(BPSO_DEFAULTS), 'initialPositions'];

export function resolveBpsoOptions(o: BpsoOptions = {}): ResolvedBpsoOptions {
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error(`BPSO options must be an object (got ${JSON.stringify(o)})`);
  // A misspelt option would otherwise be ignored silently and the run use the default.
  const unknown = Object.keys(o).filter((k) => !KNOWN_OPTIONS.includes(k));
  if (unknown.length) throw new Error(`BPSO option "${unknown[0]}" is not known (options: ${KNOWN_OPTIONS.join(', ')})`);
  const r: ResolvedBpsoOptions = { ...BPSO_DEFAULTS };
  const num = (name: keyof BpsoOptions, v: unknown, ok: (x: number) => boolean, rule: string): void => {
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new Error(`BPSO option ${name} must be ${rule} (got ${JSON.stringify(v)})`);
    (r as unknown as Record<string, unknown>)[name] = v;
  };
  const int = (x: number) => Number.isInteger(x);
  num('particles', o.particles, (x) => int(x) && x >= 1, 'a whole number ≥ 1');
  num('maxIterations', o.maxIterations, (x) => int(x) && x >= 1, 'a whole number ≥ 1');
  num('stallIterations', o.stallIterations, (x) => int(x) && x >= 0, 'a whole number ≥ 0');
  num('tolerance', o.tolerance, (x) => x >= 0, '≥ 0');
  num('c1', o.c1, (x) => x >= 0, '≥ 0');
  num('c2', o.c2, (x) => x >= 0, '≥ 0');
  num('vMax', o.vMax, (x) => x > 0, '> 0');
  num('neighbours', o.neighbours, (x) => int(x) && x >= 1, 'a whole number ≥ 1');
  num('initialProbability', o.initialProbability, (x) => x >= 0 && x <= 1, 'within 0..1');
  num('seed', o.seed, () => true, 'a number');
  if (o.inertia !== undefined) {
    const w = o.inertia;
    const okW = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
    if (typeof w === 'number' ? !okW(w) : !(w && typeof w === 'object' && okW(w.start) && okW(w.end))) {
      throw new Error(`BPSO option inertia must be a number ≥ 0 or {start, end} (got ${JSON.stringify(w)})`);
    }
    r.inertia = typeof w === 'number' ? w : { start: w.start, end: w.end };
  }
  if (o.topology !== undefined) {
    if (o.topology !== 'gbest' && o.topology !== 'lbest') throw new Error(`BPSO option topology must be "gbest" or "lbest" (got ${JSON.stringify(o.topology)})`);
    r.topology = o.topology;
  }
  if (o.cache !== undefined) r.cache = !!o.cache;
  return r;
}

/** Inertia weight at iteration t (1-based), thesis eq. 5.6. */
export function inertiaAt(w: Inertia, t: number, maxIterations: number): number {
  if (typeof w === 'number') return w;
  if (maxIterations <= 1) return w.start;
  return ((w.end - w.start) * (t - 1)) / (maxIterations - 1) + w.start;
}

/** Sigmoid transfer, thesis eq. 5.7. */
export function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** A key for the cost cache: 16 bits per character. */
function keyOf(x: Uint8Array, off: number, n: number): string {
  let key = '';
  for (let j = 0; j < n; j += 16) {
    let word = 0;
    const end = Math.min(n, j + 16);
    for (let k = j; k < end; k++) word = (word << 1) | x[off + k];
    key += String.fromCharCode(word);
  }
  return key;
}

export class Bpso {
  readonly options: ResolvedBpsoOptions;
  readonly history: IterationStats[] = [];
  private readonly n: number;
  private readonly P: number;
  private readonly rng: Rng;
  private readonly x: Uint8Array;
  private readonly v: Float64Array;
  private readonly pbest: Uint8Array;
  private readonly pbestCost: Float64Array;
  private readonly cost: Float64Array;
  private readonly social: Int32Array;
  private readonly view: Uint8Array;
  private readonly cache: Map<string, number> | null;
  private readonly seeds: ArrayLike<number>[];
  private gbest: Uint8Array;
  private gbestCost = Infinity;
  private gbestIteration = 0;
  private iteration = -1;
  private stall = 0;
  private reason: StopReason | null = null;
  private evaluations = 0;
  private positions = 0;

  constructor(readonly dimensions: number, private readonly objective: Objective, options: BpsoOptions = {}) {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error(`BPSO needs at least one dimension (got ${dimensions})`);
    this.options = resolveBpsoOptions(options);
    this.n = dimensions;
    this.P = this.options.particles;
    this.rng = new Rng(this.options.seed);
    this.x = new Uint8Array(this.P * this.n);
    this.v = new Float64Array(this.P * this.n);
    this.pbest = new Uint8Array(this.P * this.n);
    this.pbestCost = new Float64Array(this.P);
    this.cost = new Float64Array(this.P);
    this.social = new Int32Array(this.P);
    this.view = new Uint8Array(this.n);
    this.gbest = new Uint8Array(this.n);
    this.cache = this.options.cache ? new Map() : null;
    this.seeds = options.initialPositions ?? [];
    if (this.seeds.length > this.P) throw new Error(`BPSO has ${this.seeds.length} initialPositions for ${this.P} particles`);
    for (const [i, pos] of this.seeds.entries()) {
      if (pos.length !== this.n) throw new Error(`BPSO initialPositions[${i}] has ${pos.length} bits, expected ${this.n}`);
    }
  }

  get done(): boolean {
    return this.reason !== null;
  }

  get stopReason(): StopReason | null {
    return this.reason;
  }

  get currentIteration(): number {
    return this.iteration;
  }

  get bestCost(): number {
    return this.gbestCost;
  }

  /** A copy of the best position so far. */
  get bestPosition(): Uint8Array {
    return this.gbest.slice();
  }

  get evaluationCount(): number {
    return this.evaluations;
  }

  /** Random initial swarm (eq. 5.8 with uniform bits), random velocities in ±vMax; scores it. */
  init(): IterationStats {
    if (this.iteration >= 0) throw new Error('BPSO already initialised');
    const { vMax, initialProbability } = this.options;
    const seeds = this.seeds;
    for (let i = 0; i < this.P; i++) {
      const off = i * this.n;
      for (let j = 0; j < this.n; j++) {
        this.x[off + j] = i < seeds.length ? (seeds[i][j] ? 1 : 0) : this.rng.next() < initialProbability ? 1 : 0;
        this.v[off + j] = this.rng.range(-vMax, vMax);
      }
    }
    this.iteration = 0;
    this.scoreSwarm(true);
    return this.record();
  }

  /** One iteration: velocities (eq. 5.4/5.5), clamp, positions (eq. 5.7–5.8), personal and global bests. */
  step(): IterationStats {
    if (this.iteration < 0) return this.init();
    if (this.reason) throw new Error(`BPSO has stopped (${this.reason})`);
    const { c1, c2, vMax, maxIterations } = this.options;
    const t = ++this.iteration;
    const w = inertiaAt(this.options.inertia, t, maxIterations);
    this.chooseSocial();
    const n = this.n;
    for (let i = 0; i < this.P; i++) {
      const off = i * n;
      const soff = this.social[i] < 0 ? -1 : this.social[i] * n;
      for (let j = 0; j < n; j++) {
        const xj = this.x[off + j];
        const sj = soff < 0 ? this.gbest[j] : this.pbest[soff + j];
        let vj = w * this.v[off + j] + c1 * this.rng.next() * (this.pbest[off + j] - xj) + c2 * this.rng.next() * (sj - xj);
        if (vj > vMax) vj = vMax;
        else if (vj < -vMax) vj = -vMax;
        this.v[off + j] = vj;
        this.x[off + j] = this.rng.next() < sigmoid(vj) ? 1 : 0;
      }
    }
    const before = this.gbestCost;
    this.scoreSwarm(false);
    const improved = before - this.gbestCost > this.options.tolerance * Math.max(1, Math.abs(before));
    this.stall = improved ? 0 : this.stall + 1;
    const stats = this.record();
    if (t >= maxIterations) this.reason = 'maxIterations';
    else if (this.options.stallIterations > 0 && this.stall >= this.options.stallIterations) this.reason = 'stall';
    return stats;
  }

  /** A copy of the velocities, particle-major (for inspection and tests). */
  velocities(): Float64Array {
    return this.v.slice();
  }

  /** Stops the run (the best so far stays available). */
  cancel(): void {
    if (!this.reason) this.reason = 'cancelled';
  }

  result(): BpsoResult {
    return {
      best: this.gbest.slice(),
      bestCost: this.gbestCost,
      iterations: Math.max(0, this.iteration),
      evaluations: this.evaluations,
      positions: this.positions,
      bestIteration: this.gbestIteration,
      history: this.history.slice(),
      stopReason: this.reason ?? 'cancelled',
    };
  }

  /** Social best per particle: -1 = the global best (gbest), else the particle whose pbest leads its ring. */
  private chooseSocial(): void {
    if (this.options.topology === 'gbest') {
      this.social.fill(-1);
      return;
    }
    const k = Math.min(this.options.neighbours, Math.floor((this.P - 1) / 2));
    for (let i = 0; i < this.P; i++) {
      let bi = i;
      for (let d = -k; d <= k; d++) {
        const q = (i + d + this.P) % this.P;
        if (this.pbestCost[q] < this.pbestCost[bi]) bi = q;
      }
      this.social[i] = bi;
    }
  }

  private evaluate(off: number): number {
    this.positions++;
    let key = '';
    if (this.cache) {
      key = keyOf(this.x, off, this.n);
      const hit = this.cache.get(key);
      if (hit !== undefined) return hit;
    }
    this.view.set(this.x.subarray(off, off + this.n));
    const c = this.objective(this.view);
    if (typeof c !== 'number' || Number.isNaN(c)) throw new Error(`BPSO objective returned ${String(c)} for position ${Array.from(this.view).join('')}`);
    this.evaluations++;
    if (this.cache) this.cache.set(key, c);
    return c;
  }

  private scoreSwarm(first: boolean): void {
    const n = this.n;
    for (let i = 0; i < this.P; i++) {
      const off = i * n;
      const c = this.evaluate(off);
      this.cost[i] = c;
      if (first || c < this.pbestCost[i]) {
        this.pbestCost[i] = c;
        this.pbest.set(this.x.subarray(off, off + n), off);
      }
      if (c < this.gbestCost) {
        this.gbestCost = c;
        this.gbest = this.x.slice(off, off + n);
        this.gbestIteration = this.iteration;
      }
    }
  }

  private record(): IterationStats {
    let sum = 0;
    for (let i = 0; i < this.P; i++) sum += this.cost[i];
    const stats = { iteration: this.iteration, best: this.gbestCost, mean: sum / this.P };
    this.history.push(stats);
    return stats;
  }
}

export interface BpsoHooks {
  /** Called after the initial swarm and after every iteration. */
  onIteration?: (stats: IterationStats, run: Bpso) => void;
  /** Checked before every iteration; true stops the run with reason "cancelled". */
  shouldStop?: () => boolean;
}

/** Runs BPSO to its stopping criterion. */
export function bpso(dimensions: number, objective: Objective, options: BpsoOptions = {}, hooks: BpsoHooks = {}): BpsoResult {
  const run = new Bpso(dimensions, objective, options);
  // Step outside the optional call: `f?.(g())` skips g() when f is absent.
  const first = run.init();
  hooks.onIteration?.(first, run);
  while (!run.done) {
    if (hooks.shouldStop?.()) {
      run.cancel();
      break;
    }
    const stats = run.step();
    hooks.onIteration?.(stats, run);
  }
  return run.result();
}
