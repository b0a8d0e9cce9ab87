/**
 * Properties on seeded random radial feeders (lib/networks/random.ts):
 *  - power balance: source power = load + losses (1e-6 relative), and the losses recomputed from
 *    the reported currents (3·I²·R) equal the reported losses;
 *  - the sweep agrees with the independent nodal solver;
 *  - reconfiguration returns a radial state that supplies every bus the present state supplies,
 *    never raises losses, adds no limit violation, operates only switches, and its steps keep
 *    every bus supplied.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadFeeder } from '../../../lib/model/load';
import { MeshError, Topology } from '../../../lib/model/topology';
import type { FeederModel } from '../../../lib/model/types';
import { randomFeeder } from '../../../lib/networks/random';
import { reconfigure } from '../../../lib/powerflow/reconfigure';
import { powerFlow } from '../../../lib/powerflow/solve';
import { modelLoads, referencePowerFlow } from './nodal-reference';

/**
 * Random feeder options; load is scaled down on long feeders so the voltage drop stays in the range
 * of real feeders (a 400-section single line at full load would sit near voltage collapse).
 */
const feederArb = (maxSections: number) => fc.record({
  seed: fc.integer({ min: 0, max: 0x7fffffff }),
  sections: fc.integer({ min: 2, max: maxSections }),
  sources: fc.integer({ min: 1, max: 2 }),
  feedersPerSource: fc.integer({ min: 1, max: 3 }),
  ties: fc.integer({ min: 0, max: 4 }),
  switchProbability: fc.double({ min: 0.2, max: 0.9, noNaN: true }),
  loadScale: fc.double({ min: 0.005, max: 0.08, noNaN: true }),
  impedanceScale: fc.double({ min: 0.2, max: 2, noNaN: true }),
  load: fc.constantFrom('peak' as const, 'average' as const),
  tieLimits: fc.boolean(),
}).map((o) => ({ ...o, loadScale: o.loadScale * Math.min(1, 60 / o.sections) }));

describe('power flow: properties on random radial feeders', () => {
  it('source power = load + losses, and losses = Σ 3·I²·R over the sections', () => {
    fc.assert(fc.property(feederArb(400), (o) => {
      const m = randomFeeder(o);
      const r = powerFlow(loadFeeder(m), { load: o.load });
      const sourceKW = r.sources.reduce((a, s) => a + s.pKW, 0);
      const sourceKvar = r.sources.reduce((a, s) => a + s.qKvar, 0);
      const scale = Math.max(1, r.loadKW);
      assert.ok(Math.abs(sourceKW - (r.loadKW + r.lossesKW)) <= 1e-6 * scale, `P balance ${sourceKW} vs ${r.loadKW} + ${r.lossesKW}`);
      assert.ok(Math.abs(sourceKvar - (r.loadKvar + r.lossesKvar)) <= 1e-6 * Math.max(1, Math.abs(r.loadKvar)), 'Q balance');
      let fromCurrents = 0;
      for (const s of r.sections) fromCurrents += (3 * s.iA * s.iA * m.sections.find((x) => x.id === s.id)!.rOhm!) / 1000;
      assert.ok(Math.abs(fromCurrents - r.lossesKW) <= 1e-6 * Math.max(1, r.lossesKW), `losses ${fromCurrents} vs ${r.lossesKW}`);
      // Load points left without supply are all on buses the topology does not reach.
      for (const u of r.unsupplied) assert.equal(r.buses.find((b) => b.id === u.bus)!.vPu, 0);
    }), { numRuns: 60 });
  });

  it('agrees with the independent nodal solver', () => {
    fc.assert(fc.property(feederArb(40), (o) => {
      const m = randomFeeder(o);
      const r = powerFlow(loadFeeder(m), { load: o.load });
      const x = referencePowerFlow(m, (_id, no) => !no, modelLoads(m, o.load));
      for (const b of r.buses) {
        const v = x.v.get(b.id);
        if (!v) {
          assert.equal(b.vPu, 0);
          continue;
        }
        assert.ok(Math.abs(b.vPu - v.abs()) < 1e-8, `bus ${b.id}: ${b.vPu} vs ${v.abs()}`);
        assert.ok(Math.abs(b.angleDeg - (Math.atan2(v.im, v.re) * 180) / Math.PI) < 1e-6);
      }
      assert.ok(Math.abs(r.lossesKW - x.lossKW) < 1e-6 * Math.max(1, x.lossKW));
      assert.ok(Math.abs(r.sources.reduce((a, s) => a + s.pKW, 0) - x.sourceKW) < 1e-6 * Math.max(1, x.sourceKW));
    }), { numRuns: 40 });
  });
});

/** Device states after applying switching steps to the present state. */
function energisedCount(m: FeederModel, states: Record<string, boolean>): number | 'mesh' {
  try {
    return new Topology(m, { ...states }).order.length;
  } catch (err) {
    if (err instanceof MeshError) return 'mesh';
    throw err;
  }
}

describe('reconfiguration: properties on random radial feeders', () => {
  it('radial, every supplied bus still supplied, losses never raised, only switches operated, steps safe', () => {
    fc.assert(fc.property(feederArb(60), fc.integer({ min: 0, max: 2 }), (o, restarts) => {
      const m = randomFeeder({ ...o, ties: Math.max(1, o.ties) });
      const f = loadFeeder(m);
      const r = reconfigure(f, { load: o.load, restarts, vMinPu: 0.9 });
      assert.ok(r.lossesKW <= r.start.lossesKW + 1e-9 * Math.max(1, r.start.lossesKW), `losses ${r.lossesKW} > ${r.start.lossesKW}`);
      // The result state is radial (Topology would throw) and supplies as many buses as before.
      const final = new Topology(f.index, r.switchStates);
      assert.equal(final.order.length, f.topology.order.length);
      assert.deepEqual(r.powerflow.unsupplied, powerFlow(f, { load: o.load }).unsupplied);
      assert.ok(Math.abs(r.powerflow.lossesKW - r.lossesKW) < 1e-6 * Math.max(1, r.lossesKW));
      // No new limit violation: when the present state meets every limit, so does the result.
      const present = powerFlow(f, { load: o.load, vMinPu: 0.9 });
      const count = (v: typeof present.violations) => v.voltage.length + v.thermal.length + v.capacity.length;
      if (count(present.violations) === 0) assert.equal(count(r.powerflow.violations), 0, JSON.stringify(r.powerflow.violations));
      for (const id of Object.keys(r.switchStates)) {
        const d = m.devices.find((x) => x.id === id)!;
        assert.notEqual(d.type, 'fuse', `fuse ${id} operated`);
      }
      // Steps: one exchange = close then open (or open then close between sources that may not
      // run in parallel); after each exchange the state is radial and supplies every bus again.
      const states: Record<string, boolean> = {};
      const full = f.topology.order.length;
      for (let i = 0; i < r.steps.length; i += 2) {
        const [a, b] = [r.steps[i], r.steps[i + 1]];
        assert.ok(b && a.action !== b.action, 'steps come in exchange pairs');
        states[a.device] = a.action === 'close';
        const mid = energisedCount(m, states);
        if (a.action === 'close') assert.equal(mid, 'mesh', 'closing first makes one loop');
        else {
          assert.match(a.reason, /may not run in parallel/);
          assert.ok(mid !== 'mesh' && mid < full);
        }
        states[b.device] = b.action === 'close';
        assert.equal(energisedCount(m, states), full, `after step ${b.step}`);
      }
      for (const [id, closed] of Object.entries(r.switchStates)) assert.equal(states[id], closed);
      assert.equal(Object.keys(states).length, Object.keys(r.switchStates).length);
    }), { numRuns: 30 });
  });
});
