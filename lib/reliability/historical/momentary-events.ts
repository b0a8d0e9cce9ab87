/**
 * Momentary interruption events (IEEE 1366 MAIFI_E): the momentary interruptions one device causes
 * within `windowMin` (5 minutes) of the first one form one event, e.g. a recloser tripping and
 * reclosing three times before it holds. An event's customers are the most any of its operations
 * interrupted. When the sequence ends in a lockout - a sustained interruption on the same device
 * starting within the window of the event's first operation - the customers had a sustained
 * interruption, not a momentary event, and the event is withdrawn (MAIFI still counts every
 * momentary operation). Records may arrive in any order per device within a day: the fault
 * detector reports a lockout only when service returns, after the momentary records before it.
 */
import type { InterruptionRecord } from './types';

const KEEP_MS = 86_400_000;
const KEEP_MAX = 64;

/** Where an event was counted: the day and the cell (feeder, cause, planned combination) of its first operation. */
export interface EventCell {
  day: number;
  combo: number;
}

interface MomentaryEvent extends EventCell {
  start: number;
  customers: number;
  withdrawn: boolean;
}

interface DeviceTrack {
  events: MomentaryEvent[];
  sustainedStarts: number[];
  newest: number;
}

export type EventTrackState = Array<[string, Array<[number, number, number, number, boolean]>, number[]]>;

/** Adjusts the counted event statistics of a cell: +1/−1 event, ± customers. */
export type CountEvent = (cell: EventCell, events: number, customers: number) => void;

export class MomentaryEventTracker {
  private readonly devices = new Map<string, DeviceTrack>();
  private readonly windowMs: number;

  constructor(readonly windowMin = 5) {
    this.windowMs = windowMin * 60_000;
  }

  private track(rec: InterruptionRecord, key: string): DeviceTrack {
    let t = this.devices.get(key);
    if (!t) {
      t = { events: [], sustainedStarts: [], newest: -Infinity };
      this.devices.set(key, t);
    }
    if (rec.startMs > t.newest) {
      t.newest = rec.startMs;
      const cutoff = t.newest - KEEP_MS;
      // Entries arrive roughly in time order: prune (amortised) once the oldest held one is two horizons old.
      if (t.events.length && (t.events[0].start < cutoff - KEEP_MS || t.events.length > 2 * KEEP_MAX)) {
        t.events = t.events.filter((e) => e.start >= cutoff).slice(-KEEP_MAX);
      }
      if (t.sustainedStarts.length && (t.sustainedStarts[0] < cutoff - KEEP_MS || t.sustainedStarts.length > 2 * KEEP_MAX)) {
        t.sustainedStarts = t.sustainedStarts.filter((s) => s >= cutoff).slice(-KEEP_MAX);
      }
    }
    return t;
  }

  /** A momentary record counted in `cell`: joins an event or starts one. `key` identifies feeder and device. */
  momentary(rec: InterruptionRecord, key: string, cell: EventCell, count: CountEvent): void {
    const t = this.track(rec, key);
    let ev: MomentaryEvent | undefined;
    for (let i = 0; i < t.events.length; i++) {
      if (Math.abs(rec.startMs - t.events[i].start) <= this.windowMs) {
        ev = t.events[i];
        break;
      }
    }
    if (ev) {
      if (rec.startMs < ev.start) ev.start = rec.startMs;
      if (rec.customersInterrupted > ev.customers) {
        if (!ev.withdrawn) count(ev, 0, rec.customersInterrupted - ev.customers);
        ev.customers = rec.customersInterrupted;
      }
      return;
    }
    let withdrawn = false;
    for (let i = 0; i < t.sustainedStarts.length; i++) {
      const dt = t.sustainedStarts[i] - rec.startMs;
      if (dt >= 0 && dt <= this.windowMs) withdrawn = true;
    }
    const created: MomentaryEvent = { day: cell.day, combo: cell.combo, start: rec.startMs, customers: rec.customersInterrupted, withdrawn };
    t.events.push(created);
    if (!withdrawn) count(created, 1, created.customers);
  }

  /** A sustained record: withdraws the momentary event it ended. */
  sustained(rec: InterruptionRecord, key: string, count: CountEvent): void {
    const t = this.track(rec, key);
    t.sustainedStarts.push(rec.startMs);
    for (let i = 0; i < t.events.length; i++) {
      const e = t.events[i];
      const dt = rec.startMs - e.start;
      if (!e.withdrawn && dt >= 0 && dt <= this.windowMs) {
        e.withdrawn = true;
        count(e, -1, -e.customers);
      }
    }
  }

  toJSON(): EventTrackState {
    const out: EventTrackState = [];
    for (const [key, t] of this.devices) {
      out.push([key, t.events.map((e) => [e.start, e.customers, e.day, e.combo, e.withdrawn]), t.sustainedStarts.slice()]);
    }
    return out;
  }

  static fromJSON(windowMin: number, state: EventTrackState): MomentaryEventTracker {
    const m = new MomentaryEventTracker(windowMin);
    for (const [key, events, sustained] of state) {
      const evs = events.map(([start, customers, day, combo, withdrawn]) => ({ start, customers, day, combo, withdrawn }));
      const newest = Math.max(-Infinity, ...evs.map((e) => e.start), ...sustained);
      m.devices.set(key, { events: evs, sustainedStarts: sustained.slice(), newest });
    }
    return m;
  }
}
