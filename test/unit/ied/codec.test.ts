import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bitsToBytes, bytesToBits, bytesToRegisters, decodeRaw, encodeRaw, registersToBytes, setBit } from '../../../lib/ied/codec';
import type { DataType, Endian } from '../../../lib/ied/types';

/**
 * Independent reference: Node's Buffer writes the value big-endian ("ABCD"), then the bytes are
 * rearranged by hand into the register order a device would send for each byte/word order.
 */
function referenceRegisters(value: number, type: DataType, byteOrder: Endian, wordOrder: Endian): number[] {
  const size = { int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8 }[type as 'int16'];
  const b = Buffer.alloc(size);
  if (type === 'int16') b.writeInt16BE(value);
  else if (type === 'uint16') b.writeUInt16BE(value);
  else if (type === 'int32') b.writeInt32BE(value);
  else if (type === 'uint32') b.writeUInt32BE(value);
  else if (type === 'float32') b.writeFloatBE(value);
  else b.writeDoubleBE(value);
  const words: number[][] = [];
  for (let i = 0; i < size; i += 2) words.push([b[i], b[i + 1]]);
  if (wordOrder === 'little') words.reverse();
  return words.map(([hi, lo]) => (byteOrder === 'big' ? (hi << 8) | lo : (lo << 8) | hi));
}

const ORDERS: Array<[Endian, Endian, string]> = [['big', 'big', 'ABCD'], ['big', 'little', 'CDAB'], ['little', 'big', 'BADC'], ['little', 'little', 'DCBA']];

describe('ied codec: raw register decoding', () => {
  it('decodes the float32 123.456 in all four byte/word orders (0x42F6E979 = ABCD)', () => {
    // 123.456 as IEEE 754 single is 0x42F6E979; the four orders are the usual vendor variants.
    const expected: Record<string, number[]> = { ABCD: [0x42f6, 0xe979], CDAB: [0xe979, 0x42f6], BADC: [0xf642, 0x79e9], DCBA: [0x79e9, 0xf642] };
    for (const [bo, wo, label] of ORDERS) {
      assert.deepEqual(encodeRaw(123.456, 'float32', bo, wo), expected[label], label);
      assert.equal(decodeRaw(expected[label], 0, 'float32', bo, wo), Math.fround(123.456), label);
    }
  });

  const cases: Array<[DataType, number[]]> = [
    ['int16', [0, 1, -1, 12345, -32768, 32767]],
    ['uint16', [0, 1, 0x8000, 65535, 4242]],
    ['int32', [0, -1, 2147483647, -2147483648, 123456789, -98765]],
    ['uint32', [0, 1, 4294967295, 70000, 0x80000000]],
    ['float32', [0, -0.5, 412.5, Math.fround(6.35), 3.4028234663852886e38, -1.17549435e-38]],
    ['float64', [0, Math.PI, -1e300, 5e-324, 6.35, 123456.789]],
  ];
  for (const [type, values] of cases) {
    for (const [bo, wo, label] of ORDERS) {
      it(`${type} ${label}: matches the Buffer reference both ways`, () => {
        for (const v of values) {
          const ref = referenceRegisters(v, type, bo, wo);
          assert.deepEqual(encodeRaw(v, type, bo, wo), ref, `encode ${v}`);
          const got = decodeRaw([99, ...ref, 99], 1, type, bo, wo);
          assert.ok(Object.is(got, type === 'float32' ? Math.fround(v) : v), `decode ${v}: got ${got}`);
        }
      });
    }
  }

  it('round-trips random values of every type and order (property)', () => {
    const typeArb = fc.constantFrom<DataType>('int16', 'uint16', 'int32', 'uint32', 'float32', 'float64');
    const orderArb = fc.constantFrom(...ORDERS);
    fc.assert(fc.property(typeArb, orderArb, fc.double({ noNaN: true }), fc.integer(), (type, [bo, wo], d, i) => {
      let v: number;
      if (type === 'float32') v = Math.fround(d);
      else if (type === 'float64') v = d;
      else {
        const lim = { int16: [-32768, 32767], uint16: [0, 65535], int32: [-2147483648, 2147483647], uint32: [0, 4294967295] }[type as 'int16'];
        v = lim[0] + (Math.abs(i) % (lim[1] - lim[0] + 1));
      }
      const regs = encodeRaw(v, type, bo, wo);
      assert.deepEqual(regs, referenceRegisters(v, type, bo, wo));
      assert.ok(Object.is(decodeRaw(regs, 0, type, bo, wo), v));
    }), { numRuns: 2000 });
  });

  it('reads bits of a register, bit 0 least significant', () => {
    const w = 0b1010_0000_0000_0101;
    const bits = Array.from({ length: 16 }, (_, b) => decodeRaw([w], 0, 'bit', 'big', 'big', b));
    assert.deepEqual(bits, [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
    assert.equal(setBit(setBit(0, 15, true), 0, true), 0x8001);
    assert.equal(setBit(0xffff, 3, false), 0xfff7);
    assert.equal(decodeRaw([0], 0, 'bool'), 0);
    assert.equal(decodeRaw([0x0100], 0, 'bool'), 1);
  });

  it('refuses integers the type cannot carry', () => {
    assert.throws(() => encodeRaw(65536, 'uint16'), /not representable as uint16/);
    assert.throws(() => encodeRaw(-1, 'uint32'), /not representable as uint32/);
    assert.throws(() => encodeRaw(1.5, 'int16'), /not representable as int16/);
    assert.throws(() => encodeRaw(2147483648, 'int32'), /not representable as int32/);
  });

  it('converts Modbus wire bytes to registers and bits and back', () => {
    assert.deepEqual(bytesToRegisters(Uint8Array.from([0x42, 0xf6, 0xe9, 0x79])), [0x42f6, 0xe979]);
    assert.deepEqual([...registersToBytes([0x42f6, 0xe979])], [0x42, 0xf6, 0xe9, 0x79]);
    // Modbus packs the first coil into the least significant bit of the first byte.
    assert.deepEqual(bytesToBits(Uint8Array.from([0x01, 0x08])).slice(0, 13), [true, false, false, false, false, false, false, false, false, false, false, true, false]);
    assert.deepEqual([...bitsToBytes([true, false, false, false, false, false, false, false, false, false, false, true, false])], [0x01, 0x08]);
  });
});
