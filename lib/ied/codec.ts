/**
 * Raw Modbus register codec: 16-bit registers <-> integers and IEEE 754 floats, with the byte
 * order inside a register and the word order across registers stated per point. One 8-byte
 * scratch view is reused so the decode hot path allocates nothing.
 */
import type { DataType, Endian } from './types';

const scratch = new DataView(new ArrayBuffer(8));

function swapBytes(w: number): number {
  return ((w & 0xff) << 8) | ((w >>> 8) & 0xff);
}

/** Writes `n` registers starting at words[offset] into the scratch view, big-endian, most significant first. */
function load(words: ArrayLike<number>, offset: number, n: number, byteOrder: Endian, wordOrder: Endian): void {
  for (let k = 0; k < n; k++) {
    let w = words[wordOrder === 'big' ? offset + k : offset + n - 1 - k] & 0xffff;
    if (byteOrder === 'little') w = swapBytes(w);
    scratch.setUint16(2 * k, w, false);
  }
}

/** The raw (unscaled) numeric value of a register-table point starting at words[offset]. */
export function decodeRaw(words: ArrayLike<number>, offset: number, type: DataType, byteOrder: Endian = 'big', wordOrder: Endian = 'big', bit = 0): number {
  switch (type) {
    case 'uint16':
      return byteOrder === 'big' ? words[offset] & 0xffff : swapBytes(words[offset] & 0xffff);
    case 'int16': {
      const w = byteOrder === 'big' ? words[offset] & 0xffff : swapBytes(words[offset] & 0xffff);
      return w >= 0x8000 ? w - 0x10000 : w;
    }
    case 'bit':
      // Bits are numbered on the register as transmitted (bit 0 = least significant of the 16-bit value).
      return (words[offset] >>> bit) & 1;
    case 'bool':
      return (words[offset] & 0xffff) !== 0 ? 1 : 0;
    case 'uint32':
      load(words, offset, 2, byteOrder, wordOrder);
      return scratch.getUint32(0, false);
    case 'int32':
      load(words, offset, 2, byteOrder, wordOrder);
      return scratch.getInt32(0, false);
    case 'float32':
      load(words, offset, 2, byteOrder, wordOrder);
      return scratch.getFloat32(0, false);
    case 'float64':
      load(words, offset, 4, byteOrder, wordOrder);
      return scratch.getFloat64(0, false);
  }
}

const INT_LIMITS: Partial<Record<DataType, [number, number]>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};

/** The integer range a data type can carry, or null for floats and bits. */
export function integerLimits(type: DataType): [number, number] | null {
  return INT_LIMITS[type] ?? null;
}

/**
 * Registers (uint16 values, lowest address first) carrying `raw` as `type`. Integers must be
 * representable; floats are rounded to the type's precision. Bits and bools give one register
 * holding the bit (callers merging bits into a shared register use `setBit`).
 */
export function encodeRaw(raw: number, type: DataType, byteOrder: Endian = 'big', wordOrder: Endian = 'big', bit = 0): number[] {
  const limits = INT_LIMITS[type];
  if (limits && (!Number.isInteger(raw) || raw < limits[0] || raw > limits[1])) {
    throw new RangeError(`${raw} is not representable as ${type} (${limits[0]}..${limits[1]})`);
  }
  if (!Number.isFinite(raw) && (type === 'bit' || type === 'bool')) throw new RangeError(`${raw} is not a bit value`);
  let n: number;
  switch (type) {
    case 'bit':
      return [raw ? 1 << bit : 0];
    case 'bool':
      return [raw ? 1 : 0];
    case 'int16':
    case 'uint16':
      scratch.setUint16(0, raw & 0xffff, false);
      n = 1;
      break;
    case 'int32':
      scratch.setInt32(0, raw, false);
      n = 2;
      break;
    case 'uint32':
      scratch.setUint32(0, raw, false);
      n = 2;
      break;
    case 'float32':
      scratch.setFloat32(0, raw, false);
      n = 2;
      break;
    case 'float64':
      scratch.setFloat64(0, raw, false);
      n = 4;
      break;
  }
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    let w = scratch.getUint16(2 * k, false);
    if (byteOrder === 'little') w = swapBytes(w);
    out[wordOrder === 'big' ? k : n - 1 - k] = w;
  }
  return out;
}

/** Register `word` with bit `bit` set to `on`. */
export function setBit(word: number, bit: number, on: boolean): number {
  return on ? (word | (1 << bit)) & 0xffff : word & ~(1 << bit) & 0xffff;
}

/** Modbus register bytes (big-endian on the wire) -> register values. */
export function bytesToRegisters(bytes: Uint8Array): number[] {
  const out = new Array<number>(bytes.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = (bytes[2 * i] << 8) | bytes[2 * i + 1];
  return out;
}

/** Modbus coil/discrete-input bytes (bit 0 of byte 0 = first address) -> booleans. */
export function bytesToBits(bytes: Uint8Array): boolean[] {
  const out = new Array<boolean>(bytes.length * 8);
  for (let i = 0; i < bytes.length; i++) for (let b = 0; b < 8; b++) out[8 * i + b] = ((bytes[i] >>> b) & 1) === 1;
  return out;
}

/** Register values -> Modbus wire bytes (big-endian). */
export function registersToBytes(words: ArrayLike<number>): Buffer {
  const buf = Buffer.alloc(words.length * 2);
  for (let i = 0; i < words.length; i++) buf.writeUInt16BE(words[i] & 0xffff, 2 * i);
  return buf;
}

/** Booleans -> Modbus coil bytes (first bit in the least significant bit of the first byte). */
export function bitsToBytes(bits: ArrayLike<boolean | number>): Buffer {
  const buf = Buffer.alloc(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) buf[i >>> 3] |= 1 << (i & 7);
  return buf;
}
