/**
 * One Modbus unit served from a register image: reads come straight from the image, writes are
 * checked against the map (address served, point writable, whole multi-register points, value in
 * range) before anything changes, then handed point by point to the unit's handler. The check and
 * the apply are separate so the front end can answer a bad request with an exception before
 * modbus-serial starts writing.
 */
import { decodeRaw } from '../ied/codec';
import { encodeValues, RegisterImage } from '../ied/image';
import { toEngineering, type CompiledMap, type CompiledPoint } from '../ied/register-map';
import type { Table, Value } from '../ied/types';
import { EXCEPTION, fail } from './modbus-exception';

export abstract class ImageUnit {
  readonly image: RegisterImage;
  /** Table -> address -> the point covering it. */
  private readonly pointAt: Record<Table, Map<number, CompiledPoint>>;

  constructor(readonly unitId: number, readonly map: CompiledMap) {
    this.image = new RegisterImage(map);
    this.pointAt = { coil: new Map(), discreteInput: new Map(), holdingRegister: new Map(), inputRegister: new Map() };
    for (const p of map.points) for (let a = p.address; a < p.address + p.words; a++) this.pointAt[p.table].set(a, p);
  }

  /** Engineering values of every point this unit produces (names the map does not have are skipped). */
  abstract values(): Record<string, Value>;

  /** A pulse coil or writable point was written; return false to store the value as written. */
  protected abstract onWrite(p: CompiledPoint, value: Value): boolean;

  /** Called before a read is served (for values that change with time alone). */
  protected beforeRead(): void {}

  /** Re-encodes the image from `values()`. */
  refresh(): void {
    const all = this.values();
    const out: Record<string, Value> = {};
    for (const [name, v] of Object.entries(all)) {
      const p = this.map.byName.get(name);
      if (!p) continue;
      // Integer registers cannot carry NaN (a float can: that is how IEDs flag an invalid value).
      out[name] = typeof v === 'number' && !Number.isFinite(v) && !p.boolean && p.type !== 'float32' && p.type !== 'float64' ? 0 : v;
    }
    encodeValues(this.map, out, this.image);
  }

  tableSize(table: Table): number {
    return this.image[table].length;
  }

  /** 0, or the exception code for a read of `quantity` entries at `address`. */
  checkRead(table: Table, address: number, quantity: number): number {
    return address + quantity <= this.tableSize(table) ? 0 : EXCEPTION.illegalDataAddress;
  }

  readRegisters(table: 'holdingRegister' | 'inputRegister', address: number, quantity: number): number[] {
    if (this.checkRead(table, address, quantity)) fail(EXCEPTION.illegalDataAddress, `${table} ${address}+${quantity} is not served by unit ${this.unitId}`);
    this.beforeRead();
    return Array.from(this.image[table].subarray(address, address + quantity));
  }

  readBit(table: 'coil' | 'discreteInput', address: number): boolean {
    if (address >= this.tableSize(table)) fail(EXCEPTION.illegalDataAddress, `${table} ${address} is not served by unit ${this.unitId}`);
    return this.image[table][address] === 1;
  }

  /** 0, or the exception code for writing `values` (booleans for coils, raw registers for holding registers) at `address`. */
  checkWrite(table: 'coil' | 'holdingRegister', address: number, values: ArrayLike<number | boolean>): number {
    const at = this.pointAt[table];
    for (let k = 0; k < values.length; k++) {
      const p = at.get(address + k);
      if (!p || p.access === 'read') return EXCEPTION.illegalDataAddress;
      // A write must cover multi-register points whole.
      if (p.address < address || p.address + p.words > address + values.length) return EXCEPTION.illegalDataAddress;
    }
    if (table === 'holdingRegister') {
      for (let k = 0; k < values.length;) {
        const p = at.get(address + k)!;
        const v = this.engineering(p, values, k);
        if (!p.boolean && (Number.isNaN(v as number) || (v as number) < p.min || (v as number) > p.max)) return EXCEPTION.illegalDataValue;
        k += p.words;
      }
    }
    return 0;
  }

  /** Applies a write already checked by checkWrite (checks again: vector calls may come without the front end). */
  write(table: 'coil' | 'holdingRegister', address: number, values: ArrayLike<number | boolean>): void {
    const code = this.checkWrite(table, address, values);
    if (code) fail(code, `write of ${values.length} ${table}(s) at ${address} refused by unit ${this.unitId}`);
    const at = this.pointAt[table];
    for (let k = 0; k < values.length;) {
      const p = at.get(address + k)!;
      const v = table === 'coil' ? Boolean(values[k]) : this.engineering(p, values, k);
      if (!this.onWrite(p, v)) {
        for (let j = 0; j < p.words; j++) this.image[table][p.address + j] = Number(values[k + j]);
      }
      k += p.words;
    }
  }

  private engineering(p: CompiledPoint, values: ArrayLike<number | boolean>, k: number): Value {
    const words = Array.from({ length: p.words }, (_, j) => Number(values[k + j]) & 0xffff);
    const raw = decodeRaw(words, 0, p.type, p.byteOrder, p.wordOrder, p.bit);
    return p.boolean ? raw !== 0 : toEngineering(p, raw);
  }
}
