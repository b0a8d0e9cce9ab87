/**
 * The additive sums behind the indices, kept per (day, feeder, cause, planned) cell as a small
 * Float64Array so that any period, scope or breakdown is a sum of cells.
 */
export const S = {
  /** Sustained interruptions (records). */
  sustained: 0,
  /** Σ customers interrupted (sustained). */
  ci: 1,
  /** Σ customers × minutes (sustained). */
  cmi: 2,
  /** Σ kVA interrupted and Σ kVA × minutes (sustained). */
  kva: 3,
  kvaMin: 4,
  /** Σ kW × hours not supplied (sustained). */
  ensKWh: 5,
  /** Momentary interruptions (records) and Σ customers over them. */
  momentary: 6,
  cim: 7,
  /** Momentary interruption events and Σ customers over them. */
  events: 8,
  cie: 9,
  /** Sustained interruptions whose load was neither given nor derivable (EENS misses them). */
  noLoad: 10,
} as const;

export const NSTAT = 11;

export function newStats(): Float64Array {
  return new Float64Array(NSTAT);
}

export function addInto(target: Float64Array, source: Float64Array): void {
  for (let i = 0; i < NSTAT; i++) target[i] += source[i];
}
