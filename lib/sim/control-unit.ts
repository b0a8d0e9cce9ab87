/**
 * The simulator's control unit (unit id 247 unless moved): fault parameters and the load scale in
 * holding registers, inject / repair / repair all / reset / passage reset / crew operations in pulse coils, a feeder
 * summary in input registers and discrete inputs. Its layout is the register map
 * maps/dms-sim-control.json, so the IED reader can decode it like any IED.
 */
import { compileRegisterMap, type CompiledMap, type CompiledPoint } from '../ied/register-map';
import type { Value } from '../ied/types';
import type { FeederSimulator } from './feeder-sim';
import { ImageUnit } from './image-unit';
import controlMapDoc from './maps/dms-sim-control.json';
import { EXCEPTION, fail } from './modbus-exception';
import type { FaultKind, PhaseName } from './settings';

const TYPES: Record<number, FaultKind> = { 1: '3ph', 2: 'ph-ph', 3: 'ph-e', 4: 'ph-ph-e' };
const PHASES: Record<number, PhaseName> = { 1: 'A', 2: 'B', 3: 'C' };

let compiled: CompiledMap | null = null;

/** The control unit's register map (compiled once). */
export function controlMap(): CompiledMap {
  compiled ??= compileRegisterMap(controlMapDoc, 'simulator control map "dms-sim-control"');
  return compiled;
}

export class ControlUnit extends ImageUnit {
  faultSection = 0;
  faultType = 1;
  faultPermanent = 1;
  faultOhm = 0;
  faultPositionPct = 50;
  faultPhase = 1;
  crewDevice = 0;

  constructor(private readonly sim: FeederSimulator, unitId: number) {
    super(unitId, controlMap());
    this.refresh();
  }

  values(): Record<string, Value> {
    const sum = this.sim.summary();
    return {
      faultSection: this.faultSection, faultType: this.faultType, faultPermanent: this.faultPermanent, faultOhm: this.faultOhm,
      faultPositionPct: this.faultPositionPct, faultPhase: this.faultPhase,
      loadScalePct: Math.min(1000, Math.round(this.sim.loadScale * 1000) / 10),
      crewDevice: this.crewDevice,
      inject: false, repair: false, repairAll: false, reset: false, fpiResetAll: false, crewOpen: false, crewClose: false,
      faultActive: sum.activeFaults > 0,
      anyLockout: sum.lockedOut > 0,
      activeFaults: Math.min(65535, sum.activeFaults),
      lockedOut: sum.lockedOut,
      devicesOffNormal: sum.devicesOffNormal,
      unsuppliedLoadPoints: sum.unsuppliedLoadPoints,
      unsuppliedKW: sum.unsuppliedKW,
      sourceKW: sum.sourceKW,
      simTimeS: this.simTimeS(),
    };
  }

  private simTimeS(): number {
    return Math.max(0, Math.floor((this.sim.now() - this.sim.startMs) / 1000)) % 2 ** 32;
  }

  protected override beforeRead(): void {
    // Simulated time moves without any state change: keep simTimeS current.
    const p = this.map.byName.get('simTimeS');
    if (!p) return;
    const s = this.simTimeS();
    this.image.inputRegister[p.address] = Math.floor(s / 65536) & 0xffff;
    this.image.inputRegister[p.address + 1] = s & 0xffff;
  }

  /** The section id of a 1-based section number; exception 03 when there is none. */
  private sectionOf(n: number): string {
    const sec = this.sim.model.sections[n - 1];
    if (!(n >= 1) || !sec) fail(EXCEPTION.illegalDataValue, `faultSection ${n} is not a section number (1..${this.sim.model.sections.length})`);
    return sec.id;
  }

  /** The device index of a 1-based device number that a crew can operate; exception 03 when there is none. */
  private crewDeviceOf(n: number): number {
    const dev = this.sim.model.devices[n - 1];
    if (!(n >= 1) || !dev) fail(EXCEPTION.illegalDataValue, `crewDevice ${n} is not a device number (1..${this.sim.model.devices.length})`);
    if (dev.type === 'fuse') fail(EXCEPTION.illegalDataValue, `crewDevice ${n} is fuse "${dev.id}": crews replace fuses by repairing the fault`);
    return n - 1;
  }

  protected onWrite(p: CompiledPoint, value: Value): boolean {
    const on = value === true;
    const by = `control unit ${this.unitId}`;
    switch (p.name) {
      case 'faultSection': this.faultSection = value as number; break;
      case 'faultType': this.faultType = value as number; break;
      case 'faultPermanent': this.faultPermanent = value as number; break;
      case 'faultOhm': this.faultOhm = value as number; break;
      case 'faultPositionPct': this.faultPositionPct = value as number; break;
      case 'faultPhase': this.faultPhase = value as number; break;
      case 'crewDevice': this.crewDevice = value as number; break;
      case 'crewOpen':
      case 'crewClose':
        // On site, as a crew would: no IED, no select-before-operate, the IED (if any) reads the new position back.
        if (on) this.sim.operate(this.crewDeviceOf(this.crewDevice), p.name === 'crewClose', 'crew (control unit)');
        break;
      case 'loadScalePct':
        this.sim.setLoadScale((value as number) / 100);
        break;
      case 'inject':
        if (on) {
          const section = this.sectionOf(this.faultSection);
          this.sim.inject({
            section, type: TYPES[this.faultType], permanent: this.faultPermanent === 1, impedanceOhm: this.faultOhm,
            position: this.faultPositionPct / 100, phase: PHASES[this.faultPhase],
          });
        }
        break;
      case 'repair':
        if (on) this.sim.repair(this.sectionOf(this.faultSection));
        break;
      case 'repairAll':
        if (on) this.sim.repairAll();
        break;
      case 'reset':
        if (on) this.sim.reset();
        break;
      case 'fpiResetAll':
        if (on) {
          for (const ied of this.sim.ieds) ied.resetPassage(by);
          for (const ied of this.sim.ieds) ied.refresh();
        }
        break;
      default:
        return false;
    }
    this.refresh();
    return true;
  }
}
