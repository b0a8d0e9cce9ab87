/**
 * Predictive mode of dms-reliability: the analytical method (in the handler: it takes
 * milliseconds) or sequential Monte Carlo (in a worker thread, with progress and cancel).
 *
 * Per message: payload.switchStates are merged into the states the node keeps (live feeder state;
 * payload.replace forgets the kept ones first), payload.addSwitches and payload.options apply to
 * that message only.
 */
import type { Node, NodeAPI } from 'node-red';
import { checkCostModel } from '../../lib/reliability/costs';
import { checkMonteCarloOptions, MonteCarloCancelled, type MonteCarloResult, type RepairDistribution } from '../../lib/reliability/montecarlo';
import { runMonteCarlo, type MonteCarloJob } from '../../lib/reliability/montecarlo-run';
import { evaluatePredictive } from '../../lib/reliability/predictive';
import type { CandidateSwitch, PredictiveOptions, PredictiveResult } from '../../lib/reliability/types';
import type { CostModel } from '../../lib/model/types';
import { getFeederNode, requireFeeder, watchFeeder } from '../shared/feeder-access';
import { reply } from '../shared/input';
import { setStatus } from '../shared/status';
import type { ReliabilityMode, ReliabilityModeFactory, ReliabilityNodeDef } from './mode';

type Method = 'analytical' | 'montecarlo';

interface Settings {
  method: Method;
  years: number;
  seed: number;
  momentaryThresholdMin?: number;
  transformerReplacement?: boolean;
  repairDistribution: RepairDistribution;
  costs?: CostModel;
  progress: boolean;
}

const PAYLOAD_KEYS = ['switchStates', 'addSwitches', 'options', 'replace'];
const OPTION_KEYS = ['method', 'years', 'seed', 'momentaryThresholdMin', 'transformerReplacement', 'repairDistribution', 'costs'];

function isObject(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function blank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** Reads and checks the node's settings (the editor validates too; flows can be imported from anywhere). */
export function predictiveSettings(config: ReliabilityNodeDef): Settings {
  const method = (blank(config.method) ? 'analytical' : config.method) as Method;
  if (method !== 'analytical' && method !== 'montecarlo') throw new Error(`configuration: method must be analytical or montecarlo (got ${JSON.stringify(config.method)})`);
  const years = blank(config.years) ? 10000 : Number(config.years);
  const seed = blank(config.seed) ? 1 : Number(config.seed);
  const repairDistribution = (blank(config.repairDistribution) ? 'fixed' : config.repairDistribution) as RepairDistribution;
  checkMonteCarloOptions({ years, seed, repairDistribution });
  let momentaryThresholdMin: number | undefined;
  if (!blank(config.momentaryThresholdMin)) {
    momentaryThresholdMin = Number(config.momentaryThresholdMin);
    if (!Number.isFinite(momentaryThresholdMin) || momentaryThresholdMin < 0) throw new Error(`configuration: momentary threshold must be a non-negative number of minutes (got ${JSON.stringify(config.momentaryThresholdMin)})`);
  }
  const times = blank(config.transformerTimes) ? 'model' : config.transformerTimes;
  if (times !== 'model' && times !== 'repair' && times !== 'replacement') throw new Error(`configuration: transformer times must be model, repair or replacement (got ${JSON.stringify(times)})`);
  let costs: CostModel | undefined;
  if (typeof config.costs === 'string' && config.costs.trim() !== '') {
    let doc: unknown;
    try {
      doc = JSON.parse(config.costs);
    } catch (err) {
      throw new Error(`configuration: cost model is not valid JSON: ${(err as Error).message}`);
    }
    checkCostModel(doc, 'configuration: cost model');
    costs = doc;
  }
  return {
    method, years, seed, momentaryThresholdMin, repairDistribution, costs,
    transformerReplacement: times === 'model' ? undefined : times === 'replacement',
    progress: config.progress === true || config.progress === 'true',
  };
}

/** Settings for one message: the node's, overridden by payload.options. */
function messageSettings(base: Settings, options: unknown): Settings {
  if (options === undefined) return base;
  if (!isObject(options)) throw new Error('payload.options must be an object');
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.includes(k));
  if (unknown.length) throw new Error(`payload.options.${unknown[0]} is not recognised (expected ${OPTION_KEYS.join(', ')})`);
  const s: Settings = { ...base };
  if (options.method !== undefined) {
    if (options.method !== 'analytical' && options.method !== 'montecarlo') throw new Error(`payload.options.method must be "analytical" or "montecarlo" (got ${JSON.stringify(options.method)})`);
    s.method = options.method;
  }
  if (options.years !== undefined) s.years = options.years as number;
  if (options.seed !== undefined) s.seed = options.seed as number;
  if (options.repairDistribution !== undefined) s.repairDistribution = options.repairDistribution as RepairDistribution;
  try {
    checkMonteCarloOptions(s);
  } catch (err) {
    throw new Error(`payload.options: ${(err as Error).message}`);
  }
  if (options.momentaryThresholdMin !== undefined) {
    const v = options.momentaryThresholdMin;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`payload.options.momentaryThresholdMin must be a non-negative number of minutes (got ${JSON.stringify(v)})`);
    s.momentaryThresholdMin = v;
  }
  if (options.transformerReplacement !== undefined) {
    if (typeof options.transformerReplacement !== 'boolean') throw new Error('payload.options.transformerReplacement must be true or false');
    s.transformerReplacement = options.transformerReplacement;
  }
  if (options.costs !== undefined) {
    checkCostModel(options.costs, 'payload.options.costs');
    s.costs = options.costs;
  }
  return s;
}

function checkSwitchStates(x: unknown): Record<string, boolean> {
  if (!isObject(x)) throw new Error('payload.switchStates must be an object {deviceId: true (closed) | false (open)}');
  for (const [id, v] of Object.entries(x)) if (typeof v !== 'boolean') throw new Error(`payload.switchStates.${id} must be true (closed) or false (open)`);
  return x as Record<string, boolean>;
}

function checkAddSwitches(x: unknown): CandidateSwitch[] {
  if (!Array.isArray(x)) throw new Error('payload.addSwitches must be an array of {section, end, type, automated, switchingHours}');
  x.forEach((c, i) => {
    if (!isObject(c)) throw new Error(`payload.addSwitches[${i}] must be an object {section, end, type, automated, switchingHours}`);
    if (typeof c.section !== 'string') throw new Error(`payload.addSwitches[${i}].section must be a section id`);
    if (c.automated !== undefined && typeof c.automated !== 'boolean') throw new Error(`payload.addSwitches[${i}].automated must be true or false`);
  });
  return x as CandidateSwitch[];
}

export const createPredictiveMode: ReliabilityModeFactory = (RED: NodeAPI, node: Node, config: ReliabilityNodeDef): ReliabilityMode => {
  const settings = predictiveSettings(config);
  const feederCfg = getFeederNode(RED, config.feeder);
  if (watchFeeder(node, feederCfg)) setStatus(node, 'idle', `ready (${settings.method === 'analytical' ? 'analytical' : `Monte Carlo, ${settings.years} years`})`);
  let kept: Record<string, boolean> = {};
  let job: MonteCarloJob | null = null;

  const statusOf = (r: PredictiveResult | MonteCarloResult): string => {
    const s = r.system;
    const base = `SAIDI ${s.saidi.toFixed(2)} h/yr, SAIFI ${s.saifi.toFixed(3)}`;
    return r.method === 'montecarlo' ? `MC ${base} (P90 SAIDI ${r.spread.saidi.p90.toFixed(2)})` : base;
  };

  return {
    async input(msg, send) {
      if (msg.topic === 'reliability/cancel') {
        if (!job) node.warn('reliability/cancel: no Monte Carlo run is in progress');
        else job.cancel();
        return;
      }
      const feeder = requireFeeder(feederCfg);
      const p = msg.payload;
      let states = kept;
      let addSwitches: CandidateSwitch[] | undefined;
      let s = settings;
      if (isObject(p)) {
        const unknown = Object.keys(p).filter((k) => !PAYLOAD_KEYS.includes(k));
        if (unknown.length) throw new Error(`payload.${unknown[0]} is not recognised (expected ${PAYLOAD_KEYS.join(', ')})`);
        if (p.replace !== undefined && typeof p.replace !== 'boolean') throw new Error('payload.replace must be true or false');
        const base = p.replace === true ? {} : kept;
        states = p.switchStates !== undefined ? { ...base, ...checkSwitchStates(p.switchStates) } : base;
        if (p.addSwitches !== undefined) addSwitches = checkAddSwitches(p.addSwitches);
        s = messageSettings(settings, p.options);
      }
      const opts: PredictiveOptions = {
        states,
        addSwitches,
        momentaryThresholdMin: s.momentaryThresholdMin,
        transformerReplacement: s.transformerReplacement,
        costs: s.costs,
      };
      if (s.method === 'analytical') {
        // Evaluating checks every input against the model before anything is kept.
        const r = evaluatePredictive(feeder, opts);
        kept = states;
        setStatus(node, r.unsupplied.length ? 'warn' : 'ok', statusOf(r) + (r.unsupplied.length ? `, ${r.unsupplied.length} unsupplied` : ''));
        send(reply(msg, 'reliability/indices', r));
        return;
      }
      if (job) throw new Error('a Monte Carlo run is in progress (send topic reliability/cancel to stop it)');
      // Check the inputs here, so a bad message fails at once rather than inside the worker.
      evaluatePredictive(feeder, opts);
      kept = states;
      setStatus(node, 'busy', `Monte Carlo 0 / ${s.years} years`);
      const current = runMonteCarlo(feeder.model, { ...opts, years: s.years, seed: s.seed, repairDistribution: s.repairDistribution }, (pr) => {
        setStatus(node, 'busy', `Monte Carlo ${Math.floor((100 * pr.yearsDone) / pr.years)} % (${pr.yearsDone} / ${pr.years} years)`);
        if (s.progress) send(reply(msg, 'reliability/progress', { yearsDone: pr.yearsDone, years: pr.years, fraction: pr.yearsDone / pr.years }));
      });
      job = current;
      try {
        const r = await current.result;
        setStatus(node, r.unsupplied.length ? 'warn' : 'ok', statusOf(r));
        send(reply(msg, 'reliability/indices', r));
      } catch (err) {
        if (err instanceof MonteCarloCancelled) {
          setStatus(node, 'warn', 'Monte Carlo cancelled');
          return;
        }
        throw err;
      } finally {
        if (job === current) job = null;
      }
    },
    close() {
      job?.cancel();
      job = null;
    },
  };
};
