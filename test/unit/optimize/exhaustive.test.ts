import assert from 'node:assert/strict';
import { exhaustive, grayToggleBit } from '../../../lib/optimize/exhaustive';
import { Rng } from '../../../lib/util/rng';

describe('exhaustive search', () => {
  it('visits every position exactly once, one toggle per step (Gray code)', () => {
    const seen: string[] = [];
    exhaustive(10, (x) => { seen.push(x.join('')); return 0; });
    assert.equal(seen.length, 1024);
    assert.equal(new Set(seen).size, 1024);
    for (let k = 1; k < seen.length; k++) {
      let diff = 0;
      for (let j = 0; j < 10; j++) if (seen[k][j] !== seen[k - 1][j]) diff++;
      assert.equal(diff, 1, `step ${k} changes ${diff} bits`);
    }
    assert.deepEqual([1, 2, 3, 4, 8, 12].map(grayToggleBit), [0, 1, 0, 2, 3, 2]);
  });

  it('returns the same optimum as plain binary enumeration on random objectives', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 20; trial++) {
      const n = rng.int(1, 12);
      const table = Array.from({ length: 2 ** n }, () => rng.range(-100, 100));
      // index = Σ x[j]·2^j
      const f = (x: Uint8Array) => table[x.reduce((s, b, j) => s + b * 2 ** j, 0)];
      let bestIdx = 0;
      for (let i = 1; i < table.length; i++) if (table[i] < table[bestIdx]) bestIdx = i;
      const r = exhaustive(n, f);
      assert.equal(r.bestCost, table[bestIdx]);
      assert.deepEqual(Array.from(r.best), Array.from({ length: n }, (_, j) => (bestIdx >> j) & 1));
      assert.equal(r.evaluations, 2 ** n);
      assert.equal(r.complete, true);
      assert.equal(r.ties, 1);
    }
  });

  it('counts ties at the optimum', () => {
    // cost = |number of ones − 2|: C(6,2) = 15 positions reach 0
    const r = exhaustive(6, (x) => Math.abs(x.reduce((s, b) => s + b, 0) - 2));
    assert.equal(r.bestCost, 0);
    assert.equal(r.ties, 15);
  });

  it('refuses more than 20 candidates, and stops when asked', () => {
    assert.throws(() => exhaustive(21, () => 0), /2\^21 positions; the limit is 20/);
    const r = exhaustive(16, () => 1, { progressEvery: 1000, shouldStop: () => true });
    assert.equal(r.complete, false);
    assert.equal(r.evaluations, 1000);
  });
});
