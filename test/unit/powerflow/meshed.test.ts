/** The compensation-method solver for meshed states, against the independent nodal solver. */
import assert from 'node:assert/strict';
import { loadFeeder } from '../../../lib/model/load';
import { loadNetwork } from '../../../lib/networks';
import { randomFeeder } from '../../../lib/networks/random';
import { buildLoads } from '../../../lib/powerflow/loads';
import { solveComplex, solveMeshed } from '../../../lib/powerflow/meshed';
import { PowerFlowNetwork } from '../../../lib/powerflow/network';
import { modelLoads, referencePowerFlow } from './nodal-reference';

describe('power flow: meshed networks (compensation method)', () => {
  it('solves a complex linear system', () => {
    // (1+i)·x + 2·y = 3+i and x − i·y = 1, checked by substituting the solution back.
    const aRe = Float64Array.from([1, 2, 1, 0]);
    const aIm = Float64Array.from([1, 0, 0, -1]);
    const bRe = Float64Array.from([3, 1]);
    const bIm = Float64Array.from([1, 0]);
    assert.equal(solveComplex(2, aRe, aIm, bRe, bIm), true);
    const [xr, yr] = bRe;
    const [xi, yi] = bIm;
    // Row 1: (1+i)(x) + 2y
    assert.ok(Math.abs(xr - xi + 2 * yr - 3) < 1e-12 && Math.abs(xr + xi + 2 * yi - 1) < 1e-12);
    // Row 2: x - i·y
    assert.ok(Math.abs(xr + yi - 1) < 1e-12 && Math.abs(xi - yr) < 1e-12);
  });

  it('IEEE 33 with every tie closed: five loops, losses and currents as the nodal solver', () => {
    const f = loadNetwork('ieee33');
    const net = new PowerFlowNetwork(f.index);
    const loads = buildLoads(f.index);
    const all = new Uint8Array(f.index.nSections).fill(1);
    const sol = solveMeshed(net, loads, all, 1e-12, 200);
    assert.equal(sol.converged, true);
    assert.equal(sol.links, 5);
    const x = referencePowerFlow(f.model, () => true, modelLoads(f.model));
    assert.ok(Math.abs(sol.lossP * 1000 - x.lossKW) < 1e-6, `${sol.lossP * 1000} vs ${x.lossKW}`);
    const iBase = net.iBaseA;
    for (const [id, iA] of x.iA) {
      const s = f.index.sectionIndex.get(id)!;
      assert.ok(Math.abs(Math.sqrt(sol.current2[s]) * iBase - iA) < 1e-6, `section ${id}`);
    }
    // The meshed network loses less than any radial one (139.55 kW at best).
    assert.ok(x.lossKW < 139.55);
    // Sections 1 (source) and 18-bus laterals that are not on any loop: L1 feeds everything, so it is not in a loop.
    assert.equal(sol.inLoop[f.index.sectionIndex.get('L1')!], 0);
    assert.equal(sol.inLoop[f.index.sectionIndex.get('L33')!], 1);
  });

  it('random feeders with two sources and ties closed: same currents as the nodal solver', () => {
    for (const seed of [3, 11, 29]) {
      const m = randomFeeder({ seed, sections: 40, sources: 2, ties: 3, loadScale: 0.05 });
      const f = loadFeeder(m);
      const net = new PowerFlowNetwork(f.index);
      const loads = buildLoads(f.index);
      const all = new Uint8Array(f.index.nSections).fill(1);
      const sol = solveMeshed(net, loads, all, 1e-12, 300);
      assert.equal(sol.converged, true, `seed ${seed}`);
      const x = referencePowerFlow(m, () => true, modelLoads(m));
      assert.ok(Math.abs(sol.lossP * 1000 - x.lossKW) < 1e-6 * Math.max(1, x.lossKW), `seed ${seed}: ${sol.lossP * 1000} vs ${x.lossKW}`);
      for (const [id, iA] of x.iA) {
        const s = f.index.sectionIndex.get(id)!;
        assert.ok(Math.abs(Math.sqrt(sol.current2[s]) * net.iBaseA - iA) < 1e-6 * Math.max(1, iA), `seed ${seed} section ${id}`);
      }
    }
  });
});
