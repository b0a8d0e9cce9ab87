/**
 * Fault location from fault-passage indications and the protection operation: the faulted zone
 * lies below the last device that saw fault current and above the first indicating devices that
 * did not. A missing or stale indication cannot bound the zone, so the zone widens through it.
 */
import type { Topology } from '../model/topology';
import { collectBelow, deviceBelow, deviceDepth, members, type Region } from './regions';
import type { FaultIndications, LocatedFault } from './types';

export interface Location {
  fault: LocatedFault;
  region: Region;
  /** The device below which the zone starts. */
  top: number;
  /** The protective device that operated (-1 when unknown). */
  tripped: number;
}

/** Which devices report fault passage: those with an IED in the model, else every automated device. */
export function indicatingMask(topo: Topology, ids?: string[]): Uint8Array {
  const ix = topo.index;
  const m = topo.model;
  const mask = new Uint8Array(ix.nDevices);
  const list = ids ?? (m.ieds && m.ieds.some((i) => i.device) ? m.ieds.filter((i) => i.device).map((i) => i.device!) : m.devices.filter((d) => d.automated).map((d) => d.id));
  for (const id of list) {
    const d = ix.deviceIndex.get(id);
    if (d === undefined) throw new Error(`indicating device "${id}" does not exist`);
    mask[d] = 1;
  }
  return mask;
}

/**
 * Locates the fault in the pre-fault topology (`topo`: the state before the protection operated).
 * Throws when nothing points at a fault (no trip and no indication).
 */
export function locateFault(topo: Topology, ind: FaultIndications, indicating: Uint8Array): Location {
  const ix = topo.index;
  const m = topo.model;
  const notes: string[] = [];
  const dev = (id: string, what: string): number => {
    const d = ix.deviceIndex.get(id);
    if (d === undefined) throw new Error(`${what}: device "${id}" does not exist`);
    return d;
  };
  const tripped = ind.tripped !== undefined ? dev(ind.tripped, 'tripped') : -1;
  const passage = new Int8Array(ix.nDevices).fill(-1); // -1 unknown, 0 no, 1 yes, 2 stale
  for (const [id, v] of Object.entries(ind.passage ?? {})) {
    const d = dev(id, 'fault passage');
    passage[d] = v === 'stale' ? 2 : v ? 1 : 0;
  }
  if (tripped >= 0 && m.devices[tripped].type === 'fuse') {
    const region = collectBelow(topo, tripped, (d) => indicating[d] === 1 && passage[d] === 0);
    return {
      top: tripped,
      tripped,
      region,
      fault: {
        sections: members(region.sections).map((s) => m.sections[s].id),
        upstreamIndication: m.devices[tripped].id,
        downstreamIndications: region.boundaries.map((d) => m.devices[d].id),
        widenedThrough: [],
        clearedByFuse: m.devices[tripped].id,
        notes: [`fuse "${m.devices[tripped].id}" cleared the fault: no switching needed; replace the fuse after the lateral is repaired`],
      },
    };
  }

  // The deepest device that saw fault current, checked against the others and the trip.
  const saw = [];
  for (let d = 0; d < ix.nDevices; d++) if (passage[d] === 1 && topo.secDown[ix.devSection[d]] >= 0) saw.push(d);
  saw.sort((a, b) => deviceDepth(topo, b) - deviceDepth(topo, a));
  let top = -1;
  for (const d of saw) {
    if (tripped >= 0 && !deviceBelow(topo, d, tripped)) {
      notes.push(`indication at "${m.devices[d].id}" is not below the tripped device "${m.devices[tripped].id}": ignored`);
      continue;
    }
    if (top < 0) top = d;
    else if (!deviceBelow(topo, top, d)) notes.push(`indication at "${m.devices[d].id}" is not on the path to "${m.devices[top].id}": ignored`);
  }
  if (top < 0) {
    if (tripped < 0) throw new Error('cannot locate the fault: no tripped device and no fault-passage indication');
    top = tripped;
    if (saw.length === 0) notes.push(`no device reported fault current: the zone starts at the tripped device "${m.devices[tripped].id}"`);
  }
  const widened: number[] = [];
  const region = collectBelow(topo, top, (d) => {
    if (!indicating[d]) return false;
    if (passage[d] === 0) return true;
    if (passage[d] !== 1) widened.push(d);
    return false;
  });
  for (const d of widened) notes.push(`indication from "${m.devices[d].id}" is ${passage[d] === 2 ? 'stale' : 'missing'}: the zone is widened through it`);
  return {
    top,
    tripped,
    region,
    fault: {
      sections: members(region.sections).map((s) => m.sections[s].id),
      upstreamIndication: m.devices[top].id,
      downstreamIndications: region.boundaries.map((d) => m.devices[d].id),
      widenedThrough: widened.map((d) => m.devices[d].id),
      clearedByFuse: null,
      notes,
    },
  };
}

/**
 * The indications a permanent fault on section `s` produces in `topo` (for studies and tests):
 * the protective device that clears it trips, indicating devices between it and the fault see
 * fault current, every other energised indicating device does not.
 */
export function simulateIndications(topo: Topology, s: number, indicating: Uint8Array): FaultIndications {
  const ix = topo.index;
  const m = topo.model;
  if (topo.secDown[s] < 0) throw new Error(`section "${m.sections[s].id}" is not energised: a fault there produces no indications`);
  const tripped = topo.protectiveForSection(s);
  const passage: Record<string, boolean> = {};
  const up = topo.secUp[s];
  for (let d = 0; d < ix.nDevices; d++) {
    if (!indicating[d] || topo.secDown[ix.devSection[d]] < 0) continue;
    const ds = ix.devSection[d];
    // Fault current flows through devices on the path from the source to the fault's upstream end.
    const onPath = ds === s ? topo.deviceAtUpstreamEnd(d) : topo.isBelow(up, topo.secDown[ds]);
    passage[m.devices[d].id] = onPath;
  }
  return { tripped: tripped >= 0 ? m.devices[tripped].id : undefined, passage };
}
