/**
 * The O(1)/O(depth) topology queries against a brute-force recomputation from scratch on random
 * feeders under random switch states. The brute force works on ids with plain maps and a fresh
 * search per question; it shares no code with lib/model/topology.ts or zones.ts.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MeshError, Topology } from '../../../lib/model/topology';
import type { FeederModel } from '../../../lib/model/types';
import { randomFeeder } from '../../../lib/networks/random';
import { Rng } from '../../../lib/util/rng';

const PROTECTIVE = new Set(['breaker', 'recloser', 'fuse']);

/** Everything recomputed from the model by searches from scratch. */
class Brute {
  readonly closedDev = new Map<string, boolean>();
  readonly secClosed = new Map<string, boolean>();
  readonly meshed: boolean;
  /** bus -> source id; bus -> [parent bus, section]. Only for energised buses. */
  readonly source = new Map<string, string>();
  readonly parent = new Map<string, [string, string]>();
  private readonly secById: Map<string, FeederModel['sections'][number]>;

  constructor(readonly m: FeederModel, states: Record<string, boolean>) {
    for (const d of m.devices) this.closedDev.set(d.id, states[d.id] ?? !d.normallyOpen);
    for (const s of m.sections) this.secClosed.set(s.id, true);
    for (const d of m.devices) if (!this.closedDev.get(d.id)) this.secClosed.set(d.section, false);
    this.secById = new Map(m.sections.map((s) => [s.id, s]));

    // Meshed when a component of closed sections holding a source has a cycle (edges >= buses)
    // or holds two sources. Union-find, independent of any traversal order.
    const uf = new Map<string, string>(m.buses.map((b) => [b.id, b.id]));
    const find = (x: string): string => {
      while (uf.get(x) !== x) x = uf.get(x) as string;
      return x;
    };
    const closed = m.sections.filter((s) => this.secClosed.get(s.id));
    for (const s of closed) uf.set(find(s.from), find(s.to));
    const count = (f: (root: string) => void, items: Iterable<string>) => { for (const x of items) f(find(x)); };
    const V = new Map<string, number>();
    const E = new Map<string, number>();
    const S = new Map<string, number>();
    count((r) => V.set(r, (V.get(r) ?? 0) + 1), m.buses.map((b) => b.id));
    count((r) => E.set(r, (E.get(r) ?? 0) + 1), closed.map((s) => s.from));
    count((r) => S.set(r, (S.get(r) ?? 0) + 1), m.sources.map((s) => s.bus));
    this.meshed = [...S.entries()].some(([r, n]) => n >= 2 || (E.get(r) ?? 0) >= (V.get(r) ?? 0));
    if (this.meshed) return;

    // Depth-first search from each source (a different order from the BFS under test).
    for (const src of m.sources) {
      const stack = [src.bus];
      this.source.set(src.bus, src.id);
      while (stack.length) {
        const u = stack.pop() as string;
        for (const s of closed) {
          const v = s.from === u ? s.to : s.to === u ? s.from : null;
          if (v === null || this.source.has(v)) continue;
          this.source.set(v, src.id);
          this.parent.set(v, [u, s.id]);
          stack.push(v);
        }
      }
    }
  }

  energised(b: string): boolean {
    return this.source.has(b);
  }

  path(b: string): string[] {
    const out: string[] = [];
    for (let p = this.parent.get(b); p; p = this.parent.get(p[0])) out.push(p[1]);
    return out;
  }

  ancestorsOrSelf(b: string): string[] {
    const out = [b];
    for (let p = this.parent.get(b); p; p = this.parent.get(p[0])) out.push(p[0]);
    return out;
  }

  isBelow(b: string, a: string): boolean {
    return this.energised(b) && this.energised(a) && this.ancestorsOrSelf(b).includes(a);
  }

  endBus(d: FeederModel['devices'][number]): string {
    const s = this.secById.get(d.section) as FeederModel['sections'][number];
    return d.end === 'to' ? s.to : s.from;
  }

  devicesAt(sec: string, bus: string, protectiveOnly: boolean): string[] {
    return this.m.devices.filter((d) => d.section === sec && this.endBus(d) === bus && (!protectiveOnly || PROTECTIVE.has(d.type))).map((d) => d.id);
  }

  /** Walk up from bus b: on each section the device at its lower end comes first. */
  protectiveOfBus(b: string): string | null {
    for (let lo = b, p = this.parent.get(b); p; lo = p[0], p = this.parent.get(p[0])) {
      const hit = [...this.devicesAt(p[1], lo, true), ...this.devicesAt(p[1], p[0], true)];
      if (hit.length) return hit[0];
    }
    return null;
  }

  /** Upstream and downstream bus of a section in the tree, or null. */
  orientation(sec: string): [string, string] | null {
    const s = this.secById.get(sec) as FeederModel['sections'][number];
    const pt = this.parent.get(s.to);
    if (pt && pt[1] === sec) return [s.from, s.to];
    const pf = this.parent.get(s.from);
    if (pf && pf[1] === sec) return [s.to, s.from];
    return null;
  }

  protectiveOfSection(sec: string): string | null {
    const o = this.orientation(sec);
    if (!o) return null;
    return this.devicesAt(sec, o[0], true)[0] ?? this.protectiveOfBus(o[0]);
  }

  protectiveAboveDevice(dev: string): string | null {
    const d = this.m.devices.find((x) => x.id === dev) as FeederModel['devices'][number];
    const o = this.orientation(d.section);
    if (!o) return null;
    if (this.endBus(d) === o[1]) {
      const atUp = this.devicesAt(d.section, o[0], true)[0];
      if (atUp) return atUp;
    }
    return this.protectiveOfBus(o[0]);
  }

  below(b: string): { customers: number; avgKW: number; peakKW: number; loadPoints: string[] } {
    const lps = this.m.loadPoints.filter((l) => this.isBelow(l.bus, b));
    return {
      customers: lps.reduce((a, l) => a + l.customers, 0),
      avgKW: lps.reduce((a, l) => a + l.avgKW, 0),
      peakKW: lps.reduce((a, l) => a + l.peakKW, 0),
      loadPoints: lps.map((l) => l.id).sort(),
    };
  }

  tiesBelow(top: string): string[] {
    const out: string[] = [];
    for (const s of this.m.sections) {
      if (this.secClosed.get(s.id)) continue;
      const aIn = this.isBelow(s.from, top);
      const bIn = this.isBelow(s.to, top);
      let near = '';
      let far = '';
      if (aIn && !bIn && this.energised(s.to)) [near, far] = [s.from, s.to];
      else if (bIn && !aIn && this.energised(s.from)) [near, far] = [s.to, s.from];
      else continue;
      const open = this.m.devices.filter((d) => d.section === s.id && !this.closedDev.get(d.id)).map((d) => d.id);
      out.push(`${open.at(-1)}|${s.id}|${near}|${far}|${this.source.get(far)}`);
    }
    return out.sort();
  }

  /**
   * Zones by union-find: an energised bus joins the conductor of each section at whose end it
   * has no device; a conductor in the tree is a zone even when devices sit at both its ends.
   * Returns element key ('b:ID' / 's:ID') -> zone representative.
   */
  zones(): Map<string, string> {
    const uf = new Map<string, string>();
    const find = (x: string): string => {
      if (!uf.has(x)) uf.set(x, x);
      while (uf.get(x) !== x) x = uf.get(x) as string;
      return x;
    };
    const member = new Set<string>();
    for (const b of this.m.buses) if (this.energised(b.id)) member.add(`b:${b.id}`);
    for (const s of this.m.sections) {
      if (this.orientation(s.id)) member.add(`s:${s.id}`);
      for (const e of [s.from, s.to]) {
        if (this.energised(e) && this.devicesAt(s.id, e, false).length === 0) {
          uf.set(find(`s:${s.id}`), find(`b:${e}`));
          member.add(`s:${s.id}`);
        }
      }
    }
    return new Map([...member].map((k) => [k, find(k)]));
  }
}

interface Case { model: FeederModel; states: Record<string, boolean> }

/** A random feeder and a random live state: some closed devices opened, some open ones closed. */
const cases: fc.Arbitrary<Case> = fc
  .record({
    seed: fc.integer({ min: 0, max: 0x7fffffff }),
    sections: fc.integer({ min: 1, max: 90 }),
    sources: fc.integer({ min: 1, max: 3 }),
    feedersPerSource: fc.integer({ min: 1, max: 3 }),
    ties: fc.integer({ min: 0, max: 4 }),
    switchProbability: fc.constantFrom(0, 0.2, 0.5, 1),
    fuseProbability: fc.constantFrom(0, 0.6, 1),
    mainShare: fc.constantFrom(0.1, 0.3, 0.8),
    stateSeed: fc.nat(),
    pOpen: fc.constantFrom(0, 0.05, 0.2),
    pClose: fc.constantFrom(0, 0.3, 1),
    pSecond: fc.constantFrom(0, 0, 0.3),
  })
  .map(({ stateSeed, pOpen, pClose, pSecond, ...opts }) => {
    const model = randomFeeder(opts);
    const rng = new Rng(stateSeed);
    // The generator puts at most one device on a section: add a second one at the other end of
    // some sections (a recloser or fuse there protects only what lies beyond it).
    for (const sec of model.sections) {
      if (sec.kind === 'tie' || !rng.bool(pSecond)) continue;
      const first = model.devices.find((d) => d.section === sec.id);
      const end = first?.end === 'to' ? 'from' : 'to';
      const type = rng.pick(['switch', 'recloser', 'fuse', 'sectionalizer'] as const);
      model.devices.push({ id: `X-${sec.id}`, type, section: sec.id, end, normallyOpen: false, automated: false, switchingHours: 1 });
    }
    const states: Record<string, boolean> = {};
    for (const d of model.devices) {
      if (d.normallyOpen && rng.bool(pClose)) states[d.id] = true;
      else if (!d.normallyOpen && rng.bool(pOpen)) states[d.id] = false;
    }
    return { model, states };
  });

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('Topology against brute force on random feeders (property)', () => {
  it('mesh detection, trees, paths, protective devices, downstream totals, isBelow and tie reach (400 feeders and states)', () => {
    let radial = 0;
    let meshed = 0;
    fc.assert(
      fc.property(cases, ({ model: m, states }) => {
        const brute = new Brute(m, states);
        let t: Topology;
        try {
          t = new Topology(m, states);
        } catch (err) {
          assert.ok(err instanceof MeshError, String(err));
          assert.ok(brute.meshed, `MeshError on a radial state: ${err.message}`);
          meshed++;
          // The reported sections are closed and form a cycle, or a path between the two sources.
          const secs = new Map(m.sections.map((s) => [s.id, s]));
          for (const s of err.loop) assert.equal(brute.secClosed.get(s), true, `${s} is open`);
          const loop = err.loop.map((id) => secs.get(id) as FeederModel['sections'][number]);
          for (let k = 0; k + 1 < loop.length; k++) {
            assert.ok([loop[k].from, loop[k].to].some((b) => [loop[k + 1].from, loop[k + 1].to].includes(b)), err.message);
          }
          if (err.sources.length === 2) {
            const buses = err.sources.map((id) => m.sources.find((s) => s.id === id)?.bus as string);
            assert.ok([loop[0].from, loop[0].to].includes(buses[0]), err.message);
            assert.ok([loop.at(-1)?.from, loop.at(-1)?.to].includes(buses[1]), err.message);
          } else {
            assert.ok(loop.length >= 2, err.message);
            const [first, last] = [loop[0], loop[loop.length - 1]];
            assert.ok([first.from, first.to].some((b) => [last.from, last.to].includes(b)), err.message);
          }
          return;
        }
        assert.ok(!brute.meshed, 'brute force finds a mesh the topology missed');
        radial++;
        const ix = t.index;
        const busIds = m.buses.map((b) => b.id);

        for (const b of busIds) {
          assert.equal(t.sourceOf(b), brute.source.get(b) ?? null, `source of ${b}`);
          assert.equal(t.parentOf(b), brute.parent.get(b)?.[0] ?? null, `parent of ${b}`);
          assert.deepEqual(t.pathToSource(b), brute.path(b), `path of ${b}`);
          assert.deepEqual(t.childrenOf(b).sort(), busIds.filter((c) => brute.parent.get(c)?.[0] === b).sort(), `children of ${b}`);
          assert.equal(t.upstreamProtective({ bus: b }), brute.protectiveOfBus(b), `protective of bus ${b}`);
          const d = t.downstream({ bus: b });
          const e = brute.below(b);
          assert.deepEqual([...d.loadPoints].sort(), e.loadPoints, `load points below ${b}`);
          assert.equal(d.customers, e.customers);
          assert.ok(near(d.avgKW, e.avgKW) && near(d.peakKW, e.peakKW), `load below ${b}`);
          assert.deepEqual(t.tiesBelow(ix.busIndex.get(b) as number).map((r) => `${r.device < 0 ? undefined : m.devices[r.device].id}|${m.sections[r.section].id}|${busIds[r.nearBus]}|${busIds[r.farBus]}|${m.sources[r.farSource].id}`).sort(), brute.tiesBelow(b), `ties below ${b}`);
        }
        for (const a of busIds) {
          for (const b of busIds) assert.equal(t.isBelow(ix.busIndex.get(b) as number, ix.busIndex.get(a) as number), brute.isBelow(b, a), `${b} below ${a}`);
        }
        for (const s of m.sections) {
          assert.equal(t.upstreamProtective({ section: s.id }), brute.protectiveOfSection(s.id), `protective of section ${s.id}`);
          const o = brute.orientation(s.id);
          const k = ix.sectionIndex.get(s.id) as number;
          assert.deepEqual([t.secUp[k], t.secDown[k]].map((x) => (x < 0 ? null : busIds[x])), o ?? [null, null], `orientation of ${s.id}`);
        }
        for (const d of m.devices) assert.equal(t.upstreamProtective({ device: d.id }), brute.protectiveAboveDevice(d.id), `protective above device ${d.id}`);
        for (const l of m.loadPoints) assert.equal(t.upstreamProtective({ loadPoint: l.id }), brute.protectiveOfBus(l.bus), `protective of load point ${l.id}`);
        // Parents come before children in the BFS order.
        const seen = new Set<number>();
        for (const v of t.order) {
          if (t.parentBus[v] >= 0) assert.ok(seen.has(t.parentBus[v]));
          seen.add(v);
        }
        assert.equal(t.order.length, brute.source.size);
      }),
      { numRuns: 400 },
    );
    // Both outcomes were exercised.
    assert.ok(radial > 100 && meshed > 20, `radial ${radial}, meshed ${meshed}`);
  });

  it('isolation zones: members, the device above each zone and the bounding devices (400 feeders and states)', () => {
    fc.assert(
      fc.property(cases, ({ model: m, states }) => {
        const brute = new Brute(m, states);
        if (brute.meshed) return;
        const t = new Topology(m, states);
        const z = t.zones;
        const ix = t.index;
        const expected = brute.zones();
        // Element -> topology zone, for every element that has one.
        const got = new Map<string, number>();
        m.buses.forEach((b, k) => { if (z.zoneOfBus[k] >= 0) got.set(`b:${b.id}`, z.zoneOfBus[k]); });
        m.sections.forEach((s, k) => { if (z.zoneOfSection[k] >= 0) got.set(`s:${s.id}`, z.zoneOfSection[k]); });
        assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), 'elements with a zone');
        // Same partition: a bijection between zone numbers and brute-force representatives.
        const fwd = new Map<number, string>();
        const back = new Map<string, number>();
        for (const [el, zone] of got) {
          const rep = expected.get(el) as string;
          assert.equal(fwd.get(zone) ?? rep, rep, `zone ${zone} splits in the brute force at ${el}`);
          assert.equal(back.get(rep) ?? zone, zone, `brute-force zone ${rep} splits at ${el}`);
          fwd.set(zone, rep);
          back.set(rep, zone);
        }
        assert.equal(fwd.size, z.count, 'every zone has members');
        for (let k = 0; k < z.count; k++) {
          const members = [...Array.from(z.busesOf(k), (b) => `b:${m.buses[b].id}`), ...Array.from(z.sectionsOf(k), (s) => `s:${m.sections[s].id}`)];
          assert.deepEqual(members.sort(), [...got].filter(([, zone]) => zone === k).map(([el]) => el).sort());
          // The device above a zone separates it from its parent zone, with the parent on the source side.
          const d = z.upDevice[k];
          if (z.parent[k] < 0) {
            assert.equal(d, -1);
            assert.ok(Array.from(z.busesOf(k)).some((b) => t.parentBus[b] < 0 && t.energised(b)), 'a root zone holds a source bus');
          } else {
            const s = ix.devSection[d];
            const e = ix.devAtFrom[d] ? ix.secFrom[s] : ix.secTo[s];
            const sideBus = z.zoneOfBus[e];
            const sideSec = z.zoneOfSection[s];
            if (sideBus === z.parent[k]) {
              assert.equal(sideSec, k);
              assert.equal(t.secUp[s], e, 'the conductor hangs below the bus');
            } else {
              assert.equal(sideSec, z.parent[k]);
              assert.equal(sideBus, k);
              assert.equal(t.secDown[s], e, 'the bus hangs below the conductor');
            }
          }
          // Bounding devices: every device at an end of a section where the bus or the conductor is in the zone.
          const bounding = m.devices.filter((dv) => {
            const s = ix.sectionIndex.get(dv.section) as number;
            const e = ix.busIndex.get(brute.endBus(dv)) as number;
            return z.zoneOfSection[s] === k || z.zoneOfBus[e] === k;
          }).map((dv) => dv.id).sort();
          assert.deepEqual(z.boundaryDevices(k).map((dv) => m.devices[dv].id).sort(), bounding, `bounding devices of zone ${k}`);
        }
        for (const k of z.order) if (z.parent[k] >= 0) assert.ok(Array.from(z.order).indexOf(z.parent[k]) < Array.from(z.order).indexOf(k));
      }),
      { numRuns: 400 },
    );
  });
});
