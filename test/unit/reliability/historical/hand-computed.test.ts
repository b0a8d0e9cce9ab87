/**
 * Every index of a small dataset worked out by hand (test/fixtures/historical/hand.csv, served by
 * served-hand.csv). Period 2021 (UTC), T = 8760 h.
 *
 * Served: F1 1000 customers, 2000 kVA, 1500 kW avg (S1); F2 500, 1000 kVA, no avgKW (S1); F3 250,
 * no kVA, 300 kW avg (S2).
 *
 * Sustained in 2021 (customers c, minutes d, kW P, kVA L; a missing P/L is the feeder's share c/N):
 *   r1 F1 REC1  c600 d120  P720         L=2000·0.6=1200   DPEF
 *   r2 F1 FU1   c200 d90   P=1500·0.2=300 L=400           DPSC
 *   r3 F1 FU1   c100 d30   P50          L=200             DTEF (durationMin instead of end)
 *   r4 F1 FU1   c200 d360  P320         L420 (given)      DPEF (times in +03:00)
 *   s5 F2 REC2  c500 d120  P none (F2 has no avgKW)  L=1000  DPEF (ends the m4 reclosing sequence)
 *   r6 F2 SW2   c250 d240  P100         L=500             OP, planned
 *   r7 F3 FU3   c250 d360  P280         L none            DPSC (runs past midnight: counts on Aug 15)
 * Momentary: F1 REC1 m1 400, m2 600, m3 600 within 5 min of m1 (one event of 600 customers), m9 300
 *   at 10:05:01 (5 min 1 s after m1: a new event); F2 REC2 m4 500 followed 2 min later by the lockout
 *   s5 (event withdrawn); F3 REC3 m5 100 (2 min), m6 50 (exactly 5 min: still momentary).
 * r0 (F1, 2020-12-31 23:00Z, 2 h) began in 2020 and is outside the period.
 */
import assert from 'node:assert/strict';
import { HistoricalAccumulator } from '../../../../lib/reliability/historical/accumulator';
import { feederTable } from '../../../../lib/reliability/historical/dashboard';
import { servedFromModel } from '../../../../lib/reliability/historical/served';
import { loadNetwork } from '../../../../lib/networks';
import { accumulatorFrom, near } from './helpers';

const T = 8760;
const EPS = 1e-12;

describe('historical indices: hand-computed dataset', () => {
  let report: ReturnType<HistoricalAccumulator['query']>;

  before(async () => {
    const { acc, rejected } = await accumulatorFrom('hand.csv', { served: 'served-hand.csv', cemiN: [0, 1, 2], celidHours: [1, 4, 8] });
    assert.deepEqual(rejected, []);
    report = acc.query({ from: '2021-01-01', to: '2022-01-01' });
  });

  it('reports the period and counts', () => {
    assert.deepEqual(report.period, { from: '2021-01-01', to: '2022-01-01', hours: 8760, years: 1, timeZone: 'UTC' });
    assert.equal(report.counts.accepted, 15);
    assert.equal(report.counts.rejected, 0);
    assert.equal(report.counts.sustainedWithoutLoad, 1); // s5
  });

  it('feeder F1', () => {
    const f = report.feeders.F1;
    // CI = 600+200+100+200 = 1100; CMI = 600·120+200·90+100·30+200·360 = 165000 min = 2750 h
    near(f.saifi, 1100 / 1000, EPS, 'SAIFI');
    near(f.saidi, 2750 / 1000, EPS, 'SAIDI');
    near(f.caidi, 2750 / 1100, EPS, 'CAIDI');
    // Customers interrupted at least once: REC1 group 600 + FU1 group 200 = 800
    assert.equal(f.customersInterrupted, 800);
    near(f.caifi, 1100 / 800, EPS, 'CAIFI');
    near(f.ctaidi, 2750 / 800, EPS, 'CTAIDI');
    near(f.asai, 1 - 2750 / (1000 * T), EPS, 'ASAI');
    near(f.asui, 2750 / (1000 * T), EPS, 'ASUI');
    // kVA: 1200+400+200+420 = 2220; kVA·h: (1200·120+400·90+200·30+420·360)/60 = 337200/60 = 5620
    near(f.asifi, 2220 / 2000, EPS, 'ASIFI');
    near(f.asidi, 5620 / 2000, EPS, 'ASIDI');
    // MAIFI: 400+600+600+300 = 1900; MAIFIe: events of 600 and 300
    near(f.maifi, 1900 / 1000, EPS, 'MAIFI');
    near(f.maifie, 900 / 1000, EPS, 'MAIFIe');
    assert.equal(f.momentaryInterruptions, 4);
    assert.equal(f.momentaryEvents, 2);
    // EENS: 720·2 + 300·1.5 + 50·0.5 + 320·6 = 1440+450+25+1920 = 3835 kWh
    near(f.eensKWh, 3835, 1e-9, 'EENS');
    near(f.aensKWh, 3.835, EPS, 'AENS');
    // CEMIn: FU1 customers 1..200 had 2 (r2, r4), 1..100 had 3; REC1 customers had 1.
    //   n=0: 800; n=1: 200; n=2: 100
    assert.deepEqual(f.cemi, { 0: 0.8, 1: 0.2, 2: 0.1 });
    // CELID single ≥1 h: REC1 600 (120 min) + FU1 200 (360 min) = 800; ≥4 h: FU1 200; ≥8 h: none
    assert.deepEqual(f.celidSingle, { 1: 0.8, 4: 0.2, 8: 0 });
    // CELID total: REC1 customers 120 min; FU1 1..200: 90+360 = 450 min; 1..100: 480 min = 8 h
    //   ≥1 h: 800; ≥4 h: 200; ≥8 h: 100
    assert.deepEqual(f.celidTotal, { 1: 0.8, 4: 0.2, 8: 0.1 });
  });

  it('feeder F2: a lockout withdraws its momentary event; no avgKW leaves EENS without that record', () => {
    const f = report.feeders.F2;
    // CI = 500 + 250 = 750; CMI = 500·120 + 250·240 = 120000 min = 2000 h
    near(f.saifi, 1.5, EPS, 'SAIFI');
    near(f.saidi, 4, EPS, 'SAIDI');
    near(f.caidi, 2000 / 750, EPS, 'CAIDI');
    // Groups REC2 (500) and SW2 (250) sum to 750 > 500 served: capped at 500
    assert.equal(f.customersInterrupted, 500);
    near(f.caifi, 1.5, EPS, 'CAIFI');
    near(f.ctaidi, 4, EPS, 'CTAIDI');
    near(f.asai, 1 - 2000 / (500 * T), EPS, 'ASAI');
    near(f.asifi, (1000 + 500) / 1000, EPS, 'ASIFI');
    near(f.asidi, (1000 * 120 + 500 * 240) / 60 / 1000, EPS, 'ASIDI');
    near(f.maifi, 1, EPS, 'MAIFI (m4 still counts as an operation)');
    assert.equal(f.maifie, 0);
    assert.equal(f.momentaryEvents, 0);
    near(f.eensKWh, 100 * 4, 1e-9, 'EENS');
    assert.deepEqual(f.cemi, { 0: 1, 1: 0, 2: 0 });
    assert.deepEqual(f.celidSingle, { 1: 1, 4: 0.5, 8: 0 });
    assert.deepEqual(f.celidTotal, { 1: 1, 4: 0.5, 8: 0 });
  });

  it('feeder F3: no kVA served gives null ASIFI/ASIDI; a 5.0-minute interruption is momentary', () => {
    const f = report.feeders.F3;
    near(f.saifi, 1, EPS, 'SAIFI');
    near(f.saidi, 6, EPS, 'SAIDI');
    near(f.caidi, 6, EPS, 'CAIDI');
    near(f.asai, 1 - 1500 / (250 * T), EPS, 'ASAI');
    assert.equal(f.asifi, null);
    assert.equal(f.asidi, null);
    near(f.maifi, 150 / 250, EPS, 'MAIFI');
    near(f.maifie, 150 / 250, EPS, 'MAIFIe');
    near(f.eensKWh, 280 * 6, 1e-9, 'EENS');
    near(f.aensKWh, 1680 / 250, EPS, 'AENS');
    assert.deepEqual(f.celidSingle, { 1: 1, 4: 1, 8: 0 });
  });

  it('system and substations', () => {
    const s = report.system;
    // NT = 1750; CI = 2100; customer hours = 2750+2000+1500 = 6250; CN = 800+500+250 = 1550
    near(s.saifi, 2100 / 1750, EPS, 'SAIFI');
    near(s.saidi, 6250 / 1750, EPS, 'SAIDI');
    near(s.caidi, 6250 / 2100, EPS, 'CAIDI');
    near(s.caifi, 2100 / 1550, EPS, 'CAIFI');
    near(s.ctaidi, 6250 / 1550, EPS, 'CTAIDI');
    near(s.asai, 1 - 6250 / (1750 * T), EPS, 'ASAI');
    assert.equal(s.asifi, null, 'F3 has no kVA, so the system has none');
    near(s.maifi, (1900 + 500 + 150) / 1750, EPS, 'MAIFI');
    near(s.maifie, (900 + 0 + 150) / 1750, EPS, 'MAIFIe');
    near(s.eensKWh, 3835 + 400 + 1680, 1e-9, 'EENS');
    near(s.aensKWh, 5915 / 1750, EPS, 'AENS');
    near(s.cemi['1'], 200 / 1750, EPS, 'CEMI1');
    near(s.celidTotal['8'], 100 / 1750, EPS, 'CELID-t 8 h');
    near(s.celidSingle['4'], (200 + 250 + 250) / 1750, EPS, 'CELID-s 4 h');
    // S1 = F1 + F2: NT 1500, kVA 3000
    const s1 = report.substations.S1;
    near(s1.saifi, 1850 / 1500, EPS, 'S1 SAIFI');
    near(s1.saidi, 4750 / 1500, EPS, 'S1 SAIDI');
    near(s1.asifi, (2220 + 1500) / 3000, EPS, 'S1 ASIFI');
    near(s1.asidi, (5620 + 4000) / 3000, EPS, 'S1 ASIDI');
    assert.deepEqual(report.substations.S2, report.feeders.F3);
  });

  it('breaks down by cause (sustained shares) and planned/unplanned', () => {
    const byCause = Object.fromEntries(report.causes.system.map((c) => [c.cause, c]));
    assert.deepEqual(Object.keys(byCause), ['DPEF', 'DPSC', 'DTEF', 'DTSC', 'OP']);
    // DPEF: r1 600, r4 200, s5 500 → 1300 CI; 72000+72000+60000 min = 3400 h
    near(byCause.DPEF.frequencyShare, 1300 / 2100, EPS, 'DPEF frequency');
    near(byCause.DPEF.durationShare, 3400 / 6250, EPS, 'DPEF duration');
    near(byCause.DPSC.frequencyShare, 450 / 2100, EPS, 'DPSC frequency');
    near(byCause.DPSC.durationShare, 1800 / 6250, EPS, 'DPSC duration');
    near(byCause.DTEF.durationShare, 50 / 6250, EPS, 'DTEF duration');
    near(byCause.OP.saidi, 1000 / 1750, EPS, 'OP SAIDI');
    assert.equal(byCause.DTSC.interruptions, 0);
    assert.equal(byCause.DTSC.customerMomentaryInterruptions, 1900 + 150);
    assert.equal(byCause.DTEF.momentaryInterruptions, 1); // m4
    const sum = report.causes.system.reduce((a, c) => a + c.frequencyShare, 0);
    near(sum, 1, 1e-12, 'frequency shares sum');
    near(report.planned.system.planned.saifi, 250 / 1750, EPS, 'planned SAIFI');
    near(report.planned.system.planned.saidi, 1000 / 1750, EPS, 'planned SAIDI');
    near(report.planned.system.unplanned.saidi, 5250 / 1750, EPS, 'unplanned SAIDI');
    near(report.planned.feeders.F2.planned.saidi, 2, EPS, 'F2 planned SAIDI');
  });

  it('counts an interruption on the day it began and leaves the rest of the year out', async () => {
    const { acc } = await accumulatorFrom('hand.csv', { served: 'served-hand.csv' });
    const dec31 = acc.query({ from: '2020-12-31', to: '2021-01-01' });
    // r0: 1000 customers × 120 min although it ran into 2021
    near(dec31.system.saidi, 2000 / 1750, EPS, 'SAIDI of 2020-12-31');
    near(dec31.system.asai, 1 - 2000 / (1750 * 24), EPS, 'one-day ASAI');
    const aug = acc.query({ from: '2021-08-16', to: '2021-09-01' });
    assert.equal(aug.feeders.F3.saidi, 0, 'r7 belongs to Aug 15');
  });

  it('buckets days in the time zone asked for', async () => {
    // Addis Ababa is UTC+3 all year: r0 (2020-12-31 23:00Z) began on 2021-01-01 local time.
    const { acc } = await accumulatorFrom('hand.csv', { served: 'served-hand.csv', timeZone: 'Africa/Addis_Ababa' });
    const r = acc.query({ from: '2021-01-01', to: '2022-01-01' });
    near(r.feeders.F1.saidi, (2750 + 2000) / 1000, EPS, 'F1 SAIDI with r0');
    // Berlin's March 2021 has 743 hours (clocks forward on the 28th).
    const berlin = await accumulatorFrom('hand.csv', { served: 'served-hand.csv', timeZone: 'Europe/Berlin' });
    assert.equal(berlin.acc.query({ from: '2021-03-01', to: '2021-04-01' }).period.hours, 31 * 24 - 1);
  });

  it('gives dashboard rows per feeder', () => {
    const rows = feederTable(report);
    assert.deepEqual(rows.map((r) => [r.feeder, r.substation, r.customers]), [['F1', 'S1', 1000], ['F2', 'S1', 500], ['F3', 'S2', 250]]);
    assert.equal(rows[0].saidi, report.feeders.F1.saidi);
  });
});

describe('historical indices: per-customer counts with a feeder model', () => {
  // textbook-fuses: breaker CB feeds A 1000, B 800, C 700, D 500 customers; fuse FUa protects A only.
  const served = servedFromModel(loadNetwork('textbook-fuses'), 'TB');

  it('takes customers and load points behind each device from the model', () => {
    assert.equal(served.customers, 3000);
    assert.equal(served.deviceCustomers?.CB, 3000);
    assert.equal(served.deviceCustomers?.FUa, 1000);
    assert.deepEqual(served.deviceLoadPoints?.FUa, [['A', 1000]]);
    assert.equal(served.avgKW, 14000);
  });

  it('nests a fuse inside the breaker: A had two interruptions', () => {
    const acc = new HistoricalAccumulator({ feeders: [served], cemiN: [1] });
    // Counts left empty: the model fills 3000 (CB) and 1000 (FUa).
    acc.add({ feeder: 'TB', device: 'CB', start: '2021-02-01T00:00:00Z', durationMin: 60 });
    acc.add({ feeder: 'TB', device: 'FUa', start: '2021-03-01T00:00:00Z', durationMin: 120 });
    const r = acc.query({ from: '2021-01-01', to: '2022-01-01' }).system;
    near(r.saifi, (3000 + 1000) / 3000, EPS, 'SAIFI');
    assert.equal(r.customersInterrupted, 3000, 'every customer once');
    near(r.cemi['1'], 1000 / 3000, EPS, 'A (1000 customers) had more than one');
    near(r.celidTotal['1'], 1, EPS, 'everyone had at least 1 h in total');
    near(r.celidTotal['4'], 0, EPS, 'nobody had 4 h');
    // EENS from the feeder's 14000 kW average when the record gives no load: 14000·1 + 14000·(1000/3000)·2
    near(r.eensKWh, 14000 + (14000 / 3) * 2, 1e-9, 'EENS');
  });

  it('counts FDIR groups of one breaker interruption (records naming their load points) each for its own customers', () => {
    const acc = new HistoricalAccumulator({ feeders: [served], cemiN: [0, 1], celidHours: [1] });
    const start = Date.UTC(2021, 4, 1, 8);
    const min = 60_000;
    // CB trips for a fault behind FUa's section: B and C are back after 30 min, D after 90, A after 240 (the repair).
    const groups = [
      { id: 'g1', loadPoints: ['B', 'C'], end: start + 30 * min },
      { id: 'g2', loadPoints: ['D'], end: start + 90 * min },
      { id: 'g3', loadPoints: ['A'], end: start + 240 * min },
    ];
    for (const g of groups) assert.ok(acc.add({ feeder: 'TB', device: 'CB', start, ...g }).accepted, g.id);
    const r = acc.query({ from: '2021-01-01', to: '2022-01-01' }).system;
    // Customers from the model's load points (counts left empty): B+C 1500, D 500, A 1000.
    assert.equal(r.customerInterruptions, 3000);
    near(r.saidi, (1500 * 0.5 + 500 * 1.5 + 1000 * 4) / 3000, EPS, 'SAIDI');
    assert.equal(r.customersInterrupted, 3000, 'everyone once');
    near(r.cemi['0'], 1, EPS, 'CEMI0');
    near(r.cemi['1'], 0, EPS, 'nobody twice');
    near(r.celidSingle['1'], 1500 / 3000, EPS, 'A and D had at least 1 h');
  });

  it('refuses a group that repeats a load point, or overlaps a record of the whole device, either way round', () => {
    const acc = new HistoricalAccumulator({ feeders: [served] });
    const t = (h: number) => Date.UTC(2021, 5, 1, h);
    assert.ok(acc.add({ id: 'g1', feeder: 'TB', device: 'CB', start: t(8), end: t(9), loadPoints: ['A', 'B'] }).accepted);
    const again = acc.add({ id: 'g2', feeder: 'TB', device: 'CB', start: t(8), end: t(10), loadPoints: 'B;C' });
    assert.ok(!again.accepted && /overlaps record "g1" on feeder "TB" device "CB" load point "B"/.test(again.rejection.reason));
    assert.ok(acc.add({ id: 'g3', feeder: 'TB', device: 'CB', start: t(8), end: t(10), loadPoints: 'C+D' }).accepted, 'disjoint group');
    const whole = acc.add({ id: 'w1', feeder: 'TB', device: 'CB', start: t(9), end: t(11) });
    assert.ok(!whole.accepted && /overlaps record "g3"/.test(whole.rejection.reason), 'the fault detector logging the same outage');
    assert.ok(acc.add({ id: 'w2', feeder: 'TB', device: 'CB', start: t(12), end: t(13) }).accepted);
    // The guard survives a restart (the node keeps its state in context).
    const restored = HistoricalAccumulator.fromJSON(JSON.parse(JSON.stringify(acc.toJSON())), { feeders: [served] });
    const part = restored.add({ id: 'g4', feeder: 'TB', device: 'CB', start: t(12), end: t(14), loadPoints: ['D'] });
    assert.ok(!part.accepted && /overlaps record "w2"/.test(part.rejection.reason));
    const whole2 = restored.add({ id: 'w3', feeder: 'TB', device: 'CB', start: t(7), end: t(8) + 1 });
    assert.ok(!whole2.accepted && /load point "A"/.test(whole2.rejection.reason));
    const unknown = restored.add({ id: 'g5', feeder: 'TB', device: 'CB', start: t(20), end: t(21), loadPoints: ['A', 'Z'] });
    assert.ok(!unknown.accepted && unknown.rejection.reason === 'load point "Z" is not in the model of feeder "TB"');
    const bad = restored.add({ id: 'g6', feeder: 'TB', device: 'CB', start: t(20), end: t(21), loadPoints: [3] });
    assert.ok(!bad.accepted && bad.rejection.reason === 'loadPoints entry 3 is not a load point id');
    assert.equal(restored.counts.rejectedByCode['bad-load-points'], 2);
  });

  it('spreads a partial record over the load points behind the device', () => {
    const acc = new HistoricalAccumulator({ feeders: [served], cemiN: [0] });
    acc.add({ feeder: 'TB', device: 'CB', start: '2021-02-01T00:00:00Z', durationMin: 60, customersInterrupted: 1500 });
    const r = acc.query({ from: '2021-01-01', to: '2022-01-01' }).system;
    assert.equal(r.customersInterrupted, 1500);
    near(r.saidi, 1500 / 3000, EPS, 'SAIDI');
  });
});
