/**
 * Power flow and reconfiguration speed:
 *  - IEEE 33-bus solves per second (the sweep alone on a built topology, and the whole powerFlow()
 *    call: topology, loads, sweep and the id-keyed result);
 *  - seeded random feeders of 1k, 10k and 100k buses (loads and impedances scaled with size so the
 *    voltage profile, and so the number of sweeps, stays the same), with growth per 10× buses;
 *  - reference in the same run: a naive dense nodal solver (bus admittance matrix, LU, implicit
 *    Z-bus iteration) on the 1k-bus feeder;
 *  - reconfiguration of IEEE 33 against exhaustive enumeration of its 50,751 radial configurations.
 */
import { performance } from 'node:perf_hooks';
import { FeederIndex } from '../lib/model/feeder-index';
import { Topology } from '../lib/model/topology';
import type { FeederModel } from '../lib/model/types';
import { loadNetwork } from '../lib/networks';
import { randomFeeder } from '../lib/networks/random';
import { exhaustiveReconfiguration } from '../lib/powerflow/exhaustive';
import { buildLoads } from '../lib/powerflow/loads';
import { PowerFlowNetwork } from '../lib/powerflow/network';
import { reconfigure } from '../lib/powerflow/reconfigure';
import { powerFlow } from '../lib/powerflow/solve';
import { sweep, SweepWorkspace } from '../lib/powerflow/sweep';
import { fmt, measure, table } from './timing';

export const title = 'power flow (backward/forward sweep) and reconfiguration';

interface Prepared { index: FeederIndex; solve: () => { iterations: number }; full: () => { lossesKW: number; vMinPu: number; iterations: number } }

function prepare(model: FeederModel): Prepared {
  const index = new FeederIndex(model);
  const net = new PowerFlowNetwork(index);
  const loads = buildLoads(index);
  const topo = new Topology(index);
  const ws = new SweepWorkspace(index.nBuses);
  const d = { zRe: net.zRe, zIm: net.zIm, busP: loads.busP, busQ: loads.busQ, sourceV: net.sourceV };
  return { index, solve: () => sweep(topo, d, ws, 1e-10, 100), full: () => powerFlow(index) };
}

/** Random feeder of `buses` buses whose voltage drop does not grow with size (vMin ≈ 0.96 p.u.). */
function scaledFeeder(buses: number): FeederModel {
  const k = 60 / buses;
  return randomFeeder({ seed: 7, sections: buses - 1, impedanceScale: k, loadScale: k });
}

/** The naive reference: dense complex Y-bus, LU without exploiting sparsity, implicit Z-bus Gauss iteration. */
function denseNodal(model: FeederModel): { lossesKW: number; iterations: number } {
  const ix = new FeederIndex(model);
  const net = new PowerFlowNetwork(ix);
  const loads = buildLoads(ix);
  const slack = ix.sourceBus[0];
  const rest: number[] = [];
  for (let b = 0; b < ix.nBuses; b++) if (b !== slack) rest.push(b);
  const n = rest.length;
  const at = new Int32Array(ix.nBuses).fill(-1);
  rest.forEach((b, i) => (at[b] = i));
  const aRe = new Float64Array(n * n);
  const aIm = new Float64Array(n * n);
  const ysRe = new Float64Array(n);
  const ysIm = new Float64Array(n);
  for (let s = 0; s < ix.nSections; s++) {
    if (!ix.devNormallyClosed.every((c, d) => c || ix.devSection[d] !== s)) continue; // normally open
    const m2 = net.zRe[s] ** 2 + net.zIm[s] ** 2;
    const yr = net.zRe[s] / m2;
    const yi = -net.zIm[s] / m2;
    const a = at[ix.secFrom[s]];
    const b = at[ix.secTo[s]];
    if (a >= 0) { aRe[a * n + a] += yr; aIm[a * n + a] += yi; }
    if (b >= 0) { aRe[b * n + b] += yr; aIm[b * n + b] += yi; }
    if (a >= 0 && b >= 0) { aRe[a * n + b] -= yr; aIm[a * n + b] -= yi; aRe[b * n + a] -= yr; aIm[b * n + a] -= yi; }
    const v = net.sourceV[0];
    if (a >= 0 && b < 0) { ysRe[a] -= yr * v; ysIm[a] -= yi * v; }
    if (b >= 0 && a < 0) { ysRe[b] -= yr * v; ysIm[b] -= yi * v; }
  }
  // LU in place (no pivoting: Y of a connected network is diagonally dominant).
  for (let k = 0; k < n; k++) {
    const pr = aRe[k * n + k];
    const pi = aIm[k * n + k];
    const pm = pr * pr + pi * pi;
    for (let i = k + 1; i < n; i++) {
      const xr = aRe[i * n + k];
      const xi = aIm[i * n + k];
      if (xr === 0 && xi === 0) continue;
      const fr = (xr * pr + xi * pi) / pm;
      const fi = (xi * pr - xr * pi) / pm;
      aRe[i * n + k] = fr;
      aIm[i * n + k] = fi;
      for (let j = k + 1; j < n; j++) {
        const cr = aRe[k * n + j];
        const ci = aIm[k * n + j];
        aRe[i * n + j] -= fr * cr - fi * ci;
        aIm[i * n + j] -= fr * ci + fi * cr;
      }
    }
  }
  const vRe = new Float64Array(n).fill(net.sourceV[0]);
  const vIm = new Float64Array(n);
  const yRe = new Float64Array(n);
  const yIm = new Float64Array(n);
  let it = 0;
  for (; it < 200; it++) {
    for (let i = 0; i < n; i++) {
      const b = rest[i];
      const m2 = vRe[i] ** 2 + vIm[i] ** 2;
      // I = −conj(S/V) − Y_rs·V_s
      yRe[i] = -(loads.busP[b] * vRe[i] + loads.busQ[b] * vIm[i]) / m2 - ysRe[i];
      yIm[i] = -(loads.busP[b] * vIm[i] - loads.busQ[b] * vRe[i]) / m2 - ysIm[i];
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        yRe[i] -= aRe[i * n + j] * yRe[j] - aIm[i * n + j] * yIm[j];
        yIm[i] -= aRe[i * n + j] * yIm[j] + aIm[i * n + j] * yRe[j];
      }
    }
    let change = 0;
    for (let i = n - 1; i >= 0; i--) {
      let sr = yRe[i];
      let si = yIm[i];
      for (let j = i + 1; j < n; j++) {
        sr -= aRe[i * n + j] * yRe[j] - aIm[i * n + j] * yIm[j];
        si -= aRe[i * n + j] * yIm[j] + aIm[i * n + j] * yRe[j];
      }
      const dr = aRe[i * n + i];
      const di = aIm[i * n + i];
      const dm = dr * dr + di * di;
      yRe[i] = (sr * dr + si * di) / dm;
      yIm[i] = (si * dr - sr * di) / dm;
      change = Math.max(change, Math.hypot(yRe[i] - vRe[i], yIm[i] - vIm[i]));
    }
    vRe.set(yRe);
    vIm.set(yIm);
    if (change < 1e-10) break;
  }
  let loss = 0;
  for (let s = 0; s < ix.nSections; s++) {
    if (!ix.devNormallyClosed.every((c, d) => c || ix.devSection[d] !== s)) continue;
    const a = at[ix.secFrom[s]];
    const b = at[ix.secTo[s]];
    const var_ = a >= 0 ? vRe[a] : net.sourceV[0];
    const vai = a >= 0 ? vIm[a] : 0;
    const vbr = b >= 0 ? vRe[b] : net.sourceV[0];
    const vbi = b >= 0 ? vIm[b] : 0;
    const m2 = net.zRe[s] ** 2 + net.zIm[s] ** 2;
    loss += (net.zRe[s] * ((var_ - vbr) ** 2 + (vai - vbi) ** 2)) / m2;
  }
  return { lossesKW: loss * 1000, iterations: it + 1 };
}

export async function run(): Promise<void> {
  const ieee = loadNetwork('ieee33');
  const p33 = prepare(ieee.model);
  const s33 = measure(p33.solve, 1000);
  const f33 = measure(p33.full, 1000);
  console.log('IEEE 33-bus (normal state, 202.68 kW losses):');
  table([
    ['what', 'solves/s', 'µs/solve'],
    ['sweep on a built topology', s33.opsPerSec, s33.msPerOp * 1000],
    ['powerFlow(): topology, loads, sweep, result', f33.opsPerSec, f33.msPerOp * 1000],
  ]);

  console.log('\nRandom radial feeders (seed 7, 2 feeders, loads and impedances scaled with size):');
  const rows: Array<Array<string | number>> = [['buses', 'sweeps', 'vMin p.u.', 'solve ms', 'ns/bus/sweep', 'growth/10x', 'powerFlow() ms', 'growth/10x']];
  let prevSolve = 0;
  let prevFull = 0;
  let solve1k = 0;
  let model1k: FeederModel | null = null;
  let loss1k = 0;
  for (const buses of [1000, 10000, 100000]) {
    const model = scaledFeeder(buses);
    const p = prepare(model);
    const first = p.full();
    const s = measure(p.solve, 1000);
    const f = measure(p.full, 1000);
    rows.push([String(buses), String(first.iterations), first.vMinPu.toFixed(4), s.msPerOp, (s.msPerOp * 1e6) / (buses * first.iterations),
      prevSolve ? `${(s.msPerOp / prevSolve).toFixed(1)}x` : '-', f.msPerOp, prevFull ? `${(f.msPerOp / prevFull).toFixed(1)}x` : '-']);
    prevSolve = s.msPerOp;
    prevFull = f.msPerOp;
    if (buses === 1000) {
      solve1k = s.msPerOp;
      model1k = model;
      loss1k = first.lossesKW;
    }
  }
  table(rows);
  console.log('  (linear growth = 10x per 10x buses; target: under 10 ms at 10k buses)');

  const t0 = performance.now();
  const dense = denseNodal(model1k!);
  const denseMs = performance.now() - t0;
  console.log(`\nReference: naive dense nodal solver at 1k buses: ${fmt(denseMs)} ms (${dense.iterations} iterations, losses ${dense.lossesKW.toFixed(3)} kW vs sweep ${loss1k.toFixed(3)} kW)`);
  console.log(`  sweep is ${fmt(denseMs / solve1k)}x faster than the dense reference on the same feeder`);

  const rc = measure(() => reconfigure(ieee.index), 2000);
  const r = reconfigure(ieee.index);
  const t1 = performance.now();
  const ex = exhaustiveReconfiguration(ieee.index);
  const exMs = performance.now() - t1;
  console.log('\nReconfiguration, IEEE 33-bus:');
  table([
    ['method', 'ms', 'power flows', 'open', 'losses kW'],
    [`branch exchange, ${r.starts.length} starts`, rc.msPerOp, String(r.evaluations), r.open.join(' '), r.lossesKW.toFixed(2)],
    [`exhaustive (${ex.radialConfigurations} radial of ${ex.combinations})`, exMs, String(ex.radialConfigurations), ex.top[0].open.join(' '), ex.top[0].lossesKW.toFixed(2)],
  ]);
  console.log(`  branch exchange reaches the exhaustive optimum ${fmt(exMs / rc.msPerOp)}x faster`);
}
