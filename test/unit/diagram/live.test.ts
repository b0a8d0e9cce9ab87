import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  applyLiveMessage, emptyLiveState, liveSummary, liveSvg, loadFeederCached, packagePath, type LiveDiagramState,
} from '../../../lib/diagram/live';
import type { LoadedFeeder } from '../../../lib/model/load';

const DEMO = packagePath('docs/models/rbts-bus2-demo.json');

function attr(svg: string, cls: string, id: string): string | undefined {
  const m = new RegExp(`class="${cls}" data-id="${id.replace(/[-]/g, '\\-')}"[^>]*data-state="([a-z]+)"`).exec(svg);
  return m?.[1];
}

/** An ied/measurement as dms-ied-reader reports it by exception: only the points given. */
function measurement(device: string, values: Record<string, unknown>, quality = 'good') {
  return {
    topic: 'ied/measurement',
    payload: { ied: `IED-${device}`, device, ts: 0, quality, reason: 'change', values, qualities: Object.fromEntries(Object.keys(values).map((k) => [k, quality])) },
  };
}

/** Feeds messages in order; returns the final state. */
function feed(f: LoadedFeeder, msgs: Array<{ topic: string; payload: unknown }>, state: LiveDiagramState | null = null): LiveDiagramState {
  let s = state;
  for (const m of msgs) s = applyLiveMessage(f, s, m).state;
  return s!;
}

describe('live single-line diagram state', () => {
  const f = loadFeederCached(DEMO);

  it('follows positions reported by exception, through the travel of a switch', () => {
    // First report of DS-7: both contacts.
    let s = feed(f, [measurement('DS-7', { breakerClosed: true, breakerOpen: false, iaA: 120 })]);
    assert.equal(s.states['DS-7'], true);
    // Travelling: neither contact made; the position is not known, nothing changes.
    let u = applyLiveMessage(f, s, measurement('DS-7', { breakerClosed: false, breakerIntermediate: true }));
    assert.equal(u.changed, false);
    assert.equal(u.state.states['DS-7'], true);
    // Arrived: only breakerOpen and breakerIntermediate change (breakerClosed stays false and is not reported again).
    u = applyLiveMessage(f, u.state, measurement('DS-7', { breakerOpen: true, breakerIntermediate: false }));
    assert.equal(u.changed, true);
    assert.equal(u.statesChanged, true);
    assert.equal(u.state.states['DS-7'], false);
    s = u.state;
    assert.equal(attr(liveSvg(f, s), 'device', 'DS-7'), 'open');
  });

  it('ignores positions that are not good, devices the model does not have, and other topics', () => {
    const s0 = feed(f, [measurement('CB-F1', { breakerClosed: true, breakerOpen: false })]);
    const stale = applyLiveMessage(f, s0, measurement('CB-F1', { breakerClosed: false, breakerOpen: true }, 'stale'));
    assert.equal(stale.changed, false);
    assert.equal(stale.state.states['CB-F1'], true);
    assert.equal(applyLiveMessage(f, s0, measurement('XX-9', { breakerClosed: false, breakerOpen: true })).changed, false);
    assert.equal(applyLiveMessage(f, s0, { topic: 'transformer/mode', payload: {} }).changed, false);
    // A report of both contacts made (a bad state) gives no position either.
    const bad = applyLiveMessage(f, s0, measurement('CB-F1', { breakerOpen: true }));
    assert.equal(bad.state.states['CB-F1'], true);
  });

  it('draws a permanent fault on L7: faulted zone, isolation and restoration through the tie', () => {
    const normal = ['CB-F1', 'DS-4', 'DS-7', 'DS-10', 'CB-F2', 'DS-14'].map((d) => measurement(d, { breakerClosed: true, breakerOpen: false }));
    let s = feed(f, [...normal, measurement('NO-F1F2', { breakerClosed: false, breakerOpen: true })]);
    // Lockout of CB-F1.
    s = feed(f, [measurement('CB-F1', { breakerClosed: false, breakerOpen: true }), { topic: 'fault/event', payload: { stage: 'lockout', device: 'CB-F1', permanent: true } }], s);
    assert.deepEqual(s.outageStates?.['CB-F1'], false);
    s = feed(f, [{
      topic: 'fdir/plan',
      payload: {
        planId: 'P1', incident: 'F1', kind: 'restoration', faultedZone: ['L7', 'L8', 'L9'],
        plan: [{ step: 1, device: 'DS-7', action: 'open', mode: 'remote' }, { step: 2, device: 'DS-10', action: 'open', mode: 'remote' }, { step: 3, device: 'CB-F1', action: 'close', mode: 'remote' }, { step: 4, device: 'NO-F1F2', action: 'close', mode: 'remote' }],
      },
    }], s);
    let svg = liveSvg(f, s);
    assert.equal(attr(svg, 'section', 'L7'), 'faulted');
    assert.equal(attr(svg, 'load-point', 'LP7'), 'dead');
    assert.equal(attr(svg, 'load-point', 'LP12'), 'live', 'feeder F3 untouched');
    // The plan executed, as the IEDs report it.
    s = feed(f, [
      measurement('DS-7', { breakerClosed: false, breakerOpen: true }),
      measurement('DS-10', { breakerClosed: false, breakerOpen: true }),
      measurement('CB-F1', { breakerClosed: true, breakerOpen: false }),
      measurement('NO-F1F2', { breakerClosed: true, breakerOpen: false }),
    ], s);
    svg = liveSvg(f, s);
    assert.equal(attr(svg, 'section', 'L7'), 'faulted');
    assert.equal(attr(svg, 'device', 'NO-F1F2'), 'closed');
    assert.equal(attr(svg, 'load-point', 'LP7'), 'restored');
    assert.equal(attr(svg, 'load-point', 'LP1'), 'restored');
    assert.equal(attr(svg, 'load-point', 'LP5'), 'dead');
    const sum = liveSummary(f, s);
    // Only the isolated zone's load points are out: LP5 (1 customer) and LP6 (10), as FDIR reports "11 out".
    assert.deepEqual(sum.loadPointsOut, ['LP5', 'LP6']);
    assert.equal(sum.customersOut, 1 + 10);
    assert.equal(sum.radial, true);
    assert.deepEqual(sum.offNormal.sort(), ['DS-10', 'DS-7', 'NO-F1F2']);
    // Repair: the zone is no longer drawn as faulted; back to normal: no outage overlay either.
    s = feed(f, [{ topic: 'fdir/event', payload: { type: 'repaired' } }], s);
    assert.deepEqual(s.faulted, []);
    // L7 carries DS-7, still open until the return to normal: drawn as an open section.
    assert.equal(attr(liveSvg(f, s), 'section', 'L7'), 'open');
    s = feed(f, [{ topic: 'fdir/event', payload: { type: 'normal' } }], s);
    assert.equal(s.outageStates, null);
  });

  it('takes crew operations from the plan, and forgets them (not the IED positions) on a reset', () => {
    let s = feed(f, [
      measurement('CB-F3', { breakerClosed: false, breakerOpen: true }),
      { topic: 'fdir/plan', payload: { kind: 'restoration', faultedZone: ['L21'], plan: [{ step: 1, device: 'DS-21', action: 'open', mode: 'crew' }] } },
      { topic: 'fdir/event', payload: { type: 'crew-done', step: 1, device: 'DS-21' } },
    ]);
    assert.equal(s.states['DS-21'], false);
    const u = applyLiveMessage(f, s, { topic: 'diagram/reset', payload: {} });
    s = u.state;
    assert.equal(u.changed, true);
    assert.equal('DS-21' in s.states, false, 'crew-set position dropped');
    assert.equal(s.states['CB-F3'], false, 'the IED position stays until the IED reports otherwise');
    assert.deepEqual(s.faulted, []);
  });

  it('says when a close-before-open transfer makes a loop', () => {
    const s = feed(f, [measurement('NO-F1F2', { breakerClosed: true, breakerOpen: false })]);
    assert.equal(liveSummary(f, s).radial, false);
    // The drawing still renders (every section shown dead when the state is not radial).
    assert.match(liveSvg(f, s), /^<svg /);
  });

  it('loads a model once per process and finds files of the package', () => {
    assert.equal(loadFeederCached(DEMO), f);
    assert.equal(loadFeederCached('rbts-bus2'), loadFeederCached('rbts-bus2'));
    assert.ok(existsSync(packagePath('package.json')));
    assert.throws(() => loadFeederCached('/nonexistent/feeder.json'), /cannot read/);
  });

  it('starts empty', () => {
    assert.deepEqual(emptyLiveState(), { states: {}, points: {}, outageStates: null, faulted: [], incident: null, steps: [], changedAt: null });
  });
});
