/**
 * Register maps: JSON Schema validation (ajv) first, then the checks a schema cannot express
 * (unique names, overlapping registers, bit numbers, expressions that compile, control points that
 * exist and are writable). Every issue names the point by index and name and the field at fault.
 * A valid map compiles to `CompiledMap`, which the decoder and encoder use.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import type * as MathJs from 'mathjs' with { 'resolution-mode': 'import' };
import schema from './register-map.schema.json';
import { integerLimits } from './codec';
import { REGISTER_MAP_FORMAT, TABLES, TYPE_WORDS, type Access, type DataType, type Endian, type RegisterMapDoc, type RegisterPoint, type Table } from './types';

export interface MapIssue {
  /** `points[3]`, `controls.open`, or `(map)`. */
  path: string;
  /** Point name (or control name) when there is one. */
  name: string;
  message: string;
}

export function formatMapIssue(i: MapIssue): string {
  return `${i.path}${i.name ? ` "${i.name}"` : ''}: ${i.message}`;
}

/** Thrown for an invalid map; `issues` lists every problem, the message shows them all. */
export class RegisterMapError extends Error {
  constructor(readonly issues: MapIssue[], readonly source = 'register map') {
    super(`${source} is invalid: ${issues.map(formatMapIssue).join('; ')}`);
    this.name = 'RegisterMapError';
  }
}

export interface CompiledPoint {
  index: number;
  name: string;
  table: Table;
  address: number;
  /** Registers (or bits) the point occupies. */
  words: number;
  type: DataType;
  bit: number;
  byteOrder: Endian;
  wordOrder: Endian;
  scale: number;
  /** 1/scale when that is a whole number (0.001 -> 1000): dividing keeps -950 x 0.001 at -0.95 exactly. */
  divisor: number;
  offset: number;
  /** Compiled `expression` (raw -> engineering) and `inverse` (engineering -> raw), when given. */
  fn: ((x: number) => number) | null;
  inv: ((y: number) => number) | null;
  /** Decodes to a boolean (coils, discrete inputs, bits, bools). */
  boolean: boolean;
  min: number;
  max: number;
  deadband: number;
  unit: string;
  access: Access;
  doc: RegisterPoint;
}

export interface CompiledMap {
  name: string;
  doc: RegisterMapDoc;
  points: CompiledPoint[];
  byName: Map<string, CompiledPoint>;
  /** Points of each table ordered by address (bit points of one register by bit). */
  byTable: Record<Table, CompiledPoint[]>;
  /** First and last address used in each table (null when the table is unused). */
  extent: Record<Table, { first: number; last: number } | null>;
  /** Decode plans by table, address and quantity (see block.ts). */
  plans: Map<number, unknown>;
}

// mathjs ships CommonJS for require(); its types are declared as an ES module, hence the typed require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const math = require('mathjs') as typeof MathJs;

const ajv = new Ajv({ allErrors: true, strict: false, strictNumbers: true });
const validateSchema = ajv.compile(schema);

const BIT_TABLES: ReadonlySet<Table> = new Set<Table>(['coil', 'discreteInput']);

function describeSchemaError(doc: Record<string, unknown>, e: ErrorObject): MapIssue {
  const parts = e.instancePath.split('/').slice(1);
  let p = '(map)';
  let name = '';
  let field = parts.join('.');
  if (parts[0] === 'points' && parts.length >= 2) {
    p = `points[${parts[1]}]`;
    const pt = (doc.points as unknown[] | undefined)?.[Number(parts[1])] as Record<string, unknown> | undefined;
    if (pt && typeof pt.name === 'string') name = pt.name;
    field = parts.slice(2).join('.');
  } else if (parts[0] === 'controls' && parts.length >= 2) {
    p = `controls.${parts[1]}`;
    field = parts.slice(2).join('.');
  }
  const value = parts.reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], doc);
  const shown = value === undefined ? '' : ` (got ${JSON.stringify(value) ?? String(value)})`;
  const what = field || 'value';
  switch (e.keyword) {
    case 'required':
      return { path: p, name, message: `${field ? field + '.' : ''}${(e.params as { missingProperty: string }).missingProperty} is required` };
    case 'additionalProperties':
      return { path: p, name, message: `${field ? field + '.' : ''}${(e.params as { additionalProperty: string }).additionalProperty} is not a known field` };
    case 'enum':
      return { path: p, name, message: `${what} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}${shown}` };
    case 'const':
      return { path: p, name, message: `${what} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}${shown}` };
    case 'type':
      return { path: p, name, message: `${what} must be a finite ${(e.params as { type: string }).type}${shown}` };
    default:
      return { path: p, name, message: `${what} ${e.message ?? 'is invalid'}${shown}` };
  }
}

// Functions that reach outside a one-variable formula are refused (mathjs security guidance).
const REFUSED = new Set(['import', 'createUnit', 'evaluate', 'parse', 'compile', 'simplify', 'derivative', 'resolve', 'config', 'chain', 'typed', 'reviver', 'replacer']);

function allowedMathName(name: string): boolean {
  if (REFUSED.has(name) || !Object.prototype.hasOwnProperty.call(math, name)) return false;
  const v = (math as unknown as Record<string, unknown>)[name];
  return typeof v === 'function' || typeof v === 'number';
}

/** Compiles a mathjs expression of one variable; returns an error text instead of throwing. */
function compileExpression(text: string, variable: string): { fn: ((v: number) => number) | null; error: string | null } {
  let node: MathJs.MathNode;
  try {
    node = math.parse(text);
  } catch (err) {
    return { fn: null, error: `does not parse: ${(err as Error).message}` };
  }
  let bad: string | null = null;
  node.traverse((n) => {
    if (bad) return;
    if ((n as MathJs.AssignmentNode).isAssignmentNode || (n as MathJs.FunctionAssignmentNode).isFunctionAssignmentNode) bad = 'must not assign';
    else if ((n as MathJs.SymbolNode).isSymbolNode) {
      const name = (n as MathJs.SymbolNode).name;
      if (name !== variable && !allowedMathName(name)) bad = `uses unknown symbol "${name}" (only ${variable} is defined)`;
    }
  });
  if (bad) return { fn: null, error: bad };
  const code = math.compile(text);
  const scope = new Map<string, number>();
  const fn = (v: number): number => {
    scope.set(variable, v);
    return code.evaluate(scope) as number;
  };
  let probe: unknown;
  try {
    probe = fn(1);
  } catch (err) {
    return { fn: null, error: `fails at ${variable} = 1: ${(err as Error).message}` };
  }
  if (typeof probe !== 'number') return { fn: null, error: `must give a number (gives ${math.typeOf(probe)} at ${variable} = 1)` };
  return { fn, error: null };
}

/** Validates a register map document; returns the compiled map or throws RegisterMapError. */
export function compileRegisterMap(input: unknown, source?: string): CompiledMap {
  const label = source ?? (input && typeof input === 'object' && typeof (input as { name?: unknown }).name === 'string' ? `register map "${(input as { name: string }).name}"` : 'register map');
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new RegisterMapError([{ path: '(map)', name: '', message: `must be a JSON object (got ${Array.isArray(input) ? 'an array' : JSON.stringify(input) ?? typeof input})` }], label);
  }
  if (!validateSchema(input)) {
    throw new RegisterMapError((validateSchema.errors ?? []).map((e) => describeSchemaError(input as Record<string, unknown>, e)), label);
  }
  const doc = input as unknown as RegisterMapDoc;
  const issues: MapIssue[] = [];
  const byName = new Map<string, CompiledPoint>();
  const points: CompiledPoint[] = [];
  // Register ownership: table -> address -> 'whole point index' or bit mask of bit points.
  const owners: Record<Table, Map<number, { point: number; bits: number }>> = {
    coil: new Map(), discreteInput: new Map(), holdingRegister: new Map(), inputRegister: new Map(),
  };

  doc.points.forEach((p, i) => {
    const where = `points[${i}]`;
    const err = (message: string): void => { issues.push({ path: where, name: p.name, message }); };
    if (byName.has(p.name)) err(`name is already used by points[${byName.get(p.name)!.index}]`);
    const isBitTable = BIT_TABLES.has(p.table);
    if (isBitTable && p.type !== 'bool') err(`type "${p.type}" is not possible in the ${p.table} table (single bits): use "bool"`);
    if (p.type === 'bit' && p.bit === undefined) err('bit is required for type "bit" (0..15)');
    if (p.type !== 'bit' && p.bit !== undefined) err(`bit is only used with type "bit" (type is "${p.type}")`);
    const words = TYPE_WORDS[p.type];
    if (p.address + words - 1 > 65535) err(`address ${p.address} + ${words} registers runs past 65535`);
    const boolean = isBitTable || p.type === 'bit' || p.type === 'bool';
    if (boolean && (p.scale !== undefined || p.offset !== undefined || p.expression !== undefined || p.range !== undefined || p.deadband !== undefined)) {
      err('scale, offset, expression, range and deadband do not apply to a boolean point');
    }
    if (p.expression !== undefined && (p.scale !== undefined || p.offset !== undefined)) err('give either expression or scale/offset, not both');
    if (p.inverse !== undefined && p.expression === undefined) err('inverse is only used with expression');
    if (p.scale === 0) err('scale must not be 0');
    if (p.range && p.range.min !== undefined && p.range.max !== undefined && p.range.min >= p.range.max) err(`range.min ${p.range.min} must be below range.max ${p.range.max}`);
    let fn: ((x: number) => number) | null = null;
    let inv: ((y: number) => number) | null = null;
    if (p.expression !== undefined) {
      const c = compileExpression(p.expression, 'x');
      if (c.error) err(`expression "${p.expression}" ${c.error}`);
      fn = c.fn;
    }
    if (p.inverse !== undefined) {
      const c = compileExpression(p.inverse, 'y');
      if (c.error) err(`inverse "${p.inverse}" ${c.error}`);
      inv = c.fn;
    }
    // Overlaps: a register belongs to one numeric point or to bit points with distinct bit numbers.
    const own = owners[p.table];
    for (let a = p.address; a < p.address + words && a <= 65535; a++) {
      const o = own.get(a);
      if (p.type === 'bit') {
        const mask = 1 << (p.bit ?? 0);
        if (o && o.point >= 0) err(`${p.table} ${a} is already used by points[${o.point}] "${doc.points[o.point].name}"`);
        else if (o && o.bits & mask) err(`bit ${p.bit} of ${p.table} ${a} is already used by another bit point`);
        else own.set(a, { point: -1, bits: (o?.bits ?? 0) | mask });
      } else if (o) {
        const by = o.point >= 0 ? `points[${o.point}] "${doc.points[o.point].name}"` : 'bit points';
        err(`${p.table} ${a} is already used by ${by}`);
        break;
      } else own.set(a, { point: i, bits: 0 });
    }
    const cp: CompiledPoint = {
      index: i,
      name: p.name,
      table: p.table,
      address: p.address,
      words: isBitTable ? 1 : words,
      type: p.type,
      bit: p.bit ?? 0,
      byteOrder: p.byteOrder ?? doc.byteOrder ?? 'big',
      wordOrder: p.wordOrder ?? doc.wordOrder ?? 'big',
      scale: p.scale ?? 1,
      divisor: wholeInverse(p.scale ?? 1),
      offset: p.offset ?? 0,
      fn,
      inv,
      boolean,
      min: p.range?.min ?? -Infinity,
      max: p.range?.max ?? Infinity,
      deadband: p.deadband ?? 0,
      unit: p.unit ?? '',
      access: p.access ?? (p.table === 'coil' || p.table === 'holdingRegister' ? 'readwrite' : 'read'),
      doc: p,
    };
    if ((p.table === 'inputRegister' || p.table === 'discreteInput') && (cp.access === 'write' || cp.access === 'readwrite')) {
      err(`access "${cp.access}" is impossible in the read-only ${p.table} table`);
    }
    if (!byName.has(p.name)) byName.set(p.name, cp);
    points.push(cp);
  });

  for (const [cname, c] of Object.entries(doc.controls ?? {})) {
    const where = `controls.${cname}`;
    const need = (field: string, pointName: string | undefined, writable: boolean): void => {
      if (pointName === undefined) return;
      const p = byName.get(pointName);
      if (!p) issues.push({ path: where, name: cname, message: `${field} point "${pointName}" is not in the map` });
      else if (writable && p.access === 'read') issues.push({ path: where, name: cname, message: `${field} point "${pointName}" is read-only (${p.table})` });
    };
    need('select', c.select, true);
    need('operate', c.operate, true);
    need('cancel', c.cancel, true);
    need('confirm', c.confirm?.point, false);
  }

  if (issues.length) throw new RegisterMapError(issues, label);

  const byTable = { coil: [], discreteInput: [], holdingRegister: [], inputRegister: [] } as Record<Table, CompiledPoint[]>;
  for (const p of points) byTable[p.table].push(p);
  const extent = {} as CompiledMap['extent'];
  for (const t of TABLES) {
    byTable[t].sort((a, b) => a.address - b.address || a.bit - b.bit);
    const list = byTable[t];
    extent[t] = list.length ? { first: list[0].address, last: Math.max(...list.map((p) => p.address + p.words - 1)) } : null;
  }
  return { name: doc.name, doc, points, byName, byTable, extent, plans: new Map() };
}

/** Engineering value of a raw register value (scale/offset or expression). */
export function toEngineering(p: CompiledPoint, raw: number): number {
  if (p.fn) return p.fn(raw);
  return (p.divisor ? raw / p.divisor : raw * p.scale) + p.offset;
}

function wholeInverse(scale: number): number {
  if (scale === 0 || Math.abs(scale) >= 1) return 0;
  const d = Math.round(1 / scale);
  return Math.abs(1 / scale - d) < 1e-9 * Math.abs(d) ? d : 0;
}

/** Raw value for an engineering value: the inverse of `toEngineering`, rounded for integer types. */
export function toRaw(p: CompiledPoint, value: number): number {
  let raw: number;
  if (p.fn) {
    if (!p.inv) throw new Error(`point "${p.name}" uses an expression without an inverse: it cannot be encoded`);
    raw = p.inv(value);
  } else raw = p.divisor ? (value - p.offset) * p.divisor : (value - p.offset) / p.scale;
  if (integerLimits(p.type)) raw = Math.round(raw);
  return raw;
}

// ---- built-in maps ------------------------------------------------------------------------

const MAP_DIR = path.join(__dirname, 'maps');
export const BUILTIN_MAP_NAMES = ['dms-standard-ied'] as const;
const builtinCache = new Map<string, CompiledMap>();

/** The document of a built-in map (a fresh copy). */
export function builtinMapDoc(name: string): RegisterMapDoc {
  const file = path.join(MAP_DIR, `${name}.json`);
  if (!(BUILTIN_MAP_NAMES as readonly string[]).includes(name) || !existsSync(file)) {
    throw new Error(`unknown register map "${name}": built-in maps are ${BUILTIN_MAP_NAMES.join(', ')}`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as RegisterMapDoc;
}

/** A built-in map, compiled once and shared (compiled maps are read-only apart from the plan cache). */
export function builtinMap(name: string): CompiledMap {
  let m = builtinCache.get(name);
  if (!m) {
    m = compileRegisterMap(builtinMapDoc(name), `built-in register map "${name}"`);
    builtinCache.set(name, m);
  }
  return m;
}

/** A map given by built-in name, by an inline document, or as JSON text. */
export function resolveRegisterMap(ref: unknown, source?: string): CompiledMap {
  if (typeof ref === 'string') {
    const text = ref.trim();
    if (text.startsWith('{')) {
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        throw new RegisterMapError([{ path: '(map)', name: '', message: `not valid JSON: ${(err as Error).message}` }], source ?? 'register map');
      }
      return compileRegisterMap(doc, source);
    }
    return builtinMap(text);
  }
  return compileRegisterMap(ref, source);
}

export { REGISTER_MAP_FORMAT };
