import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { bindingsFromFeeder } from '../../../lib/ied/bindings';
import { IedReader } from '../../../lib/ied/reader';
import { loadFeeder } from '../../../lib/model/load';
import { networkModel } from '../../../lib/networks';
import { ManualClock } from '../../../lib/sim/clock';
import { FeederSimulator } from '../../../lib/sim/feeder-sim';
import { startSimulator } from '../../../lib/sim/start';
import { assignUnitIds, simulatorIeds, withSimulatorIeds } from '../../../lib/sim/units';
import { rbtsAutomated } from './fixtures';
import { connect, disconnect, exceptionOf } from './modbus-helpers';

describe('simulator unit ids', () => {
  it('one IED per automated device, breaker and recloser, numbered from 1 in model order', () => {
    assert.deepEqual(assignUnitIds(networkModel('rbts-bus2')).map((d) => [d.unitId, d.id, d.device]), [
      [1, 'IED-CB-F1', 'CB-F1'], [2, 'IED-CB-F2', 'CB-F2'], [3, 'IED-CB-F3', 'CB-F3'], [4, 'IED-CB-F4', 'CB-F4'],
    ]);
    const ieee = assignUnitIds(networkModel('ieee33'));
    assert.equal(ieee.length, 37);
    assert.deepEqual([ieee[0].device, ieee[36].device, ieee[36].unitId], ['S1', 'T37', 37]);
    assert.ok(ieee.every((d) => d.registerMap === 'dms-standard-ied'));
    // Fuses and manual disconnects get none.
    assert.ok(!assignUnitIds(networkModel('textbook-fuses')).some((d) => /^F/.test(String(d.device))));
  });

  it('the model with the assigned IEDs validates and gives the IED reader the same unit ids, and the reader decodes the simulator', async () => {
    const model = withSimulatorIeds(rbtsAutomated());
    const loaded = loadFeeder(model);
    const bindings = bindingsFromFeeder(loaded.model, null);
    assert.deepEqual(bindings.map((b) => [b.unitId, b.device]), simulatorIeds(rbtsAutomated()).map((d) => [d.unitId, d.device]));
    const h = await startSimulator({ feeder: rbtsAutomated(), port: 0, clock: new ManualClock(), logConnections: false });
    try {
      const reader = new IedReader(bindings, { staleAfterMs: 60_000 });
      const c = await connect(h.port, 3);
      const data = (await c.readInputRegisters(0, 40)).data;
      await disconnect(c);
      const m = reader.ingest({ payload: data, unitId: 3, fc: 4, address: 0, quantity: 40 }, Date.now());
      assert.ok(m, 'the reader recognised the block');
      assert.equal(m.ied, 'IED-DS-7');
      assert.equal(m.quality, 'good');
      assert.equal(m.values.iaA, Math.fround(h.simulator.iedById('IED-DS-7').values().iaA as number));
    } finally {
      await h.close();
    }
  });

  it('serves a model\'s own ieds, including a line sensor, and refuses clashes with the control unit', async () => {
    const m = rbtsAutomated();
    m.ieds = [
      { id: 'RTU-F1', device: 'CB-F1', unitId: 10 },
      { id: 'FPI-L21', section: 'L21', unitId: 11, registerMap: 'dms-standard-ied' },
    ];
    const clock = new ManualClock();
    const sim = new FeederSimulator(m, { clock });
    assert.deepEqual(sim.ieds.map((i) => [i.unitId, i.spec.id]), [[10, 'RTU-F1'], [11, 'FPI-L21']]);
    const sensor = sim.iedById('FPI-L21').values();
    assert.deepEqual([sensor.breakerClosed, sensor.breakerOpen], [false, false], 'a line sensor has no position');
    assert.ok((sensor.iaA as number) > 0);
    sim.inject({ section: 'L24' });
    assert.equal(sim.iedById('FPI-L21').values().fpiA, true, 'the sensor on L21 carried the fault current to L24');
    sim.close();
    const h = await startSimulator({ feeder: m, port: 0, clock: new ManualClock(), logConnections: false });
    try {
      const c = await connect(h.port, 11);
      assert.equal(await exceptionOf(c.writeCoil(0, true)), 4, 'a line sensor has nothing to switch');
      await disconnect(c);
    } finally {
      await h.close();
    }
    const bad = rbtsAutomated();
    bad.ieds = [{ id: 'X', device: 'CB-F1', unitId: 247 }];
    assert.throws(() => new FeederSimulator(bad, { clock: new ManualClock() }), /ieds\[0\] "X": unit id 247 is the simulator's control unit/);
    assert.throws(() => simulatorIeds({ ...bad, ieds: [{ id: 'X', device: 'CB-F1', unitId: 5, topic: 'north' }] }), /topic "north"/);
  });
});
