/**
 * dms-switch-placement node: a study on the Ghion-like feeder in a worker thread (and inline),
 * progress as summaries and as chart data, cancel by message, the result's shape, and bad input
 * (no candidates, invalid costs, unknown keys, a model without study settings) failing with
 * done(err), a red status and no output. The example flow deploys.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { helper, builtNode, waitFor, coreNodes } from '../support/node-red';

const feederNode = builtNode('dms-feeder');
const placementNode = builtNode('dms-switch-placement');
const core = coreNodes('common/20-inject', 'common/21-debug', 'common/25-catch', 'common/90-comment');

type Msg = { topic: string; payload: unknown; [k: string]: unknown };
type Status = { fill?: string; text?: string };
type TestNode = {
  receive(msg: unknown): void;
  on(ev: 'input', fn: (m: Msg) => void): void;
  on(ev: 'call:error' | 'call:status' | 'call:warn', fn: (c: { args: unknown[] }) => void): void;
};

interface Result {
  best: { switches: string[]; count: number; tscPerYr: number; fcPerYr: number; censPerYr: number; feasible: boolean };
  cases: Array<{ case: string; tscPerYr: number; fcPerYr: number; censPerYr: number; saidiHours: number; uHours: number; asai: number; eensKWh: number; aensKWh: number; switches: number }>;
  history: Array<{ iteration: number; bestPerYr: number; meanPerYr: number }>;
  before: { tscPerYr: number };
  after: { tscPerYr: number };
  evaluations: number;
  iterations: number;
  stopReason: string;
  method: string;
  currency: string;
  settings: { candidates: string[]; bpso: { particles: number; seed: number } };
}

async function setup(over: Record<string, unknown> = {}, network = 'ghion') {
  await helper.load([feederNode, placementNode], [
    { id: 'f1', type: 'dms-feeder', name: 'Ghion', source: 'network', network },
    { id: 'n1', type: 'dms-switch-placement', name: 'place', feeder: 'f1', method: 'bpso', particles: '40', seed: '3', progress: 'summary', progressInterval: '0', thread: 'worker', polish: true, wires: [['res'], ['prog']], ...over },
    { id: 'res', type: 'helper' },
    { id: 'prog', type: 'helper' },
  ]);
  const n1 = helper.getNode('n1') as TestNode;
  const results: Msg[] = [];
  const progress: Msg[] = [];
  const errors: string[] = [];
  const warnings: string[] = [];
  const statuses: Status[] = [];
  (helper.getNode('res') as TestNode).on('input', (m) => results.push(m));
  (helper.getNode('prog') as TestNode).on('input', (m) => progress.push(m));
  n1.on('call:error', (c) => errors.push(String(c.args[0])));
  n1.on('call:warn', (c) => warnings.push(String(c.args[0])));
  n1.on('call:status', (c) => statuses.push(c.args[0] as Status));
  return { n1, results, progress, errors, warnings, statuses };
}

describe('dms-switch-placement node', function () {
  this.timeout(60000);
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });

  for (const thread of ['worker', 'inline']) {
    it(`${thread}: sends placement/result with the optimum, the four cases and the convergence; progress every iteration`, async () => {
      const { n1, results, progress, statuses, errors } = await setup({ thread });
      n1.receive({ payload: Date.now(), correlation: 'study-1' });
      await waitFor(() => results.length === 1, 'result', 30000);
      assert.deepEqual(errors, []);
      const msg = results[0];
      assert.equal(msg.topic, 'placement/result');
      assert.equal(msg.correlation, 'study-1', 'message properties are kept');
      const r = msg.payload as Result;
      assert.equal(r.method, 'bpso');
      assert.equal(r.currency, 'ETB');
      assert.equal(r.settings.candidates.length, 47);
      assert.equal(r.settings.bpso.particles, 40);
      assert.equal(r.settings.bpso.seed, 3);
      assert.ok(r.best.count > 0 && r.best.switches.length === r.best.count);
      assert.ok(Math.abs(r.best.tscPerYr - (r.best.fcPerYr + r.best.censPerYr)) < 1e-6);
      assert.deepEqual(r.cases.map((c) => c.case), ['none', 'all', 'optimum', 'alternative']);
      for (const c of r.cases) for (const k of ['saidiHours', 'uHours', 'asai', 'eensKWh', 'aensKWh', 'tscPerYr'] as const) assert.equal(typeof c[k], 'number');
      assert.ok(r.after.tscPerYr < r.before.tscPerYr);
      assert.equal(r.history.length, r.iterations + 1);
      assert.ok(['stall', 'maxIterations'].includes(r.stopReason));
      // Progress: one summary per iteration (interval 0), with the convergence so far.
      assert.equal(progress.length, r.iterations + 1);
      for (const p of progress) assert.equal(p.topic, 'placement/progress');
      const lastP = progress.at(-1)!.payload as { iteration: number; bestPerYr: number; history: unknown[]; bestSwitches: string[] };
      assert.equal(lastP.iteration, r.iterations);
      assert.equal(lastP.history.length, r.iterations + 1);
      assert.deepEqual(lastP.bestSwitches, r.best.switches);
      assert.ok(statuses.some((s) => s.fill === 'blue' && /^iteration \d+\/200/.test(s.text ?? '')));
      const last = statuses.at(-1)!;
      assert.equal(last.fill, 'green');
      assert.match(last.text!, new RegExp(`^${r.best.count} switches, TSC [\\d,]+ ETB/yr \\(-\\d+ %\\)`));
    });
  }

  it('sends chart data for a dashboard chart: best and mean per iteration so far', async () => {
    const { n1, results, progress } = await setup({ progress: 'chart' });
    n1.receive({ payload: { bpso: { particles: 20, seed: 1 } } });
    await waitFor(() => results.length === 1, 'result', 30000);
    const r = results[0].payload as Result;
    const chart = progress.at(-1)!.payload as Array<{ series: string[]; data: Array<Array<{ x: number; y: number }>>; labels: string[] }>;
    assert.equal(chart.length, 1);
    assert.deepEqual(chart[0].series, ['best', 'mean']);
    assert.deepEqual(chart[0].data[0].map((p) => p.x), r.history.map((h) => h.iteration));
    assert.deepEqual(chart[0].data[1].map((p) => p.y), r.history.map((h) => h.meanPerYr));
    assert.equal(r.settings.bpso.particles, 20, 'payload.bpso overrides the node settings');
  });

  it('throttles progress: with a long interval only the first and the last report', async () => {
    const { n1, results, progress } = await setup({ progressInterval: '3600000' });
    n1.receive({ payload: 1 });
    await waitFor(() => results.length === 1, 'result', 30000);
    const r = results[0].payload as Result;
    assert.deepEqual(progress.map((p) => (p.payload as { iteration: number }).iteration), [0, r.iterations]);
  });

  it('cancels on placement/cancel and sends the best placement so far', async () => {
    const { n1, results, progress, statuses, warnings } = await setup();
    n1.receive({ payload: 'cancel with nothing running', topic: 'placement/cancel' });
    await waitFor(() => warnings.length === 1, 'warning');
    assert.match(warnings[0], /no placement study is running/);
    n1.receive({ payload: { bpso: { maxIterations: 100000, stallIterations: 0 } } });
    await waitFor(() => progress.length >= 2, 'progress');
    n1.receive({ topic: 'placement/cancel', payload: true });
    await waitFor(() => results.length === 1, 'cancelled result', 30000);
    const r = results[0].payload as Result;
    assert.equal(r.stopReason, 'cancelled');
    assert.ok(r.iterations < 100000);
    assert.ok(r.best.tscPerYr > 0 && r.cases.length === 4);
    const last = statuses.at(-1)!;
    assert.equal(last.fill, 'yellow');
    assert.match(last.text!, /^cancelled: \d+ switches, TSC/);
  });

  for (const thread of ['worker', 'inline']) {
    it(`${thread}: a redeploy while a study runs stops it quietly`, async () => {
      const { n1, errors, progress, results } = await setup({ thread });
      n1.receive({ payload: { bpso: { maxIterations: 100000, stallIterations: 0 } } });
      await waitFor(() => progress.length >= 2, 'progress');
      await helper.unload();
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(errors, []);
      assert.equal(results.length, 0);
    });
  }

  it('refuses a second study while one runs', async () => {
    const { n1, results, errors, progress } = await setup();
    n1.receive({ payload: { bpso: { maxIterations: 100000, stallIterations: 0 } } });
    await waitFor(() => progress.length >= 1, 'progress');
    n1.receive({ payload: 2 });
    await waitFor(() => errors.length === 1, 'error');
    assert.match(errors[0], /a placement study is already running \(send topic placement\/cancel to stop it\)/);
    n1.receive({ topic: 'placement/cancel' });
    await waitFor(() => results.length === 1, 'cancelled result', 30000);
  });

  it('fails clearly on no candidates, invalid costs, unknown keys and missing study settings, sending nothing', async () => {
    const { n1, results, progress, errors, statuses } = await setup();
    const cases: Array<[unknown, RegExp]> = [
      [{ candidates: [] }, /placement \(override\)\.candidates: no candidate sections/],
      [{ candidates: ['S1', 'X9'] }, /candidates\[1\] "X9": section does not exist/],
      [{ costs: { perKWh: { residential: -1 } } }, /costs\.perKWh\.residential must be a number ≥ 0 \(got -1\)/],
      [{ costs: { loadFactor: 2 } }, /costs\.loadFactor must be a number within 0\.\.1 \(got 2\)/],
      [{ costMethod: 'ecost' }, /costMethod "ecost" needs costs\.damageFunctions/],
      [{ method: 'exhaustive' }, /exhaustive search is limited to 20 candidates \(this study has 47\)/],
      [{ particles: 10 }, /payload\.particles is not recognised/],
      [{ bpso: { particles: 0 } }, /placement\.bpso: BPSO option particles must be a whole number ≥ 1 \(got 0\)/],
      [{ bpso: { particle: 200 } }, /placement\.bpso: BPSO option "particle" is not known/],
    ];
    for (const [payload, re] of cases) {
      const before = errors.length;
      n1.receive({ payload });
      await waitFor(() => errors.length === before + 1, `error for ${JSON.stringify(payload)}`);
      assert.match(errors.at(-1)!, re);
      assert.equal(statuses.at(-1)!.fill, 'red');
    }
    assert.equal(results.length, 0);
    assert.equal(progress.length, 0);
    // The node is still usable after the errors.
    n1.receive({ payload: { candidates: ['S19', 'S26', 'S31'], method: 'exhaustive' } });
    await waitFor(() => results.length === 1, 'exhaustive result', 30000);
    const r = results[0].payload as Result;
    assert.equal(r.method, 'exhaustive');
    assert.equal(r.evaluations, 8);
  });

  it('a model without placement and costs blocks names what is missing', async () => {
    const { n1, errors, results } = await setup({}, 'rbts-bus2');
    n1.receive({ payload: 1 });
    await waitFor(() => errors.length === 1, 'error');
    assert.match(errors[0], /placement: investmentPerSwitch, lifeYears, interestRate are required/);
    n1.receive({ payload: { investmentPerSwitch: 5000, lifeYears: 20, interestRate: 0.08 } });
    await waitFor(() => errors.length === 2, 'error');
    assert.match(errors[1], /costs: no interruption cost given/);
    n1.receive({ payload: { investmentPerSwitch: 5000, lifeYears: 20, interestRate: 0.08, costs: { perKWh: { default: 2 } }, candidates: ['L4', 'L7', 'L10'], method: 'exhaustive' } });
    await waitFor(() => results.length === 1, 'result', 30000);
  });

  it('reports a bad node configuration on deploy and fails every message with it', async () => {
    const { n1, errors, statuses } = await setup({ particles: '0' });
    n1.receive({ payload: 1 });
    await waitFor(() => errors.length >= 1, 'error');
    assert.match(errors.at(-1)!, /configuration: particles must be a whole number ≥ 1 \(got "0"\)/);
    assert.equal(statuses.at(-1)!.fill, 'red');
  });

  it('deploys the example flow', async () => {
    const file = path.join(__dirname, '..', '..', 'examples', 'flows', 'switch-placement.json');
    const nodes = JSON.parse(readFileSync(file, 'utf8')) as Array<{ type: string; id: string }>;
    await helper.load([feederNode, placementNode, ...core], nodes);
    const placement = nodes.find((n) => n.type === 'dms-switch-placement')!;
    assert.ok(helper.getNode(placement.id));
    assert.ok(nodes.some((n) => n.type === 'comment'));
  });
});
