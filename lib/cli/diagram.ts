import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderFeederSvg } from '../diagram/svg';
import { planFdir } from '../fdir/plan';
import { UsageError, type CliCommand } from './command';
import { FEEDER_OPTIONS, feederFromArgs } from './feeder-arg';

const USAGE = `usage: dms diagram <file | --network NAME> [--states states.json] [--fault SECTION [--restored]] > feeder.svg

Prints the single-line diagram of a feeder as SVG: energised, de-energised, faulted and restored
sections in distinct colours, switch and breaker states, ties. --states overlays live device states
({deviceId: closed}); --fault marks a faulted section and shows the state just after the protection
tripped; with --restored, the state after the FDIR plan (isolation and restoration) instead.`;

export const diagramCommand: CliCommand = {
  name: 'diagram',
  summary: 'print the single-line diagram of a feeder as SVG',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...FEEDER_OPTIONS, states: { type: 'string' }, fault: { type: 'string' }, restored: { type: 'boolean' } } });
    if (values.restored && !values.fault) throw new UsageError('--restored needs --fault SECTION');
    const feeder = feederFromArgs(positionals, values.network);
    let states: Record<string, boolean> | undefined;
    if (values.states) {
      try {
        states = JSON.parse(readFileSync(values.states, 'utf8')) as Record<string, boolean>;
      } catch (err) {
        throw new UsageError(`cannot read switch states ${values.states}: ${(err as Error).message}`);
      }
    }
    if (!values.fault) {
      io.out(renderFeederSvg(feeder, { states }));
      return 0;
    }
    if (!feeder.index.sectionIndex.has(values.fault)) throw new UsageError(`--fault: section "${values.fault}" does not exist`);
    const plan = planFdir(feeder, { faultSection: values.fault, states });
    const tripped = { ...(states ?? {}) };
    const breaker = feeder.topology.upstreamProtective({ section: values.fault });
    if (breaker) tripped[breaker] = false;
    io.out(renderFeederSvg(feeder, values.restored
      ? { states: plan.finalStates, outageStates: tripped, faulted: [values.fault], title: `${feeder.model.name ?? 'feeder'}: fault on ${values.fault}, after FDIR` }
      : { states: tripped, faulted: [values.fault], title: `${feeder.model.name ?? 'feeder'}: fault on ${values.fault}, after the trip` }));
    return 0;
  },
};
