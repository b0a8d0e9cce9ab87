/**
 * Runs a placement study off the caller's event loop (DESIGN.md §5): in a worker thread (the
 * default), or inline in steps that yield to the event loop between BPSO iterations (for hosts
 * without worker threads, and for tests of the same protocol). Settings and costs are checked
 * before the job starts, so bad input fails at once and nothing is started; progress arrives as
 * PlacementProgress objects (throttled), and cancel() stops the search at its next step with the
 * best placement found so far (stopReason "cancelled").
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FeederModel } from '../model/types';
import { PlacementStudy, type PlacementMethod, type PlacementProgress, type PlacementResult, type PlacementRun } from './placement';
import type { PlacementOverrides } from './placement-settings';

export interface PlacementJobInput {
  model: FeederModel;
  overrides?: PlacementOverrides;
  method?: PlacementMethod;
}

export type JobMode = 'worker' | 'inline';

export interface PlacementJobOptions {
  mode?: JobMode;
  onProgress?: (p: PlacementProgress) => void;
  /** Least time between two progress reports (ms, default 0: every step); the last step is always reported. */
  progressIntervalMs?: number;
}

export interface PlacementJob {
  readonly mode: JobMode;
  /** Resolves with the result (stopReason "cancelled" after cancel()), rejects on an error. */
  readonly result: Promise<PlacementResult>;
  /** Asks the search to stop at its next step and return the best so far. */
  cancel(): void;
  /** Ends the job at once without a result (the promise rejects); for shutdown. */
  terminate(): Promise<void>;
}

/** Messages from the worker thread. */
export type WorkerReply =
  | { type: 'progress'; progress: PlacementProgress }
  | { type: 'result'; result: PlacementResult }
  | { type: 'error'; message: string };

/** Steps a run to the end, reporting progress at most every `intervalMs` (and always the last step). */
export function driveStep(run: PlacementRun, report: (p: PlacementProgress) => void, intervalMs: number, state: { last: number; steps: number }): void {
  const p = run.step();
  state.steps++;
  const now = Date.now();
  if (run.done || intervalMs <= 0 || now - state.last >= intervalMs) {
    state.last = now;
    report(p);
  }
}

function workerEntry(): { file: string; execArgv?: string[] } {
  const js = path.join(__dirname, 'placement-worker.js');
  if (existsSync(js)) return { file: js };
  // Running from the TypeScript sources (unit tests under tsx): load the worker through tsx too.
  const ts = path.join(__dirname, 'placement-worker.ts');
  if (existsSync(ts)) return { file: ts, execArgv: ['--require', 'tsx/cjs'] };
  throw new Error(`placement worker not found in ${__dirname}`);
}

/** Checks the input and starts the job; throws at once on bad settings or costs. */
export function startPlacementJob(input: PlacementJobInput, options: PlacementJobOptions = {}): PlacementJob {
  const method = input.method ?? 'bpso';
  if (method !== 'bpso' && method !== 'exhaustive') throw new Error(`placement method must be "bpso" or "exhaustive" (got ${JSON.stringify(method)})`);
  // Preparing the study validates settings, candidates and costs (O(N)); the worker prepares its own.
  const study = new PlacementStudy(input.model, input.overrides ?? {});
  if (method === 'exhaustive') study.start('exhaustive');
  const mode = options.mode ?? 'worker';
  const interval = Math.max(0, options.progressIntervalMs ?? 0);
  return mode === 'inline' ? startInline(study, method, options.onProgress, interval) : startWorker(input, method, options.onProgress, interval);
}

function startInline(study: PlacementStudy, method: PlacementMethod, onProgress: PlacementJobOptions['onProgress'], interval: number): PlacementJob {
  let cancelled = false;
  let terminated = false;
  const run = study.start(method);
  const result = new Promise<PlacementResult>((resolve, reject) => {
    const state = { last: 0, steps: 0 };
    const tick = (): void => {
      try {
        if (terminated) return reject(new Error('placement job terminated'));
        // The first step (the initial swarm) always runs, so a cancelled result has a best to show.
        if (cancelled && state.steps > 0) run.cancel();
        else driveStep(run, (p) => onProgress?.(p), interval, state);
        if (run.done) return resolve(run.result());
        setImmediate(tick);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    };
    setImmediate(tick);
  });
  return {
    mode: 'inline',
    result,
    cancel: () => { cancelled = true; },
    terminate: async () => { terminated = true; },
  };
}

function startWorker(input: PlacementJobInput, method: PlacementMethod, onProgress: PlacementJobOptions['onProgress'], interval: number): PlacementJob {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const entry = workerEntry();
  const worker = new Worker(entry.file, {
    execArgv: entry.execArgv,
    workerData: { input: { model: input.model, overrides: input.overrides ?? {}, method }, flag, progressIntervalMs: interval },
  });
  let settled = false;
  const result = new Promise<PlacementResult>((resolve, reject) => {
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: WorkerReply) => {
      if (m.type === 'progress') onProgress?.(m.progress);
      else if (m.type === 'result') settle(() => resolve(m.result));
      else settle(() => reject(new Error(m.message)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`placement worker stopped (exit code ${code}) before it returned a result`))));
  });
  return {
    mode: 'worker',
    result,
    cancel: () => { Atomics.store(flag, 0, 1); },
    terminate: async () => { await worker.terminate(); },
  };
}
