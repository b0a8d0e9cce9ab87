/**
 * The FDIR example model (docs/models/rbts-bus2-automated.json, used by the example flow, the e2e
 * test and the bench) is the built-in RBTS Bus 2 with its disconnects and ties automated and the IEDs
 * the feeder simulator would assign: checked here so the copy cannot drift from the built-in network.
 */
import assert from 'node:assert/strict';
import { networkModel } from '../../../lib/networks';
import { assignUnitIds } from '../../../lib/sim/units';
import { rbtsWithAutomation } from '../../support/fdir-sim-loop';

describe('FDIR example model', () => {
  it('is RBTS Bus 2 with DS-* and the ties automated and the simulator\'s IED assignment', () => {
    const shipped = rbtsWithAutomation();
    const base = networkModel('rbts-bus2');
    for (const d of base.devices) if (d.id.startsWith('DS-') || d.type === 'tie') d.automated = true;
    for (const k of ['baseKV', 'buses', 'sources', 'sections', 'devices', 'loadPoints'] as const) assert.deepEqual(shipped[k], base[k], k);
    assert.deepEqual(shipped.ieds, assignUnitIds(base));
    assert.equal(shipped.ieds!.length, 16);
    assert.deepEqual(shipped.devices.filter((d) => d.automated).map((d) => d.id), [
      'CB-F1', 'DS-4', 'DS-7', 'DS-10', 'CB-F2', 'DS-14', 'CB-F3', 'DS-18', 'DS-21', 'DS-24', 'CB-F4', 'DS-29', 'DS-32', 'DS-34', 'NO-F1F2', 'NO-F3F4',
    ]);
  });
});
