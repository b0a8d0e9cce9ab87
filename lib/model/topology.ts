/**
 * The radial forest of a feeder under a switch state: which source feeds each bus, parents and
 * children, subtree intervals (so "is X downstream of Y" is O(1)), downstream customers and load,
 * the nearest protective/switchable device upstream of anything, isolation zones, and the open
 * points (ties) that can back-feed a zone. Built in O(N); queries are O(1) or O(depth).
 *
 * Orientation: a section conducts when every device on it is closed. Its upstream end is the end
 * nearer the source under the state, which may be its `to` end when a feeder is back-fed.
 */
import { FeederIndex } from './feeder-index';
import type { FeederModel, SwitchStates } from './types';
import { buildZones, type Zones } from './zones';

/** Raised when the state is not a radial forest: `loop` lists the section ids around the loop. */
export class MeshError extends Error {
  constructor(message: string, readonly loop: string[], readonly sources: string[] = []) {
    super(message);
    this.name = 'MeshError';
  }
}

export interface TieReach {
  /** Index of the open device (or -1 when the section is open without a device, e.g. out of service). */
  device: number;
  section: number;
  /** Bus on the zone's side. */
  nearBus: number;
  /** Bus on the other, energised side. */
  farBus: number;
  /** Source feeding the far side. */
  farSource: number;
}

export class Topology {
  readonly index: FeederIndex;
  readonly model: FeederModel;
  /** Per device: 1 closed, 0 open, under this state. */
  readonly devClosed: Uint8Array;
  /** Per section: 1 when it conducts (all its devices closed). */
  readonly secClosed: Uint8Array;

  /** Per bus: feeding section (-1 at a source or when de-energised), parent bus, depth, source index (-1 de-energised). */
  readonly parentSec: Int32Array;
  readonly parentBus: Int32Array;
  readonly depth: Int32Array;
  readonly busSource: Int32Array;
  /** Energised buses, parents before children (BFS order). */
  readonly order: Int32Array;
  /** Children of bus b: childSec[childStart[b] .. childStart[b+1]) (child bus = downBus of the section). */
  readonly childStart: Int32Array;
  readonly childSec: Int32Array;
  /** Pre-order position and subtree size of every energised bus (subtree = [pre, pre + size)). */
  readonly pre: Int32Array;
  readonly size: Int32Array;
  /** Per section: upstream and downstream bus in this state (-1 when the section is not in the tree). */
  readonly secUp: Int32Array;
  readonly secDown: Int32Array;
  /** Totals at and below each bus. */
  readonly customersBelow: Float64Array;
  readonly avgKWBelow: Float64Array;
  readonly peakKWBelow: Float64Array;
  /** Load points ordered by their bus's pre-order position; those below bus b are lpByPre[lpFrom[b] .. lpFrom[b] + lpCount[b]). */
  readonly lpByPre: Int32Array;
  private readonly lpFrom: Int32Array;
  private readonly lpCount: Int32Array;
  /** Nearest protective / any device on the path from bus b to its source (-1 when none). */
  readonly protAboveBus: Int32Array;
  readonly deviceAboveBus: Int32Array;
  /** Sections that do not conduct under this state and touch at least one energised bus. */
  readonly openSections: Int32Array;
  private zonesCache: Zones | null = null;

  constructor(modelOrIndex: FeederModel | FeederIndex, states?: SwitchStates | Uint8Array) {
    const ix = modelOrIndex instanceof FeederIndex ? modelOrIndex : new FeederIndex(modelOrIndex);
    this.index = ix;
    this.model = ix.model;
    const nB = ix.nBuses;
    const nS = ix.nSections;
    this.devClosed = states instanceof Uint8Array ? states : ix.deviceStates(states);
    this.secClosed = new Uint8Array(nS).fill(1);
    for (let d = 0; d < ix.nDevices; d++) if (!this.devClosed[d]) this.secClosed[ix.devSection[d]] = 0;

    this.parentSec = new Int32Array(nB).fill(-1);
    this.parentBus = new Int32Array(nB).fill(-1);
    this.depth = new Int32Array(nB).fill(-1);
    this.busSource = new Int32Array(nB).fill(-1);
    this.secUp = new Int32Array(nS).fill(-1);
    this.secDown = new Int32Array(nS).fill(-1);
    const order = new Int32Array(nB);
    let head = 0;
    let tail = 0;
    for (let src = 0; src < ix.sourceBus.length; src++) {
      const root = ix.sourceBus[src];
      if (this.busSource[root] >= 0) {
        const other = this.busSource[root];
        // From the source that got here first to this one.
        const path = this.pathSections(root).reverse();
        throw new MeshError(
          `sources "${this.model.sources[other].id}" and "${this.model.sources[src].id}" are connected under this switch state` +
            (path.length ? ` through sections ${path.map((s) => `"${this.model.sections[s].id}"`).join(', ')}` : ' (same bus)'),
          path.map((s) => this.model.sections[s].id),
          [this.model.sources[other].id, this.model.sources[src].id],
        );
      }
      this.busSource[root] = src;
      this.depth[root] = 0;
      order[tail++] = root;
      while (head < tail) {
        const u = order[head++];
        for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
          const s = ix.adjSec[k];
          if (!this.secClosed[s] || s === this.parentSec[u]) continue;
          const v = ix.adjBus[k];
          if (this.busSource[v] >= 0) {
            // Reached an energised bus a second time: a loop (or a path between two sources).
            if (v === u) throw this.loopError([s], `section "${this.model.sections[s].id}" connects bus "${this.model.buses[u].id}" to itself`);
            if (this.secUp[s] >= 0) continue; // the same section seen from its other end
            throw this.meshFrom(u, v, s);
          }
          this.busSource[v] = src;
          this.parentSec[v] = s;
          this.parentBus[v] = u;
          this.depth[v] = this.depth[u] + 1;
          this.secUp[s] = u;
          this.secDown[s] = v;
          order[tail++] = v;
        }
      }
    }
    this.order = order.slice(0, tail);

    // Children in CSR form, in BFS order.
    const cs = new Int32Array(nB + 1);
    for (let i = 1; i < this.order.length; i++) {
      const v = this.order[i];
      if (this.parentBus[v] >= 0) cs[this.parentBus[v] + 1]++;
    }
    for (let b = 0; b < nB; b++) cs[b + 1] += cs[b];
    this.childStart = cs;
    this.childSec = new Int32Array(Math.max(0, cs[nB]));
    const fill = cs.slice(0, nB);
    for (let i = 0; i < this.order.length; i++) {
      const v = this.order[i];
      if (this.parentBus[v] >= 0) this.childSec[fill[this.parentBus[v]]++] = this.parentSec[v];
    }

    // Subtree sizes and totals bottom-up, then pre-order positions top-down.
    this.size = new Int32Array(nB);
    this.customersBelow = new Float64Array(nB);
    this.avgKWBelow = new Float64Array(nB);
    this.peakKWBelow = new Float64Array(nB);
    const lps = this.model.loadPoints;
    for (let l = 0; l < lps.length; l++) {
      const b = ix.lpBus[l];
      this.customersBelow[b] += lps[l].customers;
      this.avgKWBelow[b] += lps[l].avgKW;
      this.peakKWBelow[b] += lps[l].peakKW;
    }
    for (let i = this.order.length - 1; i >= 0; i--) {
      const v = this.order[i];
      this.size[v] += 1;
      const p = this.parentBus[v];
      if (p >= 0) {
        this.size[p] += this.size[v];
        this.customersBelow[p] += this.customersBelow[v];
        this.avgKWBelow[p] += this.avgKWBelow[v];
        this.peakKWBelow[p] += this.peakKWBelow[v];
      }
    }
    for (let b = 0; b < nB; b++) {
      if (this.busSource[b] < 0) {
        this.customersBelow[b] = 0;
        this.avgKWBelow[b] = 0;
        this.peakKWBelow[b] = 0;
      }
    }
    this.pre = new Int32Array(nB).fill(-1);
    const next = new Int32Array(nB); // next free pre-order slot for the children of b
    let base = 0;
    for (let i = 0; i < this.order.length; i++) {
      const v = this.order[i];
      const p = this.parentBus[v];
      if (p < 0) {
        this.pre[v] = base;
        base += this.size[v];
      } else {
        this.pre[v] = next[p];
      }
      next[v] = this.pre[v] + 1;
      if (p >= 0) next[p] += this.size[v];
    }

    // Load points in pre-order of their bus (counting sort), with per-bus ranges.
    const nE = this.order.length;
    const lpAt = new Int32Array(nE + 1);
    for (let l = 0; l < lps.length; l++) {
      const b = ix.lpBus[l];
      if (this.pre[b] >= 0) lpAt[this.pre[b] + 1]++;
    }
    for (let p = 0; p < nE; p++) lpAt[p + 1] += lpAt[p];
    const energisedLps = lpAt[nE];
    this.lpByPre = new Int32Array(energisedLps);
    const lpFill = lpAt.slice(0, nE);
    for (let l = 0; l < lps.length; l++) {
      const b = ix.lpBus[l];
      if (this.pre[b] >= 0) this.lpByPre[lpFill[this.pre[b]]++] = l;
    }
    this.lpFrom = new Int32Array(nB);
    this.lpCount = new Int32Array(nB);
    for (let b = 0; b < nB; b++) {
      if (this.pre[b] < 0) continue;
      this.lpFrom[b] = lpAt[this.pre[b]];
      this.lpCount[b] = lpAt[this.pre[b] + this.size[b]] - lpAt[this.pre[b]];
    }

    // Nearest devices above each bus, top-down.
    this.protAboveBus = new Int32Array(nB).fill(-1);
    this.deviceAboveBus = new Int32Array(nB).fill(-1);
    for (let i = 0; i < this.order.length; i++) {
      const v = this.order[i];
      const s = this.parentSec[v];
      if (s < 0) continue;
      const u = this.parentBus[v];
      this.protAboveBus[v] = this.nearestOnSection(s, v, true) ?? this.nearestOnSection(s, u, true) ?? this.protAboveBus[u];
      this.deviceAboveBus[v] = this.nearestOnSection(s, v, false) ?? this.nearestOnSection(s, u, false) ?? this.deviceAboveBus[u];
    }

    const open: number[] = [];
    for (let s = 0; s < nS; s++) {
      if (!this.secClosed[s] && (this.busSource[ix.secFrom[s]] >= 0 || this.busSource[ix.secTo[s]] >= 0)) open.push(s);
    }
    this.openSections = Int32Array.from(open);
  }

  /** A device of section s sitting at the end that touches bus b (protective ones only when asked). */
  private nearestOnSection(s: number, b: number, protectiveOnly: boolean): number | undefined {
    const ix = this.index;
    const atFrom = ix.secFrom[s] === b ? 1 : 0;
    for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
      const d = ix.devList[k];
      if (ix.devAtFrom[d] === atFrom && (!protectiveOnly || ix.devProtective[d])) return d;
    }
    return undefined;
  }

  /** Sections from bus b up to its source (nearest first). */
  pathSections(b: number): number[] {
    const out: number[] = [];
    for (let v = b; this.parentSec[v] >= 0; v = this.parentBus[v]) out.push(this.parentSec[v]);
    return out;
  }

  private loopError(sections: number[], message: string): MeshError {
    return new MeshError(message, sections.map((s) => this.model.sections[s].id));
  }

  /** Builds the loop closed by section s between energised buses u and v. */
  private meshFrom(u: number, v: number, s: number): MeshError {
    const srcU = this.busSource[u];
    const srcV = this.busSource[v];
    const up = this.pathSections(u);
    const vp = this.pathSections(v);
    if (srcU !== srcV) {
      const path = [...up.reverse(), s, ...vp];
      const a = this.model.sources[srcU].id;
      const b = this.model.sources[srcV].id;
      return new MeshError(
        `sources "${a}" and "${b}" are connected under this switch state through sections ${path.map((x) => `"${this.model.sections[x].id}"`).join(', ')}`,
        path.map((x) => this.model.sections[x].id),
        [a, b],
      );
    }
    // Trim the common part of both paths to the source: what remains plus s is the loop, listed
    // as a walk (common ancestor down to u, across s, v back up to the common ancestor).
    const ua = this.ancestors(u);
    const va = this.ancestors(v);
    let i = ua.length - 1;
    let j = va.length - 1;
    while (i >= 0 && j >= 0 && ua[i] === va[j]) {
      i--;
      j--;
    }
    const loop = [...up.slice(0, i + 1).reverse(), s, ...vp.slice(0, j + 1)];
    return this.loopError(loop, `loop under this switch state through sections ${loop.map((x) => `"${this.model.sections[x].id}"`).join(', ')}`);
  }

  private ancestors(b: number): number[] {
    const out = [b];
    for (let v = b; this.parentBus[v] >= 0; v = this.parentBus[v]) out.push(this.parentBus[v]);
    return out;
  }

  // ---- queries by index ----

  /** True when bus b is at or below bus a in the same tree. */
  isBelow(b: number, a: number): boolean {
    const pa = this.pre[a];
    const pb = this.pre[b];
    return pa >= 0 && pb >= 0 && this.busSource[a] === this.busSource[b] && pb >= pa && pb < pa + this.size[a];
  }

  energised(b: number): boolean {
    return this.busSource[b] >= 0;
  }

  /** Load point indices at or below bus b. */
  loadPointsBelow(b: number): Int32Array {
    return this.lpByPre.subarray(this.lpFrom[b], this.lpFrom[b] + this.lpCount[b]);
  }

  /** The bus below which everything a section or device feeds lies (-1 if not energised). */
  sectionDownBus(s: number): number {
    return this.secDown[s];
  }

  /** Protective device that clears a fault on section s's conductor (-1 when none: the source clears it). */
  protectiveForSection(s: number): number {
    const up = this.secUp[s];
    if (up < 0) return -1;
    return this.nearestOnSection(s, up, true) ?? this.protAboveBus[up];
  }

  /** Nearest protective device upstream of device d (the backup when d fails to clear). */
  protectiveAboveDevice(d: number): number {
    const ix = this.index;
    const s = ix.devSection[d];
    const up = this.secUp[s];
    if (up < 0) return -1;
    const atUpEnd = (ix.secFrom[s] === up ? 1 : 0) === ix.devAtFrom[d];
    if (!atUpEnd) {
      const onUpEnd = this.nearestOnSection(s, up, true);
      if (onUpEnd !== undefined) return onUpEnd;
    }
    return this.protAboveBus[up];
  }

  /** True when device d is at the upstream end of its section in this state. */
  deviceAtUpstreamEnd(d: number): boolean {
    const ix = this.index;
    const s = ix.devSection[d];
    const up = this.secUp[s];
    return up >= 0 && (ix.secFrom[s] === up ? 1 : 0) === ix.devAtFrom[d];
  }

  /** Isolation zones bounded by every device (computed on first use). */
  get zones(): Zones {
    if (!this.zonesCache) this.zonesCache = buildZones(this, () => true);
    return this.zonesCache;
  }

  /**
   * Open points that could back-feed what lies at and below bus `top`: open sections with one end
   * at or below `top` and the other end energised from outside that subtree. O(number of open points).
   */
  tiesBelow(top: number): TieReach[] {
    const ix = this.index;
    const out: TieReach[] = [];
    for (let k = 0; k < this.openSections.length; k++) {
      const s = this.openSections[k];
      const a = ix.secFrom[s];
      const b = ix.secTo[s];
      const aIn = this.isBelow(a, top);
      const bIn = this.isBelow(b, top);
      let near = -1;
      let far = -1;
      if (aIn && !bIn && this.energised(b)) {
        near = a;
        far = b;
      } else if (bIn && !aIn && this.energised(a)) {
        near = b;
        far = a;
      } else continue;
      let device = -1;
      for (let j = ix.devStart[s]; j < ix.devStart[s + 1]; j++) if (!this.devClosed[ix.devList[j]]) device = ix.devList[j];
      out.push({ device, section: s, nearBus: near, farBus: far, farSource: this.busSource[far] });
    }
    return out;
  }

  // ---- queries by id (convenience for nodes, CLI and tests) ----

  busId(b: number): string {
    return this.model.buses[b].id;
  }

  private need(map: Map<string, number>, id: string, what: string): number {
    const i = map.get(id);
    if (i === undefined) throw new Error(`${what} "${id}" does not exist`);
    return i;
  }

  /** Section ids from a bus up to its source. */
  pathToSource(busId: string): string[] {
    return this.pathSections(this.need(this.index.busIndex, busId, 'bus')).map((s) => this.model.sections[s].id);
  }

  /** Parent bus id of a bus (null at a source or when de-energised). */
  parentOf(busId: string): string | null {
    const p = this.parentBus[this.need(this.index.busIndex, busId, 'bus')];
    return p >= 0 ? this.model.buses[p].id : null;
  }

  /** Child bus ids of a bus. */
  childrenOf(busId: string): string[] {
    const b = this.need(this.index.busIndex, busId, 'bus');
    const out: string[] = [];
    for (let k = this.childStart[b]; k < this.childStart[b + 1]; k++) out.push(this.model.buses[this.secDown[this.childSec[k]]].id);
    return out;
  }

  /** Source id feeding a bus (null when de-energised). */
  sourceOf(busId: string): string | null {
    const s = this.busSource[this.need(this.index.busIndex, busId, 'bus')];
    return s >= 0 ? this.model.sources[s].id : null;
  }

  /** The protective device that clears a fault on a section, a bus or a load point (by id), or null. */
  upstreamProtective(element: { section?: string; bus?: string; loadPoint?: string; device?: string }): string | null {
    const ix = this.index;
    let d = -1;
    if (element.section !== undefined) d = this.protectiveForSection(this.need(ix.sectionIndex, element.section, 'section'));
    else if (element.bus !== undefined) d = this.protAboveBus[this.need(ix.busIndex, element.bus, 'bus')];
    else if (element.loadPoint !== undefined) d = this.protAboveBus[ix.lpBus[this.need(ix.loadPointIndex, element.loadPoint, 'load point')]];
    else if (element.device !== undefined) d = this.protectiveAboveDevice(this.need(ix.deviceIndex, element.device, 'device'));
    return d >= 0 ? this.model.devices[d].id : null;
  }

  /** Customers, average and peak kW downstream of a section, device or bus (by id). */
  downstream(element: { section?: string; bus?: string; device?: string }): { customers: number; avgKW: number; peakKW: number; loadPoints: string[] } {
    const ix = this.index;
    let b = -1;
    if (element.bus !== undefined) b = this.need(ix.busIndex, element.bus, 'bus');
    else if (element.section !== undefined) b = this.secDown[this.need(ix.sectionIndex, element.section, 'section')];
    else if (element.device !== undefined) b = this.secDown[ix.devSection[this.need(ix.deviceIndex, element.device, 'device')]];
    if (b < 0 || !this.energised(b)) return { customers: 0, avgKW: 0, peakKW: 0, loadPoints: [] };
    return {
      customers: this.customersBelow[b],
      avgKW: this.avgKWBelow[b],
      peakKW: this.peakKWBelow[b],
      loadPoints: Array.from(this.loadPointsBelow(b), (l) => this.model.loadPoints[l].id),
    };
  }
}

/** Builds the radial forest of a model (or a prepared index) under normal states overlaid with `states`. */
export function buildTopology(modelOrIndex: FeederModel | FeederIndex, states?: SwitchStates | Uint8Array): Topology {
  return new Topology(modelOrIndex, states);
}
