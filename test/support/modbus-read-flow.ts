/**
 * A real node-red-contrib-modbus flow against a loopback Modbus TCP server (modbus-serial
 * ServerTCP) serving a `dms-standard-ied` register image: Read nodes for input registers 0..39,
 * discrete inputs 0..12 and coils 0..5, a Read node polling an address the server rejects (with
 * "empty msg on fail"), and a Flex-Getter. Returns the first message of both outputs of each.
 * Used by the node tests and by capture-modbus-read.ts, which saves the fixture.
 */
import type { AddressInfo } from 'node:net';
import { builtinMap } from '../../lib/ied/register-map';
import { encodeValues, RegisterImage } from '../../lib/ied/image';
import type { Value } from '../../lib/ied/types';
import { helper } from './node-red';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ModbusRTU = require('modbus-serial');

export const CAPTURE_UNIT_ID = 7;

/** The engineering values the server serves (a closed feeder breaker carrying about 7.4 MW). */
export const SERVED_VALUES: Record<string, Value> = {
  iaA: 412.5, ibA: 398.25, icA: 405.75, inA: 9.5,
  vanKV: 6.35, vbnKV: 6.34, vcnKV: 6.36, vabKV: 11.0, vbcKV: 10.98, vcaKV: 11.02,
  pKW: 7420, qKvar: 2390, pf: 0.952, fHz: 50.02,
  faultIaA: 0, faultIbA: 0, faultIcA: 0, faultInA: 0,
  tripCount: 12, recloseCount: 9, lockoutCount: 3,
  breakerClosed: true, breakerOpen: false, breakerIntermediate: false, breakerFault: false,
  tripped: false, lockout: false, recloseInProgress: false,
  fpiA: false, fpiB: false, fpiC: false, fpiE: false, remote: true, selectArmed: false,
  selectOpen: false, selectClose: false, operate: false, cancel: false, fpiReset: false, reclosingEnabled: true,
  selectTimeoutS: 30, commandResult: 0,
};

export interface CapturedMessages {
  inputRegisters: [Record<string, unknown>, Record<string, unknown>];
  discreteInputs: [Record<string, unknown>, Record<string, unknown>];
  coils: [Record<string, unknown>, Record<string, unknown>];
  failedRead: [Record<string, unknown>, Record<string, unknown>];
  flexGetter: [Record<string, unknown>, Record<string, unknown>];
}

interface Server { _server: { address(): AddressInfo }; on(ev: string, f: () => void): void; close(cb: () => void): void }

export async function startImageServer(image: RegisterImage): Promise<{ port: number; close: () => Promise<void> }> {
  const illegal = (): never => { throw Object.assign(new Error('Illegal data address'), { modbusErrorCode: 0x02 }); };
  const reg = (arr: Uint16Array) => (addr: number): number => (addr < arr.length ? arr[addr] : illegal());
  const bit = (arr: Uint8Array) => (addr: number): boolean => (addr < arr.length ? arr[addr] === 1 : illegal());
  const server: Server = new ModbusRTU.ServerTCP({
    getInputRegister: reg(image.inputRegister),
    getHoldingRegister: reg(image.holdingRegister),
    getCoil: bit(image.coil),
    getDiscreteInput: bit(image.discreteInput),
  }, { host: '127.0.0.1', port: 0, unitID: CAPTURE_UNIT_ID });
  await new Promise<void>((resolve) => server.on('initialized', resolve));
  return { port: server._server.address().port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** JSON round trip as a debug node or a file would keep the message; Errors keep message and name. */
export function serialise(msg: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(msg, (_k, v) => (v instanceof Error ? { ...v, name: v.name, message: v.message } : v)));
}

export async function captureModbusReadMessages(timeoutMs = 15000): Promise<CapturedMessages> {
  const map = builtinMap('dms-standard-ied');
  const image = encodeValues(map, SERVED_VALUES);
  const server = await startImageServer(image);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const clientNode = require('node-red-contrib-modbus/modbus/modbus-client.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const readNode = require('node-red-contrib-modbus/modbus/modbus-read.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const flexNode = require('node-red-contrib-modbus/modbus/modbus-flex-getter.js');
  const read = (id: string, dataType: string, adr: string, quantity: string, extra: Record<string, unknown> = {}) => ({
    id, type: 'modbus-read', name: `read ${dataType} ${adr}`, topic: '', showStatusActivities: false, logIOActivities: false, showErrors: false,
    unitid: String(CAPTURE_UNIT_ID), dataType, adr, quantity, rate: '1', rateUnit: 's', delayOnStart: false, startDelayTime: '',
    server: 'client', useIOFile: false, ioFile: '', useIOForPayload: false, emptyMsgOnFail: false, wires: [[`${id}-1`], [`${id}-2`]], ...extra,
  });
  const flow = [
    {
      id: 'client', type: 'modbus-client', name: 'feeder IED', clienttype: 'tcp', bufferCommands: true, stateLogEnabled: false,
      queueLogEnabled: false, failureLogEnabled: false, tcpHost: '127.0.0.1', tcpPort: server.port, tcpType: 'DEFAULT',
      unit_id: CAPTURE_UNIT_ID, commandDelay: 1, clientTimeout: 1000, reconnectOnTimeout: true, reconnectTimeout: 2000, parallelUnitIdsAllowed: true,
    },
    read('ir', 'InputRegister', '0', '40'),
    read('di', 'Input', '0', '13'),
    read('co', 'Coil', '0', '6'),
    read('bad', 'InputRegister', '100', '2', { emptyMsgOnFail: true }),
    {
      id: 'flex', type: 'modbus-flex-getter', name: 'flex getter', showStatusActivities: false, showErrors: false, logIOActivities: false,
      server: 'client', useIOFile: false, ioFile: '', useIOForPayload: false, emptyMsgOnFail: false, keepMsgProperties: false,
      wires: [['flex-1'], ['flex-2']],
    },
    ...['ir', 'di', 'co', 'bad', 'flex'].flatMap((id) => [{ id: `${id}-1`, type: 'helper' }, { id: `${id}-2`, type: 'helper' }]),
  ];
  const got: Record<string, Record<string, unknown>> = {};
  try {
    await helper.load([clientNode, readNode, flexNode], flow);
    for (const id of ['ir', 'di', 'co', 'bad', 'flex']) {
      for (const out of ['1', '2']) {
        helper.getNode(`${id}-${out}`).on('input', (m: Record<string, unknown>) => { got[`${id}-${out}`] ??= serialise(m); });
      }
    }
    const start = Date.now();
    let asked = false;
    const wanted = ['ir', 'di', 'co', 'bad', 'flex'].flatMap((id) => [`${id}-1`, `${id}-2`]);
    while (wanted.some((k) => !got[k])) {
      if (Date.now() - start > timeoutMs) throw new Error(`no modbus message on ${wanted.filter((k) => !got[k]).join(', ')} within ${timeoutMs} ms`);
      if (!asked && got['ir-1']) {
        // The client is connected once a poll came back: ask the Flex-Getter for holding registers 0..1.
        helper.getNode('flex').receive({ topic: 'ied/settings', payload: { fc: 3, unitid: CAPTURE_UNIT_ID, address: 0, quantity: 2 } });
        asked = true;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await helper.unload();
    await server.close();
  }
  return {
    inputRegisters: [got['ir-1'], got['ir-2']],
    discreteInputs: [got['di-1'], got['di-2']],
    coils: [got['co-1'], got['co-2']],
    failedRead: [got['bad-1'], got['bad-2']],
    flexGetter: [got['flex-1'], got['flex-2']],
  };
}
