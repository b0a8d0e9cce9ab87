/**
 * The simulator's Modbus TCP server: modbus-serial's ServerTCP (function codes 1, 2, 3, 4, 5, 6,
 * 15, 16) with one unit per simulated IED plus the control unit, behind the frame guard that
 * checks every request first. Exceptions: 01 function not supported, 02 address not served or
 * not writable, 03 bad quantity, length or value, 04 command refused, 06 switch still travelling,
 * 0B unit id not served (as a gateway answers for a device it does not reach).
 */
import { createServer, type Server } from 'node:net';
import { ServerTCP, type IServiceVector } from 'modbus-serial';
import type { Table } from '../ied/types';
import { guardConnections, type GuardHooks, type GuardStats } from './frame-guard';
import type { ImageUnit } from './image-unit';
import { EXCEPTION, fail } from './modbus-exception';

const READ_TABLE: Record<number, Table> = { 1: 'coil', 2: 'discreteInput', 3: 'holdingRegister', 4: 'inputRegister' };

/** The exception code for a request (0 when it may go to ServerTCP). Exported for tests and the bench. */
export function checkRequest(units: ReadonlyMap<number, ImageUnit>, unitId: number, pdu: Buffer): number {
  const unit = units.get(unitId);
  if (!unit) return EXCEPTION.gatewayTargetFailed;
  const fc = pdu[0];
  switch (fc) {
    case 1: case 2: case 3: case 4: {
      if (pdu.length !== 5) return EXCEPTION.illegalDataValue;
      const address = pdu.readUInt16BE(1);
      const quantity = pdu.readUInt16BE(3);
      if (quantity < 1 || quantity > (fc <= 2 ? 2000 : 125)) return EXCEPTION.illegalDataValue;
      if (address + quantity > 65536) return EXCEPTION.illegalDataAddress;
      return unit.checkRead(READ_TABLE[fc], address, quantity);
    }
    case 5: {
      if (pdu.length !== 5) return EXCEPTION.illegalDataValue;
      const value = pdu.readUInt16BE(3);
      if (value !== 0x0000 && value !== 0xff00) return EXCEPTION.illegalDataValue;
      return unit.checkWrite('coil', pdu.readUInt16BE(1), [value === 0xff00]);
    }
    case 6:
      if (pdu.length !== 5) return EXCEPTION.illegalDataValue;
      return unit.checkWrite('holdingRegister', pdu.readUInt16BE(1), [pdu.readUInt16BE(3)]);
    case 15: {
      if (pdu.length < 6) return EXCEPTION.illegalDataValue;
      const address = pdu.readUInt16BE(1);
      const quantity = pdu.readUInt16BE(3);
      const bytes = pdu[5];
      if (quantity < 1 || quantity > 0x7b0 || bytes !== Math.ceil(quantity / 8) || pdu.length !== 6 + bytes) return EXCEPTION.illegalDataValue;
      if (address + quantity > 65536) return EXCEPTION.illegalDataAddress;
      const bits = Array.from({ length: quantity }, (_, i) => ((pdu[6 + (i >> 3)] >> (i & 7)) & 1) === 1);
      return unit.checkWrite('coil', address, bits);
    }
    case 16: {
      if (pdu.length < 6) return EXCEPTION.illegalDataValue;
      const address = pdu.readUInt16BE(1);
      const quantity = pdu.readUInt16BE(3);
      const bytes = pdu[5];
      if (quantity < 1 || quantity > 0x7b || bytes !== 2 * quantity || pdu.length !== 6 + bytes) return EXCEPTION.illegalDataValue;
      if (address + quantity > 65536) return EXCEPTION.illegalDataAddress;
      const words = Array.from({ length: quantity }, (_, i) => pdu.readUInt16BE(6 + 2 * i));
      return unit.checkWrite('holdingRegister', address, words);
    }
    default:
      // ServerTCP answers 01 (illegal function) for everything else it does not serve.
      return 0;
  }
}

export interface ModbusServerOptions {
  host: string;
  /** 0: any free port (the chosen one is in `port`). */
  port: number;
  /** Connections accepted at once (default 256). */
  maxConnections?: number;
  hooks?: Omit<GuardHooks, 'check'>;
}

/** A free TCP port on `host` (the OS picks it; the listener is closed again). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new Error(`Modbus TCP port ${port} on ${host} is already in use (EADDRINUSE): stop what listens there or choose another --port`);
    case 'EACCES':
      return new Error(`not allowed to listen on port ${port} on ${host} (EACCES): ports below 1024 need privileges; choose --port 5020 or above`);
    case 'EADDRNOTAVAIL':
      return new Error(`cannot listen on ${host}:${port} (EADDRNOTAVAIL): ${host} is not an address of this machine`);
    default:
      return new Error(`cannot listen on ${host}:${port}: ${err.message}`);
  }
}

export class SimModbusServer {
  private constructor(
    private readonly server: ServerTCP,
    readonly host: string,
    readonly port: number,
    readonly stats: GuardStats,
  ) {}

  /** Starts serving `units` (unit id -> unit); rejects with a clear error when the port cannot be used. */
  static async start(units: ReadonlyMap<number, ImageUnit>, opts: ModbusServerOptions): Promise<SimModbusServer> {
    const attempts = opts.port === 0 ? 5 : 1;
    let lastError: Error | null = null;
    for (let k = 0; k < attempts; k++) {
      let port = opts.port;
      if (port === 0) {
        try {
          port = await freePort(opts.host);
        } catch (err) {
          throw listenError(err as NodeJS.ErrnoException, opts.host, 0);
        }
      }
      try {
        return await SimModbusServer.listen(units, opts, port);
      } catch (err) {
        lastError = err as Error;
        // A port found free a moment ago may be taken by someone else meanwhile: try another.
        if (!(opts.port === 0 && (err as { code?: string }).code === 'EADDRINUSE')) break;
      }
    }
    throw lastError ?? new Error('Modbus TCP server did not start');
  }

  private static listen(units: ReadonlyMap<number, ImageUnit>, opts: ModbusServerOptions, port: number): Promise<SimModbusServer> {
    const unitOf = (id: number): ImageUnit => units.get(id) ?? fail(EXCEPTION.gatewayTargetFailed, `unit ${id} is not served`);
    const vector: IServiceVector = {
      getCoil: (addr: number, unit: number) => unitOf(unit).readBit('coil', addr),
      getDiscreteInput: (addr: number, unit: number) => unitOf(unit).readBit('discreteInput', addr),
      getInputRegister: (addr: number, unit: number) => unitOf(unit).readRegisters('inputRegister', addr, 1)[0],
      getMultipleInputRegisters: (addr: number, length: number, unit: number) => unitOf(unit).readRegisters('inputRegister', addr, length),
      getHoldingRegister: (addr: number, unit: number) => unitOf(unit).readRegisters('holdingRegister', addr, 1)[0],
      getMultipleHoldingRegisters: (addr: number, length: number, unit: number) => unitOf(unit).readRegisters('holdingRegister', addr, length),
      setCoil: (addr: number, value: boolean, unit: number) => { unitOf(unit).write('coil', addr, [value]); },
      setRegister: (addr: number, value: number, unit: number) => { unitOf(unit).write('holdingRegister', addr, [value]); },
      setRegisterArray: (addr: number, values: number[], unit: number) => { unitOf(unit).write('holdingRegister', addr, values); },
    };
    return new Promise((resolve, reject) => {
      const server = new ServerTCP(vector, { host: opts.host, port });
      const net = (server as unknown as { _server?: Server })._server;
      if (!net) {
        reject(new Error('modbus-serial ServerTCP exposes no _server: the installed version is not one this simulator supports'));
        return;
      }
      net.maxConnections = opts.maxConnections ?? 256;
      const stats = guardConnections(net, { ...opts.hooks, check: (unitId, pdu) => checkRequest(units, unitId, pdu) });
      const onError = (err: NodeJS.ErrnoException): void => {
        server.removeListener('initialized', onReady);
        server.close(() => undefined);
        reject(Object.assign(listenError(err, opts.host, port), { code: err.code }));
      };
      const onReady = (): void => {
        server.removeListener('serverError', onError);
        // Later server errors (rare once listening) must not end the process.
        server.on('serverError', () => undefined);
        server.on('socketError', () => undefined);
        const actual = (net.address() as { port: number } | null)?.port ?? port;
        resolve(new SimModbusServer(server, opts.host, actual, stats));
      };
      server.once('serverError', onError);
      server.once('initialized', onReady);
    });
  }

  /** Stops listening and drops every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
