/**
 * Sequential Monte Carlo reliability: simulated years of failures, event by event (no time step).
 * Failures arrive as independent Poisson processes (exponential times to failure, rate λ per
 * element); each failure draws which protective device clears it (failureProbability), whether each
 * tie it could use is available, and — optionally — an exponential repair time. Its effect on every
 * load point follows the same rules as the analytical engine (DESIGN.md §4), from tables built by
 * it, so the means converge to the analytical indices while the years give the spread
 * (P10/P50/P90 of SAIFI, SAIDI, MAIFI, ENS) that averages hide. Overlapping outages are counted
 * independently, as the analytical method does.
 */
import { Rng } from '../util/rng';
import { damageCostPerKW } from './costs';
import type { ReliabilityEvaluator } from './evaluator';
import { HOURS_PER_YEAR, predictiveEvaluator, resultOptions, systemIndices, type FeederSource } from './predictive';
import type { LoadPointIndices, PredictiveOptions, SystemIndices } from './types';

export type RepairDistribution = 'fixed' | 'exponential';

export interface MonteCarloOptions extends PredictiveOptions {
  /** Simulated years (≥ 2). */
  years: number;
  seed?: number;
  /** Repair (and replacement) times as given (default), or exponentially distributed with that mean. */
  repairDistribution?: RepairDistribution;
}

export interface MonteCarloProgress {
  yearsDone: number;
  years: number;
}

export interface Percentiles {
  p10: number;
  p50: number;
  p90: number;
}

export interface MonteCarloResult {
  method: 'montecarlo';
  feeder: string;
  years: number;
  seed: number;
  repairDistribution: RepairDistribution;
  /** Means over the simulated years. */
  system: SystemIndices;
  /** 95 % confidence intervals of the means (normal approximation over years). */
  confidence95: Record<'saifi' | 'saidi' | 'maifi' | 'ensKWh', [number, number]>;
  /** Spread of the yearly values. */
  spread: Record<'saifi' | 'saidi' | 'maifi' | 'ensKWh', Percentiles>;
  loadPoints: LoadPointIndices[];
  failures: number;
  unsupplied: string[];
  options: { momentaryThresholdMin: number; transformerReplacement: boolean; currency: string | null; addedSwitches: string[] };
}

export class MonteCarloCancelled extends Error {
  constructor() {
    super('Monte Carlo simulation cancelled');
    this.name = 'MonteCarloCancelled';
  }
}

export function checkMonteCarloOptions(opts: { years?: unknown; seed?: unknown; repairDistribution?: unknown }): void {
  const y = opts.years;
  if (typeof y !== 'number' || !Number.isInteger(y) || y < 2 || y > 1e9) throw new Error(`years must be an integer from 2 to 1e9 (got ${JSON.stringify(y)})`);
  if (opts.seed !== undefined && (typeof opts.seed !== 'number' || !Number.isFinite(opts.seed))) throw new Error(`seed must be a number (got ${JSON.stringify(opts.seed)})`);
  if (opts.repairDistribution !== undefined && opts.repairDistribution !== 'fixed' && opts.repairDistribution !== 'exponential') {
    throw new Error(`repairDistribution must be "fixed" or "exponential" (got ${JSON.stringify(opts.repairDistribution)})`);
  }
}

/** Flat tables of what each failure does, derived from the analytical engine's zones. */
class Tables {
  readonly nLp: number;
  /** Load points in zone pre-order; the load points below zone z are lpOrder[lo[z] .. hi[z]). */
  readonly lpOrder: Int32Array;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly rate: Float64Array;
  readonly cumRate: Float64Array;
  readonly totalRate: number;
  readonly repair: Float64Array;
  readonly zone: Int32Array;
  readonly fusedLp: Int32Array;
  /** Per element: φ of each clearing boundary of its chain (CSR). */
  readonly chainStart: Int32Array;
  readonly chainPhi: Float64Array;
  /** Per zone: upstream pieces (CSR) subtree(a) \ subtree(b), time, level. */
  readonly pieceStart: Int32Array;
  readonly pieceA: Int32Array;
  readonly pieceB: Int32Array;
  readonly pieceHours: Float64Array;
  readonly pieceLevel: Int32Array;
  /** Per element: the (zone, tie-bearing child) pairs it can interrupt, with the clearing boundaries it must pass to reach them (CSR). */
  readonly depStart: Int32Array;
  readonly depPair: Int32Array;
  readonly depLevel: Int32Array;
  /** Per pair: zones below it in pre-order (CSR), each with its options (CSR). */
  readonly pairStart: Int32Array;
  readonly ppZone: Int32Array;
  readonly ppOptStart: Int32Array;
  readonly optTie: Int32Array;
  readonly optHours: Float64Array;
  readonly optAvail: Float64Array;
  readonly optKStar: Int32Array;

  constructor(ev: ReliabilityEvaluator) {
    const { deposits, pairs } = ev.tieTables(new Uint8Array(ev.nCandidates).fill(1));
    const nz = ev.nz;
    this.nLp = ev.nLp;
    // Load points ordered by the pre-order of their zone.
    const count = new Int32Array(nz + 1);
    const lpZone = new Int32Array(ev.nLp).fill(-1);
    for (let l = 0; l < ev.nLp; l++) {
      if (!ev.lpSupplied[l]) continue;
      lpZone[l] = ev.zoneOfBus[ev.index.lpBus[l]];
      count[ev.zPre[lpZone[l]] + 1]++;
    }
    for (let p = 0; p < nz; p++) count[p + 1] += count[p];
    const fill = count.slice(0, nz);
    this.lpOrder = new Int32Array(count[nz]);
    for (let l = 0; l < ev.nLp; l++) if (lpZone[l] >= 0) this.lpOrder[fill[ev.zPre[lpZone[l]]]++] = l;
    this.lo = new Int32Array(nz);
    this.hi = new Int32Array(nz);
    for (let z = 0; z < nz; z++) {
      this.lo[z] = count[ev.zPre[z]];
      this.hi[z] = count[ev.zPre[z] + ev.zSize[z]];
    }

    const nE = ev.nElem;
    this.rate = ev.elemRate.slice();
    this.repair = ev.elemRepair.slice();
    this.zone = ev.elemZone.slice();
    this.fusedLp = Int32Array.from({ length: nE }, (_, e) => (ev.elemFused[e] ? ev.elemRef[e] : -1));
    this.cumRate = new Float64Array(nE);
    let acc = 0;
    for (let e = 0; e < nE; e++) this.cumRate[e] = acc += this.rate[e];
    this.totalRate = acc;

    const chainStart = [0];
    const chainPhi: number[] = [];
    const depStart = [0];
    const depPair: number[] = [];
    const depLevel: number[] = [];
    for (let e = 0; e < nE; e++) {
      const z = this.zone[e];
      if (z >= 0) {
        const K = ev.clearingChain(z);
        for (let k = 0; k < K; k++) chainPhi.push(ev.zPhi[ev.getChain(k).zone]);
        for (const d of deposits[e]) {
          depPair.push(d.pair);
          depLevel.push(d.level);
        }
      }
      chainStart.push(chainPhi.length);
      depStart.push(depPair.length);
    }
    this.chainStart = Int32Array.from(chainStart);
    this.chainPhi = Float64Array.from(chainPhi);
    this.depStart = Int32Array.from(depStart);
    this.depPair = Int32Array.from(depPair);
    this.depLevel = Int32Array.from(depLevel);

    const pieceStart = [0];
    const pa: number[] = [];
    const pb: number[] = [];
    const ph: number[] = [];
    const pl: number[] = [];
    for (let z = 0; z < nz; z++) {
      const n = ev.upstreamPieces(z);
      for (let i = 0; i < n; i++) {
        const p = ev.getPiece(i);
        pa.push(p.a);
        pb.push(p.b);
        ph.push(p.hours);
        pl.push(p.level);
      }
      pieceStart.push(pa.length);
    }
    this.pieceStart = Int32Array.from(pieceStart);
    this.pieceA = Int32Array.from(pa);
    this.pieceB = Int32Array.from(pb);
    this.pieceHours = Float64Array.from(ph);
    this.pieceLevel = Int32Array.from(pl);

    const pairStart = [0];
    const ppZone: number[] = [];
    const ppOptStart = [0];
    const oTie: number[] = [];
    const oHours: number[] = [];
    const oAvail: number[] = [];
    const oK: number[] = [];
    for (const pair of pairs) {
      for (const piece of pair.pieces) {
        ppZone.push(piece.zone);
        for (let i = 0; i < piece.ties.length; i++) {
          oTie.push(piece.ties[i]);
          oHours.push(piece.hours[i]);
          oAvail.push(piece.availability[i]);
          oK.push(piece.kStar[i]);
        }
        ppOptStart.push(oTie.length);
      }
      pairStart.push(ppZone.length);
    }
    this.pairStart = Int32Array.from(pairStart);
    this.ppZone = Int32Array.from(ppZone);
    this.ppOptStart = Int32Array.from(ppOptStart);
    this.optTie = Int32Array.from(oTie);
    this.optHours = Float64Array.from(oHours);
    this.optAvail = Float64Array.from(oAvail);
    this.optKStar = Int32Array.from(oK);
  }

  /** The element failing at a uniform draw u in [0, totalRate). */
  pick(u: number): number {
    let a = 0;
    let b = this.cumRate.length - 1;
    while (a < b) {
      const m = (a + b) >> 1;
      if (this.cumRate[m] > u) b = m;
      else a = m + 1;
    }
    return a;
  }
}

function percentiles(values: Float64Array): Percentiles {
  const v = values.slice().sort();
  const at = (q: number): number => {
    const x = q * (v.length - 1);
    const i = Math.floor(x);
    const f = x - i;
    return i + 1 < v.length ? v[i] * (1 - f) + v[i + 1] * f : v[i];
  };
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9) };
}

function meanCi(values: Float64Array): [number, number] {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  const mean = s / n;
  let q = 0;
  for (let i = 0; i < n; i++) q += (values[i] - mean) ** 2;
  const half = 1.96 * Math.sqrt(q / (n - 1) / n);
  return [mean - half, mean + half];
}

export interface MonteCarloHooks {
  onProgress?: (p: MonteCarloProgress) => void;
  /** Checked between batches of years; return true to stop (the run throws MonteCarloCancelled). */
  shouldStop?: () => boolean;
  /** Years per progress report (default: a hundredth of the run, at least 1000). */
  progressEvery?: number;
}

/** Runs the simulation in this thread (runMonteCarlo in ./montecarlo-run.ts runs it in a worker thread). */
export function simulateMonteCarlo(source: FeederSource, opts: MonteCarloOptions, hooks: MonteCarloHooks = {}): MonteCarloResult {
  checkMonteCarloOptions(opts);
  const ev = predictiveEvaluator(source, opts);
  const tb = new Tables(ev);
  const years = opts.years;
  const seed = opts.seed ?? 1;
  const expRepair = opts.repairDistribution === 'exponential';
  const rng = new Rng(seed);
  const thr = ev.thresholdHours;
  const nLp = ev.nLp;
  const custs = ev.lpCustomers;
  const kw = ev.lpAvgKW;
  const K = ev.costs.classes.length;
  const classKW = ev.costs.classLoadKW;
  const fns = ev.costs.functions;

  const nSus = new Float64Array(nLp);
  const nMom = new Float64Array(nLp);
  const dur = new Float64Array(nLp);
  const cost = new Float64Array(nLp);
  const ySaifi = new Float64Array(years);
  const ySaidi = new Float64Array(years);
  const yMaifi = new Float64Array(years);
  const yEns = new Float64Array(years);
  let totalCust = 0;
  for (let l = 0; l < nLp; l++) if (ev.lpSupplied[l]) totalCust += custs[l];

  // Per event scratch: restoration time per touched load point, tie draws stamped by event.
  const time = new Float64Array(nLp).fill(Infinity);
  const touched = new Int32Array(nLp);
  const tieStamp = new Int32Array(ev.nTies).fill(-1);
  const tieUp = new Uint8Array(ev.nTies);
  let failures = 0;
  const every = Math.max(1, hooks.progressEvery ?? Math.max(1000, Math.ceil(years / 100)));

  for (let y = 0; y < years; y++) {
    if (y % every === 0 && y > 0) {
      if (hooks.shouldStop?.()) throw new MonteCarloCancelled();
      hooks.onProgress?.({ yearsDone: y, years });
    }
    let ci = 0;
    let ch = 0;
    let cm = 0;
    let ens = 0;
    if (tb.totalRate > 0) {
      // Failures of the year: exponential gaps (in years) of the superposed Poisson processes.
      for (let t = rng.exp(tb.totalRate); t < 1; t += rng.exp(tb.totalRate)) {
        const e = tb.pick(rng.next() * tb.totalRate);
        failures++;
        const r = expRepair ? rng.exp(1 / tb.repair[e]) : tb.repair[e];
        let nT = 0;
        const set = (l: number, h: number): void => {
          if (time[l] === Infinity) touched[nT++] = l;
          time[l] = h;
        };
        const lower = (l: number, h: number): void => {
          if (time[l] !== Infinity && h < time[l]) time[l] = h;
        };
        if (tb.fusedLp[e] >= 0) {
          set(tb.fusedLp[e], r);
        } else {
          const z = tb.zone[e];
          // Which boundary clears: each protective one in turn fails with its probability.
          let k = 0;
          const c0 = tb.chainStart[e];
          const c1 = tb.chainStart[e + 1];
          while (c0 + k < c1 - 1 && rng.next() < tb.chainPhi[c0 + k]) k++;
          for (let i = tb.pieceStart[z]; i < tb.pieceStart[z + 1]; i++) {
            if (tb.pieceLevel[i] > k) continue;
            const a = tb.pieceA[i];
            const b = tb.pieceB[i];
            const h = tb.pieceHours[i] < r ? tb.pieceHours[i] : r;
            for (let q = tb.lo[a]; q < tb.lo[b]; q++) set(tb.lpOrder[q], h);
            for (let q = tb.hi[b]; q < tb.hi[a]; q++) set(tb.lpOrder[q], h);
          }
          for (let q = tb.lo[z]; q < tb.hi[z]; q++) set(tb.lpOrder[q], r);
          // Ties: the fastest available, usable option of each zone below, if faster.
          for (let d = tb.depStart[e]; d < tb.depStart[e + 1]; d++) {
            const level = tb.depLevel[d];
            if (level > k) continue;
            const kA = k - level;
            const j = tb.depPair[d];
            for (let p = tb.pairStart[j]; p < tb.pairStart[j + 1]; p++) {
              let best = Infinity;
              for (let o = tb.ppOptStart[p]; o < tb.ppOptStart[p + 1]; o++) {
                if (tb.optKStar[o] <= kA) continue;
                const tie = tb.optTie[o];
                if (tieStamp[tie] !== failures) {
                  tieStamp[tie] = failures;
                  tieUp[tie] = rng.next() < tb.optAvail[o] ? 1 : 0;
                }
                if (tieUp[tie]) {
                  best = tb.optHours[o];
                  break;
                }
              }
              if (best === Infinity) continue;
              const x = tb.ppZone[p];
              for (let q = tb.lo[x]; q < tb.hi[x]; q++) lower(tb.lpOrder[q], best);
            }
          }
        }
        for (let i = 0; i < nT; i++) {
          const l = touched[i];
          const h = time[l];
          time[l] = Infinity;
          const n = custs[l];
          if (h > thr) {
            nSus[l]++;
            dur[l] += h;
            ci += n;
            ch += n * h;
            ens += kw[l] * h;
          } else {
            nMom[l]++;
            cm += n;
          }
          if (K > 0) {
            let c = 0;
            for (let cl = 0; cl < K; cl++) c += classKW[l * K + cl] * damageCostPerKW(fns[cl], h * 60);
            cost[l] += c;
          }
        }
      }
    }
    ySaifi[y] = totalCust > 0 ? ci / totalCust : 0;
    ySaidi[y] = totalCust > 0 ? ch / totalCust : 0;
    yMaifi[y] = totalCust > 0 ? cm / totalCust : 0;
    yEns[y] = ens;
  }
  hooks.onProgress?.({ yearsDone: years, years });

  const lambda = Float64Array.from(nSus, (v) => v / years);
  const u = Float64Array.from(dur, (v) => v / years);
  const mom = Float64Array.from(nMom, (v) => v / years);
  const ecost = K > 0 ? Float64Array.from(cost, (v) => v / years) : null;
  const system = systemIndices(ev, lambda, u, mom, ecost);
  const loadPoints: LoadPointIndices[] = [];
  const unsupplied: string[] = [];
  const perKWh = ev.costs.perKWh;
  for (let l = 0; l < nLp; l++) {
    const lp = ev.model.loadPoints[l];
    if (!ev.lpSupplied[l]) {
      unsupplied.push(lp.id);
      continue;
    }
    loadPoints.push({
      id: lp.id,
      lambda: lambda[l],
      u: u[l],
      r: lambda[l] > 0 ? u[l] / lambda[l] : 0,
      lambdaMomentary: mom[l],
      ensKWh: lp.avgKW * u[l],
      customers: lp.customers,
      cens: perKWh ? ev.costs.loadKW[l] * u[l] * perKWh[l] : null,
      ecost: ecost ? ecost[l] : null,
    });
  }
  return {
    method: 'montecarlo',
    feeder: ev.model.name ?? '',
    years,
    seed,
    repairDistribution: expRepair ? 'exponential' : 'fixed',
    system,
    confidence95: { saifi: meanCi(ySaifi), saidi: meanCi(ySaidi), maifi: meanCi(yMaifi), ensKWh: meanCi(yEns) },
    spread: { saifi: percentiles(ySaifi), saidi: percentiles(ySaidi), maifi: percentiles(yMaifi), ensKWh: percentiles(yEns) },
    loadPoints,
    failures,
    unsupplied,
    options: resultOptions(ev),
  };
}

export { HOURS_PER_YEAR };
