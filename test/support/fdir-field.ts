/**
 * A scripted field for FDIR tests: IEDs on the dms-standard-ied map that report their device's
 * position, fault passage, power and command feedback as `ied/measurement` payloads, and act on
 * node-red-contrib-modbus Flex-Write payloads (select, operate, cancel) as the map describes —
 * with devices that can be put in local mode (commands refused), stuck (commands accepted, no
 * movement) or silent (comms lost: only stale reports).
 */
import type { FieldIed, FlexWrite } from '../../lib/fdir/field';
import type { IedMeasurement } from '../../lib/ied/types';
import type { FeederModel } from '../../lib/model/types';

export class FakeField {
  readonly closed: Record<string, boolean> = {};
  readonly local = new Set<string>();
  readonly stuck = new Set<string>();
  readonly silent = new Set<string>();
  readonly passage = new Set<string>();
  readonly pKW: Record<string, number> = {};
  private readonly armed = new Map<string, 'open' | 'close'>();
  private readonly result = new Map<string, number>();
  readonly writes: Array<FlexWrite & { point: string; ied: string }> = [];

  constructor(readonly model: FeederModel, readonly ieds: FieldIed[]) {
    for (const d of model.devices) this.closed[d.id] = !d.normallyOpen;
  }

  private ied(id: string): FieldIed {
    const i = this.ieds.find((x) => x.id === id);
    if (!i) throw new Error(`no IED ${id}`);
    return i;
  }

  iedOf(device: string): FieldIed {
    const i = this.ieds.find((x) => x.device === device);
    if (!i) throw new Error(`no IED on ${device}`);
    return i;
  }

  /** Everything an IED reports now (all points good), or a stale report when it is silent. */
  measurement(iedId: string, ts: number): IedMeasurement {
    const ied = this.ied(iedId);
    const dev = ied.device!;
    if (this.silent.has(iedId)) {
      const names = ['breakerClosed', 'breakerOpen', 'fpiA', 'fpiB', 'fpiC', 'fpiE', 'pKW'];
      return {
        ied: iedId, device: dev, section: null, unitId: ied.unitId, ts, quality: 'stale', reason: 'stale',
        values: Object.fromEntries(names.map((n) => [n, null])), qualities: Object.fromEntries(names.map((n) => [n, 'stale' as const])),
      };
    }
    const closed = this.closed[dev];
    const fp = this.passage.has(dev);
    const values: Record<string, number | boolean> = {
      breakerClosed: closed, breakerOpen: !closed, fpiA: fp, fpiB: fp, fpiC: fp, fpiE: false,
      pKW: closed ? this.pKW[dev] ?? 0 : 0, qKvar: closed ? (this.pKW[dev] ?? 0) * 0.4843 : 0,
      remote: !this.local.has(dev), selectArmed: this.armed.has(dev), commandResult: this.result.get(dev) ?? 0,
    };
    return {
      ied: iedId, device: dev, section: null, unitId: ied.unitId, ts, quality: 'good', reason: 'change',
      values, qualities: Object.fromEntries(Object.keys(values).map((k) => [k, 'good' as const])),
    };
  }

  all(ts: number): IedMeasurement[] {
    return this.ieds.map((i) => this.measurement(i.id, ts));
  }

  /** Acts on a Flex-Write payload; returns the measurement reporting its effect (null when the IED is silent). */
  write(w: FlexWrite, ts: number): IedMeasurement | null {
    const ied = this.ieds.find((x) => x.unitId === w.unitid);
    if (!ied) throw new Error(`no IED on unit ${w.unitid}`);
    const point = ied.profile.map.points.find((p) => p.table === (w.fc === 5 ? 'coil' : 'holdingRegister') && p.address === w.address);
    if (!point) throw new Error(`unit ${w.unitid}: nothing at ${w.fc === 5 ? 'coil' : 'holding register'} ${w.address}`);
    this.writes.push({ ...w, point: point.name, ied: ied.id });
    if (this.silent.has(ied.id)) return null;
    const dev = ied.device!;
    if (this.local.has(dev)) {
      this.result.set(dev, 5);
    } else if (point.name === 'selectOpen' || point.name === 'selectClose') {
      this.armed.set(dev, point.name === 'selectOpen' ? 'open' : 'close');
      this.result.set(dev, point.name === 'selectOpen' ? 1 : 2);
    } else if (point.name === 'cancel') {
      this.armed.delete(dev);
      this.result.set(dev, 7);
    } else if (point.name === 'operate') {
      const a = this.armed.get(dev);
      this.armed.delete(dev);
      if (!a) this.result.set(dev, 4);
      else {
        this.result.set(dev, 3);
        if (!this.stuck.has(dev)) this.closed[dev] = a === 'close';
      }
    }
    return this.measurement(ied.id, ts);
  }
}

/** Two feeders from one substation, automated switches, an automated tie between their ends. */
export function twoFeeders(tieCapacityKW?: number): FeederModel {
  const sec = (id: string, from: string, to: string, kind: 'main' | 'tie' = 'main') => ({ id, from, to, lengthKm: 1, failureRatePerKmYr: 0.1, repairHours: 4, rOhm: 0.3, xOhm: 0.35, ratingA: 400, kind });
  const sw = (id: string, section: string, type: 'breaker' | 'switch' | 'tie' = 'switch', normallyOpen = false) => ({ id, type, section, end: 'from' as const, normallyOpen, automated: true, switchingHours: 0.0167, ...(type === 'tie' && tieCapacityKW !== undefined ? { capacityKW: tieCapacityKW } : {}) });
  return {
    format: 'dms-feeder/1', name: 'two feeders', baseKV: 11,
    buses: ['SS', 'A1', 'A2', 'A3', 'B1', 'B2'].map((id) => ({ id })),
    sources: [{ id: 'SUB', bus: 'SS', kind: 'substation' }],
    sections: [sec('LA1', 'SS', 'A1'), sec('LA2', 'A1', 'A2'), sec('LA3', 'A2', 'A3'), sec('LB1', 'SS', 'B1'), sec('LB2', 'B1', 'B2'), sec('LT', 'A3', 'B2', 'tie')],
    devices: [sw('CBA', 'LA1', 'breaker'), sw('SA2', 'LA2'), sw('SA3', 'LA3'), sw('CBB', 'LB1', 'breaker'), sw('NOP', 'LT', 'tie', true)],
    loadPoints: [
      { id: 'P1', bus: 'A1', customers: 100, avgKW: 300, peakKW: 400 },
      { id: 'P2', bus: 'A2', customers: 50, avgKW: 200, peakKW: 300, priority: 1 },
      { id: 'P3', bus: 'A3', customers: 80, avgKW: 250, peakKW: 350 },
      { id: 'P4', bus: 'B1', customers: 60, avgKW: 150, peakKW: 200 },
      { id: 'P5', bus: 'B2', customers: 40, avgKW: 100, peakKW: 150 },
    ],
  };
}

/** The fault detector's lockout event for a fault on LA2 (CBA locked out; CBA and SA2 saw fault current). */
export function lockoutEvent(ts: number, passage: string[] = ['IED-CBA', 'IED-SA2']): Record<string, unknown> {
  return {
    id: 'F1', feeder: 'two feeders', stage: 'lockout', permanent: true, ts, start: ts - 20000, end: null, device: 'CBA', deviceType: 'breaker', ied: 'IED-CBA',
    faultPassage: passage.map((ied) => ({ ied, device: ied.slice(4), section: null, phases: ['A', 'B', 'C'], earth: false, peakA: { a: 3000, b: 3000, c: 3000, n: null } })),
    noPassage: [], cause: 'DPSC', lockout: true,
  };
}
