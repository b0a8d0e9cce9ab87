/**
 * Where a fault's current flows: the bus that feeds the faulted section (through closed devices at
 * that end), the path from there up to the source, the devices that carry the current (nearest the
 * fault first, which is the order protection grades in), and the impedances from the source EMF to
 * every bus of the path and to the fault point.
 */
import type { FeederIndex } from '../model/feeder-index';
import type { Topology } from '../model/topology';
import { cadd, cmul, cscale, cx, type Complex, type SequenceCurrents } from './short-circuit';

export interface FaultNetwork {
  index: FeederIndex;
  topo: Topology;
  /** Device contact positions now (1 closed). */
  closed: ArrayLike<number>;
  /** Per section and per source: positive- and zero-sequence impedance (Ω). */
  z1: Complex[];
  z0: Complex[];
  zs1: Complex[];
  zs0: Complex[];
  /** Source voltages (p.u.) and the nominal line-to-line voltage (kV). */
  sourceV: ArrayLike<number>;
  baseKV: number;
}

export interface FaultPath {
  /** Bus feeding the faulted section. */
  bus: number;
  source: number;
  /** Sections from the feeding bus up to the source (nearest first). */
  sections: number[];
  /** Devices carrying the fault current, nearest the fault first. */
  carriers: number[];
  /** Impedance from the source EMF to each bus of the path (Ω). */
  busZ1: Map<number, Complex>;
  busZ0: Map<number, Complex>;
  /** Impedance from the source EMF to the fault point (Ω). */
  z1: Complex;
  z0: Complex;
  /** Driving voltage, phase to neutral (V). */
  eV: number;
}

/** The bus whose supply reaches the conductor of section s through closed devices (the tree's upstream end when both do); -1 when none. */
export function feedingBus(n: FaultNetwork, s: number): number {
  const ix = n.index;
  const connected = (fromEnd: boolean): boolean => {
    for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
      const d = ix.devList[k];
      if ((ix.devAtFrom[d] === 1) === fromEnd && !n.closed[d]) return false;
    }
    return true;
  };
  const bf = ix.secFrom[s];
  const bt = ix.secTo[s];
  const fromFeeds = connected(true) && n.topo.energised(bf);
  const toFeeds = connected(false) && n.topo.energised(bt);
  if (fromFeeds && toFeeds) return n.topo.secUp[s] >= 0 ? n.topo.secUp[s] : bf;
  return fromFeeds ? bf : toFeeds ? bt : -1;
}

/** The path of a fault on section s at `position` (0 = from end .. 1 = to end); null when the fault point is dead. */
export function faultPath(n: FaultNetwork, s: number, position: number): FaultPath | null {
  const ix = n.index;
  const topo = n.topo;
  const b = feedingBus(n, s);
  if (b < 0) return null;
  const source = topo.busSource[b];
  const sections = topo.pathSections(b);
  const busZ1 = new Map<number, Complex>();
  const busZ0 = new Map<number, Complex>();
  let z1 = n.zs1[source];
  let z0 = n.zs0[source];
  busZ1.set(ix.sourceBus[source], z1);
  busZ0.set(ix.sourceBus[source], z0);
  for (let k = sections.length - 1; k >= 0; k--) {
    const sec = sections[k];
    z1 = cadd(z1, n.z1[sec]);
    z0 = cadd(z0, n.z0[sec]);
    busZ1.set(topo.secDown[sec], z1);
    busZ0.set(topo.secDown[sec], z0);
  }
  const fedFromFrom = b === ix.secFrom[s];
  const frac = fedFromFrom ? position : 1 - position;

  const carriers: number[] = [];
  // On the faulted section only the devices at the feeding end carry the current.
  for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
    const d = ix.devList[k];
    if ((ix.devAtFrom[d] === 1) === fedFromFrom) carriers.push(d);
  }
  for (const sec of sections) {
    const nearFrom = ix.secFrom[sec] === topo.secDown[sec];
    const near = (d: number): number => Number((ix.devAtFrom[d] === 1) === nearFrom);
    const list: number[] = [];
    for (let k = ix.devStart[sec]; k < ix.devStart[sec + 1]; k++) list.push(ix.devList[k]);
    list.sort((a, c) => near(c) - near(a));
    carriers.push(...list);
  }
  return {
    bus: b, source, sections, carriers, busZ1, busZ0,
    z1: cadd(z1, cscale(n.z1[s], frac)),
    z0: cadd(z0, cscale(n.z0[s], frac)),
    eV: (n.sourceV[source] * n.baseKV * 1000) / Math.sqrt(3),
  };
}

/** Three-phase complex power (VA) flowing towards the fault at a bus Z1k/Z0k from the EMF: 3·(V0·I0* + V1·I1* + V2·I2*). */
export function sequencePower(eV: number, seq: SequenceCurrents, z1k: Complex, z0k: Complex): Complex {
  const conj = (a: Complex): Complex => ({ re: a.re, im: -a.im });
  const v1 = cadd(cx(eV), cscale(cmul(seq.i1, z1k), -1));
  const v2 = cscale(cmul(seq.i2, z1k), -1);
  const v0 = cscale(cmul(seq.i0, z0k), -1);
  return cscale(cadd(cadd(cmul(v0, conj(seq.i0)), cmul(v1, conj(seq.i1))), cmul(v2, conj(seq.i2))), 3);
}
