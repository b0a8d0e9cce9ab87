/**
 * The package's main entry (package.json "main", built into dist/) is what `require('node-red-contrib-dms')`
 * gives a script: every library area as a namespace, working end to end.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import published from '../fixtures/reliability/published.json';

const ROOT = path.join(__dirname, '..', '..');

describe('package entry', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string; types: string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dms = require(path.join(ROOT, pkg.main)) as typeof import('../../lib');

  it('exposes every library area as a namespace', () => {
    assert.deepEqual(Object.keys(dms).sort(), ['diagram', 'fdir', 'ied', 'model', 'networks', 'optimize', 'powerflow', 'protection', 'reliability', 'sim', 'transformer']);
  });

  it('runs a study through it: RBTS Bus 2 base case SAIFI and SAIDI to the unrounded published values (1e-5 relative)', () => {
    const { system } = dms.reliability.evaluatePredictive(dms.networks.loadNetwork('rbts-bus2'));
    const e = published.rbtsBus2.base.unrounded;
    assert.ok(Math.abs(system.saifi / Number(e.saifi) - 1) < 1e-5, `SAIFI ${system.saifi} vs ${e.saifi}`);
    assert.ok(Math.abs(system.saidi / Number(e.saidi) - 1) < 1e-5, `SAIDI ${system.saidi} vs ${e.saidi}`);
  });
});
