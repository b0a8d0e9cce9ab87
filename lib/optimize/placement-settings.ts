/**
 * The settings of a switch-placement study: the model's `placement` and `costs` blocks (DESIGN.md
 * §3), overridden key by key by a message or command-line flags, checked and completed with the
 * documented defaults. Every error names the block and key (and the element for candidates).
 */
import { annualCostPerSwitch, type Annualisation, type SwitchEconomics } from './annualise';
import { resolveBpsoOptions, type BpsoOptions, type ResolvedBpsoOptions } from './bpso';
import type { CostModel, DeviceEnd, DeviceType, FeederModel, PlacementSettings } from '../model/types';

/** Automated (IED) switching restores in about a minute (DESIGN.md §4). */
export const DEFAULT_AUTOMATED_SWITCHING_HOURS = 1 / 60;
/** A crew operating a manual switch, when neither the study nor the model says otherwise. */
export const DEFAULT_MANUAL_SWITCHING_HOURS = 1;

export type SwitchType = Exclude<DeviceType, 'tie'>;
export type CostMethod = 'cens' | 'ecost';

export interface PlacedSwitch {
  type: SwitchType;
  automated: boolean;
  switchingHours: number;
  end: DeviceEnd;
}

/** What a message (`msg.placement`) or the CLI may override; every key is optional. */
export interface PlacementOverrides extends Omit<PlacementSettings, 'switch'> {
  switch?: Partial<PlacedSwitch>;
  /** Switching time of the manual switches in the comparison case (h). */
  manualSwitchingHours?: number;
  /** Switching time of the automated switches in the comparison case when the study places manual ones (h). */
  automatedSwitchingHours?: number;
  /** Replaces keys of the model's `costs` block. */
  costs?: CostModel;
  /** CENS (Σ La·U·C, thesis eq. 5.15) or ECOST (damage functions); default CENS when `costs.perKWh` exists. */
  costMethod?: CostMethod;
  /** Swarm settings (particles, maxIterations, c1, c2, inertia, topology, seed, ...). */
  bpso?: BpsoOptions;
  /** Polish the swarm's answer by local search (add, remove or move one switch); default true. */
  polish?: boolean;
}

export interface ResolvedPlacement {
  candidates: string[];
  switch: PlacedSwitch;
  /** The other kind of switch at the optimum's places, for the comparison case. */
  alternative: PlacedSwitch;
  economics: SwitchEconomics;
  fcPerSwitchPerYr: number;
  maxSwitches: number | null;
  budgetPerYr: number | null;
  /** Largest number of switches the limits allow (maxSwitches and budget / FC per switch). */
  switchLimit: number;
  costs: CostModel;
  costMethod: CostMethod;
  currency: string | null;
  bpso: ResolvedBpsoOptions;
  polish: boolean;
}

const SWITCH_TYPES: readonly string[] = ['breaker', 'recloser', 'fuse', 'sectionalizer', 'switch'];

export class PlacementSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlacementSettingsError';
  }
}

function fail(message: string): never {
  throw new PlacementSettingsError(message);
}

function show(v: unknown): string {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v));
}

function number(v: unknown, where: string, rule: 'nonNegative' | 'positive' | 'fraction'): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (rule === 'positive' ? v > 0 : v >= 0) && (rule !== 'fraction' || v <= 1);
  if (!ok) fail(`${where} must be ${rule === 'positive' ? 'a number > 0' : rule === 'fraction' ? 'a number within 0..1' : 'a number ≥ 0'} (got ${show(v)})`);
  return v as number;
}

/** The sections a switch can be added to: in service (energised, conducting) and not a tie. */
export function placeableSections(model: FeederModel): string[] {
  const open = new Set(model.devices.filter((d) => d.normallyOpen).map((d) => d.section));
  return model.sections.filter((s) => s.kind !== 'tie' && !open.has(s.id)).map((s) => s.id);
}

function resolveCandidates(model: FeederModel, list: unknown, where: string): string[] {
  if (list === undefined) return placeableSections(model);
  if (!Array.isArray(list)) fail(`${where} must be an array of section ids (got ${show(list)})`);
  const byId = new Map(model.sections.map((s) => [s.id, s] as const));
  const open = new Set(model.devices.filter((d) => d.normallyOpen).map((d) => d.section));
  const seen = new Set<string>();
  list.forEach((id, i) => {
    if (typeof id !== 'string') fail(`${where}[${i}] must be a section id (got ${show(id)})`);
    const s = byId.get(id);
    if (!s) fail(`${where}[${i}] "${id}": section does not exist`);
    if (s.kind === 'tie' || open.has(id)) fail(`${where}[${i}] "${id}": section is a normally-open tie, not a place for a sectionalising switch`);
    if (seen.has(id)) fail(`${where}[${i}] "${id}": listed twice`);
    seen.add(id);
  });
  return list as string[];
}

function resolveSwitch(base: Partial<PlacedSwitch>, where: string): PlacedSwitch {
  const type = base.type ?? 'switch';
  if (!SWITCH_TYPES.includes(type)) fail(`${where}.type must be one of ${SWITCH_TYPES.join(', ')} (got ${show(type)})`);
  const automated = base.automated ?? true;
  if (typeof automated !== 'boolean') fail(`${where}.automated must be true or false (got ${show(automated)})`);
  const end = base.end ?? 'from';
  if (end !== 'from' && end !== 'to') fail(`${where}.end must be "from" or "to" (got ${show(end)})`);
  const switchingHours = base.switchingHours === undefined
    ? automated ? DEFAULT_AUTOMATED_SWITCHING_HOURS : DEFAULT_MANUAL_SWITCHING_HOURS
    : number(base.switchingHours, `${where}.switchingHours`, 'nonNegative');
  return { type: type as SwitchType, automated, switchingHours, end };
}

/** Manual switching time for the comparison: study, then model options, then the model's own manual switches, then 1 h. */
function manualHours(model: FeederModel, o: PlacementOverrides): number {
  if (o.manualSwitchingHours !== undefined) return number(o.manualSwitchingHours, 'placement.manualSwitchingHours', 'nonNegative');
  const opt = model.options?.manualSwitchingHours;
  if (opt !== undefined) return number(opt, 'options.manualSwitchingHours', 'nonNegative');
  const manual = model.devices.filter((d) => !d.automated && !d.normallyOpen && (d.type === 'switch' || d.type === 'sectionalizer'));
  return manual.length ? Math.max(...manual.map((d) => d.switchingHours)) : DEFAULT_MANUAL_SWITCHING_HOURS;
}

function resolveCosts(model: FeederModel, o: PlacementOverrides): { costs: CostModel; method: CostMethod } {
  const costs: CostModel = { ...(model.costs ?? {}), ...(o.costs ?? {}) };
  if (costs.perKWh !== undefined) {
    if (!costs.perKWh || typeof costs.perKWh !== 'object' || Array.isArray(costs.perKWh)) fail(`costs.perKWh must be an object {class: cost per kWh} (got ${show(costs.perKWh)})`);
    for (const [cls, v] of Object.entries(costs.perKWh)) number(v, `costs.perKWh.${cls}`, 'nonNegative');
  }
  if (costs.loadFactor !== undefined) {
    const lf = number(costs.loadFactor, 'costs.loadFactor', 'fraction');
    if (lf === 0) fail('costs.loadFactor must be a number > 0 and ≤ 1 (got 0)');
  }
  if (costs.damageFunctions !== undefined) {
    const df = costs.damageFunctions;
    if (!df || typeof df !== 'object' || Array.isArray(df)) fail(`costs.damageFunctions must be an object {class: [[minutes, costPerKW], ...]} (got ${show(df)})`);
    for (const [cls, fn] of Object.entries(df)) {
      if (!Array.isArray(fn) || fn.length === 0) fail(`costs.damageFunctions.${cls} needs at least one [minutes, costPerKW] point`);
      let last = -Infinity;
      fn.forEach((p, k) => {
        if (!Array.isArray(p) || p.length !== 2) fail(`costs.damageFunctions.${cls}[${k}] must be [minutes, costPerKW] (got ${show(p)})`);
        number(p[0], `costs.damageFunctions.${cls}[${k}][0] (minutes)`, 'nonNegative');
        number(p[1], `costs.damageFunctions.${cls}[${k}][1] (cost per kW)`, 'nonNegative');
        if (p[0] <= last) fail(`costs.damageFunctions.${cls}[${k}]: minutes must increase`);
        last = p[0];
      });
    }
  }
  const method = o.costMethod ?? (costs.perKWh ? 'cens' : costs.damageFunctions ? 'ecost' : undefined);
  if (method === undefined) fail('costs: no interruption cost given: add costs.perKWh (CENS, thesis eq. 5.15–5.18) or costs.damageFunctions (ECOST) to the model or the study');
  if (method !== 'cens' && method !== 'ecost') fail(`costMethod must be "cens" or "ecost" (got ${show(method)})`);
  if (method === 'cens' && !costs.perKWh) fail('costMethod "cens" needs costs.perKWh');
  if (method === 'ecost' && !costs.damageFunctions) fail('costMethod "ecost" needs costs.damageFunctions');
  return { costs, method };
}

/** Merges the model's blocks with the overrides and checks everything; throws PlacementSettingsError. */
export function resolvePlacement(model: FeederModel, given: PlacementOverrides = {}): ResolvedPlacement {
  if (!given || typeof given !== 'object' || Array.isArray(given)) fail(`placement settings must be an object (got ${show(given)})`);
  // A key present with the value undefined (an unset flag) does not override the model.
  const overrides = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as PlacementOverrides;
  const p: PlacementOverrides = { ...(model.placement ?? {}), ...overrides } as PlacementOverrides;
  const from = (key: keyof PlacementOverrides) => (overrides[key] !== undefined ? 'placement (override)' : 'placement');

  const candidates = resolveCandidates(model, p.candidates, `${from('candidates')}.candidates`);
  if (candidates.length === 0) fail(`${from('candidates')}.candidates: no candidate sections (the list is empty or the model has no section a switch can go on)`);

  const sw = resolveSwitch({ ...(model.placement?.switch ?? {}), ...(overrides.switch ?? {}) } as Partial<PlacedSwitch>, 'placement.switch');
  const alternative: PlacedSwitch = sw.automated
    ? { ...sw, automated: false, switchingHours: manualHours(model, overrides) }
    : { ...sw, automated: true, switchingHours: overrides.automatedSwitchingHours !== undefined ? number(overrides.automatedSwitchingHours, 'placement.automatedSwitchingHours', 'nonNegative') : DEFAULT_AUTOMATED_SWITCHING_HOURS };

  const missing = (['investmentPerSwitch', 'lifeYears', 'interestRate'] as const).filter((k) => p[k] === undefined);
  if (missing.length) fail(`placement: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required (switch investment, life in years, interest rate as a fraction)`);
  const annualisation = (p.annualisation ?? 'thesis') as Annualisation;
  if (annualisation !== 'thesis' && annualisation !== 'crf') fail(`placement.annualisation must be "thesis" or "crf" (got ${show(annualisation)})`);
  const economics: SwitchEconomics = {
    investmentPerSwitch: number(p.investmentPerSwitch, `${from('investmentPerSwitch')}.investmentPerSwitch`, 'nonNegative'),
    lifeYears: number(p.lifeYears, `${from('lifeYears')}.lifeYears`, 'positive'),
    interestRate: number(p.interestRate, `${from('interestRate')}.interestRate`, 'nonNegative'),
    maintenanceRate: p.maintenanceRate === undefined ? 0 : number(p.maintenanceRate, `${from('maintenanceRate')}.maintenanceRate`, 'nonNegative'),
    annualisation,
  };
  const fcPerSwitchPerYr = annualCostPerSwitch(economics);

  let maxSwitches: number | null = null;
  if (p.maxSwitches !== undefined && p.maxSwitches !== null) {
    maxSwitches = number(p.maxSwitches, `${from('maxSwitches')}.maxSwitches`, 'nonNegative');
    if (!Number.isInteger(maxSwitches)) fail(`${from('maxSwitches')}.maxSwitches must be a whole number (got ${maxSwitches})`);
  }
  const budgetPerYr = p.budgetPerYr === undefined || p.budgetPerYr === null ? null : number(p.budgetPerYr, `${from('budgetPerYr')}.budgetPerYr`, 'nonNegative');
  let switchLimit = candidates.length;
  if (maxSwitches !== null) switchLimit = Math.min(switchLimit, maxSwitches);
  if (budgetPerYr !== null && fcPerSwitchPerYr > 0) switchLimit = Math.min(switchLimit, Math.floor(budgetPerYr / fcPerSwitchPerYr + 1e-9));

  const { costs, method } = resolveCosts(model, overrides);
  let bpso: ResolvedBpsoOptions;
  try {
    bpso = resolveBpsoOptions(overrides.bpso ?? {});
  } catch (err) {
    fail(`placement.bpso: ${(err as Error).message}`);
  }
  const polish = overrides.polish ?? true;
  if (typeof polish !== 'boolean') fail(`placement.polish must be true or false (got ${show(polish)})`);
  return {
    candidates, switch: sw, alternative, economics, fcPerSwitchPerYr, maxSwitches, budgetPerYr, switchLimit,
    costs, costMethod: method, currency: costs.currency ?? null, bpso, polish,
  };
}
