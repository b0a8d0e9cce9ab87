/**
 * dms-fdir: fault location, isolation and service restoration for the feeder of a dms-feeder config
 * node. Inputs by msg.topic: `fault/event` (dms-fault-detector), `ied/measurement` (dms-ied-reader),
 * `fdir/confirm`, `fdir/cancel`, `fdir/repaired`, `fdir/mode`. Outputs: 1 Flex-Write commands,
 * 2 `fdir/plan` and `fdir/report`, 3 `fdir/alarm` and `fdir/event`, 4 `reliability/interruption`.
 * The logic lives in lib/fdir/controller.ts; this file wires messages, timers and status.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { FdirController, type FdirMode, type FdirOutput, type FdirPort } from '../../lib/fdir/controller';
import type { LoadedFeeder } from '../../lib/model/load';
import { getFeederNode, requireFeeder, watchFeeder } from '../shared/feeder-access';
import { onInput } from '../shared/input';
import { setStatus } from '../shared/status';

interface FdirNodeDef extends NodeDef {
  feeder?: string;
  /** 'off' (advisory only), 'allowed' (starts advisory, fdir/mode may switch), 'on' (starts automatic). */
  automatic?: string;
  confirmTimeoutS?: string | number;
  selectTimeoutS?: string | number;
  checkSelect?: boolean | string;
  load?: string;
}

const PORTS: Record<FdirPort, number> = { command: 0, plan: 1, event: 2, record: 3 };
const LOG_SIZE = 200;
const TICK_MS = 100;

function seconds(v: string | number | undefined, name: string, fallback: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0.05 || n > 3600) throw new Error(`configuration: ${name} must be 0.05..3600 s (got ${JSON.stringify(v)})`);
  return n;
}

export = function (RED: NodeAPI) {
  function DmsFdirNode(this: Node, config: FdirNodeDef) {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const feederCfg = getFeederNode(RED, config.feeder);
    let configError: Error | null = null;
    let settings: ConstructorParameters<typeof FdirController>[1] = {};
    try {
      const automatic = config.automatic || 'off';
      if (!['off', 'allowed', 'on'].includes(automatic)) throw new Error(`configuration: automatic must be off, allowed or on (got ${JSON.stringify(config.automatic)})`);
      const load = config.load || 'peak';
      if (load !== 'peak' && load !== 'average') throw new Error(`configuration: load basis must be peak or average (got ${JSON.stringify(config.load)})`);
      settings = {
        mode: (automatic === 'on' ? 'automatic' : 'advisory') as FdirMode,
        allowAutomatic: automatic !== 'off',
        confirmTimeoutMs: seconds(config.confirmTimeoutS, 'read-back timeout', 20) * 1000,
        selectTimeoutMs: seconds(config.selectTimeoutS, 'select timeout', 5) * 1000,
        checkSelect: config.checkSelect !== false && config.checkSelect !== 'false',
        loadBasis: load,
      };
    } catch (err) {
      configError = err instanceof Error ? err : new Error(String(err));
    }

    let controller: FdirController | null = null;
    let controllerFor: LoadedFeeder | null = null;

    /** The controller for the current feeder model (rebuilt when the config node reloads it, between incidents). */
    function current(): FdirController {
      if (configError) throw configError;
      const loaded = requireFeeder(feederCfg);
      if (!controller || (controllerFor !== loaded && controller.phase === 'normal')) {
        const mode = controller?.mode;
        controller = new FdirController(loaded, { ...settings, ...(mode ? { mode } : {}) });
        controllerFor = loaded;
      }
      return controller;
    }

    function showStatus(): void {
      if (!controller) return;
      const s = controller.status();
      setStatus(node, s.kind, s.text);
    }

    function emit(outputs: FdirOutput[], send: (m: Array<NodeMessage | NodeMessage[] | null>) => void): void {
      if (!outputs.length) return;
      const ports: NodeMessage[][] = [[], [], [], []];
      const logged: unknown[] = [];
      for (const o of outputs) {
        const msg = { topic: o.topic, payload: o.payload, ...(o.command ? { command: o.command } : {}) } as NodeMessage;
        ports[PORTS[o.port]].push(msg);
        if (o.port === 'event' || o.port === 'record') logged.push({ topic: o.topic, payload: o.payload });
        else if (o.topic === 'fdir/plan') logged.push({ topic: o.topic, payload: o.payload });
      }
      if (logged.length) {
        // Event log in node context, so a dashboard (or a persistent context store) keeps it.
        const ctx = node.context();
        const log = ((ctx.get('log') as unknown[] | undefined) ?? []).concat(logged);
        ctx.set('log', log.slice(-LOG_SIZE));
      }
      send(ports.map((p) => (p.length ? p : null)));
    }

    try {
      if (configError) throw configError;
      if (watchFeeder(node, feederCfg)) {
        current();
        showStatus();
      }
    } catch (err) {
      const e = err as Error;
      setStatus(node, 'error', e.message);
      node.error(e.message);
    }

    // Read-back and select timeouts run on a timer, not only when messages arrive.
    const timer = setInterval(() => {
      if (!controller) return;
      try {
        const out = controller.tick(Date.now());
        if (out.length) {
          emit(out, (m) => node.send(m));
          showStatus();
        }
      } catch (err) {
        setStatus(node, 'error', (err as Error).message);
        node.error((err as Error).message);
      }
    }, TICK_MS);

    onInput(node, (msg, send) => {
      const c = current();
      const now = Date.now();
      let out: FdirOutput[];
      switch (msg.topic) {
        case 'ied/measurement':
          out = c.measurement(msg.payload, now);
          break;
        case 'fault/event':
          out = c.faultEvent(msg.payload, now);
          break;
        case 'fdir/confirm':
          out = c.confirm(msg.payload, now);
          break;
        case 'fdir/cancel':
          out = c.cancel(msg.payload, now);
          break;
        case 'fdir/repaired':
          out = c.repaired(msg.payload, now);
          break;
        case 'fdir/located':
          out = c.patrolLocated(msg.payload, now);
          break;
        case 'fdir/mode':
          out = c.setMode(msg.payload, now);
          break;
        default:
          throw new Error(`unknown topic ${JSON.stringify(msg.topic)}: expects fault/event, ied/measurement, fdir/confirm, fdir/cancel, fdir/repaired, fdir/located or fdir/mode`);
      }
      emit(out, send);
      showStatus();
    });

    node.on('close', () => {
      clearInterval(timer);
      controller = null;
    });
  }
  RED.nodes.registerType('dms-fdir', DmsFdirNode);
};
