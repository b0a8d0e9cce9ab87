/**
 * Interruption cost model (thesis eq. 5.15–5.18 and customer damage functions).
 *
 * - La(i), the load interrupted at load point i: its `avgKW`, or `peakKW × loadFactor` when the
 *   cost model gives an annual load factor (eq. 5.16–5.17).
 * - C(i), the cost per kWh not supplied: Σ share(class) × perKWh[class] over the load point's
 *   customer mix, or perKWh[customerClass] (eq. 5.18).
 * - CENS = Σ La(i)·U(i)·C(i) (eq. 5.15).
 * - ECOST = Σ over interruption events of λ·La(i)·Σ share(class)·f_class(duration), where the
 *   customer damage function f gives the cost per kW interrupted for an outage of that duration
 *   (each event's own duration, not the load point's average r).
 *
 * A class missing from `perKWh` or `damageFunctions` falls back to the key `default` when present;
 * otherwise it is an error naming the class and the load point, so no cost is silently zero.
 * The switch-placement study (TSC = FC + CENS) reuses these functions.
 */
import type { CostModel, LoadPoint } from '../model/types';

/** Class name used for a load point without `customerClass` or `customerMix`. */
export const DEFAULT_CLASS = 'default';

/** The customer classes of a load point with their shares (shares normalised to sum 1). */
export function customerShares(lp: LoadPoint): Array<[string, number]> {
  if (lp.customerMix && Object.keys(lp.customerMix).length > 0) {
    const entries = Object.entries(lp.customerMix).filter(([, v]) => v > 0);
    const total = entries.reduce((a, [, v]) => a + v, 0);
    if (!(total > 0)) throw new Error(`load point "${lp.id}": customerMix has no positive share`);
    return entries.map(([k, v]) => [k, v / total]);
  }
  return [[lp.customerClass ?? DEFAULT_CLASS, 1]];
}

/** La(i): the average load interrupted (kW), eq. 5.16. */
export function interruptedLoadKW(lp: LoadPoint, costs?: CostModel): number {
  return costs?.loadFactor !== undefined ? lp.peakKW * costs.loadFactor : lp.avgKW;
}

function lookup<T>(table: Record<string, T>, cls: string, lp: LoadPoint, what: string): T {
  const v = table[cls] ?? table[DEFAULT_CLASS];
  if (v === undefined) {
    throw new Error(`costs.${what} has no entry for customer class "${cls}" (load point "${lp.id}"); add it or a "${DEFAULT_CLASS}" entry`);
  }
  return v;
}

/** C(i): cost per kWh not supplied for a load point, eq. 5.18 (null when the model has no perKWh table). */
export function costPerKWh(lp: LoadPoint, costs?: CostModel): number | null {
  if (!costs?.perKWh) return null;
  let c = 0;
  for (const [cls, share] of customerShares(lp)) c += share * lookup(costs.perKWh, cls, lp, 'perKWh');
  return c;
}

/** CENS for one load point: La·U·C (currency per year). */
export function censOf(loadKW: number, unavailabilityHours: number, costPerKWhValue: number): number {
  return loadKW * unavailabilityHours * costPerKWhValue;
}

/** CENS = Σ La(i)·U(i)·C(i) over arrays indexed by load point, eq. 5.15. */
export function cens(loadKW: ArrayLike<number>, unavailabilityHours: ArrayLike<number>, costPerKWhValues: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < loadKW.length; i++) s += loadKW[i] * unavailabilityHours[i] * costPerKWhValues[i];
  return s;
}

/**
 * Cost per kW interrupted for an outage of `minutes`, from a damage function [[minutes, cost], ...]
 * (ascending in minutes): linear between points, proportional to duration below the first point
 * (zero cost at zero duration), and extended along the last segment beyond the last point.
 */
export function damageCostPerKW(fn: ReadonlyArray<readonly [number, number]>, minutes: number): number {
  if (minutes <= 0 || fn.length === 0) return 0;
  const [m0, c0] = fn[0];
  if (minutes <= m0) return m0 > 0 ? (c0 * minutes) / m0 : c0;
  for (let k = 1; k < fn.length; k++) {
    const [m1, c1] = fn[k];
    if (minutes <= m1) {
      const [ma, ca] = fn[k - 1];
      return ca + ((c1 - ca) * (minutes - ma)) / (m1 - ma);
    }
  }
  if (fn.length === 1) return c0;
  const [ma, ca] = fn[fn.length - 2];
  const [mb, cb] = fn[fn.length - 1];
  return cb + ((cb - ca) * (minutes - mb)) / (mb - ma);
}

/** Checks a damage function: at least one point, minutes strictly ascending, finite non-negative values. */
export function checkDamageFunction(fn: unknown, where: string): asserts fn is Array<[number, number]> {
  if (!Array.isArray(fn) || fn.length === 0) throw new Error(`${where}: a damage function needs at least one [minutes, costPerKW] point`);
  let last = -Infinity;
  fn.forEach((p, k) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => typeof x === 'number' && Number.isFinite(x) && x >= 0)) {
      throw new Error(`${where}[${k}]: expected [minutes, costPerKW] with non-negative numbers`);
    }
    if (p[0] <= last) throw new Error(`${where}[${k}]: minutes must be strictly ascending`);
    last = p[0];
  });
}

/** A cost model compiled against the load points of a model, for the evaluation loops. */
export interface CompiledCosts {
  currency: string | null;
  /** La(i) per load point (kW). */
  loadKW: Float64Array;
  /** C(i) per load point, or null without a perKWh table. */
  perKWh: Float64Array | null;
  /** Damage-function classes (empty without damage functions). */
  classes: string[];
  functions: Array<Array<[number, number]>>;
  /** Per load point and class: share × La (kW), laid out [lp * classes.length + c]. */
  classLoadKW: Float64Array;
}

export function compileCosts(loadPoints: readonly LoadPoint[], costs?: CostModel): CompiledCosts {
  const n = loadPoints.length;
  const loadKW = Float64Array.from(loadPoints, (lp) => interruptedLoadKW(lp, costs));
  let perKWh: Float64Array | null = null;
  if (costs?.perKWh) {
    perKWh = new Float64Array(n);
    for (let i = 0; i < n; i++) perKWh[i] = costPerKWh(loadPoints[i], costs)!;
  }
  const classes: string[] = [];
  const functions: Array<Array<[number, number]>> = [];
  let classLoadKW = new Float64Array(0);
  if (costs?.damageFunctions) {
    for (const [cls, fn] of Object.entries(costs.damageFunctions)) {
      checkDamageFunction(fn, `costs.damageFunctions.${cls}`);
      classes.push(cls);
      functions.push(fn);
    }
    const at = new Map(classes.map((c, i) => [c, i] as const));
    const K = classes.length;
    classLoadKW = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      for (const [cls, share] of customerShares(loadPoints[i])) {
        const k = at.get(cls) ?? at.get(DEFAULT_CLASS);
        if (k === undefined) {
          throw new Error(`costs.damageFunctions has no entry for customer class "${cls}" (load point "${loadPoints[i].id}"); add it or a "${DEFAULT_CLASS}" entry`);
        }
        classLoadKW[i * K + k] += share * loadKW[i];
      }
    }
  }
  return { currency: costs?.currency ?? null, loadKW, perKWh, classes, functions, classLoadKW };
}

/** Checks the shape of a cost model given at run time (messages, node settings); throws naming the field. */
export function checkCostModel(costs: unknown, where = 'costs'): asserts costs is CostModel {
  if (!costs || typeof costs !== 'object' || Array.isArray(costs)) throw new Error(`${where} must be an object {currency, perKWh, loadFactor, damageFunctions}`);
  const c = costs as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (!['currency', 'perKWh', 'loadFactor', 'damageFunctions'].includes(k)) throw new Error(`${where}.${k} is not recognised (expected currency, perKWh, loadFactor, damageFunctions)`);
  }
  if (c.currency !== undefined && typeof c.currency !== 'string') throw new Error(`${where}.currency must be a string`);
  if (c.loadFactor !== undefined && !(typeof c.loadFactor === 'number' && c.loadFactor > 0 && c.loadFactor <= 1)) throw new Error(`${where}.loadFactor must be a number in (0, 1]`);
  if (c.perKWh !== undefined) {
    if (!c.perKWh || typeof c.perKWh !== 'object' || Array.isArray(c.perKWh)) throw new Error(`${where}.perKWh must be an object {class: cost per kWh}`);
    for (const [k, v] of Object.entries(c.perKWh)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${where}.perKWh.${k} must be a non-negative number`);
    }
  }
  if (c.damageFunctions !== undefined) {
    if (!c.damageFunctions || typeof c.damageFunctions !== 'object' || Array.isArray(c.damageFunctions)) throw new Error(`${where}.damageFunctions must be an object {class: [[minutes, costPerKW], ...]}`);
    for (const [k, fn] of Object.entries(c.damageFunctions)) checkDamageFunction(fn, `${where}.damageFunctions.${k}`);
  }
}
