/** Loops in a radial tree: the sections a closing section would put in parallel. */
import type { Topology } from '../model/topology';

/**
 * Sections on the path between buses a and b in the tree (the loop closed by a section between
 * them, that section excluded). Buses fed from different sources: both paths up to their sources.
 */
export function loopSections(topo: Topology, a: number, b: number): number[] {
  const out: number[] = [];
  const sameTree = topo.busSource[a] === topo.busSource[b];
  let x = a;
  let y = b;
  if (!sameTree) {
    for (; topo.parentSec[x] >= 0; x = topo.parentBus[x]) out.push(topo.parentSec[x]);
    for (; topo.parentSec[y] >= 0; y = topo.parentBus[y]) out.push(topo.parentSec[y]);
    return out;
  }
  while (topo.depth[x] > topo.depth[y]) {
    out.push(topo.parentSec[x]);
    x = topo.parentBus[x];
  }
  while (topo.depth[y] > topo.depth[x]) {
    out.push(topo.parentSec[y]);
    y = topo.parentBus[y];
  }
  while (x !== y) {
    out.push(topo.parentSec[x], topo.parentSec[y]);
    x = topo.parentBus[x];
    y = topo.parentBus[y];
  }
  return out;
}
