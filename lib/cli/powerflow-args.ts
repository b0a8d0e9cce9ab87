/**
 * Options shared by `dms powerflow` and `dms reconfigure`: load basis, live loads and switch states
 * from files, voltage limits. Files may hold the plain maps or the dms-powerflow node's payload
 * shape ({loads, switchStates}), so a captured message can be replayed from the command line.
 */
import { readFileSync } from 'node:fs';
import { readFailure, type LoadedFeeder } from '../model/load';
import type { LiveLoad, LoadBasis, PowerFlowOptions } from '../powerflow/types';
import { UsageError } from './command';

export const POWERFLOW_OPTIONS = {
  load: { type: 'string' as const },
  loads: { type: 'string' as const },
  states: { type: 'string' as const },
  vmin: { type: 'string' as const },
  vmax: { type: 'string' as const },
};

export const POWERFLOW_USAGE = `  --load peak|average   load basis where no live value is given (default peak; reactive power
                        from peakKvar, else the load point's pf, else pf 0.9 lagging)
  --loads FILE          live loads: {"LP1": {"pKW": 120, "qKvar": 40}, ...} (qKvar optional) or
                        {"loads": {...}, "switchStates": {...}} as the dms-powerflow node takes
  --states FILE         switch states over the normal ones: {"deviceId": true (closed) | false}
  --vmin PU, --vmax PU  voltage limits for buses without their own (default 0.95 / 1.05)`;

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${what} ${file}: cannot read: ${readFailure(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what} ${file}: not valid JSON: ${(err as Error).message}`);
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function limit(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!(v > 0 && Number.isFinite(v))) throw new UsageError(`${flag} must be a positive number of p.u. (got "${text}")`);
  return v;
}

export function powerFlowOptionsFromArgs(values: { load?: string; loads?: string; states?: string; vmin?: string; vmax?: string }, feeder: LoadedFeeder): PowerFlowOptions {
  const opts: PowerFlowOptions = {};
  if (values.load !== undefined) {
    if (values.load !== 'peak' && values.load !== 'average') throw new UsageError(`--load must be peak or average (got "${values.load}")`);
    opts.load = values.load as LoadBasis;
  }
  opts.vMinPu = limit(values.vmin, '--vmin');
  opts.vMaxPu = limit(values.vmax, '--vmax');
  if (values.loads !== undefined) {
    const doc = readJson(values.loads, 'loads file');
    if (!isObject(doc)) throw new Error(`loads file ${values.loads}: expected an object of load point ids`);
    const wrapped = isObject(doc.loads) && !feeder.index.loadPointIndex.has('loads');
    opts.loads = (wrapped ? doc.loads : doc) as Record<string, LiveLoad>;
    if (wrapped && doc.switchStates !== undefined) {
      if (!isObject(doc.switchStates)) throw new Error(`loads file ${values.loads}: switchStates must be an object {deviceId: closed}`);
      opts.states = doc.switchStates as Record<string, boolean>;
    }
  }
  if (values.states !== undefined) {
    const doc = readJson(values.states, 'states file');
    const states = isObject(doc) && isObject(doc.switchStates) ? doc.switchStates : doc;
    if (!isObject(states)) throw new Error(`states file ${values.states}: expected an object {deviceId: true | false}`);
    opts.states = { ...(opts.states as Record<string, boolean> | undefined), ...(states as Record<string, boolean>) };
  }
  return opts;
}

/** Runs node:util parseArgs, turning its complaints (unknown option, missing value) into usage errors. */
export function parseCli<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
}

/** Rounds for printing: enough digits for every published check, no binary noise. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
