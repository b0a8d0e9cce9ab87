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

describe('dms trip-time', () => {
  it('prints IEC and IEEE operating times at each current, matching the formulas', async () => {
    const r = await run(['trip-time', '--curve', 'IEC-VI', '--pickup', '400', '--tms', '0.2', '--current', '300,800,4000', '--json']);
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.out);
    assert.deepEqual(doc.rows.map((x: { operateTimeS: number | null }) => x.operateTimeS), [null, (0.2 * 13.5) / (2 - 1), (0.2 * 13.5) / (10 - 1)]);
    const ieee = JSON.parse((await run(['trip-time', '--curve', 'IEEE-EI', '--pickup', '100', '--tms', '2', '--current', '50,500', '--reset', 'dependent', '--json'])).out);
    assert.equal(ieee.rows[0].resetTimeS, (2 * 29.1) / (1 - 0.25));
    assert.equal(ieee.rows[1].operateTimeS, 2 * (28.2 / (25 - 1) + 0.1217));
  });
  it('finds the fastest element of a settings file and exits 1 when nothing operates', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dms-trip-'));
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ elements: [
      { kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEC-SI', tms: 0.1 },
      { kind: 'instantaneous', measures: 'phase', pickupA: 5000 },
      { kind: 'definite', measures: 'earth', pickupA: 50, delayS: 0.3 },
    ] }));
    const r = JSON.parse((await run(['trip-time', '--settings', file, '--current', '2000,6000', '--earth', '100', '--json'])).out);
    assert.deepEqual(r.rows.map((x: { element: { name: string } }) => x.element.name), ['50N-TD', '50P']);
    assert.equal((await run(['trip-time', '--settings', file, '--current', '100', '--earth', '10'])).code, 1);
    writeFileSync(file, JSON.stringify({ elements: [{ kind: 'definite', measures: 'phase', pickupA: -1, delayS: 0.3 }] }));
    const bad = await run(['trip-time', '--settings', file, '--current', '100']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /elements\[0\]: pickupA must be a number above 0 A \(got -1\)/);
  });
  it('rejects bad arguments with the usage', async () => {
    const r = await run(['trip-time', '--curve', 'IEC-XX', '--pickup', '1', '--tms', '1', '--current', '5']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--curve must be one of IEC-SI/);
    assert.equal((await run(['trip-time', '--curve', 'IEC-SI', '--pickup', '0', '--tms', '1', '--current', '5'])).code, 2);
    assert.equal((await run(['trip-time', '--curve', 'IEC-SI', '--pickup', '1', '--tms', '1', '--current', 'x'])).code, 2);
  });
});
