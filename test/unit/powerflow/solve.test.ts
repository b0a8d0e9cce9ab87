/**
 * The sweep on small feeders with closed-form answers, the load bases, what is reported for
 * de-energised load points, limits, and the errors for bad data, meshed states and loads the
 * network cannot carry.
 */
import assert from 'node:assert/strict';
import { loadFeeder } from '../../../lib/model/load';
import type { FeederModel } from '../../../lib/model/types';
import { loadNetwork } from '../../../lib/networks';
import { PowerFlowError } from '../../../lib/powerflow/errors';
import { powerFlow } from '../../../lib/powerflow/solve';

/** A 4-bus feeder A-B-C plus a lateral B-D, 11 kV, with a tie C-D normally open. */
function smallFeeder(extra: Partial<FeederModel> = {}): FeederModel {
  return {
    format: 'dms-feeder/1', name: 'small', baseKV: 11,
    buses: [{ id: 'A' }, { id: 'B' }, { id: 'C', vMinPu: 0.99 }, { id: 'D' }],
    sources: [{ id: 'S', bus: 'A', kind: 'substation' }],
    sections: [
      { id: 'AB', from: 'A', to: 'B', lengthKm: 1, failureRatePerYr: 0, repairHours: 1, rOhm: 0.5, xOhm: 0.4, ratingA: 100 },
      { id: 'BC', from: 'B', to: 'C', lengthKm: 1, failureRatePerYr: 0, repairHours: 1, rOhm: 0.8, xOhm: 0.5 },
      { id: 'BD', from: 'B', to: 'D', lengthKm: 1, failureRatePerYr: 0, repairHours: 1, rOhm: 1.0, xOhm: 0.6, ratingA: 25 },
      { id: 'CD', from: 'C', to: 'D', lengthKm: 1, failureRatePerYr: 0, repairHours: 1, rOhm: 1.0, xOhm: 1.0, kind: 'tie' },
    ],
    devices: [
      { id: 'CB', type: 'breaker', section: 'AB', end: 'from', normallyOpen: false, automated: true, switchingHours: 0.1 },
      { id: 'SW-BD', type: 'switch', section: 'BD', end: 'from', normallyOpen: false, automated: false, switchingHours: 1 },
      { id: 'TIE', type: 'tie', section: 'CD', end: 'from', normallyOpen: true, automated: true, switchingHours: 0.1 },
    ],
    loadPoints: [
      { id: 'LC', bus: 'C', customers: 10, avgKW: 300, peakKW: 600, peakKvar: 200 },
      { id: 'LD', bus: 'D', customers: 5, avgKW: 200, peakKW: 400, pf: 0.8 },
      { id: 'LB', bus: 'B', customers: 1, avgKW: 50, peakKW: 100 },
    ],
    ...extra,
  };
}

describe('power flow: small feeders', () => {
  it('two buses: matches the closed form |V2|^4 + (2(PR+QX) - V1^2)|V2|^2 + (P^2+Q^2)|Z|^2 = 0', () => {
    const model: FeederModel = {
      format: 'dms-feeder/1', baseKV: 11, buses: [{ id: '1' }, { id: '2' }], sources: [{ id: 'S', bus: '1', kind: 'substation', vPu: 1.02 }],
      sections: [{ id: 'L', from: '1', to: '2', lengthKm: 5, failureRatePerYr: 0, repairHours: 1, rOhm: 3.2, xOhm: 2.1, ratingA: 200 }],
      devices: [], loadPoints: [{ id: 'P', bus: '2', customers: 1, avgKW: 2000, peakKW: 2000, peakKvar: 900 }],
    };
    const r = powerFlow(model);
    const zb = 11 * 11; // Ω on 1 MVA
    const R = 3.2 / zb, X = 2.1 / zb, P = 2, Q = 0.9, V1 = 1.02;
    const b = 2 * (P * R + Q * X) - V1 * V1;
    const c = (P * P + Q * Q) * (R * R + X * X);
    const v2 = Math.sqrt((-b + Math.sqrt(b * b - 4 * c)) / 2);
    assert.ok(Math.abs(r.buses[1].vPu - v2) < 1e-9, `${r.buses[1].vPu} vs ${v2}`);
    const lossKW = (R * (P * P + Q * Q)) / (v2 * v2) * 1000;
    assert.ok(Math.abs(r.lossesKW - lossKW) < 1e-6);
    const iA = (Math.sqrt(P * P + Q * Q) / v2) * (1000 / (Math.sqrt(3) * 11));
    assert.ok(Math.abs(r.sections[0].iA - iA) < 1e-6);
    assert.ok(Math.abs(r.sections[0].loadingPct! - iA / 2) < 1e-6);
    assert.ok(Math.abs(r.sections[0].pKW - (2000 + lossKW)) < 1e-6, 'sending end = load + loss');
    assert.equal(r.sources[0].vPu, 1.02);
    assert.ok(r.iterations > 1 && r.maxMismatchPu < 1e-10);
  });

  it('load bases: peakKvar, pf, the 0.9 default, average at the same power factor, live values', () => {
    const f = loadFeeder(smallFeeder());
    const peak = powerFlow(f);
    // LC 600 + j200, LD 400 at pf 0.8 = 400 + j300, LB 100 at the default pf 0.9 = 100 + j48.43
    assert.equal(peak.loadKW, 1100);
    assert.ok(Math.abs(peak.loadKvar - (200 + 300 + 100 * Math.tan(Math.acos(0.9)))) < 1e-9);
    const avg = powerFlow(f, { load: 'average' });
    assert.equal(avg.loadKW, 550);
    assert.ok(Math.abs(avg.loadKvar - (100 + 150 + 50 * Math.tan(Math.acos(0.9)))) < 1e-9);
    const pf95 = powerFlow(f, { defaultPf: 0.95 });
    assert.ok(Math.abs(pf95.loadKvar - (500 + 100 * Math.tan(Math.acos(0.95)))) < 1e-9);
    const live = powerFlow(f, { loads: { LC: { pKW: 300, qKvar: 50 }, LD: { pKW: 100 } } });
    assert.equal(live.liveLoadPoints, 2);
    assert.equal(live.loadKW, 300 + 100 + 100);
    assert.ok(Math.abs(live.loadKvar - (50 + 75 + 100 * Math.tan(Math.acos(0.9)))) < 1e-9, 'LD live kvar from its pf 0.8');
    assert.equal(peak.loadBasis, 'peak');
    assert.equal(avg.loadBasis, 'average');
  });

  it('load points on de-energised buses are reported as unsupplied and left out', () => {
    const f = loadFeeder(smallFeeder());
    const r = powerFlow(f, { states: { 'SW-BD': false } });
    assert.deepEqual(r.unsupplied, [{ loadPoint: 'LD', bus: 'D', pKW: 400 }]);
    assert.equal(r.loadKW, 700);
    assert.deepEqual(r.buses.find((b) => b.id === 'D'), { id: 'D', vPu: 0, angleDeg: 0 });
    const bd = r.sections.find((s) => s.id === 'BD')!;
    assert.equal(bd.iA, 0);
    assert.equal(bd.fromBus, null);
    assert.deepEqual(r.open, ['BD', 'CD'], 'open points touching a supplied bus');
    assert.ok(Math.abs(r.sources[0].pKW - (700 + r.lossesKW)) < 1e-6);
    // Back-fed through the tie: D is supplied again, from C.
    const back = powerFlow(f, { states: { 'SW-BD': false, TIE: true } });
    assert.equal(back.unsupplied.length, 0);
    assert.equal(back.sections.find((s) => s.id === 'CD')!.fromBus, 'C');
  });

  it('voltage and thermal violations against bus limits, defaults and options', () => {
    const f = loadFeeder(smallFeeder());
    const r = powerFlow(f);
    const c = r.buses.find((b) => b.id === 'C')!;
    assert.ok(c.vPu < 0.99 && c.vPu > 0.95, 'C is below its own 0.99 limit but above the default');
    assert.deepEqual(r.violations.voltage.map((v) => [v.bus, v.limitPu, v.kind]), [['C', 0.99, 'under']]);
    const bd = r.sections.find((s) => s.id === 'BD')!;
    assert.ok(bd.loadingPct! > 100, `BD loading ${bd.loadingPct}`);
    assert.deepEqual(r.violations.thermal.map((t) => t.section), ['BD']);
    assert.equal(r.sections.find((s) => s.id === 'BC')!.loadingPct, null, 'no rating, no loading');
    const strict = powerFlow(f, { vMinPu: 0.999, maxLoadingPct: 1000 });
    assert.deepEqual(strict.violations.voltage.map((v) => v.bus).sort(), ['B', 'C', 'D']);
    assert.equal(strict.violations.thermal.length, 0);
    const high = powerFlow(f, { sourceVPu: { S: 1.06 } });
    assert.ok(high.violations.voltage.some((v) => v.bus === 'A' && v.kind === 'over' && v.limitPu === 1.05));
  });

  it('a meshed state fails with the loop', () => {
    const f = loadFeeder(smallFeeder());
    assert.throws(() => powerFlow(f, { states: { TIE: true } }), (err: unknown) => {
      assert.ok(err instanceof PowerFlowError);
      assert.equal(err.kind, 'meshed');
      assert.deepEqual([...err.details.loop!].sort(), ['BC', 'BD', 'CD']);
      assert.match(err.message, /radial.*loop.*"CD"/);
      return true;
    });
  });

  it('a load the network cannot carry fails and names the bus where it went wrong', () => {
    const f = loadFeeder(smallFeeder());
    assert.throws(() => powerFlow(f, { loads: { LC: { pKW: 60000, qKvar: 20000 } } }), (err: unknown) => {
      assert.ok(err instanceof PowerFlowError);
      assert.ok(err.kind === 'diverged' || err.kind === 'not-converged', err.kind);
      assert.ok(err.details.bus !== undefined && ['B', 'C', 'D'].includes(err.details.bus), `bus ${err.details.bus}`);
      assert.match(err.message, /at bus "[BCD]"/);
      return true;
    });
    assert.throws(() => powerFlow(f, { maxIterations: 2 }), /did not converge in 2 sweeps: largest voltage change .* p\.u\. at bus/);
  });

  it('bad data is named: baseKV, impedances, live loads, devices, sources, limits', () => {
    const noBase = smallFeeder();
    delete noBase.baseKV;
    assert.throws(() => powerFlow(noBase), /no baseKV/);
    const noZ = smallFeeder();
    delete noZ.sections[1].rOhm;
    delete noZ.sections[1].xOhm;
    assert.throws(() => powerFlow(noZ), /rOhm\/xOhm on every section: missing on "BC"/);
    const f = loadFeeder(smallFeeder());
    assert.throws(() => powerFlow(f, { loads: { LX: { pKW: 1 } } }), /loads: load point "LX" does not exist/);
    assert.throws(() => powerFlow(f, { loads: { LC: { pKW: 'x' as never } } }), /loads\["LC"\]\.pKW must be a finite number/);
    assert.throws(() => powerFlow(f, { loads: { LC: { pKW: 1, qKvar: NaN } } }), /loads\["LC"\]\.qKvar must be a finite number/);
    assert.throws(() => powerFlow(f, { states: { NOPE: true } }), /device "NOPE" does not exist/);
    assert.throws(() => powerFlow(f, { sourceVPu: { X: 1 } }), /source "X" does not exist/);
    assert.throws(() => powerFlow(f, { vMinPu: 1.1 }), /vMinPu 1.1 must be positive and below vMaxPu 1.05/);
    assert.throws(() => powerFlow(f, { load: 'mean' as never }), /load basis must be "peak" or "average"/);
    assert.throws(() => powerFlow(loadNetwork('rbts-bus2')), /rOhm\/xOhm on every section/);
  });

  it('two sources each feed their own part; a section between them closed is a mesh naming both', () => {
    const m = smallFeeder({
      sources: [{ id: 'S', bus: 'A', kind: 'substation' }, { id: 'S2', bus: 'D', kind: 'substation', vPu: 1.01 }],
    });
    m.devices.find((d) => d.id === 'SW-BD')!.normallyOpen = true;
    const f = loadFeeder(m);
    const r = powerFlow(f);
    assert.equal(r.sources.length, 2);
    assert.equal(r.buses.find((b) => b.id === 'D')!.vPu, 1.01);
    assert.ok(Math.abs(r.sources[1].pKW - 400) < 1e-9, 'S2 feeds only its own bus load');
    assert.ok(Math.abs(r.sources[0].pKW - (700 + r.lossesKW)) < 1e-6);
    assert.throws(() => powerFlow(f, { states: { TIE: true, 'SW-BD': true } }), (err: unknown) => err instanceof PowerFlowError && err.kind === 'meshed');
  });
});
