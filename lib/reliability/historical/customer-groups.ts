/**
 * Per-customer counts (CEMIn, CELID, and the "customers interrupted at least once" behind CAIFI and
 * CTAIDI) from records that carry only counts.
 *
 * Approximation: the customers behind one device of one feeder form a group, and every sustained
 * interruption on that device hits the same customers, a smaller one a subset of a larger one
 * (customers 1..c of the group). So within a group customer k is interrupted by every record with
 * c ≥ k: the customers with more than n interruptions are the (n+1)-th largest c, those with a
 * total of at least T hours the largest k whose records with c ≥ k sum to T, and those with one
 * interruption of at least S hours the largest c among records lasting S or more. Groups of
 * different devices are taken as disjoint customers (and a feeder's counts are capped at the
 * customers it serves). This is exact for feeder-trip logs (every record takes the whole feeder)
 * and for repeated operations of one device; it undercounts repeat customers where nested devices
 * (a breaker and a fuse below it) hit the same customers. With a feeder model the groups are the
 * load points instead: a record on a device the model knows interrupts every load point behind it
 * (each in proportion when the record covers only part of the device's customers), which nests
 * devices correctly.
 */

/** c → [records, Σ minutes, max minutes] for one group. */
export type GroupHistogram = Map<number, Float64Array>;

export function addToHistogram(h: GroupHistogram, customers: number, minutes: number): void {
  let e = h.get(customers);
  if (!e) {
    e = new Float64Array(3);
    h.set(customers, e);
  }
  e[0] += 1;
  e[1] += minutes;
  if (minutes > e[2]) e[2] = minutes;
}

/**
 * Storage form of one group's day: a flat array [c, records, Σ minutes, max minutes, c, ...]. A
 * device rarely has more than a few distinct counts a day, so a linear scan beats a Map and the
 * array costs 8 bytes a number.
 */
export type PackedHistogram = number[];
export const PACKED_STRIDE = 4;

export function addPacked(h: PackedHistogram, customers: number, minutes: number): void {
  for (let i = 0; i < h.length; i += PACKED_STRIDE) {
    if (h[i] === customers) {
      h[i + 1] += 1;
      h[i + 2] += minutes;
      if (minutes > h[i + 3]) h[i + 3] = minutes;
      return;
    }
  }
  h.push(customers, 1, minutes, minutes);
}

/** Adds a stored day into a query-time histogram. */
export function mergePacked(into: GroupHistogram, from: PackedHistogram): void {
  for (let i = 0; i < from.length; i += PACKED_STRIDE) {
    let t = into.get(from[i]);
    if (!t) {
      t = new Float64Array(3);
      into.set(from[i], t);
    }
    t[0] += from[i + 1];
    t[1] += from[i + 2];
    if (from[i + 3] > t[2]) t[2] = from[i + 3];
  }
}

export interface GroupCounts {
  /** Customers interrupted at least once. */
  interrupted: number;
  /** Keyed like the thresholds asked for. */
  moreThanN: number[];
  singleAtLeastHours: number[];
  totalAtLeastHours: number[];
}

/** Customer counts of one group for the CEMI n values and CELID hour thresholds asked for. */
export function groupCounts(h: GroupHistogram, cemiN: readonly number[], celidHours: readonly number[]): GroupCounts {
  const levels = [...h.keys()].filter((c) => c > 0).sort((a, b) => b - a);
  const out: GroupCounts = {
    interrupted: levels.length ? levels[0] : 0,
    moreThanN: cemiN.map(() => 0),
    singleAtLeastHours: celidHours.map(() => 0),
    totalAtLeastHours: celidHours.map(() => 0),
  };
  // Walk c downwards: customer k (for k in (next level, c]) has the cumulative count/minutes of levels ≥ c.
  let count = 0;
  let minutes = 0;
  for (const c of levels) {
    const e = h.get(c) as Float64Array;
    count += e[0];
    minutes += e[1];
    cemiN.forEach((n, i) => {
      if (out.moreThanN[i] === 0 && count > n) out.moreThanN[i] = c;
    });
    celidHours.forEach((hrs, i) => {
      if (out.totalAtLeastHours[i] === 0 && minutes >= hrs * 60 - 1e-9) out.totalAtLeastHours[i] = c;
      if (out.singleAtLeastHours[i] === 0 && e[2] >= hrs * 60 - 1e-9) out.singleAtLeastHours[i] = c;
    });
  }
  return out;
}
