/**
 * Modbus TCP clients for the simulator tests: modbus-serial's ModbusRTU (as users would connect)
 * and a raw client that sends exact frames and returns exact answers (for exception codes and
 * malformed requests).
 */
import { Socket } from 'node:net';
import ModbusRTU from 'modbus-serial';
import { decodeToRecord } from '../../../lib/ied/block';
import type { CompiledMap } from '../../../lib/ied/register-map';
import type { Table, Value } from '../../../lib/ied/types';

export type Client = InstanceType<typeof ModbusRTU>;

export async function connect(port: number, unitId: number, timeoutMs = 3000): Promise<Client> {
  const c = new ModbusRTU();
  await c.connectTCP('127.0.0.1', { port });
  c.setID(unitId);
  c.setTimeout(timeoutMs);
  return c;
}

export function disconnect(c: Client): Promise<void> {
  return new Promise((resolve) => (c.isOpen ? c.close(() => resolve()) : resolve()));
}

/** Reads every table of `map` from the current unit and decodes it with the IED reader's decoder. */
export async function readAll(c: Client, map: CompiledMap): Promise<Record<string, Value>> {
  const out: Record<string, Value> = {};
  const tables: Table[] = ['inputRegister', 'discreteInput', 'coil', 'holdingRegister'];
  for (const t of tables) {
    const ext = map.extent[t];
    if (!ext) continue;
    const n = ext.last - ext.first + 1;
    const data: ArrayLike<unknown> =
      t === 'inputRegister' ? (await c.readInputRegisters(ext.first, n)).data
        : t === 'holdingRegister' ? (await c.readHoldingRegisters(ext.first, n)).data
          : t === 'coil' ? (await c.readCoils(ext.first, n)).data.slice(0, n)
            : (await c.readDiscreteInputs(ext.first, n)).data.slice(0, n);
    Object.assign(out, decodeToRecord(map, t, ext.first, data));
  }
  return out;
}

/** The Modbus exception code of a rejected promise (modbus-serial puts it in `modbusCode`). */
export async function exceptionOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    const code = (err as { modbusCode?: number }).modbusCode;
    if (code === undefined) throw err;
    return code;
  }
  throw new Error('expected a Modbus exception, the request succeeded');
}

/** Sends MBAP frames and collects the answers by transaction id. */
export class RawClient {
  private readonly sock = new Socket();
  private buf = Buffer.alloc(0);
  private tid = 1;
  private readonly waiting = new Map<number, (pdu: Buffer) => void>();
  closed = false;

  static async open(port: number): Promise<RawClient> {
    const c = new RawClient();
    await new Promise<void>((resolve, reject) => {
      c.sock.once('error', reject);
      c.sock.connect(port, '127.0.0.1', () => resolve());
    });
    c.sock.on('error', () => undefined);
    c.sock.on('close', () => { c.closed = true; });
    c.sock.on('data', (chunk: Buffer) => {
      c.buf = Buffer.concat([c.buf, chunk]);
      while (c.buf.length >= 6 && c.buf.length >= 6 + c.buf.readUInt16BE(4)) {
        const len = c.buf.readUInt16BE(4);
        const tid = c.buf.readUInt16BE(0);
        const pdu = c.buf.subarray(7, 6 + len);
        c.buf = c.buf.subarray(6 + len);
        c.waiting.get(tid)?.(Buffer.from(pdu));
        c.waiting.delete(tid);
      }
    });
    return c;
  }

  /** Sends one request (unit id + PDU) and resolves with the answer's PDU (function code first). */
  request(unitId: number, pdu: Buffer | number[], timeoutMs = 3000): Promise<Buffer> {
    const body = Buffer.from(pdu);
    const tid = this.tid++ & 0xffff;
    const frame = Buffer.alloc(7 + body.length);
    frame.writeUInt16BE(tid, 0);
    frame.writeUInt16BE(0, 2);
    frame.writeUInt16BE(body.length + 1, 4);
    frame[6] = unitId;
    body.copy(frame, 7);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting.delete(tid);
        reject(new Error(`no answer to ${frame.toString('hex')} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(tid, (answer) => {
        clearTimeout(t);
        resolve(answer);
      });
      this.sock.write(frame);
    });
  }

  writeRaw(bytes: Buffer): void {
    this.sock.write(bytes);
  }

  /** Resolves when the server has closed the connection. */
  whenClosed(timeoutMs = 3000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the server kept the connection open')), timeoutMs);
      this.sock.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  destroy(): void {
    this.sock.destroy();
  }
}

/** PDU helpers. */
export const pdu = {
  read: (fc: 1 | 2 | 3 | 4, address: number, quantity: number): number[] => [fc, address >> 8, address & 0xff, quantity >> 8, quantity & 0xff],
  writeCoil: (address: number, raw: number): number[] => [5, address >> 8, address & 0xff, raw >> 8, raw & 0xff],
  writeRegister: (address: number, value: number): number[] => [6, address >> 8, address & 0xff, value >> 8, value & 0xff],
  writeRegisters: (address: number, values: number[]): number[] => [16, address >> 8, address & 0xff, 0, values.length, values.length * 2, ...values.flatMap((v) => [v >> 8, v & 0xff])],
};
