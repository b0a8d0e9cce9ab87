/**
 * Invariants of predictive reliability on random radial feeders (fast-check over seeds):
 * - adding switches never raises any load point's U or sustained λ (whatever their type and speed);
 * - automating devices (faster switching) never raises SAIDI nor any load point's U;
 * - automation only moves interruptions between sustained and momentary: SAIFI + MAIFI is unchanged;
 * - the failed elements' contributions add up to the system SAIFI, SAIDI and ENS.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FeederModel } from '../../../lib/model/types';
import { ReliabilityEvaluator } from '../../../lib/reliability/evaluator';
import { evaluatePredictive } from '../../../lib/reliability/predictive';
import { Rng } from '../../../lib/util/rng';
import { randomCandidates, randomStates, variedFeeder } from './support';

const EPS = 1e-9;
const seeds = fc.integer({ min: 1, max: 1_000_000 });

describe('predictive reliability properties', function () {
  this.timeout(300000);

  it('adding a switch never raises any load point U or λ', () => {
    fc.assert(fc.property(seeds, (seed) => {
      const model = variedFeeder(seed);
      const states = seed % 4 === 0 ? randomStates(model, seed) : undefined;
      const cands = randomCandidates(model, seed + 1, states);
      if (!cands.length) return;
      const ev = new ReliabilityEvaluator(model, { candidates: cands, states });
      const rng = new Rng(seed);
      const before = Uint8Array.from(cands, () => (rng.bool(0.4) ? 1 : 0));
      ev.evaluate(before);
      const u0 = ev.lpU.slice();
      const l0 = ev.lpLambda.slice();
      // Add one more switch, then all of them.
      const off = [...before.keys()].filter((i) => !before[i]);
      for (const after of [off.length ? Uint8Array.from(before, (v, i) => (i === off[0] ? 1 : v)) : before, new Uint8Array(cands.length).fill(1)]) {
        ev.evaluate(after);
        for (let l = 0; l < ev.nLp; l++) {
          assert.ok(ev.lpU[l] <= u0[l] + EPS, `seed ${seed}: U of ${model.loadPoints[l].id} rose from ${u0[l]} to ${ev.lpU[l]}`);
          assert.ok(ev.lpLambda[l] <= l0[l] + EPS, `seed ${seed}: λ of ${model.loadPoints[l].id} rose from ${l0[l]} to ${ev.lpLambda[l]}`);
        }
      }
    }), { numRuns: 400 });
  });

  it('automation never raises SAIDI or any U, and leaves SAIFI + MAIFI unchanged', () => {
    fc.assert(fc.property(seeds, fc.double({ min: 0, max: 0.2, noNaN: true }), (seed, automatedHours) => {
      const model = variedFeeder(seed);
      const rng = new Rng(seed + 3);
      const automated: FeederModel = JSON.parse(JSON.stringify(model));
      let changed = 0;
      for (const d of automated.devices) {
        if (d.automated || !rng.bool(0.5)) continue;
        d.automated = true;
        d.switchingHours = Math.min(d.switchingHours, automatedHours);
        changed++;
      }
      if (!changed) return;
      const a = new ReliabilityEvaluator(model);
      const b = new ReliabilityEvaluator(automated);
      const sa = { ...a.evaluate() };
      const sb = b.evaluate();
      assert.ok(sb.saidi <= sa.saidi + EPS, `seed ${seed}: SAIDI rose from ${sa.saidi} to ${sb.saidi}`);
      assert.ok(Math.abs(sb.saifi + sb.maifi - (sa.saifi + sa.maifi)) <= EPS, `seed ${seed}: SAIFI + MAIFI changed from ${sa.saifi + sa.maifi} to ${sb.saifi + sb.maifi}`);
      for (let l = 0; l < a.nLp; l++) {
        assert.ok(b.lpU[l] <= a.lpU[l] + EPS, `seed ${seed}: U of ${model.loadPoints[l].id} rose`);
        assert.ok(Math.abs(b.lpLambda[l] + b.lpMomentary[l] - a.lpLambda[l] - a.lpMomentary[l]) <= EPS, `seed ${seed}: interruptions of ${model.loadPoints[l].id} changed`);
      }
    }), { numRuns: 400 });
  });

  it("the failed elements' contributions add up to SAIFI, SAIDI and ENS", () => {
    fc.assert(fc.property(seeds, (seed) => {
      const model = variedFeeder(seed);
      const r = evaluatePredictive(model);
      const sum = (f: (c: (typeof r.contributions)[number]) => number): number => r.contributions.reduce((s, c) => s + f(c), 0);
      assert.ok(Math.abs(sum((c) => c.saifi) - r.system.saifi) <= 1e-9 * Math.max(1, r.system.saifi));
      assert.ok(Math.abs(sum((c) => c.saidiHours) - r.system.saidi) <= 1e-9 * Math.max(1, r.system.saidi));
      assert.ok(Math.abs(sum((c) => c.ensKWh) - r.system.ensKWh) <= 1e-9 * Math.max(1, r.system.ensKWh));
      if (r.system.saidi > 0) assert.ok(Math.abs(sum((c) => c.saidiShare) - 1) <= 1e-9);
      for (let i = 1; i < r.contributions.length; i++) assert.ok(r.contributions[i - 1].saidiHours >= r.contributions[i].saidiHours, 'ranked');
    }), { numRuns: 200 });
  });
});
