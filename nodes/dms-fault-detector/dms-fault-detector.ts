/**
 * dms-fault-detector: `ied/measurement` messages in; `fault/event` (output 1, for FDIR) and
 * `reliability/interruption` records (output 2, for the historical reliability calculator) out.
 * Protection settings come from the node (JSON), with per-IED or per-device overrides.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { LoadedFeeder } from '../../lib/model/load';
import { FaultDetector, type DetectorOutput, type FaultEvent } from '../../lib/protection/detector';
import { assignUnitIds } from '../../lib/sim/units';
import { validateProtection, type ProtectionSettings } from '../../lib/protection/settings';
import { getFeederNode, requireFeeder, watchFeeder } from '../shared/feeder-access';
import { onInput } from '../shared/input';
import { setStatus } from '../shared/status';

interface FaultDetectorNodeDef extends NodeDef {
  feeder?: string;
  protection?: string;
  overrides?: string;
  reclaimS?: string | number;
  maxDeadTimeS?: string | number;
  settleS?: string | number;
  recloseShots?: string | number;
  nominalKV?: string | number;
}

/** Default elements (primary amperes): 51P IEC SI 400 A TMS 0.1, 50P 4000 A, 51N IEC SI 40 A TMS 0.2. */
const DEFAULT_PROTECTION: ProtectionSettings = {
  elements: [
    { kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEC-SI', tms: 0.1 },
    { kind: 'instantaneous', measures: 'phase', pickupA: 4000 },
    { kind: 'inverse', measures: 'earth', pickupA: 40, curve: 'IEC-SI', tms: 0.2 },
  ],
};

const LOG_SIZE = 100;

function parseJson(text: string | undefined, what: string): unknown {
  if (text === undefined || !text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`configuration: ${what} is not valid JSON: ${(err as Error).message}`);
  }
}

function numberSetting(v: string | number | undefined, name: string, fallback: number | null, test: (n: number) => boolean, rule: string): number | null {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || !test(n)) throw new Error(`configuration: ${name} must be ${rule} (got ${JSON.stringify(v)})`);
  return n;
}

export = function (RED: NodeAPI) {
  function DmsFaultDetectorNode(this: Node, config: FaultDetectorNodeDef) {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const feederCfg = getFeederNode(RED, config.feeder);
    let configError: Error | null = null;
    let options: Omit<ConstructorParameters<typeof FaultDetector>[0], 'feeder'> | null = null;
    try {
      const protection = config.protection && config.protection.trim()
        ? validateProtection(parseJson(config.protection, 'protection settings'), 'protection settings')
        : DEFAULT_PROTECTION;
      const rawOverrides = parseJson(config.overrides, 'per-IED settings');
      const overrides: Record<string, ProtectionSettings> = {};
      if (rawOverrides !== undefined) {
        if (!rawOverrides || typeof rawOverrides !== 'object' || Array.isArray(rawOverrides)) throw new Error('configuration: per-IED settings must be an object {"IED or device id": {"elements": [...]}}');
        for (const [id, s] of Object.entries(rawOverrides)) overrides[id] = validateProtection(s, `protection settings of "${id}"`);
      }
      options = {
        protection,
        overrides,
        reclaimS: numberSetting(config.reclaimS, 'reclaim time', 30, (n) => n > 0 && n <= 3600, 'above 0 and at most 3600 s')!,
        maxDeadTimeS: numberSetting(config.maxDeadTimeS, 'longest dead time', 60, (n) => n > 0 && n <= 3600, 'above 0 and at most 3600 s')!,
        settleS: numberSetting(config.settleS, 'settle time', 2, (n) => n >= 0 && n <= 600, '0..600 s')!,
        recloseShots: numberSetting(config.recloseShots, 'reclose shots', null, (n) => Number.isInteger(n) && n >= 0 && n <= 10, 'a whole number 0..10 or empty'),
        nominalKV: numberSetting(config.nominalKV, 'nominal voltage', null, (n) => n > 0, 'above 0 kV or empty'),
      };
    } catch (err) {
      configError = err instanceof Error ? err : new Error(String(err));
    }

    let detector: FaultDetector | null = null;
    let detectorFor: LoadedFeeder | null | undefined;
    // The detector runs on the measurements' clock; between messages it moves on with the wall clock.
    let lastTs = 0;
    let lastWall = 0;
    const clock = (): number => (lastWall ? lastTs + (Date.now() - lastWall) : Date.now());

    function current(): FaultDetector {
      if (configError) throw configError;
      const loaded = feederCfg ? requireFeeder(feederCfg) : null;
      if (!detector || detectorFor !== loaded) {
        // A model without an ieds list (the built-in networks) gets the simulator's numbering.
        const feeder = loaded && !loaded.model.ieds?.length ? { ...loaded, model: { ...loaded.model, ieds: assignUnitIds(loaded.model) } } : loaded;
        detector = new FaultDetector({ ...options!, feeder });
        detectorFor = loaded;
      }
      return detector;
    }

    let lastEvent = '';
    const lockedOut = new Map<string, string>();
    function showStatus(): void {
      if (!detector) return;
      if (lockedOut.size) setStatus(node, 'warn', `locked out: ${[...lockedOut].map(([d, c]) => `${d} (${c})`).join(', ')}`);
      else if (detector.activeCount) setStatus(node, 'warn', 'disturbance in progress');
      else setStatus(node, 'ok', lastEvent ? `normal (last: ${lastEvent})` : 'normal');
    }

    function emit(outputs: DetectorOutput[], send: (m: Array<NodeMessage | NodeMessage[] | null>) => void): void {
      if (!outputs.length) return;
      const events: NodeMessage[] = [];
      const records: NodeMessage[] = [];
      for (const o of outputs) {
        if (o.topic === 'fault/event') {
          events.push({ topic: o.topic, payload: o.payload } as NodeMessage);
          const e = o.payload as FaultEvent;
          lastEvent = `${e.stage} ${e.device ?? e.faultPassage[0]?.ied ?? ''}${e.cause ? ' ' + e.cause : ''}`.trim();
          if (e.stage === 'lockout' && e.device) lockedOut.set(e.device, e.cause ?? '');
          if (e.stage === 'restored' && e.device) lockedOut.delete(e.device);
        } else records.push({ topic: o.topic, payload: o.payload } as NodeMessage);
      }
      // Event log in node context, so a dashboard (or a persistent context store) keeps it.
      const ctx = node.context();
      const log = ((ctx.get('log') as unknown[] | undefined) ?? []).concat(outputs.map((o) => ({ topic: o.topic, payload: o.payload })));
      ctx.set('log', log.slice(-LOG_SIZE));
      send([events.length ? events : null, records.length ? records : null]);
    }

    try {
      if (configError) throw configError;
      if (!feederCfg || watchFeeder(node, feederCfg)) {
        current();
        setStatus(node, 'idle', 'waiting for ied/measurement');
      }
    } catch (err) {
      const e = err as Error;
      setStatus(node, 'error', e.message);
      node.error(e.message);
    }

    const timer = setInterval(() => {
      if (!detector) return;
      const out = detector.advance(clock());
      if (out.length) {
        emit(out, (m) => node.send(m));
        showStatus();
      }
    }, 250);

    onInput(node, (msg, send) => {
      const d = current();
      if (msg.topic !== undefined && msg.topic !== '' && msg.topic !== 'ied/measurement') {
        throw new Error(`expects ied/measurement messages from dms-ied-reader (got topic ${JSON.stringify(msg.topic)})`);
      }
      const out = d.ingest(msg.payload);
      lastTs = (msg.payload as { ts: number }).ts;
      lastWall = Date.now();
      emit(out, send);
      showStatus();
    });

    node.on('close', () => {
      clearInterval(timer);
      detector = null;
    });
  }
  RED.nodes.registerType('dms-fault-detector', DmsFaultDetectorNode);
};
