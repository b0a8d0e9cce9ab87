/**
 * Property tests of the validator on random radial feeders (lib/networks/random.ts): every feeder
 * the generator builds is accepted without warnings; every targeted corruption is rejected with at
 * least one message naming a path; random JSON edits never make the validator throw.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ModelError, loadFeeder, loadFeederJson } from '../../../lib/model/load';
import { Topology } from '../../../lib/model/topology';
import type { FeederModel } from '../../../lib/model/types';
import { validateFeeder, type ValidationResult } from '../../../lib/model/validate';
import { randomFeeder, type RandomFeederOptions } from '../../../lib/networks/random';

// Corruptions write wrong types on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const probability = fc.double({ min: 0, max: 1, noNaN: true });

/** Every option of randomFeeder, each sometimes left to its default. */
function feederOptions(maxSections: number): fc.Arbitrary<RandomFeederOptions> {
  return fc.record(
    {
      seed: fc.integer({ min: 0, max: 0x7fffffff }),
      sections: fc.integer({ min: 1, max: maxSections }),
      sources: fc.integer({ min: 1, max: 4 }),
      feedersPerSource: fc.integer({ min: 1, max: 4 }),
      ties: fc.integer({ min: 0, max: 6 }),
      switchProbability: probability,
      automatedProbability: probability,
      fuseProbability: probability,
      fuseFailureProbability: probability,
      loadProbability: probability,
      transformerProbability: probability,
      mainShare: probability,
      impedanceScale: fc.double({ min: 0, max: 10, noNaN: true }),
      loadScale: fc.double({ min: 0, max: 10, noNaN: true }),
      tieLimits: fc.boolean(),
    },
    { requiredKeys: ['seed', 'sections'] },
  );
}

function assertRejected(r: ValidationResult, what: string): void {
  assert.equal(r.ok, false, `${what}: accepted`);
  assert.ok(r.errors.length >= 1, `${what}: no error message`);
  assert.equal(r.model, undefined);
  for (const e of r.errors) {
    assert.equal(typeof e.path, 'string');
    assert.ok(e.path.length > 0, `${what}: empty path`);
    assert.equal(typeof e.id, 'string');
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0, `${what}: empty message`);
  }
}

const pick = <T>(items: readonly T[], n: number): T => items[n % items.length];

const REQUIRED: Record<string, string[]> = {
  buses: ['id'],
  sources: ['id', 'bus', 'kind'],
  sections: ['id', 'from', 'to', 'lengthKm', 'repairHours'],
  devices: ['id', 'type', 'section', 'end', 'normallyOpen', 'automated', 'switchingHours'],
  loadPoints: ['id', 'bus', 'customers', 'avgKW', 'peakKW'],
};
const COLLECTIONS = Object.keys(REQUIRED);
const BAD_NUMBERS = [-1, -0.001, -1e9, NaN, Infinity, -Infinity];

/**
 * One corruption of a valid model (modified in place). Each must make the model invalid, whatever
 * the model; `n` holds the random choices.
 */
const CORRUPTIONS: Record<string, (m: Loose, n: number[]) => void> = {
  'delete a referenced bus': (m, n) => {
    const s = pick(m.sections as Loose[], n[0]);
    const gone = n[1] % 2 ? s.from : s.to;
    m.buses = m.buses.filter((b: Loose) => b.id !== gone);
  },
  'duplicate an id': (m, n) => {
    const coll = pick(COLLECTIONS, n[0]);
    const items = m[coll] as Loose[];
    const i = n[1] % items.length;
    const j = n[2] % items.length;
    if (i === j) items.push(structuredClone(items[i]));
    else items[j].id = items[i].id;
  },
  'make a number negative or non-finite': (m, n) => {
    const bad = pick(BAD_NUMBERS, n[0]);
    const targets: Array<[Loose, string]> = [];
    for (const s of m.sections) targets.push([s, 'lengthKm'], [s, 'repairHours']);
    for (const s of m.sections) if (s.failureRatePerKmYr !== undefined) targets.push([s, 'failureRatePerKmYr']);
    for (const d of m.devices) targets.push([d, 'switchingHours']);
    for (const l of m.loadPoints) {
      targets.push([l, 'avgKW'], [l, 'peakKW'], [l, 'customers']);
      if (l.transformer) targets.push([l.transformer, 'failureRatePerYr'], [l.transformer, 'repairHours']);
    }
    const [el, field] = pick(targets, n[1]);
    el[field] = bad;
  },
  'close a tie or add a closed section (loop or two sources connected)': (m, n) => {
    const ties = (m.devices as Loose[]).filter((d) => d.normallyOpen);
    if (ties.length > 0 && n[0] % 2 === 0) {
      pick(ties, n[1]).normallyOpen = false;
      return;
    }
    // Every bus the generator made (B0, B1, ...) is energised, so any extra closed section between
    // two of them closes a loop (or joins two sources). Buses other corruptions add are left out.
    const made = (m.buses as Loose[]).filter((x) => /^B\d+$/.test(x.id)).map((x) => x.id as string);
    const a = n[1] % made.length;
    const b = (a + 1 + (n[2] % Math.max(1, made.length - 1))) % made.length;
    m.sections.push({ id: 'EXTRA', from: made[a], to: made[b], lengthKm: 1, failureRatePerKmYr: 0.1, repairHours: 1 });
  },
  'dangle a reference': (m, n) => {
    const refs: Array<[Loose, string]> = [];
    for (const s of m.sources) refs.push([s, 'bus']);
    for (const s of m.sections) refs.push([s, 'from'], [s, 'to']);
    for (const d of m.devices) refs.push([d, 'section']);
    for (const l of m.loadPoints) refs.push([l, 'bus']);
    const [el, field] = pick(refs, n[0]);
    el[field] = `NOPE-${n[1]}`;
  },
  'set a wrong type': (m, n) => {
    const wrong: Array<(m: Loose, k: number) => void> = [
      (x, k) => { pick(x.sections as Loose[], k).lengthKm = '1.5'; },
      (x, k) => { pick(x.sections as Loose[], k).from = 3; },
      (x, k) => { pick(x.sections as Loose[], k).kind = 'cable'; },
      (x, k) => { pick(x.devices as Loose[], k).normallyOpen = 0; },
      (x, k) => { pick(x.devices as Loose[], k).type = 'relay'; },
      (x, k) => { pick(x.devices as Loose[], k).end = true; },
      (x, k) => { pick(x.loadPoints as Loose[], k).customers = '10'; },
      (x, k) => { pick(x.loadPoints as Loose[], k).transformer = 5; },
      (x, k) => { pick(x.buses as Loose[], k).id = 17; },
      (x, k) => { pick(x.sources as Loose[], k).kind = 'generator'; },
      (x, k) => { x.sections[k % x.sections.length] = 'S1'; },
      (x) => { x.format = 'dms-feeder/0'; },
      (x) => { x.buses = {}; },
      (x) => { x.loadPoints = null; },
    ];
    pick(wrong, n[0])(m, n[1]);
  },
  'delete a required field': (m, n) => {
    if (n[0] % 8 === 0) {
      delete m[pick(['format', ...COLLECTIONS], n[1])];
      return;
    }
    const coll = pick(COLLECTIONS, n[1]);
    const el = pick(m[coll] as Loose[], n[2]);
    delete el[pick(REQUIRED[coll], n[3])];
  },
  'hang a loop behind a new open point': (m, n) => {
    // De-energised under normal states, but closing the point would close the loop.
    const at = pick(m.buses as Loose[], n[0]).id;
    m.buses.push({ id: 'X1' }, { id: 'X2' });
    const sec = (id: string, from: string, to: string) => ({ id, from, to, lengthKm: 1, failureRatePerKmYr: 0.1, repairHours: 1 });
    m.sections.push(sec('XT', at, 'X1'), sec('XA', 'X1', 'X2'), sec('XB', n[1] % 2 ? 'X1' : 'X2', n[1] % 2 ? 'X2' : 'X1'));
    m.devices.push({ id: 'XNO', type: 'tie', section: 'XT', end: n[2] % 2 ? 'from' : 'to', normallyOpen: true, automated: false, switchingHours: 1 });
  },
  'connect a section to itself': (m, n) => {
    const s = pick(m.sections as Loose[], n[0]);
    s.to = s.from;
  },
  'put a load point where no source reaches': (m, n) => {
    m.buses.push({ id: 'ISLAND' });
    m.loadPoints.push({ id: 'LP-ISLAND', bus: 'ISLAND', customers: 1 + (n[0] % 50), avgKW: 10, peakKW: 20 });
  },
  'swap voltage limits': (m, n) => {
    const b = pick(m.buses as Loose[], n[0]);
    b.vMinPu = 1.1;
    b.vMaxPu = 0.9 + (n[1] % 3) * 0.1; // 0.9, 1.0 or 1.1: never above vMinPu
  },
  'point an IED at nothing': (m, n) => {
    m.ieds = [{ id: 'IED1', unitId: n[0] % 256, ...(n[1] % 2 ? { device: 'NOPE' } : { section: 'NOPE' }) }];
  },
};

describe('validateFeeder on random radial feeders (property)', () => {
  it('accepts every generated feeder, without warnings (2000 feeders, every option varied)', () => {
    fc.assert(
      fc.property(feederOptions(150), (opts) => {
        const r = validateFeeder(randomFeeder(opts));
        assert.deepEqual(r.errors, [], JSON.stringify(opts));
        assert.equal(r.ok, true);
        assert.deepEqual(r.warnings, []);
      }),
      { numRuns: 2000 },
    );
  });

  it('the generator is deterministic for a seed', () => {
    fc.assert(fc.property(feederOptions(80), (opts) => {
      assert.deepEqual(randomFeeder(opts), randomFeeder(opts));
    }), { numRuns: 100 });
  });

  for (const [name, corrupt] of Object.entries(CORRUPTIONS)) {
    it(`rejects with a message, never throws: ${name} (300 feeders)`, () => {
      fc.assert(
        fc.property(feederOptions(60), fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), (opts, n) => {
          const m = randomFeeder(opts) as Loose;
          corrupt(m, n);
          assertRejected(validateFeeder(m), name);
          // The loader reports the same thing as a ModelError, never as another exception.
          assert.throws(() => loadFeeder(m), ModelError);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('rejects several corruptions at once with at least one message each way (1000 feeders)', () => {
    const names = Object.keys(CORRUPTIONS);
    fc.assert(
      fc.property(feederOptions(60), fc.array(fc.tuple(fc.nat(), fc.array(fc.nat(), { minLength: 4, maxLength: 4 })), { minLength: 2, maxLength: 4 }), (opts, edits) => {
        const m = randomFeeder(opts) as Loose;
        const applied: string[] = [];
        for (const [k, n] of edits) {
          const name = pick(names, k);
          // Later edits may find a collection already replaced by a wrong type: that is fine,
          // the model is invalid already; stop there.
          try {
            CORRUPTIONS[name](m, n);
          } catch {
            break;
          }
          applied.push(name);
        }
        assertRejected(validateFeeder(m), applied.join(' + '));
      }),
      { numRuns: 1000 },
    );
  });

  it('random JSON edits anywhere in the document never make it throw (2000 edits)', () => {
    fc.assert(
      fc.property(feederOptions(30), fc.nat(), fc.nat(), fc.jsonValue({ maxDepth: 2 }), (opts, where, how, value) => {
        const m = randomFeeder(opts) as Loose;
        const paths = allPaths(m);
        const p = pick(paths, where);
        const parent = p.slice(0, -1).reduce((x: Loose, k) => x[k], m);
        const key = p[p.length - 1];
        if (how % 3 === 0) {
          if (Array.isArray(parent)) parent.splice(Number(key), 1);
          else delete parent[key];
        } else if (how % 3 === 1) parent[key] = value;
        else parent[key] = structuredClone(pick(paths, how).reduce((x: Loose, k) => x?.[k], randomFeeder(opts)) ?? null);
        let r: ValidationResult;
        try {
          r = validateFeeder(m);
        } catch (err) {
          assert.fail(`validateFeeder threw on an edit at ${p.join('.')}: ${(err as Error).stack}`);
        }
        if (r.ok) {
          // Whatever it accepts, the topology and the loader must take.
          assert.doesNotThrow(() => new Topology(r.model as FeederModel));
          assert.doesNotThrow(() => loadFeeder(m));
        } else {
          assertRejected(r, p.join('.'));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random edits of the JSON text either load or fail with a ModelError (1000 edits)', () => {
    fc.assert(
      fc.property(feederOptions(20), fc.nat(), fc.nat(), fc.string({ maxLength: 3 }), (opts, at, len, insert) => {
        const text = JSON.stringify(randomFeeder(opts));
        const i = at % text.length;
        const edited = text.slice(0, i) + insert + text.slice(i + (len % 4));
        try {
          loadFeederJson(edited);
        } catch (err) {
          assert.ok(err instanceof ModelError, `not a ModelError: ${(err as Error).stack}`);
          assert.ok(err.issues.length >= 1);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/** Every path (list of keys) to a value in a JSON document, the root excluded. */
function allPaths(doc: unknown): string[][] {
  const out: string[][] = [];
  const walk = (x: unknown, p: string[]) => {
    if (x && typeof x === 'object') {
      for (const k of Object.keys(x)) {
        out.push([...p, k]);
        walk((x as Record<string, unknown>)[k], [...p, k]);
      }
    }
  };
  walk(doc, []);
  return out;
}
