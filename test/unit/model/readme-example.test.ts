import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadFeeder } from '../../../lib/model/load';

describe('README model example', () => {
  it('is a valid model whose summary matches the text', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const block = /```json\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'README has a JSON model example');
    const loaded = loadFeeder(JSON.parse(block[1]));
    assert.deepEqual(
      { sources: loaded.summary.sources, sections: loaded.summary.sections, devices: loaded.summary.devices, customers: loaded.summary.customers, avgKW: loaded.summary.avgKW, ties: loaded.summary.ties },
      { sources: 2, sections: 4, devices: 4, customers: 290, avgKW: 1400, ties: 1 },
    );
    assert.deepEqual(loaded.warnings, []);
    // The lateral's fuse clears lateral faults; the breaker clears the main.
    assert.equal(loaded.topology.upstreamProtective({ section: 'La' }), 'FUa');
    assert.equal(loaded.topology.upstreamProtective({ section: 'L2' }), 'CB1');
    assert.deepEqual(loaded.topology.downstream({ device: 'SW2' }).loadPoints, ['B']);
  });
});
