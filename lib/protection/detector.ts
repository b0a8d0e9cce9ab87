/**
 * The fault detector: consumes `ied/measurement` payloads (from the IED reader) and follows each
 * disturbance on a feeder from the first evidence (fault current above a pickup, a fault passage
 * flag, a trip flag or trip counter, a breaker opening) through trip, reclose and lockout.
 *
 * - A disturbance whose operated device recloses and stays closed for the reclaim time is
 *   transient (cause DTEF / DTSC); one that locks out is permanent (DPEF / DPSC). Lockout is the
 *   IED's lockout flag, trips beyond the device's reclose shots, or the device staying open longer
 *   than the longest dead time. A device that opens and closes with no fault evidence at all is an
 *   operational interruption (OP).
 * - Events: `fault/event` at lockout (for FDIR), when a transient fault is over, when a fault is
 *   cleared by something the detector does not see open (a fuse), and when a locked-out device is
 *   closed again. `reliability/interruption` records when the operated device is closed again
 *   (end known), with customers and average load downstream of it from the feeder model.
 * - IEEE Std 1366: an interruption of at most `momentaryThresholdMin` (5 min) is momentary.
 *
 * Time is the measurements' `ts` (epoch ms); `advance(now)` runs the reclaim and dead-time
 * timers between messages.
 */
import { Topology } from '../model/topology';
import type { FeederModel } from '../model/types';
import type { FeederIndex } from '../model/feeder-index';
import type { InterruptionMessage } from '../reliability/historical/types';
import { classifyFault, faultFamily, type Classification, type FaultType, type Phase } from './classify';
import { fastestElement, lowestPickupA, type OperatingElement, type ProtectionSettings } from './settings';

export interface DetectorFeeder {
  model: FeederModel;
  index: FeederIndex;
  topology: Topology;
}

export interface DetectorOptions {
  feeder?: DetectorFeeder | null;
  /** Settings for every IED, unless `overrides` has its id or its device id. */
  protection: ProtectionSettings;
  overrides?: Record<string, ProtectionSettings>;
  /** Reclaim time after a reclose (s): the fault is over when the device stays closed this long. */
  reclaimS: number;
  /** Longest reclose dead time (s): a device open longer than this has locked out. */
  maxDeadTimeS: number;
  /**
   * Time (s) the lockout event waits for late reports (fault passage flags and fault currents of
   * other IEDs arrive with the next polls), default 2.
   */
  settleS?: number;
  /** Reclose shots where the feeder model gives none for the device (null: unknown). */
  recloseShots?: number | null;
  /** IEEE 1366 momentary threshold (min); default the model's options.momentaryThresholdMin or 5. */
  momentaryThresholdMin?: number;
  /** Nominal line-to-line voltage (kV) for voltage dips; default the model's baseKV. */
  nominalKV?: number | null;
  dipPu?: number;
  /** Feeder name in events and records; default the model's name. */
  feederName?: string;
}

/** What the detector reads from an `ied/measurement` payload. */
export interface MeasurementInput {
  ied: string;
  device?: string | null;
  section?: string | null;
  ts: number;
  values: Record<string, unknown>;
  qualities?: Record<string, string>;
}

export type Cause = 'DPEF' | 'DPSC' | 'DTEF' | 'DTSC' | 'OP';

export interface PassageReport {
  ied: string;
  device: string | null;
  section: string | null;
  phases: Phase[];
  earth: boolean;
  peakA: { a: number | null; b: number | null; c: number | null; n: number | null };
}

export interface FaultEvent {
  id: string;
  feeder: string;
  stage: 'lockout' | 'transient' | 'cleared-elsewhere' | 'restored';
  /** true permanent, false transient, null when no monitored device operated. */
  permanent: boolean | null;
  ts: number;
  start: number;
  end: number | null;
  device: string | null;
  deviceType: string | null;
  ied: string | null;
  type: FaultType | null;
  phases: Phase[];
  earth: boolean;
  peakCurrentA: number | null;
  voltageDip: Classification['dip'];
  faultPassage: PassageReport[];
  /** IEDs of the same feeder that reported during the disturbance without seeing fault current. */
  noPassage: string[];
  element: OperatingElement | null;
  trips: number;
  recloses: number;
  lockout: boolean;
  lockoutBy: 'flag' | 'shots' | 'dead-time' | null;
  /** When the device locked out (epoch ms), or null. */
  lockoutAt: number | null;
  cause: Cause | null;
  class: 'momentary' | 'sustained' | null;
  durationMin: number | null;
  customersInterrupted: number;
  kWInterrupted: number;
}

export interface InterruptionRecord extends InterruptionMessage {
  ied: string | null;
  cause: Cause;
  faultType: FaultType | null;
}

export type DetectorOutput = { topic: 'fault/event'; payload: FaultEvent } | { topic: 'reliability/interruption'; payload: InterruptionRecord };

type Position = 'closed' | 'open' | 'intermediate' | 'bad';

interface IedInfo {
  id: string;
  device: string | null;
  section: string | null;
  /** The feeder an IED lies on (source and the section leaving it): disturbances are followed per feeder; '*' without a model. */
  feederKey: string;
  depth: number;
  settings: ProtectionSettings;
  phasePickupA: number | null;
  earthPickupA: number | null;
  values: Record<string, number | boolean>;
  position: Position | null;
  /** Trip counter as it was the last time no disturbance was followed on its feeder. */
  quietTripCount: number | null;
}

interface Passage {
  ied: IedInfo;
  phases: Set<Phase>;
  earth: boolean;
  peak: { a: number | null; b: number | null; c: number | null; n: number | null };
  minV: { a: number | null; b: number | null; c: number | null };
}

interface Episode {
  id: string;
  key: string;
  start: number;
  lastEvidence: number;
  faultSeen: boolean;
  tripSeen: boolean;
  passage: Map<string, Passage>;
  reporting: Set<string>;
  operated: IedInfo | null;
  /** Trips: the openings seen, or the trip counter's advance since before the episode when larger. */
  trips: number;
  openings: number;
  /** The operated IED's trip counter before the episode, when it reports one. */
  counterBase: number | null;
  recloses: number;
  firstTrip: number | null;
  lastTrip: number | null;
  lastClose: number | null;
  stage: 'pickup' | 'open' | 'reclosed' | 'lockout';
  lockoutBy: FaultEvent['lockoutBy'];
  lockoutAt: number | null;
  reclaimUntil: number;
  affected: { customers: number; kW: number };
  lockoutEventSent: boolean;
}

const CURRENT = { a: 'iaA', b: 'ibA', c: 'icA', n: 'inA' } as const;
const LATCHED = { a: 'faultIaA', b: 'faultIbA', c: 'faultIcA', n: 'faultInA' } as const;
const FPI = { A: 'fpiA', B: 'fpiB', C: 'fpiC', E: 'fpiE' } as const;

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export class FaultDetector {
  private readonly ieds = new Map<string, IedInfo>();
  /** Disturbances being followed, one per feeder (see feederKey). */
  private readonly episodes = new Map<string, Episode>();
  /** Locked-out (or operator-opened) devices waiting to be closed again, by device id. */
  private readonly locked = new Map<string, Episode>();
  private readonly settleMs: number;
  private readonly feederName: string;
  private readonly momentaryMin: number;
  private readonly nominalPhaseKV: number | null;
  private seq = 0;

  constructor(readonly options: DetectorOptions) {
    if (!(options.reclaimS > 0)) throw new Error(`reclaimS must be above 0 s (got ${options.reclaimS})`);
    if (!(options.maxDeadTimeS > 0)) throw new Error(`maxDeadTimeS must be above 0 s (got ${options.maxDeadTimeS})`);
    const settle = options.settleS ?? 2;
    if (!(settle >= 0 && settle <= 600)) throw new Error(`settleS must be 0..600 s (got ${options.settleS})`);
    this.settleMs = settle * 1000;
    const rs = options.recloseShots;
    if (rs !== undefined && rs !== null && !(Number.isInteger(rs) && rs >= 0 && rs <= 10)) throw new Error(`recloseShots must be a whole number 0..10 (got ${rs})`);
    const model = options.feeder?.model;
    this.feederName = options.feederName ?? model?.name ?? 'feeder';
    this.momentaryMin = options.momentaryThresholdMin ?? model?.options?.momentaryThresholdMin ?? 5;
    const kv = options.nominalKV ?? model?.baseKV ?? null;
    this.nominalPhaseKV = kv ? kv / Math.sqrt(3) : null;
    for (const d of model?.ieds ?? []) this.ieds.set(d.id, this.describeIed(d.id, d.device ?? null, d.section ?? null));
  }

  private settingsFor(id: string, device: string | null): ProtectionSettings {
    const o = this.options.overrides ?? {};
    return o[id] ?? (device ? o[device] : undefined) ?? this.options.protection;
  }

  private describeIed(id: string, device: string | null, section: string | null): IedInfo {
    const f = this.options.feeder;
    let feederKey = '*';
    let depth = 0;
    if (f) {
      const ix = f.index;
      let s = -1;
      if (device !== null) {
        const d = ix.deviceIndex.get(device);
        if (d === undefined) throw new Error(`IED "${id}": device "${device}" is not in feeder "${this.feederName}"`);
        s = ix.devSection[d];
      } else if (section !== null) {
        const si = ix.sectionIndex.get(section);
        if (si === undefined) throw new Error(`IED "${id}": section "${section}" is not in feeder "${this.feederName}"`);
        s = si;
      }
      if (s >= 0) {
        const t = f.topology;
        const bus = t.secDown[s] >= 0 ? t.secDown[s] : ix.secFrom[s];
        depth = t.depth[bus];
        const src = t.busSource[bus];
        // One disturbance per feeder (the section leaving the source that the IED lies under), not per
        // substation: a fault on one feeder and an operator's switching on another are two episodes.
        let head = bus;
        while (t.parentBus[head] >= 0 && t.parentBus[t.parentBus[head]] >= 0) head = t.parentBus[head];
        const feederSection = t.parentSec[head] >= 0 ? f.model.sections[t.parentSec[head]].id : '';
        feederKey = src >= 0 ? `${f.model.sources[src].id}/${feederSection}` : '*';
      }
    }
    const settings = this.settingsFor(id, device);
    return { id, device, section, feederKey, depth, settings, phasePickupA: lowestPickupA(settings, 'phase'), earthPickupA: lowestPickupA(settings, 'earth'), values: {}, position: null, quietTripCount: null };
  }

  /** Disturbances being followed and devices waiting to be closed again (for status). */
  get activeCount(): number {
    return this.episodes.size;
  }

  get lockedCount(): number {
    return this.locked.size;
  }

  /** Takes one measurement payload; returns the events it completes. Throws naming what is wrong. */
  ingest(raw: unknown): DetectorOutput[] {
    const m = this.check(raw);
    const out = this.advance(m.ts);
    let info = this.ieds.get(m.ied);
    if (!info) {
      if (this.options.feeder) throw new Error(`IED "${m.ied}" is not in feeder "${this.feederName}" (its ieds are ${[...this.ieds.keys()].map((k) => `"${k}"`).join(', ') || 'none'})`);
      info = this.describeIed(m.ied, m.device ?? null, m.section ?? null);
      this.ieds.set(m.ied, info);
    }
    const prev = info.values;
    if (!this.episodes.has(info.feederKey) && isNum(prev.tripCount)) info.quietTripCount = prev.tripCount;
    const now: Record<string, number | boolean> = { ...prev };
    const fresh = new Set<string>();
    for (const [k, v] of Object.entries(m.values)) {
      const q = m.qualities?.[k];
      if (q !== undefined && q !== 'good' && q !== 'out-of-range') continue; // stale / comms-failed values are not news
      if (typeof v === 'number' || typeof v === 'boolean') {
        now[k] = v;
        fresh.add(k);
      }
    }
    info.values = now;

    // ---- evidence of a fault at this IED ----
    const phP = info.phasePickupA;
    const eaP = info.earthPickupA;
    const live = { a: now[CURRENT.a], b: now[CURRENT.b], c: now[CURRENT.c], n: now[CURRENT.n] };
    const seen: { a: number | null; b: number | null; c: number | null; n: number | null } = { a: null, b: null, c: null, n: null };
    let evidence = false;
    const inThisMessage = (k: string): boolean => fresh.has(k);
    for (const ph of ['a', 'b', 'c', 'n'] as const) {
      const limit = ph === 'n' ? eaP : phP;
      if (limit === null) continue;
      const cur = live[ph];
      if (isNum(cur) && cur > limit && inThisMessage(CURRENT[ph])) {
        seen[ph] = cur;
        evidence = true;
      }
      const latched = now[LATCHED[ph]];
      if (isNum(latched) && latched > limit && inThisMessage(LATCHED[ph]) && latched !== prev[LATCHED[ph]]) {
        seen[ph] = Math.max(seen[ph] ?? 0, latched);
        evidence = true;
      }
    }
    const flagged: Phase[] = [];
    let earthFlag = false;
    for (const ph of ['A', 'B', 'C', 'E'] as const) {
      const k = FPI[ph];
      if (now[k] === true && prev[k] !== true && inThisMessage(k)) {
        evidence = true;
        if (ph === 'E') earthFlag = true;
        else flagged.push(ph);
      }
    }
    const tripFlag = now.tripped === true && prev.tripped !== true && inThisMessage('tripped');
    const tripDelta = isNum(now.tripCount) && isNum(prev.tripCount) && now.tripCount > prev.tripCount ? now.tripCount - prev.tripCount : 0;
    const lockoutFlag = now.lockout === true && prev.lockout !== true && inThisMessage('lockout');

    const key = info.feederKey;
    let ep = this.episodes.get(key);
    const openEpisode = (): Episode => {
      if (!ep) {
        ep = {
          id: `F${m.ts}-${++this.seq}`, key, start: m.ts, lastEvidence: m.ts, faultSeen: false, tripSeen: false,
          passage: new Map(), reporting: new Set(), operated: null, trips: 0, openings: 0, counterBase: null, recloses: 0, firstTrip: null, lastTrip: null,
          lastClose: null, stage: 'pickup', lockoutBy: null, lockoutAt: null, reclaimUntil: Infinity, affected: { customers: 0, kW: 0 }, lockoutEventSent: false,
        };
        this.episodes.set(key, ep);
      }
      return ep;
    };
    // Only an IED that sent fresh values can say it did not see the fault.
    if (ep && fresh.size) ep.reporting.add(info.id);

    if (evidence) {
      const e = openEpisode();
      e.faultSeen = true;
      e.lastEvidence = m.ts;
      e.reporting.add(info.id);
      let p = e.passage.get(info.id);
      if (!p) {
        p = { ied: info, phases: new Set(), earth: false, peak: { a: null, b: null, c: null, n: null }, minV: { a: null, b: null, c: null } };
        e.passage.set(info.id, p);
      }
      for (const ph of ['a', 'b', 'c'] as const) {
        if (seen[ph] !== null) {
          p.phases.add(ph.toUpperCase() as Phase);
          p.peak[ph] = Math.max(p.peak[ph] ?? 0, seen[ph]!);
        }
      }
      if (seen.n !== null) {
        p.earth = true;
        p.peak.n = Math.max(p.peak.n ?? 0, seen.n);
      }
      for (const ph of flagged) p.phases.add(ph);
      if (earthFlag) p.earth = true;
    }
    const ePass = ep ? (ep as Episode).passage.get(info.id) : undefined;
    if (ePass) {
      for (const [ph, k] of [['a', 'vanKV'], ['b', 'vbnKV'], ['c', 'vcnKV']] as const) {
        const v = now[k];
        if (isNum(v) && inThisMessage(k)) ePass.minV[ph] = ePass.minV[ph] === null ? v : Math.min(ePass.minV[ph]!, v);
      }
    }
    if (tripFlag || tripDelta > 0) {
      const e = openEpisode();
      e.tripSeen = true;
      e.lastEvidence = m.ts;
    }

    // ---- the breaker / switch this IED watches ----
    const pos = this.position(now);
    const before = info.position;
    info.position = pos;
    if (info.device !== null && before === 'closed' && pos === 'open') {
      const e = openEpisode();
      if (!e.operated) this.operatedBy(e, info, m.ts);
      if (e.operated === info) {
        e.openings++;
        e.lastTrip = m.ts;
        e.stage = e.stage === 'lockout' ? 'lockout' : 'open';
        e.reclaimUntil = Infinity;
      }
    } else if (info.device !== null && before === 'open' && pos === 'closed' && this.locked.get(info.device)?.operated === info) {
      out.push(...this.finish(this.locked.get(info.device)!, m.ts));
    } else if (ep && (ep as Episode).operated === info && before === 'open' && pos === 'closed') {
      const e = ep as Episode;
      if (e.stage === 'lockout' || !(e.faultSeen || e.tripSeen)) {
        out.push(...this.finish(e, m.ts));
      } else {
        e.recloses++;
        e.lastClose = m.ts;
        e.stage = 'reclosed';
        e.reclaimUntil = m.ts + this.options.reclaimS * 1000;
      }
    }
    const cur = this.episodes.get(key);
    if (cur && cur.operated === info) {
      // The counter catches trip-reclose cycles that fell between two polls; positions and counters
      // arrive in different reads, so the larger of the two counts is the number of trips.
      const counter = now.tripCount;
      cur.trips = Math.max(cur.openings, isNum(counter) && cur.counterBase !== null ? counter - cur.counterBase : 0);
      const shots = this.shotsFor(info);
      if (cur.stage === 'open' && shots !== null && cur.trips > shots && (cur.faultSeen || cur.tripSeen)) out.push(...this.lockout(cur, m.ts, 'shots'));
    }
    if (lockoutFlag && info.device !== null && !this.locked.has(info.device)) {
      const e = openEpisode();
      if (!e.operated) {
        this.operatedBy(e, info, m.ts);
        e.lastTrip = m.ts;
        e.openings = Math.max(1, e.openings);
        e.trips = Math.max(1, e.trips);
      }
      if (e.operated === info && e.stage !== 'lockout') {
        e.tripSeen = true;
        out.push(...this.lockout(e, m.ts, 'flag'));
      }
    }
    return out;
  }

  private operatedBy(e: Episode, info: IedInfo, ts: number): void {
    e.operated = info;
    e.firstTrip = ts;
    e.counterBase = info.quietTripCount;
    e.affected = this.affected(info);
  }

  /** Runs the timers up to `now`: reclaim (transient), dead time (lockout), settle (lockout event), fault reset (cleared elsewhere). */
  advance(now: number): DetectorOutput[] {
    const out: DetectorOutput[] = [];
    for (const e of [...this.episodes.values()]) {
      if (e.stage === 'reclosed' && now >= e.reclaimUntil) {
        out.push(...this.finish(e, e.reclaimUntil));
      } else if (e.stage === 'open' && e.lastTrip !== null && now - e.lastTrip >= this.options.maxDeadTimeS * 1000) {
        const at = e.lastTrip + this.options.maxDeadTimeS * 1000;
        if (e.faultSeen || e.tripSeen) out.push(...this.lockout(e, at, 'dead-time'));
        else this.park(e); // opened by an operator: an OP record follows when it closes
      } else if (e.stage === 'pickup' && now - e.lastEvidence >= this.options.reclaimS * 1000 && !this.stillFaulted(e)) {
        out.push(...this.finish(e, e.lastEvidence + this.options.reclaimS * 1000));
      }
      if (e.stage === 'lockout' && !e.lockoutEventSent && e.lockoutAt !== null && now >= e.lockoutAt + this.settleMs) {
        out.push(...this.sendLockout(e, e.lockoutAt + this.settleMs));
      }
    }
    return out;
  }

  /** Some IED that saw the fault still measures current above its pickup. */
  private stillFaulted(e: Episode): boolean {
    for (const p of e.passage.values()) {
      const v = p.ied.values;
      const ph = p.ied.phasePickupA;
      const ea = p.ied.earthPickupA;
      if (ph !== null && [v.iaA, v.ibA, v.icA].some((i) => isNum(i) && i > ph)) return true;
      if (ea !== null && isNum(v.inA) && v.inA > ea) return true;
    }
    return false;
  }

  /** Moves a locked-out (or operator-opened) episode aside, freeing its feeder for the next disturbance. */
  private park(e: Episode): void {
    e.stage = 'lockout';
    this.episodes.delete(e.key);
    if (e.operated?.device) this.locked.set(e.operated.device, e);
  }

  private check(raw: unknown): MeasurementInput {
    const where = 'fault detector input';
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: payload must be an ied/measurement object {ied, ts, values} (got ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw) ?? typeof raw})`);
    const m = raw as Record<string, unknown>;
    if (typeof m.ied !== 'string' || !m.ied) throw new Error(`${where}: payload.ied must be the IED id (got ${JSON.stringify(m.ied)})`);
    if (!isNum(m.ts)) throw new Error(`${where}: IED "${m.ied}": payload.ts must be epoch milliseconds (got ${JSON.stringify(m.ts)})`);
    if (!m.values || typeof m.values !== 'object' || Array.isArray(m.values)) throw new Error(`${where}: IED "${m.ied}": payload.values must be an object of point values (got ${JSON.stringify(m.values)})`);
    for (const [k, v] of Object.entries(m.values as Record<string, unknown>)) {
      if (v !== null && typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`${where}: IED "${m.ied}": values.${k} must be a number or boolean (got ${JSON.stringify(v)})`);
    }
    if (m.qualities !== undefined && (typeof m.qualities !== 'object' || m.qualities === null)) throw new Error(`${where}: IED "${m.ied}": payload.qualities must be an object`);
    return m as unknown as MeasurementInput;
  }

  private position(v: Record<string, number | boolean>): Position | null {
    const c = v.breakerClosed;
    const o = v.breakerOpen;
    if (c === undefined && o === undefined) return null;
    if (c === true && o === true) return 'bad';
    if (c === true) return 'closed';
    if (o === true) return 'open';
    if (c === false && o === false) return 'intermediate';
    return c === false ? 'open' : 'closed';
  }

  private shotsFor(info: IedInfo): number | null {
    const d = info.device && this.options.feeder ? this.options.feeder.model.devices[this.options.feeder.index.deviceIndex.get(info.device)!] : undefined;
    return d?.recloseShots ?? this.options.recloseShots ?? null;
  }

  /** Customers and average load downstream of the operated device, under the positions the IEDs report. */
  private affected(info: IedInfo): { customers: number; kW: number } {
    const f = this.options.feeder;
    if (!f || !info.device) return { customers: 0, kW: 0 };
    const states: Record<string, boolean> = {};
    for (const other of this.ieds.values()) {
      if (other.device && other.position && other.position !== 'intermediate' && other.position !== 'bad') states[other.device] = other.position === 'closed';
    }
    states[info.device] = true; // as it was just before it opened
    let topo = f.topology;
    try {
      topo = new Topology(f.index, states);
    } catch {
      // A reported state that meshes the feeder: fall back to normal switch states.
    }
    const d = topo.downstream({ device: info.device });
    return { customers: d.customers, kW: d.avgKW };
  }

  /** Marks lockout; the event follows after the settle time (advance), or at once when settleS is 0. */
  private lockout(e: Episode, at: number, by: NonNullable<FaultEvent['lockoutBy']>): DetectorOutput[] {
    e.stage = 'lockout';
    e.lockoutBy = by;
    e.lockoutAt = at;
    return this.settleMs === 0 ? this.sendLockout(e, at) : [];
  }

  private sendLockout(e: Episode, ts: number): DetectorOutput[] {
    if (e.lockoutEventSent) return [];
    e.lockoutEventSent = true;
    this.park(e);
    return [{ topic: 'fault/event', payload: this.event(e, 'lockout', ts, null) }];
  }

  /** Closes an episode at time `at` and emits what it completes. */
  private finish(e: Episode, at: number): DetectorOutput[] {
    const out: DetectorOutput[] = [];
    // A device closed again before the lockout event went out: FDIR still hears of the lockout first.
    if (e.stage === 'lockout' && !e.lockoutEventSent && (e.faultSeen || e.tripSeen)) out.push(...this.sendLockout(e, at));
    if (this.episodes.get(e.key) === e) this.episodes.delete(e.key);
    if (e.operated?.device && this.locked.get(e.operated.device) === e) this.locked.delete(e.operated.device);
    const fault = e.faultSeen || e.tripSeen;
    if (!e.operated) {
      if (fault) out.push({ topic: 'fault/event', payload: this.event(e, 'cleared-elsewhere', at, null) });
      return out;
    }
    const end = e.stage === 'reclosed' ? e.lastClose! : at;
    if (fault) out.push({ topic: 'fault/event', payload: this.event(e, e.stage === 'lockout' ? 'restored' : 'transient', at, end) });
    out.push({ topic: 'reliability/interruption', payload: this.record(e, end) });
    return out;
  }

  private classification(e: Episode): { c: Classification | null; top: Passage | null } {
    let top: Passage | null = null;
    const size = (p: Passage): number => Math.max(p.peak.a ?? 0, p.peak.b ?? 0, p.peak.c ?? 0);
    for (const p of e.passage.values()) {
      if (!top || size(p) > size(top) || (size(p) === size(top) && p.ied.depth < top.ied.depth)) top = p;
    }
    if (!top) return { c: null, top: null };
    const obs = {
      iaA: top.peak.a, ibA: top.peak.b, icA: top.peak.c, inA: top.peak.n,
      fpiA: top.phases.has('A'), fpiB: top.phases.has('B'), fpiC: top.phases.has('C'), fpiE: top.earth,
      vanKV: top.minV.a, vbnKV: top.minV.b, vcnKV: top.minV.c,
    };
    return { c: classifyFault(obs, { phasePickupA: top.ied.phasePickupA, earthPickupA: top.ied.earthPickupA, nominalPhaseKV: this.nominalPhaseKV, dipPu: this.options.dipPu }), top };
  }

  private cause(e: Episode, permanent: boolean, type: FaultType | null): Cause {
    if (!(e.faultSeen || e.tripSeen)) return 'OP';
    // A trip with no current or flag evidence is a fault of unknown kind: the protection says short circuit unless earth is seen.
    const family = type ? faultFamily(type) : 'SC';
    return `${permanent ? 'DP' : 'DT'}${family}` as Cause;
  }

  private event(e: Episode, stage: FaultEvent['stage'], ts: number, end: number | null): FaultEvent {
    const { c, top } = this.classification(e);
    const permanent = e.operated ? e.stage === 'lockout' : null;
    const durationMin = end !== null && e.firstTrip !== null ? (end - e.firstTrip) / 60000 : null;
    const settingsIed = e.operated ?? top?.ied ?? null;
    let element: OperatingElement | null = null;
    if (settingsIed && top) {
      const phase = Math.max(top.peak.a ?? -Infinity, top.peak.b ?? -Infinity, top.peak.c ?? -Infinity);
      element = fastestElement(settingsIed.settings, Number.isFinite(phase) ? phase : null, top.peak.n);
    }
    const passage = [...e.passage.values()].sort((x, y) => x.ied.depth - y.ied.depth || x.ied.id.localeCompare(y.ied.id));
    const device = e.operated?.device ?? null;
    const model = this.options.feeder?.model;
    const deviceType = device && model ? model.devices.find((d) => d.id === device)?.type ?? null : null;
    return {
      id: e.id,
      feeder: this.feederName,
      stage,
      permanent,
      ts,
      start: e.firstTrip ?? e.start,
      end,
      device,
      deviceType,
      ied: e.operated?.id ?? null,
      type: c?.type ?? null,
      phases: c?.phases ?? [],
      earth: c?.earth ?? false,
      peakCurrentA: c ? (c.type === 'earth' ? c.residualA : c.peakPhaseA) : null,
      voltageDip: c?.dip ?? null,
      faultPassage: passage.map((p) => ({
        ied: p.ied.id, device: p.ied.device, section: p.ied.section, phases: [...p.phases].sort(), earth: p.earth, peakA: { ...p.peak },
      })),
      noPassage: [...e.reporting].filter((id) => !e.passage.has(id)).sort(),
      element,
      trips: e.trips,
      recloses: e.recloses,
      lockout: e.stage === 'lockout',
      lockoutBy: e.lockoutBy,
      lockoutAt: e.lockoutAt,
      // Without an operated device the interruption (if any) is not known: no cause code.
      cause: e.operated ? this.cause(e, permanent === true, c?.type ?? null) : null,
      class: durationMin === null ? null : durationMin <= this.momentaryMin ? 'momentary' : 'sustained',
      durationMin,
      customersInterrupted: e.affected.customers,
      kWInterrupted: e.affected.kW,
    };
  }

  private record(e: Episode, end: number): InterruptionRecord {
    const { c } = this.classification(e);
    const durationMin = (end - e.firstTrip!) / 60000;
    const cause = this.cause(e, e.stage === 'lockout', c?.type ?? null);
    const r: InterruptionRecord = {
      id: e.id,
      feeder: this.feederName,
      device: e.operated!.device!,
      ied: e.operated!.id,
      start: e.firstTrip!,
      end,
      durationMin,
      customersInterrupted: e.affected.customers,
      kWInterrupted: e.affected.kW,
      momentary: durationMin <= this.momentaryMin,
      cause,
      faultType: c?.type ?? null,
    };
    // Faults are unplanned; whether an operational opening was scheduled is not visible here.
    if (cause !== 'OP') r.planned = false;
    return r;
  }
}
