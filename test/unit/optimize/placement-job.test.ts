import assert from 'node:assert/strict';
import { networkModel } from '../../../lib/networks';
import { PlacementStudy, type PlacementProgress } from '../../../lib/optimize/placement';
import { startPlacementJob, type JobMode } from '../../../lib/optimize/placement-job';

const overrides = { bpso: { particles: 40, seed: 7 } };

describe('placement jobs (worker thread and inline)', function () {
  this.timeout(60000);

  for (const mode of ['inline', 'worker'] as JobMode[]) {
    it(`${mode}: returns the synchronous run's result and reports every iteration`, async () => {
      const model = networkModel('ghion');
      const sync = new PlacementStudy(model, overrides).run('bpso');
      const progress: PlacementProgress[] = [];
      const job = startPlacementJob({ model, overrides }, { mode, onProgress: (p) => progress.push(p) });
      assert.equal(job.mode, mode);
      const r = await job.result;
      assert.deepEqual(r.best, sync.best);
      assert.deepEqual(r.history, sync.history);
      assert.deepEqual(r.cases, sync.cases);
      assert.equal(progress.length, r.iterations + 1);
      assert.deepEqual(progress.map((p) => p.iteration), r.history.map((h) => h.iteration));
      // The last report carries the polished answer; the earlier ones the swarm's best so far.
      assert.deepEqual(progress.slice(0, -1).map((p) => p.bestPerYr), r.history.slice(0, -1).map((h) => h.bestPerYr));
      assert.equal(progress.at(-1)!.bestPerYr, r.best.tscPerYr);
      assert.deepEqual(progress.at(-1)!.bestSwitches, r.best.switches);
    });

    it(`${mode}: cancels with the best found so far`, async () => {
      const model = networkModel('ghion');
      const progress: PlacementProgress[] = [];
      const job = startPlacementJob({ model, overrides: { bpso: { particles: 50, maxIterations: 100000, stallIterations: 0, seed: 1 } } }, {
        mode, onProgress: (p) => { progress.push(p); if (p.iteration === 2) job.cancel(); },
      });
      const r = await job.result;
      assert.equal(r.stopReason, 'cancelled');
      assert.ok(r.iterations >= 2 && r.iterations < 100000);
      assert.ok(Number.isFinite(r.best.tscPerYr));
      assert.equal(r.cases.length, 4);
    });
  }

  it('worker: an exhaustive job and throttled progress (first and last step only)', async () => {
    const model = networkModel('textbook-fuses');
    model.costs = { perKWh: { default: 1 } };
    model.placement = { investmentPerSwitch: 80000, lifeYears: 20, interestRate: 0, annualisation: 'crf' };
    const progress: PlacementProgress[] = [];
    const r = await startPlacementJob({ model, method: 'exhaustive' }, { progressIntervalMs: 3600000, onProgress: (p) => progress.push(p) }).result;
    assert.equal(r.method, 'exhaustive');
    assert.equal(r.evaluations, 256);
    assert.equal(progress.length, 1, 'one chunk: its single report is the last');
    assert.equal(progress[0].fraction, 1);
    const many: PlacementProgress[] = [];
    const b = await startPlacementJob({ model: networkModel('ghion'), overrides: { bpso: { particles: 20, seed: 2 } } }, { progressIntervalMs: 3600000, onProgress: (p) => many.push(p) }).result;
    assert.ok(b.iterations > 2);
    assert.deepEqual(many.map((p) => p.iteration), [0, b.iterations]);
  });

  it('refuses bad input before starting anything', () => {
    const model = networkModel('ghion');
    assert.throws(() => startPlacementJob({ model, overrides: { candidates: [] } }), /no candidate sections/);
    assert.throws(() => startPlacementJob({ model, overrides: { costs: { perKWh: { residential: -2 } } } }), /costs\.perKWh\.residential must be a number ≥ 0/);
    assert.throws(() => startPlacementJob({ model, method: 'exhaustive' }), /exhaustive search is limited to 20 candidates \(this study has 47\)/);
    assert.throws(() => startPlacementJob({ model, method: 'annealing' as never }), /method must be "bpso" or "exhaustive"/);
  });
});
