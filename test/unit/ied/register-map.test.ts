import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeToRecord, planBlock } from '../../../lib/ied/block';
import { RegisterImage, encodeValues } from '../../../lib/ied/image';
import { RegisterMapError, builtinMap, builtinMapDoc, compileRegisterMap, resolveRegisterMap } from '../../../lib/ied/register-map';
import type { RegisterMapDoc, RegisterPoint } from '../../../lib/ied/types';

function mapWith(points: Array<Partial<RegisterPoint>>, extra: Partial<RegisterMapDoc> = {}): unknown {
  return { format: 'dms-register-map/1', name: 'test', points, ...extra };
}

function rejects(doc: unknown, pattern: RegExp): void {
  assert.throws(() => compileRegisterMap(doc), (err: unknown) => {
    assert.ok(err instanceof RegisterMapError, `not a RegisterMapError: ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('ied register maps', () => {
  it('compiles the built-in dms-standard-ied map: 40 input registers, 13 discrete inputs, 6 coils, 2 holding registers', () => {
    const m = builtinMap('dms-standard-ied');
    assert.deepEqual(m.extent, {
      coil: { first: 0, last: 5 }, discreteInput: { first: 0, last: 12 }, holdingRegister: { first: 0, last: 1 }, inputRegister: { first: 0, last: 39 },
    });
    assert.equal(planBlock(m, 'inputRegister', 0, 40).points.length, 21);
    // Every measurement name carries its unit, as the message conventions require.
    for (const p of m.points.filter((x) => x.unit && x.unit !== '')) {
      const suffix = { A: 'A', kV: 'KV', kW: 'KW', kvar: 'Kvar', Hz: 'Hz', s: 'S' }[p.unit];
      assert.ok(suffix && p.name.endsWith(suffix), `${p.name} should end with its unit ${p.unit}`);
    }
    assert.ok(m.doc.controls?.open.select === 'selectOpen');
  });

  it('documents every point of the built-in map in docs/ied-reader.md', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'ied-reader.md'), 'utf8');
    for (const p of builtinMapDoc('dms-standard-ied').points) {
      assert.match(doc, new RegExp(`\\| ${p.address} \\| ${p.table} \\| \`${p.name}\``), `${p.name} missing from the map table`);
    }
  });

  it('round-trips every point of the built-in map through encode and decode', () => {
    const m = builtinMap('dms-standard-ied');
    const values = {
      iaA: 412.5, ibA: 398.25, icA: 405.75, inA: 9.5, pKW: -1250, qKvar: 310, pf: -0.97, fHz: 49.98, faultIcA: 5120,
      tripCount: 4294967295, recloseCount: 70000, breakerClosed: true, fpiE: true, reclosingEnabled: true, selectTimeoutS: 30, commandResult: 6,
    };
    const img = encodeValues(m, values);
    const ir = decodeToRecord(m, 'inputRegister', 0, img.read('inputRegister', 0, 40));
    for (const k of ['iaA', 'ibA', 'icA', 'inA', 'pKW', 'qKvar', 'pf', 'fHz', 'faultIcA', 'tripCount', 'recloseCount'] as const) assert.equal(ir[k], values[k], k);
    assert.deepEqual(decodeToRecord(m, 'discreteInput', 0, img.read('discreteInput', 0, 13)).fpiE, true);
    assert.equal(img.get('reclosingEnabled'), true);
    assert.equal(img.get('commandResult'), 6);
  });

  it('scales, offsets and evaluates expressions both ways, merging bit points into one register', () => {
    const m = compileRegisterMap(mapWith([
      { name: 'tempC', table: 'holdingRegister', address: 0, type: 'int16', scale: 0.1, offset: -40, unit: 'C' },
      { name: 'levelPct', table: 'holdingRegister', address: 1, type: 'uint16', expression: 'x / 65535 * 100', inverse: 'y * 65535 / 100' },
      { name: 'flagA', table: 'holdingRegister', address: 2, type: 'bit', bit: 0 },
      { name: 'flagB', table: 'holdingRegister', address: 2, type: 'bit', bit: 15 },
      { name: 'vKV', table: 'inputRegister', address: 0, type: 'float32', wordOrder: 'little' },
    ]));
    const img = encodeValues(m, { tempC: 21.5, levelPct: 50, flagA: true, flagB: true, vKV: 11 });
    assert.deepEqual(img.read('holdingRegister', 0, 3), [615, 32768, 0x8001]);
    assert.deepEqual(img.read('inputRegister', 0, 2), [0, 0x4130]); // 11.0f = 0x41300000, low word first
    const rec = decodeToRecord(m, 'holdingRegister', 0, [615, 32768, 0x8001]);
    assert.equal(rec.tempC, 615 * 0.1 - 40);
    assert.equal(rec.levelPct, (32768 / 65535) * 100);
    assert.equal(rec.flagA, true);
    assert.equal(rec.flagB, true);
    encodeValues(m, { flagA: false }, img);
    assert.deepEqual(img.read('holdingRegister', 2, 1), [0x8000]);
  });

  it('accepts a map as a name, a document or JSON text, and names an unknown built-in', () => {
    assert.equal(resolveRegisterMap('dms-standard-ied').name, 'dms-standard-ied');
    assert.equal(resolveRegisterMap(JSON.stringify(mapWith([{ name: 'x', table: 'coil', address: 0, type: 'bool' }]))).points.length, 1);
    assert.throws(() => resolveRegisterMap('vendor-x'), /unknown register map "vendor-x": built-in maps are dms-standard-ied/);
    assert.throws(() => resolveRegisterMap('{"format": '), /register map is invalid: \(map\): not valid JSON/);
  });

  describe('rejects bad maps naming the point and the field', () => {
    const ok = { name: 'iaA', table: 'inputRegister', address: 0, type: 'float32' } as const;
    it('schema errors: missing fields, wrong enums, unknown fields, wrong types', () => {
      rejects({ format: 'dms-register-map/1', name: 'x', points: [] }, /points must NOT have fewer than 1 items/);
      rejects(mapWith([{ name: 'iaA', table: 'inputRegister', address: 0 }]), /points\[0\] "iaA": type is required/);
      rejects(mapWith([{ ...ok, table: 'analog' as never }]), /points\[0\] "iaA": table must be one of "coil", "discreteInput", "holdingRegister", "inputRegister" \(got "analog"\)/);
      rejects(mapWith([{ ...ok, type: 'float16' as never }]), /points\[0\] "iaA": type must be one of .*\(got "float16"\)/);
      rejects(mapWith([{ ...ok, address: 70000 }]), /points\[0\] "iaA": address must be <= 65535 \(got 70000\)/);
      rejects(mapWith([{ ...ok, scal: 2 } as never]), /points\[0\] "iaA": scal is not a known field/);
      rejects(mapWith([{ ...ok, name: 'i a' }]), /points\[0\] "i a": name must match pattern/);
      rejects(mapWith([{ ...ok, deadband: -1 }]), /points\[0\] "iaA": deadband must be >= 0/);
      rejects({ format: 'dms-register-map/2', name: 'x', points: [ok] }, /format must be "dms-register-map\/1"/);
      rejects(['not', 'a', 'map'], /must be a JSON object \(got an array\)/);
    });
    it('semantic errors: duplicates, overlaps, bits, tables, scaling, expressions, controls', () => {
      rejects(mapWith([ok, { ...ok, address: 2 }]), /points\[1\] "iaA": name is already used by points\[0\]/);
      rejects(mapWith([ok, { name: 'ibA', table: 'inputRegister', address: 1, type: 'uint16' }]), /points\[1\] "ibA": inputRegister 1 is already used by points\[0\] "iaA"/);
      rejects(mapWith([{ name: 'a', table: 'holdingRegister', address: 3, type: 'bit', bit: 2 }, { name: 'b', table: 'holdingRegister', address: 3, type: 'bit', bit: 2 }]), /points\[1\] "b": bit 2 of holdingRegister 3 is already used/);
      rejects(mapWith([{ name: 'a', table: 'holdingRegister', address: 3, type: 'bit', bit: 2 }, { name: 'b', table: 'holdingRegister', address: 3, type: 'uint16' }]), /points\[1\] "b": holdingRegister 3 is already used by bit points/);
      rejects(mapWith([{ name: 'a', table: 'holdingRegister', address: 3, type: 'bit' }]), /points\[0\] "a": bit is required for type "bit"/);
      rejects(mapWith([{ name: 'a', table: 'coil', address: 3, type: 'uint16' }]), /points\[0\] "a": type "uint16" is not possible in the coil table/);
      rejects(mapWith([{ name: 'a', table: 'coil', address: 3, type: 'bool', scale: 2 }]), /points\[0\] "a": scale, offset, expression, range and deadband do not apply to a boolean point/);
      rejects(mapWith([{ ...ok, address: 65535 }]), /points\[0\] "iaA": address 65535 \+ 2 registers runs past 65535/);
      rejects(mapWith([{ ...ok, scale: 0 }]), /points\[0\] "iaA": scale must not be 0/);
      rejects(mapWith([{ ...ok, range: { min: 5, max: 5 } }]), /points\[0\] "iaA": range.min 5 must be below range.max 5/);
      rejects(mapWith([{ ...ok, expression: 'x * k' }]), /points\[0\] "iaA": expression "x \* k" uses unknown symbol "k" \(only x is defined\)/);
      rejects(mapWith([{ ...ok, expression: 'evaluate("1")' }]), /uses unknown symbol "evaluate"/);
      rejects(mapWith([{ ...ok, expression: 'x +' }]), /expression "x \+" does not parse/);
      rejects(mapWith([{ ...ok, expression: 'x', scale: 2 }]), /give either expression or scale\/offset, not both/);
      rejects(mapWith([{ ...ok, access: 'write' }]), /points\[0\] "iaA": access "write" is impossible in the read-only inputRegister table/);
      rejects(mapWith([ok], { controls: { open: { select: 'selOpen', operate: 'iaA' } } }), /controls.open "open": select point "selOpen" is not in the map; controls.open "open": operate point "iaA" is read-only \(inputRegister\)/);
    });
    it('refuses to encode what it cannot', () => {
      const m = compileRegisterMap(mapWith([
        { name: 'a', table: 'holdingRegister', address: 0, type: 'uint16', expression: 'x * 2' },
        { name: 'b', table: 'holdingRegister', address: 1, type: 'uint16', scale: 0.1, unit: 'A' },
      ]));
      assert.throws(() => encodeValues(m, { a: 2 }), /point "a" uses an expression without an inverse/);
      assert.throws(() => encodeValues(m, { b: 7000 }), /point "b" \(uint16, A\): 7000 cannot be encoded: 70000 is not representable as uint16/);
      assert.throws(() => encodeValues(m, { c: 1 }), /point "c" is not in map "test"/);
      assert.throws(() => new RegisterImage(m).read('holdingRegister', 1, 5), /holding registers 1..5 is outside the image/);
    });
  });

  describe('decode plans', () => {
    const m = builtinMap('dms-standard-ied');
    it('names the address and the reason for blocks the map cannot decode', () => {
      assert.throws(() => planBlock(m, 'inputRegister', 0, 50), /input registers 0..49: input register 40 is outside map "dms-standard-ied" \(input registers 0..39\)/);
      assert.throws(() => planBlock(m, 'inputRegister', 1, 4), /input registers 1..4 cuts point "iaA" \(input registers 0..1, float32\)/);
      assert.throws(() => planBlock(m, 'holdingRegister', 5, 1), /holding register 5: holding register 5 is outside map/);
      const sparse = compileRegisterMap(mapWith([{ name: 'a', table: 'holdingRegister', address: 0, type: 'uint16' }, { name: 'b', table: 'holdingRegister', address: 10, type: 'uint16' }]));
      assert.throws(() => planBlock(sparse, 'holdingRegister', 2, 3), /holding registers 2..4: no point of map "test" lies there/);
      assert.throws(() => planBlock(sparse, 'coil', 0, 1), /coil 0: map "test" has no coils/);
    });
    it('decodes a part of the map (P and Q only)', () => {
      const img = encodeValues(m, { pKW: 7420, qKvar: -2390 });
      assert.deepEqual(decodeToRecord(m, 'inputRegister', 20, img.read('inputRegister', 20, 4)), { pKW: 7420, qKvar: -2390 });
    });
  });
});
