/**
 * The O(N) evaluator equals the naive per-failure FMEA (test/support/reliability-oracle.ts) on
 * thousands of seeded random feeders: random sizes, devices, automation, fuse failures, ties with
 * availability and capacity, several sources, reconfigured and partly de-energised switch states,
 * candidate switch masks, momentary thresholds and transformer replacement. Per load point λ, U,
 * momentary λ and ECOST events, and per failed element its customer interruptions, customer hours
 * and energy not supplied.
 */
import assert from 'node:assert/strict';
import type { FeederModel } from '../../../lib/model/types';
import { damageCostPerKW } from '../../../lib/reliability/costs';
import { ReliabilityEvaluator } from '../../../lib/reliability/evaluator';
import { Rng } from '../../../lib/util/rng';
import { naiveFmea, type OracleResult } from '../../support/reliability-oracle';
import { randomCandidates, randomStates, variedFeeder, withDevices } from './support';

const TOL = 1e-9;

function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= TOL * Math.max(1, Math.abs(b)), `${what}: evaluator ${a} vs oracle ${b}`);
}

function compare(ev: ReliabilityEvaluator, o: OracleResult, model: FeederModel, where: string, detailed: boolean): void {
  for (let l = 0; l < ev.nLp; l++) {
    const id = `${where} load point ${model.loadPoints[l].id}`;
    assert.equal(ev.lpSupplied[l] === 1, o.supplied[l], `${id} supplied`);
    close(ev.lpLambda[l], o.lambda[l], `${id} λ`);
    close(ev.lpU[l], o.u[l], `${id} U`);
    close(ev.lpMomentary[l], o.momentary[l], `${id} λm`);
  }
  if (!detailed) return;
  for (let e = 0; e < ev.nElem; e++) {
    const key = ev.elemKind[e] === 0 ? `section:${model.sections[ev.elemRef[e]].id}` : `transformer:${model.loadPoints[ev.elemRef[e]].id}`;
    const c = o.contributions.get(key);
    assert.ok(c, `${where} ${key} missing in the oracle`);
    close(ev.attCI[e], c.ci, `${where} ${key} customer interruptions`);
    close(ev.attCH[e], c.ch, `${where} ${key} customer hours`);
    close(ev.attKWh[e], c.kwh, `${where} ${key} kWh`);
  }
  assert.equal(o.contributions.size, ev.nElem, `${where}: failed elements`);
}

describe('evaluator equals the naive FMEA oracle', function () {
  this.timeout(600000);

  it('on 2000 random feeders in their normal state (load points and per-element contributions)', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const model = variedFeeder(seed);
      const rng = new Rng(seed);
      const opts = { momentaryThresholdMin: rng.pick([5, 5, 0, 30, 90]), transformerReplacement: rng.bool(0.3) };
      const ev = new ReliabilityEvaluator(model, opts);
      ev.evaluate(undefined, undefined, true);
      compare(ev, naiveFmea(model, opts), model, `seed ${seed}`, true);
    }
  });

  it('on 600 random reconfigured or partly switched-off states', () => {
    let tried = 0;
    for (let seed = 1; tried < 600; seed++) {
      const model = variedFeeder(10000 + seed);
      const states = randomStates(model, seed);
      if (!states) continue;
      tried++;
      const ev = new ReliabilityEvaluator(model, { states });
      ev.evaluate(undefined, undefined, true);
      compare(ev, naiveFmea(model, { states }), model, `seed ${10000 + seed} states ${JSON.stringify(states)}`, true);
    }
  });

  it('with 600 random candidate masks (per-candidate specs and one common spec) against the same switches as devices', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const model = variedFeeder(20000 + seed);
      const states = seed % 3 === 0 ? randomStates(model, seed) : undefined;
      const cands = randomCandidates(model, seed, states);
      const ev = new ReliabilityEvaluator(model, { candidates: cands, states });
      const rng = new Rng(seed);
      for (let k = 0; k < 2; k++) {
        const mask = Uint8Array.from(cands, () => (rng.bool() ? 1 : 0));
        const spec = k === 1 ? { type: rng.pick(['switch', 'recloser'] as const), switchingHours: rng.pick([0.0167, 1]), failureProbability: 0.2 } : undefined;
        ev.evaluate(mask, spec, true);
        const m = withDevices(model, cands, mask, spec);
        compare(ev, naiveFmea(m, { states }), m, `seed ${20000 + seed} mask ${k}`, true);
      }
    }
  });

  it('ECOST per load point equals the oracle events priced by the damage functions', () => {
    const fns: Record<string, Array<[number, number]>> = {
      residential: [[1, 0.001], [20, 0.093], [60, 0.482], [240, 4.914], [480, 15.69]],
      commercial: [[1, 0.381], [20, 2.969], [60, 8.552], [240, 31.317], [480, 83.008]],
      industrial: [[1, 1.625], [20, 3.868], [60, 9.085], [240, 25.163], [480, 55.808]],
    };
    for (let seed = 1; seed <= 200; seed++) {
      const model = variedFeeder(30000 + seed);
      model.costs = { damageFunctions: fns };
      const ev = new ReliabilityEvaluator(model);
      ev.evaluate(undefined, undefined, true);
      const o = naiveFmea(model);
      let total = 0;
      for (let l = 0; l < ev.nLp; l++) {
        const lp = model.loadPoints[l];
        let expected = 0;
        for (const ev2 of o.events[l]) expected += ev2.rate * lp.avgKW * damageCostPerKW(fns[lp.customerClass!], ev2.hours * 60);
        close(ev.lpEcost[l], expected, `seed ${30000 + seed} ${lp.id} ECOST`);
        total += expected;
      }
      let attributed = 0;
      for (let e = 0; e < ev.nElem; e++) attributed += ev.attCost[e];
      close(attributed, total, `seed ${30000 + seed} ECOST attributed to elements`);
    }
  });
});
