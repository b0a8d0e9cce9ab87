/**
 * Interlocks checked before every switching command (DESIGN.md §6), against the state the field
 * reports at that moment: never close onto a faulted or unisolated zone, never parallel two
 * sources unless the model allows it, never exceed a limit the model knows.
 */
import { FeederIndex } from '../model/feeder-index';
import { MeshError, Topology } from '../model/topology';
import { conductorEnergised, type StateChecker } from './check';

export interface InterlockContext {
  index: FeederIndex;
  /** Sections known to be faulted (not yet repaired). */
  faulted: Uint8Array;
  /** Limit checks of the resulting state (ratings, voltages, capacities); optional. */
  checker?: StateChecker;
  /** Allow a transient loop between feeders of one source (close-before-open transfers). */
  allowSameSourceLoop?: boolean;
}

export interface InterlockResult {
  ok: boolean;
  reason?: string;
  /** The resulting state is a transient loop that the model allows (close-before-open). */
  transientLoop?: boolean;
}

export function checkCommand(ctx: InterlockContext, state: Uint8Array, device: number, close: boolean): InterlockResult {
  const ix = ctx.index;
  const model = ix.model;
  if (device < 0 || device >= ix.nDevices) return { ok: false, reason: `unknown device index ${device}` };
  const id = model.devices[device].id;
  if (!close) return { ok: true };
  const next = state.slice();
  next[device] = 1;
  let topo: Topology;
  try {
    topo = new Topology(ix, next);
  } catch (err) {
    if (!(err instanceof MeshError)) throw err;
    if (err.sources.length === 2) {
      const [a, b] = err.sources.map((s) => model.sources.find((x) => x.id === s));
      if (a?.allowParallel && b?.allowParallel) return checkFaultedAfterLoop(ctx, next, id, true);
      return { ok: false, reason: `closing "${id}" would parallel sources "${err.sources[0]}" and "${err.sources[1]}", which the model does not allow` };
    }
    if (ctx.allowSameSourceLoop) return checkFaultedAfterLoop(ctx, next, id, true);
    return { ok: false, reason: `closing "${id}" would close a loop (${err.loop.join(', ')})` };
  }
  for (let s = 0; s < ix.nSections; s++) {
    if (ctx.faulted[s] && conductorEnergised(topo, s)) {
      return { ok: false, reason: `closing "${id}" would energise faulted section "${model.sections[s].id}"` };
    }
  }
  if (ctx.checker) {
    const res = ctx.checker.check(next);
    if (!res.ok) return { ok: false, reason: `closing "${id}": ${res.reason}` };
  }
  return { ok: true };
}

/**
 * A loop state cannot be solved radially; what matters for it is that no faulted section is
 * reached from any live bus. Checked by a walk over conducting sections from every source.
 */
function checkFaultedAfterLoop(ctx: InterlockContext, state: Uint8Array, id: string, transientLoop: boolean): InterlockResult {
  const ix = ctx.index;
  const conducts = new Uint8Array(ix.nSections).fill(1);
  for (let d = 0; d < ix.nDevices; d++) if (!state[d]) conducts[ix.devSection[d]] = 0;
  const live = new Uint8Array(ix.nBuses);
  const stack = Array.from(ix.sourceBus);
  for (const b of stack) live[b] = 1;
  while (stack.length) {
    const u = stack.pop()!;
    for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
      const s = ix.adjSec[k];
      const v = ix.adjBus[k];
      if (!conducts[s]) continue;
      if (ctx.faulted[s]) return { ok: false, reason: `closing "${id}" would energise faulted section "${ix.model.sections[s].id}"` };
      if (!live[v]) {
        live[v] = 1;
        stack.push(v);
      }
    }
  }
  return { ok: true, transientLoop };
}
