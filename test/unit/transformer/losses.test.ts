import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  crossovers, evaluatePoint, modeLoss, parallelLossCoefficient, parallelShares, parseStation, type ModeName,
} from '../../../lib/transformer';
import { bus, referenceLosses, station, unit } from './helpers';

interface Example {
  case: string;
  T1: { SN_kVA: number; P0_kW: number; Pk_kW: number; uk_pct: number; I0_pct: number };
  T2: Example['T1'];
  bus1_load: { P_kW: number; Q_kvar: number };
  bus2_load: { P_kW: number; Q_kvar: number };
  losses_kW: Record<'T1_alone' | 'T2_alone' | 'split' | 'parallel', number>;
  best_mode: ModeName;
  detail: { S_bus1_kVA: number; S_bus2_kVA: number; S_total_kVA: number; ST1_parallel_kVA: number; ST2_parallel_kVA: number; share_T1: number; K_parallel_kW_per_kVA2: number };
  crossovers: { T1_alone_vs_parallel_kVA: number | null; T2_alone_vs_parallel_kVA: number | null; T1_alone_vs_T2_alone_kVA: number | null };
}

const fixture = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/transformer/gao-worked-examples.json'), 'utf8')) as { worked_examples: Example[] };

describe('transformer losses per mode (Gao, Huang & Li 2013)', () => {
  describe('worked examples of the reference data', () => {
    for (const ex of fixture.worked_examples) {
      it(`${ex.case}: every mode's loss, flows, sharing, best mode`, () => {
        // Published to 6 decimals: tolerance 1e-6 kW / kVA, 1e-5 for the rounded share.
        const st = parseStation({
          transformers: [ex.T1, ex.T2].map((t, i) => ({ id: `T${i + 1}`, snKVA: t.SN_kVA, p0KW: t.P0_kW, pkKW: t.Pk_kW, ukPct: t.uk_pct, i0Pct: t.I0_pct })),
          overloadLimit: 1,
        });
        const b1 = bus(ex.bus1_load.P_kW, ex.bus1_load.Q_kvar, 'B1');
        const b2 = bus(ex.bus2_load.P_kW, ex.bus2_load.Q_kvar, 'B2');
        const ev = evaluatePoint(st, b1, b2);
        const byMode = Object.fromEntries(ev.modes.map((m) => [m.mode, m]));
        assert.ok(Math.abs(byMode.T1.lossKW - ex.losses_kW.T1_alone) < 1e-6, `T1 ${byMode.T1.lossKW}`);
        assert.ok(Math.abs(byMode.T2.lossKW - ex.losses_kW.T2_alone) < 1e-6, `T2 ${byMode.T2.lossKW}`);
        assert.ok(Math.abs(byMode.split.lossKW - ex.losses_kW.split) < 1e-6, `split ${byMode.split.lossKW}`);
        assert.ok(Math.abs(byMode.parallel.lossKW - ex.losses_kW.parallel) < 1e-6, `parallel ${byMode.parallel.lossKW}`);
        assert.ok(Math.abs(ev.busKVA[0] - ex.detail.S_bus1_kVA) < 1e-6);
        assert.ok(Math.abs(ev.busKVA[1] - ex.detail.S_bus2_kVA) < 1e-6);
        assert.ok(Math.abs(ev.totalKVA - ex.detail.S_total_kVA) < 1e-6);
        assert.ok(Math.abs(byMode.parallel.flowKVA[0] - ex.detail.ST1_parallel_kVA) < 1e-6);
        assert.ok(Math.abs(byMode.parallel.flowKVA[1] - ex.detail.ST2_parallel_kVA) < 1e-6);
        assert.ok(Math.abs(parallelShares(st.transformers[0], st.transformers[1])[0] - ex.detail.share_T1) < 1e-5);
        assert.ok(Math.abs(parallelLossCoefficient(st.transformers[0], st.transformers[1]) - ex.detail.K_parallel_kW_per_kVA2) < 1e-6);
        assert.equal(ev.best, ex.best_mode);
        const c = crossovers(st.transformers[0], st.transformers[1]);
        const close = (a: number | null, b: number | null): boolean => (a === null ? b === null : b !== null && Math.abs(a - b) < 1e-6);
        assert.ok(close(c.t1VsParallelKVA, ex.crossovers.T1_alone_vs_parallel_kVA), `T1 vs parallel ${c.t1VsParallelKVA}`);
        assert.ok(close(c.t2VsParallelKVA, ex.crossovers.T2_alone_vs_parallel_kVA));
        assert.ok(close(c.t1VsT2KVA, ex.crossovers.T1_alone_vs_T2_alone_kVA));
      });
    }
  });

  describe('crossover of identical units', () => {
    const t = unit('T', 1000, 1.7, 10.3, 4.5);
    const st = station({ ...t, id: 'T1' }, { ...t, id: 'T2' });
    // Independent: P0 + Pk(S/SN)² = 2P0 + (Pk/2)(S/SN)²  =>  S = SN·sqrt(2·P0/Pk).
    const sCrit = 1000 * Math.sqrt((2 * 1.7) / 10.3);
    // Load split 70/30 between the buses at the same power factor (0.9), so split is never the cheapest.
    const loadAt = (s: number): [ReturnType<typeof bus>, ReturnType<typeof bus>] => {
      const p = s * 0.9;
      const q = s * Math.sqrt(1 - 0.81);
      return [bus(0.7 * p, 0.7 * q, 'B1'), bus(0.3 * p, 0.3 * q, 'B2')];
    };

    it('single and parallel lose the same at S = SN·√(2·P0/Pk)', () => {
      const [b1, b2] = loadAt(sCrit);
      const single = modeLoss(st, 'T1', b1, b2).lossKW;
      const parallel = modeLoss(st, 'parallel', b1, b2).lossKW;
      assert.ok(Math.abs(single - parallel) < 1e-9, `${single} vs ${parallel}`);
      assert.ok(Math.abs(single - (1.7 + 10.3 * (sCrit / 1000) ** 2)) < 1e-9);
      assert.ok(Math.abs(crossovers(st.transformers[0], st.transformers[1]).t1VsParallelKVA! - sCrit) < 1e-9);
    });

    it('one unit is best just below the crossover, parallel just above', () => {
      const below = evaluatePoint(st, ...loadAt(sCrit * 0.99));
      const above = evaluatePoint(st, ...loadAt(sCrit * 1.01));
      assert.equal(below.best, 'T1');
      assert.equal(above.best, 'parallel');
      // Far from it the choice is clear.
      assert.equal(evaluatePoint(st, ...loadAt(100)).best, 'T1');
      assert.equal(evaluatePoint(st, ...loadAt(900)).best, 'parallel');
    });
  });

  describe('unequal units with different uk share load by SN/uk', () => {
    const t1 = unit('T1', 800, 1.2, 8.0, 4.0);
    const t2 = unit('T2', 1250, 1.6, 11.0, 6.0);
    const st = station(t1, t2, { paralleling: { allowed: true, ukTolerancePct: 25, maxCapacityRatio: 3, ratioTolerancePct: 0.5 } });
    const b1 = bus(600, 250, 'B1');
    const b2 = bus(500, 300, 'B2');

    it('shares are (SN1/uk1):(SN2/uk2) and the parallel loss follows', () => {
      const s = Math.hypot(1100, 550);
      // Independent: y1 = 800/4 = 200, y2 = 1250/6 = 208.33 -> shares 0.48980 / 0.51020.
      const s1 = s * 200 / (200 + 1250 / 6);
      const s2 = s * (1250 / 6) / (200 + 1250 / 6);
      const m = modeLoss(st, 'parallel', b1, b2);
      assert.ok(Math.abs(m.flowKVA[0] - s1) < 1e-9);
      assert.ok(Math.abs(m.flowKVA[1] - s2) < 1e-9);
      // The smaller, lower-uk unit runs at the higher loading.
      assert.ok(m.loading[0] > m.loading[1]);
      const expected = 1.2 + 8.0 * (s1 / 800) ** 2 + 1.6 + 11.0 * (s2 / 1250) ** 2;
      assert.ok(Math.abs(m.lossKW - expected) < 1e-9);
      const ref = referenceLosses(t1, t2, 600, 250, 500, 300);
      for (const mode of ['T1', 'T2', 'split', 'parallel'] as const) {
        assert.ok(Math.abs(modeLoss(st, mode, b1, b2).lossKW - ref[mode]) < 1e-9, mode);
      }
    });

    it('closed-form crossovers agree with a numerical search on the losses', () => {
      const c = crossovers(t1, t2);
      // Bisection on f(S) = loss(mode A) − loss(mode B) with all load at one power factor, independent of lib/.
      const solve = (f: (s: number) => number, lo: number, hi: number): number => {
        for (let i = 0; i < 200; i++) {
          const mid = (lo + hi) / 2;
          if (Math.sign(f(mid)) === Math.sign(f(lo))) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
      };
      const ref = (s: number) => referenceLosses(t1, t2, 0.8 * s, 0.6 * s, 0, 0);
      const x1 = solve((s) => ref(s).T1 - ref(s).parallel, 1, 5000);
      const x2 = solve((s) => ref(s).T2 - ref(s).parallel, 1, 5000);
      assert.ok(Math.abs(c.t1VsParallelKVA! - x1) < 1e-6, `${c.t1VsParallelKVA} vs ${x1}`);
      assert.ok(Math.abs(c.t2VsParallelKVA! - x2) < 1e-6, `${c.t2VsParallelKVA} vs ${x2}`);
      const x12 = solve((s) => ref(s).T1 - ref(s).T2, 1, 5000);
      assert.ok(Math.abs(c.t1VsT2KVA! - x12) < 1e-6, `${c.t1VsT2KVA} vs ${x12}`);
    });
  });

  describe('phasor, not arithmetic, sum of the bus loads', () => {
    const t = unit('T', 630, 0.84, 6.2, 4.5);
    const st = station({ ...t, id: 'T1' }, { ...t, id: 'T2' });
    // Bus 1 purely active, bus 2 purely reactive: the magnitudes add to 700 kVA, the phasors to 500 kVA.
    const b1 = bus(400, 0, 'B1');
    const b2 = bus(0, 300, 'B2');

    it('one unit carries |S1 + S2| = 500 kVA, not |S1| + |S2| = 700 kVA', () => {
      const m = modeLoss(st, 'T1', b1, b2);
      assert.ok(Math.abs(m.flowKVA[0] - 500) < 1e-9);
      assert.ok(Math.abs(m.lossKW - (0.84 + 6.2 * (500 / 630) ** 2)) < 1e-9);
      assert.ok(Math.abs(m.lossKW - (0.84 + 6.2 * (700 / 630) ** 2)) > 1);
    });

    it('the phasor sum decides feasibility: 500 kVA fits a 630 kVA unit, 700 kVA would not', () => {
      const ev = evaluatePoint(st, b1, b2);
      assert.equal(ev.modes[0].feasible, true);
      // Opposite reactive powers cancel: 400+j300 and 0−j300 sum to 400 kVA.
      const cancel = evaluatePoint(st, bus(400, 300), bus(0, -300));
      assert.ok(Math.abs(cancel.totalKVA - 400) < 1e-9);
    });
  });

  describe('reactive-loss economic equivalent', () => {
    it('adds Kq·(Q0 + β²·Qk) per energised unit, Q0 = I0%·SN, Qk = uk%·SN', () => {
      const t1 = unit('T1', 630, 0.84, 6.2, 4.5, { i0Pct: 1.3 });
      const t2 = unit('T2', 400, 0.95, 5.3, 4.0, { q0Kvar: 3.0, qkKvar: 15.5 });
      const st = station(t1, t2, { reactiveEquivalentKWPerKvar: 0.1 });
      const b1 = bus(250, 120);
      const b2 = bus(180, 90);
      const s = Math.hypot(430, 210);
      const q1 = 0.013 * 630 + 0.045 * 630 * (s / 630) ** 2;
      const m = modeLoss(st, 'T1', b1, b2);
      assert.ok(Math.abs(m.reactiveLossKvar! - q1) < 1e-9);
      assert.ok(Math.abs(m.criterionKW - (m.lossKW + 0.1 * q1)) < 1e-12);
      const sp = modeLoss(st, 'split', b1, b2);
      const qSplit = q1 - 0.045 * 630 * (s / 630) ** 2 + 0.045 * 630 * (Math.hypot(250, 120) / 630) ** 2 + 3.0 + 15.5 * (Math.hypot(180, 90) / 400) ** 2;
      assert.ok(Math.abs(sp.reactiveLossKvar! - qSplit) < 1e-9);
    });

    it('can change the choice: a unit with low active but high reactive no-load loss loses its edge', () => {
      const t1 = unit('T1', 630, 0.80, 6.2, 4.5, { q0Kvar: 12 });
      const t2 = unit('T2', 630, 0.90, 6.2, 4.5, { q0Kvar: 2 });
      const light = [bus(60, 20), bus(40, 10)] as const;
      assert.equal(evaluatePoint(station(t1, t2), ...light).best, 'T1');
      assert.equal(evaluatePoint(station(t1, t2, { reactiveEquivalentKWPerKvar: 0.05 }), ...light).best, 'T2');
    });
  });
});
