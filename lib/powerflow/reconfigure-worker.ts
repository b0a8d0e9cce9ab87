/** Worker-thread entry for reconfigureInWorker: runs one reconfiguration and posts progress and the result. */
import { parentPort, workerData } from 'node:worker_threads';
import { FeederIndex } from '../model/feeder-index';
import type { FeederModel } from '../model/types';
import { PowerFlowError } from './errors';
import { reconfigure, type ReconfigureOptions } from './reconfigure';

const { model, opts } = workerData as { model: FeederModel; opts: ReconfigureOptions };
try {
  const result = reconfigure(new FeederIndex(model), { ...opts, onProgress: (p) => parentPort!.postMessage({ type: 'progress', progress: p }) });
  parentPort!.postMessage({ type: 'result', result });
} catch (err) {
  const e = err as Error;
  parentPort!.postMessage({ type: 'error', message: e.message, kind: err instanceof PowerFlowError ? err.kind : 'data', details: err instanceof PowerFlowError ? err.details : {} });
}
