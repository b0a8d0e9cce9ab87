/**
 * FDIR end to end in lib terms, over Modbus TCP against the feeder simulator: a modbus-serial client
 * polls every IED unit (input registers, discrete inputs, the command result), the IED reader
 * decodes the blocks into `ied/measurement`s, the fault detector turns them into `fault/event`s,
 * and the FDIR controller's Flex-Write payloads are written back with the same client — what a flow
 * with node-red-contrib-modbus Read and Flex-Write nodes does, without Node-RED's timing in between.
 * Used by test/e2e/fdir-sim.test.ts and bench/fdir.bench.ts.
 */
import path from 'node:path';
import ModbusRTU from 'modbus-serial';
import { FdirController, type FdirControllerOptions, type FdirOutput } from '../../lib/fdir/controller';
import type { FlexWrite } from '../../lib/fdir/field';
import { bindingsFromFeeder } from '../../lib/ied/bindings';
import { IedReader } from '../../lib/ied/reader';
import type { IedMeasurement } from '../../lib/ied/types';
import { loadFeeder, loadFeederFile, type LoadedFeeder } from '../../lib/model/load';
import type { FeederModel } from '../../lib/model/types';
import { FaultDetector, type DetectorOutput } from '../../lib/protection/detector';
import { startSimulator, type SimulatorHandle } from '../../lib/sim/start';
import { withSimulatorIeds } from '../../lib/sim/units';
import type { SimEvent } from '../../lib/sim/event-log';

type Client = InstanceType<typeof ModbusRTU>;

/** The example model shipped for FDIR: RBTS Bus 2 with its main-line disconnects and ties automated, IEDs listed. */
export const RBTS_AUTOMATED_FILE = path.join(__dirname, '..', '..', 'docs', 'models', 'rbts-bus2-automated.json');

export function rbtsWithAutomation(): FeederModel {
  return loadFeederFile(RBTS_AUTOMATED_FILE).model;
}

export interface LoopOptions {
  fdir?: FdirControllerOptions;
  pollMs?: number;
  staleAfterMs?: number;
  /** Called with each fault/event before FDIR gets it (tests change the field at that moment). */
  beforeFaultEvent?: (event: Record<string, unknown>) => void;
}

export interface Logged {
  at: number;
  out: FdirOutput;
}

export class SimFdirLoop {
  readonly feeder: LoadedFeeder;
  readonly reader: IedReader;
  readonly detector: FaultDetector;
  readonly fdir: FdirController;
  /** Units not polled (lost communications). */
  readonly silent = new Set<number>();
  readonly log: Logged[] = [];
  readonly simEvents: SimEvent[] = [];
  readonly writeErrors: string[] = [];
  readonly faultEvents: Array<Record<string, unknown>> = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly units: number[];
  private writes: FlexWrite[] = [];

  private constructor(readonly sim: SimulatorHandle, private readonly client: Client, model: FeederModel, private readonly opts: LoopOptions) {
    this.feeder = loadFeeder(model);
    this.reader = new IedReader(bindingsFromFeeder(model, null), { staleAfterMs: opts.staleAfterMs ?? 2000 });
    this.detector = new FaultDetector({
      feeder: this.feeder,
      // Thresholds for current evidence; the simulator's flags (trip, lockout, passage) carry the rest.
      protection: { elements: [{ kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEC-SI', tms: 0.1 }, { kind: 'inverse', measures: 'earth', pickupA: 40, curve: 'IEC-SI', tms: 0.2 }] },
      reclaimS: 30, maxDeadTimeS: 10, settleS: 0.3,
    });
    this.fdir = new FdirController(this.feeder, opts.fdir);
    this.units = sim.units.map((u) => u.unitId);
  }

  /** Starts a simulator of `model` on a free loopback port and the polling loop. */
  static async start(model: FeederModel, opts: LoopOptions = {}): Promise<SimFdirLoop> {
    const sim = await startSimulator({
      feeder: model, port: 0, logConnections: false,
      // Fast protection and switches so a test runs in seconds: one reclose after 0.3 s, 0.3 s switch travel.
      breakerShots: 1, recloserShots: 1, deadTimesS: [0.3], breakerOperateMs: 50, switchOperateMs: 300,
    });
    const client = new ModbusRTU();
    await client.connectTCP(sim.host, { port: sim.port });
    client.setTimeout(2000);
    const loop = new SimFdirLoop(sim, client, withSimulatorIeds(sim.simulator.model), opts);
    sim.simulator.on('event', (e: SimEvent) => loop.simEvents.push(e));
    loop.running = true;
    loop.loop = loop.run();
    return loop;
  }

  private async run(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 50;
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (err) {
        if (this.running) throw err;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  private async pollOnce(): Promise<void> {
    for (const unit of this.units) {
      if (!this.running) return;
      await this.flushWrites();
      if (this.silent.has(unit)) continue;
      this.client.setID(unit);
      const ir = await this.client.readInputRegisters(0, 40);
      this.ingest({ payload: ir.data, unitId: unit, fc: 4, address: 0, quantity: 40 });
      const di = await this.client.readDiscreteInputs(0, 13);
      this.ingest({ payload: di.data.slice(0, 13), unitId: unit, fc: 2, address: 0, quantity: 13 });
      const hr = await this.client.readHoldingRegisters(0, 2);
      this.ingest({ payload: hr.data, unitId: unit, fc: 3, address: 0, quantity: 2 });
    }
    const now = Date.now();
    for (const m of this.reader.checkStale(now)) this.measurement(m);
    this.detected(this.detector.advance(now));
    this.handle(this.fdir.tick(now));
    await this.flushWrites();
  }

  private ingest(msg: Record<string, unknown>): void {
    const m = this.reader.ingest(msg, Date.now());
    if (m) this.measurement(m);
  }

  private measurement(m: IedMeasurement): void {
    this.detected(this.detector.ingest(m));
    this.handle(this.fdir.measurement(m, Date.now()));
  }

  private detected(out: DetectorOutput[]): void {
    for (const o of out) {
      if (o.topic !== 'fault/event') continue;
      const e = o.payload as unknown as Record<string, unknown>;
      this.faultEvents.push(e);
      this.opts.beforeFaultEvent?.(e);
      this.handle(this.fdir.faultEvent(e, Date.now()));
    }
  }

  private handle(out: FdirOutput[]): void {
    const at = Date.now();
    for (const o of out) {
      this.log.push({ at, out: o });
      if (o.port === 'command') this.writes.push(o.payload as FlexWrite);
    }
  }

  /** Writes the queued commands in order, as a Flex-Write node on the same client would. */
  private async flushWrites(): Promise<void> {
    while (this.writes.length) {
      const w = this.writes.shift()!;
      this.client.setID(w.unitid);
      try {
        if (w.fc === 5) await this.client.writeCoil(w.address, w.value === true);
        else await this.client.writeRegister(w.address, Number(w.value));
      } catch (err) {
        // A refused write surfaces as a Modbus exception (Flex-Write's error path); FDIR learns it from the command result read back.
        this.writeErrors.push(`unit ${w.unitid} ${w.fc === 5 ? 'coil' : 'register'} ${w.address}: ${(err as Error).message}`);
      }
    }
  }

  outputs(topic: string): Array<Record<string, unknown>> {
    return this.log.filter((l) => l.out.topic === topic).map((l) => l.out.payload as Record<string, unknown>);
  }

  /** Resolves when `predicate` holds (checked every 20 ms); rejects naming `what` after `timeoutMs`. */
  async until(predicate: () => boolean, what: string, timeoutMs = 15000): Promise<void> {
    const start = Date.now();
    while (!predicate()) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}; FDIR ${this.fdir.phase}: ${this.fdir.status().text}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop?.catch(() => undefined);
    await new Promise<void>((r) => (this.client.isOpen ? this.client.close(() => r()) : r()));
    await this.sim.close();
  }
}
