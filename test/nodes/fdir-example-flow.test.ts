/**
 * examples/flows/fdir.json in Node-RED against a running simulator of the same model: real
 * node-red-contrib-modbus Flex-Getter and Flex-Write nodes, dms-ied-reader, dms-fault-detector and
 * dms-fdir. A permanent fault on L7 is injected through the example's button; the advisory plan is
 * confirmed with the example's button; the simulator's own state shows the zone isolated and the
 * rest restored through NO-F1F2; after the repair the return to normal puts every device back.
 * The example's debug nodes become test helpers; its client points at the test's port; the
 * simulator protects and switches fast (one reclose after 0.3 s, 0.3 s switch travel).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../lib/sim/start';
import { RBTS_AUTOMATED_FILE, rbtsWithAutomation } from '../support/fdir-sim-loop';
import { builtNode, helper, waitFor, coreNodes } from '../support/node-red';

/* eslint-disable @typescript-eslint/no-require-imports */
const modules = [
  require('node-red-contrib-modbus/modbus/modbus-client.js'),
  require('node-red-contrib-modbus/modbus/modbus-flex-getter.js'),
  require('node-red-contrib-modbus/modbus/modbus-flex-write.js'),
  ...coreNodes('common/20-inject', 'common/90-comment', 'function/10-function'),
  builtNode('dms-feeder'),
  builtNode('dms-ied-reader'),
  builtNode('dms-fault-detector'),
  builtNode('dms-fdir'),
];
/* eslint-enable @typescript-eslint/no-require-imports */

type Msg = { topic?: string; payload: Record<string, unknown> };
type Status = { text?: string };

describe('example flow: FDIR with the feeder simulator', function () {
  this.timeout(90_000);
  let h: SimulatorHandle;

  before(async () => {
    h = await startSimulator({
      feeder: rbtsWithAutomation(), port: 0, logConnections: false,
      breakerShots: 1, deadTimesS: [0.3], breakerOperateMs: 50, switchOperateMs: 300,
    });
  });
  after(async () => {
    await helper.unload();
    await h.close();
  });

  it('locates, isolates and restores a fault on L7 after the operator confirms, then returns to normal', async () => {
    const flow = JSON.parse(readFileSync(path.join(__dirname, '../../examples/flows/fdir.json'), 'utf8')) as Array<Record<string, unknown>>;
    for (const n of flow) {
      if (n.type === 'debug') n.type = 'helper';
      if (n.type === 'modbus-client') n.tcpPort = String(h.port);
      if (n.type === 'dms-feeder') n.file = RBTS_AUTOMATED_FILE;
      if (n.id === 'fdir-poll') n.repeat = '0.25';
    }
    await helper.load(modules, flow);
    const plans: Msg[] = [];
    const events: Msg[] = [];
    const statuses: Status[] = [];
    helper.getNode('fdir-debug-plan').on('input', (m: Msg) => plans.push(m));
    helper.getNode('fdir-debug-alarm').on('input', (m: Msg) => events.push(m));
    helper.getNode('fdir-node').on('call:status', (c: { args: unknown[] }) => statuses.push(c.args[0] as Status));
    const status = () => statuses[statuses.length - 1]?.text ?? '';
    const device = (id: string) => h.state().devices.find((d) => d.id === id)!.closed;

    // Let every IED be read once before the fault (positions, loads).
    await new Promise((r) => setTimeout(r, 2500));
    helper.getNode('fdir-btn-fault').receive({ payload: Date.now() });
    await waitFor(() => plans.some((m) => m.topic === 'fdir/plan'), 'the plan after the lockout', 30_000);
    const plan = plans.find((m) => m.topic === 'fdir/plan')!.payload as { faultedZone: string[]; awaiting: string; plan: Array<{ device: string; action: string }> };
    assert.deepEqual(plan.faultedZone, ['L7', 'L8', 'L9']);
    assert.equal(plan.awaiting, 'confirmation');
    assert.deepEqual(plan.plan.map((s) => `${s.action} ${s.device}`), ['open DS-7', 'open DS-10', 'close CB-F1', 'close NO-F1F2']);
    assert.equal(device('NO-F1F2'), false, 'nothing operated before the confirmation');

    helper.getNode('fdir-btn-confirm').receive({ payload: {} });
    await waitFor(() => /^restored/.test(status()), 'restoration', 30_000);
    assert.deepEqual(['DS-7', 'DS-10', 'CB-F1', 'NO-F1F2'].map(device), [false, false, true, true]);
    assert.deepEqual([...h.state().unsupplied].sort(), ['LP5', 'LP6']);
    assert.equal(status(), 'restored 641 of 652 customers, 11 out');
    assert.deepEqual(events.filter((m) => m.topic === 'fdir/alarm'), []);

    helper.getNode('fdir-btn-repair').receive({ payload: Date.now() });
    await waitFor(() => h.state().faults.length === 0, 'the repair in the simulator');
    helper.getNode('fdir-btn-repaired').receive({ payload: {} });
    await waitFor(() => /return to normal: awaiting confirmation/.test(status()), 'the return-to-normal plan');
    helper.getNode('fdir-btn-confirm').receive({ payload: {} });
    await waitFor(() => /^normal/.test(status()), 'back to normal', 30_000);
    assert.deepEqual(['DS-7', 'DS-10', 'CB-F1', 'NO-F1F2'].map(device), [true, true, true, false]);
    assert.deepEqual(h.state().unsupplied, []);
  });
});
