import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { planFdir } from '../fdir/plan';
import { fdirSummary } from '../fdir/summary';
import type { FaultIndications, LiveLoadValue } from '../fdir/types';
import { UsageError, type CliCommand } from './command';
import { FEEDER_OPTIONS, feederFromArgs } from './feeder-arg';

const USAGE = `usage: dms fdir <file | --network NAME> (--fault SECTION | --indications FILE) [--loads live.json]
                [--states states.json] [--load peak|average] [--json]

Plans fault location, isolation and service restoration for a permanent fault: the faulted zone
(from the fault-passage indications a fault on SECTION produces, or from FILE:
{"tripped": deviceId, "passage": {deviceId: true|false|"stale"}}), the switching plan (remote steps,
then crew steps), customers interrupted, restored and still out. Restored states are checked by
power flow under the given loads (live.json: {loadPointId: {"pKW", "qKvar"}}), or by transfer
capacities when the model has no impedances. states.json: {deviceId: closed} before the fault.`;

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

export const fdirCommand: CliCommand = {
  name: 'fdir',
  summary: 'plan fault location, isolation and restoration for a fault',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args, allowPositionals: true,
      options: { ...FEEDER_OPTIONS, fault: { type: 'string' }, indications: { type: 'string' }, loads: { type: 'string' }, states: { type: 'string' }, load: { type: 'string' } },
    });
    if (!values.fault && !values.indications) throw new UsageError('give --fault SECTION or --indications FILE');
    if (values.load !== undefined && values.load !== 'peak' && values.load !== 'average') throw new UsageError(`--load must be peak or average (got "${values.load}")`);
    const feeder = feederFromArgs(positionals, values.network);
    const plan = planFdir(feeder, {
      faultSection: values.fault,
      indications: values.indications ? (readJson(values.indications, 'indications') as FaultIndications) : undefined,
      loads: values.loads ? (readJson(values.loads, 'loads') as Record<string, LiveLoadValue>) : undefined,
      states: values.states ? (readJson(values.states, 'switch states') as Record<string, boolean>) : undefined,
      loadBasis: values.load as 'peak' | 'average' | undefined,
    });
    if (values.json) {
      io.out(JSON.stringify(fdirSummary(plan)));
      return 0;
    }
    io.out(`faulted zone: ${plan.fault.sections.join(', ')}${plan.fault.clearedByFuse ? ` (cleared by fuse ${plan.fault.clearedByFuse})` : ''}`);
    io.out(`isolated by automation: ${plan.isolatedSections.join(', ')}`);
    for (const s of plan.steps) {
      io.out(`  ${String(s.step).padStart(2)}. ${s.mode === 'crew' ? 'CREW  ' : 'REMOTE'} ${s.action.padEnd(5)} ${s.device.padEnd(12)} ${s.reason}${s.restores.length ? ` [restores ${s.restores.join(', ')}]` : ''}`);
    }
    io.out(`customers interrupted ${plan.customersInterrupted} (${plan.kWInterrupted} kW), restored ${plan.customersRestored} (${plan.customersRestoredByCrew} after crew work), out ${plan.customersOut} (${plan.kWOut} kW)${plan.customersOut ? (plan.estimatedRepairHours > 0 ? ` for about ${plan.estimatedRepairHours} h (repair)` : ' until the repair (no repair time in the model)') : ''}`);
    io.out(`limits checked by ${plan.checkedBy}`);
    for (const n of plan.notes) io.out(`note: ${n}`);
    return 0;
  },
};
