/**
 * A guard in front of modbus-serial's ServerTCP. ServerTCP parses every frame on a timer and some
 * malformed requests make it read past the end of its buffer (an uncaught RangeError that would
 * end the process), answer quantity errors with exception 04 instead of 03, or write coils one by
 * one before finding a bad address. The guard takes each connection first:
 *
 * - MBAP framing: protocol id must be 0 and the length 2..254 (Modbus Messaging on TCP/IP
 *   Implementation Guide v1.0b, 3.1.3: a PDU is at most 253 bytes). Anything else means the
 *   stream is out of step: the connection is closed, as devices do.
 * - Each complete request goes to `check` (unit served, request length, quantity limits,
 *   addresses, writability, value ranges); a non-zero code is answered here as an exception
 *   response, in order with ServerTCP's own answers. Only requests that pass reach ServerTCP.
 *
 * ServerTCP gets a stand-in socket carrying only these requests and writing to the real socket.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo, Server, Socket } from 'node:net';

export interface GuardHooks {
  /** 0 to pass the request to ServerTCP, or the exception code to answer with. Must not throw. */
  check(unitId: number, pdu: Buffer): number;
  onConnect?(remote: string): void;
  onDisconnect?(remote: string): void;
  onProtocolError?(remote: string, reason: string): void;
}

export interface GuardStats {
  connections: number;
  open: number;
  requests: number;
  responses: number;
  exceptions: number;
  protocolErrors: number;
}

/** Stands in for the socket ServerTCP sees: requests arrive as 'data', answers go to the real socket. */
class SocketProxy extends EventEmitter {
  constructor(private readonly sock: Socket, private readonly stats: GuardStats) {
    super();
  }

  address(): AddressInfo | Record<string, never> {
    return this.sock.address();
  }

  get remoteAddress(): string | undefined {
    return this.sock.remoteAddress;
  }

  get localPort(): number | undefined {
    return this.sock.localPort;
  }

  write(buf: Buffer): boolean {
    // A client that went away mid-request: drop the answer.
    if (this.sock.destroyed || !this.sock.writable) return false;
    this.stats.responses++;
    if (buf.length > 7 && buf[7] & 0x80) this.stats.exceptions++;
    return this.sock.write(buf);
  }

  destroy(): void {
    this.sock.destroy();
  }
}

const MBAP = 7;
const MAX_LENGTH = 254;

function exceptionFrame(request: Buffer, code: number): Buffer {
  const out = Buffer.alloc(9);
  request.copy(out, 0, 0, 2); // transaction id
  out.writeUInt16BE(0, 2);
  out.writeUInt16BE(3, 4);
  out[6] = request[6];
  out[7] = request[7] | 0x80;
  out[8] = code;
  return out;
}

/** Puts the guard between `server` (ServerTCP's net.Server) and its connection handler. */
export function guardConnections(server: Server, hooks: GuardHooks): GuardStats {
  const handlers = server.listeners('connection') as Array<(sock: unknown) => void>;
  if (handlers.length !== 1) throw new Error(`modbus-serial ServerTCP has ${handlers.length} connection handlers where 1 was expected: the installed version is not one this simulator supports`);
  const original = handlers[0];
  server.removeListener('connection', original);
  const stats: GuardStats = { connections: 0, open: 0, requests: 0, responses: 0, exceptions: 0, protocolErrors: 0 };
  server.on('connection', (sock: Socket) => {
    const remote = `${sock.remoteAddress}:${sock.remotePort}`;
    stats.connections++;
    stats.open++;
    sock.setNoDelay(true);
    const proxy = new SocketProxy(sock, stats);
    original.call(server, proxy);
    hooks.onConnect?.(remote);
    let buf: Buffer = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= MBAP) {
        const protocol = buf.readUInt16BE(2);
        const length = buf.readUInt16BE(4);
        if (protocol !== 0 || length < 2 || length > MAX_LENGTH) {
          stats.protocolErrors++;
          hooks.onProtocolError?.(remote, protocol !== 0 ? `protocol id ${protocol} (Modbus is 0)` : `MBAP length ${length} (2..${MAX_LENGTH})`);
          buf = Buffer.alloc(0);
          sock.destroy();
          return;
        }
        if (buf.length < 6 + length) break;
        const frame = Buffer.from(buf.subarray(0, 6 + length));
        buf = buf.subarray(6 + length);
        stats.requests++;
        let code: number;
        try {
          code = hooks.check(frame[6], frame.subarray(7));
        } catch {
          code = 0x04;
        }
        if (code) {
          const answer = exceptionFrame(frame, code);
          // After ServerTCP's answers to earlier requests (it answers on a 0 ms timer too).
          setTimeout(() => proxy.write(answer), 0);
        } else proxy.emit('data', frame);
      }
    });
    sock.on('close', () => {
      stats.open--;
      proxy.emit('close');
      hooks.onDisconnect?.(remote);
    });
    sock.on('error', (err) => proxy.emit('error', err));
  });
  return stats;
}
