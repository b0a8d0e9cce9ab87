/**
 * Time for the simulator. Protection, reclosing, operating delays, select timeouts and load
 * updates all run on a `SimClock`, so tests can drive simulated time fast and deterministically
 * (`ManualClock.advance`) while `dms sim` runs on the wall clock (`RealClock`).
 */

export interface TimerHandle {
  readonly id: number;
}

export interface SimClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls fn once, `ms` from now (0 or less: as soon as possible). */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle | null | undefined): void;
}

/** The wall clock and Node's timers. */
export class RealClock implements SimClock {
  private next = 1;
  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const id = this.next++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms));
    this.timers.set(id, t);
    return { id };
  }

  clearTimer(handle: TimerHandle | null | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }

  /** Timers still pending (cleared by the simulator on close). */
  get pending(): number {
    return this.timers.size;
  }
}

interface ManualTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * Simulated time that moves only when told to. Timers fire in order of due time (ties in the order
 * they were set); each sees `now()` equal to its own due time, and timers set while advancing fire
 * within the same advance when they fall due before its end.
 */
export class ManualClock implements SimClock {
  private t: number;
  private next = 1;
  private timers: ManualTimer[] = [];

  /** Starts at `startMs` (epoch ms; default 2024-01-01T00:00:00Z, so runs are reproducible). */
  constructor(startMs = Date.UTC(2024, 0, 1)) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.next++, at: this.t + Math.max(0, ms), fn };
    // Keep sorted by (at, id): insertion after every timer due at the same time or earlier.
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1].at > timer.at) i--;
    this.timers.splice(i, 0, timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle | null | undefined): void {
    if (!handle) return;
    const i = this.timers.findIndex((t) => t.id === handle.id);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ${ms} ms is not a non-negative duration`);
    this.advanceTo(this.t + ms);
  }

  /** Moves time to `at` (epoch ms), firing due timers in order. */
  advanceTo(at: number): void {
    if (at < this.t) throw new RangeError(`ManualClock.advanceTo: ${new Date(at).toISOString()} is before now (${new Date(this.t).toISOString()})`);
    while (this.timers.length && this.timers[0].at <= at) {
      const timer = this.timers.shift()!;
      this.t = timer.at;
      timer.fn();
    }
    this.t = at;
  }

  /** Due time of the next timer (epoch ms), or null when none is pending. */
  nextDue(): number | null {
    return this.timers.length ? this.timers[0].at : null;
  }

  get pending(): number {
    return this.timers.length;
  }
}
