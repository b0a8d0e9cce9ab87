/**
 * dms-switch-placement: optimal switch (IED) placement on the configured feeder by binary PSO
 * (thesis ch. 5, §6.4), in a worker thread. Status and an optional second output show progress
 * (chart-ready); a `placement/cancel` message stops the search with the best placement so far.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { BpsoOptions, Inertia } from '../../lib/optimize/bpso';
import type { PlacementMethod, PlacementProgress, PlacementResult } from '../../lib/optimize/placement';
import { startPlacementJob, type JobMode, type PlacementJob } from '../../lib/optimize/placement-job';
import type { PlacementOverrides } from '../../lib/optimize/placement-settings';
import { getFeederNode, requireFeeder, watchFeeder } from '../shared/feeder-access';
import { onInput, reply } from '../shared/input';
import { setStatus } from '../shared/status';

type ProgressFormat = 'none' | 'summary' | 'chart';

interface PlacementNodeDef extends NodeDef {
  feeder: string;
  method?: string;
  particles?: string | number;
  maxIterations?: string | number;
  stallIterations?: string | number;
  c1?: string | number;
  c2?: string | number;
  inertia?: string;
  vMax?: string | number;
  topology?: string;
  seed?: string | number;
  polish?: boolean;
  progress?: string;
  progressInterval?: string | number;
  thread?: string;
}

/** Keys a message payload may carry: the placement overrides and the method. */
const PAYLOAD_KEYS = [
  'method', 'candidates', 'switch', 'investmentPerSwitch', 'lifeYears', 'interestRate', 'maintenanceRate', 'annualisation',
  'maxSwitches', 'budgetPerYr', 'manualSwitchingHours', 'automatedSwitchingHours', 'costs', 'costMethod', 'bpso', 'polish', 'cancel',
];

function isObject(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function numberSetting(value: string | number | undefined, name: string, test: (v: number) => boolean, rule: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const v = Number(value);
  if (!Number.isFinite(v) || !test(v)) throw new Error(`configuration: ${name} must be ${rule} (got ${JSON.stringify(value)})`);
  return v;
}

function inertiaSetting(value: string | undefined): Inertia | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parts = value.split(':');
  const n = (s: string) => numberSetting(s.trim(), 'inertia', (v) => v >= 0, 'a number ≥ 0 or start:end (e.g. 0.9:0.2)')!;
  return parts.length === 2 ? { start: n(parts[0]), end: n(parts[1]) } : n(value);
}

const money = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Dashboard (node-red-dashboard ui_chart) line chart of the convergence so far: best and mean cost per iteration. */
function chartPayload(history: Array<{ iteration: number; bestPerYr: number; meanPerYr: number | null }>): unknown[] {
  return [{
    series: ['best', 'mean'],
    data: [history.map((h) => ({ x: h.iteration, y: h.bestPerYr })), history.filter((h) => h.meanPerYr !== null).map((h) => ({ x: h.iteration, y: h.meanPerYr }))],
    labels: [''],
  }];
}

export = function (RED: NodeAPI) {
  function DmsSwitchPlacementNode(this: Node, config: PlacementNodeDef) {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const feederCfg = getFeederNode(RED, config.feeder);
    let configError: Error | null = null;
    let bpso: BpsoOptions = {};
    let method: PlacementMethod = 'bpso';
    let progressFormat: ProgressFormat = 'summary';
    let progressInterval = 250;
    let mode: JobMode = 'worker';
    try {
      method = (config.method || 'bpso') as PlacementMethod;
      if (method !== 'bpso' && method !== 'exhaustive') throw new Error(`configuration: method must be bpso or exhaustive (got ${JSON.stringify(config.method)})`);
      const whole = (v: number) => Number.isInteger(v);
      bpso = {
        particles: numberSetting(config.particles, 'particles', (v) => whole(v) && v >= 1, 'a whole number ≥ 1'),
        maxIterations: numberSetting(config.maxIterations, 'maximum iterations', (v) => whole(v) && v >= 1, 'a whole number ≥ 1'),
        stallIterations: numberSetting(config.stallIterations, 'iterations without improvement', (v) => whole(v) && v >= 0, 'a whole number ≥ 0'),
        c1: numberSetting(config.c1, 'c1', (v) => v >= 0, 'a number ≥ 0'),
        c2: numberSetting(config.c2, 'c2', (v) => v >= 0, 'a number ≥ 0'),
        inertia: inertiaSetting(config.inertia),
        vMax: numberSetting(config.vMax, 'velocity clamp', (v) => v > 0, 'a number > 0'),
        seed: numberSetting(config.seed, 'seed', whole, 'a whole number'),
      };
      if (config.topology) {
        if (config.topology !== 'gbest' && config.topology !== 'lbest') throw new Error(`configuration: topology must be gbest or lbest (got ${JSON.stringify(config.topology)})`);
        bpso.topology = config.topology;
      }
      bpso = Object.fromEntries(Object.entries(bpso).filter(([, v]) => v !== undefined)) as BpsoOptions;
      progressFormat = (config.progress || 'summary') as ProgressFormat;
      if (!['none', 'summary', 'chart'].includes(progressFormat)) throw new Error(`configuration: progress must be none, summary or chart (got ${JSON.stringify(config.progress)})`);
      progressInterval = numberSetting(config.progressInterval, 'progress interval', (v) => v >= 0, 'a number of milliseconds ≥ 0') ?? 250;
      mode = (config.thread || 'worker') as JobMode;
      if (mode !== 'worker' && mode !== 'inline') throw new Error(`configuration: thread must be worker or inline (got ${JSON.stringify(config.thread)})`);
    } catch (err) {
      configError = err as Error;
      setStatus(node, 'error', configError.message);
      node.error(configError.message);
    }
    if (!configError && watchFeeder(node, feederCfg)) setStatus(node, 'idle', 'ready');

    let job: PlacementJob | null = null;
    let closing = false;

    onInput(node, async (msg, send) => {
      if (configError) throw configError;
      const p = msg.payload;
      if (msg.topic === 'placement/cancel' || (isObject(p) && p.cancel === true)) {
        if (!job) {
          node.warn('placement/cancel: no placement study is running');
          return;
        }
        job.cancel();
        setStatus(node, 'busy', 'cancelling...');
        return;
      }
      if (job) throw new Error('a placement study is already running (send topic placement/cancel to stop it)');
      const feeder = requireFeeder(feederCfg);
      const overrides: PlacementOverrides = { polish: config.polish !== false };
      let runMethod = method;
      if (isObject(p)) {
        const unknown = Object.keys(p).filter((k) => !PAYLOAD_KEYS.includes(k));
        if (unknown.length) throw new Error(`payload.${unknown[0]} is not recognised (expected ${PAYLOAD_KEYS.join(', ')})`);
        const { method: m, bpso: b, cancel: _cancel, ...rest } = p;
        if (m !== undefined) {
          if (m !== 'bpso' && m !== 'exhaustive') throw new Error(`payload.method must be "bpso" or "exhaustive" (got ${JSON.stringify(m)})`);
          runMethod = m;
        }
        if (b !== undefined && !isObject(b)) throw new Error('payload.bpso must be an object of swarm settings');
        Object.assign(overrides, rest);
        overrides.bpso = { ...bpso, ...(b as BpsoOptions | undefined) };
      } else {
        overrides.bpso = bpso;
      }

      // The job reports every step; the node keeps the whole convergence and shows or sends at most one
      // report per progress interval, and always the last one.
      const history: Array<{ iteration: number; bestPerYr: number; meanPerYr: number | null }> = [];
      const currency = feeder.model.costs?.currency ?? '';
      let last = 0;
      let pending: PlacementProgress | null = null;
      const show = (pr: PlacementProgress): void => {
        pending = null;
        setStatus(node, 'busy', pr.method === 'bpso'
          ? `iteration ${pr.iteration}/${pr.maxIterations}: ${money(pr.bestPerYr)} ${currency}`
          : `${Math.floor(pr.fraction * 100)} %: ${money(pr.bestPerYr)} ${currency}`);
        if (progressFormat === 'none') return;
        const payload = progressFormat === 'chart' ? chartPayload(history) : { ...pr, history: history.slice() };
        send([null, reply(msg, 'placement/progress', payload)]);
      };
      const onProgress = (pr: PlacementProgress): void => {
        if (pr.method === 'bpso') history.push({ iteration: pr.iteration, bestPerYr: pr.bestPerYr, meanPerYr: pr.meanPerYr });
        const now = Date.now();
        if (progressInterval > 0 && now - last < progressInterval) {
          pending = pr;
          return;
        }
        last = now;
        show(pr);
      };
      // Starting checks settings, candidates and costs: bad input throws here and nothing runs.
      const current = startPlacementJob({ model: feeder.model, overrides, method: runMethod }, { mode, onProgress });
      job = current;
      setStatus(node, 'busy', runMethod === 'bpso' ? 'optimising...' : 'exhaustive search...');
      let result: PlacementResult;
      try {
        result = await current.result;
      } catch (err) {
        if (closing) return; // stopped by a redeploy or shutdown: nothing to report
        throw err;
      } finally {
        if (job === current) job = null;
      }
      if (pending) show(pending);
      const base = result.before.tscPerYr;
      const saving = base > 0 ? ` (${Math.round((100 * (result.best.tscPerYr - base)) / base)} %)` : '';
      const text = `${result.best.count} switches, TSC ${money(result.best.tscPerYr)} ${currency}/yr${saving}`;
      setStatus(node, result.stopReason === 'cancelled' ? 'warn' : 'ok', result.stopReason === 'cancelled' ? `cancelled: ${text}` : text);
      send([reply(msg, 'placement/result', result) as NodeMessage, null]);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closing = true;
      const running = job;
      job = null;
      if (running) void running.terminate().finally(() => done());
      else done();
    });
  }
  RED.nodes.registerType('dms-switch-placement', DmsSwitchPlacementNode);
};
