/**
 * What a Modbus read message says: unit id, topic, table, start address, quantity and the data,
 * from any of the shapes flows produce:
 * - node-red-contrib-modbus 5.x Read node, output 1: `payload` = values, `responseBuffer` =
 *   {data, buffer}, `input` = the poll request {topic, from, payload: {unitid, fc, address,
 *   quantity, messageId}, unitId} (unitid/address/quantity are strings from the node config;
 *   `input.unitId` is the unit id the client actually used); output 2: `payload` = {data, buffer},
 *   `values`, `input`.
 * - Getter and Flex-Getter nodes: `payload` = values (output 1) or {data, buffer} (output 2),
 *   `modbusRequest` = {unitid, fc, address, quantity, ...}.
 * - a plain array, a Buffer or a JSON-serialised Buffer ({type: 'Buffer', data: [...]}) in
 *   `payload`, with `msg.unitId`, `msg.fc` (1..4) or `msg.table`, `msg.address`, `msg.quantity`.
 * - a failed read: `msg.error` (emptyMsgOnFail output, or a Catch node message whose payload is
 *   the poll request).
 * Nothing here knows about maps; the reader checks the block against the IED's map.
 */
import { bytesToBits, bytesToRegisters } from './codec';
import type { Table } from './types';

export interface ModbusBlockInput {
  unitId: number | null;
  topic: string | null;
  table: Table | null;
  address: number | null;
  quantity: number | null;
  /** Register values (register tables) or booleans (bit tables); null for failed reads. */
  data: ArrayLike<unknown> | null;
  /** Bits unpacked from bytes: entries past `quantity` are padding to a whole byte. */
  padded: boolean;
  /** Modbus error text of a failed read, else null. */
  error: string | null;
}

const FC_TABLE: Record<number, Table> = { 1: 'coil', 2: 'discreteInput', 3: 'holdingRegister', 4: 'inputRegister' };
const NAMED_TABLE: Record<string, Table> = {
  coil: 'coil', discreteInput: 'discreteInput', holdingRegister: 'holdingRegister', inputRegister: 'inputRegister',
  // node-red-contrib-modbus dataType names ("Input" is its name for discrete inputs)
  Coil: 'coil', Input: 'discreteInput', HoldingRegister: 'holdingRegister', InputRegister: 'inputRegister',
};

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A whole number from a number or numeric string; null for '', NaN, undefined. */
function whole(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (typeof v === 'string' && v !== '') {
    // Number('') is 0 and Number(' 1e2') is 100: only plain digit strings count.
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 && /^\s*\d+\s*$/.test(v) ? n : null;
  }
  return null;
}

function isSerialisedBuffer(v: unknown): v is { type: 'Buffer'; data: number[] } {
  return isRec(v) && v.type === 'Buffer' && Array.isArray(v.data);
}

function tableOf(fc: unknown, table: unknown): Table | null {
  const n = whole(fc);
  if (n !== null) {
    const t = FC_TABLE[n];
    if (!t) throw new Error(`function code ${n} is not a read of a Modbus table (1 coils, 2 discrete inputs, 3 holding registers, 4 input registers)`);
    return t;
  }
  if (typeof table === 'string' && table) {
    const t = Object.prototype.hasOwnProperty.call(NAMED_TABLE, table) ? NAMED_TABLE[table] : undefined;
    if (!t) throw new Error(`table "${table}" is unknown: use coil, discreteInput, holdingRegister or inputRegister (or Coil, Input, HoldingRegister, InputRegister)`);
    return t;
  }
  return null;
}

function errorText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (isRec(e) && typeof e.message === 'string') return e.message;
  if (e instanceof Error) return e.message;
  return JSON.stringify(e) ?? String(e);
}

/** Bytes as a Uint8Array from a Buffer or a JSON-serialised Buffer, checking every byte. */
function bytesOf(v: unknown): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  if (isSerialisedBuffer(v)) {
    v.data.forEach((b, i) => {
      if (!Number.isInteger(b) || b < 0 || b > 255) throw new Error(`serialised Buffer byte ${i} is ${JSON.stringify(b)}, not 0..255`);
    });
    return Uint8Array.from(v.data);
  }
  return null;
}

/** Reads the block description out of a message; throws with the reason when it cannot. */
export function readModbusMessage(msg: Rec): ModbusBlockInput {
  const input = isRec(msg.input) ? msg.input : null;
  const error = msg.error !== undefined && msg.error !== null && msg.error !== '' ? errorText(msg.error) : null;
  // The poll request: Read node -> input.payload; Getter/Flex-Getter -> modbusRequest; Catch node -> payload.
  let request: Rec | null = isRec(msg.modbusRequest) ? msg.modbusRequest : input && isRec(input.payload) ? input.payload : null;
  if (!request && error && isRec(msg.payload) && ('fc' in msg.payload || 'address' in msg.payload)) request = msg.payload;

  const unitId = whole(input?.unitId) ?? whole(request?.unitid) ?? whole(request?.unitId) ?? whole(msg.unitId) ?? whole(msg.unitid);
  if (unitId !== null && (unitId < 0 || unitId > 255)) throw new Error(`unit id ${unitId} is outside 0..255`);
  const topic = typeof msg.topic === 'string' && msg.topic ? msg.topic : typeof input?.topic === 'string' && input.topic ? input.topic : null;
  const table = tableOf(request?.fc ?? msg.fc, msg.table ?? msg.dataType);
  const address = whole(request?.address) ?? whole(msg.address);
  const quantity = whole(request?.quantity) ?? whole(msg.quantity);

  if (error) return { unitId, topic, table, address, quantity, data: null, padded: false, error };

  let data: ArrayLike<unknown> | null = null;
  let bytes: Uint8Array | null = null;
  const p = msg.payload;
  if (Array.isArray(p) && (p.length === 0 || typeof p[0] !== 'object')) data = p;
  else if ((bytes = bytesOf(p))) { /* raw bytes */ }
  else if (isRec(p) && Array.isArray(p.data)) data = p.data; // modbus-serial response {data, buffer} (Read output 2)
  else if (isRec(p) && (bytes = bytesOf(p.buffer))) { /* response without data */ }
  else if (Array.isArray(msg.values)) data = msg.values; // IO-file payloads keep raw values here
  else if (isRec(msg.responseBuffer) && Array.isArray(msg.responseBuffer.data)) data = msg.responseBuffer.data;
  if (!data && !bytes) {
    const shown = p === undefined ? 'missing' : p === '' ? 'an empty string' : Array.isArray(p) ? 'an array of objects' : typeof p;
    throw new Error(`payload is ${shown}: expected register values (array), a Buffer, a serialised Buffer or a modbus read response`);
  }
  let padded = false;
  if (bytes) {
    if (!table) throw new Error('payload is raw bytes but the table is unknown: give msg.fc (1..4) or msg.table');
    if (table === 'coil' || table === 'discreteInput') {
      data = bytesToBits(bytes);
      padded = true;
    } else {
      if (bytes.length % 2 !== 0) throw new Error(`payload has ${bytes.length} bytes: registers need an even number`);
      data = bytesToRegisters(bytes);
    }
  } else if (table === 'coil' || table === 'discreteInput') {
    // modbus-serial returns whole bytes of bits; the read node passes them on unchanged.
    padded = quantity !== null && data!.length > quantity && data!.length - quantity < 8 && data!.length % 8 === 0;
  }
  return { unitId, topic, table, address, quantity, data, padded, error: null };
}
