/**
 * Validation of a `dms-feeder/1` document: the JSON Schema (structure, types, ranges) first, then
 * the semantic checks a schema cannot express (unique ids, references, reachability, radiality).
 * Every issue names the element by path and id; warnings flag what is odd but legal.
 */
import Ajv, { type ErrorObject } from 'ajv';
import schema from './dms-feeder.schema.json';
import { FeederIndex } from './feeder-index';
import { MeshError, Topology } from './topology';
import type { FeederModel, ModelIssue } from './types';

export interface ValidationResult {
  ok: boolean;
  errors: ModelIssue[];
  warnings: ModelIssue[];
  /** The model when ok (the same object that was passed in). */
  model?: FeederModel;
}

const ajv = new Ajv({ allErrors: true, strict: false, strictNumbers: true });
const validateSchema = ajv.compile(schema);

const COLLECTIONS = ['buses', 'sources', 'sections', 'devices', 'loadPoints', 'ieds'] as const;

type Doc = Record<string, unknown>;

/**
 * `/sections/12/from` -> { path: 'sections[12]', id: 'L13', field: 'from' }; a top-level field
 * `/format` -> { path: '(model)', field: 'format' }; inside a block `/costs/loadFactor` ->
 * { path: 'costs', field: 'loadFactor' }.
 */
function locate(doc: Doc, instancePath: string): { path: string; id: string; field: string } {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const join = (ps: string[]) => ps.map((p, k) => (/^\d+$/.test(p) ? `[${p}]` : k === 0 ? p : `.${p}`)).join('');
  if (parts.length === 0) return { path: '(model)', id: '', field: '' };
  if (parts.length === 1) return { path: '(model)', id: '', field: parts[0] };
  if (/^\d+$/.test(parts[1])) {
    const el = (doc[parts[0]] as unknown[] | undefined)?.[Number(parts[1])];
    const id = el && typeof el === 'object' && typeof (el as Doc).id === 'string' ? ((el as Doc).id as string) : '';
    return { path: `${parts[0]}[${parts[1]}]`, id, field: join(parts.slice(2)) };
  }
  return { path: parts[0], id: '', field: join(parts.slice(1)) };
}

/** A short rendering of an offending value (NaN and Infinity as such, long values cut). */
function show(value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return ` (got ${text.length > 60 ? text.slice(0, 57) + '...' : text})`;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a finite number', integer: 'a whole number', string: 'a string', boolean: 'true or false',
  object: 'an object', array: 'an array', null: 'null',
};

function describeSchemaError(doc: Doc, e: ErrorObject): ModelIssue {
  const { path, id, field } = locate(doc, e.instancePath);
  const value = e.instancePath.split('/').slice(1).reduce<unknown>((n, p) => (n as Record<string, unknown> | undefined)?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  const shown = show(value);
  const subject = field || (path === '(model)' ? 'the model' : 'the element');
  let what: string;
  switch (e.keyword) {
    case 'required':
      what = `${field ? field + '.' : ''}${(e.params as { missingProperty: string }).missingProperty} is required`;
      return { path, id, message: what };
    case 'enum':
      what = `${subject} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}${shown}`;
      break;
    case 'const':
      what = `${subject} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}${shown}`;
      break;
    case 'type': {
      const types = String((e.params as { type: string | string[] }).type).split(',');
      what = `${subject} must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}${shown}`;
      break;
    }
    case 'minLength': {
      const limit = (e.params as { limit: number }).limit;
      what = limit === 1 ? `${subject} must not be empty` : `${subject} must have at least ${limit} characters${shown}`;
      break;
    }
    case 'minItems':
      what = `${subject} must have at least ${(e.params as { limit: number }).limit} item(s)${shown}`;
      break;
    default:
      what = `${subject} ${e.message ?? 'is invalid'}${shown}`;
  }
  return { path, id, message: what };
}

function issue(path: string, id: string, message: string): ModelIssue {
  return { path, id, message };
}

/** Formats an issue as one line: `sections[12] "L13": from bus "B99" does not exist`. */
export function formatIssue(i: ModelIssue): string {
  return `${i.path}${i.id ? ` "${i.id}"` : ''}: ${i.message}`;
}

export function validateFeeder(input: unknown): ValidationResult {
  const errors: ModelIssue[] = [];
  const warnings: ModelIssue[] = [];
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [issue('(model)', '', 'a feeder model must be a JSON object')], warnings };
  }
  const doc = input as Doc;
  if (!validateSchema(doc)) {
    for (const e of validateSchema.errors ?? []) {
      const described = describeSchemaError(doc, e);
      if (!errors.some((x) => x.path === described.path && x.message === described.message)) errors.push(described);
    }
    return { ok: false, errors, warnings };
  }
  const m = doc as unknown as FeederModel;

  // Unique ids per collection.
  const ids: Record<string, Map<string, number>> = {};
  for (const key of COLLECTIONS) {
    const seen = new Map<string, number>();
    ids[key] = seen;
    ((m[key] ?? []) as Array<{ id: string }>).forEach((el, i) => {
      const first = seen.get(el.id);
      if (first !== undefined) errors.push(issue(`${key}[${i}]`, el.id, `duplicate id (also ${key}[${first}])`));
      else seen.set(el.id, i);
    });
  }
  const has = (key: (typeof COLLECTIONS)[number], id: string) => ids[key].has(id);

  // References.
  m.sources.forEach((s, i) => {
    if (!has('buses', s.bus)) errors.push(issue(`sources[${i}]`, s.id, `bus "${s.bus}" does not exist`));
  });
  const sourceOnBus = new Map<string, string>();
  m.sources.forEach((s, i) => {
    const other = sourceOnBus.get(s.bus);
    if (other !== undefined) errors.push(issue(`sources[${i}]`, s.id, `bus "${s.bus}" already has source "${other}"`));
    else sourceOnBus.set(s.bus, s.id);
  });
  m.sections.forEach((s, i) => {
    const where = `sections[${i}]`;
    if (!has('buses', s.from)) errors.push(issue(where, s.id, `from bus "${s.from}" does not exist`));
    if (!has('buses', s.to)) errors.push(issue(where, s.id, `to bus "${s.to}" does not exist`));
    if (s.from === s.to) errors.push(issue(where, s.id, `connects bus "${s.from}" to itself`));
    if (s.failureRatePerKmYr === undefined && s.failureRatePerYr === undefined) {
      warnings.push(issue(where, s.id, 'no failure rate given (failureRatePerKmYr or failureRatePerYr): taken as 0'));
    } else if (s.failureRatePerKmYr !== undefined && s.failureRatePerYr !== undefined) {
      warnings.push(issue(where, s.id, 'both failureRatePerKmYr and failureRatePerYr given: failureRatePerYr is used'));
    }
  });
  const sectionById = new Map(m.sections.map((s) => [s.id, s] as const));
  m.devices.forEach((d, i) => {
    const where = `devices[${i}]`;
    const sec = sectionById.get(d.section);
    if (!sec) {
      errors.push(issue(where, d.id, `section "${d.section}" does not exist`));
      return;
    }
    if (d.failureProbability !== undefined && !['breaker', 'recloser', 'fuse'].includes(d.type)) {
      warnings.push(issue(where, d.id, `failureProbability is only used for protective devices, not a ${d.type}`));
    }
    if (d.type === 'tie' && !d.normallyOpen) warnings.push(issue(where, d.id, 'tie device is normally closed'));
    if (sec.kind === 'tie' && !d.normallyOpen) warnings.push(issue(where, d.id, `normally closed device on tie section "${sec.id}"`));
  });
  m.loadPoints.forEach((l, i) => {
    const where = `loadPoints[${i}]`;
    if (!has('buses', l.bus)) errors.push(issue(where, l.id, `bus "${l.bus}" does not exist`));
    if (l.peakKW < l.avgKW) warnings.push(issue(where, l.id, `peakKW ${l.peakKW} is below avgKW ${l.avgKW}`));
    if (l.customerMix) {
      const total = Object.values(l.customerMix).reduce((a, b) => a + b, 0);
      if (total <= 0) errors.push(issue(where, l.id, 'customerMix shares must add up to more than 0'));
      else if (Math.abs(total - 1) > 1e-3) warnings.push(issue(where, l.id, `customerMix shares add up to ${total}, not 1: they are normalised`));
    }
    if (l.customerClass && l.customerMix) warnings.push(issue(where, l.id, 'both customerClass and customerMix given: customerMix is used'));
  });
  const unitKeys = new Map<string, string>();
  (m.ieds ?? []).forEach((d, i) => {
    const where = `ieds[${i}]`;
    if (d.device === undefined && d.section === undefined) errors.push(issue(where, d.id, 'needs a device or a section'));
    if (d.device !== undefined && !has('devices', d.device)) errors.push(issue(where, d.id, `device "${d.device}" does not exist`));
    if (d.section !== undefined && !has('sections', d.section)) errors.push(issue(where, d.id, `section "${d.section}" does not exist`));
    const key = `${d.topic ?? ''}#${d.unitId}`;
    const other = unitKeys.get(key);
    if (other !== undefined) errors.push(issue(where, d.id, `unit id ${d.unitId}${d.topic ? ` on topic "${d.topic}"` : ''} is already used by IED "${other}"`));
    else unitKeys.set(key, d.id);
  });
  m.buses.forEach((b, i) => {
    if (b.vMinPu !== undefined && b.vMaxPu !== undefined && b.vMinPu >= b.vMaxPu) {
      errors.push(issue(`buses[${i}]`, b.id, `vMinPu ${b.vMinPu} must be below vMaxPu ${b.vMaxPu}`));
    }
  });
  (m.placement?.candidates ?? []).forEach((c, i) => {
    if (!has('sections', c)) errors.push(issue(`placement.candidates[${i}]`, c, `section "${c}" does not exist`));
  });
  if (m.costs?.damageFunctions) {
    for (const [cls, points] of Object.entries(m.costs.damageFunctions)) {
      for (let k = 1; k < points.length; k++) {
        if (points[k][0] <= points[k - 1][0]) {
          errors.push(issue(`costs.damageFunctions.${cls}[${k}]`, cls, 'durations must increase'));
          break;
        }
      }
    }
  }
  const classes = new Set([...Object.keys(m.costs?.perKWh ?? {}), ...Object.keys(m.costs?.damageFunctions ?? {})]);
  if (classes.size > 0) {
    m.loadPoints.forEach((l, i) => {
      for (const cls of l.customerMix ? Object.keys(l.customerMix) : l.customerClass ? [l.customerClass] : []) {
        if (!classes.has(cls)) warnings.push(issue(`loadPoints[${i}]`, l.id, `customer class "${cls}" has no cost in costs`));
      }
    });
  }
  if (errors.length > 0) return { ok: false, errors, warnings };

  // Graph checks: reachability with everything closed, radiality under normal states.
  const index = new FeederIndex(m);
  const reachable = index.reachableFromSources();
  m.loadPoints.forEach((l, i) => {
    if (!reachable[index.lpBus[i]]) errors.push(issue(`loadPoints[${i}]`, l.id, `bus "${l.bus}" cannot be reached from any source`));
  });
  let normal: Topology | null = null;
  try {
    normal = new Topology(index);
  } catch (err) {
    if (!(err instanceof MeshError)) throw err;
    errors.push(meshIssue(index, err.loop, err.sources));
  }
  if (normal) {
    // The topology walks energised buses only; a loop behind an open point is still a loop.
    const island = deEnergisedLoop(index, normal);
    if (island) errors.push(meshIssue(index, island.map((s) => m.sections[s].id), []));
    m.loadPoints.forEach((l, i) => {
      if (reachable[index.lpBus[i]] && !normal.energised(index.lpBus[i])) {
        warnings.push(issue(`loadPoints[${i}]`, l.id, `bus "${l.bus}" is not supplied under normal switch states`));
      }
    });
    m.buses.forEach((b, i) => {
      if (index.adjStart[i + 1] === index.adjStart[i] && !sourceOnBus.has(b.id)) warnings.push(issue(`buses[${i}]`, b.id, 'not connected to any section'));
    });
  }
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, errors, warnings, model: m };
}

function meshIssue(index: FeederIndex, loop: string[], sources: string[]): ModelIssue {
  const first = index.sectionIndex.get(loop[0]);
  const list = loop.map((id) => `"${id}"`).join(', ');
  const what = sources.length === 2 ? `sources "${sources[0]}" and "${sources[1]}" are connected through sections ${list}` : `loop through sections ${list}`;
  return issue(first === undefined ? 'sections' : `sections[${first}]`, loop[0] ?? '', `not radial under normal switch states: ${what}`);
}

/** A loop of closed sections among buses no source feeds (section indices as a walk), or null. */
function deEnergisedLoop(ix: FeederIndex, topo: Topology): number[] | null {
  const n = ix.nBuses;
  const seen = new Uint8Array(n);
  const parentSec = new Int32Array(n).fill(-1);
  const parentBus = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  const queue = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (seen[root] || topo.energised(root)) continue;
    seen[root] = 1;
    let head = 0;
    let tail = 0;
    queue[tail++] = root;
    while (head < tail) {
      const u = queue[head++];
      for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
        const s = ix.adjSec[k];
        if (!topo.secClosed[s] || s === parentSec[u]) continue;
        const v = ix.adjBus[k];
        if (!seen[v]) {
          seen[v] = 1;
          parentSec[v] = s;
          parentBus[v] = u;
          depth[v] = depth[u] + 1;
          queue[tail++] = v;
          continue;
        }
        // A second way to v: climb from u and v to their common ancestor.
        const up: number[] = [];
        const down: number[] = [];
        let x = u;
        let y = v;
        while (depth[x] > depth[y]) { up.push(parentSec[x]); x = parentBus[x]; }
        while (depth[y] > depth[x]) { down.push(parentSec[y]); y = parentBus[y]; }
        while (x !== y) {
          up.push(parentSec[x]);
          x = parentBus[x];
          down.push(parentSec[y]);
          y = parentBus[y];
        }
        return [...up.reverse(), s, ...down];
      }
    }
  }
  return null;
}
