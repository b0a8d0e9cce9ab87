/**
 * Walking a radial tree below a device until boundary devices: the building block of fault
 * location (bounded by devices that saw no fault current), isolation (bounded by automated
 * devices) and crew isolation (bounded by any device).
 */
import type { Topology } from '../model/topology';

export interface Region {
  /** Per section conductor / bus: 1 when in the region. */
  sections: Uint8Array;
  buses: Uint8Array;
  /** Boundary devices where the walk stopped (below the start). */
  boundaries: number[];
  /** Non-boundary devices the walk crossed. */
  crossed: number[];
}

export function emptyRegion(topo: Topology): Region {
  return { sections: new Uint8Array(topo.index.nSections), buses: new Uint8Array(topo.index.nBuses), boundaries: [], crossed: [] };
}

/** Devices of section s at the end touching bus b. */
function devicesAt(topo: Topology, s: number, b: number): number[] {
  const ix = topo.index;
  const atFrom = ix.secFrom[s] === b ? 1 : 0;
  const out: number[] = [];
  for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) if (ix.devAtFrom[ix.devList[k]] === atFrom) out.push(ix.devList[k]);
  return out;
}

/**
 * Everything below device `start` (its downstream side in `topo`) up to devices for which
 * `isBoundary` holds. Devices are crossed in the direction of the tree. Adds into `into`.
 */
export function collectBelow(topo: Topology, start: number, isBoundary: (d: number) => boolean, into: Region = emptyRegion(topo)): Region {
  const ix = topo.index;
  const s0 = ix.devSection[start];
  const up = topo.secUp[s0];
  const down = topo.secDown[s0];
  if (up < 0 || down < 0) return into;
  const stack: number[] = [];
  // Cross a section from its upstream bus: returns false when a boundary stops the walk.
  const enterConductor = (s: number, fromBus: number, skip: number): boolean => {
    for (const d of devicesAt(topo, s, fromBus)) {
      if (d === skip) continue;
      if (isBoundary(d)) {
        into.boundaries.push(d);
        return false;
      }
      into.crossed.push(d);
    }
    into.sections[s] = 1;
    const to = topo.secDown[s];
    for (const d of devicesAt(topo, s, to)) {
      if (d === skip) continue;
      if (isBoundary(d)) {
        into.boundaries.push(d);
        return false;
      }
      into.crossed.push(d);
    }
    stack.push(to);
    return true;
  };
  if (topo.deviceAtUpstreamEnd(start)) {
    enterConductor(s0, up, start);
  } else {
    // The device sits at the downstream end: its section's conductor is upstream of it.
    let blocked = false;
    for (const d of devicesAt(topo, s0, down)) {
      if (d !== start && isBoundary(d)) {
        into.boundaries.push(d);
        blocked = true;
      }
    }
    if (!blocked) stack.push(down);
  }
  while (stack.length) {
    const v = stack.pop()!;
    if (into.buses[v]) continue;
    into.buses[v] = 1;
    for (let k = topo.childStart[v]; k < topo.childStart[v + 1]; k++) enterConductor(topo.childSec[k], v, -1);
  }
  return into;
}

/** The next device upstream of device d (on its own section's upstream end, else above the section). */
export function deviceAbove(topo: Topology, d: number): number {
  const ix = topo.index;
  const s = ix.devSection[d];
  const up = topo.secUp[s];
  if (up < 0) return -1;
  if (!topo.deviceAtUpstreamEnd(d)) {
    for (const o of devicesAt(topo, s, up)) if (o !== d) return o;
  }
  return topo.deviceAboveBus[up];
}

/** Position of a device along its path, for ordering devices from the source outwards. */
export function deviceDepth(topo: Topology, d: number): number {
  const s = topo.index.devSection[d];
  const down = topo.secDown[s];
  if (down < 0) return -1;
  return 2 * topo.depth[down] + (topo.deviceAtUpstreamEnd(d) ? 0 : 1);
}

/** True when device b lies at or below device a (b's position is inside a's downstream side). */
export function deviceBelow(topo: Topology, b: number, a: number): boolean {
  if (a === b) return true;
  const ix = topo.index;
  const sa = ix.devSection[a];
  const sb = ix.devSection[b];
  if (sa === sb) return deviceDepth(topo, b) >= deviceDepth(topo, a);
  const downA = topo.secDown[sa];
  const upB = topo.secUp[sb];
  return downA >= 0 && upB >= 0 && topo.isBelow(upB, downA);
}

/** Index list of the set entries of a mask. */
export function members(mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(i);
  return out;
}

/**
 * Buses a source reaches through closed devices in `state` (1 = live): the energisation a
 * Topology gives, without building one, for states known to be radial.
 */
export function liveBuses(ix: Topology['index'], state: Uint8Array): Uint8Array {
  const conducts = new Uint8Array(ix.nSections).fill(1);
  for (let d = 0; d < ix.nDevices; d++) if (!state[d]) conducts[ix.devSection[d]] = 0;
  const live = new Uint8Array(ix.nBuses);
  const stack: number[] = [];
  for (const b of ix.sourceBus) if (!live[b]) { live[b] = 1; stack.push(b); }
  while (stack.length) {
    const u = stack.pop()!;
    for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
      const v = ix.adjBus[k];
      if (!live[v] && conducts[ix.adjSec[k]]) {
        live[v] = 1;
        stack.push(v);
      }
    }
  }
  return live;
}
