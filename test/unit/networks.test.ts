/**
 * Built-in networks: each loads by name and validates cleanly, names resolve (aliases included),
 * unknown names are refused with the list, and the summary figures match the published systems.
 */
import assert from 'node:assert/strict';
import { NETWORK_NAMES, listNetworks, loadNetwork, networkModel, resolveNetworkName } from '../../lib/networks';
import { validateFeeder } from '../../lib/model/validate';

describe('built-in networks', () => {
  const present = listNetworks().map((n) => n.name);

  it('lists the networks in their documented order, each with a title and a description', () => {
    const expected = ['textbook-base', 'textbook-fuses', 'textbook-fuses-disconnects', 'textbook-fuse-failure', 'textbook-alternate-supply', 'rbts-bus2', 'ieee33'];
    // ghion is built separately; it is listed (last) once its file exists.
    assert.deepEqual(present.filter((n) => n !== 'ghion'), expected);
    assert.deepEqual(present, NETWORK_NAMES.filter((n) => present.includes(n)));
    for (const n of listNetworks()) {
      assert.ok(n.title.length > 0 && n.title !== n.name, `${n.name} has no title`);
      assert.ok(n.description.length > 20, `${n.name} has no description`);
    }
  });

  for (const name of listNetworks().map((n) => n.name)) {
    it(`${name}: loads by name, validates without warnings, and every load point is supplied`, () => {
      const r = validateFeeder(networkModel(name));
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.warnings, []);
      const l = loadNetwork(name);
      assert.equal(l.model.format, 'dms-feeder/1');
      assert.deepEqual(l.warnings, []);
      l.model.loadPoints.forEach((lp, k) => assert.ok(l.topology.energised(l.index.lpBus[k]), `${lp.id} is not supplied`));
      assert.equal(l.summary.loadPoints, l.model.loadPoints.length);
    });
  }

  it('resolves aliases', () => {
    assert.equal(resolveNetworkName('textbook'), 'textbook-base');
    assert.equal(resolveNetworkName('rbts'), 'rbts-bus2');
    assert.equal(resolveNetworkName('ieee-33'), 'ieee33');
    assert.equal(loadNetwork('rbts').summary.customers, 1908);
  });

  it('refuses an unknown name and lists the built-in ones', () => {
    for (const bad of ['nope', 'RBTS-BUS2', '', '../package']) {
      assert.throws(() => loadNetwork(bad), (err: Error) => {
        assert.ok(err.message.startsWith(`unknown network "${bad}": built-in networks are `), err.message);
        for (const n of present) assert.ok(err.message.includes(n), `${n} missing from: ${err.message}`);
        return true;
      });
      assert.throws(() => networkModel(bad), /^Error: unknown network/);
    }
  });

  it('networkModel gives a fresh copy each time', () => {
    const a = networkModel('textbook-base');
    a.loadPoints[0].customers = 1;
    assert.equal(networkModel('textbook-base').loadPoints[0].customers, 1000);
    assert.equal(loadNetwork('textbook-base').summary.customers, 3000);
  });

  describe('summary figures against the published systems', () => {
    it('RBTS Bus 2: 1908 customers, 12.291 MW average, 20 MW peak, 22 load points, 4 feeders', () => {
      const s = loadNetwork('rbts-bus2').summary;
      assert.equal(s.customers, 1908);
      assert.equal(s.avgKW, 12291);
      // Published peak 20 MW; the load points' peaks are rounded to 0.1 kW: within 1 kW.
      assert.ok(Math.abs(s.peakKW - 20000) < 1, `peak ${s.peakKW}`);
      assert.equal(s.loadPoints, 22);
      assert.equal(s.sources, 1);
      // 36 line sections and the 2 tie sections, both normally open.
      assert.equal(s.sections, 38);
      assert.equal(s.ties, 2);
      const m = networkModel('rbts-bus2');
      assert.equal(m.devices.filter((d) => d.type === 'breaker').length, 4);
      assert.equal(m.devices.filter((d) => d.type === 'fuse').length, 22);
      // Disconnects at the upstream end of every main section but the first: 3 + 1 + 3 + 3.
      assert.equal(m.devices.filter((d) => d.type === 'switch').length, 10);
      // LP8 and LP9 (one small industrial user each) have no transformer; the other 20 do.
      assert.deepEqual(m.loadPoints.filter((l) => !l.transformer).map((l) => l.id), ['LP8', 'LP9']);
    });

    it('textbook feeder, all five cases: 3000 customers, 14 MW', () => {
      for (const name of ['textbook-base', 'textbook-fuses', 'textbook-fuses-disconnects', 'textbook-fuse-failure', 'textbook-alternate-supply']) {
        const s = loadNetwork(name).summary;
        assert.deepEqual([s.customers, s.avgKW, s.loadPoints], [3000, 14000, 4], name);
      }
      // Devices per case: CB; + 4 fuses; + 3 disconnects; same with p = 0.1; + the open point.
      assert.deepEqual(['textbook-base', 'textbook-fuses', 'textbook-fuses-disconnects', 'textbook-fuse-failure', 'textbook-alternate-supply'].map((n) => loadNetwork(n).summary.devices), [1, 5, 8, 8, 9]);
      assert.equal(loadNetwork('textbook-alternate-supply').summary.ties, 1);
      assert.deepEqual(networkModel('textbook-fuse-failure').devices.filter((d) => d.type === 'fuse').map((d) => d.failureProbability), [0.1, 0.1, 0.1, 0.1]);
    });

    it('IEEE 33-bus: 3715 kW and 2300 kvar on 32 load buses, 37 sections of which 5 open ties', () => {
      const l = loadNetwork('ieee33');
      assert.equal(l.summary.avgKW, 3715);
      assert.equal(l.summary.buses, 33);
      assert.equal(l.summary.sections, 37);
      assert.equal(l.summary.ties, 5);
      assert.equal(l.summary.loadPoints, 32);
      const kvar = l.model.loadPoints.reduce((a, lp) => a + (lp.peakKvar ?? 0), 0);
      assert.ok(Math.abs(kvar - 2300) < 1e-6, `${kvar} kvar`);
      assert.deepEqual(Array.from(l.topology.openSections, (s) => l.model.sections[s].id).sort(), ['L33', 'L34', 'L35', 'L36', 'L37']);
    });
  });
});
