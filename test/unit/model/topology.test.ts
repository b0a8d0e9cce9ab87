/**
 * Topology on the Billinton & Allan textbook feeder (cases 1, 3 and 5) and RBTS Bus 2, against
 * expectations derived by hand from the one-line diagrams (written out below, not computed).
 *
 * Textbook feeder (lib/networks/textbook-*.json):
 *
 *   SUPPLY ─ SS ─[CB]─ S1 ─ N1 ─[DS2]─ S2 ─ N2 ─[DS3]─ S3 ─ N3 ─[DS4]─ S4 ─ N4 ─[NOP]─ ST ─ ALT ─ ALTERNATE (case 5)
 *                          [FUa] Sa       [FUb] Sb        [FUc] Sc         [FUd] Sd
 *                           B-A (A)        B-B (B)         B-C (C)          B-D (D)
 *   A 1000 cust 5000 kW, B 800/4000, C 700/3000, D 500/2000. Case 1 has only CB; case 3 adds the
 *   fuses and the disconnects DS2-DS4, every device at its section's `from` end.
 *
 * RBTS Bus 2 (lib/networks/rbts-bus2.json), one source S-SS on bus SS, four feeders:
 *   F1: SS ─[CB-F1]L1─ F1-N1 ─[DS-4]L4─ F1-N2 ─[DS-7]L7─ F1-N3 ─[DS-10]L10─ F1-N4
 *       laterals [FU-k]Lk: L2→LP1, L3→LP2 at F1-N1; L5→LP3, L6→LP4 at F1-N2; L8→LP5, L9→LP6 at F1-N3; L11→LP7 at F1-N4
 *   F2: SS ─[CB-F2]L12─ F2-N1 ─[DS-14]L14─ F2-N2;  L13→LP8 at F2-N1, L15→LP9 at F2-N2
 *   F3: SS ─[CB-F3]L16─ F3-N1 ─[DS-18]L18─ F3-N2 ─[DS-21]L21─ F3-N3 ─[DS-24]L24─ F3-N4
 *       L17→LP10 at F3-N1; L19→LP11, L20→LP12 at F3-N2; L22→LP13, L23→LP14 at F3-N3; L25→LP15 at F3-N4
 *   F4: SS ─[CB-F4]L26─ F4-N1 ─[DS-29]L29─ F4-N2 ─[DS-32]L32─ F4-N3 ─[DS-34]L34─ F4-N4
 *       L27→LP16, L28→LP17 at F4-N1; L30→LP18, L31→LP19 at F4-N2; L33→LP20 at F4-N3; L35→LP21, L36→LP22 at F4-N4
 *   ties: LT1 F1-N4 ─[NO-F1F2 at F1-N4]─ F2-N2;  LT2 F3-N4 ─[NO-F3F4 at F3-N4]─ F4-N4
 *   Load points (customers / average kW): LP1-3, LP10, LP11 210/535; LP12, LP17-19 200/450;
 *   LP4, LP5, LP13, LP14, LP20, LP21 1/566; LP6, LP7, LP15, LP16, LP22 10/454; LP8 1/1000; LP9 1/1150.
 */
import assert from 'node:assert/strict';
import { MeshError, Topology, buildTopology } from '../../../lib/model/topology';
import type { SwitchStates } from '../../../lib/model/types';
import { loadNetwork, networkModel } from '../../../lib/networks';

const sorted = (xs: Iterable<string>) => [...xs].sort();

function topo(network: string, states?: SwitchStates): Topology {
  return buildTopology(networkModel(network), states);
}

/** Index helpers by id. */
function ids(t: Topology) {
  const ix = t.index;
  return {
    bus: (id: string) => ix.busIndex.get(id) as number,
    sec: (id: string) => ix.sectionIndex.get(id) as number,
    dev: (id: string) => ix.deviceIndex.get(id) as number,
    busId: (b: number) => t.model.buses[b].id,
    secId: (s: number) => t.model.sections[s].id,
    devId: (d: number) => (d < 0 ? null : t.model.devices[d].id),
  };
}

interface ZoneRow { up: string | null; parentUp: string | null; sections: string[]; buses: string[]; boundary: string[] }

/** Every zone by the device above it, with its members and bounding devices, as ids. */
function zoneTable(t: Topology): ZoneRow[] {
  const z = t.zones;
  const { busId, secId, devId } = ids(t);
  const rows: ZoneRow[] = [];
  for (let k = 0; k < z.count; k++) {
    rows.push({
      up: devId(z.upDevice[k]),
      parentUp: z.parent[k] < 0 ? null : devId(z.upDevice[z.parent[k]]) ?? `root:${sorted(Array.from(z.busesOf(z.parent[k]), busId)).join(',')}`,
      sections: sorted(Array.from(z.sectionsOf(k), secId)),
      buses: sorted(Array.from(z.busesOf(k), busId)),
      boundary: sorted(z.boundaryDevices(k).map((d) => devId(d) as string)),
    });
  }
  return rows.sort((a, b) => JSON.stringify([a.up, a.buses]).localeCompare(JSON.stringify([b.up, b.buses])));
}

function ties(t: Topology, top: string) {
  const { bus, busId, secId, devId } = ids(t);
  return t.tiesBelow(bus(top)).map((r) => ({ device: devId(r.device), section: secId(r.section), near: busId(r.nearBus), far: busId(r.farBus), farSource: t.model.sources[r.farSource].id }));
}

describe('Topology: textbook feeder', () => {
  describe('case 3 (fuses and disconnects), normal states', () => {
    const t = topo('textbook-fuses-disconnects');
    const { bus, sec, dev, busId } = ids(t);

    it('parents, children and sources', () => {
      const parents: Record<string, string | null> = { SS: null, N1: 'SS', N2: 'N1', N3: 'N2', N4: 'N3', 'B-A': 'N1', 'B-B': 'N2', 'B-C': 'N3', 'B-D': 'N4' };
      for (const [b, p] of Object.entries(parents)) {
        assert.equal(t.parentOf(b), p, b);
        assert.equal(t.sourceOf(b), 'SUPPLY', b);
      }
      assert.deepEqual(sorted(t.childrenOf('SS')), ['N1']);
      assert.deepEqual(sorted(t.childrenOf('N1')), ['B-A', 'N2']);
      assert.deepEqual(sorted(t.childrenOf('N4')), ['B-D']);
      assert.deepEqual(t.childrenOf('B-D'), []);
      assert.deepEqual(Array.from(t.depth, (d, b) => [busId(b), d]).sort(), [['B-A', 2], ['B-B', 3], ['B-C', 4], ['B-D', 5], ['N1', 1], ['N2', 2], ['N3', 3], ['N4', 4], ['SS', 0]]);
    });

    it('path to source', () => {
      assert.deepEqual(t.pathToSource('B-D'), ['Sd', 'S4', 'S3', 'S2', 'S1']);
      assert.deepEqual(t.pathToSource('B-A'), ['Sa', 'S1']);
      assert.deepEqual(t.pathToSource('N2'), ['S2', 'S1']);
      assert.deepEqual(t.pathToSource('SS'), []);
    });

    it('upstream protective device of sections, buses, load points and devices', () => {
      // A lateral fault is cleared by its fuse; a main-section fault, and anything on the main, by CB.
      const sections: Record<string, string> = { S1: 'CB', S2: 'CB', S3: 'CB', S4: 'CB', Sa: 'FUa', Sb: 'FUb', Sc: 'FUc', Sd: 'FUd' };
      for (const [s, d] of Object.entries(sections)) assert.equal(t.upstreamProtective({ section: s }), d, s);
      const buses: Record<string, string | null> = { SS: null, N1: 'CB', N2: 'CB', N3: 'CB', N4: 'CB', 'B-A': 'FUa', 'B-B': 'FUb', 'B-C': 'FUc', 'B-D': 'FUd' };
      for (const [b, d] of Object.entries(buses)) assert.equal(t.upstreamProtective({ bus: b }), d, b);
      for (const [lp, d] of [['A', 'FUa'], ['B', 'FUb'], ['C', 'FUc'], ['D', 'FUd']]) assert.equal(t.upstreamProtective({ loadPoint: lp }), d, lp);
      // Backup of a fuse (and of any device on the main) is the breaker; the breaker has none.
      for (const d of ['FUa', 'FUd', 'DS2', 'DS4']) assert.equal(t.upstreamProtective({ device: d }), 'CB', d);
      assert.equal(t.upstreamProtective({ device: 'CB' }), null);
      assert.equal(t.model.devices[t.protectiveAboveDevice(dev('FUc'))].id, 'CB');
      // Nearest device of any kind above a bus.
      const near: Record<string, string> = { N1: 'CB', N2: 'DS2', N3: 'DS3', N4: 'DS4', 'B-C': 'FUc' };
      for (const [b, d] of Object.entries(near)) assert.equal(t.model.devices[t.deviceAboveBus[bus(b)]].id, d, b);
      for (const d of ['CB', 'DS2', 'DS3', 'FUa']) assert.equal(t.deviceAtUpstreamEnd(dev(d)), true, d);
    });

    it('isBelow', () => {
      assert.equal(t.isBelow(bus('B-D'), bus('N2')), true);
      assert.equal(t.isBelow(bus('N2'), bus('N2')), true);
      assert.equal(t.isBelow(bus('N2'), bus('B-D')), false);
      assert.equal(t.isBelow(bus('B-A'), bus('N2')), false);
      for (const b of ['N1', 'N4', 'B-A', 'B-D']) assert.equal(t.isBelow(bus(b), bus('SS')), true, b);
    });

    it('downstream load points, customers and load of elements', () => {
      assert.deepEqual({ ...t.downstream({ bus: 'SS' }), loadPoints: sorted(t.downstream({ bus: 'SS' }).loadPoints) },
        { customers: 3000, avgKW: 14000, peakKW: 14000, loadPoints: ['A', 'B', 'C', 'D'] });
      // Below DS3 (section S3): C and D, 700 + 500 customers, 3000 + 2000 kW.
      assert.deepEqual({ ...t.downstream({ device: 'DS3' }), loadPoints: sorted(t.downstream({ device: 'DS3' }).loadPoints) },
        { customers: 1200, avgKW: 5000, peakKW: 5000, loadPoints: ['C', 'D'] });
      // Below S2: B, C, D.
      assert.deepEqual(t.downstream({ section: 'S2' }).customers, 2000);
      assert.deepEqual(t.downstream({ section: 'S2' }).avgKW, 9000);
      assert.deepEqual(t.downstream({ section: 'Sb' }), { customers: 800, avgKW: 4000, peakKW: 4000, loadPoints: ['B'] });
      assert.deepEqual(t.downstream({ bus: 'N4' }), { customers: 500, avgKW: 2000, peakKW: 2000, loadPoints: ['D'] });
      assert.equal(t.customersBelow[bus('N1')], 3000);
      assert.equal(t.avgKWBelow[bus('N3')], 5000);
      assert.equal(t.sectionDownBus(sec('Sc')), bus('B-C'));
    });

    it('isolation zones: one per device, with its members and bounding devices', () => {
      assert.equal(t.zones.count, 9);
      assert.deepEqual(zoneTable(t), [
        { up: 'CB', parentUp: 'root:SS', sections: ['S1'], buses: ['N1'], boundary: ['CB', 'DS2', 'FUa'] },
        { up: 'DS2', parentUp: 'CB', sections: ['S2'], buses: ['N2'], boundary: ['DS2', 'DS3', 'FUb'] },
        { up: 'DS3', parentUp: 'DS2', sections: ['S3'], buses: ['N3'], boundary: ['DS3', 'DS4', 'FUc'] },
        { up: 'DS4', parentUp: 'DS3', sections: ['S4'], buses: ['N4'], boundary: ['DS4', 'FUd'] },
        { up: 'FUa', parentUp: 'CB', sections: ['Sa'], buses: ['B-A'], boundary: ['FUa'] },
        { up: 'FUb', parentUp: 'DS2', sections: ['Sb'], buses: ['B-B'], boundary: ['FUb'] },
        { up: 'FUc', parentUp: 'DS3', sections: ['Sc'], buses: ['B-C'], boundary: ['FUc'] },
        { up: 'FUd', parentUp: 'DS4', sections: ['Sd'], buses: ['B-D'], boundary: ['FUd'] },
        { up: null, parentUp: null, sections: [], buses: ['SS'], boundary: ['CB'] },
      ]);
      // Zones are listed parents first.
      const z = t.zones;
      for (const k of z.order) if (z.parent[k] >= 0) assert.ok(Array.from(z.order).indexOf(z.parent[k]) < Array.from(z.order).indexOf(k));
    });

    it('no open points, so nothing can back-feed', () => {
      assert.equal(t.openSections.length, 0);
      assert.deepEqual(ties(t, 'N2'), []);
    });
  });

  describe('case 1 (breaker only)', () => {
    const t = topo('textbook-base');
    it('one zone behind the breaker holds the whole feeder; every fault is cleared by CB', () => {
      assert.equal(t.zones.count, 2);
      assert.deepEqual(zoneTable(t), [
        { up: 'CB', parentUp: 'root:SS', sections: ['S1', 'S2', 'S3', 'S4', 'Sa', 'Sb', 'Sc', 'Sd'], buses: ['B-A', 'B-B', 'B-C', 'B-D', 'N1', 'N2', 'N3', 'N4'], boundary: ['CB'] },
        { up: null, parentUp: null, sections: [], buses: ['SS'], boundary: ['CB'] },
      ]);
      for (const s of ['S1', 'S4', 'Sa', 'Sd']) assert.equal(t.upstreamProtective({ section: s }), 'CB');
      for (const lp of ['A', 'D']) assert.equal(t.upstreamProtective({ loadPoint: lp }), 'CB');
    });
  });

  describe('case 5 (alternate supply through a normally-open point at N4)', () => {
    it('normal states: the tie bounds the N4 zone and the alternate source zone, and can back-feed anything above it', () => {
      const t = topo('textbook-alternate-supply');
      assert.equal(t.sourceOf('ALT'), 'ALTERNATE');
      assert.equal(t.sourceOf('N4'), 'SUPPLY');
      assert.deepEqual(Array.from(t.openSections, (s) => t.model.sections[s].id), ['ST']);
      assert.equal(t.zones.count, 10);
      const rows = zoneTable(t);
      assert.deepEqual(rows.find((r) => r.up === 'DS4'), { up: 'DS4', parentUp: 'DS3', sections: ['S4'], buses: ['N4'], boundary: ['DS4', 'FUd', 'NOP'] });
      // The open tie's conductor hangs on the alternate supply's side (NOP sits at the N4 end).
      assert.deepEqual(rows.find((r) => r.buses.includes('ALT')), { up: null, parentUp: null, sections: ['ST'], buses: ['ALT'], boundary: ['NOP'] });
      const viaNop = [{ device: 'NOP', section: 'ST', near: 'N4', far: 'ALT', farSource: 'ALTERNATE' }];
      for (const top of ['N4', 'N3', 'N2', 'N1', 'SS']) assert.deepEqual(ties(t, top), viaNop, top);
      for (const top of ['B-A', 'B-D']) assert.deepEqual(ties(t, top), [], top);
      // Seen from the alternate supply's side, the same tie can feed ALT from SUPPLY.
      assert.deepEqual(ties(t, 'ALT'), [{ device: 'NOP', section: 'ST', near: 'ALT', far: 'N4', farSource: 'SUPPLY' }]);
    });

    it('open DS3: N3, N4 and laterals c, d are de-energised, and nothing can reach them from N2', () => {
      const t = topo('textbook-alternate-supply', { DS3: false });
      const { bus } = ids(t);
      for (const b of ['N3', 'N4', 'B-C', 'B-D']) {
        assert.equal(t.energised(bus(b)), false, b);
        assert.equal(t.sourceOf(b), null);
        assert.equal(t.parentOf(b), null);
        assert.deepEqual(t.pathToSource(b), []);
        assert.equal(t.upstreamProtective({ bus: b }), null);
      }
      assert.equal(t.upstreamProtective({ section: 'S4' }), null);
      assert.deepEqual(t.downstream({ bus: 'SS' }).customers, 1800);
      assert.deepEqual(t.downstream({ bus: 'SS' }).avgKW, 9000);
      assert.deepEqual(t.downstream({ bus: 'N3' }), { customers: 0, avgKW: 0, peakKW: 0, loadPoints: [] });
      assert.deepEqual(t.downstream({ device: 'DS4' }), { customers: 0, avgKW: 0, peakKW: 0, loadPoints: [] });
      assert.deepEqual(sorted(Array.from(t.openSections, (s) => t.model.sections[s].id)), ['S3', 'ST']);
      assert.deepEqual(ties(t, 'N2'), []);
      assert.equal(t.zones.zoneOfBus[bus('N3')], -1);
      // S3's conductor is cut from N2 by the open DS3 and its N3 end is dead: no zone.
      assert.equal(t.zones.zoneOfSection[ids(t).sec('S3')], -1);
    });

    it('open DS3 and close NOP: C and D are back-fed from the alternate supply, S4 runs N4 -> N3', () => {
      const t = topo('textbook-alternate-supply', { DS3: false, NOP: true });
      const { bus, sec, dev } = ids(t);
      assert.equal(t.sourceOf('N3'), 'ALTERNATE');
      assert.equal(t.sourceOf('N2'), 'SUPPLY');
      assert.equal(t.parentOf('N4'), 'ALT');
      assert.equal(t.parentOf('N3'), 'N4');
      assert.deepEqual(t.childrenOf('N4').sort(), ['B-D', 'N3']);
      assert.deepEqual(t.pathToSource('B-C'), ['Sc', 'S4', 'ST']);
      // Orientation of S4 (from N3 to N4) is swapped; laterals keep theirs.
      assert.equal(t.secUp[sec('S4')], bus('N4'));
      assert.equal(t.secDown[sec('S4')], bus('N3'));
      assert.equal(t.secUp[sec('Sc')], bus('N3'));
      assert.equal(t.deviceAtUpstreamEnd(dev('DS4')), false);
      assert.equal(t.deviceAtUpstreamEnd(dev('NOP')), false); // NOP sits at ST's N4 end, now downstream
      // No protective device between the alternate source and S4 (NOP is a tie, DS4 a disconnect at
      // the far end): the source's own protection clears it. Laterals keep their fuses.
      assert.equal(t.upstreamProtective({ section: 'S4' }), null);
      assert.equal(t.upstreamProtective({ bus: 'N3' }), null);
      assert.equal(t.upstreamProtective({ section: 'Sc' }), 'FUc');
      assert.equal(t.upstreamProtective({ loadPoint: 'D' }), 'FUd');
      assert.equal(t.upstreamProtective({ device: 'FUc' }), null);
      assert.deepEqual({ ...t.downstream({ bus: 'ALT' }), loadPoints: sorted(t.downstream({ bus: 'ALT' }).loadPoints) },
        { customers: 1200, avgKW: 5000, peakKW: 5000, loadPoints: ['C', 'D'] });
      assert.deepEqual(t.downstream({ section: 'S4' }), { customers: 700, avgKW: 3000, peakKW: 3000, loadPoints: ['C'] });
      assert.deepEqual(t.downstream({ bus: 'SS' }).customers, 1800);
      // The open DS3 now is the only open point; from N3's side it can back-feed towards SUPPLY.
      assert.deepEqual(ties(t, 'N3'), [{ device: 'DS3', section: 'S3', near: 'N3', far: 'N2', farSource: 'SUPPLY' }]);
      assert.deepEqual(ties(t, 'N2'), [{ device: 'DS3', section: 'S3', near: 'N2', far: 'N3', farSource: 'ALTERNATE' }]);
    });

    it('closing NOP alone connects the two sources: MeshError with the path between them', () => {
      const m = networkModel('textbook-alternate-supply');
      assert.throws(() => buildTopology(m, { NOP: true }), (err: unknown) => {
        assert.ok(err instanceof MeshError);
        assert.deepEqual(err.loop, ['S1', 'S2', 'S3', 'S4', 'ST']);
        assert.deepEqual(err.sources, ['SUPPLY', 'ALTERNATE']);
        assert.equal(err.message, 'sources "SUPPLY" and "ALTERNATE" are connected under this switch state through sections "S1", "S2", "S3", "S4", "ST"');
        return true;
      });
    });

    it('states as a Map, and bad states', () => {
      const m = networkModel('textbook-alternate-supply');
      assert.equal(buildTopology(m, new Map([['DS3', false], ['NOP', true]])).sourceOf('N3'), 'ALTERNATE');
      assert.throws(() => buildTopology(m, { DS9: false }), { message: 'switch state: device "DS9" does not exist' });
      assert.throws(() => buildTopology(m, { DS3: 'open' } as unknown as SwitchStates), { message: 'switch state: device "DS3" must be true (closed) or false (open)' });
    });

    it('queries by unknown id name what is missing', () => {
      const t = topo('textbook-alternate-supply');
      assert.throws(() => t.pathToSource('N9'), { message: 'bus "N9" does not exist' });
      assert.throws(() => t.upstreamProtective({ section: 'S9' }), { message: 'section "S9" does not exist' });
      assert.throws(() => t.upstreamProtective({ loadPoint: 'E' }), { message: 'load point "E" does not exist' });
      assert.throws(() => t.downstream({ device: 'XX' }), { message: 'device "XX" does not exist' });
    });
  });
});

describe('Topology: RBTS Bus 2', () => {
  const F1 = ['LP1', 'LP2', 'LP3', 'LP4', 'LP5', 'LP6', 'LP7'];
  const F2 = ['LP8', 'LP9'];
  const F3 = ['LP10', 'LP11', 'LP12', 'LP13', 'LP14', 'LP15'];
  const F4 = ['LP16', 'LP17', 'LP18', 'LP19', 'LP20', 'LP21', 'LP22'];

  describe('normal states', () => {
    const t = loadNetwork('rbts-bus2').topology;
    const { bus, dev } = ids(t);

    it('feeder totals below each breaker (customers, average kW) and the bus total', () => {
      // F1: 3 x 210 + 1 + 1 + 10 + 10 = 652 customers; 3 x 535 + 2 x 566 + 2 x 454 = 3645 kW.
      // F2: 1 + 1 = 2; 1000 + 1150 = 2150 kW (peak 1627.9 + 1872.1 = 3500 kW).
      // F3: 210 + 210 + 200 + 1 + 1 + 10 = 632; 2 x 535 + 450 + 2 x 566 + 454 = 3106 kW.
      // F4: 10 + 3 x 200 + 1 + 1 + 10 = 622; 2 x 454 + 3 x 450 + 2 x 566 = 3390 kW.
      const expected: Array<[string, number, number, string[]]> = [['CB-F1', 652, 3645, F1], ['CB-F2', 2, 2150, F2], ['CB-F3', 632, 3106, F3], ['CB-F4', 622, 3390, F4]];
      for (const [cb, customers, kW, lps] of expected) {
        const d = t.downstream({ device: cb });
        assert.equal(d.customers, customers, cb);
        assert.ok(Math.abs(d.avgKW - kW) < 1e-9, `${cb}: ${d.avgKW} kW`);
        assert.deepEqual(sorted(d.loadPoints), sorted(lps));
      }
      assert.ok(Math.abs(t.downstream({ device: 'CB-F2' }).peakKW - 3500) < 1e-9);
      const all = t.downstream({ bus: 'SS' });
      assert.equal(all.customers, 1908);
      assert.ok(Math.abs(all.avgKW - 12291) < 1e-9);
      assert.equal(all.loadPoints.length, 22);
      // Below DS-7: LP5, LP6, LP7 (1 + 10 + 10 customers, 566 + 454 + 454 kW).
      assert.deepEqual({ ...t.downstream({ device: 'DS-7' }), loadPoints: sorted(t.downstream({ device: 'DS-7' }).loadPoints) },
        { customers: 21, avgKW: 1474, peakKW: 916.7 + 750 + 750, loadPoints: ['LP5', 'LP6', 'LP7'] });
    });

    it('parents, paths and sources', () => {
      assert.equal(t.parentOf('F1-N4'), 'F1-N3');
      assert.equal(t.parentOf('B-LP9'), 'F2-N2');
      assert.deepEqual(sorted(t.childrenOf('SS')), ['F1-N1', 'F2-N1', 'F3-N1', 'F4-N1']);
      assert.deepEqual(sorted(t.childrenOf('F4-N4')), ['B-LP21', 'B-LP22']);
      assert.deepEqual(sorted(t.childrenOf('F1-N1')), ['B-LP1', 'B-LP2', 'F1-N2']);
      assert.deepEqual(t.pathToSource('B-LP7'), ['L11', 'L10', 'L7', 'L4', 'L1']);
      assert.deepEqual(t.pathToSource('B-LP22'), ['L36', 'L34', 'L32', 'L29', 'L26']);
      assert.deepEqual(t.pathToSource('B-LP8'), ['L13', 'L12']);
      assert.equal(t.sourceOf('F3-N4'), 'S-SS');
    });

    it('protective devices: a lateral by its fuse, a main section by its feeder breaker', () => {
      for (let k = 1; k <= 36; k++) {
        const lateral = [2, 3, 5, 6, 8, 9, 11, 13, 15, 17, 19, 20, 22, 23, 25, 27, 28, 30, 31, 33, 35, 36].includes(k);
        const breaker = k <= 11 ? 'CB-F1' : k <= 15 ? 'CB-F2' : k <= 25 ? 'CB-F3' : 'CB-F4';
        assert.equal(t.upstreamProtective({ section: `L${k}` }), lateral ? `FU-${k}` : breaker, `L${k}`);
      }
      assert.equal(t.upstreamProtective({ loadPoint: 'LP9' }), 'FU-15');
      assert.equal(t.upstreamProtective({ loadPoint: 'LP22' }), 'FU-36');
      assert.equal(t.upstreamProtective({ bus: 'F1-N4' }), 'CB-F1');
      assert.equal(t.upstreamProtective({ bus: 'F4-N3' }), 'CB-F4');
      assert.equal(t.upstreamProtective({ device: 'FU-11' }), 'CB-F1');
      assert.equal(t.upstreamProtective({ device: 'DS-34' }), 'CB-F4');
      assert.equal(t.upstreamProtective({ device: 'CB-F3' }), null);
      // The ties sit on open sections: outside the tree, no protective device above them.
      assert.equal(t.upstreamProtective({ device: 'NO-F1F2' }), null);
      assert.equal(t.upstreamProtective({ section: 'LT1' }), null);
      assert.equal(t.model.devices[t.deviceAboveBus[bus('F1-N3')]].id, 'DS-7');
      assert.equal(t.model.devices[t.deviceAboveBus[bus('B-LP20')]].id, 'FU-33');
      assert.equal(t.deviceAtUpstreamEnd(dev('DS-7')), true);
    });

    it('zones: every section with its downstream bus behind its own device; the open ties on the receiving side', () => {
      assert.equal(t.zones.count, 37); // the substation bus + one per line section
      const rows = zoneTable(t);
      const byUp = new Map(rows.map((r) => [r.up, r]));
      assert.deepEqual(byUp.get(null), { up: null, parentUp: null, sections: [], buses: ['SS'], boundary: ['CB-F1', 'CB-F2', 'CB-F3', 'CB-F4'] });
      // Feeder 1, written out.
      assert.deepEqual(byUp.get('CB-F1'), { up: 'CB-F1', parentUp: 'root:SS', sections: ['L1'], buses: ['F1-N1'], boundary: ['CB-F1', 'DS-4', 'FU-2', 'FU-3'] });
      assert.deepEqual(byUp.get('FU-2'), { up: 'FU-2', parentUp: 'CB-F1', sections: ['L2'], buses: ['B-LP1'], boundary: ['FU-2'] });
      assert.deepEqual(byUp.get('DS-4'), { up: 'DS-4', parentUp: 'CB-F1', sections: ['L4'], buses: ['F1-N2'], boundary: ['DS-4', 'DS-7', 'FU-5', 'FU-6'] });
      assert.deepEqual(byUp.get('DS-7'), { up: 'DS-7', parentUp: 'DS-4', sections: ['L7'], buses: ['F1-N3'], boundary: ['DS-10', 'DS-7', 'FU-8', 'FU-9'] });
      assert.deepEqual(byUp.get('DS-10'), { up: 'DS-10', parentUp: 'DS-7', sections: ['L10'], buses: ['F1-N4'], boundary: ['DS-10', 'FU-11', 'NO-F1F2'] });
      assert.deepEqual(byUp.get('FU-11'), { up: 'FU-11', parentUp: 'DS-10', sections: ['L11'], buses: ['B-LP7'], boundary: ['FU-11'] });
      // LT1's tie sits at its F1-N4 end, so the tie conductor belongs to F2-N2's zone (likewise LT2 on F4).
      assert.deepEqual(byUp.get('DS-14'), { up: 'DS-14', parentUp: 'CB-F2', sections: ['L14', 'LT1'], buses: ['F2-N2'], boundary: ['DS-14', 'FU-15', 'NO-F1F2'] });
      assert.deepEqual(byUp.get('DS-24'), { up: 'DS-24', parentUp: 'DS-21', sections: ['L24'], buses: ['F3-N4'], boundary: ['DS-24', 'FU-25', 'NO-F3F4'] });
      assert.deepEqual(byUp.get('DS-34'), { up: 'DS-34', parentUp: 'DS-32', sections: ['L34', 'LT2'], buses: ['F4-N4'], boundary: ['DS-34', 'FU-35', 'FU-36', 'NO-F3F4'] });
      // Every line section is alone in its zone with the bus it feeds.
      for (const r of rows) if (r.up && r.up !== 'DS-14' && r.up !== 'DS-34') assert.equal(r.sections.length, 1, r.up);
    });

    it('which normally-open ties can back-feed a zone', () => {
      const nof1f2 = { device: 'NO-F1F2', section: 'LT1', near: 'F1-N4', far: 'F2-N2', farSource: 'S-SS' };
      const nof3f4 = { device: 'NO-F3F4', section: 'LT2', near: 'F3-N4', far: 'F4-N4', farSource: 'S-SS' };
      for (const top of ['F1-N1', 'F1-N2', 'F1-N3', 'F1-N4']) assert.deepEqual(ties(t, top), [nof1f2], top);
      // Feeder 2 below DS-14 can be fed back from feeder 1's end, and the whole of feeder 2 too.
      for (const top of ['F2-N1', 'F2-N2']) assert.deepEqual(ties(t, top), [{ device: 'NO-F1F2', section: 'LT1', near: 'F2-N2', far: 'F1-N4', farSource: 'S-SS' }], top);
      for (const top of ['F3-N2', 'F3-N4']) assert.deepEqual(ties(t, top), [nof3f4], top);
      assert.deepEqual(ties(t, 'F4-N2'), [{ device: 'NO-F3F4', section: 'LT2', near: 'F4-N4', far: 'F3-N4', farSource: 'S-SS' }]);
      // Laterals have no alternative supply; the substation bus holds both ends of every tie.
      for (const top of ['B-LP1', 'B-LP7', 'B-LP9', 'B-LP22', 'SS']) assert.deepEqual(ties(t, top), [], top);
    });
  });

  describe('live switch states', () => {
    it('open DS-7: LP5-LP7 lose supply; the rest of feeder 1 keeps its breaker', () => {
      const t = topo('rbts-bus2', { 'DS-7': false });
      for (const b of ['F1-N3', 'F1-N4', 'B-LP5', 'B-LP6', 'B-LP7']) assert.equal(t.sourceOf(b), null, b);
      const f1 = t.downstream({ device: 'CB-F1' });
      assert.deepEqual(sorted(f1.loadPoints), ['LP1', 'LP2', 'LP3', 'LP4']);
      assert.equal(f1.customers, 631);
      assert.equal(f1.avgKW, 2171);
      // From the open DS-7, F1-N3 is dead: only NO-F1F2 could feed F1-N3 and F1-N4 (it is open).
      assert.deepEqual(ties(t, 'F1-N2'), []);
    });

    it('open DS-7 and close NO-F1F2: F1-N3 and F1-N4 back-fed from feeder 2, L10 reversed, CB-F2 protects them', () => {
      const t = topo('rbts-bus2', { 'DS-7': false, 'NO-F1F2': true });
      const { bus, sec, dev } = ids(t);
      assert.equal(t.parentOf('F1-N4'), 'F2-N2');
      assert.equal(t.parentOf('F1-N3'), 'F1-N4');
      assert.deepEqual(t.pathToSource('B-LP5'), ['L8', 'L10', 'LT1', 'L14', 'L12']);
      assert.equal(t.secUp[sec('L10')], bus('F1-N4'));
      assert.equal(t.secDown[sec('L10')], bus('F1-N3'));
      assert.equal(t.secUp[sec('LT1')], bus('F2-N2'));
      assert.equal(t.deviceAtUpstreamEnd(dev('DS-10')), false);
      assert.equal(t.upstreamProtective({ section: 'L10' }), 'CB-F2');
      assert.equal(t.upstreamProtective({ section: 'LT1' }), 'CB-F2');
      assert.equal(t.upstreamProtective({ bus: 'F1-N3' }), 'CB-F2');
      assert.equal(t.upstreamProtective({ loadPoint: 'LP5' }), 'FU-8');
      assert.equal(t.upstreamProtective({ device: 'FU-8' }), 'CB-F2');
      assert.equal(t.upstreamProtective({ device: 'DS-10' }), 'CB-F2');
      // CB-F2 now carries feeder 2 and LP5-LP7: 2 + 1 + 10 + 10 customers, 2150 + 566 + 454 + 454 kW.
      const f2 = t.downstream({ device: 'CB-F2' });
      assert.deepEqual(sorted(f2.loadPoints), ['LP5', 'LP6', 'LP7', 'LP8', 'LP9']);
      assert.equal(f2.customers, 23);
      assert.equal(f2.avgKW, 3624);
      assert.equal(t.downstream({ device: 'CB-F1' }).avgKW, 2171);
      // The zones follow the new orientation: NO-F1F2 now bounds F1-N4's zone from above, and the
      // open L7 conductor (cut at its F1-N2 end by DS-7) joins F1-N3's zone.
      const rows = zoneTable(t);
      assert.equal(t.zones.count, 37);
      assert.deepEqual(rows.find((r) => r.up === 'NO-F1F2'), { up: 'NO-F1F2', parentUp: 'DS-14', sections: ['L10'], buses: ['F1-N4'], boundary: ['DS-10', 'FU-11', 'NO-F1F2'] });
      assert.deepEqual(rows.find((r) => r.up === 'DS-10'), { up: 'DS-10', parentUp: 'NO-F1F2', sections: ['L7'], buses: ['F1-N3'], boundary: ['DS-10', 'DS-7', 'FU-8', 'FU-9'] });
      assert.deepEqual(rows.find((r) => r.up === 'DS-4'), { up: 'DS-4', parentUp: 'CB-F1', sections: ['L4'], buses: ['F1-N2'], boundary: ['DS-4', 'DS-7', 'FU-5', 'FU-6'] });
      // DS-7 is the open point that could return F1-N3 to feeder 1.
      assert.deepEqual(ties(t, 'F1-N3'), [{ device: 'DS-7', section: 'L7', near: 'F1-N3', far: 'F1-N2', farSource: 'S-SS' }]);
    });

    it('closing NO-F1F2 without opening anything meshes feeders 1 and 2: MeshError with the ring', () => {
      const m = networkModel('rbts-bus2');
      let caught: unknown;
      try {
        buildTopology(m, { 'NO-F1F2': true });
      } catch (err) {
        caught = err;
      }
      assert.ok(caught instanceof MeshError, String(caught));
      assert.deepEqual(sorted(caught.loop), ['L1', 'L10', 'L12', 'L14', 'L4', 'L7', 'LT1']);
      assert.deepEqual(caught.sources, []);
      assert.equal(caught.message, `loop under this switch state through sections ${caught.loop.map((s) => `"${s}"`).join(', ')}`);
      // Listed as a walk: consecutive sections share a bus, the last closes on the first.
      const sec = new Map(m.sections.map((s) => [s.id, [s.from, s.to]]));
      caught.loop.forEach((s, k) => {
        const next = caught.loop[(k + 1) % caught.loop.length];
        assert.ok(sec.get(s)?.some((b) => sec.get(next)?.includes(b)), `${s} and ${next}`);
      });
    });

    it('opening a feeder breaker de-energises exactly that feeder', () => {
      const t = topo('rbts-bus2', { 'CB-F3': false });
      for (const lp of F3) assert.equal(t.upstreamProtective({ loadPoint: lp }), null, lp);
      assert.equal(t.downstream({ bus: 'SS' }).customers, 1908 - 632);
      assert.equal(t.downstream({ bus: 'SS' }).avgKW, 12291 - 3106);
      // LT2's far end (F3-N4) is dead, so the tie offers feeder 4 no back-feed.
      assert.deepEqual(ties(t, 'F4-N2'), []);
    });
  });

  it('the loaded topology equals one built again from the model', () => {
    const l = loadNetwork('rbts-bus2');
    const again = new Topology(networkModel('rbts-bus2'));
    assert.deepEqual(Array.from(l.topology.parentBus), Array.from(again.parentBus));
    assert.deepEqual(Array.from(l.topology.customersBelow), Array.from(again.customersBelow));
  });
});
