/**
 * The FLISR controller behind the dms-fdir node (thesis §6.2): follows the device states, fault
 * passage quality and power the IED reader reports; on a permanent fault (lockout) from the fault
 * detector it locates the zone, plans isolation and restoration, and — after an operator's
 * confirmation (advisory mode) or at once (automatic mode) — executes the plan one step at a time:
 * select-before-operate writes for node-red-contrib-modbus Flex-Write, each confirmed by the state
 * read back within a timeout; a refused, missing or wrong confirmation stops the plan, raises an
 * alarm and replans from the state the field reports, without the device that failed. After a
 * "repaired" message it returns the feeder to normal. It reports who is out, who is back and
 * when, with interruption records for the historical reliability calculator.
 *
 * Pure logic: every entry point takes the time and returns the messages to send.
 */
import type { LoadedFeeder } from '../model/load';
import { Topology } from '../model/topology';
import type { IedMeasurement, Quality } from '../ied/types';
import { StateChecker } from './check';
import { PlanExecutor, type ExecutorAlarm, type ExecutorEvent, type SwitchCommand } from './executor';
import { commandWrites, fieldIeds, positionOf, type CommandWrites, type FieldIed, type FlexWrite } from './field';
import { checkCommand } from './interlocks';
import { allocateLiveLoads, type MeteredDevice } from './live-loads';
import { planReturnToNormal } from './normal';
import { OutageTracker, type InterruptionRecord, type OutageSummary } from './outages';
import { planFdir } from './plan';
import { fdirSummary } from './summary';
import type { FaultIndications, FdirPlan, LiveLoadValue, PlanStep } from './types';
import { indicatingMask, locateFault } from './locate';

export type FdirMode = 'advisory' | 'automatic';

export interface FdirControllerOptions {
  /** Mode at start; 'automatic' needs allowAutomatic. */
  mode?: FdirMode;
  /** Whether automatic mode may be used at all (opt-in). */
  allowAutomatic?: boolean;
  /** Time for a command's result to be read back (ms). */
  confirmTimeoutMs?: number;
  /** Time for an armed select to be read back before operate (ms). */
  selectTimeoutMs?: number;
  /** Wait for the select to read back armed before operate (when the map has such a point). */
  checkSelect?: boolean;
  /** Load basis for load points without a live value. */
  loadBasis?: 'peak' | 'average';
  /** Pre-fault power samples must be at least this old at the first trip (ms): fault current is not load. */
  preFaultGuardMs?: number;
  /** Replans after failed steps, per incident, before FDIR gives up and leaves it to the operator. */
  maxReplans?: number;
  feederName?: string;
  momentaryThresholdMin?: number;
  ieds?: FieldIed[];
}

export type FdirPort = 'command' | 'plan' | 'event' | 'record';

export interface CommandInfo {
  planId: string;
  step: number;
  device: string;
  ied: string;
  action: 'open' | 'close';
  /** Which write of the select-before-operate sequence this is. */
  phase: 'select' | 'operate' | 'cancel';
  reason: string;
  timeoutMs: number;
  expectedClosed: boolean;
  issuedAt: number;
}

export interface FdirOutput {
  port: FdirPort;
  topic: string;
  payload: unknown;
  /** Command messages: what the write is for (kept beside the Flex-Write payload). */
  command?: CommandInfo;
}

export type FdirPhase = 'normal' | 'awaiting-confirmation' | 'executing' | 'crew' | 'restored' | 'alarm' | 'cancelled';

/** The parts of a fault/event payload (lib/protection FaultEvent) that FDIR uses. */
export interface FaultEventInput {
  id: string;
  feeder?: string;
  stage: 'lockout' | 'transient' | 'cleared-elsewhere' | 'restored';
  permanent: boolean | null;
  ts: number;
  start: number;
  device: string | null;
  deviceType?: string | null;
  faultPassage: Array<{ ied: string; device: string | null }>;
  noPassage: string[];
  cause: string | null;
}

interface IedLive {
  ied: FieldIed;
  values: Record<string, unknown>;
  qualities: Record<string, Quality>;
  heard: boolean;
  /** The reader reported it silent (never heard since start). */
  silent: boolean;
  samples: Array<{ ts: number; pKW: number; qKvar?: number }>;
}

interface Pending {
  command: SwitchCommand;
  ied: FieldIed;
  writes: CommandWrites;
  phase: 'select' | 'operate';
  selectSentAt: number;
  resultBefore: unknown;
  resultSeen: boolean;
}

interface Incident {
  id: string;
  event: FaultEventInput;
  tripped: string;
  cause: string;
  preFault: Record<string, boolean>;
  indications: FaultIndications;
  loads: Record<string, LiveLoadValue>;
  liveLoadPoints: number;
  faulted: Uint8Array;
  located: string[];
  /** The section a patrol found the fault on (fdir/located): the crew stage isolates it tightly. */
  patrolSection: string | null;
  unavailable: Set<string>;
  replans: number;
  planSeq: number;
  kind: 'restoration' | 'return';
  plan: PlanStep[];
  planId: string;
  fdirPlan: FdirPlan | null;
  executor: PlanExecutor | null;
  outages: OutageTracker;
  estimatedRepairHours: number;
  checker: StateChecker;
  notes: string[];
}

const SAMPLES_KEPT = 64;
const STAGES = new Set(['lockout', 'transient', 'cleared-elsewhere', 'restored']);

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Checks a fault/event payload; throws naming the field. */
export function readFaultEvent(raw: unknown): FaultEventInput {
  const where = 'fault/event';
  if (!isObject(raw)) throw new Error(`${where}: payload must be the fault detector's event object (got ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw) ?? typeof raw})`);
  const e = raw;
  if (typeof e.stage !== 'string' || !STAGES.has(e.stage)) throw new Error(`${where}: stage must be one of ${[...STAGES].join(', ')} (got ${JSON.stringify(e.stage)})`);
  if (e.permanent !== null && typeof e.permanent !== 'boolean') throw new Error(`${where}: permanent must be true, false or null (got ${JSON.stringify(e.permanent)})`);
  if (!isNum(e.ts)) throw new Error(`${where}: ts must be epoch milliseconds (got ${JSON.stringify(e.ts)})`);
  if (e.start !== undefined && !isNum(e.start)) throw new Error(`${where}: start must be epoch milliseconds (got ${JSON.stringify(e.start)})`);
  if (e.device !== null && e.device !== undefined && typeof e.device !== 'string') throw new Error(`${where}: device must be a device id or null (got ${JSON.stringify(e.device)})`);
  const passage = e.faultPassage ?? [];
  if (!Array.isArray(passage)) throw new Error(`${where}: faultPassage must be an array of {ied, device} (got ${JSON.stringify(passage)})`);
  passage.forEach((p, i) => {
    if (!isObject(p) || typeof p.ied !== 'string') throw new Error(`${where}: faultPassage[${i}] must be {ied, device} (got ${JSON.stringify(p)})`);
  });
  const noPassage = e.noPassage ?? [];
  if (!Array.isArray(noPassage) || noPassage.some((x) => typeof x !== 'string')) throw new Error(`${where}: noPassage must be an array of IED ids (got ${JSON.stringify(noPassage)})`);
  return {
    id: typeof e.id === 'string' && e.id ? e.id : `F${e.ts}`,
    feeder: typeof e.feeder === 'string' ? e.feeder : undefined,
    stage: e.stage as FaultEventInput['stage'],
    permanent: (e.permanent ?? null) as boolean | null,
    ts: e.ts,
    start: isNum(e.start) ? e.start : e.ts,
    device: (e.device ?? null) as string | null,
    deviceType: typeof e.deviceType === 'string' ? e.deviceType : null,
    faultPassage: (passage as Array<Record<string, unknown>>).map((p) => ({ ied: p.ied as string, device: typeof p.device === 'string' ? p.device : null })),
    noPassage: noPassage as string[],
    cause: typeof e.cause === 'string' ? e.cause : null,
  };
}

export class FdirController {
  readonly ieds: FieldIed[];
  mode: FdirMode;
  phase: FdirPhase = 'normal';
  /** Live device states (device id -> closed) as the IEDs report them; crew confirmations too. */
  readonly states: Record<string, boolean> = {};
  private readonly live = new Map<string, IedLive>();
  private readonly byDevice = new Map<string, IedLive>();
  private readonly opts: Required<Omit<FdirControllerOptions, 'ieds' | 'feederName' | 'momentaryThresholdMin' | 'mode'>>;
  private readonly feederName: string;
  private readonly momentaryMin: number;
  private incident: Incident | null = null;
  private pending: Pending | null = null;
  private lastAlarm = '';
  private fuseNote = '';

  constructor(readonly feeder: LoadedFeeder, options: FdirControllerOptions = {}) {
    this.opts = {
      allowAutomatic: options.allowAutomatic ?? false,
      confirmTimeoutMs: options.confirmTimeoutMs ?? 20000,
      selectTimeoutMs: options.selectTimeoutMs ?? 5000,
      checkSelect: options.checkSelect ?? true,
      loadBasis: options.loadBasis ?? 'peak',
      preFaultGuardMs: options.preFaultGuardMs ?? 5000,
      maxReplans: options.maxReplans ?? 5,
    };
    for (const [k, v] of [['confirmTimeoutMs', this.opts.confirmTimeoutMs], ['selectTimeoutMs', this.opts.selectTimeoutMs]] as const) {
      if (!(isNum(v) && v > 0)) throw new Error(`${k} must be above 0 ms (got ${JSON.stringify(v)})`);
    }
    this.mode = options.mode ?? 'advisory';
    if (this.mode === 'automatic' && !this.opts.allowAutomatic) throw new Error('automatic mode is not allowed: enable automatic operation first');
    this.feederName = options.feederName ?? feeder.model.name ?? 'feeder';
    this.momentaryMin = options.momentaryThresholdMin ?? feeder.model.options?.momentaryThresholdMin ?? 5;
    this.ieds = options.ieds ?? fieldIeds(feeder.model);
    for (const ied of this.ieds) {
      if (ied.device !== null && !feeder.index.deviceIndex.has(ied.device)) throw new Error(`IED "${ied.id}": device "${ied.device}" is not in feeder "${this.feederName}"`);
      const l: IedLive = { ied, values: {}, qualities: {}, heard: false, silent: false, samples: [] };
      this.live.set(ied.id, l);
      if (ied.device !== null) this.byDevice.set(ied.device, l);
    }
  }

  // ---- inputs ------------------------------------------------------------------------------

  /** An `ied/measurement` payload from the IED reader. */
  measurement(raw: unknown, now: number): FdirOutput[] {
    const m = this.readMeasurement(raw);
    const l = this.live.get(m.ied)!;
    const ied = l.ied;
    if (m.reason === 'stale' && Object.keys(m.values).length === 0) l.silent = true;
    for (const [k, v] of Object.entries(m.values)) {
      const q = (m.qualities?.[k] ?? m.quality ?? 'good') as Quality;
      l.qualities[k] = q;
      if (v !== null && v !== undefined && (q === 'good' || q === 'out-of-range')) l.values[k] = v;
    }
    if (Object.keys(m.values).length) {
      l.heard = true;
      l.silent = false;
    }
    const out: FdirOutput[] = [];
    const p = ied.profile;
    // Power before a fault, for the live loads of the restoration checks.
    if (p.pPoint && p.pPoint in m.values && this.good(l, p.pPoint) && isNum(l.values[p.pPoint])) {
      const q = p.qPoint && this.good(l, p.qPoint) && isNum(l.values[p.qPoint]) ? (l.values[p.qPoint] as number) : undefined;
      l.samples.push({ ts: m.ts, pKW: l.values[p.pPoint] as number, ...(q !== undefined ? { qKvar: q } : {}) });
      if (l.samples.length > SAMPLES_KEPT) l.samples.shift();
    }
    // The command in flight on this IED: refused, select armed.
    const pend = this.pending;
    if (pend && pend.ied === ied) out.push(...this.followCommand(pend, l, m, now));
    // Device position (only fresh readings count).
    if (ied.device !== null && this.positionFresh(l)) {
      const pos = positionOf(p, l.values);
      if (pos !== null && this.states[ied.device] !== pos) {
        this.states[ied.device] = pos;
        out.push(...this.stateChanged(ied.device, m.ts));
      }
      if (pos !== null && this.incident?.executor) out.push(...this.handle(this.incident.executor.observe(ied.device, pos, now), now));
    }
    return out;
  }

  /** A `fault/event` payload from the fault detector. */
  faultEvent(raw: unknown, now: number): FdirOutput[] {
    const e = readFaultEvent(raw);
    const m = this.feeder.model;
    if (e.stage === 'cleared-elsewhere' || (e.stage === 'lockout' && e.deviceType === 'fuse')) return this.fuseOperated(e, now);
    if (e.stage !== 'lockout' || e.permanent !== true) {
      const what = e.stage === 'transient' ? `transient fault cleared by ${e.device ?? 'a device'} reclosing: no FLISR needed` : e.stage === 'restored' ? `"${e.device}" closed again after its lockout` : `fault event (${e.stage}) without a permanent lockout: no FLISR`;
      return [this.event('fault', what, now, { event: e.id })];
    }
    if (e.device === null) throw new Error('fault/event: a permanent lockout without the device that locked out');
    if (!this.feeder.index.deviceIndex.has(e.device)) throw new Error(`fault/event: device "${e.device}" is not in feeder "${this.feederName}"`);
    if (this.incident) {
      // The open incident keeps its state; the second fault is the operator's.
      const message = `second permanent fault (lockout of "${e.device}") while incident ${this.incident.id} is open: FDIR handles one incident at a time; switch the second by hand`;
      return [{ port: 'event', topic: 'fdir/alarm', payload: { planId: this.incident.planId, step: 0, device: e.device, kind: 'interlock', message, ts: now, incident: this.incident.id, replan: null } }];
    }
    const ix = this.feeder.index;
    const preFault: Record<string, boolean> = { ...this.states, [e.device]: true };
    const nowStates: Record<string, boolean> = { ...this.states, [e.device]: false };
    const indications = this.indications(e);
    const { loads, count, notes } = this.preFaultLoads(preFault, e.start);
    const lpKW = Float64Array.from(m.loadPoints, (lp) => loads[lp.id]?.pKW ?? lp.avgKW);
    const outages = new OutageTracker(this.feeder, { feederName: this.feederName, lpKW, momentaryThresholdMin: this.momentaryMin, idPrefix: e.id },
      ix.deviceStates(preFault), ix.deviceStates(nowStates), e.start, e.device, e.cause ?? 'DPSC');
    const checker = new StateChecker(ix, ix.deviceStates(preFault), { loads, loadBasis: this.opts.loadBasis });
    const inc: Incident = {
      id: e.id, event: e, tripped: e.device, cause: e.cause ?? 'DPSC', preFault, indications, loads, liveLoadPoints: count,
      faulted: new Uint8Array(ix.nSections), located: [], patrolSection: null, unavailable: new Set(), replans: 0, planSeq: 0, kind: 'restoration',
      plan: [], planId: '', fdirPlan: null, executor: null, outages, estimatedRepairHours: 0, checker, notes,
    };
    // Locate on its own first, so an incident that cannot be planned still says where the fault is.
    const t0 = new Topology(ix, ix.deviceStates(preFault));
    const loc = locateFault(t0, indications, indicatingMask(t0, this.indicatingDevices()));
    this.incident = inc;
    this.states[e.device] = false;
    this.lastAlarm = '';
    this.fuseNote = '';
    const out: FdirOutput[] = [];
    inc.located = loc.fault.sections;
    for (const s of loc.fault.sections) inc.faulted[ix.sectionIndex.get(s)!] = 1;
    inc.estimatedRepairHours = Math.max(0, ...loc.fault.sections.map((s) => m.sections[ix.sectionIndex.get(s)!].repairHours));
    out.push(this.event('located', `permanent fault (${inc.cause}) after lockout of "${e.device}": faulted zone ${loc.fault.sections.join(', ')}${loc.fault.widenedThrough.length ? ` (widened through ${loc.fault.widenedThrough.join(', ')}: stale or missing indication)` : ''}`, now, { faultedZone: loc.fault.sections, widenedThrough: loc.fault.widenedThrough }));
    out.push(...this.plan(now, null));
    return out;
  }

  /** `fdir/confirm`: start an advisory plan, or confirm a crew step as done. */
  confirm(raw: unknown, now: number): FdirOutput[] {
    const p = isObject(raw) ? raw : {};
    const inc = this.incident;
    if (p.planId !== undefined && typeof p.planId !== 'string') throw new Error(`fdir/confirm: planId must be a string (got ${JSON.stringify(p.planId)})`);
    if (p.step !== undefined && !(Number.isInteger(p.step) && (p.step as number) > 0)) throw new Error(`fdir/confirm: step must be a step number (got ${JSON.stringify(p.step)})`);
    if (!inc || (this.phase !== 'awaiting-confirmation' && this.phase !== 'crew')) throw new Error(`fdir/confirm: nothing awaits confirmation (state: ${this.phase})`);
    if (p.planId !== undefined && p.planId !== inc.planId) throw new Error(`fdir/confirm: plan "${p.planId}" is not the current plan ("${inc.planId}")`);
    if (this.phase === 'awaiting-confirmation') {
      const out = [this.event('confirmed', `operator confirmed plan ${inc.planId}`, now, { planId: inc.planId })];
      return [...out, ...this.execute(now)];
    }
    const step = inc.executor!.current!;
    if (p.step !== undefined && p.step !== step.step) throw new Error(`fdir/confirm: step ${p.step} is not the crew step awaited (step ${step.step}: ${step.action} "${step.device}")`);
    const before = this.states[step.device];
    const out = [this.event('crew-done', `crew confirmed step ${step.step}: ${step.action} "${step.device}"`, now, { planId: inc.planId, step: step.step, device: step.device })];
    this.phase = 'executing';
    const events = inc.executor!.confirmCrew(step.step, now);
    if (before !== step.expectedClosed) out.push(...this.stateChanged(step.device, now));
    return [...out, ...this.handle(events, now)];
  }

  /**
   * `fdir/located`: a patrol found the fault on one section of the located zone. When the field's
   * indications could only name a wide zone (a feeder whose switches have no IEDs), this lets the
   * plan isolate that section tightly with crew steps and restore the rest. Replans at once.
   */
  patrolLocated(raw: unknown, now: number): FdirOutput[] {
    const section = typeof raw === 'string' ? raw : isObject(raw) ? raw.section : undefined;
    if (typeof section !== 'string' || section === '') throw new Error(`fdir/located: payload must be a section id or {section} (got ${JSON.stringify(raw)})`);
    const inc = this.incident;
    if (!inc || inc.kind !== 'restoration') throw new Error('fdir/located: no fault incident is open');
    if (this.phase === 'executing' || this.phase === 'crew') throw new Error(`fdir/located: plan ${inc.planId} is running; cancel it first`);
    if (!inc.located.includes(section)) throw new Error(`fdir/located: section "${section}" is not in the faulted zone (${inc.located.join(', ')})`);
    inc.patrolSection = section;
    // Only the section found is faulted now: the interlocks let the rest of the zone be energised again.
    inc.faulted = new Uint8Array(this.feeder.index.nSections);
    inc.faulted[this.feeder.index.sectionIndex.get(section)!] = 1;
    const out = [this.event('patrol', `patrol found the fault on "${section}": replanning to isolate it tightly`, now, { section })];
    return [...out, ...this.plan(now, null)];
  }

  /** `fdir/cancel`: stop the plan (a select in flight is cancelled); the operator takes over. */
  cancel(raw: unknown, now: number): FdirOutput[] {
    const reason = typeof raw === 'string' && raw ? raw : isObject(raw) && typeof raw.reason === 'string' ? raw.reason : 'operator request';
    const inc = this.incident;
    if (!inc || !['awaiting-confirmation', 'executing', 'crew'].includes(this.phase)) {
      return [this.event('cancel', `cancel (${reason}): no plan is running (state: ${this.phase})`, now)];
    }
    const out: FdirOutput[] = [];
    out.push(...this.cancelSelect(now));
    this.pending = null;
    if (inc.executor) out.push(...this.handle(inc.executor.cancel(reason), now));
    else out.push(...this.alarm({ planId: inc.planId, step: 0, device: '', kind: 'cancelled', message: `plan cancelled: ${reason}` }, now, false));
    this.phase = 'cancelled';
    out.push(this.report(now));
    return out;
  }

  /** `fdir/repaired`: plan the return to normal. */
  repaired(raw: unknown, now: number): FdirOutput[] {
    void raw;
    const inc = this.incident;
    if (!inc) throw new Error('fdir/repaired: no incident is open');
    if (this.phase === 'executing' || this.phase === 'crew') throw new Error(`fdir/repaired: plan ${inc.planId} is still running; cancel it first or wait until it is done`);
    inc.kind = 'return';
    inc.faulted = new Uint8Array(this.feeder.index.nSections);
    inc.unavailable.clear();
    inc.replans = 0;
    const back = planReturnToNormal(this.feeder, this.knownStates(), { allowSameSourceLoop: true });
    inc.planId = `${inc.id}-N${++inc.planSeq}`;
    inc.plan = back.steps;
    inc.fdirPlan = null;
    inc.executor = null;
    const payload = {
      planId: inc.planId, incident: inc.id, kind: 'return-to-normal', mode: this.mode, awaiting: this.mode === 'advisory' && back.steps.length ? 'confirmation' : null,
      plan: back.steps.map((s) => ({ step: s.step, device: s.device, action: s.action, mode: s.mode, stage: s.stage, reason: s.reason })),
      plannedInterruptions: back.plannedInterruptions, notes: back.notes,
    };
    const out: FdirOutput[] = [{ port: 'plan', topic: 'fdir/plan', payload }];
    out.push(this.event('repaired', `repair reported: return-to-normal plan ${inc.planId} with ${back.steps.length} step(s)`, now, { planId: inc.planId }));
    if (back.steps.length === 0) return [...out, ...this.finishIncident(now)];
    if (this.mode === 'automatic') return [...out, ...this.execute(now)];
    this.phase = 'awaiting-confirmation';
    return out;
  }

  /** `fdir/mode`: 'advisory' or 'automatic' (for plans made from now on). */
  setMode(raw: unknown, now: number): FdirOutput[] {
    const mode = typeof raw === 'string' ? raw : isObject(raw) ? raw.mode : undefined;
    if (mode !== 'advisory' && mode !== 'automatic') throw new Error(`fdir/mode: payload must be "advisory" or "automatic" (got ${JSON.stringify(raw)})`);
    if (mode === 'automatic' && !this.opts.allowAutomatic) throw new Error('fdir/mode: automatic mode is not enabled in this node\'s configuration (opt-in)');
    this.mode = mode;
    return [this.event('mode', `mode ${mode}${this.phase === 'awaiting-confirmation' ? ' (the plan waiting now still needs a confirmation)' : ''}`, now, { mode })];
  }

  /** Runs the timers: select and read-back timeouts. */
  tick(now: number): FdirOutput[] {
    const inc = this.incident;
    const out: FdirOutput[] = [];
    const pend = this.pending;
    if (inc?.executor && pend && pend.phase === 'select' && now - pend.selectSentAt >= this.opts.selectTimeoutMs) {
      out.push(...this.cancelSelect(now));
      this.pending = null;
      out.push(...this.handle(inc.executor.refuse(`select of "${pend.command.device}" on IED "${pend.ied.id}" not read back armed within ${this.opts.selectTimeoutMs} ms`), now));
      return out;
    }
    if (inc?.executor) out.push(...this.handle(inc.executor.tick(now), now));
    return out;
  }

  /** State at a glance for the node status. */
  status(): { kind: 'ok' | 'busy' | 'warn' | 'error' | 'idle'; text: string } {
    const inc = this.incident;
    const ex = inc?.executor;
    const n = inc?.plan.length ?? 0;
    const cur = ex?.current;
    switch (this.phase) {
      case 'normal':
        return this.fuseNote ? { kind: 'warn', text: this.fuseNote } : { kind: 'ok', text: `normal (${this.mode})` };
      case 'awaiting-confirmation':
        return { kind: 'warn', text: `${inc!.kind === 'return' ? 'return to normal' : `fault in ${inc!.located.join(',')}`}: awaiting confirmation (${n} steps)` };
      case 'executing':
        return { kind: 'busy', text: `${inc!.kind === 'return' ? 'return ' : ''}executing step ${cur?.step ?? n}/${n}${cur ? `: ${cur.action} ${cur.device}` : ''}` };
      case 'crew':
        return { kind: 'warn', text: `crew step ${cur?.step}/${n}: ${cur?.action} ${cur?.device} (confirm when done)` };
      case 'restored': {
        const s = inc!.outages.summary();
        return { kind: s.customersOut ? 'warn' : 'ok', text: `restored ${s.customersRestored} of ${s.customersInterrupted} customers${s.customersOut ? `, ${s.customersOut} out` : ''}` };
      }
      case 'alarm':
        return { kind: 'error', text: `alarm: ${this.lastAlarm}` };
      case 'cancelled':
        return { kind: 'warn', text: `plan cancelled: manual control (${inc!.outages.summary().customersOut} customers out)` };
    }
  }

  /** The report of the open incident (null when none). */
  currentReport(now: number): Record<string, unknown> | null {
    return this.incident ? (this.report(now).payload as Record<string, unknown>) : null;
  }

  // ---- planning and execution ----------------------------------------------------------------

  private plan(now: number, failed: ExecutorAlarm | null): FdirOutput[] {
    const inc = this.incident!;
    const out: FdirOutput[] = [];
    const previous = inc.planId || null;
    // A device whose IED does not report a fresh position cannot be commanded and confirmed: crews operate it.
    const blind = [...this.live.values()].filter((l) => l.ied.device !== null && !this.positionFresh(l)).map((l) => l.ied.device!);
    const unavailable = [...new Set([...inc.unavailable, ...blind])];
    let plan: FdirPlan;
    try {
      plan = planFdir(this.feeder, {
        states: inc.preFault,
        current: this.knownStates(),
        indications: inc.indications,
        loads: inc.loads,
        loadBasis: this.opts.loadBasis,
        indicatingDevices: this.indicatingDevices(),
        unavailable,
        ...(inc.patrolSection !== null ? { faultSection: inc.patrolSection } : {}),
      });
    } catch (err) {
      inc.executor = null;
      inc.planId = `${inc.id}-P${++inc.planSeq}`;
      return [...out, ...this.alarm({ planId: inc.planId, step: 0, device: inc.tripped, kind: 'interlock', message: `no switching plan: ${(err as Error).message}; crew operations needed` }, now, false), this.report(now)];
    }
    inc.planId = `${inc.id}-P${++inc.planSeq}`;
    inc.fdirPlan = plan;
    inc.plan = plan.steps;
    inc.executor = null;
    const hasRemote = plan.steps.length > 0;
    out.push({
      port: 'plan', topic: 'fdir/plan',
      payload: {
        planId: inc.planId, incident: inc.id, kind: 'restoration', mode: this.mode, awaiting: hasRemote && this.mode === 'advisory' ? 'confirmation' : null,
        replanOf: failed ? previous : null, unavailable, tripped: inc.tripped,
        ...fdirSummary(plan),
        // After a patrol report the fault is on that section; the indications' zone stays in `locatedZone`.
        ...(inc.patrolSection !== null ? { faultedZone: [inc.patrolSection], locatedZone: inc.located } : {}),
        notes: [...inc.notes, ...(blind.length ? [`no fresh position from the IEDs of ${blind.map((d) => `"${d}"`).join(', ')}: not operated remotely`] : []), ...plan.notes],
        liveLoadPoints: inc.liveLoadPoints,
        estimatedRestorationTime: inc.event.start + plan.estimatedRepairHours * 3600000,
      },
    });
    inc.estimatedRepairHours = plan.estimatedRepairHours;
    out.push(this.report(now));
    if (!hasRemote) {
      this.phase = 'restored';
      return out;
    }
    if (this.mode === 'automatic') return [...out, ...this.execute(now)];
    this.phase = 'awaiting-confirmation';
    return out;
  }

  private execute(now: number): FdirOutput[] {
    const inc = this.incident!;
    const ix = this.feeder.index;
    this.phase = 'executing';
    inc.executor = new PlanExecutor(inc.plan, {
      planId: inc.planId,
      timeoutMs: this.opts.confirmTimeoutMs,
      states: this.states,
      interlock: (step, states) => {
        if (step.mode === 'remote') {
          const l = this.byDevice.get(step.device);
          if (!l) return { ok: false, reason: `no IED watches "${step.device}"` };
          const remote = l.ied.profile.remotePoint;
          if (remote && this.good(l, remote) && l.values[remote] === false) return { ok: false, reason: `IED "${l.ied.id}" is in local mode` };
          if (!this.positionFresh(l)) return { ok: false, reason: `the position of "${step.device}" is not known (IED "${l.ied.id}" ${l.heard ? 'stale' : 'not heard'})` };
          try {
            commandWrites(l.ied, step.expectedClosed);
          } catch (err) {
            return { ok: false, reason: (err as Error).message };
          }
        }
        const d = ix.deviceIndex.get(step.device)!;
        return checkCommand({ index: ix, faulted: inc.faulted, checker: inc.checker, allowSameSourceLoop: inc.kind === 'return' }, ix.deviceStates(this.knownStates(states)), d, step.expectedClosed);
      },
    });
    return this.handle(inc.executor.start(now), now);
  }

  private handle(events: ExecutorEvent[], now: number): FdirOutput[] {
    const inc = this.incident!;
    const out: FdirOutput[] = [];
    for (const ev of events) {
      if (ev.type === 'command') out.push(...this.sendCommand(ev.command, now));
      else if (ev.type === 'await-crew') {
        this.phase = 'crew';
        out.push(this.event('crew', `step ${ev.step.step}: crew to ${ev.step.action} "${ev.step.device}" (${ev.step.reason}); confirm with fdir/confirm {"step": ${ev.step.step}}`, now, { planId: inc.planId, step: ev.step.step, device: ev.step.device, action: ev.step.action }));
      } else if (ev.type === 'step-done') {
        this.pending = null;
        out.push(this.event('step-done', `step ${ev.step.step} done: "${ev.step.device}" ${ev.step.expectedClosed ? 'closed' : 'open'}`, now, { planId: inc.planId, step: ev.step.step, device: ev.step.device }));
      } else if (ev.type === 'done') {
        this.pending = null;
        out.push(this.event('plan-done', `plan ${inc.planId} complete`, now, { planId: inc.planId }));
        if (inc.kind === 'return') out.push(...this.finishIncident(now));
        else {
          this.phase = 'restored';
          out.push(this.report(now));
        }
      } else if (ev.type === 'alarm') {
        out.push(...this.cancelSelect(now));
        this.pending = null;
        out.push(...this.alarm(ev.alarm, now, ev.alarm.kind !== 'cancelled'));
      }
    }
    return out;
  }

  private sendCommand(c: SwitchCommand, now: number): FdirOutput[] {
    const l = this.byDevice.get(c.device)!;
    const writes = commandWrites(l.ied, c.close);
    const rp = l.ied.profile.resultPoint;
    const pend: Pending = { command: c, ied: l.ied, writes, phase: 'operate', selectSentAt: now, resultBefore: rp ? l.values[rp] : undefined, resultSeen: false };
    this.pending = pend;
    const out: FdirOutput[] = [this.event('command', `step ${c.step}: ${c.close ? 'close' : 'open'} "${c.device}" via IED "${l.ied.id}" (unit ${l.ied.unitId})`, now, { planId: c.planId, step: c.step, device: c.device })];
    if (writes.select) {
      out.push(this.write(pend, 'select', writes.select, now));
      const armed = l.ied.profile.selectArmedPoint;
      if (this.opts.checkSelect && armed && l.values[armed] !== true) {
        pend.phase = 'select';
        return out;
      }
    }
    out.push(this.write(pend, 'operate', writes.operate, now));
    return out;
  }

  private followCommand(pend: Pending, l: IedLive, m: IedMeasurement, now: number): FdirOutput[] {
    const p = l.ied.profile;
    const inc = this.incident!;
    const out: FdirOutput[] = [];
    if (p.resultPoint && p.resultPoint in m.values && this.good(l, p.resultPoint)) {
      const v = l.values[p.resultPoint];
      // A rejection counts once the result moved since the command (an old rejection is not this command's).
      const refusal = typeof v === 'number' ? p.refusals.get(v) : undefined;
      if (refusal && (v !== pend.resultBefore || pend.resultSeen)) {
        out.push(...this.cancelSelect(now));
        this.pending = null;
        return [...out, ...this.handle(inc.executor!.refuse(`IED "${l.ied.id}" refused the ${pend.command.close ? 'close' : 'open'} command on "${pend.command.device}": ${refusal}`), now)];
      }
      pend.resultSeen = true;
    }
    if (pend.phase === 'select' && p.selectArmedPoint && l.values[p.selectArmedPoint] === true && this.good(l, p.selectArmedPoint)) {
      pend.phase = 'operate';
      out.push(this.write(pend, 'operate', pend.writes.operate, now));
    }
    return out;
  }

  private cancelSelect(now: number): FdirOutput[] {
    const pend = this.pending;
    if (!pend || pend.phase !== 'select' || !pend.writes.cancel) return [];
    return [this.write(pend, 'cancel', pend.writes.cancel, now)];
  }

  private write(pend: Pending, phase: CommandInfo['phase'], w: FlexWrite, now: number): FdirOutput {
    const c = pend.command;
    return {
      port: 'command', topic: 'fdir/command', payload: { ...w },
      command: { planId: c.planId, step: c.step, device: c.device, ied: pend.ied.id, action: c.close ? 'close' : 'open', phase, reason: c.reason, timeoutMs: c.timeoutMs, expectedClosed: c.close, issuedAt: now },
    };
  }

  private alarm(a: ExecutorAlarm, now: number, replan: boolean): FdirOutput[] {
    const inc = this.incident;
    this.lastAlarm = a.message;
    const out: FdirOutput[] = [];
    let next: string | null = null;
    if (replan && inc && inc.kind === 'restoration' && inc.replans < this.opts.maxReplans) next = `${inc.id}-P${inc.planSeq + 1}`;
    out.push({ port: 'event', topic: 'fdir/alarm', payload: { ...a, ts: now, incident: inc?.id ?? null, replan: next } });
    if (!inc) return out;
    if (a.kind === 'cancelled') {
      this.phase = 'cancelled';
      return out;
    }
    this.phase = 'alarm';
    if (!replan) return out;
    if (next === null) {
      out.push(this.event('manual', inc.kind === 'return' ? 'return to normal stopped: finish it by hand, then send fdir/repaired again to replan' : `replan limit (${this.opts.maxReplans}) reached: the operator takes over`, now));
      return out;
    }
    if (a.device) inc.unavailable.add(a.device);
    inc.replans++;
    out.push(...this.plan(now, a));
    return out;
  }

  private finishIncident(now: number): FdirOutput[] {
    const inc = this.incident!;
    const report = this.report(now, true);
    const s = inc.outages.summary();
    const out: FdirOutput[] = [this.event('normal', `incident ${inc.id} closed: back to normal${s.customersOut ? `; ${s.customersOut} customers still without supply` : ''}`, now), report];
    this.incident = null;
    this.phase = 'normal';
    return out;
  }

  // ---- field state -------------------------------------------------------------------------

  private stateChanged(device: string, ts: number): FdirOutput[] {
    const inc = this.incident;
    if (!inc) return [];
    const why = inc.kind === 'return' ? { planned: true, cause: 'OP' } : { planned: false, cause: inc.cause };
    const records = inc.outages.update(this.feeder.index.deviceStates(this.knownStates()), device, ts, why);
    const out: FdirOutput[] = records.map((r): FdirOutput => ({ port: 'record', topic: 'reliability/interruption', payload: r satisfies InterruptionRecord }));
    if (records.length) out.push(this.report(ts));
    return out;
  }

  private good(l: IedLive, point: string): boolean {
    const q = l.qualities[point];
    return q === 'good' || q === 'out-of-range';
  }

  private positionFresh(l: IedLive): boolean {
    const p = l.ied.profile;
    const pts = [p.closedPoint?.point, p.openPoint?.point].filter((x): x is string => !!x);
    return pts.length > 0 && pts.some((k) => k in l.values) && pts.every((k) => l.qualities[k] === undefined || this.good(l, k));
  }

  /** Known device states as ids -> closed, ignoring ids outside the model. */
  private knownStates(states: Record<string, boolean> = this.states): Record<string, boolean> {
    const out: Record<string, boolean> = {};
    for (const [id, c] of Object.entries(states)) if (this.feeder.index.deviceIndex.has(id)) out[id] = c;
    return out;
  }

  private indicatingDevices(): string[] {
    return this.ieds.filter((i) => i.device !== null).map((i) => i.device!);
  }

  /** Fault passage per indicating device: seen, not seen, or stale (comms) — a stale one widens the zone. */
  private indications(e: FaultEventInput): FaultIndications {
    const saw = new Set<string>();
    for (const p of e.faultPassage) {
      const dev = this.live.get(p.ied)?.ied.device ?? p.device;
      if (dev) saw.add(dev);
    }
    const passage: Record<string, boolean | 'stale'> = {};
    for (const l of this.live.values()) {
      const dev = l.ied.device;
      if (dev === null) continue;
      if (saw.has(dev)) passage[dev] = true;
      else passage[dev] = this.indicationStale(l) ? 'stale' : false;
    }
    return { tripped: e.device ?? undefined, passage };
  }

  private indicationStale(l: IedLive): boolean {
    if (!l.heard || l.silent) return true;
    return l.ied.profile.indicationPoints.some((k) => {
      const q = l.qualities[k];
      return q === 'stale' || q === 'comms-failed';
    });
  }

  /** Live loads from the last power samples taken well before the fault. */
  private preFaultLoads(preFault: Record<string, boolean>, start: number): { loads: Record<string, LiveLoadValue>; count: number; notes: string[] } {
    const metered: MeteredDevice[] = [];
    for (const l of this.live.values()) {
      if (l.ied.device === null || l.samples.length === 0) continue;
      const before = l.samples.filter((s) => s.ts <= start - this.opts.preFaultGuardMs);
      const s = before.length ? before[before.length - 1] : l.samples.find((x) => x.ts < start);
      if (!s) continue;
      metered.push({ device: l.ied.device, pKW: s.pKW, ...(s.qKvar !== undefined ? { qKvar: s.qKvar } : {}) });
    }
    if (metered.length === 0) return { loads: {}, count: 0, notes: [`no power measured before the fault: load points at their model ${this.opts.loadBasis} load`] };
    const topo = new Topology(this.feeder.index, this.feeder.index.deviceStates(this.knownStates(preFault)));
    const a = allocateLiveLoads(this.feeder, topo, metered);
    const count = Object.keys(a.loads).length;
    const notes = [...a.notes, `live loads from ${a.zones.length} metering zone(s) cover ${count} of ${this.feeder.model.loadPoints.length} load points; the rest at their model ${this.opts.loadBasis} load`];
    return { loads: a.loads, count, notes };
  }

  private readMeasurement(raw: unknown): IedMeasurement {
    const where = 'ied/measurement';
    if (!isObject(raw)) throw new Error(`${where}: payload must be the IED reader's measurement {ied, ts, values} (got ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw) ?? typeof raw})`);
    if (typeof raw.ied !== 'string' || !raw.ied) throw new Error(`${where}: payload.ied must be the IED id (got ${JSON.stringify(raw.ied)})`);
    if (!this.live.has(raw.ied)) {
      throw new Error(`${where}: IED "${raw.ied}" is not an IED of feeder "${this.feederName}" (its IEDs: ${[...this.live.keys()].map((k) => `"${k}"`).join(', ') || 'none'})`);
    }
    if (!isNum(raw.ts)) throw new Error(`${where}: IED "${raw.ied}": payload.ts must be epoch milliseconds (got ${JSON.stringify(raw.ts)})`);
    if (!isObject(raw.values)) throw new Error(`${where}: IED "${raw.ied}": payload.values must be an object of point values (got ${JSON.stringify(raw.values)})`);
    for (const [k, v] of Object.entries(raw.values)) {
      if (v !== null && typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`${where}: IED "${raw.ied}": values.${k} must be a number, boolean or null (got ${JSON.stringify(v)})`);
    }
    if (raw.qualities !== undefined && !isObject(raw.qualities)) throw new Error(`${where}: IED "${raw.ied}": payload.qualities must be an object`);
    return raw as unknown as IedMeasurement;
  }

  // ---- messages ----------------------------------------------------------------------------

  private event(type: string, text: string, now: number, extra: Record<string, unknown> = {}): FdirOutput {
    return { port: 'event', topic: 'fdir/event', payload: { ts: now, type, incident: this.incident?.id ?? null, text, ...extra } };
  }

  private report(now: number, final = false): FdirOutput {
    const inc = this.incident!;
    const s: OutageSummary = inc.outages.summary();
    const etr = inc.event.start + inc.estimatedRepairHours * 3600000;
    const ex = inc.executor;
    return {
      port: 'plan', topic: 'fdir/report',
      payload: {
        incident: inc.id, feeder: this.feederName, ts: now, state: final ? 'normal' : this.phase, planId: inc.planId || null,
        fault: { tripped: inc.tripped, cause: inc.cause, start: inc.event.start, sections: inc.located },
        customersInterrupted: s.customersInterrupted, kWInterrupted: s.kWInterrupted,
        customersRestored: s.customersRestored, kWRestored: s.kWRestored,
        customersOut: s.customersOut, kWOut: s.kWOut,
        restored: s.restored,
        stillOut: {
          loadPoints: s.loadPointsOut, customers: s.customersOut, kW: s.kWOut,
          estimatedRepairHours: inc.estimatedRepairHours, estimatedRestorationTime: s.customersOut ? etr : null,
        },
        steps: { done: ex ? ex.completedAt.length : 0, of: inc.plan.length },
      },
    };
  }

  /** A blown fuse (or another device without an IED) cleared the fault: report it, switch nothing. */
  private fuseOperated(e: FaultEventInput, now: number): FdirOutput[] {
    const ix = this.feeder.index;
    const m = this.feeder.model;
    const topo = new Topology(ix, ix.deviceStates(this.knownStates()));
    let candidates: string[] = [];
    let zone: string[] = [];
    if (e.deviceType === 'fuse' && e.device) candidates = [e.device];
    else {
      try {
        const ind = this.indications({ ...e, device: null });
        delete ind.tripped;
        const loc = locateFault(topo, ind, indicatingMask(topo, this.indicatingDevices()));
        zone = loc.fault.sections;
        const inZone = new Set(zone);
        candidates = m.devices.filter((d) => d.type === 'fuse' && inZone.has(d.section)).map((d) => d.id);
      } catch {
        // No passage seen at all: nothing narrows it down.
      }
    }
    const down = candidates.length === 1 ? topo.downstream({ device: candidates[0] }) : null;
    const text = `fault cleared without a monitored device opening${candidates.length ? `: fuse ${candidates.length === 1 ? `"${candidates[0]}"` : `one of ${candidates.map((c) => `"${c}"`).join(', ')}`}` : ''} — no switching needed; replace the fuse after the repair`;
    this.fuseNote = candidates.length === 1 ? `fuse ${candidates[0]} operated${down ? `: ${down.customers} customers out` : ''}` : 'fault cleared by a fuse: no switching';
    return [
      this.event('fuse', text, now, { event: e.id, fuses: candidates, zone }),
      {
        port: 'plan', topic: 'fdir/report',
        payload: {
          incident: e.id, feeder: this.feederName, ts: now, state: 'fuse', planId: null,
          fault: { tripped: candidates.length === 1 ? candidates[0] : null, cause: e.cause, start: e.start, sections: zone },
          fuses: candidates,
          customersInterrupted: down?.customers ?? null, kWInterrupted: down?.avgKW ?? null, customersRestored: 0, kWRestored: 0,
          customersOut: down?.customers ?? null, kWOut: down?.avgKW ?? null, restored: [],
          stillOut: down ? { loadPoints: down.loadPoints, customers: down.customers, kW: down.avgKW } : null,
        },
      },
    ];
  }
}
