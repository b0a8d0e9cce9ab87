/** The accumulator's query options, dashboard outputs, targets and time parsing. */
import assert from 'node:assert/strict';
import { HistoricalAccumulator } from '../../../../lib/reliability/historical/accumulator';
import { ZoneCalendar, dayKey, parseIsoInstant, toDay } from '../../../../lib/reliability/historical/calendar';
import { feederTable, periodSeries, uiChartData } from '../../../../lib/reliability/historical/dashboard';
import { compareTargets, EEA_TARGETS, parseTargets } from '../../../../lib/reliability/historical/targets';
import { accumulatorFrom, near } from './helpers';

describe('historical API', () => {
  it('restricts a query to chosen feeders, with MEDs still system-wide', async () => {
    const { acc } = await accumulatorFrom('hand.csv', { served: 'served-hand.csv' });
    const r = acc.query({ from: '2021-01-01', to: '2022-01-01', feeder: ['F2', 'F3'] });
    assert.deepEqual(Object.keys(r.feeders), ['F2', 'F3']);
    near(r.system.saidi, (2000 + 1500) / 750, 1e-12, 'SAIDI of F2 + F3');
    assert.deepEqual(r.substationOf, { F2: 'S1', F3: 'S2' });
    assert.throws(() => acc.query({ feeder: 'F9' }), /feeder "F9" is not among the feeders served \(F1, F2, F3\)/);
    // Without a period: from the first to the last day with records.
    assert.deepEqual(acc.query().period.from, '2020-12-31');
    assert.deepEqual(acc.query().period.to, '2021-10-02');
    assert.deepEqual(acc.dataSpan(), { first: '2020-12-31', last: '2021-10-01' });
  });

  it('uses new customer counts when the feeders served change', async () => {
    const { acc } = await accumulatorFrom('hand.csv', { served: 'served-hand.csv' });
    acc.setFeeders([{ id: 'F1', customers: 2000 }, { id: 'F2', customers: 500 }, { id: 'F3', customers: 250 }]);
    near(acc.query({ from: '2021-01-01', to: '2022-01-01' }).feeders.F1.saidi, 2750 / 2000, 1e-12, 'F1 SAIDI over 2000 customers');
  });

  it('gives yearly chart series and the ui_chart shape', async () => {
    const { acc } = await accumulatorFrom('hand.csv', { served: 'served-hand.csv' });
    const s = periodSeries(acc, { from: '2020-01-01', to: '2022-01-01', interval: 'year', indices: ['saidi', 'caidi'] });
    assert.deepEqual(s.periods.map((p) => p.label), ['2020', '2021']);
    const saidi = s.series[0];
    assert.equal(saidi.label, 'SAIDI');
    near(saidi.points[0].y, 2000 / 1750, 1e-12, '2020 SAIDI (r0)');
    near(saidi.points[1].y, 6250 / 1750, 1e-12, '2021 SAIDI');
    const f3 = periodSeries(acc, { from: '2021-01-01', to: '2021-03-01', interval: 'month', indices: ['caidi'], feeder: 'F3' });
    assert.deepEqual(f3.series[0].points, [{ x: '2021-01', y: null }, { x: '2021-02', y: null }], 'CAIDI is undefined without interruptions');
    const chart = uiChartData(s);
    assert.deepEqual(chart[0].series, ['SAIDI', 'CAIDI']);
    assert.deepEqual(chart[0].labels, ['']);
    assert.equal(chart[0].data[0], saidi.points);
    assert.throws(() => periodSeries(acc, { from: '2021-01-01', to: '2022-01-01', interval: 'year', indices: ['xyz' as 'saidi'] }), /unknown index "xyz"/);
    assert.equal(feederTable(acc.query({ from: '2021-01-01', to: '2022-01-01' })).length, 3);
  });

  it('groups momentary operations into events whatever order they arrive in', () => {
    const acc = new HistoricalAccumulator({ feeders: [{ id: 'F', customers: 100 }] });
    const t = Date.UTC(2021, 0, 1, 12);
    const m = (id: string, s: number, c: number) => ({ id, feeder: 'F', device: 'R', start: t + s * 1000, durationMin: 0.25, customersInterrupted: c });
    // A lockout logged before the operations that led to it: the event never counts.
    acc.add({ id: 'lock', feeder: 'F', device: 'R', start: t + 120_000, durationMin: 45, customersInterrupted: 80 });
    acc.add(m('a', 0, 80));
    acc.add(m('b', 40, 80));
    // Later the same day: out of order within one sequence, then a separate sequence 5 min 1 s after its first operation.
    acc.add(m('d', 3 * 3600 + 200, 30));
    acc.add(m('c', 3 * 3600, 60));
    acc.add(m('e', 3 * 3600 + 501, 20));
    const r = acc.query({ from: '2021-01-01', to: '2021-01-02' }).system;
    assert.equal(r.momentaryInterruptions, 5);
    near(r.maifi, (80 + 80 + 30 + 60 + 20) / 100, 1e-12, 'MAIFI');
    assert.equal(r.momentaryEvents, 2, 'c+d one event, e another; a+b withdrawn by the lockout');
    near(r.maifie, (60 + 20) / 100, 1e-12, 'MAIFIe');
    near(r.saifi, 0.8, 1e-12, 'SAIFI');
  });

  it('parses targets and compares annualised values', async () => {
    assert.deepEqual(parseTargets('eea'), EEA_TARGETS);
    assert.deepEqual(parseTargets('SAIFI=20, saidi=25,asai=0.999'), { saifi: 20, saidi: 25, asai: 0.999 });
    assert.throws(() => parseTargets('saifi'), /not NAME=VALUE/);
    assert.throws(() => parseTargets(''), /no targets/);
    const { acc } = await accumulatorFrom('hand.csv', { served: 'served-hand.csv' });
    const r = acc.query({ from: '2021-01-01', to: '2022-01-01' });
    const checks = compareTargets(r, { asai: 0.9995, caidi: 3 });
    const get = (id: string, index: string) => checks.find((c) => c.id === id && c.index === index)!;
    assert.equal(get('system', 'asai').met, true); // 0.999592 ≥ 0.9995
    assert.equal(get('F3', 'asai').met, false); // 0.999315
    assert.equal(get('F3', 'caidi').met, false); // 6 h
    assert.equal(get('F1', 'caidi').met, true); // 2.5 h
    // Two years: per-year values are halved.
    const two = acc.query({ from: '2020-01-01', to: '2022-01-01' });
    assert.equal(two.period.years, 2);
    near(compareTargets(two, { saidi: 1 }).find((c) => c.id === 'system')!.value, two.system.saidi / 2, 1e-12, 'SAIDI per year');
  });

  it('reads times with zones only, days in the zone asked for', () => {
    assert.equal(parseIsoInstant('2021-04-01T00:00:00+03:00'), Date.UTC(2021, 2, 31, 21));
    assert.equal(parseIsoInstant('2021-04-01T00:00:00+0300'), Date.UTC(2021, 2, 31, 21));
    assert.equal(parseIsoInstant('2021-04-01 00:00Z'), Date.UTC(2021, 3, 1));
    assert.equal(parseIsoInstant('2021-04-01T00:00:00.123456Z'), Date.UTC(2021, 3, 1) + 123);
    assert.equal(parseIsoInstant('2021-04-01T00:00:00'), null);
    assert.equal(parseIsoInstant('2021-02-29T00:00:00Z'), null, 'not a leap year');
    assert.equal(parseIsoInstant('2020-02-29T00:00:00Z'), Date.UTC(2020, 1, 29));
    assert.equal(parseIsoInstant('2021-04-31T00:00:00Z'), null);
    assert.equal(parseIsoInstant('2021-04-01T24:00:00Z'), null);
    assert.equal(parseIsoInstant('2021-04-01T10:00:00+05'), Date.UTC(2021, 3, 1, 5));
    assert.equal(parseIsoInstant('2021-04-01T10:00:00+05:3'), null);
    assert.equal(parseIsoInstant('2021-04-01'), null);
    const cal = new ZoneCalendar('America/New_York');
    // 2021-03-14 is 23 hours long in New York, 2021-11-07 is 25.
    assert.equal(cal.hoursBetween(toDay('2021-03-14', cal, 'x'), toDay('2021-03-15', cal, 'x')), 23);
    assert.equal(cal.hoursBetween(toDay('2021-11-07', cal, 'x'), toDay('2021-11-08', cal, 'x')), 25);
    assert.equal(cal.startOfDay(toDay('2021-07-01', cal, 'x')), Date.UTC(2021, 6, 1, 4));
    assert.equal(dayKey(cal.dayOf(Date.UTC(2021, 6, 1, 3, 59))), '2021-06-30');
    assert.equal(dayKey(toDay(Date.UTC(2021, 6, 1, 3), cal, 'x')), '2021-06-30');
    assert.throws(() => new ZoneCalendar('Nowhere/Land'), /not an IANA time zone/);
    assert.throws(() => new HistoricalAccumulator({ feeders: [{ id: 'F', customers: 0 }] }), /customers must be a positive number/);
    assert.throws(() => new HistoricalAccumulator({ feeders: [{ id: 'F', customers: 1 }], momentaryThresholdMin: -1 }), /momentaryThresholdMin must be a positive number/);
  });
});
