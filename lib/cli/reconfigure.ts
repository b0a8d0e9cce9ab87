import { parseArgs } from 'node:util';
import { reconfigure, type ReconfigureOptions } from '../powerflow/reconfigure';
import { UsageError, type CliCommand } from './command';
import { FEEDER_OPTIONS, feederFromArgs } from './feeder-arg';
import { parseCli, POWERFLOW_OPTIONS, POWERFLOW_USAGE, powerFlowOptionsFromArgs, round } from './powerflow-args';

const USAGE = `usage: dms reconfigure <file | --network NAME> [--json] [--load peak|average] [--loads FILE] [--states FILE]
                        [--lock ID,ID...] [--restarts N] [--seed N]

Loss-minimising reconfiguration: which switches to open so the feeder stays radial, every
supplied bus stays supplied, no limit gets worse and losses are least (branch exchange scored by
full power flows, from the present state, from sequential switch opening and from random trees).
Prints the open sections, losses, minimum voltage and the switching steps from the present state
(close before open, so no load is dropped). Only sections with a switch (any device but a fuse)
are operated.

${POWERFLOW_USAGE}
  --lock ID,ID          devices the search must leave as they are
  --restarts N          random starting trees (default 4); --seed N for them (default 1)
  --json                one JSON document: {"open": [section ids], "lossesKW", "vMinPu",
                        "steps": [{"step", "action", "device", "section", "automated", "reason"}], ...}`;

function count(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number >= 0 (got "${text}")`);
  return n;
}

export const reconfigureCommand: CliCommand = {
  name: 'reconfigure',
  summary: 'loss-minimising radial reconfiguration with a close-before-open switching plan',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseCli(() => parseArgs({
      args,
      options: { ...FEEDER_OPTIONS, ...POWERFLOW_OPTIONS, lock: { type: 'string' }, restarts: { type: 'string' }, seed: { type: 'string' } },
      allowPositionals: true,
    }));
    const feeder = feederFromArgs(positionals, values.network);
    const opts: ReconfigureOptions = {
      ...powerFlowOptionsFromArgs(values, feeder),
      locked: values.lock ? values.lock.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      restarts: count(values.restarts, '--restarts'),
      seed: count(values.seed, '--seed'),
    };
    const r = reconfigure(feeder, opts);
    if (values.json) {
      io.out(JSON.stringify({
        open: r.open,
        lossesKW: round(r.lossesKW, 4),
        vMinPu: round(r.vMinPu, 7),
        steps: r.steps.map((s) => ({ ...s, ...(s.lossesKW !== undefined ? { lossesKW: round(s.lossesKW, 4) } : {}), ...(s.vMinPu !== undefined ? { vMinPu: round(s.vMinPu, 7) } : {}) })),
        lossesKvar: round(r.lossesKvar, 4),
        vMinBus: r.vMinBus,
        openDevices: r.openDevices,
        start: { ...r.start, lossesKW: round(r.start.lossesKW, 4), lossesKvar: round(r.start.lossesKvar, 4), vMinPu: round(r.start.vMinPu, 7) },
        savingKW: round(r.savingKW, 4),
        switchStates: r.switchStates,
        limitsMet: r.limitsMet,
        violations: r.violations,
        method: r.method,
        evaluations: r.evaluations,
      }));
      return 0;
    }
    const name = feeder.summary.name || values.network || positionals[0];
    const pct = r.start.lossesKW > 0 ? (100 * r.savingKW) / r.start.lossesKW : 0;
    const out = [
      `${name}: open ${r.open.join(', ')} (devices ${r.openDevices.join(', ')})`,
      `  losses ${r.lossesKW.toFixed(2)} kW + ${r.lossesKvar.toFixed(2)} kvar (present ${r.start.lossesKW.toFixed(2)} kW: saving ${r.savingKW.toFixed(2)} kW, ${pct.toFixed(1)} %)`,
      `  minimum voltage ${r.vMinPu.toFixed(5)} p.u. at bus ${r.vMinBus} (present ${r.start.vMinPu.toFixed(5)} p.u. at bus ${r.start.vMinBus})`,
      `  limits: ${r.limitsMet ? 'all met' : `${r.violations.voltage.length} voltage, ${r.violations.thermal.length} thermal and ${r.violations.capacity.length} transfer-capacity violations remain (none worse than the present state)`}`,
      `  method: ${r.method}, ${r.evaluations} power flows`,
    ];
    if (r.steps.length === 0) out.push('  the present state is already the best: no switching');
    else {
      out.push('  switching (close before open):');
      for (const s of r.steps) out.push(`  ${String(s.step).padStart(3)}. ${s.action.padEnd(5)} ${s.device} (${s.section}${s.automated ? ', remote' : ', field crew'}): ${s.reason}`);
    }
    io.out(out.join('\n'));
    return 0;
  },
};
