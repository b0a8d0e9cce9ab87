/**
 * The operation-mode selector as a substation would run it: each telemetry sample is evaluated
 * (losses of every mode, exclusions, best mode), accumulated into the statistics, and decided on
 * with hysteresis and dwell; a change becomes a switching plan that is proposed to the operator
 * (advisory, the default) or issued to the field (automatic). The whole state is plain JSON.
 */
import { decide, initialDecisionState, markIssued, checkDecisionSettings, type Decision, type DecisionSettings, type DecisionState } from './decision';
import { checkParalleling, type ParallelingVerdict } from './paralleling';
import { evaluatePoint, modeResult } from './selection';
import { LossStatistics, type StatsQuery, type StatsReport, type StatsState } from './statistics';
import { planTransfer, type DeviceIds, type SwitchingPlan } from './switching';
import type { LoadSample } from './telemetry';
import { isMode, MODES, type ModeName, type PointEvaluation, type StationParams } from './types';

export type ControlMode = 'advisory' | 'automatic';

export interface SelectorSettings {
  station: StationParams;
  decision: DecisionSettings;
  control: ControlMode;
  devices: DeviceIds;
  /** Read-back timeout of each command; a whole transfer must show in telemetry within (steps + 1) × this. */
  commandTimeoutMs: number;
  timeZone: string;
  maxHoldMs: number;
}

export interface SelectorState {
  version: 1;
  decision: DecisionState;
  statistics: StatsState;
  /** Modes blocked at run time (maintenance), on top of the configured ones. */
  runtimeBlocked: ModeName[];
  /** Advisory plan waiting for the operator's confirmation. */
  proposal: SwitchingPlan | null;
}

export type PlanStatus = 'none' | 'proposed' | 'still-proposed' | 'issued' | 'blocked';

export interface StepResult {
  sample: LoadSample;
  evaluation: PointEvaluation;
  decision: Decision;
  /** The plan of this step: new proposal, issued commands or a blocked plan (null otherwise). */
  plan: SwitchingPlan | null;
  planStatus: PlanStatus;
  /** Local days completed by this sample. */
  closedDays: string[];
}

/** A transfer must show in telemetry within every command's timeout plus one more for the report. */
function transferTimeout(plan: SwitchingPlan, commandTimeoutMs: number): number {
  return commandTimeoutMs * (plan.commands.length + 1);
}

export class ModeSelector {
  private stats: LossStatistics;
  private decisionState: DecisionState;
  private runtimeBlocked: ModeName[];
  private proposal: SwitchingPlan | null;
  private readonly paralleling: ParallelingVerdict;

  constructor(readonly settings: SelectorSettings, saved?: unknown) {
    checkDecisionSettings(settings.decision);
    if (!(settings.commandTimeoutMs > 0)) throw new Error(`commandTimeoutMs must be > 0, got ${settings.commandTimeoutMs}`);
    const [t1, t2] = settings.station.transformers;
    this.paralleling = checkParalleling(t1, t2, settings.station.paralleling);
    if (saved !== undefined && saved !== null) {
      const s = saved as SelectorState;
      if (typeof saved !== 'object' || s.version !== 1 || typeof s.decision !== 'object' || !Array.isArray(s.runtimeBlocked)) {
        throw new Error('saved state: not a version-1 transformer-mode selector state');
      }
      const stats = LossStatistics.fromJSON(s.statistics, 'saved state: statistics');
      // A changed zone or hold setting applies from now on; days already stored keep their totals.
      this.stats = new LossStatistics(settings.timeZone, settings.maxHoldMs, { ...stats.toJSON(), timeZone: settings.timeZone, maxHoldMs: settings.maxHoldMs });
      this.decisionState = { ...initialDecisionState(), ...s.decision };
      this.runtimeBlocked = s.runtimeBlocked.filter(isMode);
      this.proposal = s.proposal ?? null;
    } else {
      this.stats = new LossStatistics(settings.timeZone, settings.maxHoldMs);
      this.decisionState = initialDecisionState();
      this.runtimeBlocked = [];
      this.proposal = null;
    }
  }

  /** The station with configured and run-time blocked modes. */
  effectiveStation(): StationParams {
    const st = this.settings.station;
    if (!this.runtimeBlocked.length) return st;
    return { ...st, blockedModes: MODES.filter((m) => st.blockedModes.includes(m) || this.runtimeBlocked.includes(m)) };
  }

  get blockedModes(): ModeName[] {
    return this.effectiveStation().blockedModes;
  }

  setRuntimeBlocked(modes: ModeName[]): void {
    this.runtimeBlocked = MODES.filter((m) => modes.includes(m));
  }

  step(sample: LoadSample): StepResult {
    const station = this.effectiveStation();
    const [b1, b2] = sample.buses;
    const evaluation = evaluatePoint(station, b1, b2, sample.mode, this.paralleling);
    const cur = modeResult(evaluation, sample.mode);
    const best = evaluation.best ? modeResult(evaluation, evaluation.best) : null;
    const closedDays = this.stats.add({
      ts: sample.ts,
      actualMode: sample.mode,
      actualKW: cur.lossKW,
      actualCriterionKW: cur.criterionKW,
      actualFeasible: cur.feasible,
      optimalMode: evaluation.best,
      optimalKW: best ? best.lossKW : cur.lossKW,
      optimalCriterionKW: best ? best.criterionKW : cur.criterionKW,
    });
    const { decision, state } = decide(evaluation, this.decisionState, this.settings.decision, sample.ts);
    this.decisionState = state;
    let plan: SwitchingPlan | null = null;
    let planStatus: PlanStatus = 'none';
    if (decision.action === 'change' && sample.faulted) {
      decision.action = 'hold';
      decision.reason = `fault alarm present: switching suspended (would change to ${decision.target}: ${decision.reason})`;
      decision.target = decision.present;
    }
    if (decision.action !== 'change') {
      this.proposal = null;
      return { sample, evaluation, decision, plan, planStatus, closedDays };
    }
    plan = planTransfer(station, decision.present, decision.target, {
      devices: this.settings.devices, paralleling: this.paralleling, timeoutMs: this.settings.commandTimeoutMs, ts: sample.ts, loads: [b1, b2],
    });
    if (plan.blocked) {
      decision.action = 'alarm';
      decision.reason = `${decision.reason}, but the switching plan fails its interlocks: ${plan.checks.filter((c) => !c.ok).map((c) => c.detail).join('; ')}`;
      decision.target = decision.present;
      this.proposal = null;
      return { sample, evaluation, decision, plan, planStatus: 'blocked', closedDays };
    }
    if (this.settings.control === 'automatic') {
      this.decisionState = markIssued(this.decisionState, plan.planId, plan.to, sample.ts, transferTimeout(plan, this.settings.commandTimeoutMs));
      this.proposal = null;
      planStatus = 'issued';
    } else if (this.proposal && this.proposal.from === plan.from && this.proposal.to === plan.to) {
      plan = this.proposal;
      planStatus = 'still-proposed';
    } else {
      this.proposal = plan;
      planStatus = 'proposed';
    }
    return { sample, evaluation, decision, plan, planStatus, closedDays };
  }

  /** The operator confirms an advisory plan: it is issued (returned) and awaited in telemetry. */
  confirm(planId: string): SwitchingPlan {
    const p = this.proposal;
    if (!p || p.planId !== planId) {
      throw new Error(p ? `plan "${planId}" is not the open proposal (open: "${p.planId}", ${p.from} -> ${p.to})` : `plan "${planId}" is not open: no switching plan is waiting for confirmation`);
    }
    const ts = this.stats.last?.ts ?? p.createdMs;
    this.decisionState = markIssued(this.decisionState, p.planId, p.to, ts, transferTimeout(p, this.settings.commandTimeoutMs));
    this.proposal = null;
    return p;
  }

  get openProposal(): SwitchingPlan | null {
    return this.proposal;
  }

  query(q: StatsQuery = {}): StatsReport {
    return this.stats.query(q);
  }

  /** Credits the last sample up to untilTs (end of a profile). */
  closeAt(untilTs: number): void {
    this.stats.closeAt(untilTs);
  }

  get statistics(): LossStatistics {
    return this.stats;
  }

  toJSON(): SelectorState {
    return {
      version: 1,
      decision: { ...this.decisionState },
      statistics: this.stats.toJSON(),
      runtimeBlocked: [...this.runtimeBlocked],
      proposal: this.proposal,
    };
  }
}

export interface ControlSimulation {
  selector: ModeSelector;
  /** Mode in service at each sample under the controller. */
  modes: ModeName[];
  /** Transfers issued. */
  transfers: number;
  /** Breaker operations issued. */
  operations: number;
}

/**
 * Runs the selector in automatic control over a profile, as if every issued plan were executed
 * before the next sample: the profile's own mode column only sets the starting mode.
 */
export function simulateControl(samples: LoadSample[], settings: SelectorSettings): ControlSimulation {
  const selector = new ModeSelector({ ...settings, control: 'automatic' });
  const modes: ModeName[] = [];
  let mode = samples.length ? samples[0].mode : 'split';
  let transfers = 0;
  let operations = 0;
  for (const s of samples) {
    modes.push(mode);
    const r = selector.step({ ...s, mode });
    if (r.planStatus === 'issued' && r.plan) {
      transfers++;
      operations += r.plan.commands.length;
      mode = r.plan.to;
    }
  }
  return { selector, modes, transfers, operations };
}
