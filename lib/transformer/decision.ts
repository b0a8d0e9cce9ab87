/**
 * The decision an operator can live with: the least-loss mode is only worth a switching sequence
 * when it saves at least minSavingKW, and the station stays in a mode at least minDwellMs after a
 * change (so a load hovering around a crossover does not make the breakers chatter). A present mode
 * that is overloaded or blocked is left at once: safety does not wait for the dwell time.
 * The state is plain JSON, kept in Node-RED context with the statistics.
 */
import type { ModeName, PointEvaluation } from './types';
import { modeResult } from './selection';

export interface DecisionSettings {
  /** Smallest saving (selection criterion, kW) that justifies a change. */
  minSavingKW: number;
  /** Smallest time in a mode before an economic change. */
  minDwellMs: number;
}

export interface PendingTransfer {
  planId: string;
  to: ModeName;
  issuedMs: number;
  /** Telemetry must show the new mode by then, or the transfer is reported failed. */
  expiresMs: number;
}

export interface DecisionState {
  /** Mode seen in the last telemetry. */
  mode: ModeName | null;
  /** Since when (telemetry time) that mode has been in service, as far as this node knows. */
  modeSinceMs: number | null;
  /** Commands sent and not yet seen in telemetry. */
  pending: PendingTransfer | null;
}

export type DecisionAction = 'hold' | 'change' | 'pending' | 'alarm';

export interface Decision {
  action: DecisionAction;
  present: ModeName;
  best: ModeName | null;
  /** Mode to switch to when action is change (or pending), else the present mode. */
  target: ModeName;
  /** criterion(present) − criterion(best), kW; 0 when the present mode is best or none is feasible. */
  savingKW: number;
  reason: string;
  /** Dwell time still to run before an economic change, ms (0 when none). */
  dwellRemainingMs: number;
}

export function initialDecisionState(): DecisionState {
  return { mode: null, modeSinceMs: null, pending: null };
}

export function checkDecisionSettings(s: DecisionSettings): DecisionSettings {
  if (typeof s.minSavingKW !== 'number' || !Number.isFinite(s.minSavingKW) || s.minSavingKW < 0) {
    throw new Error(`minSavingKW must be a number >= 0, got ${JSON.stringify(s.minSavingKW)}`);
  }
  if (typeof s.minDwellMs !== 'number' || !Number.isFinite(s.minDwellMs) || s.minDwellMs < 0) {
    throw new Error(`minDwellMs must be a number >= 0, got ${JSON.stringify(s.minDwellMs)}`);
  }
  return s;
}

const minutes = (ms: number): string => `${Math.ceil(ms / 60_000)} min`;

/**
 * Decides on one evaluated sample. `ev.current` must be the present mode. Returns the decision and
 * the next state (the input state is not modified).
 */
export function decide(ev: PointEvaluation, state: DecisionState, settings: DecisionSettings, ts: number): { decision: Decision; state: DecisionState } {
  const present = ev.current;
  if (!present) throw new Error('decide: the present mode is required');
  const next: DecisionState = { ...state, pending: state.pending ? { ...state.pending } : null };
  if (next.mode !== present) {
    next.mode = present;
    // Unknown history (first sample after start without saved state) counts as a change now: conservative.
    next.modeSinceMs = ts;
  }
  next.modeSinceMs ??= ts;
  const base = { present, best: ev.best, target: present, savingKW: 0, dwellRemainingMs: 0 };
  let expired: PendingTransfer | null = null;
  if (next.pending) {
    if (next.pending.to === present) next.pending = null;
    else if (ts > next.pending.expiresMs) {
      expired = next.pending;
      next.pending = null;
    }
  }
  const done = (d: Pick<Decision, 'action' | 'reason'> & Partial<Decision>): { decision: Decision; state: DecisionState } => ({ decision: { ...base, ...d }, state: next });

  if (expired) {
    return done({ action: 'alarm', target: present, reason: `plan ${expired.planId} to ${expired.to} not confirmed by telemetry before its timeout; present mode still ${present}` });
  }
  if (!ev.best) {
    return done({ action: 'alarm', target: present, reason: `no feasible mode: ${ev.modes.map((m) => `${m.mode}: ${m.reason}`).join('; ')}` });
  }
  const cur = modeResult(ev, present);
  const best = modeResult(ev, ev.best);
  const saving = ev.best === present ? 0 : cur.criterionKW - best.criterionKW;
  if (next.pending) {
    return done({ action: 'pending', target: next.pending.to, savingKW: saving, reason: `waiting for plan ${next.pending.planId} (${present} -> ${next.pending.to}) to show in telemetry` });
  }
  if (!cur.feasible) {
    return done({ action: 'change', target: ev.best, savingKW: saving, reason: `present mode ${present} not permitted (${cur.reason}): change to ${ev.best} at once` });
  }
  if (ev.best === present) {
    return done({ action: 'hold', reason: `${present} is the least-loss feasible mode` });
  }
  if (saving < settings.minSavingKW) {
    return done({ action: 'hold', savingKW: saving, reason: `${ev.best} would save ${saving.toFixed(3)} kW, below the minimum ${settings.minSavingKW} kW` });
  }
  const dwellLeft = next.modeSinceMs + settings.minDwellMs - ts;
  if (dwellLeft > 0) {
    return done({ action: 'hold', savingKW: saving, dwellRemainingMs: dwellLeft, reason: `${ev.best} would save ${saving.toFixed(3)} kW; ${present} in service for less than the minimum dwell (${minutes(dwellLeft)} to go)` });
  }
  return done({ action: 'change', target: ev.best, savingKW: saving, reason: `${ev.best} saves ${saving.toFixed(3)} kW against ${present}` });
}

/** Records that a transfer was sent to the field (automatic mode, or confirmed by the operator). */
export function markIssued(state: DecisionState, planId: string, to: ModeName, ts: number, timeoutMs: number): DecisionState {
  return { ...state, pending: { planId, to, issuedMs: ts, expiresMs: ts + timeoutMs } };
}
