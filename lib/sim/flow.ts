/**
 * The simulator's power flow for the present switch state and loads: section currents, flows and
 * losses, bus voltages. A radial state is one sweep (lib/powerflow); a closed loop takes its
 * section currents from the compensation method (solveMeshed) and keeps the radial network's
 * voltages and power factors (the radial network being the state with the loop-closing devices
 * taken as open). When there is no solution every analog value is NaN and `error` says why.
 */
import type { Topology } from '../model/topology';
import { PowerFlowError } from '../powerflow/errors';
import type { LoadVector } from '../powerflow/loads';
import { solveMeshed } from '../powerflow/meshed';
import { S_BASE_KVA, type PowerFlowNetwork } from '../powerflow/network';
import { describeSolution, solveState } from '../powerflow/solve';
import type { PowerFlowResult } from '../powerflow/types';

export class FlowSolution {
  /** Per section: current (A), P and Q entering at the sending end (kW, kvar), losses (kW, kvar). */
  readonly iA: Float64Array;
  readonly pKW: Float64Array;
  readonly qKvar: Float64Array;
  readonly lossKW: Float64Array;
  readonly lossKvar: Float64Array;
  /** Per bus: voltage (p.u.), 0 when dead. */
  readonly vPu: Float64Array;
  result: PowerFlowResult | null = null;
  error: string | null = null;

  constructor(private readonly net: PowerFlowNetwork) {
    const ix = net.index;
    this.iA = new Float64Array(ix.nSections);
    this.pKW = new Float64Array(ix.nSections);
    this.qKvar = new Float64Array(ix.nSections);
    this.lossKW = new Float64Array(ix.nSections);
    this.lossKvar = new Float64Array(ix.nSections);
    this.vPu = new Float64Array(ix.nBuses);
  }

  /**
   * Solves `radial` (the topology with loop-closing devices taken as open) under `loads`;
   * `closedNow` are the real device positions, which differ from the radial ones in a loop.
   */
  solve(loads: LoadVector, radial: Topology, closedNow: ArrayLike<number>, looped: boolean): void {
    const net = this.net;
    const ix = net.index;
    for (const a of [this.iA, this.pKW, this.qKvar, this.lossKW, this.lossKvar, this.vPu]) a.fill(0);
    this.error = null;
    try {
      const { topology, ws, outcome } = solveState(net, loads, radial.devClosed);
      const res = describeSolution(net, loads, topology, ws, outcome);
      this.result = res;
      res.sections.forEach((r, s) => {
        this.iA[s] = r.iA;
        this.pKW[s] = r.pKW;
        this.qKvar[s] = r.qKvar;
        this.lossKW[s] = r.lossKW;
        this.lossKvar[s] = r.lossKvar;
      });
      res.buses.forEach((r, b) => { this.vPu[b] = r.vPu; });
      if (looped) this.loopCurrents(loads, closedNow);
    } catch (err) {
      if (!(err instanceof PowerFlowError)) throw err;
      this.error = err.message;
      this.result = null;
      // No solution: analog values become NaN (an IED's "invalid"); dead buses stay at 0.
      this.iA.fill(NaN);
      this.pKW.fill(NaN);
      this.qKvar.fill(NaN);
      for (let b = 0; b < ix.nBuses; b++) this.vPu[b] = radial.energised(b) ? NaN : 0;
    }
  }

  private loopCurrents(loads: LoadVector, closedNow: ArrayLike<number>): void {
    const net = this.net;
    const ix = net.index;
    const secClosed = new Uint8Array(ix.nSections).fill(1);
    for (let d = 0; d < ix.nDevices; d++) if (!closedNow[d]) secClosed[ix.devSection[d]] = 0;
    const mesh = solveMeshed(net, loads, secClosed, 1e-9, 200);
    if (!mesh.converged) throw new PowerFlowError(`closed-loop power flow did not converge in ${mesh.iterations} iterations`, 'not-converged');
    for (let s = 0; s < ix.nSections; s++) {
      const iA = Math.sqrt(mesh.current2[s]) * net.iBaseA;
      if (Math.hypot(this.pKW[s], this.qKvar[s]) > 0 && this.iA[s] > 0) {
        const k = iA / this.iA[s];
        this.pKW[s] *= k;
        this.qKvar[s] *= k;
      } else if (iA > 0) {
        // A loop link carries no radial flow: its power follows from |I| at the voltage of its better-fed end.
        const vKV = Math.max(this.vPu[ix.secFrom[s]], this.vPu[ix.secTo[s]]) * net.baseKV;
        this.pKW[s] = Math.sqrt(3) * vKV * iA;
        this.qKvar[s] = 0;
      }
      this.iA[s] = iA;
      this.lossKW[s] = net.zRe[s] * mesh.current2[s] * S_BASE_KVA;
      this.lossKvar[s] = net.zIm[s] * mesh.current2[s] * S_BASE_KVA;
    }
  }

  /** Active power from all sources (kW); NaN without a solution. */
  sourceKW(): number {
    return this.result ? this.result.sources.reduce((a, s) => a + s.pKW, 0) : NaN;
  }
}
