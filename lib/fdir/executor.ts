/**
 * Executes a switching plan one step at a time, as DESIGN.md §6 requires: interlocks before each
 * command, one command in flight, confirmation by the state read back from the field within a
 * timeout; a missing or wrong confirmation, or a refused interlock, stops the plan and raises an
 * alarm (the caller then replans from the actual state). Crew steps wait for an operator's
 * confirmation. Pure logic: the caller supplies time and does the I/O.
 */
import type { PlanStep } from './types';

export interface SwitchCommand {
  planId: string;
  step: number;
  device: string;
  /** Intended state: true = close. */
  close: boolean;
  reason: string;
  timeoutMs: number;
  issuedAt: number;
}

export interface ExecutorAlarm {
  planId: string;
  step: number;
  device: string;
  kind: 'timeout' | 'wrong-state' | 'interlock' | 'refused' | 'cancelled';
  message: string;
}

export type ExecutorEvent =
  | { type: 'command'; command: SwitchCommand }
  | { type: 'await-crew'; step: PlanStep }
  | { type: 'step-done'; step: PlanStep; at: number }
  | { type: 'done'; at: number }
  | { type: 'alarm'; alarm: ExecutorAlarm };

export type ExecutorStatus = 'ready' | 'waiting' | 'crew' | 'done' | 'stopped';

export interface ExecutorOptions {
  planId: string;
  timeoutMs: number;
  /** Checks a step against the live state before its command is sent. */
  interlock: (step: PlanStep, states: Record<string, boolean>) => { ok: boolean; reason?: string };
  /** Live device states (device id -> closed), kept up to date by `observe`. */
  states: Record<string, boolean>;
}

export class PlanExecutor {
  status: ExecutorStatus = 'ready';
  private index = 0;
  private issuedAt = 0;
  /** A state of the commanded device was read after the command (a silent IED is a timeout, a reply in the old state a wrong state). */
  private readBack = false;
  readonly completedAt: number[] = [];

  constructor(readonly steps: PlanStep[], private readonly opts: ExecutorOptions) {}

  get current(): PlanStep | null {
    return this.index < this.steps.length ? this.steps[this.index] : null;
  }

  /** Starts (or resumes after a crew step) at time `now`. */
  start(now: number): ExecutorEvent[] {
    if (this.status !== 'ready') return [];
    return this.advance(now);
  }

  /** A state read back from the field (the IED reader's device state). */
  observe(device: string, closed: boolean, now: number): ExecutorEvent[] {
    this.opts.states[device] = closed;
    const step = this.current;
    if (this.status !== 'waiting' || !step || step.device !== device) return [];
    this.readBack = true;
    if (closed !== step.expectedClosed) {
      // An intermediate read (still moving) is not wrong yet; only a state opposite to the starting one is final.
      return [];
    }
    return this.complete(step, now);
  }

  /** Called by the caller's timer: a command without confirmation in time stops the plan. */
  tick(now: number): ExecutorEvent[] {
    const step = this.current;
    if (this.status !== 'waiting' || !step || now - this.issuedAt < this.opts.timeoutMs) return [];
    const seen = this.opts.states[step.device];
    const kind = !this.readBack || seen === undefined ? 'timeout' : 'wrong-state';
    return this.stop(step, kind, kind === 'timeout'
      ? `no state read back from "${step.device}" within ${this.opts.timeoutMs} ms after the ${step.action} command`
      : `"${step.device}" reads ${seen ? 'closed' : 'open'} ${this.opts.timeoutMs} ms after the ${step.action} command (expected ${step.expectedClosed ? 'closed' : 'open'})`);
  }

  /** An operator confirms a crew step as done. */
  confirmCrew(step: number, now: number): ExecutorEvent[] {
    const cur = this.current;
    if (this.status !== 'crew' || !cur || cur.step !== step) return [];
    this.opts.states[cur.device] = cur.expectedClosed;
    return this.complete(cur, now);
  }

  /** The field refused the command in flight (the IED's command result, a select not armed): stops the plan. */
  refuse(message: string): ExecutorEvent[] {
    const step = this.current;
    if (this.status !== 'waiting' || !step) return [];
    return this.stop(step, 'refused', message);
  }

  cancel(reason: string): ExecutorEvent[] {
    const step = this.current;
    if (!step || this.status === 'done' || this.status === 'stopped') return [];
    return this.stop(step, 'cancelled', `plan cancelled: ${reason}`);
  }

  private complete(step: PlanStep, now: number): ExecutorEvent[] {
    this.completedAt[this.index] = now;
    this.index++;
    return [{ type: 'step-done', step, at: now }, ...this.advance(now)];
  }

  private advance(now: number): ExecutorEvent[] {
    const step = this.current;
    if (!step) {
      this.status = 'done';
      return [{ type: 'done', at: now }];
    }
    if (this.opts.states[step.device] === step.expectedClosed) {
      // Already in the intended state (e.g. a breaker that reclosed by itself): nothing to send.
      return this.complete(step, now);
    }
    const lock = this.opts.interlock(step, this.opts.states);
    if (!lock.ok) return this.stop(step, 'interlock', `interlock refused step ${step.step} (${step.action} "${step.device}"): ${lock.reason}`);
    if (step.mode === 'crew') {
      this.status = 'crew';
      return [{ type: 'await-crew', step }];
    }
    this.status = 'waiting';
    this.issuedAt = now;
    this.readBack = false;
    return [{ type: 'command', command: { planId: this.opts.planId, step: step.step, device: step.device, close: step.expectedClosed, reason: `${this.opts.planId} step ${step.step}: ${step.reason}`, timeoutMs: this.opts.timeoutMs, issuedAt: now } }];
  }

  private stop(step: PlanStep, kind: ExecutorAlarm['kind'], message: string): ExecutorEvent[] {
    this.status = 'stopped';
    return [{ type: 'alarm', alarm: { planId: this.opts.planId, step: step.step, device: step.device, kind, message } }];
  }
}
