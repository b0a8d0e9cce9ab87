/**
 * One simulated IED: its register image (measurements, position, protection and passage flags,
 * counters) and its command logic, all through the point names of its register map
 * (`dms-standard-ied` unless the model says otherwise). Commands follow the map's `controls`:
 * select-before-operate with a select that expires after `selectTimeoutS`, operate refused
 * (exception 04, commandResult says why) without a valid select or in local mode, exception 06
 * while the switch still travels. Fault passage flags and the trip flag latch until reset.
 */
import { resolveRegisterMap, type CompiledMap, type CompiledPoint } from '../ied/register-map';
import type { Value } from '../ied/types';
import type { Ied } from '../model/types';
import type { TimerHandle } from './clock';
import type { FeederSimulator } from './feeder-sim';
import { ImageUnit } from './image-unit';
import { EXCEPTION, fail } from './modbus-exception';
import { DEFAULT_IED_MAP } from './units';

/** commandResult values (the labels of `dms-standard-ied`). */
export const COMMAND_RESULT = {
  idle: 0,
  openSelected: 1,
  closeSelected: 2,
  executed: 3,
  notSelected: 4,
  localMode: 5,
  selectTimedOut: 6,
  cancelled: 7,
} as const;

type Action = 'open' | 'close';

interface CommandPoints {
  select: Map<string, Action>;
  /** Operate coil -> the action it executes (null: the armed selection decides), and whether a select is required. */
  operate: Map<string, { action: Action | null; needsSelect: boolean }>;
  cancel: Set<string>;
  fpiReset: Set<string>;
}

function commandPoints(map: CompiledMap): CommandPoints {
  const out: CommandPoints = { select: new Map(), operate: new Map(), cancel: new Set(), fpiReset: new Set() };
  const controls = map.doc.controls ?? {};
  for (const action of ['open', 'close'] as const) {
    const c = controls[action];
    if (!c) continue;
    if (c.select) out.select.set(c.select, action);
    if (c.cancel) out.cancel.add(c.cancel);
    const prev = out.operate.get(c.operate);
    // One operate point shared by open and close executes whatever was selected.
    out.operate.set(c.operate, prev ? { action: null, needsSelect: true } : { action, needsSelect: c.select !== undefined });
  }
  const reset = controls.resetFaultPassage;
  if (reset) out.fpiReset.add(reset.operate);
  return out;
}

const U32 = 2 ** 32;

export class SimIed extends ImageUnit {
  readonly commands: CommandPoints;
  remote = true;
  selectTimeoutS: number;
  commandResult: number = COMMAND_RESULT.idle;
  private select: { action: Action; until: number; timer: TimerHandle } | null = null;
  private selectExpired = false;
  /** Latched passage flags A, B, C, earth and fault currents A, B, C, residual. */
  readonly fpi: [boolean, boolean, boolean, boolean] = [false, false, false, false];
  readonly faultI: [number, number, number, number] = [0, 0, 0, 0];
  tripped = false;
  readonly label: string;

  constructor(
    private readonly sim: FeederSimulator,
    readonly index: number,
    readonly spec: Ied,
    /** Device index, or -1 for a line sensor. */
    readonly device: number,
    readonly section: number,
    /** Measures at the section's from end (the device's end). */
    readonly atFrom: boolean,
    readonly phasePickupA: number,
    readonly earthPickupA: number,
    selectTimeoutS: number,
  ) {
    super(spec.unitId, resolveRegisterMap(spec.registerMap ?? DEFAULT_IED_MAP, `ieds[${index}] "${spec.id}" register map`));
    this.commands = commandPoints(this.map);
    const p = this.map.byName.get('selectTimeoutS');
    this.selectTimeoutS = p ? Math.min(Math.max(selectTimeoutS, p.min), p.max) : selectTimeoutS;
    this.label = `IED "${spec.id}" (unit ${spec.unitId})`;
  }

  get selectArmed(): boolean {
    return this.select !== null;
  }

  values(): Record<string, Value> {
    const r = this.sim.reading(this);
    const dev = this.device >= 0 ? this.sim.devices[this.device] : null;
    const s = Math.hypot(r.pKW, r.qKvar);
    const v: Record<string, Value> = {
      iaA: r.phaseA[0], ibA: r.phaseA[1], icA: r.phaseA[2], inA: r.residualA,
      vanKV: r.phaseKV[0], vbnKV: r.phaseKV[1], vcnKV: r.phaseKV[2],
      vabKV: r.lineKV[0], vbcKV: r.lineKV[1], vcaKV: r.lineKV[2],
      pKW: r.pKW, qKvar: r.qKvar,
      // Signed like P; unity when nothing flows (as meters report it).
      pf: s > 0 ? r.pKW / s : Number.isNaN(s) ? NaN : 1,
      fHz: r.fHz,
      faultIaA: this.faultI[0], faultIbA: this.faultI[1], faultIcA: this.faultI[2], faultInA: this.faultI[3],
      tripCount: (dev?.trips ?? 0) % U32, recloseCount: (dev?.recloses ?? 0) % U32, lockoutCount: (dev?.lockouts ?? 0) % U32,
      breakerClosed: r.position === 'closed', breakerOpen: r.position === 'open', breakerIntermediate: r.position === 'travelling', breakerFault: false,
      tripped: this.tripped, lockout: dev?.lockout ?? false, recloseInProgress: dev?.inSequence ?? false,
      fpiA: this.fpi[0], fpiB: this.fpi[1], fpiC: this.fpi[2], fpiE: this.fpi[3],
      remote: this.remote, selectArmed: this.select !== null,
      reclosingEnabled: dev?.reclosingEnabled ?? false,
      selectTimeoutS: this.selectTimeoutS, commandResult: this.commandResult,
    };
    // Command coils are pulse coils: they read back 0.
    for (const name of [...this.commands.select.keys(), ...this.commands.operate.keys(), ...this.commands.cancel, ...this.commands.fpiReset]) v[name] = false;
    return v;
  }

  /** Fault current passed through this IED: latch flags above the pickups and the largest currents. */
  notePassage(phaseA: [number, number, number], residualA: number, faultId: string): void {
    const before = this.fpi.join();
    for (let k = 0; k < 3; k++) {
      if (phaseA[k] > this.phasePickupA) {
        this.fpi[k] = true;
        this.faultI[k] = Math.max(this.faultI[k], phaseA[k]);
      }
    }
    if (residualA > this.earthPickupA) this.fpi[3] = true;
    if (this.fpi.some(Boolean)) {
      // With any pickup the relay records every current of the fault (peak RMS during pickup).
      for (let k = 0; k < 3; k++) this.faultI[k] = Math.max(this.faultI[k], phaseA[k]);
      this.faultI[3] = Math.max(this.faultI[3], residualA);
    }
    if (this.fpi.join() !== before) {
      this.sim.emitEvent('fault-passage', {
        ied: this.spec.id, unitId: this.unitId, device: this.spec.device ?? null, fault: faultId,
        fpiA: this.fpi[0], fpiB: this.fpi[1], fpiC: this.fpi[2], fpiE: this.fpi[3],
        currentA: phaseA.map((x) => Math.round(x * 10) / 10), residualA: Math.round(residualA * 10) / 10,
      });
    }
  }

  noteTrip(): void {
    this.tripped = true;
  }

  /** Clears passage flags, latched currents and the trip flag. */
  resetPassage(by: string): void {
    this.fpi.fill(false);
    this.faultI.fill(0);
    this.tripped = false;
    this.sim.emitEvent('fpi-reset', { ied: this.spec.id, unitId: this.unitId, by });
  }

  /** Local/remote switch: in local, Modbus commands are refused (commandResult 5). */
  setRemote(on: boolean): void {
    this.remote = on;
    if (!on) this.clearSelect();
    this.sim.emitEvent('remote', { ied: this.spec.id, unitId: this.unitId, remote: on });
    this.refresh();
  }

  resetState(): void {
    this.clearSelect();
    this.selectExpired = false;
    this.fpi.fill(false);
    this.faultI.fill(0);
    this.tripped = false;
    this.commandResult = COMMAND_RESULT.idle;
  }

  close(): void {
    this.clearSelect();
  }

  protected onWrite(p: CompiledPoint, value: Value): boolean {
    const name = p.name;
    const on = value === true;
    const c = this.commands;
    if (c.select.has(name)) {
      if (on) this.arm(c.select.get(name)!);
      return true;
    }
    if (c.operate.has(name)) {
      if (on) this.execute(c.operate.get(name)!);
      return true;
    }
    if (c.cancel.has(name)) {
      if (on) this.cancel();
      return true;
    }
    if (c.fpiReset.has(name)) {
      if (on) {
        this.resetPassage(`Modbus unit ${this.unitId}`);
        this.refresh();
      }
      return true;
    }
    if (name === 'reclosingEnabled') {
      const dev = this.device >= 0 ? this.sim.devices[this.device] : null;
      if (!dev || dev.shots === 0) {
        if (on) fail(EXCEPTION.illegalDataValue, `${this.label}: its device has no auto-reclose function`);
        return true;
      }
      this.sim.setReclosing(this.device, on, `Modbus unit ${this.unitId}`);
      return true;
    }
    if (name === 'selectTimeoutS') {
      this.selectTimeoutS = value as number;
      this.refresh();
      return true;
    }
    if (name === 'commandResult') return true;
    return false;
  }

  private switchable(): void {
    const dev = this.device >= 0 ? this.sim.devices[this.device] : null;
    if (!dev || dev.type === 'fuse') fail(EXCEPTION.serverDeviceFailure, `${this.label} has no device it can switch`);
  }

  private refuse(result: number, why: string): never {
    this.commandResult = result;
    this.sim.emitEvent('command-rejected', { ied: this.spec.id, unitId: this.unitId, device: this.spec.device ?? null, commandResult: result, reason: why });
    this.refresh();
    fail(EXCEPTION.serverDeviceFailure, `${this.label}: ${why}`);
  }

  private arm(action: Action): void {
    this.switchable();
    if (!this.remote) this.refuse(COMMAND_RESULT.localMode, `${action} select refused: local mode`);
    this.clearSelect();
    const ms = this.selectTimeoutS * 1000;
    const timer = this.sim.clock.setTimer(() => {
      this.select = null;
      this.selectExpired = true;
      this.commandResult = COMMAND_RESULT.selectTimedOut;
      this.sim.emitEvent('select-timeout', { ied: this.spec.id, unitId: this.unitId, device: this.spec.device ?? null, action });
      this.refresh();
    }, ms);
    this.select = { action, until: this.sim.now() + ms, timer };
    this.selectExpired = false;
    this.commandResult = action === 'open' ? COMMAND_RESULT.openSelected : COMMAND_RESULT.closeSelected;
    this.sim.emitEvent('select', { ied: this.spec.id, unitId: this.unitId, device: this.spec.device ?? null, action, timeoutS: this.selectTimeoutS });
    this.refresh();
  }

  private execute(op: { action: Action | null; needsSelect: boolean }): void {
    this.switchable();
    if (!this.remote) this.refuse(COMMAND_RESULT.localMode, 'operate refused: local mode');
    let action = op.action;
    if (op.needsSelect) {
      const armed = this.select;
      if (!armed || (action !== null && armed.action !== action)) {
        const expired = this.selectExpired && !armed;
        this.refuse(expired ? COMMAND_RESULT.selectTimedOut : COMMAND_RESULT.notSelected, expired ? 'operate refused: the select timed out' : 'operate refused: nothing selected');
      }
      action = armed!.action;
    }
    const dev = this.sim.devices[this.device];
    if (dev.moving) fail(EXCEPTION.serverDeviceBusy, `${this.label}: device "${dev.id}" is still travelling`);
    this.clearSelect();
    this.commandResult = COMMAND_RESULT.executed;
    this.sim.operate(this.device, action === 'close', `Modbus unit ${this.unitId} (${this.spec.id})`);
    this.refresh();
  }

  private cancel(): void {
    if (!this.select) return;
    const action = this.select.action;
    this.clearSelect();
    this.commandResult = COMMAND_RESULT.cancelled;
    this.sim.emitEvent('cancel', { ied: this.spec.id, unitId: this.unitId, device: this.spec.device ?? null, action });
    this.refresh();
  }

  private clearSelect(): void {
    if (this.select) this.sim.clock.clearTimer(this.select.timer);
    this.select = null;
  }
}
