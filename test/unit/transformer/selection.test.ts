import assert from 'node:assert/strict';
import { checkParalleling, clockNumber, evaluatePoint } from '../../../lib/transformer';
import { bus, station, unit } from './helpers';

const s11 = (id: string) => unit(id, 630, 0.84, 6.2, 4.5);

describe('mode selection: exclusions and best mode', () => {
  describe('overload exclusion', () => {
    const st = station(s11('T1'), s11('T2'));

    it('excludes single-unit modes above the limit and says which unit and by how much', () => {
      const p = 560;
      const q = 420; // |560 + j420| = 700 kVA
      const ev = evaluatePoint(st, bus(p * 0.6, q * 0.6, 'B1'), bus(p * 0.4, q * 0.4, 'B2'));
      const [t1, t2, split, parallel] = ev.modes;
      assert.equal(t1.feasible, false);
      assert.equal(t2.feasible, false);
      assert.equal(t1.reason, 'overload: T1 at 1.111 x SN (700.0 of 630 kVA), limit 1');
      assert.equal(t2.reason, 'overload: T2 at 1.111 x SN (700.0 of 630 kVA), limit 1');
      assert.equal(split.feasible, true);
      assert.equal(parallel.feasible, true);
      assert.equal(ev.best, 'parallel');
    });

    it('excludes the cheapest mode when it overloads, and honours a configurable limit', () => {
      // Large P0, small Pk: one unit alone is cheapest even above rating.
      const lossy = (id: string) => unit(id, 630, 3.0, 2.0, 4.5);
      const load = [bus(400, 200, 'B1'), bus(300, 150, 'B2')] as const; // 782.6 kVA: 1.242 x SN
      const strict = evaluatePoint(station(lossy('T1'), lossy('T2')), ...load);
      assert.equal(strict.modes[0].feasible, false);
      assert.ok(strict.modes[0].criterionKW < strict.modes[3].criterionKW, 'T1 alone is the cheapest mode');
      assert.equal(strict.best, 'parallel');
      const relaxed = evaluatePoint(station(lossy('T1'), lossy('T2'), { overloadLimit: 1.25 }), ...load);
      assert.equal(relaxed.modes[0].feasible, true);
      assert.equal(relaxed.best, 'T1');
    });

    it('reports no best mode when every mode overloads', () => {
      const ev = evaluatePoint(st, bus(1000, 400, 'B1'), bus(900, 300, 'B2'));
      assert.equal(ev.best, null);
      assert.ok(ev.modes.every((m) => !m.feasible && m.reason.startsWith('overload')));
    });
  });

  it('blocked modes are excluded with reason "blocked"', () => {
    const st = station(s11('T1'), s11('T2'), { blockedModes: ['T1', 'parallel'] });
    const ev = evaluatePoint(st, bus(100, 40), bus(60, 20), 'split');
    assert.equal(ev.modes[0].reason, 'blocked');
    assert.equal(ev.modes[3].reason, 'blocked');
    assert.equal(ev.best, 'T2');
    assert.ok(Math.abs(ev.savingKW! - (ev.modes[2].lossKW - ev.modes[1].lossKW)) < 1e-12);
  });

  describe('paralleling compatibility', () => {
    const rules = { allowed: true, ukTolerancePct: 10, maxCapacityRatio: 3, ratioTolerancePct: 0.5 };

    it('accepts uk within ±10 % of the mean and rejects beyond, naming the values', () => {
      assert.equal(checkParalleling(unit('A', 630, 1, 6, 4.0), unit('B', 630, 1, 6, 4.8), rules).ok, true); // ±9.09 %
      const v = checkParalleling(unit('A', 630, 1, 6, 4.0), unit('B', 630, 1, 6, 6.0), rules); // ±20 %
      assert.equal(v.ok, false);
      assert.equal(v.reason, 'uk 4% / 6% deviate 20.00% from their mean (limit 10%)');
    });

    it('checks the capacity ratio, voltage ratio and phase displacement when given', () => {
      assert.equal(checkParalleling(unit('A', 400, 1, 5, 4), unit('B', 1600, 2, 12, 4), rules).reason, 'rated powers 400/1600 kVA, ratio 4.00:1 (limit 3:1)');
      const ratio = checkParalleling(unit('A', 630, 1, 6, 4, { ratio: 25 }), unit('B', 630, 1, 6, 4, { ratio: 26.25 }), rules);
      assert.equal(ratio.ok, false);
      assert.match(ratio.reason, /voltage ratios 25 \/ 26.25 deviate 2.44% from their mean \(limit 0.5%\)/);
      assert.equal(checkParalleling(unit('A', 630, 1, 6, 4, { ratio: 25 }), unit('B', 630, 1, 6, 4, { ratio: 25.1 }), rules).ok, true);
      const vg = checkParalleling(unit('A', 630, 1, 6, 4, { vectorGroup: 'Dyn11' }), unit('B', 630, 1, 6, 4, { vectorGroup: 'Yyn0' }), rules);
      assert.equal(vg.reason, 'vector groups Dyn11 / Yyn0: phase displacement 330° / 0°');
      assert.equal(checkParalleling(unit('A', 630, 1, 6, 4, { vectorGroup: 'Dyn11' }), unit('B', 630, 1, 6, 4, { vectorGroup: 'Yzn11' }), rules).ok, true);
      assert.equal(clockNumber('Dyn5'), 5);
      // Not given for both: assumed, and said so.
      const partial = checkParalleling(unit('A', 630, 1, 6, 4, { ratio: 25 }), unit('B', 630, 1, 6, 4), rules);
      assert.equal(partial.ok, true);
      assert.equal(partial.checks.find((c) => c.check === 'ratio')!.detail, 'voltage ratio not given for both units: assumed equal');
    });

    it('makes parallel infeasible when not permitted, even when it is the cheapest mode', () => {
      const t1 = unit('T1', 630, 0.84, 6.2, 4.0);
      const t2 = unit('T2', 630, 0.84, 6.2, 6.0);
      // Unbalanced buses: split loads T1 heavily, parallel shares the total.
      const load = [bus(450, 200, 'B1'), bus(40, 20, 'B2')] as const;
      const ok = evaluatePoint(station(t1, t2, { paralleling: { ...rules, ukTolerancePct: 25 } }), ...load);
      assert.equal(ok.best, 'parallel');
      const no = evaluatePoint(station(t1, t2), ...load);
      assert.equal(no.modes[3].feasible, false);
      assert.equal(no.modes[3].reason, 'paralleling not permitted: uk 4% / 6% deviate 20.00% from their mean (limit 10%)');
      assert.equal(no.best, 'T1');
      const off = evaluatePoint(station(t1, t2, { paralleling: { ...rules, allowed: false, ukTolerancePct: 25 } }), ...load);
      assert.equal(off.modes[3].reason, 'paralleling not permitted: paralleling disabled by configuration');
    });
  });
});
