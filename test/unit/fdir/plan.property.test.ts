/**
 * FDIR against an exhaustive oracle: on small random feeders with ties and automation, for a fault
 * on every section, the remote stage of the plan restores as many customers as the best of all
 * states of the automated devices that keep the located zone de-energised, the network radial,
 * every limit respected and every customer still supplied after the trip supplied; and the plan's final state itself passes those checks.
 */
import assert from 'node:assert/strict';
import { loadFeeder, type LoadedFeeder } from '../../../lib/model/load';
import { MeshError, Topology } from '../../../lib/model/topology';
import { randomFeeder } from '../../../lib/networks/random';
import { StateChecker } from '../../../lib/fdir/check';
import { indicatingMask, locateFault, simulateIndications } from '../../../lib/fdir/locate';
import { planFdir } from '../../../lib/fdir/plan';

function customersOn(f: LoadedFeeder, topo: Topology): number {
  let c = 0;
  f.model.loadPoints.forEach((lp, l) => { if (topo.energised(f.index.lpBus[l])) c += lp.customers; });
  return c;
}

/** Best energised-customer count over every state of the automated devices (the oracle). */
function oracle(f: LoadedFeeder, faultSection: number): number | null {
  const ix = f.index;
  const pre = ix.deviceStates();
  const t0 = new Topology(ix, pre);
  const indicating = indicatingMask(t0);
  const loc = locateFault(t0, simulateIndications(t0, faultSection, indicating), indicating);
  if (loc.fault.clearedByFuse) return null;
  const checker = new StateChecker(ix, pre, {});
  checker.forbiddenSections = loc.region.sections.slice();
  checker.forbiddenBuses = loc.region.buses.slice();
  const auto: number[] = [];
  for (let d = 0; d < ix.nDevices; d++) if (f.model.devices[d].automated) auto.push(d);
  if (auto.length > 14) return null;
  const base = pre.slice();
  if (loc.tripped >= 0) base[loc.tripped] = 0;
  // Customers still supplied after the trip are never interrupted to make room for others.
  const afterTrip = new Topology(ix, base);
  const keep = f.model.loadPoints.map((_, l) => afterTrip.energised(ix.lpBus[l]));
  let best = -1;
  for (let mask = 0; mask < 1 << auto.length; mask++) {
    const s = base.slice();
    auto.forEach((d, i) => { s[d] = (mask >> i) & 1; });
    const res = checker.check(s);
    if (!res.ok) continue;
    if (keep.some((k, l) => k && !res.topology!.energised(ix.lpBus[l]))) continue;
    best = Math.max(best, customersOn(f, res.topology!));
  }
  return best;
}

describe('FDIR plan vs exhaustive search (random feeders)', function () {
  this.timeout(600000);
  it('restores as many customers as the best automated switch state, on every section', () => {
    let cases = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const model = randomFeeder({ seed, sections: 14 + (seed % 8), feedersPerSource: 2, sources: 1 + (seed % 2), ties: 1 + (seed % 3), switchProbability: 0.45, automatedProbability: 0.7, fuseProbability: 0.3, tieLimits: seed % 2 === 0, loadScale: 3 });
      const f = loadFeeder(model);
      for (let s = 0; s < f.index.nSections; s++) {
        if (f.model.sections[s].kind === 'tie' || f.topology.secDown[s] < 0) continue;
        const best = oracle(f, s);
        if (best === null) continue;
        let plan;
        try {
          plan = planFdir(f, { faultSection: f.model.sections[s].id });
        } catch (err) {
          // The planner may refuse only when nothing automated can isolate the zone.
          assert.match((err as Error).message, /no automated device above/);
          continue;
        }
        // Apply the remote stage and check it.
        const state = f.index.deviceStates();
        const pre = state.slice();
        const trip = new Topology(f.index, pre).protectiveForSection(s);
        if (trip >= 0) state[trip] = 0;
        for (const st of plan.steps) {
          if (st.mode !== 'remote' || st.stage.startsWith('crew')) continue;
          state[f.index.deviceIndex.get(st.device)!] = st.expectedClosed ? 1 : 0;
        }
        let topo: Topology;
        try {
          topo = new Topology(f.index, state);
        } catch (err) {
          assert.fail(`seed ${seed} section ${f.model.sections[s].id}: remote stage leaves a loop: ${(err as MeshError).message}`);
        }
        for (const id of plan.fault.sections) {
          const sec = f.index.sectionIndex.get(id)!;
          assert.ok(topo.secDown[sec] < 0, `seed ${seed}: faulted-zone section ${id} energised`);
        }
        assert.equal(customersOn(f, topo), best, `seed ${seed} fault ${f.model.sections[s].id}: plan restores ${customersOn(f, topo)} customers, exhaustive ${best}`);
        cases++;
      }
    }
    assert.ok(cases > 300, `only ${cases} cases checked`);
  });
});
