/**
 * Runs a Monte Carlo simulation in a worker thread, so long runs never block the caller's event
 * loop (DESIGN.md §5): progress arrives through a callback and `cancel()` stops the worker.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FeederModel } from '../model/types';
import { MonteCarloCancelled, checkMonteCarloOptions, type MonteCarloOptions, type MonteCarloProgress, type MonteCarloResult } from './montecarlo';

export interface MonteCarloJob {
  result: Promise<MonteCarloResult>;
  /** Stops the simulation; `result` rejects with MonteCarloCancelled. */
  cancel(): void;
}

type WorkerMessage =
  | { type: 'progress'; progress: MonteCarloProgress }
  | { type: 'result'; result: MonteCarloResult }
  | { type: 'error'; message: string };

export function runMonteCarlo(model: FeederModel, opts: MonteCarloOptions, onProgress?: (p: MonteCarloProgress) => void): MonteCarloJob {
  checkMonteCarloOptions(opts);
  // Under tsx (tests) this file is TypeScript and so is the worker: let the worker load tsx too.
  const ts = __filename.endsWith('.ts');
  const worker = new Worker(path.join(__dirname, `montecarlo-worker.${ts ? 'ts' : 'js'}`), {
    workerData: { model, opts },
    execArgv: ts ? ['--require', 'tsx/cjs'] : [],
  });
  let settled = false;
  let rejectResult: ((err: Error) => void) | null = null;
  const result = new Promise<MonteCarloResult>((resolve, reject) => {
    rejectResult = reject;
    worker.on('message', (m: WorkerMessage) => {
      if (settled) return;
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'result') {
        settled = true;
        resolve(m.result);
        void worker.terminate();
      } else {
        settled = true;
        reject(new Error(m.message));
      }
    });
    worker.on('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new Error(`Monte Carlo worker stopped (exit code ${code}) before it finished`));
    });
  });
  return {
    result,
    cancel() {
      if (settled) return;
      settled = true;
      rejectResult?.(new MonteCarloCancelled());
      void worker.terminate();
    },
  };
}
