/** Worker-thread entry of the Monte Carlo simulation (started by ./montecarlo-run.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { FeederModel } from '../model/types';
import { simulateMonteCarlo, type MonteCarloOptions } from './montecarlo';

const { model, opts } = workerData as { model: FeederModel; opts: MonteCarloOptions };
try {
  const result = simulateMonteCarlo(model, opts, { onProgress: (progress) => parentPort!.postMessage({ type: 'progress', progress }) });
  parentPort!.postMessage({ type: 'result', result });
} catch (err) {
  parentPort!.postMessage({ type: 'error', message: (err as Error).message ?? String(err) });
}
