/**
 * The issue's acceptance checks: BPSO against the exhaustive optimum on random feeders, the
 * Ghion-like feeder with the thesis's swarm, and the qualitative shape of Table 6.3.
 */
import assert from 'node:assert/strict';
import type { FeederModel } from '../../../lib/model/types';
import { networkModel } from '../../../lib/networks';
import { randomFeeder } from '../../../lib/networks/random';
import { PlacementStudy, type PlacementResult } from '../../../lib/optimize/placement';

/** A random radial feeder with 12–18 candidate sections (all its non-tie sections) and a cost model. */
export function randomPlacementModel(k: number, investmentPerSwitch = 1000): FeederModel {
  const m = randomFeeder({ sections: 12 + (k % 7), seed: 1000 + k });
  m.costs = { currency: 'USD', perKWh: { residential: 0.5, commercial: 4, industrial: 3 } };
  m.placement = { investmentPerSwitch, lifeYears: 20, interestRate: 0.08, maintenanceRate: 0.02 };
  return m;
}

const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('switch placement: acceptance', function () {
  this.timeout(180000);

  it('BPSO with default settings finds the exhaustive optimum in ≥ 95 of 100 seeded runs (random feeders, 12–18 candidates)', () => {
    // 20 feeders (12..18 candidates, each count about three times) × 5 BPSO seeds = 100 runs, scored
    // for the swarm alone (polish off) and for the study's default (swarm + local polish).
    let swarm = 0;
    let polished = 0;
    const counts: number[] = [];
    const misses: string[] = [];
    for (let k = 0; k < 20; k++) {
      const model = randomPlacementModel(k);
      const exact = new PlacementStudy(model).run('exhaustive');
      assert.equal(exact.stopReason, 'complete');
      assert.equal(exact.settings.candidates.length, 12 + (k % 7));
      counts.push(exact.best.count);
      for (let seed = 1; seed <= 5; seed++) {
        const pure = new PlacementStudy(model, { bpso: { seed }, polish: false }).run('bpso');
        const full = new PlacementStudy(model, { bpso: { seed } }).run('bpso');
        assert.equal(pure.polish, null);
        assert.ok(pure.best.tscPerYr >= exact.best.tscPerYr - 1e-6, 'BPSO never beats the exact optimum');
        assert.ok(full.best.tscPerYr <= pure.best.tscPerYr + 1e-6, 'polishing never makes the answer worse');
        if (same(pure.best.tscPerYr, exact.best.tscPerYr)) swarm++;
        else misses.push(`feeder ${k} seed ${seed}`);
        if (same(full.best.tscPerYr, exact.best.tscPerYr)) polished++;
      }
    }
    console.log(`      BPSO alone reached the exhaustive optimum in ${swarm}/100 runs${misses.length ? ` (missed: ${misses.join(', ')})` : ''}, with polish ${polished}/100; optimal switch counts ${counts.join(',')}`);
    // The optima are not trivial: most place some switches and none places all.
    assert.ok(counts.filter((c) => c > 0).length >= 15);
    assert.ok(swarm >= 95, `BPSO reached the optimum in only ${swarm}/100 runs`);
    assert.ok(polished >= swarm);
  });

  describe('Ghion-like feeder with the thesis swarm (200 particles, c1 = c2 = 2, inertia 1, 47 candidates)', () => {
    let study: PlacementStudy;
    let r: PlacementResult;
    const thesisSwarm = { particles: 200, c1: 2, c2: 2, inertia: 1 };
    before(() => {
      study = new PlacementStudy(networkModel('ghion'), { bpso: { ...thesisSwarm, seed: 1 } });
      r = study.run('bpso');
    });

    it('runs to convergence: stops on no improvement, well before the iteration limit', () => {
      assert.equal(study.settings.candidates.length, 47);
      assert.equal(r.stopReason, 'stall');
      assert.ok(r.iterations < r.settings.bpso!.maxIterations);
      assert.equal(r.history.length, r.iterations + 1);
      for (let i = 1; i < r.history.length; i++) assert.ok(r.history[i].bestPerYr <= r.history[i - 1].bestPerYr);
      assert.ok(same(r.history.at(-1)!.bestPerYr, r.best.tscPerYr));
      assert.ok(r.best.count > 0 && r.best.count < 47);
    });

    it('ends at a placement no single added or removed switch improves', () => {
      const mask = study.maskOf(r.best.switches);
      for (let j = 0; j < mask.length; j++) {
        mask[j] ^= 1;
        const t = study.tsc(mask).tscPerYr;
        mask[j] ^= 1;
        assert.ok(t >= r.best.tscPerYr - 1e-6, `toggling ${study.settings.candidates[j]} gives ${t} < ${r.best.tscPerYr}`);
      }
    });

    it('other seeds reach the same total cost', () => {
      for (const seed of [2, 3]) {
        const other = new PlacementStudy(networkModel('ghion'), { bpso: { ...thesisSwarm, seed } }).run('bpso');
        assert.ok(same(other.best.tscPerYr, r.best.tscPerYr), `seed ${seed}: ${other.best.tscPerYr} vs ${r.best.tscPerYr}`);
      }
    });

    it('shows the qualitative result of Table 6.3', () => {
      const [none, all, opt, manual] = r.cases;
      assert.deepEqual(r.cases.map((c) => c.case), ['none', 'all', 'optimum', 'alternative']);
      // The optimal automated placement has the lowest TSC.
      for (const c of [none, all, manual]) assert.ok(opt.tscPerYr < c.tscPerYr, `${c.label}: ${c.tscPerYr} ≤ optimum ${opt.tscPerYr}`);
      // A switch everywhere costs more than it saves.
      assert.ok(all.tscPerYr > none.tscPerYr);
      assert.ok(all.fcPerYr > none.censPerYr - all.censPerYr);
      // Manual switches at the same places do worse than automated ones.
      assert.equal(manual.automated, false);
      assert.equal(manual.switches, opt.switches);
      assert.ok(manual.tscPerYr > opt.tscPerYr && manual.saidiHours > opt.saidiHours && manual.eensKWh > opt.eensKWh);
      // Switches everywhere give the best indices; none the worst (SAIDI, U, ASAI, EENS, AENS).
      for (const key of ['saidiHours', 'uHours', 'eensKWh', 'aensKWh'] as const) {
        assert.ok(all[key] < opt[key] && opt[key] < manual[key] && manual[key] < none[key], key);
      }
      assert.ok(all.asai > opt.asai && opt.asai > manual.asai && manual.asai > none.asai);
      assert.deepEqual(r.before, (({ case: _a, label: _b, automated: _c, switchingHours: _d, ...f }) => f)(none));
    });
  });
});
