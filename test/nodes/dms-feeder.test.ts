import assert from 'node:assert/strict';
import { helper, builtNode } from '../support/node-red';
import type { FeederConfigNode } from '../../nodes/shared/feeder-access';
import { requireFeeder, watchFeeder } from '../../nodes/shared/feeder-access';

const feederNode = builtNode('dms-feeder');

describe('dms-feeder config node', function () {
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => { await helper.unload(); await new Promise<void>((r) => helper.stopServer(() => r())); });

  it('loads a built-in network with its topology and summary', async () => {
    await helper.load(feederNode, [{ id: 'f1', type: 'dms-feeder', name: 'RBTS', source: 'network', network: 'rbts-bus2' }]);
    const f = helper.getNode('f1') as FeederConfigNode;
    assert.equal(f.feederError, null);
    const loaded = requireFeeder(f);
    assert.equal(loaded.summary.customers, 1908);
    assert.equal(loaded.summary.loadPoints, 22);
    assert.equal(loaded.topology.sourceOf('F1-N1'), 'S-SS');
  });

  it('lends its model to function nodes by name and id while it runs (publishedFeeder)', async () => {
    // The registry function nodes reach through the package: the built module the node itself uses.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { publishedFeeder } = require('../../dist/lib/diagram') as typeof import('../../lib/diagram');
    await helper.load(feederNode, [
      { id: 'f1', type: 'dms-feeder', name: 'RBTS', source: 'network', network: 'rbts-bus2' },
      { id: 'f2', type: 'dms-feeder', name: 'broken', source: 'json', json: '{"format": "dms-feeder/1"' },
    ]);
    const f = helper.getNode('f1') as FeederConfigNode;
    assert.equal(publishedFeeder('RBTS'), requireFeeder(f));
    assert.equal(publishedFeeder('f1'), requireFeeder(f));
    assert.throws(() => publishedFeeder('broken'), /no dms-feeder node named \(or with id\) "broken" has a valid model loaded \(loaded: "f1", "RBTS"\)/);
    await helper.unload();
    assert.throws(() => publishedFeeder('RBTS'), /\(none is\)/, 'withdrawn when the node closes');
  });

  it('loads a model given as JSON text', async () => {
    const model = {
      format: 'dms-feeder/1', name: 'two-bus', buses: [{ id: 'A' }, { id: 'B' }],
      sources: [{ id: 'S', bus: 'A', kind: 'substation' }],
      sections: [{ id: 'L1', from: 'A', to: 'B', lengthKm: 1, failureRatePerKmYr: 0.1, repairHours: 4 }],
      devices: [{ id: 'CB', type: 'breaker', section: 'L1', end: 'from', normallyOpen: false, automated: true, switchingHours: 0.5 }],
      loadPoints: [{ id: 'LP', bus: 'B', customers: 10, avgKW: 50, peakKW: 80 }],
    };
    await helper.load(feederNode, [{ id: 'f1', type: 'dms-feeder', source: 'json', json: JSON.stringify(model) }]);
    const f = helper.getNode('f1') as FeederConfigNode;
    assert.equal(requireFeeder(f).summary.avgKW, 50);
  });

  it('reports a broken model by path and id, and users of it fail clearly', async () => {
    const broken = {
      format: 'dms-feeder/1', buses: [{ id: 'A' }, { id: 'B' }],
      sources: [{ id: 'S', bus: 'A', kind: 'substation' }],
      sections: [{ id: 'L1', from: 'A', to: 'B99', lengthKm: 1, failureRatePerKmYr: 0.1, repairHours: 4 }],
      devices: [], loadPoints: [],
    };
    await helper.load(feederNode, [{ id: 'f1', type: 'dms-feeder', source: 'json', json: JSON.stringify(broken) }]);
    const f = helper.getNode('f1') as FeederConfigNode;
    assert.equal(f.feeder, null);
    assert.match(f.feederError!.message, /sections\[0\] "L1": to bus "B99" does not exist/);
    assert.throws(() => requireFeeder(f), /to bus "B99" does not exist/);
    const statuses: unknown[] = [];
    const errors: string[] = [];
    const user = { status: (s: unknown) => statuses.push(s), error: (m: string) => errors.push(m) } as never;
    assert.equal(watchFeeder(user, f), false);
    assert.deepEqual((statuses[0] as { fill: string }).fill, 'red');
    assert.match(errors[0], /B99/);
    assert.throws(() => requireFeeder(null), /no feeder model configured/);
  });

  it('reports malformed JSON, an unknown network and a missing file', async () => {
    await helper.load(feederNode, [
      { id: 'a', type: 'dms-feeder', source: 'json', json: '{"format": ' },
      { id: 'b', type: 'dms-feeder', source: 'network', network: 'nope' },
      { id: 'c', type: 'dms-feeder', source: 'file', file: '/nonexistent/feeder.json' },
    ]);
    assert.match((helper.getNode('a') as FeederConfigNode).feederError!.message, /not valid JSON/);
    assert.match((helper.getNode('b') as FeederConfigNode).feederError!.message, /unknown network "nope"/);
    assert.match((helper.getNode('c') as FeederConfigNode).feederError!.message, /\/nonexistent\/feeder.json.*cannot read: ENOENT/);
  });

  it('serves the editor summary and the list of built-in networks', async () => {
    await helper.load(feederNode, [{ id: 'f1', type: 'dms-feeder', source: 'network', network: 'textbook-base' }]);
    const nets = await helper.request().get('/dms-feeder/networks').expect(200);
    assert.ok((nets.body as Array<{ name: string }>).some((n) => n.name === 'rbts-bus2'));
    const ok = await helper.request().post('/dms-feeder/summary').send({ source: 'network', network: 'textbook-base' }).expect(200);
    assert.equal(ok.body.ok, true);
    assert.equal(ok.body.summary.customers, 3000);
    const bad = await helper.request().post('/dms-feeder/summary').send({ source: 'json', json: '{"format":"dms-feeder/1"}' }).expect(200);
    assert.equal(bad.body.ok, false);
    assert.ok((bad.body.errors as string[]).some((e) => /buses is required/.test(e)));
  });
});
