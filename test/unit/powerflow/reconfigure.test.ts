/**
 * Reconfiguration rules on small feeders: only switches are operated (never fuses, never locked
 * devices), de-energised areas stay as they are, limits are not made worse, two sources that may
 * not run in parallel are switched open-first, and an optimal present state needs no steps.
 */
import assert from 'node:assert/strict';
import { loadFeeder } from '../../../lib/model/load';
import { Topology } from '../../../lib/model/topology';
import type { FeederModel } from '../../../lib/model/types';
import { loadNetwork } from '../../../lib/networks';
import { reconfigure } from '../../../lib/powerflow/reconfigure';
import { powerFlow } from '../../../lib/powerflow/solve';
import { reconfigureInWorker } from '../../../lib/powerflow/worker';

/**
 * A ring A-B-C-D-E-A opened at tie DE: source at A, loads heavy at C and D. Closing the tie and
 * opening CD (load D fed from E) gives lower losses than the normal state.
 */
function ring(devicesOn: Record<string, 'switch' | 'fuse' | 'none'> = {}, extra: Partial<FeederModel> = {}): FeederModel {
  const sec = (id: string, from: string, to: string, r: number, kind?: 'tie') => ({ id, from, to, lengthKm: 1, failureRatePerYr: 0, repairHours: 1, rOhm: r, xOhm: r * 0.8, ...(kind ? { kind } : {}) });
  const model: FeederModel = {
    format: 'dms-feeder/1', baseKV: 11,
    buses: ['A', 'B', 'C', 'D', 'E'].map((id) => ({ id })),
    sources: [{ id: 'S', bus: 'A', kind: 'substation' }],
    sections: [sec('AB', 'A', 'B', 0.4), sec('BC', 'B', 'C', 0.6), sec('CD', 'C', 'D', 0.6), sec('EA', 'E', 'A', 0.5), sec('DE', 'D', 'E', 0.3, 'tie')],
    devices: [],
    loadPoints: [
      { id: 'LC', bus: 'C', customers: 1, avgKW: 1500, peakKW: 1500, peakKvar: 500 },
      { id: 'LD', bus: 'D', customers: 1, avgKW: 1500, peakKW: 1500, peakKvar: 500 },
      { id: 'LE', bus: 'E', customers: 1, avgKW: 100, peakKW: 100, peakKvar: 30 },
    ],
    ...extra,
  };
  for (const s of ['AB', 'BC', 'CD', 'EA']) {
    const kind = devicesOn[s] ?? 'switch';
    if (kind !== 'none') model.devices.push({ id: `${kind === 'fuse' ? 'F' : 'S'}-${s}`, type: kind, section: s, end: 'from', normallyOpen: false, automated: true, switchingHours: 0.1 });
  }
  model.devices.push({ id: 'T-DE', type: 'tie', section: 'DE', end: 'from', normallyOpen: true, automated: false, switchingHours: 1 });
  return model;
}

describe('reconfiguration: rules', () => {
  it('opens the loss-optimal section of the ring and closes the tie first', () => {
    const f = loadFeeder(ring());
    const r = reconfigure(f);
    assert.deepEqual(r.open, ['CD']);
    assert.deepEqual(r.openDevices, ['S-CD']);
    assert.deepEqual(r.steps.map((s) => [s.action, s.device]), [['close', 'T-DE'], ['open', 'S-CD']]);
    assert.equal(r.steps[0].automated, false);
    // The result is what a plain power flow of the new state gives, and is the best of the four radial options.
    const pf = powerFlow(f, { states: r.switchStates });
    assert.ok(Math.abs(pf.lossesKW - r.lossesKW) < 1e-6);
    for (const open of ['AB', 'BC', 'EA']) {
      const alt = powerFlow(f, { states: { 'T-DE': true, [`S-${open}`]: false } });
      assert.ok(alt.lossesKW > r.lossesKW, `opening ${open} loses more`);
    }
    assert.ok(r.lossesKW < r.start.lossesKW);
  });

  it('never operates a fuse or a section without a switch', () => {
    const r = reconfigure(loadFeeder(ring({ CD: 'fuse' })));
    assert.ok(!r.open.includes('CD'));
    assert.ok(!r.steps.some((s) => s.device === 'F-CD'));
    const r2 = reconfigure(loadFeeder(ring({ CD: 'none', BC: 'none' })));
    assert.ok(!r2.open.includes('CD') && !r2.open.includes('BC'));
  });

  it('leaves locked devices as they are', () => {
    const f = loadFeeder(ring());
    const r = reconfigure(f, { locked: ['S-CD'] });
    assert.ok(!r.open.includes('CD'));
    const r2 = reconfigure(f, { locked: ['T-DE'] });
    assert.deepEqual(r2.open, ['DE']);
    assert.equal(r2.steps.length, 0);
    assert.throws(() => reconfigure(f, { locked: ['NOPE'] }), /locked: device "NOPE" does not exist/);
  });

  it('an optimal present state gives no steps; the result is never worse than the present state', () => {
    const f = loadFeeder(ring());
    const r = reconfigure(f, { states: { 'T-DE': true, 'S-CD': false } });
    assert.deepEqual(r.open, ['CD']);
    assert.equal(r.steps.length, 0);
    assert.deepEqual(r.switchStates, {});
    assert.equal(r.savingKW, 0);
  });

  it('keeps de-energised areas de-energised', () => {
    const m = ring();
    const f = loadFeeder(m);
    // D and E cut off: S-CD and S-EA open, tie open. Reconfiguration may not pick them up.
    const r = reconfigure(f, { states: { 'S-CD': false, 'S-EA': false } });
    assert.equal(r.steps.length, 0);
    assert.deepEqual(r.powerflow.unsupplied.map((u) => u.loadPoint).sort(), ['LD', 'LE']);
  });

  it('does not accept a configuration that overloads a section the present state does not', () => {
    const m = ring();
    // EA rated so that feeding D from E would overload it.
    m.sections.find((s) => s.id === 'EA')!.ratingA = 20;
    const f = loadFeeder(m);
    assert.equal(powerFlow(f).violations.thermal.length, 0);
    const r = reconfigure(f);
    assert.deepEqual(r.open, ['DE'], 'stays as it is');
    assert.equal(r.limitsMet, true);
  });

  it('respects transfer capacities: a tie device capacityKW and a source capacityKW', () => {
    // Feeding D over the tie carries about 1500 kW through DE: a 1000 kW tie capacity forbids it.
    const tie = ring();
    tie.devices.find((d) => d.id === 'T-DE')!.capacityKW = 1000;
    const f = loadFeeder(tie);
    const r = reconfigure(f);
    assert.deepEqual(r.open, ['DE']);
    const forced = powerFlow(f, { states: { 'T-DE': true, 'S-CD': false } });
    assert.equal(forced.violations.capacity.length, 1);
    assert.equal(forced.violations.capacity[0].id, 'T-DE');
    assert.ok(forced.violations.capacity[0].pKW > 1500 && forced.violations.capacity[0].limitKW === 1000);
    // Two sources: S2 at E may take at most 1000 kW it does not normally feed (LD is 1500 kW).
    const two = ring();
    two.sections = two.sections.filter((s) => s.id !== 'EA');
    two.devices = two.devices.filter((d) => d.section !== 'EA');
    two.sources.push({ id: 'S2', bus: 'E', kind: 'substation', capacityKW: 1000 });
    const f2 = loadFeeder(two);
    assert.deepEqual(reconfigure(f2).open, ['DE']);
    const moved = powerFlow(f2, { states: { 'T-DE': true, 'S-CD': false } });
    assert.deepEqual(moved.violations.capacity.map((c) => [c.kind, c.id, c.pKW, c.limitKW]), [['source', 'S2', 1500, 1000]]);
    two.sources[1].capacityKW = 2000;
    assert.deepEqual(reconfigure(loadFeeder(two)).open, ['CD'], 'within capacity the transfer is made');
  });

  it('two sources that may not run in parallel: open first and say which load is off', () => {
    // Split the ring into two feeders: source S at A, source S2 at E (EA removed).
    const m = ring();
    m.sections = m.sections.filter((s) => s.id !== 'EA');
    m.devices = m.devices.filter((d) => d.section !== 'EA');
    m.sources.push({ id: 'S2', bus: 'E', kind: 'substation' });
    const r = reconfigure(loadFeeder(m));
    assert.deepEqual(r.open, ['CD']);
    assert.deepEqual(r.steps.map((s) => [s.action, s.device]), [['open', 'S-CD'], ['close', 'T-DE']]);
    assert.match(r.steps[0].reason, /sources "S" and "S2" may not run in parallel, so load point LD is off until DE closes/);
    m.sources.forEach((s) => (s.allowParallel = true));
    const p = reconfigure(loadFeeder(m));
    assert.deepEqual(p.steps.map((s) => s.action), ['close', 'open']);
  });

  it('a meshed present state is refused with the loop', () => {
    assert.throws(() => reconfigure(loadFeeder(ring()), { states: { 'T-DE': true } }), /radial.*loop/);
  });

  it('runs in a worker thread with progress, and can be cancelled', async () => {
    const f = loadNetwork('ieee33');
    const progress: number[] = [];
    const job = reconfigureInWorker(f.model, { restarts: 1 }, (p) => progress.push(p.done));
    const r = await job.result;
    assert.equal(r.lossesKW.toFixed(2), '139.55');
    assert.ok(progress.length >= 2 && progress[progress.length - 1] === progress.length);
    const slow = reconfigureInWorker(f.model, { restarts: 50 });
    slow.cancel();
    await assert.rejects(slow.result, /cancelled/);
    const bad = reconfigureInWorker(f.model, { locked: ['X'] });
    await assert.rejects(bad.result, /locked: device "X" does not exist/);
  });

  it('the switching plan of a state Topology can check: every bus supplied after each exchange', () => {
    const f = loadFeeder(ring());
    const r = reconfigure(f);
    const states: Record<string, boolean> = {};
    for (const s of r.steps) {
      states[s.device] = s.action === 'close';
      if (s.action === 'open') assert.equal(new Topology(f.index, { ...states }).order.length, 5);
    }
  });
});
