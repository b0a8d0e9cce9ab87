/**
 * IEEE Std 1366 indices of one scope from its sums (stats.ts) and per-customer counts
 * (customer-groups.ts). NT = customers served, LT = kVA served, T = hours in the period.
 *
 *   SAIFI = Σ Ni / NT                 SAIDI = Σ ri Ni / NT            CAIDI = SAIDI / SAIFI
 *   CAIFI = Σ Ni / CN                 CTAIDI = Σ ri Ni / CN           (CN: customers interrupted ≥ 1)
 *   ASAI = 1 − Σ ri Ni / (NT T)       ASIFI = Σ Li / LT               ASIDI = Σ ri Li / LT
 *   MAIFI = Σ IMi Nmi / NT            MAIFI_E = Σ IME Nmi / NT
 *   CEMIn = CN(k > n) / NT            CELID-s = CN(one ≥ s) / NT      CELID-t = CN(total ≥ t) / NT
 *   EENS = Σ ri Pi (kWh)              AENS = EENS / NT
 */
import { S } from './stats';
import type { IndexSet } from './types';

export interface ScopeBase {
  customers: number;
  /** kVA served; null when any feeder of the scope lacks it. */
  kVA: number | null;
  hours: number;
}

/** Customers of the scope reached by the per-customer counts (summed over its device groups). */
export interface ScopeCustomerCounts {
  interrupted: number;
  moreThanN: number[];
  singleAtLeastHours: number[];
  totalAtLeastHours: number[];
}

export function emptyCounts(nN: number, nH: number): ScopeCustomerCounts {
  return { interrupted: 0, moreThanN: new Array(nN).fill(0), singleAtLeastHours: new Array(nH).fill(0), totalAtLeastHours: new Array(nH).fill(0) };
}

export function addCounts(into: ScopeCustomerCounts, from: ScopeCustomerCounts): void {
  into.interrupted += from.interrupted;
  from.moreThanN.forEach((v, i) => (into.moreThanN[i] += v));
  from.singleAtLeastHours.forEach((v, i) => (into.singleAtLeastHours[i] += v));
  from.totalAtLeastHours.forEach((v, i) => (into.totalAtLeastHours[i] += v));
}

export function capCounts(c: ScopeCustomerCounts, customers: number): void {
  c.interrupted = Math.min(c.interrupted, customers);
  for (const xs of [c.moreThanN, c.singleAtLeastHours, c.totalAtLeastHours]) xs.forEach((v, i) => (xs[i] = Math.min(v, customers)));
}

export function indexSet(s: Float64Array, base: ScopeBase, counts: ScopeCustomerCounts, cemiN: readonly number[], celidHours: readonly number[]): IndexSet {
  const nt = base.customers;
  const ci = s[S.ci];
  const customerHours = s[S.cmi] / 60;
  const cn = counts.interrupted;
  const saifi = ci / nt;
  const saidi = customerHours / nt;
  const asui = base.hours > 0 ? customerHours / (nt * base.hours) : 0;
  const share = (x: number) => x / nt;
  return {
    customers: nt,
    saifi,
    saidi,
    caidi: ci > 0 ? customerHours / ci : null,
    caifi: cn > 0 ? ci / cn : null,
    ctaidi: cn > 0 ? customerHours / cn : null,
    asai: 1 - asui,
    asui,
    asifi: base.kVA && base.kVA > 0 ? s[S.kva] / base.kVA : null,
    asidi: base.kVA && base.kVA > 0 ? s[S.kvaMin] / 60 / base.kVA : null,
    maifi: s[S.cim] / nt,
    maifie: s[S.cie] / nt,
    eensKWh: s[S.ensKWh],
    aensKWh: s[S.ensKWh] / nt,
    cemi: Object.fromEntries(cemiN.map((n, i) => [String(n), share(counts.moreThanN[i])])),
    celidSingle: Object.fromEntries(celidHours.map((h, i) => [String(h), share(counts.singleAtLeastHours[i])])),
    celidTotal: Object.fromEntries(celidHours.map((h, i) => [String(h), share(counts.totalAtLeastHours[i])])),
    customerInterruptions: ci,
    customerHours,
    customersInterrupted: cn,
    sustainedInterruptions: s[S.sustained],
    momentaryInterruptions: s[S.momentary],
    momentaryEvents: s[S.events],
    customerMomentaryInterruptions: s[S.cim],
    customerMomentaryEvents: s[S.cie],
  };
}
