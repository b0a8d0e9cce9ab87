/**
 * Live loads for restoration checks from the power the IEDs measure at their devices. An IED
 * measures everything below its device; the metering zone of an IED is what lies below it and not
 * below a deeper metered device, so the zone's load is its P (and Q) less that of the metered
 * devices directly below it. The zone's load is shared among its load points in proportion to
 * their peak load (their average where no peak is given). Load points outside every metering
 * zone keep their model values. A negative zone load (meters out of step, reverse flow) counts
 * as zero and is reported.
 */
import type { LoadedFeeder } from '../model/load';
import type { Topology } from '../model/topology';
import { deviceBelow, deviceDepth } from './regions';
import type { LiveLoadValue } from './types';

export interface MeteredDevice {
  device: string;
  pKW: number;
  qKvar?: number;
}

export interface MeteringZone {
  device: string;
  loadPoints: string[];
  pKW: number;
  qKvar: number | null;
}

export interface LiveLoadAllocation {
  loads: Record<string, LiveLoadValue>;
  zones: MeteringZone[];
  notes: string[];
}

export function allocateLiveLoads(feeder: LoadedFeeder, topo: Topology, metered: MeteredDevice[]): LiveLoadAllocation {
  const ix = feeder.index;
  const model = feeder.model;
  const notes: string[] = [];
  // Devices that carry load in this state, from the source outwards.
  const devs = metered
    .map((m) => {
      const d = ix.deviceIndex.get(m.device);
      if (d === undefined) throw new Error(`metered device "${m.device}" does not exist`);
      return { ...m, d };
    })
    .filter((m) => topo.devClosed[m.d] === 1 && topo.secDown[ix.devSection[m.d]] >= 0)
    .sort((a, b) => deviceDepth(topo, a.d) - deviceDepth(topo, b.d));
  // Each load point belongs to its deepest metered device (later in the sorted list overrides).
  const owner = new Int32Array(ix.nLoadPoints).fill(-1);
  devs.forEach((m, i) => {
    const down = topo.secDown[ix.devSection[m.d]];
    for (const l of topo.loadPointsBelow(down)) owner[l] = i;
  });
  // The metered device directly above each one.
  const parent = devs.map((m, i) => {
    for (let j = i - 1; j >= 0; j--) if (devs[j].d !== m.d && deviceBelow(topo, m.d, devs[j].d)) return j;
    return -1;
  });
  const loads: Record<string, LiveLoadValue> = {};
  const zones: MeteringZone[] = [];
  devs.forEach((m, i) => {
    let p = m.pKW;
    let q = m.qKvar ?? null;
    devs.forEach((c, j) => {
      if (parent[j] !== i) return;
      p -= c.pKW;
      if (q !== null) q = c.qKvar !== undefined ? q - c.qKvar : null;
    });
    const lps: number[] = [];
    for (let l = 0; l < ix.nLoadPoints; l++) if (owner[l] === i) lps.push(l);
    if (lps.length === 0) return;
    if (p < 0) {
      notes.push(`metering zone below "${m.device}": measured ${p.toFixed(1)} kW after the devices below it; taken as 0`);
      p = 0;
      if (q !== null) q = 0;
    }
    const weight = (l: number): number => model.loadPoints[l].peakKW || model.loadPoints[l].avgKW;
    const total = lps.reduce((a, l) => a + weight(l), 0);
    for (const l of lps) {
      const share = total > 0 ? weight(l) / total : 1 / lps.length;
      loads[model.loadPoints[l].id] = q === null ? { pKW: p * share } : { pKW: p * share, qKvar: q * share };
    }
    zones.push({ device: m.device, loadPoints: lps.map((l) => model.loadPoints[l].id), pKW: p, qKvar: q });
  });
  return { loads, zones, notes };
}
