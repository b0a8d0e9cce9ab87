import assert from 'node:assert/strict';
import { Bpso, bpso, inertiaAt, resolveBpsoOptions, sigmoid, type Objective } from '../../../lib/optimize/bpso';
import { exhaustive } from '../../../lib/optimize/exhaustive';
import { Rng } from '../../../lib/util/rng';

/** Number of zero bits: minimum 0 at all ones. */
const zeros: Objective = (x) => x.reduce((s, b) => s + (1 - b), 0);

/** Distance to a target string, weighted by distinct powers so that no two positions tie. */
function weightedTarget(target: number[]): Objective {
  return (x) => {
    let c = 0;
    for (let j = 0; j < x.length; j++) if (x[j] !== target[j]) c += 2 ** (j % 30) + j * 1e-3;
    return c;
  };
}

/** 0/1 knapsack as minimisation: −value, with a penalty per unit of excess weight. */
function knapsack(values: number[], weights: number[], capacity: number): Objective {
  return (x) => {
    let v = 0;
    let w = 0;
    for (let j = 0; j < x.length; j++) if (x[j]) { v += values[j]; w += weights[j]; }
    return w > capacity ? -v + 1000 * (w - capacity) : -v;
  };
}

describe('BPSO (thesis ch. 5)', () => {
  it('sigmoid transfer is eq. 5.7', () => {
    assert.equal(sigmoid(0), 0.5);
    assert.ok(Math.abs(sigmoid(4) - 0.9820137900379085) < 1e-15);
    assert.ok(Math.abs(sigmoid(-4) - (1 - 0.9820137900379085)) < 1e-15);
  });

  it('inertia decreases linearly from 0.9 to 0.2 by eq. 5.6, or stays constant', () => {
    const w = { start: 0.9, end: 0.2 };
    assert.equal(inertiaAt(w, 1, 101), 0.9);
    assert.ok(Math.abs(inertiaAt(w, 101, 101) - 0.2) < 1e-15);
    // halfway: (0.2 − 0.9)·50/100 + 0.9 = 0.55
    assert.ok(Math.abs(inertiaAt(w, 51, 101) - 0.55) < 1e-15);
    assert.equal(inertiaAt(1, 37, 100), 1);
  });

  it('applies the inertia schedule to the velocities (c1 = c2 = 0 leaves only w·v)', () => {
    const run = new Bpso(6, zeros, { c1: 0, c2: 0, inertia: { start: 0.9, end: 0.2 }, maxIterations: 8, vMax: 4, seed: 6 });
    run.init();
    let v = run.velocities();
    for (let t = 1; t <= 8; t++) {
      run.step();
      const w = 0.9 + ((0.2 - 0.9) * (t - 1)) / 7;
      const now = run.velocities();
      for (let k = 0; k < v.length; k++) assert.ok(Math.abs(now[k] - w * v[k]) < 1e-12, `iteration ${t}, velocity ${k}`);
      v = now;
    }
  });

  it('solves OneMax on 40 bits', () => {
    const r = bpso(40, zeros, { seed: 3 });
    assert.equal(r.bestCost, 0);
    assert.ok(r.best.every((b) => b === 1));
  });

  it('finds a hidden 24-bit target string', () => {
    const rng = new Rng(11);
    const target = Array.from({ length: 24 }, () => (rng.bool() ? 1 : 0));
    const r = bpso(24, weightedTarget(target), { seed: 5 });
    assert.deepEqual(Array.from(r.best), target);
    assert.equal(r.bestCost, 0);
  });

  it('finds the exact optimum of a 16-item knapsack (checked by exhaustive search) with 60 particles', () => {
    // A penalised knapsack is harder for BPSO than placement: 30 particles find it in about 3 of 4 runs.
    const rng = new Rng(2);
    const values = Array.from({ length: 16 }, () => rng.int(5, 60));
    const weights = Array.from({ length: 16 }, () => rng.int(3, 40));
    const f = knapsack(values, weights, 150);
    const exact = exhaustive(16, f);
    let hits = 0;
    for (let seed = 1; seed <= 20; seed++) if (bpso(16, f, { seed, particles: 60 }).bestCost === exact.bestCost) hits++;
    assert.ok(hits >= 19, `BPSO reached the knapsack optimum ${exact.bestCost} in ${hits}/20 runs`);
  });

  it('lbest ring also converges, and differs from gbest', () => {
    const rng = new Rng(12);
    const target = Array.from({ length: 20 }, () => (rng.bool() ? 1 : 0));
    const f = weightedTarget(target);
    const ring = bpso(20, f, { seed: 4, topology: 'lbest', neighbours: 2 });
    const star = bpso(20, f, { seed: 4 });
    assert.equal(ring.bestCost, 0);
    assert.notDeepEqual(ring.history, star.history);
  });

  it('a ring spanning the whole swarm behaves exactly like gbest', () => {
    const rng = new Rng(13);
    const f = weightedTarget(Array.from({ length: 18 }, () => (rng.bool() ? 1 : 0)));
    const star = bpso(18, f, { seed: 9, particles: 11, maxIterations: 30 });
    const ring = bpso(18, f, { seed: 9, particles: 11, maxIterations: 30, topology: 'lbest', neighbours: 5 });
    assert.deepEqual(ring.history, star.history);
  });

  it('is reproducible: same seed same run, other seed other run', () => {
    const rng = new Rng(7);
    const f = weightedTarget(Array.from({ length: 30 }, () => (rng.bool() ? 1 : 0)));
    const a = bpso(30, f, { seed: 42, maxIterations: 25 });
    const b = bpso(30, f, { seed: 42, maxIterations: 25 });
    const c = bpso(30, f, { seed: 43, maxIterations: 25 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.history, c.history);
  });

  it('keeps every velocity within ±vMax', () => {
    const run = new Bpso(12, zeros, { c1: 50, c2: 50, vMax: 1.5, seed: 2, stallIterations: 0 });
    run.init();
    for (let t = 0; t < 10; t++) {
      run.step();
      const v = run.velocities();
      assert.ok(v.every((x) => Math.abs(x) <= 1.5), `iteration ${t + 1}: a velocity left ±1.5`);
      assert.ok(v.some((x) => Math.abs(x) === 1.5), 'with c1 = c2 = 50 some velocities sit at the clamp');
    }
  });

  it('records best and mean per iteration; best never rises and never exceeds the mean', () => {
    const r = bpso(20, zeros, { seed: 8, maxIterations: 15, stallIterations: 0 });
    assert.equal(r.history.length, 16);
    assert.deepEqual(r.history.map((h) => h.iteration), Array.from({ length: 16 }, (_, i) => i));
    for (let i = 1; i < r.history.length; i++) assert.ok(r.history[i].best <= r.history[i - 1].best);
    for (const h of r.history) assert.ok(h.best <= h.mean);
    assert.equal(r.history.at(-1)!.best, r.bestCost);
    assert.equal(r.stopReason, 'maxIterations');
    assert.equal(r.iterations, 15);
  });

  it('stops after stallIterations without improvement', () => {
    const r = bpso(10, () => 7, { seed: 1, stallIterations: 12 });
    assert.equal(r.stopReason, 'stall');
    assert.equal(r.iterations, 12);
    assert.equal(r.bestIteration, 0);
  });

  it('serves repeated positions from its cache: evaluations count distinct positions only', () => {
    const seen = new Set<string>();
    let calls = 0;
    const f: Objective = (x) => { calls++; seen.add(x.join('')); return zeros(x); };
    const r = bpso(8, f, { seed: 3, particles: 20, maxIterations: 30, stallIterations: 0 });
    assert.equal(r.evaluations, calls);
    assert.equal(calls, seen.size, 'no position is evaluated twice');
    assert.equal(r.positions, 20 * 31);
    const uncached = bpso(8, zeros, { seed: 3, particles: 20, maxIterations: 30, stallIterations: 0, cache: false });
    assert.equal(uncached.evaluations, 20 * 31);
    assert.deepEqual(uncached.history, r.history, 'the cache does not change the run');
  });

  it('starts particles from given positions', () => {
    const good = new Array(25).fill(1);
    const r = bpso(25, zeros, { seed: 1, maxIterations: 1, initialPositions: [good] });
    assert.equal(r.history[0].best, 0);
    assert.throws(() => bpso(25, zeros, { initialPositions: [[1, 0]] }), /initialPositions\[0\] has 2 bits, expected 25/);
  });

  it('stops when asked and keeps the best so far', () => {
    let iterations = 0;
    const r = bpso(30, zeros, { seed: 1, stallIterations: 0 }, { onIteration: () => iterations++, shouldStop: () => iterations >= 5 });
    assert.equal(r.stopReason, 'cancelled');
    assert.equal(r.iterations, 4);
    assert.equal(r.history.length, 5);
  });

  it('rejects bad options by name', () => {
    assert.throws(() => resolveBpsoOptions({ particles: 0 }), /particles must be a whole number ≥ 1 \(got 0\)/);
    assert.throws(() => resolveBpsoOptions({ vMax: -1 }), /vMax must be > 0/);
    assert.throws(() => resolveBpsoOptions({ inertia: { start: 0.9 } as never }), /inertia must be/);
    assert.throws(() => resolveBpsoOptions({ topology: 'wheel' as never }), /topology must be "gbest" or "lbest"/);
    assert.throws(() => resolveBpsoOptions({ particle: 200 } as never), /BPSO option "particle" is not known \(options: particles, /);
    assert.throws(() => new Bpso(0, zeros), /at least one dimension/);
    assert.throws(() => bpso(3, () => NaN), /objective returned NaN/);
  });
});
