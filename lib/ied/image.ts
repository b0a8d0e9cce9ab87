/**
 * Encoding: the inverse of decoding. A `RegisterImage` holds the four tables of one IED as a
 * server would expose them; `encodeValues` writes engineering values into it through the map
 * (scale/offset or inverse expression, byte and word order, bits merged into shared registers).
 * The feeder simulator serves such images; tests build reads from them.
 */
import { describeRange } from './block';
import { decodeRaw, encodeRaw, setBit } from './codec';
import { toEngineering, toRaw, type CompiledMap, type CompiledPoint } from './register-map';
import type { Table, Value } from './types';

export class RegisterImage {
  readonly coil: Uint8Array;
  readonly discreteInput: Uint8Array;
  readonly holdingRegister: Uint16Array;
  readonly inputRegister: Uint16Array;

  /** Tables sized to hold every point of `map` (addresses 0 .. last used). */
  constructor(readonly map: CompiledMap) {
    const size = (t: Table): number => (map.extent[t] ? map.extent[t]!.last + 1 : 0);
    this.coil = new Uint8Array(size('coil'));
    this.discreteInput = new Uint8Array(size('discreteInput'));
    this.holdingRegister = new Uint16Array(size('holdingRegister'));
    this.inputRegister = new Uint16Array(size('inputRegister'));
  }

  private table(t: Table): Uint8Array | Uint16Array {
    return this[t];
  }

  /** What a Modbus read of `quantity` entries at `address` returns: numbers for registers, booleans for bits. */
  read(table: Table, address: number, quantity: number): number[] | boolean[] {
    const arr = this.table(table);
    if (!Number.isInteger(address) || !Number.isInteger(quantity) || quantity < 1 || address < 0 || address + quantity > arr.length) {
      throw new RangeError(`${describeRange(table, address, quantity)} is outside the image of map "${this.map.name}" (${arr.length} ${table} entries)`);
    }
    const slice = Array.from(arr.subarray(address, address + quantity));
    return table === 'coil' || table === 'discreteInput' ? slice.map((v) => v !== 0) : slice;
  }

  /** Writes raw registers or bits as a Modbus write would. */
  write(table: Table, address: number, values: ArrayLike<number | boolean>): void {
    const arr = this.table(table);
    if (address < 0 || address + values.length > arr.length) {
      throw new RangeError(`${describeRange(table, address, values.length)} is outside the image of map "${this.map.name}"`);
    }
    for (let i = 0; i < values.length; i++) arr[address + i] = typeof values[i] === 'boolean' ? (values[i] ? 1 : 0) : (values[i] as number);
  }

  /** The engineering value of one point as the image holds it now. */
  get(name: string): Value {
    const p = this.map.byName.get(name);
    if (!p) throw new Error(`point "${name}" is not in map "${this.map.name}"`);
    const data = this.read(p.table, p.address, p.words);
    return decodeOne(p, data);
  }
}

function decodeOne(p: CompiledPoint, data: number[] | boolean[]): Value {
  if (p.table === 'coil' || p.table === 'discreteInput') return data[0] as boolean;
  const raw = decodeRaw(data as number[], 0, p.type, p.byteOrder, p.wordOrder, p.bit);
  return p.boolean ? raw !== 0 : toEngineering(p, raw);
}

/** The registers (or single bit) that carry `value` for point `p`; bit points give the bit state. */
export function encodePoint(p: CompiledPoint, value: Value): number[] {
  if (p.boolean) {
    if (typeof value !== 'boolean' && value !== 0 && value !== 1) throw new TypeError(`point "${p.name}" is boolean; got ${JSON.stringify(value)}`);
    return [value ? 1 : 0];
  }
  // Floats may carry NaN/Infinity (how IEDs flag an invalid measurement); integers may not.
  const isFloat = p.type === 'float32' || p.type === 'float64';
  if (typeof value !== 'number' || (!isFloat && !Number.isFinite(value))) throw new TypeError(`point "${p.name}" needs a finite number; got ${JSON.stringify(value)}`);
  try {
    return encodeRaw(toRaw(p, value), p.type, p.byteOrder, p.wordOrder);
  } catch (err) {
    throw new RangeError(`point "${p.name}" (${p.type}${p.unit ? ', ' + p.unit : ''}): ${value} cannot be encoded: ${(err as Error).message}`);
  }
}

/** Writes engineering values by point name into `image` (created when absent) and returns it. */
export function encodeValues(map: CompiledMap, values: Record<string, Value>, image: RegisterImage = new RegisterImage(map)): RegisterImage {
  for (const [name, value] of Object.entries(values)) {
    const p = map.byName.get(name);
    if (!p) throw new Error(`point "${name}" is not in map "${map.name}"`);
    const regs = encodePoint(p, value);
    if (p.table === 'coil' || p.table === 'discreteInput') image[p.table][p.address] = regs[0];
    else if (p.type === 'bit') image[p.table][p.address] = setBit(image[p.table][p.address], p.bit, regs[0] === 1);
    else image[p.table].set(regs, p.address);
  }
  return image;
}
