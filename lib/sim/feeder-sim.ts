/**
 * The quasi-static feeder simulation: loads (basis × scale × optional daily profile), a power flow
 * after every change of switch state or load, switching devices that travel for an operating time,
 * and protection: an injected fault draws the current of a symmetrical-component short-circuit
 * calculation along its path from the source; every protective device on the path times on its
 * relay curve (lib/protection; a fuse on an extremely inverse curve) and the fastest one trips.
 * Breakers and reclosers reclose after their dead times and lock out when the shots run out; a
 * transient fault disappears when its section loses voltage, a permanent one stays until repaired.
 * IEDs whose device carried fault current above their pickup latch fault passage flags.
 *
 * Closed loops (a tie closed before another device opens) are solved for currents by the
 * compensation method (lib/powerflow solveMeshed); voltages, power factors and fault paths then
 * come from the radial network with the most recently closed device of each loop taken as open.
 */
import { EventEmitter } from 'node:events';
import { FeederIndex } from '../model/feeder-index';
import type { LoadedFeeder } from '../model/load';
import { loadFeeder } from '../model/load';
import { MeshError, Topology } from '../model/topology';
import type { FeederModel } from '../model/types';
import { PowerFlowError } from '../powerflow/errors';
import { buildLoads, type LoadVector } from '../powerflow/loads';
import { PowerFlowNetwork } from '../powerflow/network';
import { describeSolution, solveState } from '../powerflow/solve';
import { fastestElement } from '../protection/settings';
import { RealClock, type SimClock, type TimerHandle } from './clock';
import type { SimEvent } from './event-log';
import { deviceStates, type DeviceState } from './devices';
import { FlowSolution } from './flow';
import { faultPath, feedingBus, sequencePower, type FaultNetwork } from './fault-path';
import { SimIed } from './ied-unit';
import { busVoltages, cx, faultCurrents, sourceImpedance, type Complex } from './short-circuit';
import {
  checkOptions, FAULT_KIND_ALIASES, profileAt, SIM_DEFAULTS,
  type FaultKind, type FaultSpec, type PhaseName, type SimulatorOptions,
} from './settings';
import { SIM_CONTROL_UNIT_ID, simulatorIeds } from './units';

export type { DeviceState };

const SQRT3 = Math.sqrt(3);

export interface FaultState {
  id: string;
  section: string;
  sectionIndex: number;
  type: FaultKind;
  impedanceOhm: number;
  permanent: boolean;
  position: number;
  phase: PhaseName;
  injectedAt: number;
  energised: boolean;
  /** Protective device that cleared it last (null while it burns or when none picked up). */
  clearedBy: string | null;
  undetectedReported: boolean;
  /** Fault current at the fault point while energised (A per phase A, B, C, and residual). */
  currentA: [number, number, number] | null;
  residualA: number | null;
}

/** What an IED measures now (engineering units). */
export interface IedReading {
  /** Position of its device: closed / open / travelling; null for a line sensor (no device). */
  position: 'closed' | 'open' | 'travelling' | null;
  phaseA: [number, number, number];
  residualA: number;
  phaseKV: [number, number, number];
  lineKV: [number, number, number];
  pKW: number;
  qKvar: number;
  fHz: number;
}

interface FaultView {
  /** IED index -> currents and voltages it sees while the fault burns. */
  ieds: Map<number, { phaseA: [number, number, number]; residualA: number; phaseKV: [number, number, number]; lineKV: [number, number, number]; pKW: number; qKvar: number }>;
  /** Bus index -> phase/line voltages (kV) on the fault path. */
  busKV: Map<number, { phaseKV: [number, number, number]; lineKV: [number, number, number] }>;
  source: number;
}

interface PendingTrip {
  at: number;
  timer: TimerHandle;
  faults: string[];
  element: string;
  currentA: number;
  operateTimeS: number;
}

export interface SimulatorSnapshot {
  ts: string;
  tMs: number;
  loadScale: number;
  loadFactor: number;
  sourceKW: number;
  unsuppliedKW: number;
  unsupplied: string[];
  meshed: boolean;
  powerFlowError: string | null;
  faults: Array<Pick<FaultState, 'id' | 'section' | 'type' | 'impedanceOhm' | 'permanent' | 'position' | 'phase' | 'energised' | 'clearedBy'> & { injectedAt: string; currentA: number[] | null; residualA: number | null }>;
  devices: Array<{ id: string; type: string; closed: boolean; travelling: boolean; lockout: boolean; recloseInProgress: boolean; shot: number; trips: number; recloses: number; lockouts: number; reclosingEnabled: boolean }>;
  ieds: Array<{ id: string; unitId: number; device: string | null; section: string; values: Record<string, number | boolean> }>;
}

/** Fills rOhm/xOhm from a per-km line impedance where a section gives neither (a copy; the input is untouched). */
export function withLineImpedances(model: FeederModel, ohmPerKm: { r: number; x: number } = SIM_DEFAULTS.lineOhmPerKm): { model: FeederModel; filled: string[] } {
  const filled: string[] = [];
  const sections = model.sections.map((s) => {
    if (s.rOhm !== undefined || s.xOhm !== undefined) return s;
    filled.push(s.id);
    return { ...s, rOhm: s.lengthKm * ohmPerKm.r, xOhm: s.lengthKm * ohmPerKm.x };
  });
  return { model: { ...model, sections }, filled };
}

export class FeederSimulator extends EventEmitter {
  readonly clock: SimClock;
  readonly model: FeederModel;
  readonly index: FeederIndex;
  readonly ieds: SimIed[];
  readonly controlUnitId: number;
  readonly devices: DeviceState[];
  readonly startMs: number;
  /** Sections whose impedance came from the default per-km line impedance. */
  readonly defaultedSections: string[];

  private readonly opts: Required<Pick<SimulatorOptions, 'load' | 'loadUpdateS' | 'defaultPf' | 'frequencyHz' | 'reclaimS' | 'breakerOperateMs' | 'switchOperateMs' | 'selectTimeoutS'>>;
  private readonly profile: number[] | null;
  private readonly net: PowerFlowNetwork;
  private readonly baseLoads: LoadVector;
  private loads: LoadVector;
  private loadScaleValue: number;
  private loadFactorValue = 1;
  private loadTimer: TimerHandle | null = null;

  private readonly z1: Complex[];
  private readonly z0: Complex[];
  private readonly zs1: Complex[];
  private readonly zs0: Complex[];
  private readonly baseKV: number;

  private readonly faults = new Map<string, FaultState>();
  private faultSeq = 0;
  private closeSeq = 0;
  private readonly pendingTrips = new Map<number, PendingTrip>();
  private readonly iedsOfDevice = new Map<number, SimIed[]>();

  private topo: Topology;
  private virtualOpen: number[] = [];
  /** Per section: current (A), P and Q at the sending end, losses (kW, kvar), and bus voltages (p.u.). */
  private readonly flow: FlowSolution;
  private faultViews: FaultView[] = [];
  private closed = false;

  constructor(feeder: LoadedFeeder | FeederModel, options: SimulatorOptions & { controlUnitId?: number } = {}) {
    super();
    checkOptions(options);
    const loaded = 'index' in feeder && feeder.index instanceof FeederIndex ? feeder : loadFeeder(feeder, 'simulated feeder');
    const original = loaded.model;
    if (original.baseKV === undefined) throw new Error(`feeder "${original.name ?? '(unnamed)'}": the simulator needs baseKV (nominal line-to-line kV)`);
    const { model, filled } = withLineImpedances(original, options.lineOhmPerKm ?? SIM_DEFAULTS.lineOhmPerKm);
    this.model = model;
    this.defaultedSections = filled;
    this.index = new FeederIndex(model);
    this.baseKV = model.baseKV!;
    this.clock = options.clock ?? new RealClock();
    this.startMs = this.clock.now();
    this.controlUnitId = options.controlUnitId ?? SIM_CONTROL_UNIT_ID;
    this.opts = {
      load: options.load ?? SIM_DEFAULTS.load,
      loadUpdateS: options.loadUpdateS ?? SIM_DEFAULTS.loadUpdateS,
      defaultPf: options.defaultPf ?? SIM_DEFAULTS.defaultPf,
      frequencyHz: options.frequencyHz ?? SIM_DEFAULTS.frequencyHz,
      reclaimS: options.reclaimS ?? SIM_DEFAULTS.reclaimS,
      breakerOperateMs: options.breakerOperateMs ?? SIM_DEFAULTS.breakerOperateMs,
      switchOperateMs: options.switchOperateMs ?? SIM_DEFAULTS.switchOperateMs,
      selectTimeoutS: options.selectTimeoutS ?? SIM_DEFAULTS.selectTimeoutS,
    };
    this.profile = options.profile ?? null;
    this.loadScaleValue = options.loadScale ?? SIM_DEFAULTS.loadScale;

    // Power flow data, and the sequence impedances for the short-circuit calculation (Ω).
    this.net = new PowerFlowNetwork(this.index, { defaultPf: this.opts.defaultPf });
    const f = this.opts.frequencyHz;
    const rEarthPerKm = Math.PI * Math.PI * f * 1e-4;
    const x0Factor = options.x0Factor ?? SIM_DEFAULTS.x0Factor;
    this.z1 = model.sections.map((s) => cx(s.rOhm ?? 0, s.xOhm ?? 0));
    this.z0 = model.sections.map((s) => cx((s.rOhm ?? 0) + 3 * rEarthPerKm * s.lengthKm, x0Factor * (s.xOhm ?? 0)));
    const zs = sourceImpedance(this.baseKV, options.sourceFaultMVA ?? SIM_DEFAULTS.sourceFaultMVA, options.sourceXR ?? SIM_DEFAULTS.sourceXR);
    this.zs1 = model.sources.map(() => zs);
    this.zs0 = model.sources.map(() => zs);

    this.baseLoads = buildLoads(this.index, { load: this.opts.load, defaultPf: this.opts.defaultPf });
    this.loads = this.baseLoads;

    // Normal-state peak currents give the default pickups.
    const normalPeak = this.normalPeakCurrents();
    const pickupFactor = options.pickupFactor ?? SIM_DEFAULTS.pickupFactor;
    const minPickupA = options.minPickupA ?? SIM_DEFAULTS.minPickupA;
    const earthFactor = options.earthPickupFactor ?? SIM_DEFAULTS.earthPickupFactor;
    const pickupOf = (s: number): number => Math.max(minPickupA, pickupFactor * normalPeak[s]);

    this.devices = deviceStates(model, this.index, options, pickupOf, earthFactor);

    this.ieds = simulatorIeds(model, this.controlUnitId).map((spec, i) => {
      const dev = spec.device !== undefined ? this.index.deviceIndex.get(spec.device) : undefined;
      if (spec.device !== undefined && dev === undefined) throw new Error(`ieds[${i}] "${spec.id}": device "${spec.device}" does not exist`);
      const sec = dev !== undefined ? this.index.devSection[dev] : spec.section !== undefined ? this.index.sectionIndex.get(spec.section) : undefined;
      if (sec === undefined) throw new Error(`ieds[${i}] "${spec.id}": needs a device or an existing section`);
      const phasePickupA = dev !== undefined ? this.devices[dev].phasePickupA : pickupOf(sec);
      const earthPickupA = dev !== undefined ? this.devices[dev].earthPickupA : earthFactor * phasePickupA;
      const atFrom = dev !== undefined ? this.index.devAtFrom[dev] === 1 : true;
      const ied = new SimIed(this, i, spec, dev ?? -1, sec, atFrom, phasePickupA, earthPickupA, this.opts.selectTimeoutS);
      if (dev !== undefined) {
        const list = this.iedsOfDevice.get(dev) ?? [];
        list.push(ied);
        this.iedsOfDevice.set(dev, list);
      }
      return ied;
    });

    this.flow = new FlowSolution(this.net);
    this.topo = new Topology(this.index);
    this.refreshLoads();
    if (this.profile) this.scheduleLoadUpdate();
    this.update();
  }

  // ---- public API ----------------------------------------------------------------------------

  now(): number {
    return this.clock.now();
  }

  get loadScale(): number {
    return this.loadScaleValue;
  }

  deviceIndexOf(id: string): number {
    const d = this.index.deviceIndex.get(id);
    if (d === undefined) throw new Error(`device "${id}" does not exist`);
    return d;
  }

  iedById(id: string): SimIed {
    const ied = this.ieds.find((x) => x.spec.id === id);
    if (!ied) throw new Error(`IED "${id}" is not simulated (IEDs: ${this.ieds.map((x) => x.spec.id).join(', ') || 'none'})`);
    return ied;
  }

  iedByUnit(unitId: number): SimIed | undefined {
    return this.ieds.find((x) => x.spec.unitId === unitId);
  }

  /** Injects a fault; returns its id. Throws naming the bad field. */
  inject(spec: FaultSpec): string {
    this.assertOpen();
    const s = this.index.sectionIndex.get(spec.section);
    if (s === undefined) throw new Error(`fault: section "${spec.section}" does not exist`);
    const type = FAULT_KIND_ALIASES[String(spec.type ?? '3ph').toLowerCase()];
    if (!type) throw new Error(`fault on "${spec.section}": type ${JSON.stringify(spec.type)} is not one of 3ph, ph-ph, ph-e, ph-ph-e`);
    const imp = spec.impedanceOhm ?? 0;
    if (!(typeof imp === 'number' && Number.isFinite(imp) && imp >= 0)) throw new Error(`fault on "${spec.section}": impedanceOhm must be a number ≥ 0 Ω (got ${JSON.stringify(spec.impedanceOhm)})`);
    const position = spec.position ?? 0.5;
    if (!(typeof position === 'number' && position >= 0 && position <= 1)) throw new Error(`fault on "${spec.section}": position must be 0..1 along the section (got ${JSON.stringify(spec.position)})`);
    const phase = spec.phase ?? 'A';
    if (phase !== 'A' && phase !== 'B' && phase !== 'C') throw new Error(`fault on "${spec.section}": phase must be A, B or C (got ${JSON.stringify(spec.phase)})`);
    if (spec.permanent !== undefined && typeof spec.permanent !== 'boolean') throw new Error(`fault on "${spec.section}": permanent must be true or false (got ${JSON.stringify(spec.permanent)})`);
    const id = `F${++this.faultSeq}`;
    const fault: FaultState = {
      id, section: spec.section, sectionIndex: s, type, impedanceOhm: imp, permanent: spec.permanent ?? true, position, phase,
      injectedAt: this.now(), energised: false, clearedBy: null, undetectedReported: false, currentA: null, residualA: null,
    };
    this.faults.set(id, fault);
    this.emitEvent('fault', { fault: id, section: fault.section, faultType: type, permanent: fault.permanent, impedanceOhm: imp, position, phase });
    this.update();
    return id;
  }

  /** Repairs the faults on a section (by section id) or one fault (by fault id); returns the repaired fault ids. */
  repair(sectionOrFault: string): string[] {
    this.assertOpen();
    const ids = [...this.faults.values()].filter((f) => f.id === sectionOrFault || f.section === sectionOrFault).map((f) => f.id);
    if (!ids.length) {
      if (!this.index.sectionIndex.has(sectionOrFault) && !/^F\d+$/.test(sectionOrFault)) throw new Error(`repair: "${sectionOrFault}" is neither a section nor a fault id`);
      this.emitEvent('repair', { target: sectionOrFault, faults: [], fusesReplaced: [] });
      return [];
    }
    this.removeFaults(ids, 'repair', sectionOrFault);
    return ids;
  }

  repairAll(): string[] {
    this.assertOpen();
    const ids = [...this.faults.keys()];
    this.removeFaults(ids, 'repair', 'all');
    return ids;
  }

  /** Back to the normal state: faults repaired, devices in their normal positions, flags and selections cleared. */
  reset(): void {
    this.assertOpen();
    this.faults.clear();
    for (const [d, p] of this.pendingTrips) {
      this.clock.clearTimer(p.timer);
      this.pendingTrips.delete(d);
    }
    this.model.devices.forEach((md, d) => {
      const dev = this.devices[d];
      if (dev.moving) this.clock.clearTimer(dev.moving.timer);
      this.clock.clearTimer(dev.recloseTimer);
      this.clock.clearTimer(dev.reclaimTimer);
      Object.assign(dev, { moving: null, recloseTimer: null, reclaimTimer: null, lockout: false, shot: 0, inSequence: false, sotfUntil: 0, blownBy: null, reclosingEnabled: dev.shots > 0 });
      if (dev.closed !== !md.normallyOpen) {
        dev.closed = !md.normallyOpen;
        if (dev.closed) dev.closedSeq = ++this.closeSeq;
      }
    });
    for (const ied of this.ieds) ied.resetState();
    this.emitEvent('reset', {});
    this.update();
  }

  setLoadScale(scale: number): void {
    this.assertOpen();
    if (!(typeof scale === 'number' && Number.isFinite(scale) && scale >= 0)) throw new Error(`load scale must be a number ≥ 0 (got ${JSON.stringify(scale)})`);
    this.loadScaleValue = scale;
    this.refreshLoads();
    this.emitEvent('load', { loadScale: scale, loadFactor: this.loadFactorValue });
    this.update();
  }

  /**
   * Starts a commanded operation of device d (an IED's operate, or a direct call). Returns false
   * when the device is already in the wanted position (nothing moves).
   */
  operate(d: number, close: boolean, by: string): boolean {
    this.assertOpen();
    const dev = this.devices[d];
    if (dev.type === 'fuse') throw new Error(`device "${dev.id}" is a fuse: it cannot be switched by command`);
    if (dev.moving) throw new Error(`device "${dev.id}" is still travelling`);
    // A command ends any reclose sequence: the operator has taken over.
    this.cancelSequence(dev);
    if (dev.closed === close) {
      this.emitEvent('operate', { device: dev.id, action: close ? 'close' : 'open', by, result: 'already in position' });
      if (close && dev.lockout) {
        dev.lockout = false;
        this.refreshImages();
      }
      return false;
    }
    const ms = dev.type === 'breaker' || dev.type === 'recloser' ? this.opts.breakerOperateMs : this.opts.switchOperateMs;
    this.emitEvent('operate', { device: dev.id, action: close ? 'close' : 'open', by, operateMs: ms });
    const finish = (): void => {
      dev.moving = null;
      dev.closed = close;
      if (close) {
        dev.closedSeq = ++this.closeSeq;
        dev.lockout = false;
        dev.shot = 0;
        dev.inSequence = false;
        dev.sotfUntil = this.now() + this.opts.reclaimS * 1000;
      }
      this.emitEvent('switch', { device: dev.id, closed: close, by });
      this.update();
    };
    dev.moving = { toClosed: close, timer: this.clock.setTimer(finish, ms), by };
    this.refreshImages();
    return true;
  }

  /** Turns auto-reclosing of a breaker/recloser on or off; off during a dead time locks it out. */
  setReclosing(d: number, on: boolean, by: string): void {
    const dev = this.devices[d];
    if (dev.reclosingEnabled === on) return;
    dev.reclosingEnabled = on;
    this.emitEvent('reclosing', { device: dev.id, enabled: on, by });
    if (!on && dev.recloseTimer) this.lockout(dev, 'reclosing blocked during the dead time');
    this.refreshImages();
  }

  /** The reading of IED i now (engineering units). */
  reading(ied: SimIed): IedReading {
    const ix = this.index;
    const s = ied.section;
    const b = ied.atFrom ? ix.secFrom[s] : ix.secTo[s];
    let position: IedReading['position'] = null;
    if (ied.device >= 0) {
      const dev = this.devices[ied.device];
      position = dev.moving ? 'travelling' : dev.closed ? 'closed' : 'open';
    }
    // The section carries current when all its devices are closed and it touches supply (in a
    // closed loop a section taken as open for the radial quantities still carries its loop current).
    let conducting = this.topo.energised(ix.secFrom[s]) || this.topo.energised(ix.secTo[s]);
    for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) if (!this.devices[ix.devList[k]].closed) conducting = false;
    for (const view of this.faultViews) {
      const v = view.ieds.get(ied.index);
      if (v) return { position, phaseA: v.phaseA, residualA: v.residualA, phaseKV: v.phaseKV, lineKV: v.lineKV, pKW: v.pKW, qKvar: v.qKvar, fHz: this.opts.frequencyHz };
    }
    const fv = this.faultVoltageAt(b);
    const vPu = this.flow.vPu[b];
    const energised = this.topo.energised(b);
    const vPhase = (vPu * this.baseKV) / SQRT3;
    const phaseKV: [number, number, number] = fv ? fv.phaseKV : [vPhase, vPhase, vPhase];
    const lineKV: [number, number, number] = fv ? fv.lineKV : [vPu * this.baseKV, vPu * this.baseKV, vPu * this.baseKV];
    if (!conducting) return { position, phaseA: [0, 0, 0], residualA: 0, phaseKV, lineKV, pKW: 0, qKvar: 0, fHz: energised ? this.opts.frequencyHz : 0 };
    const iA = this.flow.iA[s];
    // Positive towards the load: at the upstream end the sending-end flow, at the downstream end what arrives.
    const upstreamEnd = this.topo.secUp[s] === b;
    const pKW = upstreamEnd ? this.flow.pKW[s] : this.flow.pKW[s] - this.flow.lossKW[s];
    const qKvar = upstreamEnd ? this.flow.qKvar[s] : this.flow.qKvar[s] - this.flow.lossKvar[s];
    return { position, phaseA: [iA, iA, iA], residualA: 0, phaseKV, lineKV, pKW, qKvar, fHz: energised ? this.opts.frequencyHz : 0 };
  }

  snapshot(): SimulatorSnapshot {
    const now = this.now();
    let unsuppliedKW = 0;
    const unsupplied: string[] = [];
    for (let l = 0; l < this.index.nLoadPoints; l++) {
      if (!this.topo.energised(this.index.lpBus[l])) {
        unsupplied.push(this.model.loadPoints[l].id);
        unsuppliedKW += this.loads.lpKW[l];
      }
    }
    return {
      ts: new Date(now).toISOString(),
      tMs: now,
      loadScale: this.loadScaleValue,
      loadFactor: this.loadFactorValue,
      sourceKW: this.sourceKW(),
      unsuppliedKW,
      unsupplied,
      meshed: this.virtualOpen.length > 0,
      powerFlowError: this.flow.error,
      faults: [...this.faults.values()].map((f) => ({
        id: f.id, section: f.section, type: f.type, impedanceOhm: f.impedanceOhm, permanent: f.permanent, position: f.position, phase: f.phase,
        energised: f.energised, clearedBy: f.clearedBy, injectedAt: new Date(f.injectedAt).toISOString(), currentA: f.currentA, residualA: f.residualA,
      })),
      devices: this.devices.map((d) => ({
        id: d.id, type: d.type, closed: d.closed, travelling: d.moving !== null, lockout: d.lockout, recloseInProgress: d.inSequence,
        shot: d.shot, trips: d.trips, recloses: d.recloses, lockouts: d.lockouts, reclosingEnabled: d.reclosingEnabled,
      })),
      ieds: this.ieds.map((i) => ({ id: i.spec.id, unitId: i.spec.unitId, device: i.spec.device ?? null, section: this.model.sections[i.section].id, values: i.values() })),
    };
  }

  /** Counts for the control unit and status lines (cheaper than a snapshot). */
  summary(): { activeFaults: number; lockedOut: number; devicesOffNormal: number; unsuppliedLoadPoints: number; unsuppliedKW: number; sourceKW: number } {
    let unsuppliedKW = 0;
    let unsuppliedLoadPoints = 0;
    for (let l = 0; l < this.index.nLoadPoints; l++) {
      if (!this.topo.energised(this.index.lpBus[l])) {
        unsuppliedLoadPoints++;
        unsuppliedKW += this.loads.lpKW[l];
      }
    }
    let lockedOut = 0;
    let devicesOffNormal = 0;
    this.devices.forEach((d, i) => {
      if (d.lockout) lockedOut++;
      if (d.moving || d.closed === this.model.devices[i].normallyOpen) devicesOffNormal++;
    });
    return { activeFaults: this.faults.size, lockedOut, devicesOffNormal, unsuppliedLoadPoints, unsuppliedKW, sourceKW: this.sourceKW() };
  }

  /** Active power from all sources now (kW). */
  sourceKW(): number {
    return this.flow.sourceKW();
  }

  activeFaults(): FaultState[] {
    return [...this.faults.values()];
  }

  /** Stops every timer; the simulator accepts nothing afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimer(this.loadTimer);
    for (const p of this.pendingTrips.values()) this.clock.clearTimer(p.timer);
    this.pendingTrips.clear();
    for (const dev of this.devices) {
      if (dev.moving) this.clock.clearTimer(dev.moving.timer);
      this.clock.clearTimer(dev.recloseTimer);
      this.clock.clearTimer(dev.reclaimTimer);
    }
    for (const ied of this.ieds) ied.close();
  }

  emitEvent(type: string, fields: Record<string, unknown>): void {
    const t = this.now();
    const ev: SimEvent = { ts: new Date(t).toISOString(), tMs: t, type, ...fields };
    this.emit('event', ev);
  }

  // ---- loads ---------------------------------------------------------------------------------

  private refreshLoads(): void {
    this.loadFactorValue = this.profile ? profileAt(this.profile, this.now()) : 1;
    const k = this.loadScaleValue * this.loadFactorValue;
    const b = this.baseLoads;
    const scale = (a: Float64Array): Float64Array => a.map((v) => v * k);
    this.loads = { basis: b.basis, lpKW: scale(b.lpKW), lpKvar: scale(b.lpKvar), busP: scale(b.busP), busQ: scale(b.busQ), liveCount: 0 };
  }

  private scheduleLoadUpdate(): void {
    this.loadTimer = this.clock.setTimer(() => {
      this.loadTimer = null;
      if (this.closed) return;
      this.refreshLoads();
      this.update();
      this.scheduleLoadUpdate();
    }, this.opts.loadUpdateS * 1000);
  }

  /** Peak-load section currents in the normal state (A); zeros when that power flow has no solution. */
  private normalPeakCurrents(): Float64Array {
    const out = new Float64Array(this.index.nSections);
    try {
      const peak = buildLoads(this.index, { load: 'peak', defaultPf: this.opts.defaultPf });
      const { topology, ws, outcome } = solveState(this.net, peak, undefined);
      const res = describeSolution(this.net, peak, topology, ws, outcome);
      res.sections.forEach((s, i) => { out[i] = s.iA; });
    } catch (err) {
      if (!(err instanceof PowerFlowError)) throw err;
    }
    return out;
  }

  // ---- the state update ----------------------------------------------------------------------

  /** Re-solves after any change: topology, power flow, faults, protection timers, IED images. */
  update(): void {
    if (this.closed) return;
    const closedNow = Uint8Array.from(this.devices, (d) => (d.closed ? 1 : 0));
    this.buildTopology(closedNow);
    this.solveFlow(closedNow);
    this.evaluateFaults();
    this.refreshImages();
    this.emit('update');
  }

  private buildTopology(closedNow: Uint8Array): void {
    const state = closedNow.slice();
    const virtual: number[] = [];
    const ix = this.index;
    for (;;) {
      try {
        this.topo = new Topology(ix, state.slice());
        break;
      } catch (err) {
        if (!(err instanceof MeshError)) throw err;
        // Take the most recently closed device of the loop as open for the radial quantities.
        let pick = -1;
        for (const secId of err.loop) {
          const s = ix.sectionIndex.get(secId)!;
          for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
            const d = ix.devList[k];
            if (state[d] && (pick < 0 || this.devices[d].closedSeq > this.devices[pick].closedSeq)) pick = d;
          }
        }
        if (pick < 0) throw new Error(`simulator: a loop without a switching device (${err.loop.join(', ')}): the model's normal state should be radial`);
        state[pick] = 0;
        virtual.push(pick);
      }
    }
    const was = this.virtualOpen.map((d) => this.devices[d].id).join(',');
    this.virtualOpen = virtual;
    const is = virtual.map((d) => this.devices[d].id).join(',');
    if (was !== is && virtual.length) {
      this.emitEvent('loop', { closedLoopsThrough: virtual.map((d) => this.devices[d].id), note: 'currents by the compensation method; voltages and power factors from the radial network without these devices' });
    }
  }

  private solveFlow(closedNow: Uint8Array): void {
    const was = this.flow.error;
    this.flow.solve(this.loads, this.topo, closedNow, this.virtualOpen.length > 0);
    const error = this.flow.error;
    if (error !== was) {
      if (error) this.emitEvent('powerflow-failed', { message: error });
      else this.emitEvent('powerflow-restored', {});
    }
  }

  private evaluateFaults(): void {
    const ix = this.index;
    const now = this.now();
    this.faultViews = [];
    const fnet: FaultNetwork = {
      index: ix, topo: this.topo, closed: Uint8Array.from(this.devices, (d) => (d.closed ? 1 : 0)),
      z1: this.z1, z0: this.z0, zs1: this.zs1, zs0: this.zs0, sourceV: this.net.sourceV, baseKV: this.baseKV,
    };
    // Transient faults go out with the voltage; the rest burn where fed.
    for (const f of [...this.faults.values()]) {
      f.energised = feedingBus(fnet, f.sectionIndex) >= 0;
      if (!f.energised) {
        f.currentA = null;
        f.residualA = null;
        if (!f.permanent) {
          this.faults.delete(f.id);
          this.emitEvent('fault-extinguished', { fault: f.id, section: f.section, note: 'transient fault: the arc went out when the section lost voltage' });
        }
      }
    }
    const desired = new Map<number, { t: number; faults: string[]; element: string; currentA: number }>();
    for (const f of this.faults.values()) {
      if (!f.energised) continue;
      const s = f.sectionIndex;
      const path = faultPath(fnet, s, f.position)!;
      const { eV, busZ1, busZ0 } = path;
      const fc = faultCurrents(f.type, f.phase, eV, path.z1, path.z0, f.impedanceOhm);
      f.currentA = fc.phaseA;
      f.residualA = fc.residualA;
      const kV = (v: { phaseV: number[]; lineV: number[] }) => ({
        phaseKV: v.phaseV.map((x) => x / 1000) as [number, number, number],
        lineKV: v.lineV.map((x) => x / 1000) as [number, number, number],
      });
      const view: FaultView = { ieds: new Map(), busKV: new Map(), source: path.source };
      for (const [bus, zb1] of busZ1) view.busKV.set(bus, kV(busVoltages(eV, fc, f.phase, zb1, busZ0.get(bus)!)));

      // IEDs on the path: their device carries the current, or (line sensors) their section does.
      const pathSet = new Set(path.sections);
      const carriers = new Set(path.carriers);
      const fedFromFrom = path.bus === ix.secFrom[s];
      for (const ied of this.ieds) {
        const on = ied.device >= 0 ? carriers.has(ied.device) : pathSet.has(ied.section) || (ied.section === s && ied.atFrom === fedFromFrom);
        if (!on) continue;
        const bus = ied.atFrom ? ix.secFrom[ied.section] : ix.secTo[ied.section];
        const zb1 = busZ1.get(bus) ?? busZ1.get(path.bus)!;
        const zb0 = busZ0.get(bus) ?? busZ0.get(path.bus)!;
        const s3 = sequencePower(eV, fc, zb1, zb0);
        view.ieds.set(ied.index, { phaseA: fc.phaseA, residualA: fc.residualA, ...kV(busVoltages(eV, fc, f.phase, zb1, zb0)), pKW: s3.re / 1000, qKvar: s3.im / 1000 });
        ied.notePassage(fc.phaseA, fc.residualA, f.id);
      }
      this.faultViews.push(view);

      // Protection: the fastest element among the protective devices on the path trips.
      const maxPhase = Math.max(...fc.phaseA);
      let best: { d: number; t: number; element: string; currentA: number } | null = null;
      for (const d of path.carriers) {
        const dev = this.devices[d];
        if (!dev.protection || dev.moving) continue;
        const op = fastestElement(dev.protection, maxPhase, dev.type === 'fuse' ? null : fc.residualA);
        if (op && (!best || op.operateTimeS < best.t)) best = { d, t: op.operateTimeS, element: op.name, currentA: op.currentA };
      }
      if (!best) {
        if (!f.undetectedReported) {
          f.undetectedReported = true;
          this.emitEvent('fault-undetected', { fault: f.id, section: f.section, currentA: fc.phaseA, residualA: fc.residualA, note: 'no protective device on the path picks up: the fault burns until repaired or switched off' });
        }
        continue;
      }
      const prev = desired.get(best.d);
      if (!prev || best.t < prev.t) desired.set(best.d, { t: best.t, faults: [...(prev?.faults ?? []), f.id], element: best.element, currentA: best.currentA });
      else prev.faults.push(f.id);
    }
    // Relays reset at once when their current goes (instantaneous reset); running timers keep their start.
    for (const [d, p] of this.pendingTrips) {
      if (!desired.has(d)) {
        this.clock.clearTimer(p.timer);
        this.pendingTrips.delete(d);
      }
    }
    for (const [d, want] of desired) {
      const at = now + want.t * 1000;
      const p = this.pendingTrips.get(d);
      if (p && p.at <= at) {
        p.faults = want.faults;
        continue;
      }
      if (p) this.clock.clearTimer(p.timer);
      const timer = this.clock.setTimer(() => this.trip(d), Math.max(0, at - now));
      this.pendingTrips.set(d, { at, timer, faults: want.faults, element: want.element, currentA: want.currentA, operateTimeS: want.t });
    }
  }

  /** Voltages at a bus while a fault burns on its source's tree: the path voltages where it branches off, scaled by the prefault drop. */
  private faultVoltageAt(b: number): { phaseKV: [number, number, number]; lineKV: [number, number, number] } | null {
    if (!this.faultViews.length || !this.topo.energised(b)) return null;
    for (const view of this.faultViews) {
      if (this.topo.busSource[b] !== view.source) continue;
      let m = b;
      while (m >= 0 && !view.busKV.has(m)) m = this.topo.parentBus[m];
      if (m < 0) continue;
      const at = view.busKV.get(m)!;
      const ratio = this.flow.vPu[m] > 0 ? this.flow.vPu[b] / this.flow.vPu[m] : 1;
      return { phaseKV: at.phaseKV.map((x) => x * ratio) as [number, number, number], lineKV: at.lineKV.map((x) => x * ratio) as [number, number, number] };
    }
    return null;
  }

  // ---- protection sequence -------------------------------------------------------------------

  private trip(d: number): void {
    const p = this.pendingTrips.get(d);
    this.pendingTrips.delete(d);
    if (this.closed) return;
    const dev = this.devices[d];
    if (!dev.closed) return;
    dev.closed = false;
    dev.trips++;
    this.clock.clearTimer(dev.reclaimTimer);
    dev.reclaimTimer = null;
    for (const fid of p?.faults ?? []) {
      const f = this.faults.get(fid);
      if (f) f.clearedBy = dev.id;
    }
    for (const ied of this.iedsOfDevice.get(d) ?? []) ied.noteTrip();
    const base = { device: dev.id, faults: p?.faults ?? [], element: p?.element, currentA: p?.currentA, operateTimeS: p?.operateTimeS };
    if (dev.type === 'fuse') {
      dev.blownBy = p?.faults[0] ?? null;
      this.emitEvent('trip', { ...base, note: 'fuse blown: replaced when the fault is repaired' });
    } else if (dev.shots > 0 && dev.reclosingEnabled && dev.shot < dev.shots && this.now() >= dev.sotfUntil) {
      const dead = dev.deadTimesS[Math.min(dev.shot, dev.deadTimesS.length - 1)];
      dev.inSequence = true;
      dev.recloseTimer = this.clock.setTimer(() => this.reclose(d), dead * 1000);
      this.emitEvent('trip', { ...base, nextShot: dev.shot + 1, deadTimeS: dead });
    } else {
      this.emitEvent('trip', base);
      const why = this.now() < dev.sotfUntil ? 'trip after a close by command (switch onto fault)'
        : dev.shots === 0 ? 'no reclosing on this device' : !dev.reclosingEnabled ? 'reclosing blocked' : `${dev.shots} reclose shots used`;
      this.lockout(dev, why);
    }
    this.update();
  }

  private reclose(d: number): void {
    const dev = this.devices[d];
    dev.recloseTimer = null;
    if (this.closed || dev.closed || dev.lockout || !dev.inSequence || dev.moving) return;
    dev.shot++;
    dev.recloses++;
    dev.closed = true;
    dev.closedSeq = ++this.closeSeq;
    this.emitEvent('reclose', { device: dev.id, shot: dev.shot, of: dev.shots });
    dev.reclaimTimer = this.clock.setTimer(() => {
      dev.reclaimTimer = null;
      dev.inSequence = false;
      const shots = dev.shot;
      dev.shot = 0;
      this.emitEvent('reclaim', { device: dev.id, afterShot: shots, note: 'reclose successful: the sequence reset after the reclaim time' });
      this.refreshImages();
    }, this.opts.reclaimS * 1000);
    this.update();
  }

  private lockout(dev: DeviceState, reason: string): void {
    this.clock.clearTimer(dev.recloseTimer);
    this.clock.clearTimer(dev.reclaimTimer);
    dev.recloseTimer = null;
    dev.reclaimTimer = null;
    dev.inSequence = false;
    dev.lockout = true;
    dev.lockouts++;
    this.emitEvent('lockout', { device: dev.id, reason });
  }

  private cancelSequence(dev: DeviceState): void {
    if (!dev.inSequence) return;
    this.clock.clearTimer(dev.recloseTimer);
    this.clock.clearTimer(dev.reclaimTimer);
    dev.recloseTimer = null;
    dev.reclaimTimer = null;
    dev.inSequence = false;
    dev.shot = 0;
  }

  private removeFaults(ids: string[], type: string, target: string): void {
    const fuses: string[] = [];
    for (const id of ids) this.faults.delete(id);
    for (const dev of this.devices) {
      if (dev.blownBy && ids.includes(dev.blownBy)) {
        dev.blownBy = null;
        dev.closed = true;
        dev.closedSeq = ++this.closeSeq;
        fuses.push(dev.id);
      }
    }
    this.emitEvent(type, { target, faults: ids, fusesReplaced: fuses });
    this.update();
  }

  private refreshImages(): void {
    for (const ied of this.ieds) ied.refresh();
    this.emit('images');
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the simulator is closed');
  }
}
