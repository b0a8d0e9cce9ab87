import { parseArgs } from 'node:util';
import { PowerFlowError } from '../powerflow/errors';
import { powerFlow } from '../powerflow/solve';
import type { PowerFlowResult } from '../powerflow/types';
import type { CliCommand } from './command';
import { FEEDER_OPTIONS, feederFromArgs } from './feeder-arg';
import { parseCli, POWERFLOW_OPTIONS, POWERFLOW_USAGE, powerFlowOptionsFromArgs, round } from './powerflow-args';

const USAGE = `usage: dms powerflow <file | --network NAME> [--json] [--load peak|average] [--loads FILE] [--states FILE]

Radial power flow (backward/forward sweep, constant-PQ loads, source voltage from each source's
vPu): bus voltages and angles, section currents, flows, losses, loading against ratingA, voltage
and thermal violations. Load points on de-energised buses are listed as unsupplied and left out.
Exit code 1 when the power flow does not converge (the output says at which bus).

${POWERFLOW_USAGE}
  --json                one JSON document: {"converged", "iterations", "lossesKW", "lossesKvar",
                        "vMinPu", "vMinBus", "buses": [{"id", "vPu", "angleDeg"}], "sections":
                        [{"id", "iA", "pKW", "qKvar", "lossKW", "loadingPct"}], ...}`;

/** The JSON document of the issue's shape, plus the convergence details and what was found. */
export function powerFlowJson(r: PowerFlowResult): Record<string, unknown> {
  return {
    converged: r.converged,
    iterations: r.iterations,
    maxMismatchPu: r.maxMismatchPu,
    lossesKW: round(r.lossesKW, 4),
    lossesKvar: round(r.lossesKvar, 4),
    vMinPu: round(r.vMinPu, 7),
    vMinBus: r.vMinBus,
    loadKW: round(r.loadKW, 4),
    loadKvar: round(r.loadKvar, 4),
    buses: r.buses.map((b) => ({ id: b.id, vPu: round(b.vPu, 7), angleDeg: round(b.angleDeg, 5) })),
    sections: r.sections.map((s) => ({
      id: s.id, iA: round(s.iA, 3), pKW: round(s.pKW, 4), qKvar: round(s.qKvar, 4), lossKW: round(s.lossKW, 4),
      loadingPct: s.loadingPct === null ? null : round(s.loadingPct, 2),
    })),
    open: r.open,
    unsupplied: r.unsupplied,
    violations: r.violations,
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

function text(name: string, r: PowerFlowResult): string[] {
  const out = [
    `${name}: converged in ${r.iterations} sweeps (last change ${r.maxMismatchPu.toExponential(1)} p.u.), ${r.loadBasis} loads` +
      (r.liveLoadPoints ? ` with ${r.liveLoadPoints} live values` : ''),
    `  load ${r.loadKW.toFixed(2)} kW + ${r.loadKvar.toFixed(2)} kvar; losses ${r.lossesKW.toFixed(2)} kW + ${r.lossesKvar.toFixed(2)} kvar`,
    `  voltage min ${r.vMinPu.toFixed(5)} p.u. at bus ${r.vMinBus}, max ${r.vMaxPu.toFixed(5)} p.u. at bus ${r.vMaxBus}`,
    `  open points: ${r.open.length ? r.open.join(', ') : 'none'}`,
  ];
  const v = r.violations;
  if (v.voltage.length) out.push(`  voltage violations (${v.voltage.length}): ${v.voltage.map((x) => `${x.bus} ${x.vPu.toFixed(4)} ${x.kind === 'under' ? '<' : '>'} ${x.limitPu}`).join(', ')}`);
  if (v.capacity.length) out.push(`  transfer capacity exceeded (${v.capacity.length}): ${v.capacity.map((x) => `${x.kind} ${x.id} ${x.pKW.toFixed(1)} > ${x.limitKW} kW`).join(', ')}`);
  if (v.thermal.length) out.push(`  overloaded sections (${v.thermal.length}): ${v.thermal.map((x) => `${x.section} ${x.loadingPct.toFixed(1)} %`).join(', ')}`);
  if (r.unsupplied.length) out.push(`  unsupplied load points (${r.unsupplied.length}): ${r.unsupplied.map((u) => u.loadPoint).join(', ')}`);
  out.push('', ...table([['bus', 'vPu', 'angleDeg'], ...r.buses.map((b) => [b.id, b.vPu.toFixed(5), b.angleDeg.toFixed(3)])]));
  out.push('', ...table([['section', 'from', 'iA', 'pKW', 'qKvar', 'lossKW', 'loading%'],
    ...r.sections.map((s) => [s.id, s.fromBus ?? '(open)', s.iA.toFixed(1), s.pKW.toFixed(2), s.qKvar.toFixed(2), s.lossKW.toFixed(3), s.loadingPct === null ? '-' : s.loadingPct.toFixed(1)])]));
  return out;
}

export const powerflowCommand: CliCommand = {
  name: 'powerflow',
  summary: 'radial power flow: voltages, currents, losses, violations',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCli(() => parseArgs({ args, options: { ...FEEDER_OPTIONS, ...POWERFLOW_OPTIONS }, allowPositionals: true }));
    const feeder = feederFromArgs(positionals, values.network);
    const opts = powerFlowOptionsFromArgs(values, feeder);
    let r: PowerFlowResult;
    try {
      r = powerFlow(feeder, opts);
    } catch (err) {
      if (err instanceof PowerFlowError && (err.kind === 'not-converged' || err.kind === 'diverged')) {
        if (values.json) io.out(JSON.stringify({ converged: false, iterations: err.details.iterations, maxMismatchPu: err.details.mismatchPu, mismatchBus: err.details.bus ?? null, error: err.message }));
        else io.err(`dms powerflow: ${err.message}`);
        return 1;
      }
      throw err;
    }
    if (values.json) io.out(JSON.stringify(powerFlowJson(r)));
    else io.out(text(feeder.summary.name || values.network || positionals[0], r).join('\n'));
    return 0;
  },
};
