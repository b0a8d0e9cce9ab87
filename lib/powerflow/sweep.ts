/**
 * Backward/forward sweep on a radial tree, complex arithmetic on typed arrays (real and imaginary
 * parts in separate Float64Arrays, no objects in the loop). Backward: each bus's load current
 * conj(S/V) plus its children's branch currents gives the current in the section feeding it.
 * Forward: from each source down, V(child) = V(parent) − Z·I. Repeat until no voltage moves by more
 * than the tolerance. O(buses) per sweep; constant-PQ loads typically need 5–15 sweeps.
 *
 * The sweep runs in "position space": buses renumbered in the tree's BFS order, so both passes walk
 * the arrays sequentially and a bus's parent position never decreases along the order (BFS appends
 * the children of earlier buses first). That keeps the passes in cache on feeders of 100k buses.
 */

/** The part of a Topology the sweep needs (parents before children in `order`). */
export interface RadialTree {
  readonly order: Int32Array;
  readonly parentSec: Int32Array;
  readonly parentBus: Int32Array;
  readonly busSource: Int32Array;
}

/** Per-bus solution: voltages, and the current entering each bus from its parent section (p.u.). */
export class SweepWorkspace {
  readonly vRe: Float64Array;
  readonly vIm: Float64Array;
  readonly jRe: Float64Array;
  readonly jIm: Float64Array;

  constructor(nBuses: number) {
    this.vRe = new Float64Array(nBuses);
    this.vIm = new Float64Array(nBuses);
    this.jRe = new Float64Array(nBuses);
    this.jIm = new Float64Array(nBuses);
  }
}

export interface SweepData {
  zRe: Float64Array;
  zIm: Float64Array;
  busP: Float64Array;
  busQ: Float64Array;
  sourceV: Float64Array;
}

export interface SweepOutcome {
  converged: boolean;
  /** A voltage collapsed or became non-finite: no solution near this state. */
  diverged: boolean;
  iterations: number;
  /** Largest voltage change in the last sweep (p.u.). */
  mismatch: number;
  /** Bus with the largest change (or where the voltage collapsed); -1 when none. */
  worstBus: number;
}

/** A tree's data laid out in BFS positions, with the sweep state. */
export class SweepPlan {
  readonly n: number;
  /** Bus at each position, and position of each bus (-1 when not in the tree). */
  readonly order: Int32Array;
  readonly pos: Int32Array;
  readonly parentPos: Int32Array;
  /** Impedance of the section feeding each position, the load there, and its source's voltage. */
  readonly zRe: Float64Array;
  readonly zIm: Float64Array;
  readonly p: Float64Array;
  readonly q: Float64Array;
  readonly vSrc: Float64Array;
  readonly vRe: Float64Array;
  readonly vIm: Float64Array;
  readonly jRe: Float64Array;
  readonly jIm: Float64Array;
  /** Extra currents drawn per position (the meshed solver's link currents), or null. */
  injRe: Float64Array | null = null;
  injIm: Float64Array | null = null;
  worstPos = -1;
  minV2 = Infinity;
  minPos = -1;

  constructor(tree: RadialTree, d: SweepData, nBuses: number) {
    const order = tree.order;
    const n = order.length;
    this.n = n;
    this.order = order;
    this.pos = new Int32Array(nBuses).fill(-1);
    for (let k = 0; k < n; k++) this.pos[order[k]] = k;
    this.parentPos = new Int32Array(n);
    this.zRe = new Float64Array(n);
    this.zIm = new Float64Array(n);
    this.p = new Float64Array(n);
    this.q = new Float64Array(n);
    this.vSrc = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const b = order[k];
      const s = tree.parentSec[b];
      this.parentPos[k] = s < 0 ? -1 : this.pos[tree.parentBus[b]];
      if (s >= 0) {
        this.zRe[k] = d.zRe[s];
        this.zIm[k] = d.zIm[s];
      }
      this.p[k] = d.busP[b];
      this.q[k] = d.busQ[b];
      this.vSrc[k] = d.sourceV[tree.busSource[b]];
    }
    this.vRe = new Float64Array(n);
    this.vIm = new Float64Array(n);
    this.jRe = new Float64Array(n);
    this.jIm = new Float64Array(n);
  }

  /** Flat start: every bus at its source voltage, angle 0. */
  flat(): void {
    this.vRe.set(this.vSrc);
    this.vIm.fill(0);
  }

  /** Warm start from a previous solution; buses it did not supply start at their source voltage. */
  warm(from: SweepWorkspace): void {
    for (let k = 0; k < this.n; k++) {
      const b = this.order[k];
      const vr = from.vRe[b];
      const vi = from.vIm[b];
      const ok = vr !== 0 || vi !== 0;
      this.vRe[k] = ok ? vr : this.vSrc[k];
      this.vIm[k] = ok ? vi : 0;
    }
  }

  /** One backward and one forward sweep; returns the largest voltage change (p.u.), NaN on blow-up. */
  once(): number {
    const { n, parentPos, zRe, zIm, p, q, vSrc, vRe, vIm, jRe, jIm, injRe, injIm } = this;
    jRe.fill(0);
    jIm.fill(0);
    // Backward: children sit after their parent, so walking the positions in reverse sums them first.
    for (let k = n - 1; k >= 0; k--) {
      const vr = vRe[k];
      const vi = vIm[k];
      const inv = 1 / (vr * vr + vi * vi);
      const pk = p[k];
      const qk = q[k];
      // conj(S / V) = (P − jQ) / conj(V) = (P − jQ)·V / |V|²
      let jr = jRe[k] + (pk * vr + qk * vi) * inv;
      let ji = jIm[k] + (pk * vi - qk * vr) * inv;
      if (injRe !== null) {
        jr += injRe[k];
        ji += injIm![k];
      }
      jRe[k] = jr;
      jIm[k] = ji;
      const pp = parentPos[k];
      if (pp >= 0) {
        jRe[pp] += jr;
        jIm[pp] += ji;
      }
    }
    // Forward: V(child) = V(parent) − Z·I.
    let worst = 0;
    let worstPos = -1;
    let minV2 = Infinity;
    let minPos = -1;
    for (let k = 0; k < n; k++) {
      const pp = parentPos[k];
      let nr: number;
      let ni: number;
      if (pp < 0) {
        nr = vSrc[k];
        ni = 0;
      } else {
        const zr = zRe[k];
        const zi = zIm[k];
        const jr = jRe[k];
        const ji = jIm[k];
        nr = vRe[pp] - (zr * jr - zi * ji);
        ni = vIm[pp] - (zr * ji + zi * jr);
      }
      const dr = nr - vRe[k];
      const di = ni - vIm[k];
      const dv = dr * dr + di * di;
      // `!(a <= b)` also catches NaN, so a blown-up bus is the one reported.
      if (!(dv <= worst)) {
        worst = dv;
        worstPos = k;
      }
      const m2 = nr * nr + ni * ni;
      if (!(m2 >= minV2)) {
        minV2 = m2;
        minPos = k;
      }
      vRe[k] = nr;
      vIm[k] = ni;
    }
    this.worstPos = worstPos;
    this.minV2 = minV2;
    this.minPos = minPos;
    return Math.sqrt(worst);
  }

  /** Writes the solution back by bus; buses outside the tree get 0. */
  scatter(ws: SweepWorkspace): void {
    ws.vRe.fill(0);
    ws.vIm.fill(0);
    ws.jRe.fill(0);
    ws.jIm.fill(0);
    for (let k = 0; k < this.n; k++) {
      const b = this.order[k];
      ws.vRe[b] = this.vRe[k];
      ws.vIm[b] = this.vIm[k];
      ws.jRe[b] = this.jRe[k];
      ws.jIm[b] = this.jIm[k];
    }
  }

  busAt(k: number): number {
    return k >= 0 ? this.order[k] : -1;
  }
}

/** Voltage below which (p.u.) a sweep is taken to have collapsed. */
const COLLAPSE_PU = 0.05;

/**
 * Sweeps without a new smallest voltage change before giving up: where a solution exists the sweep
 * contracts (the change shrinks by a steady factor every sweep), so a run this long without
 * progress means it is wandering, not converging.
 */
const STALL_SWEEPS = 12;

/**
 * Solves a radial tree: sweeps until the largest voltage change is below `tol`, stopping early when
 * the voltages collapse or progress stalls. The solution goes to `out` (by bus) either way; `warm`
 * is a previous solution to start from (a flat start otherwise).
 */
export function sweep(tree: RadialTree, d: SweepData, out: SweepWorkspace, tol: number, maxIterations: number, warm?: SweepWorkspace): SweepOutcome {
  const plan = new SweepPlan(tree, d, out.vRe.length);
  if (warm) plan.warm(warm);
  else plan.flat();
  let mismatch = Infinity;
  let best = Infinity;
  let sinceBest = 0;
  let result: SweepOutcome | null = null;
  for (let it = 1; it <= maxIterations && !result; it++) {
    mismatch = plan.once();
    const worstBus = plan.busAt(plan.worstPos);
    if (mismatch < tol) result = { converged: true, diverged: false, iterations: it, mismatch, worstBus };
    else if (!Number.isFinite(mismatch)) result = { converged: false, diverged: true, iterations: it, mismatch, worstBus };
    else if (!(plan.minV2 >= COLLAPSE_PU * COLLAPSE_PU)) result = { converged: false, diverged: true, iterations: it, mismatch, worstBus: plan.busAt(plan.minPos) };
    else if (mismatch < best) {
      best = mismatch;
      sinceBest = 0;
    } else if (++sinceBest >= STALL_SWEEPS) result = { converged: false, diverged: false, iterations: it, mismatch, worstBus };
  }
  plan.scatter(out);
  return result ?? { converged: false, diverged: false, iterations: maxIterations, mismatch, worstBus: plan.busAt(plan.worstPos) };
}
