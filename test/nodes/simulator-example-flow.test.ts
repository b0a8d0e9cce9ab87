/**
 * examples/flows/simulator-modbus-read.json against a running simulator: real node-red-contrib-modbus
 * Read and Flex-Write nodes, the dms-ied-reader node and the example's function nodes, talking to
 * `startSimulator` over loopback. The example's debug nodes become test helpers; its client points
 * at the test's port; simulated time is driven by the test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { networkModel } from '../../lib/networks';
import { ManualClock } from '../../lib/sim/clock';
import { startSimulator, type SimulatorHandle } from '../../lib/sim/start';
import { builtNode, helper, waitFor, coreNodes } from '../support/node-red';

/* eslint-disable @typescript-eslint/no-require-imports */
const modules = [
  require('node-red-contrib-modbus/modbus/modbus-client.js'),
  require('node-red-contrib-modbus/modbus/modbus-read.js'),
  require('node-red-contrib-modbus/modbus/modbus-flex-write.js'),
  ...coreNodes('common/20-inject', 'common/90-comment', 'function/10-function'),
  builtNode('dms-ied-reader'),
];
/* eslint-enable @typescript-eslint/no-require-imports */

type Msg = { topic?: string; payload: Record<string, unknown> };

describe('example flow: simulator read with node-red-contrib-modbus', function () {
  this.timeout(60_000);
  let h: SimulatorHandle;
  const clock = new ManualClock();

  before(async () => {
    h = await startSimulator({ feeder: networkModel('rbts-bus2'), port: 0, clock, logConnections: false });
  });
  after(async () => {
    await helper.unload();
    await h.close();
  });

  it('reads CB-F1 through dms-ied-reader, injects a fault, repairs it and closes the breaker by select-before-operate', async () => {
    const flow = JSON.parse(readFileSync(path.join(__dirname, '../../examples/flows/simulator-modbus-read.json'), 'utf8')) as Array<Record<string, unknown>>;
    for (const n of flow) {
      if (n.type === 'debug') n.type = 'helper';
      if (n.type === 'modbus-client') n.tcpPort = String(h.port);
    }
    await helper.load(modules, flow);
    const ied: Msg[] = [];
    const summary: Msg[] = [];
    helper.getNode('sim-debug-ied').on('input', (m: Msg) => ied.push(m));
    helper.getNode('sim-debug-ctl').on('input', (m: Msg) => summary.push(m));
    const latest = (name: string): unknown => {
      for (let i = ied.length - 1; i >= 0; i--) if (name in (ied[i].payload.values as object)) return (ied[i].payload.values as Record<string, unknown>)[name];
      return undefined;
    };
    await waitFor(() => latest('pKW') !== undefined && latest('breakerClosed') !== undefined && summary.length > 0, 'the first reads');
    const cb = h.simulator.iedById('IED-CB-F1').values();
    assert.equal(ied[0].topic, 'ied/measurement');
    assert.equal(latest('pKW'), Math.fround(cb.pKW as number));
    assert.equal(latest('breakerClosed'), true);
    assert.equal(summary[0].payload.activeFaults, 0);
    assert.ok(Math.abs((summary[0].payload.sourceKW as number) - h.simulator.sourceKW()) < 0.1);

    helper.getNode('sim-btn-fault').receive({ payload: Date.now() });
    await waitFor(() => h.state().faults.length === 1, 'the fault injected through the control unit');
    assert.equal(h.state().faults[0].section, 'L4');
    clock.advance(60_000);
    await waitFor(() => latest('lockout') === true, 'CB-F1 lockout read through the reader');
    assert.deepEqual([latest('breakerOpen'), latest('tripCount'), latest('recloseCount'), latest('fpiA')], [true, 3, 2, true]);

    helper.getNode('sim-btn-repair').receive({ payload: Date.now() });
    await waitFor(() => h.state().faults.length === 0, 'the repair');
    helper.getNode('sim-btn-close').receive({ payload: Date.now() });
    await waitFor(() => h.state().devices[0].travelling, 'the close command');
    clock.advance(100);
    await waitFor(() => latest('breakerClosed') === true && latest('lockout') === false, 'CB-F1 closed again');
  });
});
