/**
 * Decoding one Modbus read (a block of consecutive registers or bits of one table) against a
 * compiled map. The points a block carries are worked out once per (table, address, quantity) and
 * cached on the map, so the per-message work is the raw decode and scaling only.
 */
import { decodeRaw } from './codec';
import { toEngineering, type CompiledMap, type CompiledPoint } from './register-map';
import type { Table, Value } from './types';

export interface DecodePlan {
  table: Table;
  address: number;
  quantity: number;
  points: CompiledPoint[];
  /** Offset of each point's first register/bit inside the block. */
  offsets: Int32Array;
}

const TABLE_WORD: Record<Table, string> = {
  coil: 'coil',
  discreteInput: 'discrete input',
  holdingRegister: 'holding register',
  inputRegister: 'input register',
};

/** "input registers 10..19" / "coil 4". */
export function describeRange(table: Table, address: number, count: number): string {
  return count <= 1 ? `${TABLE_WORD[table]} ${address}` : `${TABLE_WORD[table]}s ${address}..${address + count - 1}`;
}

/** Which points a block of `quantity` registers/bits at `address` carries; throws naming the address and reason. */
const TABLE_NO: Record<Table, number> = { coil: 0, discreteInput: 1, holdingRegister: 2, inputRegister: 3 };

export function planBlock(map: CompiledMap, table: Table, address: number, quantity: number): DecodePlan {
  // A numeric key (table, 16-bit address, quantity) keeps the per-message lookup free of string building.
  const key = (TABLE_NO[table] * 65536 + address) * 131072 + quantity;
  const cached = map.plans.get(key) as DecodePlan | undefined;
  if (cached && cached.address === address && cached.quantity === quantity) return cached;
  if (!Number.isInteger(address) || address < 0 || address > 65535) throw new Error(`start address ${address} is not a Modbus address (0..65535)`);
  if (!Number.isInteger(quantity) || quantity < 1) throw new Error(`quantity ${quantity} is not a positive whole number`);
  const ext = map.extent[table];
  const end = address + quantity - 1;
  if (!ext) throw new Error(`${describeRange(table, address, quantity)}: map "${map.name}" has no ${TABLE_WORD[table]}s`);
  if (address < ext.first || end > ext.last) {
    const outside = address < ext.first ? address : Math.max(address, ext.last + 1);
    throw new Error(`${describeRange(table, address, quantity)}: ${TABLE_WORD[table]} ${outside} is outside map "${map.name}" (${describeRange(table, ext.first, ext.last - ext.first + 1)})`);
  }
  const points: CompiledPoint[] = [];
  for (const p of map.byTable[table]) {
    const pEnd = p.address + p.words - 1;
    if (pEnd < address || p.address > end) continue;
    if (p.address < address || pEnd > end) {
      throw new Error(`${describeRange(table, address, quantity)} cuts point "${p.name}" (${describeRange(table, p.address, p.words)}, ${p.type})`);
    }
    points.push(p);
  }
  if (points.length === 0) throw new Error(`${describeRange(table, address, quantity)}: no point of map "${map.name}" lies there`);
  const plan: DecodePlan = { table, address, quantity, points, offsets: Int32Array.from(points, (p) => p.address - address) };
  map.plans.set(key, plan);
  return plan;
}

/**
 * Decodes `data` (exactly plan.quantity entries: register values for register tables, booleans or
 * 0/1 for bit tables) into `out[i]` for plan.points[i]. Throws naming the address of a bad entry.
 */
export function decodeBlock(plan: DecodePlan, data: ArrayLike<unknown>, out: Value[]): void {
  const { points, offsets, table, address } = plan;
  if (table === 'coil' || table === 'discreteInput') {
    for (let i = 0; i < points.length; i++) {
      const v = data[offsets[i]];
      if (v === true || v === 1) out[i] = true;
      else if (v === false || v === 0) out[i] = false;
      else throw new Error(`${TABLE_WORD[table]} ${address + offsets[i]} holds ${JSON.stringify(v) ?? String(v)}, not a bit (true/false or 0/1)`);
    }
    return;
  }
  const words = data as ArrayLike<number>;
  for (let k = 0; k < plan.quantity; k++) {
    const w = words[k];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < -0x8000 || w > 0xffff) {
      throw new Error(`${TABLE_WORD[table]} ${address + k} holds ${JSON.stringify(w) ?? String(w)}, not a 16-bit register value`);
    }
  }
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const raw = decodeRaw(words, offsets[i], p.type, p.byteOrder, p.wordOrder, p.bit);
    if (p.boolean) {
      out[i] = raw !== 0;
      continue;
    }
    const v = toEngineering(p, raw);
    // NaN/Infinity (an IED's "invalid" float) pass through: the reader marks them out-of-range.
    if (typeof v !== 'number') {
      throw new Error(`point "${p.name}" at ${describeRange(table, p.address, p.words)}: raw value ${raw} gives ${String(v)}, not a number`);
    }
    out[i] = v;
  }
}

/** Convenience: decode a block into a name -> value record. */
export function decodeToRecord(map: CompiledMap, table: Table, address: number, data: ArrayLike<unknown>): Record<string, Value> {
  const plan = planBlock(map, table, address, data.length);
  const out = new Array<Value>(plan.points.length);
  decodeBlock(plan, data, out);
  const rec: Record<string, Value> = {};
  plan.points.forEach((p, i) => { rec[p.name] = out[i]; });
  return rec;
}
