/**
 * Refuses a record already counted: the same id again, or an interval overlapping one already
 * accepted on the same feeder and device (the same outage logged twice, e.g. by the fault detector
 * and by FDIR, or a file imported twice). Accepted intervals of one device are disjoint and kept
 * sorted, so a check is a binary search and two neighbour comparisons.
 *
 * A record that names its load points (FDIR's groups restored together) is logged per load point:
 * groups of one device's interruption may overlap in time, but not share a load point, and none may
 * overlap a record of the same device that covers everyone behind it (as the fault detector logs).
 *
 * Memory is bounded by a horizon: entries starting more than `horizonDays` before the newest start
 * seen are forgotten, so a record older than that is checked only against what is still held
 * (such records are counted as `beyondHorizon`).
 */
import type { InterruptionRecord } from './types';

const DAY_MS = 86_400_000;
const PRUNE_EVERY = 1024;

interface DeviceLog {
  feeder: string;
  device: string;
  /** Set for the log of one load point behind the device. */
  loadPoint?: string;
  starts: number[];
  ends: number[];
  ids: string[];
  head: number;
}

export interface DuplicateGuardState {
  horizonDays: number;
  newestStartMs: number | null;
  beyondHorizon: number;
  /** [feeder, device, [[id, startMs, endMs], ...], load point (for a load point's log)] */
  devices: Array<[string, string, Array<[string, number, number]>, string?]>;
}

export class DuplicateGuard {
  private readonly ids = new Map<string, string>();
  private readonly devices = new Map<string, DeviceLog>();
  /** The load point logs under each device key. */
  private readonly parts = new Map<string, Set<string>>();
  private newest = -Infinity;
  private sincePrune = 0;
  beyondHorizon = 0;

  constructor(readonly horizonDays = 400) {}

  /** The device key every module shares: feeder and device. */
  static key(feeder: string, device: string): string {
    return `${feeder}\u0001${device}`;
  }

  private static partKey(key: string, loadPoint: string): string {
    return `${key}\u0002${loadPoint}`;
  }

  /** Why `rec` duplicates an accepted record, or null when it does not. `key` = DuplicateGuard.key(feeder, device). */
  check(rec: InterruptionRecord, key = DuplicateGuard.key(rec.feeder, rec.device)): string | null {
    if (this.ids.has(rec.id)) return `duplicate id "${rec.id}" (already recorded)`;
    const whole = this.overlapIn(rec, key);
    if (whole) return whole;
    const keys = rec.loadPoints ? rec.loadPoints.map((lp) => DuplicateGuard.partKey(key, lp)) : this.parts.get(key) ?? [];
    for (const k of keys) {
      const part = this.overlapIn(rec, k);
      if (part) return part;
    }
    return null;
  }

  private overlapIn(rec: InterruptionRecord, key: string): string | null {
    const log = this.devices.get(key);
    if (!log) return null;
    const i = upperBound(log.starts, rec.startMs, log.head) - 1; // last start ≤ rec.startMs
    if (i >= log.head && (log.starts[i] === rec.startMs || log.ends[i] > rec.startMs)) return overlapReason(rec, log, i);
    const j = i + 1;
    if (j < log.starts.length && log.starts[j] < rec.endMs) return overlapReason(rec, log, j);
    return null;
  }

  accept(rec: InterruptionRecord, key = DuplicateGuard.key(rec.feeder, rec.device)): void {
    if (rec.startMs < this.newest - this.horizonDays * DAY_MS) this.beyondHorizon++;
    if (rec.loadPoints) {
      let parts = this.parts.get(key);
      if (!parts) this.parts.set(key, (parts = new Set()));
      for (const lp of rec.loadPoints) {
        const k = DuplicateGuard.partKey(key, lp);
        parts.add(k);
        this.enter(rec, k, lp);
      }
    } else this.enter(rec, key);
    this.ids.set(rec.id, key);
    if (rec.startMs > this.newest) this.newest = rec.startMs;
    if (++this.sincePrune >= PRUNE_EVERY) this.prune();
  }

  private enter(rec: InterruptionRecord, key: string, loadPoint?: string): void {
    let log = this.devices.get(key);
    if (!log) {
      log = { feeder: rec.feeder, device: rec.device, loadPoint, starts: [], ends: [], ids: [], head: 0 };
      this.devices.set(key, log);
    }
    const n = log.starts.length;
    if (n === 0 || log.starts[n - 1] <= rec.startMs) {
      log.starts.push(rec.startMs);
      log.ends.push(rec.endMs);
      log.ids.push(rec.id);
    } else {
      const at = upperBound(log.starts, rec.startMs, log.head);
      log.starts.splice(at, 0, rec.startMs);
      log.ends.splice(at, 0, rec.endMs);
      log.ids.splice(at, 0, rec.id);
    }
  }

  /** Forgets entries older than the horizon. */
  prune(): void {
    this.sincePrune = 0;
    const cutoff = this.newest - this.horizonDays * DAY_MS;
    for (const [key, log] of this.devices) {
      while (log.head < log.starts.length && log.starts[log.head] < cutoff) this.ids.delete(log.ids[log.head++]);
      if (log.head === log.starts.length) {
        this.devices.delete(key);
        if (log.loadPoint !== undefined) this.forgetPart(log, key);
      }
      else if (log.head > 256 && log.head * 2 > log.starts.length) compact(log);
    }
  }

  private forgetPart(log: DeviceLog, key: string): void {
    const deviceKey = DuplicateGuard.key(log.feeder, log.device);
    const parts = this.parts.get(deviceKey);
    parts?.delete(key);
    if (parts?.size === 0) this.parts.delete(deviceKey);
  }

  get size(): number {
    return this.ids.size;
  }

  toJSON(): DuplicateGuardState {
    this.prune();
    const devices: DuplicateGuardState['devices'] = [];
    for (const log of this.devices.values()) {
      const entries: Array<[string, number, number]> = [];
      for (let i = log.head; i < log.starts.length; i++) entries.push([log.ids[i], log.starts[i], log.ends[i]]);
      devices.push(log.loadPoint === undefined ? [log.feeder, log.device, entries] : [log.feeder, log.device, entries, log.loadPoint]);
    }
    return { horizonDays: this.horizonDays, newestStartMs: Number.isFinite(this.newest) ? this.newest : null, beyondHorizon: this.beyondHorizon, devices };
  }

  static fromJSON(s: DuplicateGuardState): DuplicateGuard {
    const g = new DuplicateGuard(s.horizonDays);
    g.newest = s.newestStartMs ?? -Infinity;
    g.beyondHorizon = s.beyondHorizon;
    for (const [feeder, device, entries, loadPoint] of s.devices) {
      const deviceKey = DuplicateGuard.key(feeder, device);
      let key = deviceKey;
      if (loadPoint !== undefined) {
        key = DuplicateGuard.partKey(deviceKey, loadPoint);
        let parts = g.parts.get(deviceKey);
        if (!parts) g.parts.set(deviceKey, (parts = new Set()));
        parts.add(key);
      }
      const log: DeviceLog = { feeder, device, loadPoint, starts: [], ends: [], ids: [], head: 0 };
      for (const [id, start, end] of entries) {
        log.starts.push(start);
        log.ends.push(end);
        log.ids.push(id);
        g.ids.set(id, deviceKey);
      }
      g.devices.set(key, log);
    }
    return g;
  }
}

function overlapReason(rec: InterruptionRecord, log: DeviceLog, j: number): string {
  return `overlaps record "${log.ids[j]}" on feeder "${rec.feeder}"${rec.device ? ` device "${rec.device}"` : ''}${log.loadPoint !== undefined ? ` load point "${log.loadPoint}"` : ''} ` +
    `(${new Date(log.starts[j]).toISOString()} to ${new Date(log.ends[j]).toISOString()})`;
}

/** First index ≥ lo whose value is > x. */
function upperBound(a: number[], x: number, lo: number): number {
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function compact(log: DeviceLog): void {
  log.starts = log.starts.slice(log.head);
  log.ends = log.ends.slice(log.head);
  log.ids = log.ids.slice(log.head);
  log.head = 0;
}
