/**
 * Worker-thread entry of a placement job (see placement-job.ts): prepares the study, steps it,
 * posts throttled progress, watches the shared cancel flag between steps, and posts the result or
 * the error message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PlacementStudy } from './placement';
import { driveStep, type PlacementJobInput, type WorkerReply } from './placement-job';

interface WorkerInput {
  input: Required<PlacementJobInput>;
  flag: Int32Array;
  progressIntervalMs: number;
}

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('placement-worker must run in a worker thread');
  const { input, flag, progressIntervalMs } = workerData as WorkerInput;
  const post = (m: WorkerReply): void => port.postMessage(m);
  try {
    const run = new PlacementStudy(input.model, input.overrides).start(input.method);
    const state = { last: 0, steps: 0 };
    // The first step (the initial swarm) always runs, so a cancelled result has a best to show.
    do driveStep(run, (progress) => post({ type: 'progress', progress }), progressIntervalMs, state);
    while (!run.done && !Atomics.load(flag, 0));
    if (!run.done) run.cancel();
    post({ type: 'result', result: run.result() });
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}

main();
