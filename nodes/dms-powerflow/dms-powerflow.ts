/**
 * dms-powerflow: radial power flow of the configured feeder under live loads and switch states,
 * and loss-minimising reconfiguration on request (in a worker thread, cancellable). Live values
 * arrive in pieces (loads from some IEDs, switch states from others), so the node keeps the latest
 * of each and every message solves with everything it has.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import { powerFlow } from '../../lib/powerflow/solve';
import { buildLoads } from '../../lib/powerflow/loads';
import type { ReconfigureOptions } from '../../lib/powerflow/reconfigure';
import { reconfigureInWorker, type ReconfigureJob } from '../../lib/powerflow/worker';
import type { LiveLoad, LoadBasis, PowerFlowOptions } from '../../lib/powerflow/types';
import { getFeederNode, requireFeeder, watchFeeder } from '../shared/feeder-access';
import { onInput, reply } from '../shared/input';
import { setStatus } from '../shared/status';

interface PowerFlowNodeDef extends NodeDef {
  feeder: string;
  load?: string;
  vMinPu?: string | number;
  vMaxPu?: string | number;
  maxLoadingPct?: string | number;
  restarts?: string | number;
  locked?: string;
}

const PAYLOAD_KEYS = ['loads', 'switchStates', 'load', 'reconfigure', 'replace'];

function numberSetting(value: string | number | undefined, name: string, fallback: number, test: (v: number) => boolean): number {
  if (value === undefined || value === '') return fallback;
  const v = Number(value);
  if (!Number.isFinite(v) || !test(v)) throw new Error(`configuration: ${name} is not valid (got ${JSON.stringify(value)})`);
  return v;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

export = function (RED: NodeAPI) {
  function DmsPowerFlowNode(this: Node, config: PowerFlowNodeDef) {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const feederCfg = getFeederNode(RED, config.feeder);
    let settings: { load: LoadBasis; vMinPu: number; vMaxPu: number; maxLoadingPct: number; restarts: number; locked: string[] } | null = null;
    let configError: Error | null = null;
    try {
      const load = (config.load || 'peak') as LoadBasis;
      if (load !== 'peak' && load !== 'average') throw new Error(`configuration: load basis must be peak or average (got ${JSON.stringify(config.load)})`);
      const vMinPu = numberSetting(config.vMinPu, 'minimum voltage', 0.95, (v) => v > 0);
      const vMaxPu = numberSetting(config.vMaxPu, 'maximum voltage', 1.05, (v) => v > vMinPu);
      settings = {
        load, vMinPu, vMaxPu,
        maxLoadingPct: numberSetting(config.maxLoadingPct, 'maximum loading', 100, (v) => v > 0),
        restarts: numberSetting(config.restarts, 'random restarts', 4, (v) => Number.isInteger(v) && v >= 0),
        locked: (config.locked ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      };
    } catch (err) {
      configError = err as Error;
      setStatus(node, 'error', configError.message);
      node.error(configError.message);
    }
    if (!configError && watchFeeder(node, feederCfg)) setStatus(node, 'idle', 'waiting for loads or a trigger');

    // Latest live values, kept between messages.
    let liveLoads: Record<string, LiveLoad> = {};
    let switchStates: Record<string, boolean> = {};
    let job: ReconfigureJob | null = null;

    const statusText = (lossesKW: number, vMinPu: number, vMinBus: string | null): string =>
      `losses ${lossesKW.toFixed(2)} kW, vMin ${vMinPu.toFixed(4)}${vMinBus ? ` @ ${vMinBus}` : ''}`;

    onInput(node, async (msg, send) => {
      if (configError) throw configError;
      const s = settings!;
      if (msg.topic === 'powerflow/cancel') {
        if (!job) {
          node.warn('powerflow/cancel: no reconfiguration is running');
          return;
        }
        job.cancel();
        return;
      }
      const feeder = requireFeeder(feederCfg);
      const index = feeder.index;
      const p = msg.payload;
      let loads = liveLoads;
      let states = switchStates;
      let load = s.load;
      let wantReconfigure = msg.topic === 'powerflow/reconfigure';
      if (isObject(p)) {
        const unknown = Object.keys(p).filter((k) => !PAYLOAD_KEYS.includes(k));
        if (unknown.length) throw new Error(`payload.${unknown[0]} is not recognised (expected ${PAYLOAD_KEYS.join(', ')})`);
        const replace = p.replace === true;
        if (p.loads !== undefined) {
          if (!isObject(p.loads)) throw new Error('payload.loads must be an object {loadPointId: {pKW, qKvar}}');
          loads = { ...(replace ? {} : liveLoads), ...(p.loads as Record<string, LiveLoad>) };
        } else if (replace) loads = {};
        if (p.switchStates !== undefined) {
          if (!isObject(p.switchStates)) throw new Error('payload.switchStates must be an object {deviceId: true (closed) | false (open)}');
          states = { ...(replace ? {} : switchStates), ...(p.switchStates as Record<string, boolean>) };
        } else if (replace) states = {};
        if (p.load !== undefined) {
          if (p.load !== 'peak' && p.load !== 'average') throw new Error(`payload.load must be "peak" or "average" (got ${JSON.stringify(p.load)})`);
          load = p.load;
        }
        if (p.reconfigure !== undefined && typeof p.reconfigure !== 'boolean') throw new Error('payload.reconfigure must be true or false');
        if (p.reconfigure === true) wantReconfigure = true;
      }
      // Check the new values against the model before keeping any of them (nothing half-done).
      buildLoads(index, { loads, load });
      index.deviceStates(states);
      liveLoads = loads;
      switchStates = states;

      const opts: PowerFlowOptions = { load, loads: liveLoads, states: switchStates, vMinPu: s.vMinPu, vMaxPu: s.vMaxPu, maxLoadingPct: s.maxLoadingPct };
      if (!wantReconfigure) {
        const r = powerFlow(index, opts);
        const nViol = r.violations.voltage.length + r.violations.thermal.length + r.violations.capacity.length;
        const text = statusText(r.lossesKW, r.vMinPu, r.vMinBus) + (nViol ? `, ${nViol} violations` : '') + (r.unsupplied.length ? `, ${r.unsupplied.length} unsupplied` : '');
        setStatus(node, nViol || r.unsupplied.length ? 'warn' : 'ok', text);
        send(reply(msg, 'powerflow/result', r));
        return;
      }
      if (job) throw new Error('a reconfiguration is already running (send topic powerflow/cancel to stop it)');
      const ropts: ReconfigureOptions = { ...opts, restarts: s.restarts, locked: s.locked.length ? s.locked : undefined };
      setStatus(node, 'busy', 'reconfiguring...');
      const current = reconfigureInWorker(feeder.model, ropts, (pr) => {
        setStatus(node, 'busy', `reconfiguring: start ${pr.done}/${pr.of}, best ${pr.bestKW.toFixed(2)} kW`);
      });
      job = current;
      try {
        const r = await current.result;
        setStatus(node, r.limitsMet ? 'ok' : 'warn',
          `reconfig: ${r.lossesKW.toFixed(2)} kW (-${r.savingKW.toFixed(2)}), vMin ${r.vMinPu.toFixed(4)}, ${r.steps.length} steps`);
        send(reply(msg, 'powerflow/reconfiguration', r));
      } finally {
        if (job === current) job = null;
      }
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      if (job) job.cancel();
      job = null;
      done();
    });
  }
  RED.nodes.registerType('dms-powerflow', DmsPowerFlowNode);
};
