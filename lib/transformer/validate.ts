/**
 * Validation of transformer parameters, bus loads and operating points read from JSON, node
 * configuration or telemetry. Every problem is reported with its path and the unit's id, and all
 * problems of one input are reported together, so a user fixes a file in one pass.
 */
import {
  isMode, MODES, type BusLoad, type ModeName, type ParallelingRules, type StationParams, type TransformerParams,
} from './types';

export class TransformerInputError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems: ${problems.join('; ')}`);
    this.name = 'TransformerInputError';
  }
}

export const DEFAULT_PARALLELING: ParallelingRules = {
  allowed: true, ukTolerancePct: 10, maxCapacityRatio: 3, ratioTolerancePct: 0.5,
};

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v) ?? String(v);
}

/** Collects problems under a path prefix; the typed getters return undefined when a value is bad. */
class Checker {
  readonly problems: string[] = [];

  add(where: string, text: string): void {
    this.problems.push(where ? `${where}: ${text}` : text);
  }

  num(o: Obj, key: string, where: string, rule: { min?: number; gt?: number; lt?: number; required?: boolean; def?: number }): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (rule.required) this.add(where, `${key} is required`);
      return rule.def;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.add(where, `${key} must be a finite number, got ${show(v)}`);
      return undefined;
    }
    if (rule.gt !== undefined && !(v > rule.gt)) this.add(where, `${key} must be > ${rule.gt}, got ${v}`);
    else if (rule.min !== undefined && v < rule.min) this.add(where, `${key} must be >= ${rule.min}, got ${v}`);
    else if (rule.lt !== undefined && !(v < rule.lt)) this.add(where, `${key} must be < ${rule.lt}, got ${v}`);
    else return v;
    return undefined;
  }

  throwIfAny(): void {
    if (this.problems.length) throw new TransformerInputError(this.problems);
  }
}

function label(path: string, o: unknown): string {
  return isObj(o) && typeof o.id === 'string' ? `${path} "${o.id}"` : path;
}

function checkTransformer(c: Checker, raw: unknown, path: string, needQ0: boolean): TransformerParams | undefined {
  if (!isObj(raw)) {
    c.add(path, `must be an object with id, snKVA, p0KW, pkKW, ukPct, got ${show(raw)}`);
    return undefined;
  }
  const where = label(path, raw);
  const before = c.problems.length;
  if (typeof raw.id !== 'string' || raw.id.trim() === '') c.add(where, `id must be a non-empty string, got ${show(raw.id)}`);
  const snKVA = c.num(raw, 'snKVA', where, { gt: 0, required: true });
  const p0KW = c.num(raw, 'p0KW', where, { min: 0, required: true });
  const pkKW = c.num(raw, 'pkKW', where, { gt: 0, required: true });
  const ukPct = c.num(raw, 'ukPct', where, { gt: 0, lt: 100, required: true });
  const q0Kvar = c.num(raw, 'q0Kvar', where, { min: 0 });
  const qkKvar = c.num(raw, 'qkKvar', where, { min: 0 });
  const i0Pct = c.num(raw, 'i0Pct', where, { min: 0, lt: 100 });
  const ratio = c.num(raw, 'ratio', where, { gt: 0 });
  if (snKVA !== undefined && p0KW !== undefined && p0KW >= snKVA) c.add(where, `p0KW (${p0KW}) must be below snKVA (${snKVA}): no-load loss is a small fraction of the rating`);
  if (snKVA !== undefined && pkKW !== undefined && pkKW >= snKVA) c.add(where, `pkKW (${pkKW}) must be below snKVA (${snKVA}): load loss is a small fraction of the rating`);
  if (raw.vectorGroup !== undefined && (typeof raw.vectorGroup !== 'string' || !/^[A-Za-z]{2,6}\d{1,2}$/.test(raw.vectorGroup.trim()))) {
    c.add(where, `vectorGroup must look like "Dyn11" or "Yyn0", got ${show(raw.vectorGroup)}`);
  }
  if (needQ0 && raw.q0Kvar === undefined && raw.i0Pct === undefined) {
    c.add(where, 'q0Kvar or i0Pct is required when reactiveEquivalentKWPerKvar > 0');
  }
  if (c.problems.length > before) return undefined;
  const t: TransformerParams = { id: (raw.id as string).trim(), snKVA: snKVA!, p0KW: p0KW!, pkKW: pkKW!, ukPct: ukPct! };
  if (q0Kvar !== undefined) t.q0Kvar = q0Kvar;
  if (qkKvar !== undefined) t.qkKvar = qkKvar;
  if (i0Pct !== undefined) t.i0Pct = i0Pct;
  if (ratio !== undefined) t.ratio = ratio;
  if (typeof raw.vectorGroup === 'string') t.vectorGroup = raw.vectorGroup.trim();
  return t;
}

function checkModes(c: Checker, raw: unknown, where: string): ModeName[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    c.add(where, `must be an array of mode names (${MODES.join(', ')}), got ${show(raw)}`);
    return [];
  }
  const out: ModeName[] = [];
  raw.forEach((m, i) => {
    if (!isMode(m)) c.add(`${where}[${i}]`, `${show(m)} is not a mode; modes are ${MODES.join(', ')}`);
    else if (!out.includes(m)) out.push(m);
  });
  return out;
}

function checkParalleling(c: Checker, raw: unknown): ParallelingRules {
  if (raw === undefined || raw === null) return { ...DEFAULT_PARALLELING };
  if (!isObj(raw)) {
    c.add('paralleling', `must be an object {allowed, ukTolerancePct, maxCapacityRatio, ratioTolerancePct}, got ${show(raw)}`);
    return { ...DEFAULT_PARALLELING };
  }
  if (raw.allowed !== undefined && typeof raw.allowed !== 'boolean') c.add('paralleling', `allowed must be true or false, got ${show(raw.allowed)}`);
  return {
    allowed: raw.allowed !== false,
    ukTolerancePct: c.num(raw, 'ukTolerancePct', 'paralleling', { min: 0, def: DEFAULT_PARALLELING.ukTolerancePct }) ?? DEFAULT_PARALLELING.ukTolerancePct,
    maxCapacityRatio: c.num(raw, 'maxCapacityRatio', 'paralleling', { min: 1, def: DEFAULT_PARALLELING.maxCapacityRatio }) ?? DEFAULT_PARALLELING.maxCapacityRatio,
    ratioTolerancePct: c.num(raw, 'ratioTolerancePct', 'paralleling', { min: 0, def: DEFAULT_PARALLELING.ratioTolerancePct }) ?? DEFAULT_PARALLELING.ratioTolerancePct,
  };
}

function stationInto(c: Checker, raw: Obj): StationParams | undefined {
  const kq = c.num(raw, 'reactiveEquivalentKWPerKvar', '', { min: 0, lt: 1, def: 0 });
  const overloadLimit = c.num(raw, 'overloadLimit', '', { gt: 0, def: 1 });
  const units: TransformerParams[] = [];
  if (!Array.isArray(raw.transformers)) {
    c.add('', `transformers must be an array of two transformers, got ${show(raw.transformers)}`);
  } else if (raw.transformers.length !== 2) {
    c.add('', `transformers must hold exactly two transformers (T1 feeds bus 1, T2 feeds bus 2), got ${raw.transformers.length}`);
  } else {
    raw.transformers.forEach((t, i) => {
      const u = checkTransformer(c, t, `transformers[${i}]`, (kq ?? 0) > 0);
      if (u) units.push(u);
    });
    if (units.length === 2 && units[0].id === units[1].id) c.add('transformers[1]', `id "${units[1].id}" repeats transformers[0]`);
  }
  const blockedModes = checkModes(c, raw.blockedModes, 'blockedModes');
  const paralleling = checkParalleling(c, raw.paralleling);
  if (c.problems.length) return undefined;
  return {
    transformers: [units[0], units[1]],
    overloadLimit: overloadLimit!,
    reactiveEquivalentKWPerKvar: kq!,
    blockedModes,
    paralleling,
  };
}

/** Station parameters from JSON: `{transformers: [T1, T2], overloadLimit?, reactiveEquivalentKWPerKvar?, blockedModes?, paralleling?}`. */
export function parseStation(raw: unknown): StationParams {
  const c = new Checker();
  if (!isObj(raw)) throw new TransformerInputError([`station parameters must be a JSON object, got ${show(raw)}`]);
  const s = stationInto(c, raw);
  c.throwIfAny();
  return s!;
}

function checkBuses(c: Checker, raw: unknown, where: string): [BusLoad, BusLoad] | undefined {
  if (!Array.isArray(raw) || raw.length !== 2) {
    c.add(where, `must be an array of two bus loads [{id, pKW, qKvar}, {...}], got ${Array.isArray(raw) ? `${raw.length} entries` : show(raw)}`);
    return undefined;
  }
  const before = c.problems.length;
  const out = raw.map((b, i) => {
    const path = `${where}[${i}]`;
    if (!isObj(b)) {
      c.add(path, `must be an object {id, pKW, qKvar}, got ${show(b)}`);
      return undefined;
    }
    const at = label(path, b);
    if (b.id !== undefined && typeof b.id !== 'string') c.add(at, `id must be a string, got ${show(b.id)}`);
    const pKW = c.num(b, 'pKW', at, { required: true });
    const qKvar = c.num(b, 'qKvar', at, { required: true });
    return { id: typeof b.id === 'string' ? b.id : `B${i + 1}`, pKW: pKW ?? 0, qKvar: qKvar ?? 0 };
  });
  if (c.problems.length > before) return undefined;
  return [out[0]!, out[1]!];
}

/** Two bus loads from JSON. */
export function parseBuses(raw: unknown, where = 'buses'): [BusLoad, BusLoad] {
  const c = new Checker();
  const b = checkBuses(c, raw, where);
  c.throwIfAny();
  return b!;
}

export function parseMode(raw: unknown, where: string): ModeName {
  if (!isMode(raw)) throw new TransformerInputError([`${where}: ${show(raw)} is not a mode; modes are ${MODES.join(', ')}`]);
  return raw;
}

export interface OperatingPoint {
  station: StationParams;
  buses: [BusLoad, BusLoad];
  currentMode: ModeName | null;
}

/** The operating-point document of DESIGN.md §8 (station parameters + bus loads + optional present mode). */
export function parseOperatingPoint(raw: unknown): OperatingPoint {
  if (!isObj(raw)) throw new TransformerInputError([`operating point must be a JSON object, got ${show(raw)}`]);
  const c = new Checker();
  const station = stationInto(c, raw);
  const buses = checkBuses(c, raw.buses, 'buses');
  let currentMode: ModeName | null = null;
  if (raw.currentMode !== undefined && raw.currentMode !== null) {
    if (!isMode(raw.currentMode)) c.add('currentMode', `${show(raw.currentMode)} is not a mode; modes are ${MODES.join(', ')}`);
    else currentMode = raw.currentMode;
  }
  c.throwIfAny();
  return { station: station!, buses: buses!, currentMode };
}
