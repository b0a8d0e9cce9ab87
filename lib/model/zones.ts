/**
 * Isolation zones: the parts of an energised tree between boundary devices (every device by
 * default; callers pass a predicate for coarser zoning, e.g. automated devices only for FDIR).
 * A device at a section end separates the section's conductor from the bus at that end, so a
 * zone holds buses and section conductors. Zones form a tree of their own (zone parent, the device
 * bounding a zone from above), built top-down in one pass over the bus tree: O(N).
 */
import type { Topology } from './topology';

export interface Zones {
  count: number;
  /** Per bus / section conductor: zone index, -1 when de-energised. */
  zoneOfBus: Int32Array;
  zoneOfSection: Int32Array;
  /** Per zone: parent zone (-1 for a zone at a source), the boundary device above it (-1 at a source). */
  parent: Int32Array;
  upDevice: Int32Array;
  /** Per zone: the bus whose subtree holds the zone and everything below it. */
  topBus: Int32Array;
  /** Per zone: the section whose conductor starts the zone (-1 when the zone starts at a bus). */
  topSection: Int32Array;
  /** Zones in top-down order (parents first). */
  order: Int32Array;
  /** Members (CSR): sections, buses and child zones of zone z. */
  sectionsOf(z: number): Int32Array;
  busesOf(z: number): Int32Array;
  childrenOf(z: number): Int32Array;
  /** Devices bounding zone z: the one above it, those above its child zones, and open devices on its edge. */
  boundaryDevices(z: number): number[];
}

function csr(n: number, owner: Int32Array): { start: Int32Array; list: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let i = 0; i < owner.length; i++) if (owner[i] >= 0) start[owner[i] + 1]++;
  for (let z = 0; z < n; z++) start[z + 1] += start[z];
  const list = new Int32Array(start[n]);
  const fill = start.slice(0, n);
  for (let i = 0; i < owner.length; i++) if (owner[i] >= 0) list[fill[owner[i]]++] = i;
  return { start, list };
}

export function buildZones(topo: Topology, isBoundary: (device: number) => boolean): Zones {
  const ix = topo.index;
  const zoneOfBus = new Int32Array(ix.nBuses).fill(-1);
  const zoneOfSection = new Int32Array(ix.nSections).fill(-1);
  // At most one zone per source bus and two per section (above and below its devices): typed arrays
  // sized for that keep the build linear at 100k sections, where growing plain arrays does not.
  const cap = ix.nBuses + 2 * ix.nSections + 1;
  const parent = new Int32Array(cap);
  const upDevice = new Int32Array(cap);
  const topBus = new Int32Array(cap);
  const topSection = new Int32Array(cap);
  let count = 0;

  // Boundary device of section s at the end touching bus b, or -1.
  const boundaryAt = (s: number, b: number): number => {
    const atFrom = ix.secFrom[s] === b ? 1 : 0;
    for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
      const d = ix.devList[k];
      if (ix.devAtFrom[d] === atFrom && (isBoundary(d) || !topo.devClosed[d])) return d;
    }
    return -1;
  };
  const newZone = (p: number, dev: number, bus: number, sec: number): number => {
    parent[count] = p;
    upDevice[count] = dev;
    topBus[count] = bus;
    topSection[count] = sec;
    return count++;
  };

  for (let i = 0; i < topo.order.length; i++) {
    const v = topo.order[i];
    const s = topo.parentSec[v];
    if (s < 0) {
      zoneOfBus[v] = newZone(-1, -1, v, -1);
      continue;
    }
    const u = topo.parentBus[v];
    const dUp = boundaryAt(s, u);
    const zs = dUp >= 0 ? newZone(zoneOfBus[u], dUp, v, s) : zoneOfBus[u];
    zoneOfSection[s] = zs;
    const dDown = boundaryAt(s, v);
    zoneOfBus[v] = dDown >= 0 ? newZone(zs, dDown, v, -1) : zs;
  }
  // Open sections: the conductor belongs to an energised end it is not cut from.
  for (let k = 0; k < topo.openSections.length; k++) {
    const s = topo.openSections[k];
    for (let end = 0; end < 2; end++) {
      const b = end === 0 ? ix.secFrom[s] : ix.secTo[s];
      if (topo.energised(b) && boundaryAt(s, b) < 0) {
        zoneOfSection[s] = zoneOfBus[b];
        break;
      }
    }
  }

  const parentArr = parent.slice(0, count);
  const secs = csr(count, zoneOfSection);
  const buses = csr(count, zoneOfBus);
  const kids = csr(count, parentArr);
  const upDev = upDevice.slice(0, count);
  // Zones are created parents-first, so creation order is a top-down order.
  const order = new Int32Array(count);
  for (let z = 0; z < count; z++) order[z] = z;

  return {
    count,
    zoneOfBus,
    zoneOfSection,
    parent: parentArr,
    upDevice: upDev,
    topBus: topBus.slice(0, count),
    topSection: topSection.slice(0, count),
    order,
    sectionsOf: (z) => secs.list.subarray(secs.start[z], secs.start[z + 1]),
    busesOf: (z) => buses.list.subarray(buses.start[z], buses.start[z + 1]),
    childrenOf: (z) => kids.list.subarray(kids.start[z], kids.start[z + 1]),
    boundaryDevices(z) {
      const out: number[] = [];
      if (upDev[z] >= 0) out.push(upDev[z]);
      for (let k = kids.start[z]; k < kids.start[z + 1]; k++) out.push(upDev[kids.list[k]]);
      for (let k = secs.start[z]; k < secs.start[z + 1]; k++) {
        const s = secs.list[k];
        if (topo.secClosed[s]) continue;
        for (let j = ix.devStart[s]; j < ix.devStart[s + 1]; j++) if (!topo.devClosed[ix.devList[j]]) out.push(ix.devList[j]);
      }
      for (let k = buses.start[z]; k < buses.start[z + 1]; k++) {
        // Open devices at a bus of this zone whose conductor lies outside it.
        const b = buses.list[k];
        for (let a = ix.adjStart[b]; a < ix.adjStart[b + 1]; a++) {
          const s = ix.adjSec[a];
          if (topo.secClosed[s] || zoneOfSection[s] === z) continue;
          const d = boundaryAt(s, b);
          if (d >= 0 && !out.includes(d)) out.push(d);
        }
      }
      return out;
    },
  };
}
