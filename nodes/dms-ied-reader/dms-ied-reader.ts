/**
 * dms-ied-reader: Modbus read results (node-red-contrib-modbus Read / Getter / Flex-Getter output,
 * arrays, Buffers) -> `ied/measurement` messages with engineering values and quality. Serves the
 * IEDs of a dms-feeder model (matched by unit id and topic), or one IED configured here.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { bindingsFromFeeder } from '../../lib/ied/bindings';
import { IedReader, type IedBinding } from '../../lib/ied/reader';
import { resolveRegisterMap, type CompiledMap } from '../../lib/ied/register-map';
import type { IedMeasurement } from '../../lib/ied/types';
import type { LoadedFeeder } from '../../lib/model/load';
import { assignUnitIds } from '../../lib/sim/units';
import { getFeederNode, requireFeeder, watchFeeder } from '../shared/feeder-access';
import { onInput } from '../shared/input';
import { setStatus } from '../shared/status';

interface IedReaderNodeDef extends NodeDef {
  feeder?: string;
  map?: string;
  mapJson?: string;
  iedId?: string;
  device?: string;
  unitId?: string | number;
  staleAfterS?: string | number;
  heartbeatS?: string | number;
  rbe?: boolean | string;
}

function seconds(v: string | number | undefined, name: string, fallback: number, allowZero: boolean): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0) || n > 86400) {
    throw new Error(`configuration: ${name} must be ${allowZero ? '0 (off) or ' : ''}a number of seconds above 0 up to 86400 (got ${JSON.stringify(v)})`);
  }
  return n;
}

function measurementMsg(m: IedMeasurement): NodeMessage {
  return { topic: 'ied/measurement', payload: m } as NodeMessage;
}

export = function (RED: NodeAPI) {
  function DmsIedReaderNode(this: Node, config: IedReaderNodeDef) {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const feederCfg = getFeederNode(RED, config.feeder);
    let map: CompiledMap | null = null;
    let staleAfterMs = 10000;
    let heartbeatMs = 0;
    let configError: Error | null = null;
    try {
      staleAfterMs = seconds(config.staleAfterS, 'stale after', 10, false) * 1000;
      heartbeatMs = seconds(config.heartbeatS, 'heartbeat', 0, true) * 1000;
      const mapName = config.map || 'dms-standard-ied';
      map = mapName === 'custom' ? resolveRegisterMap(config.mapJson ?? '', 'custom register map') : resolveRegisterMap(mapName);
      if (!feederCfg && config.unitId !== undefined && config.unitId !== '') {
        const u = Number(config.unitId);
        if (!Number.isInteger(u) || u < 0 || u > 255) throw new Error(`configuration: unit id must be 0..255 or empty (got ${JSON.stringify(config.unitId)})`);
      }
    } catch (err) {
      configError = err instanceof Error ? err : new Error(String(err));
    }
    const rbe = config.rbe !== false && config.rbe !== 'false';

    let reader: IedReader | null = null;
    let readerFor: LoadedFeeder | null = null;
    let shownVersion = -1;
    let errorShown = false;

    /** The reader for the current feeder model (rebuilt when the config node reloads it). */
    function currentReader(): IedReader {
      if (configError) throw configError;
      if (feederCfg) {
        const loaded = requireFeeder(feederCfg);
        if (!reader || readerFor !== loaded) {
          // A model without an ieds list (the built-in networks) gets the simulator's numbering.
          const model = loaded.model.ieds?.length ? loaded.model : { ...loaded.model, ieds: assignUnitIds(loaded.model) };
          reader = new IedReader(bindingsFromFeeder(model, map), { staleAfterMs, rbe });
          readerFor = loaded;
          shownVersion = -1;
        }
        return reader;
      }
      if (!reader) {
        const unitId = config.unitId === undefined || config.unitId === '' ? null : Number(config.unitId);
        const binding: IedBinding = { id: config.iedId || config.name || 'ied', device: config.device || null, section: null, unitId, topic: null, map: map! };
        reader = new IedReader([binding], { staleAfterMs, rbe });
      }
      return reader;
    }

    function showStatus(force = false): void {
      if (!reader) return;
      if (!force && !errorShown && reader.levelVersion === shownVersion) return;
      shownVersion = reader.levelVersion;
      errorShown = false;
      const s = reader.summary();
      const parts: string[] = [];
      if (s.good) parts.push(`${s.good} good`);
      if (s.outOfRange) parts.push(`${s.outOfRange} out of range`);
      if (s.stale) parts.push(`${s.stale} stale`);
      if (s.commsFailed) parts.push(`${s.commsFailed} comms failed`);
      if (s.silent) parts.push(`${s.silent} waiting`);
      const text = `${s.total} IED${s.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
      const kind = s.good === s.total ? 'ok' : s.silent === s.total ? 'idle' : 'warn';
      setStatus(node, kind, text);
    }

    try {
      if (configError) throw configError;
      if (!feederCfg || watchFeeder(node, feederCfg)) {
        currentReader();
        showStatus(true);
      }
    } catch (err) {
      const e = err as Error;
      setStatus(node, 'error', e.message);
      node.error(e.message);
    }

    // Staleness is checked on a timer, not only when messages arrive; the heartbeat rides the same timer.
    const tickMs = Math.max(50, Math.min(1000, staleAfterMs / 4, heartbeatMs > 0 ? heartbeatMs / 2 : Infinity));
    let nextHeartbeat = heartbeatMs > 0 ? Date.now() + heartbeatMs : Infinity;
    const timer = setInterval(() => {
      if (!reader) return;
      const now = Date.now();
      for (const m of reader.checkStale(now)) node.send(measurementMsg(m));
      if (now >= nextHeartbeat) {
        nextHeartbeat = now + heartbeatMs;
        for (const m of reader.heartbeat(now)) node.send(measurementMsg(m));
      }
      showStatus();
    }, tickMs);

    onInput(node, (msg, send) => {
      let r: IedReader;
      let out: IedMeasurement | null;
      try {
        r = currentReader();
        if (msg.topic === 'ied/report') {
          const all = r.heartbeat(Date.now());
          if (all.length) send([all.map(measurementMsg)]);
          return;
        }
        out = r.ingest(msg, Date.now());
      } catch (err) {
        errorShown = true;
        throw err;
      }
      if (out) send(measurementMsg(out));
      showStatus();
    });

    node.on('close', () => {
      clearInterval(timer);
      reader = null;
    });
  }
  RED.nodes.registerType('dms-ied-reader', DmsIedReaderNode);
};
