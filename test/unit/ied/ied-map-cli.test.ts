import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../lib/cli';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => { out += t + '\n'; }, err: (t) => { err += t + '\n'; } });
  return { code, out, err };
}

describe('dms ied-map', () => {
  it('lists the built-in map', async () => {
    const r = await run(['ied-map', '--json']);
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.out);
    assert.equal(doc.name, 'dms-standard-ied');
    assert.equal(doc.points.length, 42);
    assert.deepEqual(doc.points[0], { address: 0, table: 'inputRegister', name: 'iaA', type: 'float32', scale: 1, offset: 0, unit: 'A', range: [0, 24000], deadband: 2, access: 'read' });
  });
  it('decodes registers: 0x43CE4000 is 412.5 A, pf -950 x 0.001', async () => {
    const r = JSON.parse((await run(['ied-map', '--decode', 'inputRegister:0', '17358,16384', '--json'])).out);
    assert.deepEqual(r.values, { iaA: 412.5 });
    const pf = JSON.parse((await run(['ied-map', 'dms-standard-ied', '--decode', 'inputRegister:24', String(65536 - 950), '--json'])).out);
    assert.equal(pf.values.pf, -0.95);
  });
  it('reports every error of a bad map file and exits 1', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'dms-map-')), 'map.json');
    writeFileSync(file, JSON.stringify({ format: 'dms-register-map/1', name: 'x', points: [
      { name: 'a', table: 'coil', address: 0, type: 'int16' }, { name: 'a', table: 'coil', address: 1, type: 'bool' },
    ] }));
    const r = await run(['ied-map', file]);
    assert.equal(r.code, 1);
    assert.match(r.err, /points\[0\] "a": type "int16" is not possible in the coil table/);
    assert.match(r.err, /points\[1\] "a": name is already used by points\[0\]/);
    assert.equal((await run(['ied-map', '--decode', 'registers:0', '1'])).code, 2);
  });
});
