/**
 * The analytical reliability engine (DESIGN.md §4) as an evaluator prepared once per model and
 * switch state, which re-evaluates in O(N) with any subset of candidate switches switched in —
 * the call an optimiser makes hundreds of thousands of times.
 *
 * Rules. A failure (section conductor, or load point transformer: fused = its own load point only,
 * else a failure at its bus) is cleared by the nearest protective device upstream; with its
 * failureProbability that device fails and the next one clears (the source, when none is left).
 * Every load point below the clearing device is interrupted. For each interrupted load point L,
 * every closed device W on the path between the fault and L is a way back:
 * - W on the fault's side (L stays connected to its source when W opens): L is restored from the
 *   source after W's switching time — the upstream isolation of the textbook;
 * - W on L's side (L is cut off with W): a normally-open tie whose near end lies below W and whose
 *   other side is not interrupted by the same failure can feed the part below W, if its peak load
 *   fits the tie's capacityKW (and the other source's capacityKW), after max(tie, W) switching time,
 *   with the tie's availability — the downstream restoration of the textbook.
 * Options are tried fastest first, then L waits for the repair (or transformer replacement). With
 * equal switching times this is exactly "the nearest switchable devices"; with mixed times it takes
 * the fastest, which keeps the results monotone (an extra switch never makes a load point worse).
 * Restoration never takes longer than the repair; times ≤ the momentary threshold count in MAIFI.
 *
 * Method (the zone-tree form of the reliability network equivalent). Every closed device bounds a
 * zone; a failure is a failure of its zone Z. Load points upstream get their source option as
 * "pieces" subtree(A) \ subtree(B), found by jumping up the zone tree to the next faster device or
 * the next protective one (O(D) per zone, D = distinct switching times met); load points in and
 * below Z get the repair. Pieces become marks at A (+) and B (−) summed in one top-down pass.
 * Ties: each failure deposits its fallback time (repair for Z's own tie-bearing children, the
 * upstream option beside its path) and probability into bins of (zone A, tie-bearing child C')
 * pairs; one walk per pair down the tie-bearing zones below C' (jumping along chains to where an
 * option can change) applies all bins with a merge of sorted options and sorted bins.
 * Cost: O(N·D) plus, per pair, the tie branch points below it (O(N) for a fixed number of ties).
 * The same numbers come out of the naive per-failure FMEA in test/support/reliability-oracle.ts.
 */
import { FeederIndex } from '../model/feeder-index';
import { Topology } from '../model/topology';
import { PROTECTIVE_TYPES, type FeederModel, type SwitchStates } from '../model/types';
import { compileCosts, damageCostPerKW, type CompiledCosts } from './costs';
import type { CandidateSwitch, PredictiveOptions, SwitchSpec } from './types';

const INF = Number.POSITIVE_INFINITY;

export interface EvaluatorOptions extends Omit<PredictiveOptions, 'addSwitches'> {
  /** Candidate switches, switched in per evaluation by a mask (index = position in this list). */
  candidates?: CandidateSwitch[];
}

/** System figures of one evaluation (the object is reused between calls). */
export interface EvaluationSummary {
  saifi: number;
  saidi: number;
  maifi: number;
  ensKWh: number;
  /** Σ La·U·C, NaN without a perKWh cost table. */
  cens: number;
  customers: number;
}

/** Element kinds: a section conductor (in the tree or an open section hanging at one end), or a transformer. */
export const ELEM_SECTION = 0;
export const ELEM_TRANSFORMER = 1;

interface Boundary { has: number; sw: number; phi: number }

function deviceEndBus(ix: FeederIndex, d: number): number {
  const s = ix.devSection[d];
  return ix.devAtFrom[d] ? ix.secFrom[s] : ix.secTo[s];
}

/** Evaluates predictive reliability; see the module comment for the method. */
export class ReliabilityEvaluator {
  readonly model: FeederModel;
  readonly index: FeederIndex;
  readonly topology: Topology;
  readonly thresholdHours: number;
  readonly momentaryThresholdMin: number;
  readonly transformerReplacement: boolean;
  readonly costs: CompiledCosts;
  readonly candidates: Array<Required<Pick<CandidateSwitch, 'section' | 'end' | 'switchingHours'>> & { id: string; type: string; automated: boolean; failureProbability: number }>;

  // Load points.
  readonly nLp: number;
  readonly lpCustomers: Float64Array;
  readonly lpAvgKW: Float64Array;
  /** 1 when the load point's bus is energised under the state. */
  readonly lpSupplied: Uint8Array;

  // Failure elements: section conductors and non-fused transformers (zone found per evaluation),
  // fused transformers (their own load point only).
  readonly nElem: number;
  readonly elemKind: Uint8Array;
  /** Section index, or load point index for a transformer. */
  readonly elemRef: Int32Array;
  readonly elemRate: Float64Array;
  readonly elemRepair: Float64Array;
  /** 1 for a fused transformer (interrupts only its own load point). */
  readonly elemFused: Uint8Array;
  /** Bus at which an element attaches to the zones: an open section's hanging bus, a transformer's bus (-1 for in-tree sections). */
  private readonly elemBus: Int32Array;
  /** For open sections: index into the open-section table (-1 otherwise). */
  private readonly elemOpen: Int32Array;

  // Section boundaries (in-tree sections): existing closed devices at the upper and lower end
  // (has a device, fastest switching time, probability that none of its protective devices clears).
  private readonly upHas: Uint8Array;
  private readonly upSw: Float64Array;
  private readonly upPhi: Float64Array;
  private readonly loHas: Uint8Array;
  private readonly loSw: Float64Array;
  private readonly loPhi: Float64Array;
  private readonly ordBus: Int32Array;
  private readonly ordSec: Int32Array;
  private readonly ordParent: Int32Array;
  private readonly ordPeak: Float64Array;
  private readonly candUpStart: Int32Array;
  private readonly candUpList: Int32Array;
  private readonly candLoStart: Int32Array;
  private readonly candLoList: Int32Array;
  private readonly candSw: Float64Array;
  private readonly candPhi: Float64Array;

  // Open sections whose conductor hangs at an energised bus.
  private readonly openSec: Int32Array;
  private readonly openBus: Int32Array;
  private readonly openB: Boundary[];

  // Ties (open points that can back-feed): near/far bus, switching time, availability, capacity.
  readonly nTies: number;
  private readonly tieNear: Int32Array;
  private readonly tieFar: Int32Array;
  private readonly tieSw: Float64Array;
  private readonly tieAvail: Float64Array;
  private readonly tieCap: Float64Array;

  // ---- per-evaluation state (preallocated) ----
  private readonly maxZones: number;
  nz = 0;
  readonly zParent: Int32Array;
  readonly zSw: Float64Array;
  readonly zPhi: Float64Array;
  readonly zPeak: Float64Array;
  readonly zDepth: Int32Array;
  readonly zPre: Int32Array;
  readonly zSize: Int32Array;
  readonly zNsa: Int32Array;
  readonly zProtUp: Int32Array;
  readonly zCust: Float64Array;
  readonly zKW: Float64Array;
  private readonly zNext: Int32Array;
  readonly zoneOfBus: Int32Array;
  readonly zoneOfSection: Int32Array;
  readonly elemZone: Int32Array;
  readonly zElemStart: Int32Array;
  readonly zElemList: Int32Array;
  // ties by pre-order of their near zone, and per zone the range of ties below it
  readonly tieByPre: Int32Array;
  readonly tieNearZone: Int32Array;
  readonly tieFarZone: Int32Array;
  readonly zTieLo: Int32Array;
  readonly zTieHi: Int32Array;
  private readonly tieCnt: Int32Array;
  readonly sChildStart: Int32Array;
  readonly sChildList: Int32Array;
  private readonly sBranchUp: Int32Array;
  private readonly chainNext: Int32Array;
  private readonly isStop: Uint8Array;
  private readonly zNsd: Int32Array;
  private readonly zMinTieSw: Float64Array;
  readonly zHangCust: Float64Array;
  readonly zHangKW: Float64Array;
  // marks and their top-down sums
  private readonly mLS: Float64Array;
  private readonly mLM: Float64Array;
  private readonly mU: Float64Array;
  private readonly mD: Float64Array;
  // results per load point
  readonly lpLambda: Float64Array;
  readonly lpMomentary: Float64Array;
  readonly lpU: Float64Array;
  /** ECOST per load point (with damage functions in the cost model and `ecost` or `detailed` set in evaluate). */
  readonly lpEcost: Float64Array;
  private readonly lpDamage: Float64Array;
  // attribution per element (filled by evaluate(..., detailed = true))
  readonly attCI: Float64Array;
  readonly attCH: Float64Array;
  readonly attKWh: Float64Array;
  readonly attCost: Float64Array;
  // scratch
  private readonly pA: Int32Array;
  private readonly pB: Int32Array;
  private readonly pM: Float64Array;
  private readonly pW: Float64Array;
  readonly pLevel: Int32Array;
  private nPieces = 0;
  private readonly chainZone: Int32Array;
  private readonly chainPi: Float64Array;
  private nChain = 0;
  private readonly RT: Float64Array;
  private readonly tieKStar: Int32Array;
  private saveBuf: Float64Array;
  private readonly frameX: Int32Array;
  private readonly frameChild: Int32Array;
  private readonly frameSave: Int32Array;
  private readonly optTau: Float64Array;
  private readonly optP: Float64Array;
  private readonly optK: Int32Array;
  private readonly optTie: Int32Array;
  private readonly optC: Float64Array;
  private readonly dmgScratch: Float64Array;
  private readonly mask0: Uint8Array;
  private detailed = false;
  private damage = false;
  private spec: { sw: number; phi: number } | null = null;

  readonly summary: EvaluationSummary = { saifi: 0, saidi: 0, maifi: 0, ensKWh: 0, cens: NaN, customers: 0 };

  constructor(modelOrIndex: FeederModel | FeederIndex, opts: EvaluatorOptions = {}) {
    const ix = modelOrIndex instanceof FeederIndex ? modelOrIndex : new FeederIndex(modelOrIndex);
    this.index = ix;
    this.model = ix.model;
    const model = ix.model;
    const topo = new Topology(ix, opts.states as SwitchStates | undefined);
    this.topology = topo;
    this.momentaryThresholdMin = opts.momentaryThresholdMin ?? model.options?.momentaryThresholdMin ?? 5;
    if (!(this.momentaryThresholdMin >= 0) || !Number.isFinite(this.momentaryThresholdMin)) {
      throw new Error(`momentary threshold must be a non-negative number of minutes (got ${this.momentaryThresholdMin})`);
    }
    this.thresholdHours = this.momentaryThresholdMin / 60;
    this.transformerReplacement = opts.transformerReplacement ?? model.options?.transformerReplacement ?? false;
    this.costs = compileCosts(model.loadPoints, opts.costs ?? model.costs);

    const nS = ix.nSections;
    const nB = ix.nBuses;
    this.nLp = ix.nLoadPoints;
    this.lpCustomers = Float64Array.from(model.loadPoints, (l) => l.customers);
    this.lpAvgKW = Float64Array.from(model.loadPoints, (l) => l.avgKW);
    this.lpSupplied = new Uint8Array(this.nLp);
    for (let l = 0; l < this.nLp; l++) this.lpSupplied[l] = topo.energised(ix.lpBus[l]) ? 1 : 0;

    // Section boundaries from the closed devices, by end relative to the state's orientation.
    const empty = (): Boundary => ({ has: 0, sw: INF, phi: 1 });
    const addDevice = (b: Boundary, d: number): void => {
      const dev = model.devices[d];
      b.has = 1;
      b.sw = Math.min(b.sw, dev.switchingHours);
      if (PROTECTIVE_TYPES.has(dev.type)) b.phi *= dev.failureProbability ?? 0;
    };
    this.upHas = new Uint8Array(nS);
    this.loHas = new Uint8Array(nS);
    this.upSw = new Float64Array(nS).fill(INF);
    this.loSw = new Float64Array(nS).fill(INF);
    this.upPhi = new Float64Array(nS).fill(1);
    this.loPhi = new Float64Array(nS).fill(1);
    for (let d = 0; d < ix.nDevices; d++) {
      if (!topo.devClosed[d]) continue;
      const s = ix.devSection[d];
      if (topo.secUp[s] < 0) continue;
      const b: Boundary = empty();
      addDevice(b, d);
      const upper = deviceEndBus(ix, d) === topo.secUp[s];
      const has = upper ? this.upHas : this.loHas;
      const sw = upper ? this.upSw : this.loSw;
      const phi = upper ? this.upPhi : this.loPhi;
      has[s] = 1;
      sw[s] = Math.min(sw[s], b.sw);
      phi[s] *= b.phi;
    }
    // The tree in depth-first pre-order (parents first, subtrees contiguous: zones built in this
    // order sit next to their parents and descendants in memory) with each bus's feeding section,
    // parent and peak load below, for sequential access.
    const dfs = new Int32Array(topo.order.length);
    let nd = 0;
    const stack: number[] = [];
    for (let i = topo.order.length - 1; i >= 0; i--) if (topo.parentSec[topo.order[i]] < 0) stack.push(topo.order[i]);
    while (stack.length) {
      const v = stack.pop()!;
      dfs[nd++] = v;
      for (let k = topo.childStart[v + 1] - 1; k >= topo.childStart[v]; k--) stack.push(topo.secDown[topo.childSec[k]]);
    }
    this.ordBus = dfs;
    this.ordSec = Int32Array.from(dfs, (v) => topo.parentSec[v]);
    this.ordParent = Int32Array.from(dfs, (v) => topo.parentBus[v]);
    this.ordPeak = Float64Array.from(dfs, (v) => topo.peakKWBelow[v]);

    // Open sections: a conductor cut at one end hangs at the other (if energised there).
    const openSec: number[] = [];
    const openBus: number[] = [];
    const openB: Boundary[] = [];
    const openIndexOf = new Int32Array(nS).fill(-1);
    for (const s of topo.openSections) {
      let openAtFrom = false;
      let openAtTo = false;
      for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
        const d = ix.devList[k];
        if (!topo.devClosed[d]) {
          if (ix.devAtFrom[d]) openAtFrom = true; else openAtTo = true;
        }
      }
      let hang = -1;
      if (!openAtFrom && topo.energised(ix.secFrom[s])) hang = ix.secFrom[s];
      else if (!openAtTo && topo.energised(ix.secTo[s])) hang = ix.secTo[s];
      if (hang < 0) continue;
      const b = empty();
      for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
        const d = ix.devList[k];
        if (topo.devClosed[d] && deviceEndBus(ix, d) === hang) addDevice(b, d);
      }
      openIndexOf[s] = openSec.length;
      openSec.push(s);
      openBus.push(hang);
      openB.push(b);
    }
    this.openSec = Int32Array.from(openSec);
    this.openBus = Int32Array.from(openBus);
    this.openB = openB;

    // Failure elements.
    const kind: number[] = [];
    const ref: number[] = [];
    const rate: number[] = [];
    const repair: number[] = [];
    const fused: number[] = [];
    const ebus: number[] = [];
    const eopen: number[] = [];
    for (let s = 0; s < nS; s++) {
      const lam = ix.secFailureRate[s];
      if (!(lam > 0)) continue;
      const inTree = topo.secUp[s] >= 0;
      if (!inTree && openIndexOf[s] < 0) continue;
      kind.push(ELEM_SECTION);
      ref.push(s);
      rate.push(lam);
      repair.push(model.sections[s].repairHours);
      fused.push(0);
      ebus.push(inTree ? -1 : openBus[openIndexOf[s]]);
      eopen.push(inTree ? -1 : openIndexOf[s]);
    }
    for (let l = 0; l < this.nLp; l++) {
      const tx = model.loadPoints[l].transformer;
      if (!tx || !(tx.failureRatePerYr > 0) || !this.lpSupplied[l]) continue;
      kind.push(ELEM_TRANSFORMER);
      ref.push(l);
      rate.push(tx.failureRatePerYr);
      repair.push(this.transformerReplacement && tx.replacementHours !== undefined ? tx.replacementHours : tx.repairHours);
      fused.push(tx.fused ? 1 : 0);
      ebus.push(ix.lpBus[l]);
      eopen.push(-1);
    }
    this.nElem = kind.length;
    this.elemKind = Uint8Array.from(kind);
    this.elemRef = Int32Array.from(ref);
    this.elemRate = Float64Array.from(rate);
    this.elemRepair = Float64Array.from(repair);
    this.elemFused = Uint8Array.from(fused);
    this.elemBus = Int32Array.from(ebus);
    this.elemOpen = Int32Array.from(eopen);

    // Ties: every open section with an open device, seen from each energised end towards the other.
    const tNear: number[] = [];
    const tFar: number[] = [];
    const tSw: number[] = [];
    const tAv: number[] = [];
    const tCap: number[] = [];
    for (const s of topo.openSections) {
      let sw = -INF;
      let av = 1;
      let cap = INF;
      let nOpen = 0;
      for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) {
        const d = ix.devList[k];
        const dev = model.devices[d];
        if (dev.capacityKW !== undefined) cap = Math.min(cap, dev.capacityKW);
        if (topo.devClosed[d]) continue;
        nOpen++;
        sw = Math.max(sw, dev.switchingHours);
        av *= dev.availability ?? 1;
      }
      if (nOpen === 0) continue;
      const a = ix.secFrom[s];
      const b = ix.secTo[s];
      if (!topo.energised(a) || !topo.energised(b)) continue;
      for (const [near, far] of [[a, b], [b, a]]) {
        let c = cap;
        const farSrc = topo.busSource[far];
        if (farSrc !== topo.busSource[near]) {
          const sc = model.sources[farSrc].capacityKW;
          if (sc !== undefined) c = Math.min(c, sc);
        }
        tNear.push(near);
        tFar.push(far);
        tSw.push(sw);
        tAv.push(av);
        tCap.push(c);
      }
    }
    this.nTies = tNear.length;
    this.tieNear = Int32Array.from(tNear);
    this.tieFar = Int32Array.from(tFar);
    this.tieSw = Float64Array.from(tSw);
    this.tieAvail = Float64Array.from(tAv);
    this.tieCap = Float64Array.from(tCap);

    // Candidate switches.
    this.candidates = (opts.candidates ?? []).map((c, i) => {
      const where = `candidate switch ${i}${c.id ? ` "${c.id}"` : ''}`;
      const s = ix.sectionIndex.get(c.section);
      if (s === undefined) throw new Error(`${where}: section "${c.section}" does not exist`);
      if (topo.secUp[s] < 0) throw new Error(`${where}: section "${c.section}" is open or not supplied under this switch state`);
      const end = c.end ?? 'from';
      if (end !== 'from' && end !== 'to') throw new Error(`${where}: end must be "from" or "to" (got ${JSON.stringify(c.end)})`);
      const type = c.type ?? 'switch';
      if (!['breaker', 'recloser', 'fuse', 'sectionalizer', 'switch'].includes(type)) throw new Error(`${where}: type "${type}" cannot be a candidate switch`);
      if (typeof c.switchingHours !== 'number' || !(c.switchingHours >= 0) || !Number.isFinite(c.switchingHours)) {
        throw new Error(`${where}: switchingHours must be a non-negative number`);
      }
      const p = c.failureProbability ?? 0;
      if (!(p >= 0 && p <= 1)) throw new Error(`${where}: failureProbability must be between 0 and 1`);
      return { id: c.id ?? `+${c.section}@${end}`, section: c.section, end, type, automated: c.automated ?? false, switchingHours: c.switchingHours, failureProbability: p };
    });
    const nC = this.candidates.length;
    this.candSw = Float64Array.from(this.candidates, (c) => c.switchingHours);
    this.candPhi = Float64Array.from(this.candidates, (c) => (PROTECTIVE_TYPES.has(c.type as never) ? c.failureProbability : 1));
    const candUpper = this.candidates.map((c) => {
      const s = ix.sectionIndex.get(c.section)!;
      const bus = c.end === 'from' ? ix.secFrom[s] : ix.secTo[s];
      return bus === topo.secUp[s];
    });
    const buildCsr = (upper: boolean): { start: Int32Array; list: Int32Array } => {
      const start = new Int32Array(nS + 1);
      const chosen: number[] = [];
      for (let c = 0; c < nC; c++) if (candUpper[c] === upper) { chosen.push(c); start[ix.sectionIndex.get(this.candidates[c].section)! + 1]++; }
      for (let s = 0; s < nS; s++) start[s + 1] += start[s];
      const list = new Int32Array(chosen.length);
      const fill = start.slice(0, nS);
      for (const c of chosen) list[fill[ix.sectionIndex.get(this.candidates[c].section)!]++] = c;
      return { start, list };
    };
    const up = buildCsr(true);
    const lo = buildCsr(false);
    this.candUpStart = up.start;
    this.candUpList = up.list;
    this.candLoStart = lo.start;
    this.candLoList = lo.list;
    this.mask0 = new Uint8Array(nC);

    // Preallocated per-evaluation state.
    const maxZ = 2 * nB + this.openSec.length + 2;
    this.maxZones = maxZ;
    this.zParent = new Int32Array(maxZ);
    this.zSw = new Float64Array(maxZ);
    this.zPhi = new Float64Array(maxZ);
    this.zPeak = new Float64Array(maxZ);
    this.zDepth = new Int32Array(maxZ);
    this.zPre = new Int32Array(maxZ);
    this.zSize = new Int32Array(maxZ);
    this.zNsa = new Int32Array(maxZ);
    this.zProtUp = new Int32Array(maxZ);
    this.zCust = new Float64Array(maxZ);
    this.zKW = new Float64Array(maxZ);
    this.zNext = new Int32Array(maxZ);
    // Buses and sections without supply keep -1 (the energised set does not change between evaluations).
    this.zoneOfBus = new Int32Array(nB).fill(-1);
    this.zoneOfSection = new Int32Array(nS).fill(-1);
    this.elemZone = new Int32Array(this.nElem);
    this.zElemStart = new Int32Array(maxZ + 1);
    this.zElemList = new Int32Array(this.nElem);
    this.tieByPre = new Int32Array(this.nTies);
    this.tieNearZone = new Int32Array(this.nTies);
    this.tieFarZone = new Int32Array(this.nTies);
    this.zTieLo = new Int32Array(maxZ);
    this.zTieHi = new Int32Array(maxZ);
    this.tieCnt = new Int32Array(maxZ + 1);
    this.sChildStart = new Int32Array(maxZ + 1);
    this.sChildList = new Int32Array(maxZ);
    this.sBranchUp = new Int32Array(maxZ);
    this.chainNext = new Int32Array(maxZ);
    this.isStop = new Uint8Array(maxZ);
    this.zNsd = new Int32Array(maxZ);
    this.zMinTieSw = new Float64Array(maxZ);
    this.zHangCust = new Float64Array(maxZ);
    this.zHangKW = new Float64Array(maxZ);
    const K = this.costs.classes.length;
    this.mLS = new Float64Array(maxZ);
    this.mLM = new Float64Array(maxZ);
    this.mU = new Float64Array(maxZ);
    this.mD = new Float64Array(maxZ * K);
    this.lpLambda = new Float64Array(this.nLp);
    this.lpMomentary = new Float64Array(this.nLp);
    this.lpU = new Float64Array(this.nLp);
    this.lpEcost = new Float64Array(this.nLp);
    this.lpDamage = new Float64Array(this.nLp * K);
    this.attCI = new Float64Array(this.nElem);
    this.attCH = new Float64Array(this.nElem);
    this.attKWh = new Float64Array(this.nElem);
    this.attCost = new Float64Array(this.nElem);
    this.pA = new Int32Array(maxZ + 2);
    this.pB = new Int32Array(maxZ + 2);
    this.pM = new Float64Array(maxZ + 2);
    this.pW = new Float64Array(maxZ + 2);
    this.pLevel = new Int32Array(maxZ + 2);
    this.chainZone = new Int32Array(maxZ + 1);
    this.chainPi = new Float64Array(maxZ + 1);
    this.RT = new Float64Array(this.nTies);
    this.tieKStar = new Int32Array(this.nTies);
    this.saveBuf = new Float64Array(Math.max(16, this.nTies * 4));
    this.frameX = new Int32Array(maxZ + 1);
    this.frameChild = new Int32Array(maxZ + 1);
    this.frameSave = new Int32Array(maxZ + 1);
    this.optTau = new Float64Array(this.nTies);
    this.optP = new Float64Array(this.nTies);
    this.optK = new Int32Array(this.nTies);
    this.optTie = new Int32Array(this.nTies);
    this.optC = new Float64Array(this.nTies);
    this.dmgScratch = new Float64Array(K);
  }

  get nCandidates(): number {
    return this.candidates.length;
  }

  /**
   * Evaluates with the candidate switches whose mask entry is 1 (all off when omitted); `spec`
   * gives every active candidate the same switching time and failure probability. With `detailed`,
   * also fills the per-element attribution (att*); with `ecost` (default: as detailed) and damage
   * functions in the cost model, lpEcost. Returns the reused summary object; per load point
   * results are in lpLambda / lpU / lpMomentary (/ lpEcost).
   */
  evaluate(mask?: Uint8Array, spec?: SwitchSpec, detailed = false, ecost = detailed): EvaluationSummary {
    const m = mask ?? this.mask0;
    if (m.length < this.candidates.length) throw new Error(`candidate mask has ${m.length} entries, expected ${this.candidates.length}`);
    this.spec = spec ? { sw: spec.switchingHours, phi: PROTECTIVE_TYPES.has((spec.type ?? 'switch') as never) ? (spec.failureProbability ?? 0) : 1 } : null;
    this.detailed = detailed;
    this.damage = ecost && this.costs.classes.length > 0;
    this.buildZones(m);
    this.accumulate();
    return this.summarise();
  }

  // ---------------------------------------------------------------- zones

  private newZone(parent: number, sw: number, phi: number, peak: number): number {
    const z = this.nz++;
    this.zParent[z] = parent;
    this.zSw[z] = sw;
    this.zPhi[z] = phi;
    this.zPeak[z] = peak;
    this.zDepth[z] = parent >= 0 ? this.zDepth[parent] + 1 : 0;
    return z;
  }

  private boundaryZone(parent: number, has0: Uint8Array, sw0: Float64Array, phi0: Float64Array, start: Int32Array, list: Int32Array, s: number, mask: Uint8Array, peak: number): number {
    let has = has0[s];
    let sw = sw0[s];
    let phi = phi0[s];
    for (let k = start[s]; k < start[s + 1]; k++) {
      const c = list[k];
      if (!mask[c]) continue;
      has = 1;
      if (this.spec) {
        sw = Math.min(sw, this.spec.sw);
        phi *= this.spec.phi;
      } else {
        sw = Math.min(sw, this.candSw[c]);
        phi *= this.candPhi[c];
      }
    }
    return has ? this.newZone(parent, sw, phi, peak) : parent;
  }

  private buildZones(mask: Uint8Array): void {
    const ix = this.index;
    this.nz = 0;
    const order = this.ordBus;
    const ordSec = this.ordSec;
    const ordParent = this.ordParent;
    const ordPeak = this.ordPeak;
    const zoneOfBus = this.zoneOfBus;
    const zoneOfSection = this.zoneOfSection;
    for (let i = 0; i < order.length; i++) {
      const v = order[i];
      const s = ordSec[i];
      const peak = ordPeak[i];
      if (s < 0) {
        zoneOfBus[v] = this.newZone(-1, INF, 0, peak);
        continue;
      }
      const zs = this.boundaryZone(zoneOfBus[ordParent[i]], this.upHas, this.upSw, this.upPhi, this.candUpStart, this.candUpList, s, mask, peak);
      zoneOfSection[s] = zs;
      zoneOfBus[v] = this.boundaryZone(zs, this.loHas, this.loSw, this.loPhi, this.candLoStart, this.candLoList, s, mask, peak);
    }
    for (let k = 0; k < this.openSec.length; k++) {
      const b = this.openB[k];
      const zb = zoneOfBus[this.openBus[k]];
      this.zoneOfSection[this.openSec[k]] = b.has ? this.newZone(zb, b.sw, b.phi, 0) : zb;
    }
    const nz = this.nz;
    const zParent = this.zParent;

    // Customers and load below each zone; pre-order intervals.
    const zCust = this.zCust;
    const zKW = this.zKW;
    zCust.fill(0, 0, nz);
    zKW.fill(0, 0, nz);
    for (let l = 0; l < this.nLp; l++) {
      if (!this.lpSupplied[l]) continue;
      const z = zoneOfBus[ix.lpBus[l]];
      zCust[z] += this.lpCustomers[l];
      zKW[z] += this.lpAvgKW[l];
    }
    const zSize = this.zSize;
    zSize.fill(1, 0, nz);
    for (let z = nz - 1; z > 0; z--) {
      const p = zParent[z];
      if (p >= 0) {
        zSize[p] += zSize[z];
        zCust[p] += zCust[z];
        zKW[p] += zKW[z];
      }
    }
    const zPre = this.zPre;
    const zNext = this.zNext;
    let base = 0;
    for (let z = 0; z < nz; z++) {
      const p = zParent[z];
      if (p < 0) {
        zPre[z] = base;
        base += zSize[z];
      } else {
        zPre[z] = zNext[p];
        zNext[p] += zSize[z];
      }
      zNext[z] = zPre[z] + 1;
    }

    // Jump pointers: nearest ancestor with a faster boundary, nearest clearing boundary (self included).
    const zSw = this.zSw;
    const zNsa = this.zNsa;
    const zProtUp = this.zProtUp;
    for (let z = 0; z < nz; z++) {
      const p = zParent[z];
      let y = p;
      const sw = zSw[z];
      while (y >= 0 && zSw[y] >= sw) y = zNsa[y];
      zNsa[z] = y;
      zProtUp[z] = this.zPhi[z] < 1 ? z : zProtUp[p];
    }

    // Elements per zone (CSR).
    const start = this.zElemStart;
    start.fill(0, 0, nz + 1);
    for (let e = 0; e < this.nElem; e++) {
      let z = -1;
      if (this.elemFused[e]) z = -1;
      else if (this.elemKind[e] === ELEM_SECTION) z = this.zoneOfSection[this.elemRef[e]];
      else z = zoneOfBus[this.elemBus[e]];
      this.elemZone[e] = z;
      if (z >= 0) start[z + 1]++;
    }
    for (let z = 0; z < nz; z++) start[z + 1] += start[z];
    for (let z = 0; z < nz; z++) zNext[z] = start[z];
    for (let e = 0; e < this.nElem; e++) {
      const z = this.elemZone[e];
      if (z >= 0) this.zElemList[zNext[z]++] = e;
    }

    // Ties ordered by the pre-order of their near zone; per zone, the range of ties below it.
    const nT = this.nTies;
    const cnt = this.tieCnt;
    cnt.fill(0, 0, nz + 1);
    for (let t = 0; t < nT; t++) {
      const zn = zoneOfBus[this.tieNear[t]];
      this.tieNearZone[t] = zn;
      this.tieFarZone[t] = zoneOfBus[this.tieFar[t]];
      cnt[zPre[zn] + 1]++;
    }
    for (let p = 0; p < nz; p++) cnt[p + 1] += cnt[p];
    if (nT > 0) {
      for (let p = 0; p < nz; p++) zNext[p] = cnt[p];
      for (let t = 0; t < nT; t++) this.tieByPre[zNext[zPre[this.tieNearZone[t]]]++] = t;
    }
    const sStart = this.sChildStart;
    sStart.fill(0, 0, nz + 1);
    for (let z = 0; z < nz; z++) {
      this.zTieLo[z] = cnt[zPre[z]];
      this.zTieHi[z] = cnt[zPre[z] + zSize[z]];
      const p = zParent[z];
      if (p >= 0 && this.zTieHi[z] > this.zTieLo[z]) sStart[p + 1]++;
    }
    if (nT > 0) {
      for (let z = 0; z < nz; z++) sStart[z + 1] += sStart[z];
      for (let z = 0; z < nz; z++) zNext[z] = sStart[z];
      for (let z = 0; z < nz; z++) {
        const p = zParent[z];
        if (p >= 0 && this.zTieHi[z] > this.zTieLo[z]) this.sChildList[zNext[p]++] = z;
      }
      for (let z = 0; z < nz; z++) {
        if (this.zTieHi[z] === this.zTieLo[z]) continue;
        let c = zCust[z];
        let k = zKW[z];
        for (let j = sStart[z]; j < sStart[z + 1]; j++) {
          c -= zCust[this.sChildList[j]];
          k -= zKW[this.sChildList[j]];
        }
        this.zHangCust[z] = c;
        this.zHangKW[z] = k;
      }
    }
  }

  // ---------------------------------------------------------------- pieces

  /**
   * Upstream pieces of a failure in zone z: load points in subtree(pA) \ subtree(pB) are
   * interrupted with probability pW and restored after pM hours (before the repair cap);
   * pLevel = clearing boundaries passed (the failure reaches them when `level` boundaries fail).
   */
  upstreamPieces(z: number): number {
    const zParent = this.zParent;
    const zSw = this.zSw;
    const zPhi = this.zPhi;
    let n = 0;
    let cur = z;
    let m = zSw[z];
    let w = zPhi[z];
    let level = w < 1 ? 1 : 0;
    while (w > 0 && zParent[cur] >= 0) {
      const p = zParent[cur];
      const a = this.zProtUp[p];
      let b = p;
      while (b >= 0 && zSw[b] >= m) b = this.zNsa[b];
      const e = b >= 0 && this.zDepth[b] > this.zDepth[a] ? b : a;
      this.pA[n] = e;
      this.pB[n] = cur;
      this.pM[n] = m;
      this.pW[n] = w;
      this.pLevel[n] = level;
      n++;
      if (zSw[e] < m) m = zSw[e];
      if (zPhi[e] < 1) {
        w *= zPhi[e];
        level++;
      }
      cur = e;
    }
    this.nPieces = n;
    return n;
  }

  /** Clearing outcomes of a failure in zone z: the k-th clears (region = subtree of chainZone[k]) with chainPi[k]. */
  clearingChain(z: number): number {
    let k = 0;
    let x = this.zProtUp[z];
    let rem = 1;
    for (;;) {
      const phi = this.zPhi[x];
      this.chainZone[k] = x;
      this.chainPi[k] = rem * (1 - phi);
      k++;
      rem *= phi;
      if (rem === 0 || this.zParent[x] < 0) break;
      x = this.zProtUp[this.zParent[x]];
    }
    this.nChain = k;
    return k;
  }

  getPiece(i: number): { a: number; b: number; hours: number; weight: number; level: number } {
    return { a: this.pA[i], b: this.pB[i], hours: this.pM[i], weight: this.pW[i], level: this.pLevel[i] };
  }

  getChain(k: number): { zone: number; probability: number } {
    return { zone: this.chainZone[k], probability: this.chainPi[k] };
  }

  // ---------------------------------------------------------------- accumulation

  /** Adds v interruptions of duration t (hours) to the marks of zone z (sign ±1), and to attribution. */
  private mark(z: number, v: number, t: number): void {
    if (t > this.thresholdHours) {
      this.mLS[z] += v;
      this.mU[z] += v * t;
    } else {
      this.mLM[z] += v;
    }
    if (this.damage) {
      const K = this.costs.classes.length;
      const minutes = t * 60;
      for (let c = 0; c < K; c++) this.mD[z * K + c] += v * damageCostPerKW(this.costs.functions[c], minutes);
    }
  }

  private attribute(e: number, v: number, t: number, cust: number, kw: number, classKW: Float64Array | null): void {
    if (t > this.thresholdHours) {
      this.attCI[e] += v * cust;
      this.attCH[e] += v * cust * t;
      this.attKWh[e] += v * kw * t;
    }
    if (classKW) {
      const K = this.costs.classes.length;
      const minutes = t * 60;
      for (let c = 0; c < K; c++) this.attCost[e] += v * classKW[c] * damageCostPerKW(this.costs.functions[c], minutes);
    }
  }

  private zClassKW: Float64Array = new Float64Array(0);
  private zHangClassKW: Float64Array = new Float64Array(0);

  private prepareClassKW(): void {
    // Per zone subtree and hang-off sums of class-weighted load, only for detailed ECOST attribution.
    const K = this.costs.classes.length;
    const nz = this.nz;
    if (this.zClassKW.length < this.maxZones * K) {
      this.zClassKW = new Float64Array(this.maxZones * K);
      this.zHangClassKW = new Float64Array(this.maxZones * K);
    }
    const zc = this.zClassKW;
    zc.fill(0, 0, nz * K);
    for (let l = 0; l < this.nLp; l++) {
      if (!this.lpSupplied[l]) continue;
      const z = this.zoneOfBus[this.index.lpBus[l]];
      for (let c = 0; c < K; c++) zc[z * K + c] += this.costs.classLoadKW[l * K + c];
    }
    for (let z = nz - 1; z > 0; z--) {
      const p = this.zParent[z];
      if (p >= 0) for (let c = 0; c < K; c++) zc[p * K + c] += zc[z * K + c];
    }
    for (let z = 0; z < nz; z++) {
      if (this.zTieHi[z] === this.zTieLo[z]) continue;
      for (let c = 0; c < K; c++) {
        let v = zc[z * K + c];
        for (let j = this.sChildStart[z]; j < this.sChildStart[z + 1]; j++) v -= zc[this.sChildList[j] * K + c];
        this.zHangClassKW[z * K + c] = v;
      }
    }
  }

  private classDiff(a: number, b: number, out: Float64Array): Float64Array {
    const K = this.costs.classes.length;
    for (let c = 0; c < K; c++) out[c] = this.zClassKW[a * K + c] - (b >= 0 ? this.zClassKW[b * K + c] : 0);
    return out;
  }

  private accumulate(): void {
    const nz = this.nz;
    const K = this.costs.classes.length;
    this.mLS.fill(0, 0, nz);
    this.mLM.fill(0, 0, nz);
    this.mU.fill(0, 0, nz);
    if (this.damage) this.mD.fill(0, 0, nz * K);
    const detailed = this.detailed;
    if (detailed) {
      this.attCI.fill(0);
      this.attCH.fill(0);
      this.attKWh.fill(0);
      this.attCost.fill(0);
      if (this.damage) this.prepareClassKW();
    }
    const zCust = this.zCust;
    const zKW = this.zKW;
    const start = this.zElemStart;
    const list = this.zElemList;
    const rate = this.elemRate;
    const repair = this.elemRepair;
    const cls = this.damage ? this.dmgScratch : null;

    for (let z = 0; z < nz; z++) {
      const e0 = start[z];
      const e1 = start[z + 1];
      if (e0 === e1) continue;
      // Upstream pieces.
      const n = this.upstreamPieces(z);
      for (let i = 0; i < n; i++) {
        const a = this.pA[i];
        const b = this.pB[i];
        const mHours = this.pM[i];
        const w = this.pW[i];
        for (let k = e0; k < e1; k++) {
          const e = list[k];
          const r = repair[e];
          const t = mHours < r ? mHours : r;
          const v = rate[e] * w;
          this.mark(a, v, t);
          this.mark(b, -v, t);
          if (detailed) this.attribute(e, v, t, zCust[a] - zCust[b], zKW[a] - zKW[b], cls ? this.classDiff(a, b, cls) : null);
        }
      }
      // The zone itself and everything below it: the repair.
      for (let k = e0; k < e1; k++) {
        const e = list[k];
        this.mark(z, rate[e], repair[e]);
        if (detailed) this.attribute(e, rate[e], repair[e], zCust[z], zKW[z], cls ? this.classDiff(z, -1, cls) : null);
      }
    }
    // Load points fed back through ties.
    if (this.nTies > 0 && this.sChildStart[nz] > 0) this.tieCorrections();

    // Top-down sums of the marks, then per load point.
    const mLS = this.mLS;
    const mLM = this.mLM;
    const mU = this.mU;
    const mD = this.mD;
    for (let z = 0; z < nz; z++) {
      const p = this.zParent[z];
      if (p < 0) continue;
      mLS[z] += mLS[p];
      mLM[z] += mLM[p];
      mU[z] += mU[p];
      if (this.damage) for (let c = 0; c < K; c++) mD[z * K + c] += mD[p * K + c];
    }
    const ix = this.index;
    for (let l = 0; l < this.nLp; l++) {
      if (!this.lpSupplied[l]) {
        this.lpLambda[l] = 0;
        this.lpMomentary[l] = 0;
        this.lpU[l] = 0;
        continue;
      }
      const z = this.zoneOfBus[ix.lpBus[l]];
      this.lpLambda[l] = mLS[z];
      this.lpMomentary[l] = mLM[z];
      this.lpU[l] = mU[z];
      if (this.damage) for (let c = 0; c < K; c++) this.lpDamage[l * K + c] = mD[z * K + c];
    }
    // Fused transformers interrupt only their own load point.
    for (let e = 0; e < this.nElem; e++) {
      if (!this.elemFused[e]) continue;
      const l = this.elemRef[e];
      const t = repair[e];
      const v = rate[e];
      if (t > this.thresholdHours) {
        this.lpLambda[l] += v;
        this.lpU[l] += v * t;
      } else this.lpMomentary[l] += v;
      if (this.damage) {
        for (let c = 0; c < K; c++) this.lpDamage[l * K + c] += v * damageCostPerKW(this.costs.functions[c], t * 60);
      }
      if (detailed) {
        let classKW: Float64Array | null = null;
        if (cls) {
          for (let c = 0; c < K; c++) cls[c] = this.costs.classLoadKW[l * K + c];
          classKW = cls;
        }
        this.attribute(e, v, t, this.lpCustomers[l], this.lpAvgKW[l], classKW);
      }
    }
    if (this.damage) {
      for (let l = 0; l < this.nLp; l++) {
        let s = 0;
        for (let c = 0; c < K; c++) s += this.lpDamage[l * K + c] * this.costs.classLoadKW[l * K + c];
        this.lpEcost[l] = s;
      }
    }
  }

  // ---------------------------------------------------------------- ties

  /**
   * Tie corrections. For a failure and an interrupted load point L, every closed device W between
   * them is an option: on the fault's side it restores L from the source (the upstream pieces
   * already count that as the base time), on L's side it cuts L off so a tie below W can feed it.
   * The second kind exists only for load points below a zone A on the failure's path (A = the
   * faulted zone for load points downstream, or the zone where L's branch leaves the failure's
   * path) inside a child C' of A with a tie below it. So every failure deposits its base time
   * (repair for A's own failures, the fastest separating time beside them) and the probability it
   * reaches A's clearing chain into the bins of each such (A, C') pair; then one walk over the
   * tie-bearing zones below C' per pair applies all bins at once.
   */
  private tieCorrections(): void {
    const nPairs = this.sChildStart[this.nz];
    this.prepareTies(nPairs);
    const nz = this.nz;
    const start = this.zElemStart;
    for (let z = 0; z < nz; z++) if (start[z + 1] > start[z]) this.zoneDeposits(z, 0);
    for (let j = 0; j < nPairs; j++) if (this.binHead[j] >= 0) this.pairWalk(j, 0);
    if (this.detailed) for (let z = 0; z < nz; z++) if (start[z + 1] > start[z]) this.zoneDeposits(z, 1);
  }

  private binHead = new Int32Array(0);
  private binKey = new Float64Array(64);
  private binW = new Float64Array(64);
  private binNext = new Int32Array(64);
  private binUnit = new Float64Array(64 * 4);
  private nBins = 0;
  private depSink: ((pair: number, key: number, weight: number, level: number, mRaw: number) => void) | null = null;

  private prepareTies(nPairs: number): void {
    if (this.binHead.length < nPairs) {
      this.binHead = new Int32Array(nPairs);
      this.pairMinSw = new Float64Array(nPairs);
    }
    this.binHead.fill(-1, 0, nPairs);
    // The fastest any tie below a pair's child could restore (a lower bound of its options).
    const minSw = this.zMinTieSw;
    minSw.fill(INF, 0, this.nz);
    for (let t = 0; t < this.nTies; t++) {
      const z = this.tieNearZone[t];
      if (this.tieSw[t] < minSw[z]) minSw[z] = this.tieSw[t];
    }
    for (let z = this.nz - 1; z > 0; z--) {
      const p = this.zParent[z];
      if (p >= 0 && minSw[z] < minSw[p]) minSw[p] = minSw[z];
    }
    for (let j = 0; j < nPairs; j++) this.pairMinSw[j] = minSw[this.sChildList[j]];
    this.nBins = 0;
    // Nearest proper ancestor with a tie-bearing child other than the one towards the zone.
    const up = this.sBranchUp as Int32Array;
    const sStart = this.sChildStart;
    for (let z = 0; z < this.nz; z++) {
      const p = this.zParent[z];
      if (p < 0) {
        up[z] = -1;
        continue;
      }
      const others = sStart[p + 1] - sStart[p] - (this.zTieHi[z] > this.zTieLo[z] ? 1 : 0);
      up[z] = others > 0 ? p : up[p];
    }
    // Chains of the tie-bearing zones: where options can change going down (stops: branch points,
    // chain ends, the first zone light enough for a capacity-limited tie), and jump pointers to the
    // next zone below with a faster switch.
    const next = this.chainNext;
    const stop = this.isStop;
    for (let z = 0; z < this.nz; z++) {
      const k = sStart[z + 1] - sStart[z];
      next[z] = k === 1 ? this.sChildList[sStart[z]] : -1;
      stop[z] = k === 1 ? 0 : 1;
    }
    for (let t = 0; t < this.nTies; t++) {
      const cap = this.tieCap[t];
      let x = this.tieNearZone[t];
      if (cap === INF || this.zPeak[x] > cap) continue;
      while (this.zParent[x] >= 0 && this.zPeak[this.zParent[x]] <= cap) x = this.zParent[x];
      stop[x] = 1;
    }
    const nsd = this.zNsd;
    const zSw = this.zSw;
    for (let z = this.nz - 1; z >= 0; z--) {
      let y = next[z];
      if (y < 0) continue;
      const sw = zSw[z];
      while (!stop[y] && zSw[y] >= sw) y = nsd[y];
      nsd[z] = y;
    }
  }

  private binFor(pair: number, key: number): number {
    for (let b = this.binHead[pair]; b >= 0; b = this.binNext[b]) if (this.binKey[b] === key) return b;
    if (this.nBins === this.binKey.length) {
      const n = this.nBins * 2;
      const grow = <T extends Float64Array | Int32Array>(a: T, k = 1): T => {
        const g = new (a.constructor as { new (n: number): T })(n * k);
        g.set(a);
        return g;
      };
      this.binKey = grow(this.binKey);
      this.binW = grow(this.binW);
      this.binNext = grow(this.binNext);
      this.binUnit = grow(this.binUnit, 4);
    }
    const b = this.nBins++;
    this.binKey[b] = key;
    this.binW[b] = 0;
    this.binNext[b] = this.binHead[pair];
    this.binUnit.fill(0, b * 4, b * 4 + 4);
    this.binHead[pair] = b;
    return b;
  }

  /**
   * Deposit templates of a failure in zone z (per unit rate, before the repair cap): for each
   * (A, C') pair beside the failure's path, the fastest separating time m up to A's child, the
   * probability w that the failure reaches A's clearing chain, and the clearing boundaries passed.
   */
  private zoneTemplates(z: number): number {
    const sStart = this.sChildStart;
    const sList = this.sChildList;
    const zParent = this.zParent;
    const zSw = this.zSw;
    const zPhi = this.zPhi;
    const zDepth = this.zDepth;
    const zPre = this.zPre;
    const zSize = this.zSize;
    let n = 0;
    let x = z;
    let m = zSw[z];
    let w = zPhi[z];
    let level = w < 1 ? 1 : 0;
    while (w > 0) {
      const a = this.sBranchUp[x];
      if (a < 0) break;
      const dA = zDepth[a];
      let y = zParent[x];
      while (y >= 0 && zSw[y] >= m) y = this.zNsa[y];
      while (y >= 0 && zDepth[y] > dA) {
        m = zSw[y];
        y = this.zNsa[y];
      }
      let p = this.zProtUp[zParent[x]];
      while (zDepth[p] > dA) {
        w *= zPhi[p];
        level++;
        if (w === 0) break;
        p = this.zProtUp[zParent[p]];
      }
      if (w === 0) break;
      const px = zPre[x];
      for (let j = sStart[a]; j < sStart[a + 1]; j++) {
        const c = sList[j];
        if (px >= zPre[c] && px < zPre[c] + zSize[c]) continue;
        // Only a tie faster than the base time can change anything.
        if (m <= this.pairMinSw[j]) continue;
        if (n === this.tplPair.length) this.growTemplates();
        this.tplPair[n] = j;
        this.tplM[n] = m;
        this.tplW[n] = w;
        this.tplLevel[n] = level;
        n++;
      }
      if (zSw[a] < m) m = zSw[a];
      if (zPhi[a] < 1) {
        w *= zPhi[a];
        level++;
      }
      x = a;
    }
    return n;
  }

  private tplPair = new Int32Array(16);
  private tplM = new Float64Array(16);
  private tplW = new Float64Array(16);
  private tplLevel = new Int32Array(16);
  private pairMinSw = new Float64Array(0);

  private growTemplates(): void {
    const n = this.tplPair.length * 2;
    const a = new Int32Array(n);
    a.set(this.tplPair);
    this.tplPair = a;
    const b = new Float64Array(n);
    b.set(this.tplM);
    this.tplM = b;
    const c = new Float64Array(n);
    c.set(this.tplW);
    this.tplW = c;
    const d = new Int32Array(n);
    d.set(this.tplLevel);
    this.tplLevel = d;
  }

  /**
   * The deposits of the failures in zone z: mode 0 adds them to the bins, mode 1 attributes the
   * bins' per-unit corrections back to each element, mode 2 reports them to depSink (Monte Carlo
   * tables; `only` restricts to one element).
   */
  private zoneDeposits(z: number, mode: number, only = -1): void {
    const nt = this.zoneTemplates(z);
    const s0 = this.sChildStart[z];
    const s1 = this.sChildStart[z + 1];
    for (let k = this.zElemStart[z]; k < this.zElemStart[z + 1]; k++) {
      const e = this.zElemList[k];
      if (only >= 0 && e !== only) continue;
      const r = this.elemRepair[e];
      const lam = this.elemRate[e];
      // A's own failures: load points below its tie-bearing children wait for the repair.
      for (let j = s0; j < s1; j++) {
        if (mode === 2 || r > this.pairMinSw[j]) this.deposit(e, mode, j, r, lam, 0, INF);
      }
      for (let i = 0; i < nt; i++) {
        const m = this.tplM[i];
        const key = m < r ? m : r;
        if (mode === 2 || key > this.pairMinSw[this.tplPair[i]]) this.deposit(e, mode, this.tplPair[i], key, lam * this.tplW[i], this.tplLevel[i], m);
      }
    }
  }

  private deposit(e: number, mode: number, pair: number, key: number, weight: number, level: number, mRaw: number): void {
    if (mode === 0) {
      const b = this.binFor(pair, key);
      this.binW[b] += weight;
    } else if (mode === 1) {
      let b = this.binHead[pair];
      while (b >= 0 && this.binKey[b] !== key) b = this.binNext[b];
      if (b < 0) return;
      const u = this.binUnit;
      this.attCI[e] += weight * u[b * 4];
      this.attCH[e] += weight * u[b * 4 + 1];
      this.attKWh[e] += weight * u[b * 4 + 2];
      this.attCost[e] += weight * u[b * 4 + 3];
    } else {
      this.depSink?.(pair, key, weight, level, mRaw);
    }
  }

  /**
   * Walks the tie-bearing zones below pair j's child C', keeping per tie the fastest feasible split
   * above the current zone (RT); at each zone x the ties under C' with a split are the options for
   * the load points hanging off x. Mode 0 applies pair j's bins; mode 1 reports x and the sorted
   * options to pieceSink.
   */
  private pairWalk(j: number, mode: number): void {
    const c = this.sChildList[j];
    const a = this.zParent[c];
    const K = this.clearingChain(a);
    if (mode === 0) this.nSorted = this.sortBins(j);
    const RT = this.RT;
    const tieByPre = this.tieByPre;
    const lo = this.zTieLo[c];
    const hi = this.zTieHi[c];
    // Which clearing outcomes leave each tie's other side supplied: outcomes before kStar.
    for (let q = lo; q < hi; q++) {
      const t = tieByPre[q];
      RT[t] = INF;
      const fz = this.tieFarZone[t];
      let ks = K;
      for (let k = 0; k < K; k++) {
        const rz = this.chainZone[k];
        const d = this.zPre[fz] - this.zPre[rz];
        if (d >= 0 && d < this.zSize[rz]) {
          ks = k;
          break;
        }
      }
      this.tieKStar[t] = ks;
    }
    const sStart = this.sChildStart;
    const sList = this.sChildList;
    let sp = 0;
    let savePtr = 0;
    this.frameX[0] = c;
    this.frameChild[0] = -1;
    while (sp >= 0) {
      const x = this.frameX[sp];
      const ci = this.frameChild[sp];
      if (ci === -1) {
        this.frameSave[sp] = savePtr;
        const peak = this.zPeak[x];
        const sw = this.zSw[x];
        for (let q = this.zTieLo[x]; q < this.zTieHi[x]; q++) {
          const t = tieByPre[q];
          const old = RT[t];
          if (savePtr === this.saveBuf.length) this.growSave();
          this.saveBuf[savePtr++] = old;
          RT[t] = peak <= this.tieCap[t] ? (sw < old ? sw : old) : INF;
        }
        const n = this.options(lo, hi);
        // Along a chain, jump to the next zone where an option can change.
        let runEnd = -1;
        const cc = this.chainNext[x];
        if (cc >= 0) {
          let v = -INF;
          for (let q = this.zTieLo[cc]; q < this.zTieHi[cc]; q++) {
            const rt = RT[tieByPre[q]];
            if (rt < INF && rt > v) v = rt;
          }
          let y = cc;
          while (!this.isStop[y] && this.zSw[y] >= v) y = this.zNsd[y];
          runEnd = y;
        }
        if (n > 0) {
          if (mode === 0) this.applyBins(x, runEnd, n, K);
          else this.pieceSink?.(x, n);
        }
        if (runEnd >= 0) {
          this.frameChild[sp] = sStart[x + 1];
          sp++;
          this.frameX[sp] = runEnd;
          this.frameChild[sp] = -1;
        } else this.frameChild[sp] = sStart[x];
        continue;
      }
      if (ci < sStart[x + 1]) {
        this.frameChild[sp] = ci + 1;
        sp++;
        this.frameX[sp] = sList[ci];
        this.frameChild[sp] = -1;
        continue;
      }
      let ptr = this.frameSave[sp];
      for (let q = this.zTieLo[x]; q < this.zTieHi[x]; q++) RT[tieByPre[q]] = this.saveBuf[ptr++];
      savePtr = this.frameSave[sp];
      sp--;
    }
  }

  private pieceSink: ((x: number, n: number) => void) | null = null;

  private growSave(): void {
    const bigger = new Float64Array(this.saveBuf.length * 2);
    bigger.set(this.saveBuf);
    this.saveBuf = bigger;
  }

  /** Usable tie options for ties tieByPre[lo..hi): sorted by restoration time into opt*. */
  private options(lo: number, hi: number): number {
    let n = 0;
    const tau = this.optTau;
    const pr = this.optP;
    const ks = this.optK;
    const ot = this.optTie;
    for (let q = lo; q < hi; q++) {
      const t = this.tieByPre[q];
      const rt = this.RT[t];
      if (rt === INF || this.tieKStar[t] === 0) continue;
      const tt = rt > this.tieSw[t] ? rt : this.tieSw[t];
      let i = n++;
      while (i > 0 && tau[i - 1] > tt) {
        tau[i] = tau[i - 1];
        pr[i] = pr[i - 1];
        ks[i] = ks[i - 1];
        ot[i] = ot[i - 1];
        i--;
      }
      tau[i] = tt;
      pr[i] = this.tieAvail[t];
      ks[i] = this.tieKStar[t];
      ot[i] = t;
    }
    return n;
  }

  /** Sorts pair j's bins by base time into sortedBins (ascending). */
  private sortBins(j: number): number {
    let n = 0;
    for (let b = this.binHead[j]; b >= 0; b = this.binNext[b]) {
      if (n === this.sortedBins.length) {
        const g = new Int32Array(n * 2);
        g.set(this.sortedBins);
        this.sortedBins = g;
      }
      const key = this.binKey[b];
      let i = n++;
      while (i > 0 && this.binKey[this.sortedBins[i - 1]] > key) {
        this.sortedBins[i] = this.sortedBins[i - 1];
        i--;
      }
      this.sortedBins[i] = b;
    }
    return n;
  }

  private sortedBins = new Int32Array(16);
  private nSorted = 0;

  /**
   * Applies pair j's bins (sorted, nSorted) to the load points from zone x down to (not including)
   * runEnd on its chain, or hanging off x when runEnd is -1; options in opt*, K clearing outcomes.
   * For each outcome the options tried in turn have probabilities c_i; a bin of base time B and
   * weight v gains Σ_{τ_i < B} v·c_i·(o(τ_i) − o(B)). Summed over bins by a merge of the two sorted
   * lists: option i is marked with c_i·(weight of bins with B > τ_i), bin b with −v·(Σ c_i, τ_i < B).
   */
  private applyBins(x: number, runEnd: number, n: number, K: number): void {
    const tau = this.optTau;
    const pr = this.optP;
    const ks = this.optK;
    const c = this.optC;
    const sb = this.sortedBins;
    const nb = this.nSorted;
    const binKey = this.binKey;
    const binW = this.binW;
    if (nb === 0 || tau[0] >= binKey[sb[nb - 1]]) return;
    const sList = this.sChildList;
    const single = runEnd >= 0;
    const s0 = single ? 0 : this.sChildStart[x];
    const s1 = single ? 1 : this.sChildStart[x + 1];
    let total = 0;
    for (let q = 0; q < nb; q++) total += binW[sb[q]];
    for (let k = 0; k < K; k++) {
      let rem = this.chainPi[k];
      if (rem === 0) continue;
      for (let i = 0; i < n; i++) {
        if (ks[i] <= k) c[i] = 0;
        else {
          c[i] = rem * pr[i];
          rem -= c[i];
        }
      }
      // Options: weight of the bins whose base is longer than the option's time.
      let w = total;
      let bp = 0;
      for (let i = 0; i < n; i++) {
        const t = tau[i];
        while (bp < nb && binKey[sb[bp]] <= t) w -= binW[sb[bp++]];
        if (bp === nb) break;
        const val = c[i] * w;
        if (val === 0) continue;
        this.mark(x, val, t);
        for (let q = s0; q < s1; q++) this.mark(single ? runEnd : sList[q], -val, t);
      }
      // Bins: the probability that some option restores them first.
      let cum = 0;
      let ip = 0;
      for (let q = 0; q < nb; q++) {
        const b = sb[q];
        const base = binKey[b];
        while (ip < n && tau[ip] < base) cum += c[ip++];
        const val = binW[b] * cum;
        if (val === 0) continue;
        this.mark(x, -val, base);
        for (let r = s0; r < s1; r++) this.mark(single ? runEnd : sList[r], val, base);
      }
      if (this.detailed) this.unitCorrections(x, runEnd, n, k);
    }
  }

  /** Per-unit corrections of each bin at zone x for outcome k (coefficients in optC), for attributing them to elements. */
  private unitCorrections(x: number, runEnd: number, n: number, _k: number): void {
    const tau = this.optTau;
    const c = this.optC;
    const sb = this.sortedBins;
    const single = runEnd >= 0;
    const thr = this.thresholdHours;
    const hc = single ? this.zCust[x] - this.zCust[runEnd] : this.zHangCust[x];
    const hk = single ? this.zKW[x] - this.zKW[runEnd] : this.zHangKW[x];
    const Kc = this.costs.classes.length;
    const dmg = (t: number): number => {
      let v = 0;
      for (let cl = 0; cl < Kc; cl++) {
        const kw = single ? this.zClassKW[x * Kc + cl] - this.zClassKW[runEnd * Kc + cl] : this.zHangClassKW[x * Kc + cl];
        v += kw * damageCostPerKW(this.costs.functions[cl], t * 60);
      }
      return v;
    };
    const u = this.binUnit;
    let cSum = 0;
    let cSus = 0;
    let cSusT = 0;
    let cDmg = 0;
    let ip = 0;
    for (let q = 0; q < this.nSorted; q++) {
      const b = sb[q];
      const base = this.binKey[b];
      while (ip < n && tau[ip] < base) {
        const t = tau[ip];
        cSum += c[ip];
        if (t > thr) {
          cSus += c[ip];
          cSusT += c[ip] * t;
        }
        if (this.damage && c[ip] !== 0) cDmg += c[ip] * dmg(t);
        ip++;
      }
      if (cSum === 0) continue;
      const sus = base > thr ? 1 : 0;
      u[b * 4] += hc * (cSus - cSum * sus);
      u[b * 4 + 1] += hc * (cSusT - cSum * sus * base);
      u[b * 4 + 2] += hk * (cSusT - cSum * sus * base);
      if (this.damage) u[b * 4 + 3] += cDmg - cSum * dmg(base);
    }
  }

  /**
   * Monte Carlo tables: per element its deposits (pair, base time before the repair cap, level =
   * clearing boundaries it must pass to reach the pair's zone), and per pair the zones below it
   * with their sorted tie options. Runs an evaluation first.
   */
  tieTables(mask?: Uint8Array, spec?: SwitchSpec): {
    deposits: Array<Array<{ pair: number; hours: number; level: number }>>;
    pairs: Array<{ zone: number; chain: number[]; pieces: Array<{ zone: number; ties: number[]; hours: number[]; availability: number[]; kStar: number[] }> }>;
  } {
    this.evaluate(mask, spec);
    const deposits: Array<Array<{ pair: number; hours: number; level: number }>> = Array.from({ length: this.nElem }, () => []);
    const nPairs = this.sChildStart[this.nz];
    const pairs: Array<{ zone: number; chain: number[]; pieces: Array<{ zone: number; ties: number[]; hours: number[]; availability: number[]; kStar: number[] }> }> = [];
    if (this.nTies === 0 || nPairs === 0) return { deposits, pairs };
    this.prepareTies(nPairs);
    for (let e = 0; e < this.nElem; e++) {
      if (this.elemZone[e] < 0) continue;
      this.depSink = (pair, _key, _w, level, mRaw) => deposits[e].push({ pair, hours: mRaw, level });
      this.zoneDeposits(this.elemZone[e], 2, e);
    }
    this.depSink = null;
    for (let j = 0; j < nPairs; j++) {
      const c = this.sChildList[j];
      const K = this.clearingChain(this.zParent[c]);
      const chain = Array.from(this.chainZone.subarray(0, K));
      const pieces: Array<{ zone: number; ties: number[]; hours: number[]; availability: number[]; kStar: number[] }> = [];
      this.pieceSink = (x, n) => {
        pieces.push({
          zone: x,
          ties: Array.from(this.optTie.subarray(0, n)),
          hours: Array.from(this.optTau.subarray(0, n)),
          availability: Array.from(this.optP.subarray(0, n)),
          kStar: Array.from(this.optK.subarray(0, n)),
        });
      };
      this.pairWalk(j, 1);
      this.pieceSink = null;
      pairs.push({ zone: c, chain, pieces });
    }
    return { deposits, pairs };
  }

  // ---------------------------------------------------------------- results

  private summarise(): EvaluationSummary {
    let cust = 0;
    let ci = 0;
    let ch = 0;
    let cm = 0;
    let ens = 0;
    let cens = 0;
    const perKWh = this.costs.perKWh;
    for (let l = 0; l < this.nLp; l++) {
      if (!this.lpSupplied[l]) continue;
      const n = this.lpCustomers[l];
      cust += n;
      ci += n * this.lpLambda[l];
      ch += n * this.lpU[l];
      cm += n * this.lpMomentary[l];
      ens += this.lpAvgKW[l] * this.lpU[l];
      if (perKWh) cens += this.costs.loadKW[l] * this.lpU[l] * perKWh[l];
    }
    const s = this.summary;
    s.customers = cust;
    s.saifi = cust > 0 ? ci / cust : 0;
    s.saidi = cust > 0 ? ch / cust : 0;
    s.maifi = cust > 0 ? cm / cust : 0;
    s.ensKWh = ens;
    s.cens = perKWh ? cens : NaN;
    return s;
  }
}
