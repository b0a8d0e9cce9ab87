/**
 * Runs a reconfiguration in a worker thread, so a long search never blocks the caller's event
 * loop (DESIGN.md §5): progress arrives through a callback, and `cancel()` stops the search.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FeederModel } from '../model/types';
import { PowerFlowError, type PowerFlowErrorKind } from './errors';
import type { ReconfigurationResult, ReconfigureOptions, ReconfigureProgress } from './reconfigure';

export interface ReconfigureJob {
  result: Promise<ReconfigurationResult>;
  /** Stops the search; `result` rejects with a PowerFlowError saying it was cancelled. */
  cancel(): void;
}

type WorkerMessage =
  | { type: 'progress'; progress: ReconfigureProgress }
  | { type: 'result'; result: ReconfigurationResult }
  | { type: 'error'; message: string; kind: PowerFlowErrorKind; details: PowerFlowError['details'] };

export function reconfigureInWorker(model: FeederModel, opts: Omit<ReconfigureOptions, 'onProgress'> = {}, onProgress?: (p: ReconfigureProgress) => void): ReconfigureJob {
  // Under tsx (tests) this file is TypeScript and so is the worker: let the worker load tsx too.
  const ts = __filename.endsWith('.ts');
  const worker = new Worker(path.join(__dirname, `reconfigure-worker.${ts ? 'ts' : 'js'}`), {
    workerData: { model, opts },
    execArgv: ts ? ['--require', 'tsx/cjs'] : [],
  });
  let settled = false;
  let cancelReject: ((err: Error) => void) | null = null;
  const result = new Promise<ReconfigurationResult>((resolve, reject) => {
    cancelReject = reject;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'result') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        reject(new PowerFlowError(m.message, m.kind, m.details));
      }
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) {
        settled = true;
        reject(new PowerFlowError(`reconfiguration worker stopped (exit code ${code}) before it finished`, 'data'));
      }
    });
  });
  return {
    result,
    cancel() {
      if (settled) return;
      settled = true;
      cancelReject?.(new PowerFlowError('reconfiguration cancelled', 'data'));
      void worker.terminate();
    },
  };
}
