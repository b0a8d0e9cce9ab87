/** `dms reliability` through the dispatcher with captured output. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../lib/cli';
import { networkModel } from '../../../lib/networks';
import type { MonteCarloResult } from '../../../lib/reliability/montecarlo';
import type { PredictiveResult } from '../../../lib/reliability/types';

interface Run { code: number; out: string[]; err: string[] }

async function run(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out, err };
}

function json<T = PredictiveResult>(r: Run): T {
  assert.equal(r.out.length, 1, `expected one document, got ${JSON.stringify(r.out)}`);
  return JSON.parse(r.out[0]) as T;
}

describe('dms reliability', function () {
  this.timeout(60000);
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'dms-rel-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints the documented shape (RBTS Bus 2: SAIDI 3.6126 h/yr)', async () => {
    const r = await run('reliability', '--network', 'rbts-bus2', '--json');
    assert.equal(r.code, 0);
    const doc = json(r);
    for (const k of ['saifi', 'saidi', 'caidi', 'asai', 'asui', 'maifi', 'ensKWh', 'aensKWh', 'cens', 'ecost', 'customers']) assert.ok(k in doc.system, k);
    assert.ok(Math.abs(doc.system.saidi - 3.612587) < 1e-5);
    assert.equal(doc.loadPoints.length, 22);
    for (const k of ['id', 'lambda', 'u', 'r', 'lambdaMomentary', 'ensKWh']) assert.ok(k in doc.loadPoints[0], k);
    assert.equal(doc.contributions[0].element, 'transformer');
    assert.ok(doc.contributions[0].saidiHours >= doc.contributions[1].saidiHours);
  });

  it('reads model options from a file and lets flags override them; text output lists the contributions', async () => {
    const model = networkModel('rbts-bus2');
    model.options = { transformerReplacement: true };
    const file = path.join(dir, 'rbts.json');
    writeFileSync(file, JSON.stringify(model));
    const viaModel = json(await run('reliability', file, '--json'));
    assert.ok(Math.abs(viaModel.system.saidi - 0.765575) < 1e-5);
    const viaFlag = json(await run('reliability', file, '--json', '--repair'));
    assert.ok(Math.abs(viaFlag.system.saidi - 3.612587) < 1e-5);
    const text = await run('reliability', file, '--top', '3');
    assert.equal(text.code, 0);
    const all = text.out.join('\n');
    assert.match(all, /SAIDI 0\.7656 h\/yr/);
    assert.match(all, /transformer replacement times/);
    assert.match(all, /largest contributions to SAIDI \(3 of 56 failed elements\)/);
  });

  it('--csv prints the load point table; --states applies switch states', async () => {
    const states = path.join(dir, 'states.json');
    writeFileSync(states, JSON.stringify({ switchStates: { DS3: false } }));
    const r = await run('reliability', '--network', 'textbook-fuses-disconnects', '--csv', '--states', states);
    assert.equal(r.code, 0);
    const lines = r.out.join('\n').split('\n');
    assert.equal(lines[0], 'id,customers,lambda,u,r,lambdaMomentary,ensKWh,cens,ecost');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), ['A', 'B']);
  });

  it('--monte-carlo prints means, intervals and the spread', async () => {
    const doc = json<MonteCarloResult>(await run('reliability', '--network', 'textbook-alternate-supply', '--monte-carlo', '--years', '3000', '--seed', '4', '--json'));
    assert.equal(doc.method, 'montecarlo');
    assert.equal(doc.years, 3000);
    assert.equal(doc.seed, 4);
    assert.ok(doc.spread.saidi.p10 <= doc.spread.saidi.p90);
    assert.ok(doc.confidence95.saidi[0] <= doc.system.saidi && doc.system.saidi <= doc.confidence95.saidi[1]);
    const text = await run('reliability', '--network', 'textbook-alternate-supply', '--monte-carlo', '--years', '1000');
    assert.match(text.out.join('\n'), /Monte Carlo, 1000 simulated years .*\n[\s\S]*yearly SAIDI P10\/P50\/P90/);
  });

  it('rejects bad arguments with exit code 2 and says what was wrong', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--network', 'rbts-bus2', '--json', '--csv'], /either --json or --csv/],
      [['--network', 'rbts-bus2', '--years', '10'], /need --monte-carlo/],
      [['--network', 'rbts-bus2', '--monte-carlo', '--years', 'x'], /--years must be a whole number of at least 2 \(got "x"\)/],
      [['--network', 'rbts-bus2', '--threshold=-1'], /--threshold must be a non-negative number/],
      [['--network', 'nope'], /unknown network "nope"/],
      [['--network', 'rbts-bus2', '--states', path.join(dir, 'missing.json')], /states file .*missing\.json: ENOENT/],
      [[], /give a model file or --network NAME/],
    ];
    for (const [args, pattern] of cases) {
      const r = await run('reliability', ...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err.join('\n'), pattern);
    }
  });
});
