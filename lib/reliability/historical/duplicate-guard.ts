/**
 * Refuses a record already counted: the same id again, or an interval overlapping one already
 * accepted on the same feeder and device (the same outage logged twice, e.g. by the fault detector
 * and by FDIR, or a file imported twice). Accepted intervals of one device are disjoint and kept
 * sorted, so a check is a binary search and two neighbour comparisons.
 *
 * Memory is bounded by a horizon: entries starting more than `horizonDays` before the newest start
 * seen are forgotten, so a record older than that is checked only against what is still held
 * (such records are counted as `beyondHorizon`).
 */
import type { InterruptionRecord } from './types';

const DAY_MS = 86_400_000;
const PRUNE_EVERY = 1024;

interface DeviceLog {
  starts: number[];
  ends: number[];
  ids: string[];
  head: number;
}

export interface DuplicateGuardState {
  horizonDays: number;
  newestStartMs: number | null;
  beyondHorizon: number;
  /** [feeder, device, [[id, startMs, endMs], ...]] */
  devices: Array<[string, string, Array<[string, number, number]>]>;
}

export class DuplicateGuard {
  private readonly ids = new Map<string, string>();
  private readonly devices = new Map<string, DeviceLog>();
  private newest = -Infinity;
  private sincePrune = 0;
  beyondHorizon = 0;

  constructor(readonly horizonDays = 400) {}

  /** The device key every module shares: feeder and device. */
  static key(feeder: string, device: string): string {
    return `${feeder}\u0001${device}`;
  }

  /** Why `rec` duplicates an accepted record, or null when it does not. `key` = DuplicateGuard.key(feeder, device). */
  check(rec: InterruptionRecord, key = DuplicateGuard.key(rec.feeder, rec.device)): string | null {
    if (this.ids.has(rec.id)) return `duplicate id "${rec.id}" (already recorded)`;
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
    let log = this.devices.get(key);
    if (!log) {
      log = { starts: [], ends: [], ids: [], head: 0 };
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
    this.ids.set(rec.id, key);
    if (rec.startMs > this.newest) this.newest = rec.startMs;
    if (++this.sincePrune >= PRUNE_EVERY) this.prune();
  }

  /** Forgets entries older than the horizon. */
  prune(): void {
    this.sincePrune = 0;
    const cutoff = this.newest - this.horizonDays * DAY_MS;
    for (const [key, log] of this.devices) {
      while (log.head < log.starts.length && log.starts[log.head] < cutoff) this.ids.delete(log.ids[log.head++]);
      if (log.head === log.starts.length) this.devices.delete(key);
      else if (log.head > 256 && log.head * 2 > log.starts.length) compact(log);
    }
  }

  get size(): number {
    return this.ids.size;
  }

  toJSON(): DuplicateGuardState {
    this.prune();
    const devices: DuplicateGuardState['devices'] = [];
    for (const [key, log] of this.devices) {
      const [feeder, device] = key.split('\u0001');
      const entries: Array<[string, number, number]> = [];
      for (let i = log.head; i < log.starts.length; i++) entries.push([log.ids[i], log.starts[i], log.ends[i]]);
      devices.push([feeder, device, entries]);
    }
    return { horizonDays: this.horizonDays, newestStartMs: Number.isFinite(this.newest) ? this.newest : null, beyondHorizon: this.beyondHorizon, devices };
  }

  static fromJSON(s: DuplicateGuardState): DuplicateGuard {
    const g = new DuplicateGuard(s.horizonDays);
    g.newest = s.newestStartMs ?? -Infinity;
    g.beyondHorizon = s.beyondHorizon;
    for (const [feeder, device, entries] of s.devices) {
      const key = DuplicateGuard.key(feeder, device);
      const log: DeviceLog = { starts: [], ends: [], ids: [], head: 0 };
      for (const [id, start, end] of entries) {
        log.starts.push(start);
        log.ends.push(end);
        log.ids.push(id);
        g.ids.set(id, key);
      }
      g.devices.set(key, log);
    }
    return g;
  }
}

function overlapReason(rec: InterruptionRecord, log: DeviceLog, j: number): string {
  return `overlaps record "${log.ids[j]}" on feeder "${rec.feeder}"${rec.device ? ` device "${rec.device}"` : ''} ` +
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
