/** `dms powerflow` and `dms reconfigure`: the JSON shapes of the issue, text output, files and exit codes. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../lib/cli';
import { networkModel } from '../../../lib/networks';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'dms-pf-cli-'));
function file(name: string, content: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

describe('dms powerflow / dms reconfigure', () => {
  it('powerflow --json prints the issue shape with the IEEE 33 figures', async () => {
    const { code, out } = await run(['powerflow', '--network', 'ieee33', '--json']);
    assert.equal(code, 0);
    const doc = JSON.parse(out);
    for (const k of ['converged', 'iterations', 'lossesKW', 'lossesKvar', 'vMinPu', 'vMinBus', 'buses', 'sections']) assert.ok(k in doc, k);
    assert.equal(doc.converged, true);
    assert.equal(doc.lossesKW.toFixed(2), '202.68');
    assert.equal(doc.lossesKvar.toFixed(2), '135.14');
    assert.equal(doc.vMinPu.toFixed(5), '0.91309');
    assert.equal(doc.vMinBus, '18');
    assert.equal(doc.buses.length, 33);
    assert.deepEqual(Object.keys(doc.buses[0]), ['id', 'vPu', 'angleDeg']);
    assert.deepEqual(Object.keys(doc.sections[0]), ['id', 'iA', 'pKW', 'qKvar', 'lossKW', 'loadingPct']);
    assert.equal(doc.sections.length, 37);
    const l1 = doc.sections[0];
    assert.equal(l1.id, 'L1');
    assert.ok(Math.abs(l1.pKW - (3715 + doc.lossesKW)) < 1e-3);
  });

  it('powerflow text output, --load average, --states and --loads files', async () => {
    const text = await run(['powerflow', '--network', 'ieee33']);
    assert.equal(text.code, 0);
    assert.match(text.out, /losses 202\.68 kW \+ 135\.14 kvar/);
    assert.match(text.out, /voltage min 0\.91309 p\.u\. at bus 18/);
    const states = file('states.json', { S7: false, S9: false, S14: false, S32: false, T33: true, T34: true, T35: true, T36: true });
    const opt = JSON.parse((await run(['powerflow', '--network', 'ieee33', '--states', states, '--json'])).out);
    assert.equal(opt.lossesKW.toFixed(2), '139.55');
    // The node's payload shape: live loads and switch states in one file.
    const payload = file('payload.json', { loads: { LD18: { pKW: 0, qKvar: 0 } }, switchStates: { S7: false, T33: true } });
    const live = JSON.parse((await run(['powerflow', '--network', 'ieee33', '--loads', payload, '--json'])).out);
    assert.equal(live.loadKW, 3715 - 90);
    assert.deepEqual(live.open, ['L7', 'L34', 'L35', 'L36', 'L37']);
    const avg = JSON.parse((await run(['powerflow', '--network', 'ieee33', '--load', 'average', '--json'])).out);
    assert.equal(avg.loadKW, 3715, 'IEEE 33 gives avgKW = peakKW');
  });

  it('powerflow errors: bad arguments, bad files, unknown ids, a meshed state, no convergence', async () => {
    const bad = await run(['powerflow', '--network', 'ieee33', '--load', 'mean']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--load must be peak or average/);
    const none = await run(['powerflow']);
    assert.equal(none.code, 2);
    const missing = await run(['powerflow', '--network', 'ieee33', '--loads', path.join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /loads file .*nope\.json: cannot read: ENOENT/);
    const garbled = await run(['powerflow', '--network', 'ieee33', '--loads', file('garbled.json', '{"LD2": ')]);
    assert.match(garbled.err, /not valid JSON/);
    const unknown = await run(['powerflow', '--network', 'ieee33', '--loads', file('unknown.json', { LX: { pKW: 1 } })]);
    assert.match(unknown.err, /load point "LX" does not exist/);
    const mesh = await run(['powerflow', '--network', 'ieee33', '--states', file('mesh.json', { T33: true })]);
    assert.equal(mesh.code, 2);
    assert.match(mesh.err, /radial network: loop .*"L33"/);
    const heavy = networkModel('ieee33');
    for (const lp of heavy.loadPoints) {
      lp.peakKW *= 8;
      lp.peakKvar! *= 8;
    }
    const nc = await run(['powerflow', file('heavy.json', heavy), '--json']);
    assert.equal(nc.code, 1);
    const doc = JSON.parse(nc.out);
    assert.equal(doc.converged, false);
    assert.equal(typeof doc.mismatchBus, 'string');
    assert.match(doc.error, /at bus "\d+"/);
  });

  it('reconfigure --json prints {open, lossesKW, vMinPu, steps} with the IEEE 33 optimum', async () => {
    const { code, out } = await run(['reconfigure', '--network', 'ieee33', '--json']);
    assert.equal(code, 0);
    const doc = JSON.parse(out);
    assert.deepEqual(Object.keys(doc).slice(0, 4), ['open', 'lossesKW', 'vMinPu', 'steps']);
    assert.deepEqual([...doc.open].sort(), ['L14', 'L32', 'L37', 'L7', 'L9']);
    assert.equal(doc.lossesKW.toFixed(2), '139.55');
    assert.equal(doc.vMinPu.toFixed(5), '0.93782');
    assert.equal(doc.steps.length, 8);
    assert.deepEqual(Object.keys(doc.steps[0]).slice(0, 6), ['step', 'action', 'device', 'section', 'automated', 'reason']);
    assert.equal(doc.start.lossesKW.toFixed(2), '202.68');
  });

  it('reconfigure text output and its options', async () => {
    const { code, out } = await run(['reconfigure', '--network', 'ieee33']);
    assert.equal(code, 0);
    assert.match(out, /open L7, L9, L14, L32, L37/);
    assert.match(out, /losses 139\.55 kW .*present 202\.68 kW: saving 63\.13 kW/);
    assert.match(out, /1\. close T3\d \(L3\d, remote\)/);
    const locked = JSON.parse((await run(['reconfigure', '--network', 'ieee33', '--lock', 'S7', '--restarts', '1', '--json'])).out);
    assert.ok(!locked.open.includes('L7'));
    assert.ok(locked.lossesKW > 139.56);
    const badN = await run(['reconfigure', '--network', 'ieee33', '--restarts=-1']);
    assert.equal(badN.code, 2);
    assert.match(badN.err, /--restarts must be a whole number/);
    const unknownOpt = await run(['reconfigure', '--network', 'ieee33', '--fast']);
    assert.equal(unknownOpt.code, 2);
    assert.match(unknownOpt.err, /Unknown option '--fast'[\s\S]*usage: dms reconfigure/);
  });
});
