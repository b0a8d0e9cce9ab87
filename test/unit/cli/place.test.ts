/** `dms place` through the dispatcher with captured output. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../lib/cli';
import { networkModel } from '../../../lib/networks';

interface Run { code: number; out: string[]; err: string[] }

async function run(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out, err };
}

function json(r: Run): Record<string, unknown> {
  assert.equal(r.out.length, 1, `expected one document, got ${r.out.length}`);
  return JSON.parse(r.out[0]) as Record<string, unknown>;
}

type Doc = {
  best: { switches: string[]; tscPerYr: number; fcPerYr: number; censPerYr: number };
  cases: Array<{ case: string; tscPerYr: number; automated: boolean; switchingHours: number }>;
  history: Array<{ iteration: number; bestPerYr: number; meanPerYr: number }>;
  evaluations: number;
  method: string;
  settings: { annualisation: string; fcPerSwitchPerYr: number; switchLimit: number; bpso: { particles: number; seed: number; inertia: unknown; topology: string } | null };
};

describe('dms place', function () {
  this.timeout(60000);
  let dir = '';
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'dms-place-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json prints best, cases, history and evaluations; the same seed gives the same answer', async () => {
    const a = await run('place', '--network', 'ghion', '--seed', '4', '--json');
    assert.equal(a.code, 0);
    assert.deepEqual(a.err, []);
    const doc = json(a) as unknown as Doc;
    assert.ok(doc.best.switches.length > 0 && doc.best.switches.every((s) => /^S\d+$/.test(s)));
    assert.ok(Math.abs(doc.best.tscPerYr - doc.best.fcPerYr - doc.best.censPerYr) < 1e-6);
    assert.deepEqual(doc.cases.map((c) => c.case), ['none', 'all', 'optimum', 'alternative']);
    assert.ok(doc.history.length > 1 && doc.history[0].iteration === 0);
    assert.ok(doc.evaluations > 0);
    assert.equal(doc.settings.bpso!.seed, 4);
    const b = json(await run('place', '--network', 'ghion', '--seed', '4', '--json')) as unknown as Doc;
    assert.deepEqual(b.best, doc.best);
    assert.deepEqual(b.history, doc.history);
  });

  it('flags override the model: swarm, annualisation, switch kind, limits', async () => {
    const doc = json(await run('place', '--network', 'ghion', '--json', '--particles', '12', '--inertia', '0.9:0.2', '--lbest', '--crf',
      '--manual', '--switching-hours', '0.5', '--max-switches', '3', '--iterations', '30')) as unknown as Doc;
    assert.equal(doc.settings.bpso!.particles, 12);
    assert.deepEqual(doc.settings.bpso!.inertia, { start: 0.9, end: 0.2 });
    assert.equal(doc.settings.bpso!.topology, 'lbest');
    assert.equal(doc.settings.annualisation, 'crf');
    assert.equal(doc.settings.switchLimit, 3);
    assert.ok(doc.best.switches.length <= 3);
    assert.equal(doc.cases[2].automated, false);
    assert.equal(doc.cases[2].switchingHours, 0.5);
    assert.equal(doc.cases[3].automated, true, 'the comparison uses the other kind');
    // CRF annuity for the model's 22,000 per switch, 20 years, 8 %, 2 %: 22000 · 0.08·1.08^20/(1.08^20 − 1) · 1.02
    const g = 1.08 ** 20;
    assert.ok(Math.abs(doc.settings.fcPerSwitchPerYr - ((22000 * 0.08 * g) / (g - 1)) * 1.02) < 1e-6);
  });

  it('--exhaustive over a candidate list, and from a model file', async () => {
    const model = networkModel('ghion');
    const file = path.join(dir, 'ghion.json');
    writeFileSync(file, JSON.stringify(model));
    const doc = json(await run('place', file, '--exhaustive', '--candidates', 'S19, S26,S31,S33', '--json')) as unknown as Doc;
    assert.equal(doc.method, 'exhaustive');
    assert.equal(doc.evaluations, 16);
    assert.equal(doc.settings.bpso, null);
  });

  it('prints the optimum and the Table 6.3 comparison as text', async () => {
    const r = await run('place', '--network', 'ghion', '--particles', '20');
    assert.equal(r.code, 0);
    const text = r.out.join('\n');
    assert.match(text, /47 candidates, automated switches \(1\.0 min\), FC 5,230 ETB\/yr per switch \(thesis eq\. 5\.14\)/);
    assert.match(text, /optimum: \d+ switches on S\d+/);
    assert.match(text, /comparison \(thesis Table 6\.3\):/);
    for (const row of ['SAIDI (h/yr)', 'U (h/yr)', 'ASAI', 'EENS (MWh/yr)', 'AENS (kWh/cust)', 'TSC (ETB/yr)']) assert.ok(text.includes(row), row);
  });

  it('names bad flags and bad settings', async () => {
    const bad: Array<[string[], RegExp, number]> = [
      [['--network', 'ghion', '--interest', 'lots'], /--interest must be a number \(got "lots"\)/, 2],
      [['--network', 'ghion', '--manual', '--automated'], /give --manual or --automated, not both/, 2],
      [['--network', 'ghion', '--cost-method', 'guess'], /--cost-method must be cens or ecost/, 2],
      [[], /give a model file or --network NAME/, 2],
      [['--network', 'ghion', '--exhaustive'], /exhaustive search is limited to 20 candidates \(this study has 47\)/, 2],
      [['--network', 'ghion', '--candidates', 'S1,S99'], /candidates\[1\] "S99": section does not exist/, 2],
      [['--network', 'rbts-bus2'], /placement: investmentPerSwitch, lifeYears, interestRate are required/, 2],
      [['--network', 'ghion', '--load-factor', '1.5'], /costs\.loadFactor must be a number within 0\.\.1 \(got 1\.5\)/, 2],
    ];
    for (const [args, re, code] of bad) {
      const r = await run('place', ...args);
      assert.equal(r.code, code, args.join(' '));
      assert.match(r.err.join('\n'), re, args.join(' '));
      assert.deepEqual(r.out, []);
    }
  });
});
