/**
 * `startSimulator`: a simulated feeder served over Modbus TCP, in one call, for `dms sim`, the demo
 * and end-to-end tests. Loopback (127.0.0.1) by default; port 0 takes any free port.
 */
import type { LoadedFeeder } from '../model/load';
import type { FeederModel } from '../model/types';
import { ControlUnit } from './control-unit';
import { EventLog, type SimEvent } from './event-log';
import { FeederSimulator, type SimulatorSnapshot } from './feeder-sim';
import type { GuardStats } from './frame-guard';
import type { ImageUnit } from './image-unit';
import { SimModbusServer } from './modbus-server';
import type { FaultSpec, SimulatorOptions } from './settings';
import { SIM_CONTROL_UNIT_ID } from './units';

export const DEFAULT_SIM_HOST = '127.0.0.1';
export const DEFAULT_SIM_PORT = 5020;

export interface StartSimulatorOptions extends SimulatorOptions {
  feeder: LoadedFeeder | FeederModel;
  host?: string;
  /** Default 5020; 0 = any free port (see the handle's `port`). */
  port?: number;
  /** JSON-lines event log (appended). */
  log?: string;
  /** Unit id of the control unit (default 247). */
  controlUnitId?: number;
  /** Faults injected once the server listens. */
  faults?: FaultSpec[];
  /** Called with every event (also written to `log`). */
  onEvent?: (event: SimEvent) => void;
  /** Log client connections and disconnections (default true). */
  logConnections?: boolean;
  maxConnections?: number;
}

export interface SimUnitInfo {
  unitId: number;
  ied: string;
  device: string | null;
  deviceType: string | null;
  section: string;
  registerMap: string;
}

export interface SimulatorHandle {
  host: string;
  port: number;
  controlUnitId: number;
  /** The served IEDs in unit-id order. */
  units: SimUnitInfo[];
  simulator: FeederSimulator;
  stats: GuardStats;
  inject(spec: FaultSpec): string;
  repair(sectionOrFault: string): string[];
  repairAll(): string[];
  reset(): void;
  setLoadScale(scale: number): void;
  /** Operates a device directly (as a crew would on site); false when it is already in position. */
  operate(device: string, close: boolean): boolean;
  /** Local/remote switch of an IED. */
  setRemote(ied: string, remote: boolean): void;
  state(): SimulatorSnapshot;
  close(): Promise<void>;
}

/** The unit-id table of a running simulator (or of `FeederSimulator.ieds`). */
export function unitTable(sim: FeederSimulator): SimUnitInfo[] {
  return sim.ieds
    .map((i) => ({
      unitId: i.unitId,
      ied: i.spec.id,
      device: i.spec.device ?? null,
      deviceType: i.device >= 0 ? sim.model.devices[i.device].type : null,
      section: sim.model.sections[i.section].id,
      registerMap: i.map.name,
    }))
    .sort((a, b) => a.unitId - b.unitId);
}

export async function startSimulator(opts: StartSimulatorOptions): Promise<SimulatorHandle> {
  const host = opts.host ?? DEFAULT_SIM_HOST;
  const port = opts.port ?? DEFAULT_SIM_PORT;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new Error(`port must be 0..65535 (got ${JSON.stringify(opts.port)})`);
  const controlUnitId = opts.controlUnitId ?? SIM_CONTROL_UNIT_ID;
  if (!(Number.isInteger(controlUnitId) && controlUnitId >= 1 && controlUnitId <= 247)) throw new Error(`controlUnitId must be 1..247 (got ${JSON.stringify(opts.controlUnitId)})`);
  const log = opts.log ? new EventLog(opts.log) : null;
  let sim: FeederSimulator | null = null;
  try {
    sim = new FeederSimulator(opts.feeder, { ...opts, controlUnitId });
    const s = sim;
    s.on('event', (ev: SimEvent) => {
      log?.write(ev);
      opts.onEvent?.(ev);
    });
    const control = new ControlUnit(s, controlUnitId);
    s.on('images', () => control.refresh());
    const units = new Map<number, ImageUnit>();
    for (const ied of s.ieds) units.set(ied.unitId, ied);
    units.set(controlUnitId, control);
    const connections = opts.logConnections ?? true;
    const server = await SimModbusServer.start(units, {
      host, port, maxConnections: opts.maxConnections,
      hooks: {
        onConnect: connections ? (remote) => s.emitEvent('connect', { remote }) : undefined,
        onDisconnect: connections ? (remote) => s.emitEvent('disconnect', { remote }) : undefined,
        onProtocolError: (remote, reason) => s.emitEvent('protocol-error', { remote, reason, action: 'connection closed' }),
      },
    });
    const table = unitTable(s);
    s.emitEvent('start', {
      feeder: s.model.name ?? null, host, port: server.port, controlUnitId, units: table.map((u) => ({ unitId: u.unitId, ied: u.ied, device: u.device })),
      defaultedImpedance: s.defaultedSections.length,
    });
    try {
      for (const f of opts.faults ?? []) s.inject(f);
    } catch (err) {
      await server.close();
      throw err;
    }
    let closing: Promise<void> | null = null;
    return {
      host, port: server.port, controlUnitId, units: table, simulator: s, stats: server.stats,
      inject: (spec) => s.inject(spec),
      repair: (target) => s.repair(target),
      repairAll: () => s.repairAll(),
      reset: () => s.reset(),
      setLoadScale: (k) => s.setLoadScale(k),
      operate: (device, close) => s.operate(s.deviceIndexOf(device), close, 'direct'),
      setRemote: (ied, remote) => s.iedById(ied).setRemote(remote),
      state: () => s.snapshot(),
      close: () => {
        closing ??= (async () => {
          await server.close();
          s.emitEvent('stop', { requests: server.stats.requests, connections: server.stats.connections });
          s.close();
          log?.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    sim?.close();
    log?.close();
    throw err;
  }
}
