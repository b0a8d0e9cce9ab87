import { parseArgs } from 'node:util';
import type { BpsoOptions, Inertia } from '../optimize/bpso';
import { PlacementStudy, type PlacementCase, type PlacementResult } from '../optimize/placement';
import type { PlacementOverrides } from '../optimize/placement-settings';
import { UsageError, type CliCommand } from './command';
import { FEEDER_OPTIONS, feederFromArgs } from './feeder-arg';

const USAGE = `usage: dms place <file | --network NAME> [--seed N] [--exhaustive] [--json] [options]

Switch (IED) placement by binary particle swarm optimisation (thesis ch. 5, §6.4): the candidate
sections that get a new switch so that TSC = FC + CENS per year is least, where FC annualises the
switches' investment (thesis eq. 5.14, or --crf) and CENS = Σ La·U·C (eq. 5.15–5.18; ECOST with
damage functions). Settings come from the model's "placement" and "costs" blocks; the flags below
override them. Prints the optimum and the thesis's Table 6.3 comparison: no switches, a switch on
every candidate, the optimum, and the same places with manual (or automated) switches.

options:
  --json                one JSON document: {"best": {"switches": [section ids], "count", "tscPerYr",
                        "fcPerYr", "censPerYr", "feasible"}, "cases": [{"case", "label", "switches",
                        "saifi", "saidiHours", "uHours", "asai", "maifi", "eensKWh", "aensKWh",
                        "fcPerYr", "censPerYr", "tscPerYr", ...}], "history": [{"iteration",
                        "bestPerYr", "meanPerYr"}], "evaluations", "iterations", "stopReason",
                        "before", "after", "settings", ...}
  --seed N              BPSO random seed (default 1); the same seed gives the same run
  --exhaustive          exact optimum by scoring every subset (at most 20 candidates)
  --candidates IDS      comma-separated section ids (default: placement.candidates, else every
                        section but ties)
  --manual | --automated  kind of switch placed (default: placement.switch, else automated)
  --switching-hours H   switching time of the placed switches (default 1 min automated, 1 h manual)
  --manual-hours H      switching time of the manual switches in the comparison case
  --investment X        installed cost of one switch
  --life YEARS          switch life
  --interest R          interest rate as a fraction (0.08 = 8 %)
  --maintenance R       maintenance as a fraction of the annual investment cost
  --crf                 annualise with the capital recovery factor instead of thesis eq. 5.14
  --max-switches N      at most N new switches (penalty on positions over the limit)
  --budget X            at most X per year of switch cost (same penalty)
  --cost-method M       cens (Σ La·U·C) or ecost (damage functions)
  --load-factor LF      La = peak × LF (eq. 5.16) instead of the average load
  --particles N         swarm size (default 30)
  --iterations N        iteration limit (default 200)
  --stall N             stop after N iterations without improvement (default 40; 0 = never)
  --c1 X, --c2 X        acceleration coefficients (default 2, 2)
  --inertia W | A:B     constant inertia (default 1) or linear from A to B (eq. 5.6, e.g. 0.9:0.2)
  --vmax X              velocity clamp (default 4)
  --lbest               ring (lbest) neighbourhood instead of gbest`;

const OPTIONS = {
  ...FEEDER_OPTIONS,
  seed: { type: 'string' as const },
  exhaustive: { type: 'boolean' as const },
  candidates: { type: 'string' as const },
  manual: { type: 'boolean' as const },
  automated: { type: 'boolean' as const },
  'switching-hours': { type: 'string' as const },
  'manual-hours': { type: 'string' as const },
  investment: { type: 'string' as const },
  life: { type: 'string' as const },
  interest: { type: 'string' as const },
  maintenance: { type: 'string' as const },
  crf: { type: 'boolean' as const },
  'max-switches': { type: 'string' as const },
  budget: { type: 'string' as const },
  'cost-method': { type: 'string' as const },
  'load-factor': { type: 'string' as const },
  particles: { type: 'string' as const },
  iterations: { type: 'string' as const },
  stall: { type: 'string' as const },
  c1: { type: 'string' as const },
  c2: { type: 'string' as const },
  inertia: { type: 'string' as const },
  vmax: { type: 'string' as const },
  lbest: { type: 'boolean' as const },
};

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new UsageError(`--${name} must be a number (got "${v}")`);
  return x;
}

function inertiaArg(v: string | undefined): Inertia | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(':');
  if (parts.length === 2) return { start: num(parts[0], 'inertia')!, end: num(parts[1], 'inertia')! };
  return num(v, 'inertia');
}

type Values = ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** The flags as overrides of the model's blocks (unset flags stay undefined and do not override). */
export function overridesFromFlags(v: Values): PlacementOverrides {
  if (v.manual && v.automated) throw new UsageError('give --manual or --automated, not both');
  const cm = v['cost-method'];
  if (cm !== undefined && cm !== 'cens' && cm !== 'ecost') throw new UsageError(`--cost-method must be cens or ecost (got "${cm}")`);
  const bpso: BpsoOptions = {
    seed: num(v.seed, 'seed'),
    particles: num(v.particles, 'particles'),
    maxIterations: num(v.iterations, 'iterations'),
    stallIterations: num(v.stall, 'stall'),
    c1: num(v.c1, 'c1'),
    c2: num(v.c2, 'c2'),
    inertia: inertiaArg(v.inertia),
    vMax: num(v.vmax, 'vmax'),
    topology: v.lbest ? 'lbest' : undefined,
  };
  const sw: PlacementOverrides['switch'] = {};
  if (v.manual || v.automated) sw.automated = !!v.automated;
  const hours = num(v['switching-hours'], 'switching-hours');
  if (hours !== undefined) sw.switchingHours = hours;
  const lf = num(v['load-factor'], 'load-factor');
  return {
    candidates: v.candidates === undefined ? undefined : v.candidates.split(',').map((s) => s.trim()).filter((s) => s.length > 0),
    switch: Object.keys(sw).length ? sw : undefined,
    manualSwitchingHours: num(v['manual-hours'], 'manual-hours'),
    investmentPerSwitch: num(v.investment, 'investment'),
    lifeYears: num(v.life, 'life'),
    interestRate: num(v.interest, 'interest'),
    maintenanceRate: num(v.maintenance, 'maintenance'),
    annualisation: v.crf ? 'crf' : undefined,
    maxSwitches: num(v['max-switches'], 'max-switches'),
    budgetPerYr: num(v.budget, 'budget'),
    costMethod: cm as PlacementOverrides['costMethod'],
    costs: lf === undefined ? undefined : { loadFactor: lf },
    bpso: Object.fromEntries(Object.entries(bpso).filter(([, x]) => x !== undefined)) as BpsoOptions,
  };
}

const money = (x: number): string => Math.round(x).toLocaleString('en-US');

function caseTable(cases: PlacementCase[], currency: string): string[] {
  const rows = [
    ['', ...cases.map((c) => c.case === 'none' ? 'none' : c.case === 'all' ? `all (${c.switches})` : c.case === 'optimum' ? `optimum (${c.switches})` : `${c.automated ? 'automated' : 'manual'} (${c.switches})`)],
    ['SAIDI (h/yr)', ...cases.map((c) => c.saidiHours.toFixed(4))],
    ['U (h/yr)', ...cases.map((c) => c.uHours.toFixed(4))],
    ['ASAI', ...cases.map((c) => c.asai.toFixed(6))],
    ['SAIFI (1/yr)', ...cases.map((c) => c.saifi.toFixed(4))],
    ['MAIFI (1/yr)', ...cases.map((c) => c.maifi.toFixed(4))],
    ['EENS (MWh/yr)', ...cases.map((c) => (c.eensKWh / 1000).toFixed(4))],
    ['AENS (kWh/cust)', ...cases.map((c) => c.aensKWh.toFixed(4))],
    [`FC (${currency}/yr)`, ...cases.map((c) => money(c.fcPerYr))],
    [`CENS (${currency}/yr)`, ...cases.map((c) => money(c.censPerYr))],
    [`TSC (${currency}/yr)`, ...cases.map((c) => money(c.tscPerYr))],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

function textReport(r: PlacementResult): string[] {
  const cur = r.currency ?? 'cost';
  const s = r.settings;
  const lines = [
    `${r.feeder || 'feeder'}: ${s.candidates.length} candidates, ${s.switch.automated ? 'automated' : 'manual'} switches (${(s.switch.switchingHours * 60).toFixed(1)} min), FC ${money(s.fcPerSwitchPerYr)} ${cur}/yr per switch (${s.annualisation === 'crf' ? 'CRF annuity' : 'thesis eq. 5.14'})` +
      (s.switchLimit < s.candidates.length ? `, at most ${s.switchLimit} switches` : ''),
    r.method === 'bpso'
      ? `BPSO: ${s.bpso!.particles} particles, ${r.iterations} iterations (${r.stopReason}), ${r.evaluations} evaluations, ${r.elapsedMs.toFixed(0)} ms`
      : `exhaustive: ${r.evaluations} positions (${r.stopReason}), ${r.ties} with the optimal cost, ${r.elapsedMs.toFixed(0)} ms`,
    `optimum: ${r.best.count} switch${r.best.count === 1 ? '' : 'es'}${r.best.count ? ` on ${r.best.switches.join(', ')}` : ''}`,
    `  TSC ${money(r.best.tscPerYr)} = FC ${money(r.best.fcPerYr)} + ${r.costMethod.toUpperCase()} ${money(r.best.censPerYr)} ${cur}/yr`,
    '',
    'comparison (thesis Table 6.3):',
    ...caseTable(r.cases, cur),
  ];
  return lines;
}

export const placeCommand: CliCommand = {
  name: 'place',
  summary: 'optimal switch (IED) placement by binary PSO: TSC = FC + CENS, Table 6.3 comparison',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
    const overrides = overridesFromFlags(values);
    const loaded = feederFromArgs(positionals, values.network);
    const result = new PlacementStudy(loaded.model, overrides).run(values.exhaustive ? 'exhaustive' : 'bpso');
    if (values.json) io.out(JSON.stringify(result));
    else io.out(textReport(result).join('\n'));
    return 0;
  },
};
