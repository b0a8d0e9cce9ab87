/**
 * Power flow in a weakly meshed network by the compensation method (Shirmohammadi, Hong, Semlyen
 * & Luo, IEEE Trans. PWRS 3(2), 1988): break every loop at one section (a "link"), solve the
 * radial rest by the sweep with each link's current drawn at one end and injected at the other,
 * and correct the link currents from the loop-impedance matrix until the voltage across every link
 * equals its own drop. Used by sequential switch opening, which needs the currents of a network
 * with all switches closed. O(buses) per sweep plus O(links³) per correction.
 */
import type { PowerFlowNetwork } from './network';
import type { LoadVector } from './loads';
import { SweepPlan, SweepWorkspace, type RadialTree } from './sweep';

export interface MeshedSolution {
  converged: boolean;
  iterations: number;
  /** |I|² per section (p.u.), 0 for sections out of service. */
  current2: Float64Array;
  /** Sections that lie on a loop (opening one keeps every bus supplied). */
  inLoop: Uint8Array;
  /** Number of links (independent loops, including paths between sources). */
  links: number;
  lossP: number;
}

interface Forest extends RadialTree {
  depth: Int32Array;
  links: number[];
}

/** BFS spanning forest over the conducting sections, from every source at once. */
function spanningForest(net: PowerFlowNetwork, secClosed: Uint8Array): Forest {
  const ix = net.index;
  const nB = ix.nBuses;
  const parentSec = new Int32Array(nB).fill(-1);
  const parentBus = new Int32Array(nB).fill(-1);
  const busSource = new Int32Array(nB).fill(-1);
  const depth = new Int32Array(nB).fill(-1);
  const inTree = new Uint8Array(ix.nSections);
  const order = new Int32Array(nB);
  let tail = 0;
  for (let src = 0; src < ix.sourceBus.length; src++) {
    const b = ix.sourceBus[src];
    if (busSource[b] >= 0) continue;
    busSource[b] = src;
    depth[b] = 0;
    order[tail++] = b;
  }
  for (let head = 0; head < tail; head++) {
    const u = order[head];
    for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
      const s = ix.adjSec[k];
      const v = ix.adjBus[k];
      if (!secClosed[s] || busSource[v] >= 0) continue;
      busSource[v] = busSource[u];
      parentSec[v] = s;
      parentBus[v] = u;
      depth[v] = depth[u] + 1;
      inTree[s] = 1;
      order[tail++] = v;
    }
  }
  const links: number[] = [];
  for (let s = 0; s < ix.nSections; s++) {
    if (secClosed[s] && !inTree[s] && busSource[ix.secFrom[s]] >= 0 && ix.secFrom[s] !== ix.secTo[s]) links.push(s);
  }
  return { order: order.slice(0, tail), parentSec, parentBus, busSource, depth, links };
}

function lca(f: Forest, x: number, y: number): number {
  if (f.busSource[x] !== f.busSource[y]) return -1;
  while (f.depth[x] > f.depth[y]) x = f.parentBus[x];
  while (f.depth[y] > f.depth[x]) y = f.parentBus[y];
  while (x !== y) {
    x = f.parentBus[x];
    y = f.parentBus[y];
  }
  return x;
}

/** Solves A·x = b in place for complex A (n×n, row-major) by Gaussian elimination with partial pivoting. */
export function solveComplex(n: number, aRe: Float64Array, aIm: Float64Array, bRe: Float64Array, bIm: Float64Array): boolean {
  for (let c = 0; c < n; c++) {
    let piv = c;
    let best = -1;
    for (let r = c; r < n; r++) {
      const m = aRe[r * n + c] ** 2 + aIm[r * n + c] ** 2;
      if (m > best) {
        best = m;
        piv = r;
      }
    }
    if (!(best > 0)) return false;
    if (piv !== c) {
      for (let k = 0; k < n; k++) {
        [aRe[c * n + k], aRe[piv * n + k]] = [aRe[piv * n + k], aRe[c * n + k]];
        [aIm[c * n + k], aIm[piv * n + k]] = [aIm[piv * n + k], aIm[c * n + k]];
      }
      [bRe[c], bRe[piv]] = [bRe[piv], bRe[c]];
      [bIm[c], bIm[piv]] = [bIm[piv], bIm[c]];
    }
    const pr = aRe[c * n + c];
    const pi = aIm[c * n + c];
    const pm = pr * pr + pi * pi;
    for (let r = c + 1; r < n; r++) {
      // f = A[r][c] / A[c][c]
      const xr = aRe[r * n + c];
      const xi = aIm[r * n + c];
      const fr = (xr * pr + xi * pi) / pm;
      const fi = (xi * pr - xr * pi) / pm;
      for (let k = c; k < n; k++) {
        const cr = aRe[c * n + k];
        const ci = aIm[c * n + k];
        aRe[r * n + k] -= fr * cr - fi * ci;
        aIm[r * n + k] -= fr * ci + fi * cr;
      }
      bRe[r] -= fr * bRe[c] - fi * bIm[c];
      bIm[r] -= fr * bIm[c] + fi * bRe[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let sr = bRe[r];
    let si = bIm[r];
    for (let k = r + 1; k < n; k++) {
      sr -= aRe[r * n + k] * bRe[k] - aIm[r * n + k] * bIm[k];
      si -= aRe[r * n + k] * bIm[k] + aIm[r * n + k] * bRe[k];
    }
    const dr = aRe[r * n + r];
    const di = aIm[r * n + r];
    const dm = dr * dr + di * di;
    bRe[r] = (sr * dr + si * di) / dm;
    bIm[r] = (si * dr - sr * di) / dm;
  }
  return true;
}

export function solveMeshed(net: PowerFlowNetwork, loads: LoadVector, secClosed: Uint8Array, tol: number, maxIterations: number): MeshedSolution {
  const ix = net.index;
  const forest = spanningForest(net, secClosed);
  const links = forest.links;
  const k = links.length;
  const nB = ix.nBuses;

  // Impedance of the path from each bus up to its source.
  const rootRe = new Float64Array(nB);
  const rootIm = new Float64Array(nB);
  for (const b of forest.order) {
    const s = forest.parentSec[b];
    if (s < 0) continue;
    rootRe[b] = rootRe[forest.parentBus[b]] + net.zRe[s];
    rootIm[b] = rootIm[forest.parentBus[b]] + net.zIm[s];
  }
  const aBus = links.map((s) => ix.secFrom[s]);
  const bBus = links.map((s) => ix.secTo[s]);
  // Shared path impedance of x and y to their common source (0 in different trees).
  const common = (x: number, y: number): [number, number] => {
    const c = lca(forest, x, y);
    return c < 0 ? [0, 0] : [rootRe[c], rootIm[c]];
  };
  const zlRe = new Float64Array(k * k);
  const zlIm = new Float64Array(k * k);
  for (let l = 0; l < k; l++) {
    for (let m = l; m < k; m++) {
      const [aaR, aaI] = common(aBus[l], aBus[m]);
      const [abR, abI] = common(aBus[l], bBus[m]);
      const [baR, baI] = common(bBus[l], aBus[m]);
      const [bbR, bbI] = common(bBus[l], bBus[m]);
      let re = aaR - abR - baR + bbR;
      let im = aaI - abI - baI + bbI;
      if (l === m) {
        re += net.zRe[links[l]];
        im += net.zIm[links[l]];
      }
      zlRe[l * k + m] = zlRe[m * k + l] = re;
      zlIm[l * k + m] = zlIm[m * k + l] = im;
    }
  }

  const data = { zRe: net.zRe, zIm: net.zIm, busP: loads.busP, busQ: loads.busQ, sourceV: net.sourceV };
  const plan = new SweepPlan(forest, data, nB);
  plan.flat();
  if (k) {
    plan.injRe = new Float64Array(plan.n);
    plan.injIm = new Float64Array(plan.n);
  }
  const aPos = aBus.map((b) => plan.pos[b]);
  const bPos = bBus.map((b) => plan.pos[b]);
  const linkRe = new Float64Array(k);
  const linkIm = new Float64Array(k);
  const eRe = new Float64Array(k);
  const eIm = new Float64Array(k);
  const aRe = new Float64Array(k * k);
  const aIm = new Float64Array(k * k);
  let converged = false;
  let it = 0;
  while (it < maxIterations) {
    it++;
    const dv = plan.once();
    if (!Number.isFinite(dv)) break;
    let worstE = 0;
    for (let l = 0; l < k; l++) {
      const s = links[l];
      eRe[l] = plan.vRe[aPos[l]] - plan.vRe[bPos[l]] - (net.zRe[s] * linkRe[l] - net.zIm[s] * linkIm[l]);
      eIm[l] = plan.vIm[aPos[l]] - plan.vIm[bPos[l]] - (net.zRe[s] * linkIm[l] + net.zIm[s] * linkRe[l]);
      worstE = Math.max(worstE, Math.hypot(eRe[l], eIm[l]));
    }
    if (dv < tol && worstE < tol) {
      converged = true;
      break;
    }
    if (k) {
      aRe.set(zlRe);
      aIm.set(zlIm);
      if (!solveComplex(k, aRe, aIm, eRe, eIm)) break;
      const injRe = plan.injRe!;
      const injIm = plan.injIm!;
      injRe.fill(0);
      injIm.fill(0);
      for (let l = 0; l < k; l++) {
        linkRe[l] += eRe[l];
        linkIm[l] += eIm[l];
        // The link current leaves the network at its `from` end and re-enters at its `to` end.
        injRe[aPos[l]] += linkRe[l];
        injIm[aPos[l]] += linkIm[l];
        injRe[bPos[l]] -= linkRe[l];
        injIm[bPos[l]] -= linkIm[l];
      }
    }
  }
  const ws = new SweepWorkspace(nB);
  plan.scatter(ws);

  const current2 = new Float64Array(ix.nSections);
  let lossP = 0;
  for (const b of forest.order) {
    const s = forest.parentSec[b];
    if (s >= 0) current2[s] = ws.jRe[b] ** 2 + ws.jIm[b] ** 2;
  }
  for (let l = 0; l < k; l++) current2[links[l]] = linkRe[l] ** 2 + linkIm[l] ** 2;
  for (let s = 0; s < ix.nSections; s++) lossP += net.zRe[s] * current2[s];

  // A tree section lies on a loop when it is on the path between a link's ends (or, for a link
  // between two sources, on either path up to its source).
  const inLoop = new Uint8Array(ix.nSections);
  for (let l = 0; l < k; l++) {
    inLoop[links[l]] = 1;
    const top = lca(forest, aBus[l], bBus[l]);
    for (const end of [aBus[l], bBus[l]]) {
      for (let v = end; v !== top && forest.parentSec[v] >= 0; v = forest.parentBus[v]) inLoop[forest.parentSec[v]] = 1;
    }
  }
  return { converged, iterations: it, current2, inLoop, links: k, lossP };
}
