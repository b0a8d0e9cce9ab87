/**
 * `dms validate` and `dms networks` through the dispatcher (lib/cli.ts) with captured output, and
 * one real run of the built binary.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../lib/cli';
import { listNetworks, networkModel } from '../../../lib/networks';

interface Run { code: number; out: string[]; err: string[] }

async function run(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out, err };
}

/** The single JSON document a --json run printed. */
function json(r: Run): Record<string, unknown> {
  assert.equal(r.out.length, 1, `expected one document, got ${JSON.stringify(r.out)}`);
  return JSON.parse(r.out[0]) as Record<string, unknown>;
}

const root = path.join(__dirname, '..', '..', '..');

describe('dms validate', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'dms-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json --network rbts-bus2 prints ok and the summary', async () => {
    const r = await run('validate', '--json', '--network', 'rbts-bus2');
    assert.equal(r.code, 0);
    assert.deepEqual(r.err, []);
    const doc = json(r);
    assert.equal(doc.ok, true);
    const s = doc.summary as Record<string, unknown>;
    assert.deepEqual(
      { sources: s.sources, buses: s.buses, sections: s.sections, devices: s.devices, loadPoints: s.loadPoints, customers: s.customers, avgKW: s.avgKW },
      { sources: 1, buses: 37, sections: 38, devices: 38, loadPoints: 22, customers: 1908, avgKW: 12291 },
    );
    assert.deepEqual(doc.warnings, []);
  });

  it('text output of a valid network', async () => {
    const r = await run('validate', '--network', 'textbook');
    assert.equal(r.code, 0);
    assert.deepEqual(r.out, [
      'Billinton-Allan feeder, case 1: breaker only: valid',
      '  sources 1, buses 9, sections 8, devices 1, open points 0',
      '  load points 4, customers 3000, average load 14000 kW, peak 14000 kW',
    ]);
  });

  it('a valid file, with its warnings', async () => {
    const m = networkModel('textbook-fuses');
    m.loadPoints[0].peakKW = 4000;
    const file = path.join(dir, 'warn.json');
    writeFileSync(file, JSON.stringify(m));
    const r = await run('validate', '--json', file);
    assert.equal(r.code, 0);
    assert.deepEqual(json(r).warnings, [{ path: 'loadPoints[0]', id: 'A', message: 'peakKW 4000 is below avgKW 5000' }]);
    const t = await run('validate', file);
    assert.equal(t.code, 0);
    assert.equal(t.out.at(-1), '  warning: loadPoints[0] "A": peakKW 4000 is below avgKW 5000');
  });

  it('an invalid file prints ok: false with every error as {path, id, message} and returns 1', async () => {
    const m = networkModel('textbook-fuses') as unknown as Record<string, Array<Record<string, unknown>>>;
    m.sections[1].from = 'B99';
    m.loadPoints[2].avgKW = -3000;
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(m));
    const r = await run('validate', '--json', file);
    assert.equal(r.code, 1);
    const doc = json(r);
    assert.equal(doc.ok, false);
    // The schema runs first: a structural error stops before the reference checks.
    assert.deepEqual(doc.errors, [{ path: 'loadPoints[2]', id: 'C', message: 'avgKW must be >= 0 (got -3000)' }]);
    m.loadPoints[2].avgKW = 3000;
    writeFileSync(file, JSON.stringify(m));
    const r2 = await run('validate', '--json', file);
    assert.equal(r2.code, 1);
    assert.deepEqual(json(r2).errors, [{ path: 'sections[1]', id: 'S2', message: 'from bus "B99" does not exist' }]);
    // Text mode: to stderr, naming the file.
    const t = await run('validate', file);
    assert.equal(t.code, 1);
    assert.deepEqual(t.out, []);
    assert.deepEqual(t.err, [`${file} is invalid:`, '  error: sections[1] "S2": from bus "B99" does not exist']);
  });

  it('a loop is reported with its sections', async () => {
    const m = networkModel('rbts-bus2');
    (m.devices.find((d) => d.id === 'NO-F3F4') as { normallyOpen: boolean }).normallyOpen = false;
    const file = path.join(dir, 'loop.json');
    writeFileSync(file, JSON.stringify(m));
    const r = await run('validate', '--json', file);
    assert.equal(r.code, 1);
    const errors = json(r).errors as Array<{ path: string; id: string; message: string }>;
    assert.equal(errors.length, 1);
    // SS -L16- F3-N1 -L18- F3-N2 -L21- F3-N3 -L24- F3-N4 -LT2- F4-N4 -L34- F4-N3 -L32- F4-N2 -L29- F4-N1 -L26- SS
    const listed = errors[0].message.replace('not radial under normal switch states: loop through sections ', '');
    assert.deepEqual((JSON.parse(`[${listed}]`) as string[]).sort(), ['L16', 'L18', 'L21', 'L24', 'L26', 'L29', 'L32', 'L34', 'LT2']);
  });

  it('malformed JSON and a missing file: ok false, exit 1', async () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"format": "dms-feeder/1", "buses": [');
    const r = await run('validate', '--json', file);
    assert.equal(r.code, 1);
    const errors = json(r).errors as Array<{ path: string; id: string; message: string }>;
    assert.equal(errors.length, 1);
    assert.equal(errors[0].path, '(model)');
    assert.match(errors[0].message, /^not valid JSON: /);
    const missing = path.join(dir, 'missing.json');
    const m = await run('validate', '--json', missing);
    assert.equal(m.code, 1);
    assert.deepEqual(json(m), { ok: false, errors: [{ path: '(file)', id: '', message: `cannot read ${missing}: ENOENT: no such file or directory` }], warnings: [] });
  });

  it('usage errors return 2 and show the usage', async () => {
    for (const argv of [['validate'], ['validate', 'a.json', 'b.json'], ['validate', 'a.json', '--network', 'rbts-bus2']]) {
      const r = await run(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.deepEqual(r.out, []);
      assert.match(r.err.join('\n'), /^dms validate: give (one model file or --network NAME|either a model file or --network, not both)\n\nusage: dms validate/);
    }
    for (const argv of [['validate', '--bogus'], ['validate', '--network'], ['networks', 'extra'], ['frob']]) {
      const r = await run(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.ok(r.err.length > 0, argv.join(' '));
    }
    const unknown = await run('validate', '--json', '--network', 'nope');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err[0], /^dms validate: unknown network "nope": built-in networks are textbook-base, /);
  });

  it('help', async () => {
    const r = await run();
    assert.equal(r.code, 0);
    assert.match(r.out[0], /^usage: dms <command>/);
    assert.match(r.out[0], /\n {2}validate +check a feeder model/);
    const v = await run('help', 'validate');
    assert.equal(v.code, 0);
    assert.match(v.out[0], /^usage: dms validate <file \| --network NAME> \[--json\]/);
    assert.deepEqual((await run('validate', '--help')).out, v.out);
  });
});

describe('dms networks', () => {
  it('--json lists every built-in network with name, title and description', async () => {
    const r = await run('networks', '--json');
    assert.equal(r.code, 0);
    assert.deepEqual(json(r), { networks: listNetworks() });
    const names = (json(r).networks as Array<{ name: string }>).map((n) => n.name);
    assert.ok(names.includes('rbts-bus2') && names.includes('textbook-base') && names.includes('ieee33'));
  });

  it('text: one line per network, name then title', async () => {
    const r = await run('networks');
    assert.equal(r.code, 0);
    assert.equal(r.out.length, listNetworks().length);
    assert.match(r.out.find((l) => l.startsWith('rbts-bus2')) ?? '', /^rbts-bus2 +RBTS Bus 2 case A$/);
  });
});

describe('bin/dms.js (built)', () => {
  it('validate --network textbook-base runs as a process', function () {
    if (!existsSync(path.join(root, 'dist', 'lib', 'cli.js'))) {
      console.log('      (skipped: dist/ is missing; run `npm run build` first)');
      this.skip();
    }
    const text = spawnSync(process.execPath, [path.join(root, 'bin', 'dms.js'), 'validate', '--network', 'textbook-base'], { encoding: 'utf8' });
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Billinton-Allan feeder, case 1: breaker only: valid\n/);
    assert.match(text.stdout, /customers 3000, average load 14000 kW/);
    const js = spawnSync(process.execPath, [path.join(root, 'bin', 'dms.js'), 'validate', '--json', '--network', 'textbook-base'], { encoding: 'utf8' });
    assert.equal(js.status, 0, js.stderr);
    const doc = JSON.parse(js.stdout) as { ok: boolean; summary: { customers: number; avgKW: number } };
    assert.deepEqual([doc.ok, doc.summary.customers, doc.summary.avgKW], [true, 3000, 14000]);
    const bad = spawnSync(process.execPath, [path.join(root, 'bin', 'dms.js'), 'validate', path.join(os.tmpdir(), 'dms-no-such-file.json')], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /cannot read .*dms-no-such-file\.json: ENOENT/);
  });
});
