import assert from 'node:assert/strict';
import type { FeederModel } from '../../../lib/model/types';
import { loadFeeder } from '../../../lib/model/load';
import { networkModel } from '../../../lib/networks';
import { PlacementStudy, runPlacement } from '../../../lib/optimize/placement';
import { resolvePlacement } from '../../../lib/optimize/placement-settings';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

/**
 * Billinton & Allan's feeder with lateral fuses (case 2) as a placement study: disconnects (0.5 h)
 * may go on main sections S2–S4. FC = 80,000 / 20 years with no interest = 4,000 per switch and
 * year; every kWh costs 1, so CENS = ENS.
 */
function textbookStudy(extra: Record<string, unknown> = {}): FeederModel {
  const m = networkModel('textbook-fuses');
  m.costs = { currency: 'USD', perKWh: { default: 1 } };
  m.placement = {
    candidates: ['S2', 'S3', 'S4'], switch: { type: 'switch', automated: false, switchingHours: 0.5, end: 'from' },
    investmentPerSwitch: 80000, lifeYears: 20, interestRate: 0, maintenanceRate: 0, annualisation: 'crf', ...extra,
  };
  return m;
}

/**
 * ENS of the textbook feeder by hand (Billinton & Allan's rule): main sections S1–S4 fail 0.2, 0.1,
 * 0.3, 0.2 times a year for 4 h and interrupt every load point; load points above the nearest
 * disconnect upstream of the fault are back after 0.5 h. Fused laterals only hit their own load:
 * 0.2, 0.6, 0.4, 0.2 f/yr for 2 h. Loads A–D 5000/4000/3000/2000 kW at buses N1–N4.
 */
function textbookEnsKWh(switchAt: Set<number>): number {
  const lam = [0.2, 0.1, 0.3, 0.2];
  const kw = [5000, 4000, 3000, 2000];
  const lateral = [0.2, 0.6, 0.4, 0.2];
  let ens = 0;
  for (let k = 0; k < 4; k++) {
    // nearest disconnect at or above main section k (S2..S4 are k = 1..3): loads at buses N1..N(j) are above it
    let j = -1;
    for (let q = k; q >= 1; q--) if (switchAt.has(q)) { j = q; break; }
    for (let l = 0; l < 4; l++) ens += lam[k] * kw[l] * (j >= 1 && l < j ? 0.5 : 4);
  }
  for (let l = 0; l < 4; l++) ens += lateral[l] * 2 * kw[l];
  return ens;
}

describe('switch placement study (thesis eq. 5.9–5.18)', () => {
  it('reproduces the published textbook indices with no disconnects and with all three', () => {
    const study = new PlacementStudy(textbookStudy());
    const none = study.figures(study.maskOf([]));
    const all = study.figures(study.maskOf(['S2', 'S3', 'S4']));
    // Billinton & Allan, cases 2 and 3: ENS 54.8 and 35.2 MWh/yr, SAIDI 3.9067 and 2.5767 h/yr.
    assert.ok(rel(none.eensKWh, 54800) < 1e-9);
    assert.ok(rel(all.eensKWh, 35200) < 1e-9);
    assert.ok(Math.abs(none.saidiHours - 3.9067) < 5e-5);
    assert.ok(Math.abs(all.saidiHours - 2.5767) < 5e-5);
    // U per load point 1.5 / 2.65 / 3.3 / 3.6 h/yr: their mean is Table 6.3's "U"
    assert.ok(Math.abs(all.uHours - (1.5 + 2.65 + 3.3 + 3.6) / 4) < 1e-9);
    assert.ok(Math.abs(all.asai - (1 - 2.5767 / 8760)) < 1e-8);
    assert.ok(rel(all.aensKWh, 35200 / 3000) < 1e-9);
  });

  it('TSC = FC + CENS for every subset, against the hand calculation, and the exhaustive optimum', () => {
    const study = new PlacementStudy(textbookStudy());
    const ids = ['S2', 'S3', 'S4'];
    let bestHand = Infinity;
    let bestSet = '';
    for (let bits = 0; bits < 8; bits++) {
      const set = new Set([1, 2, 3].filter((_, j) => (bits >> j) & 1));
      const chosen = ids.filter((_, j) => (bits >> j) & 1);
      const hand = 4000 * set.size + textbookEnsKWh(set);
      const t = study.tsc(study.maskOf(chosen));
      assert.ok(rel(t.fcPerYr, 4000 * set.size) < 1e-12, `FC of {${chosen}}`);
      assert.ok(rel(t.tscPerYr, hand) < 1e-9, `TSC of {${chosen}}: ${t.tscPerYr} vs ${hand}`);
      if (hand < bestHand) { bestHand = hand; bestSet = chosen.join(','); }
    }
    // By hand: {S3} alone, 4,000 + 54,800 − 15,750 = 43,050 per year.
    assert.equal(bestSet, 'S3');
    assert.ok(rel(bestHand, 43050) < 1e-12);
    const ex = study.run('exhaustive');
    assert.deepEqual(ex.best.switches, ['S3']);
    assert.ok(rel(ex.best.tscPerYr, 43050) < 1e-9);
    assert.equal(ex.stopReason, 'complete');
    assert.equal(ex.evaluations, 8);
    const pso = runPlacement(textbookStudy(), { bpso: { particles: 10, seed: 3 } });
    assert.deepEqual(pso.best.switches, ['S3']);
  });

  it('limits switches by penalty: maxSwitches and the yearly budget', () => {
    // FC 1,000 per switch: unconstrained optimum is all three (3,000 + 35,200 = 38,200);
    // with at most two, {S3, S4}: 2,000 + 54,800 − 17,850 = 38,950 (by the hand rule).
    const cheap = { investmentPerSwitch: 20000 };
    const free = runPlacement(textbookStudy(cheap), {}, 'exhaustive');
    assert.deepEqual(free.best.switches, ['S2', 'S3', 'S4']);
    assert.ok(rel(free.best.tscPerYr, 3000 + textbookEnsKWh(new Set([1, 2, 3]))) < 1e-9);
    for (const limit of [{ maxSwitches: 2 }, { budgetPerYr: 2500 }]) {
      const r = runPlacement(textbookStudy({ ...cheap, ...limit }), {}, 'exhaustive');
      assert.deepEqual(r.best.switches, ['S3', 'S4'], JSON.stringify(limit));
      assert.ok(rel(r.best.tscPerYr, 2000 + textbookEnsKWh(new Set([2, 3]))) < 1e-9);
      assert.equal(r.best.feasible, true);
      assert.equal(r.settings.switchLimit, 2);
      const p = runPlacement(textbookStudy({ ...cheap, ...limit }), { bpso: { particles: 10, seed: 1 } });
      assert.deepEqual(p.best.switches, ['S3', 'S4']);
    }
    // An infeasible position costs more than placing nothing.
    const study = new PlacementStudy(textbookStudy({ ...cheap, maxSwitches: 1 }));
    assert.ok(study.objective(study.maskOf(['S2', 'S3'])) > study.objective(study.maskOf([])));
  });

  it('builds the four cases of Table 6.3 with TSC = FC + CENS each', () => {
    const study = new PlacementStudy(textbookStudy({ switch: { automated: true, switchingHours: 1 / 60 } }), { manualSwitchingHours: 0.5 });
    const r = study.run('exhaustive');
    assert.deepEqual(r.cases.map((c) => c.case), ['none', 'all', 'optimum', 'alternative']);
    const [none, all, opt, manual] = r.cases;
    assert.equal(none.switches, 0);
    assert.equal(all.switches, 3);
    assert.equal(manual.switches, opt.switches);
    assert.equal(manual.automated, false);
    assert.equal(manual.switchingHours, 0.5);
    for (const c of r.cases) assert.ok(rel(c.tscPerYr, c.fcPerYr + c.censPerYr) < 1e-12);
    assert.deepEqual(r.before, (({ case: _a, label: _b, automated: _c, switchingHours: _d, ...f }) => f)(none));
    // Automated restoration within a minute is momentary: upstream load sees no sustained outage.
    assert.ok(opt.maifi > 0);
    assert.ok(opt.censPerYr < manual.censPerYr);
  });

  it('computes ECOST from damage functions and CENS from eq. 5.15 on a two-load feeder by hand', () => {
    const model: FeederModel = {
      format: 'dms-feeder/1', name: 'two loads',
      buses: [{ id: 'SS' }, { id: 'B1' }, { id: 'B2' }],
      sources: [{ id: 'SRC', bus: 'SS', kind: 'substation' }],
      sections: [
        { id: 'S1', from: 'SS', to: 'B1', lengthKm: 1, failureRatePerYr: 0.5, repairHours: 4 },
        { id: 'S2', from: 'B1', to: 'B2', lengthKm: 1, failureRatePerYr: 0.2, repairHours: 5 },
      ],
      devices: [{ id: 'CB', type: 'breaker', section: 'S1', end: 'from', normallyOpen: false, automated: true, switchingHours: 1 }],
      loadPoints: [
        { id: 'LP1', bus: 'B1', customers: 10, avgKW: 100, peakKW: 100, customerClass: 'c' },
        { id: 'LP2', bus: 'B2', customers: 5, avgKW: 50, peakKW: 50, customerClass: 'c' },
      ],
      costs: { perKWh: { c: 1 }, damageFunctions: { c: [[60, 2], [300, 10]] } },
      placement: { candidates: ['S2'], switch: { automated: false, switchingHours: 1 }, investmentPerSwitch: 0, lifeYears: 1, interestRate: 0 },
    };
    loadFeeder(model);
    // f(60 min) = 2, f(240) = 2 + 8·180/240 = 8, f(300) = 10 per kW.
    // No switch: S1 0.5·150·f(240) = 600, S2 0.2·150·f(300) = 300. With it, LP1 is back after 1 h on an S2 fault:
    // 600 + 0.2·100·f(60) + 0.2·50·f(300) = 600 + 40 + 100 = 740.
    const ecost = new PlacementStudy(model, { costMethod: 'ecost' });
    assert.equal(ecost.settings.costMethod, 'ecost');
    assert.ok(rel(ecost.interruptionCost(ecost.maskOf([])), 900) < 1e-9);
    assert.ok(rel(ecost.interruptionCost(ecost.maskOf(['S2'])), 740) < 1e-9);
    // CENS: U1 = 0.5·4 + 0.2·5 = 3 h, U2 = 3 h -> 450; with the switch U1 = 2 + 0.2·1 = 2.2 -> 370;
    // an automated switch (1 min, momentary) leaves U1 = 2 -> 350.
    const cens = new PlacementStudy(model);
    assert.equal(cens.settings.costMethod, 'cens');
    assert.ok(rel(cens.interruptionCost(cens.maskOf([])), 450) < 1e-9);
    assert.ok(rel(cens.interruptionCost(cens.maskOf(['S2'])), 370) < 1e-9);
    const auto = new PlacementStudy(model, { switch: { automated: true, switchingHours: 1 / 60 } });
    assert.ok(rel(auto.interruptionCost(auto.maskOf(['S2'])), 350) < 1e-9);
    // La = peak × load factor when a load factor is given (eq. 5.16): 0.5 halves CENS.
    const lf = new PlacementStudy(model, { costs: { loadFactor: 0.5 } });
    assert.ok(rel(lf.interruptionCost(lf.maskOf([])), 225) < 1e-9);
  });

  it('uses the thesis annualisation (eq. 5.14) by default and the CRF annuity on request', () => {
    const g = 1.08 ** 20;
    const m = textbookStudy({ investmentPerSwitch: 1000, interestRate: 0.08, maintenanceRate: 0.02, annualisation: undefined });
    assert.ok(rel(resolvePlacement(m).fcPerSwitchPerYr, (1000 * g * 1.02) / 20) < 1e-12);
    assert.ok(rel(resolvePlacement(m, { annualisation: 'crf' }).fcPerSwitchPerYr, ((1000 * 0.08 * g) / (g - 1)) * 1.02) < 1e-12);
  });
});

describe('placement settings', () => {
  it('takes the model blocks, lets overrides win key by key, and fills documented defaults', () => {
    const m = textbookStudy({ switch: undefined });
    const s = resolvePlacement(m, { lifeYears: 10, investmentPerSwitch: undefined });
    assert.equal(s.economics.lifeYears, 10);
    assert.equal(s.economics.investmentPerSwitch, 80000);
    assert.deepEqual(s.switch, { type: 'switch', automated: true, switchingHours: 1 / 60, end: 'from' });
    assert.equal(s.alternative.automated, false);
    assert.equal(s.alternative.switchingHours, 1, 'no manual switches in the model: 1 h');
    assert.equal(s.costMethod, 'cens');
    const noCandidates = networkModel('textbook-fuses');
    noCandidates.costs = { perKWh: { default: 1 } };
    noCandidates.placement = { investmentPerSwitch: 1, lifeYears: 1, interestRate: 0 };
    assert.deepEqual(resolvePlacement(noCandidates).candidates, ['S1', 'S2', 'S3', 'S4', 'Sa', 'Sb', 'Sc', 'Sd']);
    // RBTS Bus 2: ties excluded from the default candidates; manual time from its own disconnects.
    const rbts = networkModel('rbts-bus2');
    const r = resolvePlacement(rbts, { investmentPerSwitch: 1, lifeYears: 1, interestRate: 0, costs: { perKWh: { default: 1 } } });
    assert.ok(!r.candidates.includes('LT1') && r.candidates.length === rbts.sections.length - 2);
    assert.equal(r.alternative.switchingHours, 1);
  });

  it('names what is wrong and where', () => {
    const m = textbookStudy();
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{ candidates: [] }, /placement \(override\)\.candidates: no candidate sections/],
      [{ candidates: ['S2', 'S99'] }, /candidates\[1\] "S99": section does not exist/],
      [{ candidates: ['S2', 'S2'] }, /candidates\[1\] "S2": listed twice/],
      [{ costs: { perKWh: { default: -1 } } }, /costs\.perKWh\.default must be a number ≥ 0 \(got -1\)/],
      [{ costs: { loadFactor: 1.5 } }, /costs\.loadFactor must be a number within 0\.\.1 \(got 1\.5\)/],
      [{ costs: { perKWh: 'cheap' } }, /costs\.perKWh must be an object/],
      [{ costs: { damageFunctions: { default: [[60, 1], [30, 2]] } }, costMethod: 'ecost' }, /damageFunctions\.default\[1\]: minutes must increase/],
      [{ costMethod: 'ecost' }, /costMethod "ecost" needs costs\.damageFunctions/],
      [{ lifeYears: 0 }, /placement \(override\)\.lifeYears must be a number > 0 \(got 0\)/],
      [{ interestRate: Number.NaN }, /interestRate must be a number ≥ 0 \(got NaN\)/],
      [{ maxSwitches: 1.5 }, /maxSwitches must be a whole number/],
      [{ switch: { end: 'middle' } }, /placement\.switch\.end must be "from" or "to"/],
      [{ annualisation: 'straight' }, /annualisation must be "thesis" or "crf"/],
      [{ bpso: { particles: -1 } }, /placement\.bpso: BPSO option particles must be a whole number ≥ 1/],
    ];
    for (const [o, re] of bad) assert.throws(() => resolvePlacement(m, o as never), re, JSON.stringify(o));
    const rbts = networkModel('rbts-bus2');
    assert.throws(() => resolvePlacement(rbts, { candidates: ['LT1'] }), /candidates\[0\] "LT1": section is a normally-open tie/);
    assert.throws(() => resolvePlacement(rbts), /investmentPerSwitch, lifeYears, interestRate are required/);
    assert.throws(() => resolvePlacement(rbts, { investmentPerSwitch: 1, lifeYears: 1, interestRate: 0 }), /costs: no interruption cost given/);
    // A class without a cost is an error naming the class and the load point, not a silent zero.
    assert.throws(() => new PlacementStudy(rbts, { investmentPerSwitch: 1, lifeYears: 1, interestRate: 0, costs: { perKWh: { residential: 1 } } }), /costs\.perKWh has no entry for customer class "[^"]+" \(load point "LP\d+"\)/);
  });
});
