/**
 * dms-reliability: reliability indices of the configured feeder. The mode setting picks the module
 * that does the work (predictive: analytical FMEA or Monte Carlo, see ./predictive.ts; historical:
 * IEEE 1366 indices from interruption records, see ./historical.ts); this file only dispatches,
 * reports a broken configuration and closes cleanly.
 */
import type { Node, NodeAPI } from 'node-red';
import { onInput } from '../shared/input';
import { setStatus } from '../shared/status';
import { createHistoricalMode } from './historical';
import type { ReliabilityMode, ReliabilityModeFactory, ReliabilityNodeDef } from './mode';
import { createPredictiveMode } from './predictive';

const MODES: Record<string, ReliabilityModeFactory> = {
  predictive: createPredictiveMode,
  historical: createHistoricalMode,
};

export = function (RED: NodeAPI) {
  function DmsReliabilityNode(this: Node, config: ReliabilityNodeDef) {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const name = config.mode || 'predictive';
    let mode: ReliabilityMode | null = null;
    let configError: Error | null = null;
    const factory = MODES[name];
    try {
      if (!factory) throw new Error(`configuration: mode "${name}" is not known (expected ${Object.keys(MODES).join(' or ')})`);
      mode = factory(RED, node, config);
    } catch (err) {
      configError = err instanceof Error ? err : new Error(String(err));
      setStatus(node, 'error', configError.message);
      node.error(configError.message);
    }

    onInput(node, async (msg, send) => {
      if (configError || !mode) throw configError ?? new Error('configuration: no mode');
      await mode.input(msg, send);
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      let closing: void | Promise<void>;
      try {
        closing = mode?.close();
      } catch (err) {
        closing = Promise.reject(err);
      }
      Promise.resolve(closing).then(() => done(), (err: unknown) => {
        node.error(`closing: ${err instanceof Error ? err.message : String(err)}`);
        done();
      });
    });
  }
  RED.nodes.registerType('dms-reliability', DmsReliabilityNode);
};
