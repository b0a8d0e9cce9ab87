/**
 * Protection element settings (phase and earth overcurrent: inverse time, definite time,
 * instantaneous), their validation with errors that name the element and the field, and the
 * operating and reset times each element gives at a current.
 */
import { CURVES, CURVE_NAMES, curveOperateTime, curveResetTime, type CurveName } from './curves';

export type Measures = 'phase' | 'earth';
export type ResetMode = 'instantaneous' | 'definite' | 'dependent';

interface ElementBase {
  /** Shown in events; defaults to the ANSI number (51P, 50P-TD, 50P, 51N, ...). */
  name?: string;
  /** phase: the largest phase current; earth: the residual current. */
  measures: Measures;
  pickupA: number;
}

export interface InverseTimeElement extends ElementBase {
  kind: 'inverse';
  curve: CurveName;
  /** Time multiplier (IEC TMS) or time dial (IEEE TD) as it multiplies the standard formula. */
  tms: number;
  /** Reset: instantaneous (default), definite (after resetDelayS), dependent (IEEE disc emulation). */
  reset?: ResetMode;
  resetDelayS?: number;
  /** Definite minimum time: the operating time never falls below this (s). */
  minTimeS?: number;
  /** Multiples above this operate as at this multiple (curves often end at 20 × Is). */
  maxMultiple?: number;
}

export interface DefiniteTimeElement extends ElementBase {
  kind: 'definite';
  delayS: number;
  reset?: 'instantaneous' | 'definite';
  resetDelayS?: number;
}

export interface InstantaneousElement extends ElementBase {
  kind: 'instantaneous';
  /** Intentional delay (s), default 0. */
  delayS?: number;
}

export type ProtectionElement = InverseTimeElement | DefiniteTimeElement | InstantaneousElement;

export interface ProtectionSettings {
  elements: ProtectionElement[];
}

/** Bounds that catch settings entered in the wrong unit (percent, milliseconds) while admitting every relay's range. */
export const TMS_RANGE: [number, number] = [0.01, 15];
export const DELAY_RANGE_S: [number, number] = [0, 600];

export class ProtectionSettingsError extends Error {
  constructor(readonly issues: string[], readonly source = 'protection settings') {
    super(`${source} are invalid: ${issues.join('; ')}`);
    this.name = 'ProtectionSettingsError';
  }
}

const KEYS: Record<ProtectionElement['kind'], string[]> = {
  inverse: ['name', 'kind', 'measures', 'pickupA', 'curve', 'tms', 'reset', 'resetDelayS', 'minTimeS', 'maxMultiple'],
  definite: ['name', 'kind', 'measures', 'pickupA', 'delayS', 'reset', 'resetDelayS'],
  instantaneous: ['name', 'kind', 'measures', 'pickupA', 'delayS'],
};

export function elementName(e: ProtectionElement): string {
  if (e.name) return e.name;
  const s = e.measures === 'earth' ? 'N' : 'P';
  return e.kind === 'inverse' ? `51${s}` : e.kind === 'definite' ? `50${s}-TD` : `50${s}`;
}

function num(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Validates settings; returns them typed or throws ProtectionSettingsError listing every problem. */
export function validateProtection(input: unknown, source = 'protection settings'): ProtectionSettings {
  const issues: string[] = [];
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new ProtectionSettingsError([`must be an object {elements: [...]} (got ${JSON.stringify(input) ?? typeof input})`], source);
  const elements = (input as { elements?: unknown }).elements;
  if (!Array.isArray(elements) || elements.length === 0) throw new ProtectionSettingsError(['elements must be a non-empty array'], source);
  for (const k of Object.keys(input)) if (k !== 'elements') issues.push(`${k} is not a known field`);
  elements.forEach((raw, i) => {
    const e = raw as Record<string, unknown>;
    const label = `elements[${i}]${e && typeof e.name === 'string' ? ` "${e.name}"` : ''}`;
    const bad = (m: string): void => { issues.push(`${label}: ${m}`); };
    if (!e || typeof e !== 'object' || Array.isArray(e)) return bad('must be an object');
    const kind = e.kind as ProtectionElement['kind'];
    if (!(kind in KEYS)) return bad(`kind must be "inverse", "definite" or "instantaneous" (got ${JSON.stringify(e.kind)})`);
    for (const k of Object.keys(e)) if (!KEYS[kind].includes(k)) bad(`${k} is not a setting of a ${kind} element`);
    if (e.name !== undefined && (typeof e.name !== 'string' || !e.name)) bad('name must be a non-empty string');
    if (e.measures !== 'phase' && e.measures !== 'earth') bad(`measures must be "phase" or "earth" (got ${JSON.stringify(e.measures)})`);
    if (!num(e.pickupA) || e.pickupA <= 0) bad(`pickupA must be a number above 0 A (got ${JSON.stringify(e.pickupA)})`);
    const inRange = (field: string, [lo, hi]: [number, number], unit: string, required: boolean): void => {
      const v = e[field];
      if (v === undefined) {
        if (required) bad(`${field} is required`);
        return;
      }
      if (!num(v) || v < lo || v > hi) bad(`${field} must be ${lo}..${hi}${unit} (got ${JSON.stringify(v)})`);
    };
    if (kind === 'inverse') {
      if (!CURVE_NAMES.includes(e.curve as CurveName)) bad(`curve must be one of ${CURVE_NAMES.join(', ')} (got ${JSON.stringify(e.curve)})`);
      inRange('tms', TMS_RANGE, '', true);
      inRange('minTimeS', DELAY_RANGE_S, ' s', false);
      if (e.maxMultiple !== undefined && (!num(e.maxMultiple) || e.maxMultiple <= 1)) bad(`maxMultiple must be a number above 1 (got ${JSON.stringify(e.maxMultiple)})`);
      if (e.reset !== undefined && !['instantaneous', 'definite', 'dependent'].includes(e.reset as string)) bad(`reset must be "instantaneous", "definite" or "dependent" (got ${JSON.stringify(e.reset)})`);
      if (e.reset === 'dependent' && CURVES[e.curve as CurveName] && CURVES[e.curve as CurveName].tr === null) {
        bad(`reset "dependent" (disc emulation) is defined for the IEEE C37.112 curves only; ${e.curve} resets "instantaneous" or "definite"`);
      }
    } else if (kind === 'definite') {
      inRange('delayS', DELAY_RANGE_S, ' s', true);
      if (e.reset !== undefined && e.reset !== 'instantaneous' && e.reset !== 'definite') bad(`reset must be "instantaneous" or "definite" (got ${JSON.stringify(e.reset)})`);
    } else {
      inRange('delayS', DELAY_RANGE_S, ' s', false);
    }
    if (kind !== 'instantaneous') {
      inRange('resetDelayS', DELAY_RANGE_S, ' s', e.reset === 'definite');
      if (e.resetDelayS !== undefined && e.reset !== 'definite') bad('resetDelayS is only used with reset "definite"');
    }
  });
  const names = new Map<string, number>();
  (elements as ProtectionElement[]).forEach((e, i) => {
    if (!e || typeof e !== 'object' || !(e.kind in KEYS)) return;
    const n = elementName(e);
    if (names.has(n)) issues.push(`elements[${i}]: name "${n}" is already used by elements[${names.get(n)}] (give one a name)`);
    else names.set(n, i);
  });
  if (issues.length) throw new ProtectionSettingsError(issues, source);
  return input as ProtectionSettings;
}

/** Operating time (s) of an element at current I (A); Infinity when it does not pick up. */
export function operateTimeS(e: ProtectionElement, currentA: number): number {
  if (!(currentA > e.pickupA)) return Infinity;
  if (e.kind === 'instantaneous') return e.delayS ?? 0;
  if (e.kind === 'definite') return e.delayS;
  let m = currentA / e.pickupA;
  if (e.maxMultiple !== undefined && m > e.maxMultiple) m = e.maxMultiple;
  const t = curveOperateTime(e.curve, e.tms, m);
  return e.minTimeS !== undefined && t < e.minTimeS ? e.minTimeS : t;
}

/**
 * Time (s) to reset fully from operation while the current stays at I below pickup: 0 for
 * instantaneous reset, resetDelayS for definite reset, tr(I) for dependent reset.
 */
export function resetTimeS(e: ProtectionElement, currentA: number): number {
  if (e.kind === 'instantaneous') return 0;
  const mode = e.reset ?? 'instantaneous';
  if (mode === 'instantaneous') return 0;
  if (mode === 'definite') return e.resetDelayS ?? 0;
  const t = curveResetTime((e as InverseTimeElement).curve, (e as InverseTimeElement).tms, Math.max(0, currentA) / e.pickupA);
  return t ?? 0;
}

/** The smallest pickup of the elements measuring `what`, or null when there is none. */
export function lowestPickupA(s: ProtectionSettings, what: Measures): number | null {
  let best: number | null = null;
  for (const e of s.elements) if (e.measures === what && (best === null || e.pickupA < best)) best = e.pickupA;
  return best;
}

export interface OperatingElement {
  name: string;
  kind: ProtectionElement['kind'];
  measures: Measures;
  curve: CurveName | null;
  pickupA: number;
  currentA: number;
  multiple: number;
  operateTimeS: number;
}

/** The element that operates first for phase current `phaseA` and residual `earthA` (either may be null). */
export function fastestElement(s: ProtectionSettings, phaseA: number | null, earthA: number | null): OperatingElement | null {
  let best: OperatingElement | null = null;
  for (const e of s.elements) {
    const i = e.measures === 'phase' ? phaseA : earthA;
    if (i === null) continue;
    const t = operateTimeS(e, i);
    if (!Number.isFinite(t)) continue;
    if (!best || t < best.operateTimeS) {
      best = { name: elementName(e), kind: e.kind, measures: e.measures, curve: e.kind === 'inverse' ? e.curve : null, pickupA: e.pickupA, currentA: i, multiple: i / e.pickupA, operateTimeS: t };
    }
  }
  return best;
}
