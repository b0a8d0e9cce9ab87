/**
 * An independent power flow for checking the sweep: nodal formulation (bus admittance matrix,
 * implicit Z-bus Gauss iteration V = Y_rr⁻¹·(I(V) − Y_rs·V_s)) with its own complex type, its own
 * reading of the switch states and its own supply search. Works on meshed networks too, so it also
 * checks the compensation-method solver. Dense: only for small feeders.
 */
import type { FeederModel } from '../../../lib/model/types';

export class C {
  constructor(readonly re: number, readonly im: number) {}
  add(o: C): C { return new C(this.re + o.re, this.im + o.im); }
  sub(o: C): C { return new C(this.re - o.re, this.im - o.im); }
  mul(o: C): C { return new C(this.re * o.re - this.im * o.im, this.re * o.im + this.im * o.re); }
  div(o: C): C { const d = o.re * o.re + o.im * o.im; return new C((this.re * o.re + this.im * o.im) / d, (this.im * o.re - this.re * o.im) / d); }
  conj(): C { return new C(this.re, -this.im); }
  abs(): number { return Math.hypot(this.re, this.im); }
  static readonly ZERO = new C(0, 0);
}

export interface ReferenceSolution {
  /** Per bus id: complex voltage (p.u.); absent when not supplied. */
  v: Map<string, C>;
  lossKW: number;
  lossKvar: number;
  sourceKW: number;
  loadKW: number;
  /** Current magnitude (A) per conducting section id. */
  iA: Map<string, number>;
}

/** Loads in kW/kvar per load point id: what the model says under `basis` (pf default 0.9 lagging). */
export function modelLoads(model: FeederModel, basis: 'peak' | 'average' = 'peak'): Map<string, C> {
  const out = new Map<string, C>();
  for (const lp of model.loadPoints) {
    const ratio = lp.peakKvar !== undefined ? lp.peakKvar / lp.peakKW : Math.tan(Math.acos(lp.pf ?? 0.9));
    const p = basis === 'peak' ? lp.peakKW : lp.avgKW;
    out.set(lp.id, new C(p, p * ratio));
  }
  return out;
}

export function referencePowerFlow(model: FeederModel, closedDevice: (id: string, normallyOpen: boolean) => boolean, loads: Map<string, C>): ReferenceSolution {
  const baseKV = model.baseKV!;
  const zBase = baseKV * baseKV; // Ω on 1 MVA
  const closedSections = model.sections.filter((s) => model.devices.filter((d) => d.section === s.id).every((d) => closedDevice(d.id, d.normallyOpen)));
  // Supplied buses: reachable from a source over closed sections.
  const supplied = new Set(model.sources.map((s) => s.bus));
  for (let grew = true; grew;) {
    grew = false;
    for (const s of closedSections) {
      if (supplied.has(s.from) !== supplied.has(s.to)) {
        supplied.add(s.from);
        supplied.add(s.to);
        grew = true;
      }
    }
  }
  const slack = new Map(model.sources.map((s) => [s.bus, new C(s.vPu ?? 1, 0)]));
  const rest = model.buses.map((b) => b.id).filter((id) => supplied.has(id) && !slack.has(id));
  const pos = new Map(rest.map((id, i) => [id, i]));
  const n = rest.length;
  const Y: C[][] = Array.from({ length: n }, () => Array.from({ length: n }, () => C.ZERO));
  const Ys: C[] = Array.from({ length: n }, () => C.ZERO); // Σ Y_rs·V_s per row
  const sections = closedSections.filter((s) => supplied.has(s.from) && s.from !== s.to);
  for (const s of sections) {
    const y = new C(1, 0).div(new C((s.rOhm ?? 0) / zBase, (s.xOhm ?? 0) / zBase));
    const a = pos.get(s.from);
    const b = pos.get(s.to);
    if (a !== undefined) Y[a][a] = Y[a][a].add(y);
    if (b !== undefined) Y[b][b] = Y[b][b].add(y);
    if (a !== undefined && b !== undefined) {
      Y[a][b] = Y[a][b].sub(y);
      Y[b][a] = Y[b][a].sub(y);
    }
    if (a !== undefined && b === undefined) Ys[a] = Ys[a].sub(y.mul(slack.get(s.to)!));
    if (b !== undefined && a === undefined) Ys[b] = Ys[b].sub(y.mul(slack.get(s.from)!));
  }
  const sBus = Array.from({ length: n }, () => C.ZERO);
  let loadKW = 0;
  for (const lp of model.loadPoints) {
    if (!supplied.has(lp.bus)) continue;
    const s = loads.get(lp.id)!;
    loadKW += s.re;
    const i = pos.get(lp.bus);
    if (i !== undefined) sBus[i] = sBus[i].add(new C(s.re / 1000, s.im / 1000));
  }
  // LU of Y (Doolittle, no pivoting: Y_rr of a connected network is diagonally dominant enough).
  const L = Y.map((row) => row.slice());
  for (let k = 0; k < n; k++) {
    for (let i = k + 1; i < n; i++) {
      if (L[i][k].re === 0 && L[i][k].im === 0) continue;
      const f = L[i][k].div(L[k][k]);
      L[i][k] = f;
      for (let j = k + 1; j < n; j++) L[i][j] = L[i][j].sub(f.mul(L[k][j]));
    }
  }
  const solve = (b: C[]): C[] => {
    const y = b.slice();
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) y[i] = y[i].sub(L[i][j].mul(y[j]));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = i + 1; j < n; j++) y[i] = y[i].sub(L[i][j].mul(y[j]));
      y[i] = y[i].div(L[i][i]);
    }
    return y;
  };
  let V = Array.from({ length: n }, () => new C(1, 0));
  for (let it = 0; it < 500; it++) {
    const rhs = V.map((v, i) => C.ZERO.sub(sBus[i].div(v).conj()).sub(Ys[i]));
    const next = solve(rhs);
    const change = Math.max(0, ...next.map((v, i) => v.sub(V[i]).abs()));
    V = next;
    if (change < 1e-13) break;
  }
  const v = new Map<string, C>();
  for (const [bus, vs] of slack) v.set(bus, vs);
  rest.forEach((id, i) => v.set(id, V[i]));
  let lossP = 0;
  let lossQ = 0;
  const iA = new Map<string, number>();
  const iBase = 1000 / (Math.sqrt(3) * baseKV);
  // Source power: V_s·conj(I) into every section leaving a source bus, plus load at the source bus.
  let sourceKW = 0;
  for (const lp of model.loadPoints) if (slack.has(lp.bus)) sourceKW += loads.get(lp.id)!.re;
  for (const s of sections) {
    const z = new C((s.rOhm ?? 0) / zBase, (s.xOhm ?? 0) / zBase);
    const i = v.get(s.from)!.sub(v.get(s.to)!).div(z);
    const i2 = i.abs() ** 2;
    lossP += z.re * i2;
    lossQ += z.im * i2;
    iA.set(s.id, i.abs() * iBase);
    if (slack.has(s.from)) sourceKW += v.get(s.from)!.mul(i.conj()).re * 1000;
    if (slack.has(s.to)) sourceKW -= v.get(s.to)!.mul(i.conj()).re * 1000;
  }
  return { v, lossKW: lossP * 1000, lossKvar: lossQ * 1000, sourceKW, loadKW, iA };
}
