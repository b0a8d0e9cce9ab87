/**
 * dms-reliability node (predictive mode) with a dms-feeder config node: results against the
 * published textbook and RBTS figures, input overrides (switch states kept between messages,
 * switches added for one message, options), errors with a red status and no output, the status
 * text, and Monte Carlo in a worker with progress messages and cancellation.
 */
import assert from 'node:assert/strict';
import { networkModel } from '../../lib/networks';
import type { MonteCarloResult } from '../../lib/reliability/montecarlo';
import type { PredictiveResult } from '../../lib/reliability/types';
import { builtNode, helper, waitFor } from '../support/node-red';

const feederNode = builtNode('dms-feeder');
const relNode = builtNode('dms-reliability');

/** What the node sends: analytical or Monte Carlo results (and progress). */
type Payload = Omit<PredictiveResult, 'method'> & Omit<MonteCarloResult, 'method' | 'options' | 'system' | 'loadPoints' | 'unsupplied' | 'feeder'> & { method: string };
type Msg = { topic: string; payload: Payload; [k: string]: unknown };
type Status = { fill?: string; shape?: string; text?: string };
type TestNode = {
  receive(msg: unknown): void;
  on(ev: 'input', fn: (m: Msg) => void): void;
  on(ev: 'call:error' | 'call:status' | 'call:warn', fn: (c: { args: unknown[] }) => void): void;
};

function flow(feeder: Record<string, unknown>, rel: Record<string, unknown> = {}): unknown[] {
  return [
    { id: 'f1', type: 'dms-feeder', name: 'feeder', ...feeder },
    { id: 'n1', type: 'dms-reliability', name: 'rel', feeder: 'f1', mode: 'predictive', method: 'analytical', years: '10000', seed: '1', momentaryThresholdMin: '', transformerTimes: 'model', repairDistribution: 'fixed', costs: '', progress: false, wires: [['h1']], ...rel },
    { id: 'h1', type: 'helper' },
  ];
}

async function start(feeder: Record<string, unknown>, rel: Record<string, unknown> = {}) {
  await helper.load([feederNode, relNode], flow(feeder, rel));
  const n1 = helper.getNode('n1') as TestNode;
  const out: Msg[] = [];
  const errors: string[] = [];
  const statuses: Status[] = [];
  (helper.getNode('h1') as TestNode).on('input', (m) => out.push(m));
  n1.on('call:error', (c) => errors.push(String((c.args[0] as Error)?.message ?? c.args[0])));
  n1.on('call:status', (c) => statuses.push(c.args[0] as Status));
  return { n1, out, errors, statuses };
}

const near = (a: number, b: number, what: string, tol = 1e-5): void => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const textbook = (name: string) => ({ source: 'json', json: JSON.stringify(networkModel(name)) });

describe('dms-reliability node', function () {
  this.timeout(60000);
  beforeEach((done) => { helper.startServer(done); });
  afterEach(async () => {
    await helper.unload();
    await new Promise<void>((r) => helper.stopServer(() => r()));
  });

  it('evaluates RBTS Bus 2 on any message: published indices, topic, status', async () => {
    const t = await start({ source: 'network', network: 'rbts-bus2' });
    t.n1.receive({ payload: Date.now(), _msgid: 'm1', correlation: 'abc' });
    await waitFor(() => t.out.length === 1, 'result');
    const m = t.out[0];
    assert.equal(m.topic, 'reliability/indices');
    assert.equal(m.correlation, 'abc');
    near(m.payload.system.saidi, 3.612587, 'SAIDI');
    near(m.payload.system.saifi, 0.248211, 'SAIFI');
    assert.equal(m.payload.loadPoints.length, 22);
    assert.ok(m.payload.contributions.length > 0);
    const last = t.statuses[t.statuses.length - 1];
    assert.equal(last.fill, 'green');
    assert.equal(last.text, 'SAIDI 3.61 h/yr, SAIFI 0.248');
  });

  it('adds switches for one message and applies options (published textbook and RBTS cases)', async () => {
    const t = await start(textbook('textbook-fuses'));
    const disconnects = ['S2', 'S3', 'S4'].map((section) => ({ section, end: 'from', type: 'switch', switchingHours: 0.5 }));
    t.n1.receive({ payload: { addSwitches: disconnects } });
    t.n1.receive({ payload: {} });
    t.n1.receive({ payload: { options: { momentaryThresholdMin: 30 }, addSwitches: disconnects } });
    await waitFor(() => t.out.length === 3, 'three results');
    near(t.out[0].payload.system.saidi, 2.576667, 'fuses + disconnects SAIDI');
    assert.deepEqual(t.out[0].payload.options.addedSwitches, ['+S2@from', '+S3@from', '+S4@from']);
    near(t.out[1].payload.system.saidi, 3.906667, 'fuses only (switches were for one message)');
    // With a 30 min threshold the 0.5 h isolations (exactly 30 min) count as momentary.
    const s = t.out[2].payload.system;
    assert.ok(s.maifi > 0 && s.saidi < 2.576667, `momentary ${s.maifi}, SAIDI ${s.saidi}`);
    near(s.saifi + s.maifi, 1.153333, 'SAIFI + MAIFI');
  });

  it('keeps switch states between messages until replaced, and reports load left without supply', async () => {
    const t = await start(textbook('textbook-fuses-disconnects'));
    t.n1.receive({ payload: { switchStates: { DS3: false } } });
    t.n1.receive({ payload: 'tick' });
    t.n1.receive({ payload: { replace: true } });
    await waitFor(() => t.out.length === 3, 'three results');
    assert.deepEqual(t.out[0].payload.unsupplied, ['C', 'D']);
    assert.deepEqual(t.out[1].payload.unsupplied, ['C', 'D']);
    assert.deepEqual(t.out[2].payload.unsupplied, []);
    near(t.out[2].payload.system.saidi, 2.576667, 'back to normal');
    const warn = t.statuses.find((x) => x.fill === 'yellow');
    assert.ok(warn && /2 unsupplied/.test(warn.text!), JSON.stringify(t.statuses));
  });

  it('uses the configured options: transformer replacement times, a cost model', async () => {
    const costs = JSON.stringify({ currency: 'USD', perKWh: { default: 1.5 } });
    const t = await start({ source: 'network', network: 'rbts-bus2' }, { transformerTimes: 'replacement', costs });
    t.n1.receive({ payload: true });
    await waitFor(() => t.out.length === 1, 'result');
    const s = t.out[0].payload.system;
    near(s.saidi, 0.765575, 'SAIDI with replacement');
    near(s.cens!, 1.5 * s.ensKWh, 'CENS = 1.5 × ENS (La = avgKW, C = 1.5)');
    assert.equal(t.out[0].payload.options.currency, 'USD');
  });

  it('fails bad input with a red status and no output, and keeps nothing of it', async () => {
    const t = await start(textbook('textbook-alternate-supply'));
    const bad: Array<[unknown, RegExp]> = [
      [{ switchStates: { NOPE: false } }, /switch state: device "NOPE" does not exist/],
      [{ switchStates: { NOP: true } }, /sources "SUPPLY" and "ALTERNATE" are connected/],
      [{ switchStates: { NOP: 'closed' } }, /payload\.switchStates\.NOP must be true \(closed\) or false \(open\)/],
      [{ addSwitches: [{ section: 'S99', switchingHours: 1 }] }, /candidate switch 0: section "S99" does not exist/],
      [{ addSwitches: [{ section: 'S2' }] }, /switchingHours must be a non-negative number/],
      [{ options: { method: 'fast' } }, /payload\.options\.method must be "analytical" or "montecarlo"/],
      [{ options: { years: 1 } }, /payload\.options: years must be an integer from 2/],
      [{ options: { costs: { perKWh: { default: -1 } } } }, /payload\.options\.costs\.perKWh\.default must be a non-negative number/],
      [{ what: 1 }, /payload\.what is not recognised/],
    ];
    for (const [payload] of bad) t.n1.receive({ payload });
    await waitFor(() => t.errors.length === bad.length, 'all errors');
    bad.forEach(([, pattern], i) => assert.match(t.errors[i], pattern));
    assert.equal(t.out.length, 0);
    assert.equal(t.statuses[t.statuses.length - 1].fill, 'red');
    // Nothing of the failed messages was kept: the next evaluation is the published case.
    t.n1.receive({ payload: {} });
    await waitFor(() => t.out.length === 1, 'result after errors');
    near(t.out[0].payload.system.saidi, 1.795, 'alternate supply SAIDI');
  });

  it('reports a bad configuration and a missing feeder on every message', async () => {
    const t = await start({ source: 'network', network: 'rbts-bus2' }, { method: 'quick' });
    t.n1.receive({ payload: 1 });
    await waitFor(() => t.errors.length >= 2, 'errors');
    assert.match(t.errors.join('\n'), /configuration: method must be analytical or montecarlo/);
    await helper.unload();
    const t2 = await start({ source: 'network', network: 'no-such-network' });
    t2.n1.receive({ payload: 1 });
    await waitFor(() => t2.errors.some((e) => /unknown network "no-such-network"/.test(e)) && t2.errors.length >= 2, 'feeder errors');
    assert.equal(t2.out.length, 0);
  });

  it('runs Monte Carlo in a worker with progress messages, and cancels on reliability/cancel', async () => {
    const t = await start({ source: 'network', network: 'rbts-bus2' }, { method: 'montecarlo', years: '20000', seed: '3', progress: true });
    t.n1.receive({ payload: 1 });
    await waitFor(() => t.out.some((m) => m.topic === 'reliability/indices'), 'Monte Carlo result', 60000);
    const progress = t.out.filter((m) => m.topic === 'reliability/progress');
    assert.ok(progress.length >= 2, `progress messages: ${progress.length}`);
    const r = t.out.find((m) => m.topic === 'reliability/indices')!.payload;
    assert.equal(r.method, 'montecarlo');
    assert.ok(r.confidence95.saidi[0] <= 3.612587 && 3.612587 <= r.confidence95.saidi[1], `analytical SAIDI in ${r.confidence95.saidi}`);
    assert.match(t.statuses[t.statuses.length - 1].text!, /^MC SAIDI \d+\.\d\d h\/yr, SAIFI \d\.\d{3} \(P90 SAIDI/);

    const before = t.out.length;
    t.n1.receive({ payload: { options: { years: 1e9 } } });
    await waitFor(() => t.statuses.some((s) => /Monte Carlo \d+ %/.test(s.text ?? '')) || t.statuses.some((s) => s.fill === 'blue'), 'running');
    t.n1.receive({ payload: { options: { years: 100 } } });
    await waitFor(() => t.errors.some((e) => /a Monte Carlo run is in progress/.test(e)), 'second run refused');
    t.n1.receive({ topic: 'reliability/cancel' });
    await waitFor(() => t.statuses.some((s) => s.text === 'Monte Carlo cancelled'), 'cancelled');
    assert.equal(t.out.filter((m) => m.topic === 'reliability/indices').length, 1);
    assert.ok(t.out.length >= before);
  });
});
