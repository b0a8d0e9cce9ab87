/**
 * Return to normal after the repair: put every device back in its normal state without
 * interrupting anyone where possible. Closes that keep the network radial go first (they
 * re-energise the repaired zone); a close that would loop two feeders is done close-before-open
 * when the two may run in parallel (one source, or sources that allow it), otherwise as a brief
 * planned transfer: the tie opens first and the area behind it is off until the close.
 */
import type { LoadedFeeder } from '../model/load';
import { MeshError, Topology } from '../model/topology';
import { deviceDepth } from './regions';
import type { PlanStep } from './types';

export interface ReturnPlan {
  steps: PlanStep[];
  /** Transfers done with a brief interruption, and who is affected. */
  plannedInterruptions: Array<{ tie: string; loadPoints: string[]; customers: number }>;
  notes: string[];
}

export function planReturnToNormal(feeder: LoadedFeeder, current: Record<string, boolean>, opts: { allowSameSourceLoop?: boolean } = {}): ReturnPlan {
  const ix = feeder.index;
  const model = feeder.model;
  const state = ix.deviceStates(current);
  const allowSame = opts.allowSameSourceLoop ?? true;
  const toClose: number[] = [];
  const toOpen: number[] = [];
  for (let d = 0; d < ix.nDevices; d++) {
    if (ix.devNormallyClosed[d] && !state[d]) toClose.push(d);
    if (!ix.devNormallyClosed[d] && state[d]) toOpen.push(d);
  }
  // Nearest the normal source first, so repaired zones are fed from their own feeder, not a tie.
  toClose.sort((a, b) => deviceDepth(feeder.topology, a) - deviceDepth(feeder.topology, b));
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  const planned: ReturnPlan['plannedInterruptions'] = [];
  const mode = (d: number) => (model.devices[d].automated ? 'remote' : 'crew') as PlanStep['mode'];
  const add = (d: number, close: boolean, reason: string) => {
    state[d] = close ? 1 : 0;
    steps.push({ step: steps.length + 1, device: model.devices[d].id, action: close ? 'close' : 'open', mode: mode(d), stage: 'return-to-normal', reason, expectedClosed: close, restores: [] });
  };
  const tryTopology = (s: Uint8Array): Topology | MeshError => {
    try {
      return new Topology(ix, s);
    } catch (err) {
      if (err instanceof MeshError) return err;
      throw err;
    }
  };

  // Radial closes first, repeated while any makes progress.
  let progress = true;
  while (progress) {
    progress = false;
    for (let i = 0; i < toClose.length; i++) {
      const d = toClose[i];
      const trial = state.slice();
      trial[d] = 1;
      if (tryTopology(trial) instanceof Topology) {
        add(d, true, 'reconnect the repaired zone to its normal supply');
        toClose.splice(i--, 1);
        progress = true;
      }
    }
  }
  // Closes that loop through a closed tie: transfer the area back to its normal feeder.
  for (const d of toClose) {
    const trial = state.slice();
    trial[d] = 1;
    const mesh = tryTopology(trial);
    if (!(mesh instanceof MeshError)) {
      add(d, true, 'reconnect to the normal supply');
      continue;
    }
    const tie = toOpen.find((t) => mesh.loop.includes(model.sections[ix.devSection[t]].id));
    if (tie === undefined) {
      notes.push(`"${model.devices[d].id}" stays open: closing it would close a loop (${mesh.loop.join(', ')}) that no tie to open breaks`);
      continue;
    }
    toOpen.splice(toOpen.indexOf(tie), 1);
    const sameSource = mesh.sources.length === 0;
    const parallelOk = sameSource ? allowSame : mesh.sources.every((id) => model.sources.find((s) => s.id === id)?.allowParallel);
    if (parallelOk) {
      add(d, true, `close before open: parallel the feeders briefly${sameSource ? '' : ` (sources ${mesh.sources.join(' and ')} allow it)`}`);
      add(tie, false, 'open the tie: the area is back on its normal feeder');
    } else {
      const before = new Topology(ix, state);
      const cut = state.slice();
      cut[tie] = 0;
      const after = new Topology(ix, cut);
      const lps = model.loadPoints.filter((_, l) => before.energised(ix.lpBus[l]) && !after.energised(ix.lpBus[l]));
      planned.push({ tie: model.devices[tie].id, loadPoints: lps.map((l) => l.id), customers: lps.reduce((a, l) => a + l.customers, 0) });
      add(tie, false, `planned transfer: open the tie first (sources ${mesh.sources.join(' and ')} may not run in parallel); ${lps.length} load points are off until the next step`);
      add(d, true, 'reconnect the area to its normal feeder, ending the planned transfer');
    }
  }
  for (const t of toOpen) add(t, false, 'restore the normally-open point');
  return { steps, plannedInterruptions: planned, notes };
}
