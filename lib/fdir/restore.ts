/**
 * Service restoration of de-energised healthy areas through normally-open ties. Per area, the
 * search tries each tie for the whole area first (one operation); when no single tie can carry
 * it, it splits the area at operable switches inside it and gives each part its own tie or
 * leaves it out, keeping the best feasible plan: most customers restored by priority level
 * (higher priority first), then fewest operations.
 */
import type { Topology } from '../model/topology';
import type { StateChecker } from './check';

export interface AreaOption {
  /** Devices to open (splits) and to close (ties), in that order. */
  open: number[];
  close: number[];
  /** Load points re-energised. */
  restored: number[];
  score: number[];
  ops: number;
}

export interface RestoreContext {
  topo: Topology;
  checker: StateChecker;
  /** Devices the operator may use in this stage (automated ones for the remote stage). */
  operable: (d: number) => boolean;
  /** Priority levels, highest first, and each load point's level index. */
  levels: number[];
  lpLevel: Int32Array;
  maxCombinations: number;
}

export function priorityLevels(priorities: number[]): { levels: number[]; lpLevel: Int32Array } {
  const levels = [...new Set(priorities)].sort((a, b) => b - a);
  const at = new Map(levels.map((p, i) => [p, i] as const));
  return { levels, lpLevel: Int32Array.from(priorities, (p) => at.get(p)!) };
}

/** Compares two options: more customers at higher priority first, then fewer operations. */
export function better(a: { score: number[]; ops: number }, b: { score: number[]; ops: number } | null): boolean {
  if (!b) return true;
  for (let i = 0; i < a.score.length; i++) {
    if (a.score[i] !== b.score[i]) return a.score[i] > b.score[i];
  }
  return a.ops < b.ops;
}

/** Orders score vectors: positive when a has more customers at the first level where they differ. */
export function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Healthy areas that have no supply in `state` (connected dead buses outside the isolated zone). */
export function deadAreas(topo: Topology, forbiddenBuses: Uint8Array): number[][] {
  const ix = topo.index;
  const seen = new Uint8Array(ix.nBuses);
  const areas: number[][] = [];
  for (let l = 0; l < ix.nLoadPoints; l++) {
    const start = ix.lpBus[l];
    if (topo.energised(start) || forbiddenBuses[start] || seen[start]) continue;
    const area: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const u = stack.pop()!;
      area.push(u);
      for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
        const v = ix.adjBus[k];
        if (seen[v] || forbiddenBuses[v] || topo.energised(v) || !topo.secClosed[ix.adjSec[k]]) continue;
        seen[v] = 1;
        stack.push(v);
      }
    }
    areas.push(area);
  }
  return areas;
}

interface Tie {
  section: number;
  /** Open devices to close on the tie section. */
  devices: number[];
  /** Area bus it touches. */
  bus: number;
}

/** The best way to re-energise one dead area from the state `base` (null when nothing can be done). */
export function restoreArea(ctx: RestoreContext, base: Uint8Array, area: number[]): AreaOption | null {
  const { topo, checker } = ctx;
  const ix = topo.index;
  const inArea = new Uint8Array(ix.nBuses);
  for (const b of area) inArea[b] = 1;
  const areaLps: number[] = [];
  for (let l = 0; l < ix.nLoadPoints; l++) if (inArea[ix.lpBus[l]]) areaLps.push(l);

  const ties: Tie[] = [];
  const internal: number[] = [];
  const seenSec = new Uint8Array(ix.nSections);
  for (const b of area) {
    for (let k = ix.adjStart[b]; k < ix.adjStart[b + 1]; k++) {
      const s = ix.adjSec[k];
      if (seenSec[s]) continue;
      seenSec[s] = 1;
      const other = ix.adjBus[k];
      const devs: number[] = [];
      for (let j = ix.devStart[s]; j < ix.devStart[s + 1]; j++) devs.push(ix.devList[j]);
      if (inArea[other]) {
        if (topo.secClosed[s]) for (const d of devs) if (ctx.operable(d)) internal.push(d);
        continue;
      }
      const openDevs = devs.filter((d) => !base[d]);
      // A tie: an open section to a live bus whose open devices may all be operated.
      if (openDevs.length > 0 && topo.energised(other) && !checker.forbiddenBuses[other] && openDevs.every((d) => ctx.operable(d))) {
        ties.push({ section: s, devices: openDevs, bus: b });
      }
    }
  }
  if (ties.length === 0) return null;

  let budget = ctx.maxCombinations;
  const evaluate = (open: number[], close: number[]): AreaOption | null => {
    budget--;
    const state = base.slice();
    for (const d of open) state[d] = 0;
    for (const d of close) state[d] = 1;
    const res = checker.check(state);
    if (!res.ok || !res.live) return null;
    const restored = areaLps.filter((l) => res.live![ix.lpBus[l]]);
    if (restored.length === 0) return null;
    return { open, close, restored, score: scoreOf(restored), ops: open.length + close.length };
  };
  const scoreOf = (lps: Iterable<number>): number[] => {
    const score = new Array(ctx.levels.length).fill(0);
    for (const l of lps) score[ctx.lpLevel[l]] += ix.model.loadPoints[l].customers;
    return score;
  };

  // One tie for the whole area: optimal when feasible (everything back, fewest operations).
  let best: AreaOption | null = null;
  const feasibility = new PartFeasibility(area.length);
  const local = new Int32Array(ix.nBuses).fill(-1);
  area.forEach((b, i) => (local[b] = i));
  const whole = new Uint8Array(area.length).fill(1);
  ties.forEach((t, ti) => {
    const opt = evaluate([], t.devices);
    feasibility.record(ti, whole, opt !== null);
    if (opt && better(opt, best)) best = opt;
  });
  if (best && (best as AreaOption).restored.length === areaLps.length) return best;
  if (internal.length === 0) return best;

  // Split the area: open a subset of internal switches, give each part one tie or none. Branch and
  // bound: fewer openings first; a split is skipped when even feeding every part that has a tie
  // could not beat the best so far; a part fed alone through a tie is checked once, and a part
  // inside one known to be feasible on that tie is feasible (less load, shorter paths), one
  // containing a part known to be infeasible is not.
  const m = internal.length;
  const masks: number[] = [];
  const full = m <= 16 && (1 << m) * Math.max(1, ties.length) <= ctx.maxCombinations;
  if (full) for (let mask = 1; mask < 1 << m; mask++) masks.push(mask);
  else {
    for (let i = 0; i < m && i < 30; i++) {
      masks.push(2 ** i);
      for (let j = i + 1; j < m && j < 30; j++) masks.push(2 ** i + 2 ** j);
    }
  }
  const bits = (mask: number): number => {
    let c = 0;
    for (let v = mask; v > 0; v = Math.floor(v / 2)) c += v % 2;
    return c;
  };
  masks.sort((a, b) => bits(a) - bits(b) || a - b);
  const areaScore = scoreOf(areaLps);
  for (const mask of masks) {
    if (budget <= 0) break;
    // Masks come by number of openings: once even the whole area at this many operations cannot win, none later can.
    if (!better({ score: areaScore, ops: bits(mask) + 1 }, best)) break;
    const open = internal.filter((_, i) => Math.floor(mask / 2 ** i) % 2 === 1);
    const parts = splitParts(topo, area, inArea, new Set(open)).map((buses) => {
      const lps = areaLps.filter((l) => buses.has(ix.lpBus[l]));
      const set = new Uint8Array(area.length);
      for (const b of buses) set[local[b]] = 1;
      return { buses, set, lps, score: scoreOf(lps), ties: ties.map((_, ti) => ti).filter((ti) => buses.has(ties[ti].bus)) };
    });
    const bound = (useful: typeof parts): boolean => {
      const score = new Array(ctx.levels.length).fill(0);
      for (const p of useful) p.score.forEach((c, i) => (score[i] += c));
      return better({ score, ops: open.length + useful.length }, best);
    };
    let candidates = parts.filter((p) => p.lps.length > 0 && p.ties.some((ti) => feasibility.known(ti, p.set) !== false));
    if (candidates.length === 0 || !bound(candidates)) continue;
    // Which ties can carry each part alone.
    const feasibleTies = new Map<(typeof parts)[number], number[]>();
    for (const p of candidates) {
      const okTies: number[] = [];
      for (const ti of p.ties) {
        let ok = feasibility.known(ti, p.set);
        if (ok === undefined) {
          if (budget <= 0) break;
          const opt = evaluate(open, ties[ti].devices);
          ok = opt !== null;
          feasibility.record(ti, p.set, ok);
          if (opt && better(opt, best)) best = opt;
        }
        if (ok) okTies.push(ti);
      }
      feasibleTies.set(p, okTies);
    }
    // Most customers (by priority level) first, so the greedy drop in bestCombination removes the smallest part.
    candidates = candidates.filter((p) => feasibleTies.get(p)!.length > 0).sort((a, b) => compareScores(b.score, a.score));
    if (candidates.length < 2 || !bound(candidates)) continue;
    // Feed several parts at once: the parts' feasibility alone is necessary, the joint check decides.
    best = bestCombination(candidates.map((p) => feasibleTies.get(p)!.map((ti) => ties[ti].devices)), open, evaluate, () => budget > 0, best) ?? best;
  }
  return best;
}

/**
 * The best joint assignment of ties to parts (each part one of its feasible ties), parts dropped
 * greedily (fewest customers first) when no assignment of all of them passes the joint check.
 */
function bestCombination(
  choices: number[][][], open: number[], evaluate: (open: number[], close: number[]) => AreaOption | null, more: () => boolean, best: AreaOption | null,
): AreaOption | null {
  let active = choices.map((_, i) => i);
  while (active.length >= 2 && more()) {
    let found: AreaOption | null = null;
    const sizes = active.map((i) => choices[i].length);
    const combos = sizes.reduce((a, c) => a * c, 1);
    for (let c = 0; c < combos && more(); c++) {
      let rest = c;
      const close: number[] = [];
      for (let k = 0; k < active.length; k++) {
        close.push(...choices[active[k]][rest % sizes[k]]);
        rest = Math.floor(rest / sizes[k]);
      }
      const opt = evaluate(open, close);
      if (opt && better(opt, found)) found = opt;
    }
    if (found) return better(found, best) ? found : best;
    active = active.slice(0, -1);
  }
  return best;
}

/** What is known about parts of one area fed alone through a tie, with the monotonicity that prunes the search. */
class PartFeasibility {
  private readonly feasible: Uint8Array[][] = [];
  private readonly infeasible: Uint8Array[][] = [];

  constructor(private readonly size: number) {}

  record(tie: number, part: Uint8Array, ok: boolean): void {
    const list = ok ? (this.feasible[tie] ??= []) : (this.infeasible[tie] ??= []);
    list.push(part);
  }

  /** true / false when implied by what was checked, undefined when it must be checked. */
  known(tie: number, part: Uint8Array): boolean | undefined {
    for (const f of this.feasible[tie] ?? []) if (subset(part, f, this.size)) return true;
    for (const f of this.infeasible[tie] ?? []) if (subset(f, part, this.size)) return false;
    return undefined;
  }
}

function subset(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] && !b[i]) return false;
  return true;
}

/** Parts of an area after opening the devices in `open` (each part: a set of buses). */
function splitParts(topo: Topology, area: number[], inArea: Uint8Array, open: Set<number>): Array<Set<number>> {
  const ix = topo.index;
  const seen = new Uint8Array(ix.nBuses);
  const parts: Array<Set<number>> = [];
  for (const start of area) {
    if (seen[start]) continue;
    const part = new Set<number>([start]);
    seen[start] = 1;
    const stack = [start];
    while (stack.length) {
      const u = stack.pop()!;
      for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
        const v = ix.adjBus[k];
        const s = ix.adjSec[k];
        if (!inArea[v] || seen[v] || !topo.secClosed[s]) continue;
        let cut = false;
        for (let j = ix.devStart[s]; j < ix.devStart[s + 1]; j++) if (open.has(ix.devList[j])) cut = true;
        if (cut) continue;
        seen[v] = 1;
        part.add(v);
        stack.push(v);
      }
    }
    parts.push(part);
  }
  return parts;
}
