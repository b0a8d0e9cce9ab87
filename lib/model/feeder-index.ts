/**
 * Integer indexing of a feeder model: ids to dense indices, section endpoints, devices per section
 * and a compressed bus adjacency. Built once per model in O(N); topologies for any switch state are
 * then built from it without touching strings or maps, which is what optimisers need.
 */
import { PROTECTIVE_TYPES, type FeederModel, type SwitchStates } from './types';

export class FeederIndex {
  readonly model: FeederModel;
  readonly busIndex = new Map<string, number>();
  readonly sectionIndex = new Map<string, number>();
  readonly deviceIndex = new Map<string, number>();
  readonly loadPointIndex = new Map<string, number>();
  readonly sourceIndex = new Map<string, number>();

  readonly nBuses: number;
  readonly nSections: number;
  readonly nDevices: number;
  readonly nLoadPoints: number;

  /** Section endpoints as bus indices. */
  readonly secFrom: Int32Array;
  readonly secTo: Int32Array;
  /** Devices per section (CSR): devices of section s are devList[devStart[s] .. devStart[s+1]). */
  readonly devStart: Int32Array;
  readonly devList: Int32Array;
  /** Per device: section index, 1 when it sits at the section's `from` end, protective flag. */
  readonly devSection: Int32Array;
  readonly devAtFrom: Uint8Array;
  readonly devProtective: Uint8Array;
  /** Per device: 1 when normally closed. */
  readonly devNormallyClosed: Uint8Array;
  /** Bus adjacency over all sections (CSR): adjSec/adjBus of bus b in adjStart[b] .. adjStart[b+1]). */
  readonly adjStart: Int32Array;
  readonly adjSec: Int32Array;
  readonly adjBus: Int32Array;
  /** Source bus indices (one per source). */
  readonly sourceBus: Int32Array;
  /** Load point bus indices. */
  readonly lpBus: Int32Array;
  /** Section failure rate per year (λ/km × length, or the whole-section rate). */
  readonly secFailureRate: Float64Array;

  constructor(model: FeederModel) {
    this.model = model;
    model.buses.forEach((b, i) => this.busIndex.set(b.id, i));
    model.sections.forEach((s, i) => this.sectionIndex.set(s.id, i));
    model.devices.forEach((d, i) => this.deviceIndex.set(d.id, i));
    model.loadPoints.forEach((l, i) => this.loadPointIndex.set(l.id, i));
    model.sources.forEach((s, i) => this.sourceIndex.set(s.id, i));
    this.nBuses = model.buses.length;
    this.nSections = model.sections.length;
    this.nDevices = model.devices.length;
    this.nLoadPoints = model.loadPoints.length;

    const nS = this.nSections;
    this.secFrom = new Int32Array(nS);
    this.secTo = new Int32Array(nS);
    this.secFailureRate = new Float64Array(nS);
    for (let s = 0; s < nS; s++) {
      const sec = model.sections[s];
      this.secFrom[s] = this.bus(sec.from);
      this.secTo[s] = this.bus(sec.to);
      this.secFailureRate[s] = sectionFailureRate(sec);
    }

    const nD = this.nDevices;
    this.devSection = new Int32Array(nD);
    this.devAtFrom = new Uint8Array(nD);
    this.devProtective = new Uint8Array(nD);
    this.devNormallyClosed = new Uint8Array(nD);
    const counts = new Int32Array(nS + 1);
    for (let d = 0; d < nD; d++) {
      const dev = model.devices[d];
      const s = this.sectionIndex.get(dev.section);
      if (s === undefined) throw new Error(`devices[${d}] "${dev.id}": section "${dev.section}" does not exist`);
      this.devSection[d] = s;
      this.devAtFrom[d] = dev.end === 'to' ? 0 : 1;
      this.devProtective[d] = PROTECTIVE_TYPES.has(dev.type) ? 1 : 0;
      this.devNormallyClosed[d] = dev.normallyOpen ? 0 : 1;
      counts[s + 1]++;
    }
    for (let s = 0; s < nS; s++) counts[s + 1] += counts[s];
    this.devStart = counts;
    this.devList = new Int32Array(nD);
    const fill = counts.slice(0, nS);
    for (let d = 0; d < nD; d++) this.devList[fill[this.devSection[d]]++] = d;

    const deg = new Int32Array(this.nBuses + 1);
    for (let s = 0; s < nS; s++) {
      deg[this.secFrom[s] + 1]++;
      deg[this.secTo[s] + 1]++;
    }
    for (let b = 0; b < this.nBuses; b++) deg[b + 1] += deg[b];
    this.adjStart = deg;
    this.adjSec = new Int32Array(2 * nS);
    this.adjBus = new Int32Array(2 * nS);
    const pos = deg.slice(0, this.nBuses);
    for (let s = 0; s < nS; s++) {
      const f = this.secFrom[s];
      const t = this.secTo[s];
      this.adjSec[pos[f]] = s;
      this.adjBus[pos[f]++] = t;
      this.adjSec[pos[t]] = s;
      this.adjBus[pos[t]++] = f;
    }

    this.sourceBus = Int32Array.from(model.sources, (src) => this.bus(src.bus));
    this.lpBus = Int32Array.from(model.loadPoints, (lp) => this.bus(lp.bus));
  }

  private bus(id: string): number {
    const b = this.busIndex.get(id);
    if (b === undefined) throw new Error(`bus "${id}" does not exist`);
    return b;
  }

  /** Buses a source reaches with every device closed (1) — what could ever be supplied. */
  reachableFromSources(): Uint8Array {
    const seen = new Uint8Array(this.nBuses);
    const queue = new Int32Array(this.nBuses);
    let tail = 0;
    for (const b of this.sourceBus) if (!seen[b]) { seen[b] = 1; queue[tail++] = b; }
    for (let head = 0; head < tail; head++) {
      const u = queue[head];
      for (let k = this.adjStart[u]; k < this.adjStart[u + 1]; k++) {
        const v = this.adjBus[k];
        if (!seen[v]) { seen[v] = 1; queue[tail++] = v; }
      }
    }
    return seen;
  }

  /** The first device open under `closed` on section s at its from end (atFrom 1) or to end (0); -1 when none. */
  openDeviceAt(s: number, atFrom: number, closed: Uint8Array): number {
    for (let k = this.devStart[s]; k < this.devStart[s + 1]; k++) {
      const d = this.devList[k];
      if (this.devAtFrom[d] === atFrom && !closed[d]) return d;
    }
    return -1;
  }

  /**
   * Device closed-states for a switch state: normal states overlaid with `states`
   * (device id -> closed). Unknown ids are an error, so a typo never goes unnoticed.
   */
  deviceStates(states?: SwitchStates): Uint8Array {
    const closed = this.devNormallyClosed.slice();
    if (!states) return closed;
    const entries = states instanceof Map ? states.entries() : Object.entries(states);
    for (const [id, isClosed] of entries) {
      const d = this.deviceIndex.get(id);
      if (d === undefined) throw new Error(`switch state: device "${id}" does not exist`);
      if (typeof isClosed !== 'boolean') throw new Error(`switch state: device "${id}" must be true (closed) or false (open)`);
      closed[d] = isClosed ? 1 : 0;
    }
    return closed;
  }
}

export function sectionFailureRate(sec: { lengthKm: number; failureRatePerKmYr?: number; failureRatePerYr?: number }): number {
  if (sec.failureRatePerYr !== undefined) return sec.failureRatePerYr;
  return (sec.failureRatePerKmYr ?? 0) * sec.lengthKm;
}
