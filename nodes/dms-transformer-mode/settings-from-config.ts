/**
 * Turns the editor's configuration (strings from the edit dialog) into the selector settings JSON
 * and validates it with the library, so the node and the CLI accept and reject the same things.
 */
import { parseSelectorSettings, type ModeName, type SelectorSettings } from '../../lib/transformer';

export interface TransformerModeConfig {
  name?: string;
  t1Id?: string; t1SnKVA?: string; t1P0KW?: string; t1PkKW?: string; t1UkPct?: string; t1I0Pct?: string; t1Q0Kvar?: string; t1Ratio?: string; t1VectorGroup?: string;
  t2Id?: string; t2SnKVA?: string; t2P0KW?: string; t2PkKW?: string; t2UkPct?: string; t2I0Pct?: string; t2Q0Kvar?: string; t2Ratio?: string; t2VectorGroup?: string;
  overloadLimit?: string;
  reactiveEquivalent?: string;
  minSavingKW?: string;
  minDwellMin?: string;
  blockT1?: boolean; blockT2?: boolean; blockSplit?: boolean; blockParallel?: boolean;
  allowParallel?: boolean;
  ukTolerancePct?: string;
  maxCapacityRatio?: string;
  ratioTolerancePct?: string;
  control?: string;
  devT1HV?: string; devT1LV?: string; devBusTie?: string; devT2LV?: string; devT2HV?: string;
  commandTimeoutS?: string;
  timeZone?: string;
  maxHoldMin?: string;
  contextStore?: string;
}

/** "" and undefined mean "not given"; a number-like string becomes a number; anything else stays (and fails validation by name). */
function n(v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  const s = String(v).trim();
  if (s === '') return undefined;
  const x = Number(s);
  return Number.isFinite(x) ? x : s;
}

function s(v: unknown): string | undefined {
  const t = v === undefined || v === null ? '' : String(v).trim();
  return t === '' ? undefined : t;
}

function unit(c: TransformerModeConfig, k: 't1' | 't2', fallbackId: string): Record<string, unknown> {
  const g = (f: string): unknown => (c as Record<string, unknown>)[`${k}${f}`];
  const u: Record<string, unknown> = {
    id: s(g('Id')) ?? fallbackId, snKVA: n(g('SnKVA')), p0KW: n(g('P0KW')), pkKW: n(g('PkKW')), ukPct: n(g('UkPct')),
    i0Pct: n(g('I0Pct')), q0Kvar: n(g('Q0Kvar')), ratio: n(g('Ratio')), vectorGroup: s(g('VectorGroup')),
  };
  for (const key of Object.keys(u)) if (u[key] === undefined) delete u[key];
  return u;
}

export function settingsJson(c: TransformerModeConfig): Record<string, unknown> {
  const blocked: ModeName[] = [];
  if (c.blockT1) blocked.push('T1');
  if (c.blockT2) blocked.push('T2');
  if (c.blockSplit) blocked.push('split');
  if (c.blockParallel) blocked.push('parallel');
  const devices: Record<string, string> = {};
  const dev: Array<[string, unknown]> = [['t1HV', c.devT1HV], ['t1LV', c.devT1LV], ['busTie', c.devBusTie], ['t2LV', c.devT2LV], ['t2HV', c.devT2HV]];
  for (const [role, v] of dev) if (s(v)) devices[role] = s(v)!;
  const json: Record<string, unknown> = {
    transformers: [unit(c, 't1', 'T1'), unit(c, 't2', 'T2')],
    overloadLimit: n(c.overloadLimit),
    reactiveEquivalentKWPerKvar: n(c.reactiveEquivalent),
    blockedModes: blocked,
    paralleling: {
      allowed: c.allowParallel !== false,
      ukTolerancePct: n(c.ukTolerancePct),
      maxCapacityRatio: n(c.maxCapacityRatio),
      ratioTolerancePct: n(c.ratioTolerancePct),
    },
    minSavingKW: n(c.minSavingKW),
    minDwellMin: n(c.minDwellMin),
    control: s(c.control),
    devices,
    commandTimeoutS: n(c.commandTimeoutS),
    timeZone: s(c.timeZone),
    maxHoldMin: n(c.maxHoldMin),
  };
  const p = json.paralleling as Record<string, unknown>;
  for (const key of Object.keys(p)) if (p[key] === undefined) delete p[key];
  for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
  return json;
}

export function settingsFromConfig(c: TransformerModeConfig): SelectorSettings {
  return parseSelectorSettings(settingsJson(c));
}
