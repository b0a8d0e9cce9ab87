/** `dms fdir` through the dispatcher with captured output. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../lib/cli';
import { RBTS_AUTOMATED_FILE } from '../../support/fdir-sim-loop';

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out, err };
}

describe('dms fdir', function () {
  this.timeout(30000);
  let dir = '';
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'dms-fdir-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--json on IEEE 33 prints the faulted zone, the plan and the customer counts', async () => {
    const r = await run('fdir', '--network', 'ieee33', '--fault', 'L10', '--json');
    assert.equal(r.code, 0);
    assert.equal(r.out.length, 1);
    const d = JSON.parse(r.out[0]) as { faultedZone: string[]; plan: Array<{ device: string; action: string }>; customersInterrupted: number; customersRestored: number; customersOut: number; closedTies: string[]; checkedBy: string };
    assert.deepEqual(d.faultedZone, ['L10']);
    assert.deepEqual(d.plan.map((s) => `${s.action} ${s.device}`), ['open S10', 'open S11', 'close T35']);
    // One customer per load point in IEEE 33: buses 11..18 lose supply, 12..18 come back through T35.
    assert.deepEqual([d.customersInterrupted, d.customersRestored, d.customersOut], [8, 7, 1]);
    assert.deepEqual(d.closedTies, ['T35']);
    assert.equal(d.checkedBy, 'power flow');
  });

  it('prints remote and crew steps; reads indications with a stale one from a file', async () => {
    const r = await run('fdir', RBTS_AUTOMATED_FILE, '--fault', 'L7');
    assert.equal(r.code, 0);
    assert.deepEqual(r.out.slice(2, 6).map((l) => l.trim().split(/\s+/).slice(1, 4).join(' ')), ['REMOTE open DS-7', 'REMOTE open DS-10', 'REMOTE close CB-F1', 'REMOTE close NO-F1F2']);
    assert.match(r.out[6], /customers interrupted 652 \(3645 kW\), restored 641 \(0 after crew work\), out 11 \(1020 kW\) for about 5 h \(repair\)/);
    const ind = path.join(dir, 'ind.json');
    writeFileSync(ind, JSON.stringify({ tripped: 'CB-F1', passage: { 'CB-F1': true, 'DS-4': true, 'DS-7': 'stale', 'DS-10': false } }));
    const s = await run('fdir', RBTS_AUTOMATED_FILE, '--indications', ind, '--json');
    const d = JSON.parse(s.out[0]) as { faultedZone: string[]; widenedThrough: string[] };
    assert.deepEqual(d.faultedZone, ['L4', 'L5', 'L6', 'L7', 'L8', 'L9']);
    assert.deepEqual(d.widenedThrough, ['DS-7']);
  });

  it('refuses bad arguments naming them', async () => {
    const r = await run('fdir', '--network', 'ieee33');
    assert.notEqual(r.code, 0);
    assert.match(r.err.join('\n'), /give --fault SECTION or --indications FILE/);
    const s = await run('fdir', '--network', 'ieee33', '--fault', 'L99');
    assert.notEqual(s.code, 0);
    assert.match(s.err.join('\n'), /fault section "L99" does not exist/);
  });
});
