/**
 * Seeded random radial feeders, valid by construction, for property tests and benchmarks of every
 * feature: feeders grow a main line with laterals, carry breakers, switches (some automated),
 * lateral fuses (some failing), load points with transformers, and normally-open ties between
 * feeders. The same options and seed always give the same model.
 */
import { Rng } from '../util/rng';
import type { Device, FeederModel, LoadPoint, Section } from '../model/types';

export interface RandomFeederOptions {
  /** Number of line sections, ties excluded (default 50). */
  sections?: number;
  seed?: number;
  sources?: number;
  /** Feeders per source (default 2). */
  feedersPerSource?: number;
  /** Normally-open ties between feeders (default 1 when there are two feeders or more). */
  ties?: number;
  /** Probability that a section carries a sectionalising switch (default 0.2). */
  switchProbability?: number;
  /** Probability that a switch or tie is automated (default 0.3). */
  automatedProbability?: number;
  /** Probability that a lateral starts with a fuse (default 0.6). */
  fuseProbability?: number;
  /** Probability that a fuse has a non-zero failure probability (default 0.2). */
  fuseFailureProbability?: number;
  /** Probability that a bus carries a load point (default 0.5). */
  loadProbability?: number;
  /** Probability that a load point has a transformer (default 0.5). */
  transformerProbability?: number;
  /** Share of new buses that extend the main line rather than branch (default 0.3). */
  mainShare?: number;
  /** Multiplier on line impedances (default 1; lower it for very large feeders in power flow). */
  impedanceScale?: number;
  /** Multiplier on loads (default 1). */
  loadScale?: number;
  /** Tie availability below 1 and tie capacity limits (default false). */
  tieLimits?: boolean;
}

export function randomFeeder(opts: RandomFeederOptions = {}): FeederModel {
  const rng = new Rng(opts.seed ?? 1);
  const nSections = Math.max(1, opts.sections ?? 50);
  const nSources = Math.max(1, opts.sources ?? 1);
  const perSource = Math.max(1, opts.feedersPerSource ?? 2);
  const nFeeders = Math.min(nSections, nSources * perSource);
  const pSwitch = opts.switchProbability ?? 0.2;
  const pAuto = opts.automatedProbability ?? 0.3;
  const pFuse = opts.fuseProbability ?? 0.6;
  const pFuseFail = opts.fuseFailureProbability ?? 0.2;
  const pLoad = opts.loadProbability ?? 0.5;
  const pTx = opts.transformerProbability ?? 0.5;
  const mainShare = opts.mainShare ?? 0.3;
  const zScale = opts.impedanceScale ?? 1;
  const loadScale = opts.loadScale ?? 1;

  const model: FeederModel = { format: 'dms-feeder/1', name: `random feeder (seed ${opts.seed ?? 1}, ${nSections} sections)`, baseKV: 11, buses: [], sources: [], sections: [], devices: [], loadPoints: [] };
  const feederBuses: number[][] = [];
  const feederTip: number[] = [];
  const busFeeder: number[] = [];
  let nextDevice = 0;

  const addBus = (feeder: number): number => {
    const b = model.buses.length;
    model.buses.push({ id: `B${b}` });
    busFeeder.push(feeder);
    return b;
  };
  const addDevice = (d: Omit<Device, 'id'>, prefix: string): void => {
    model.devices.push({ id: `${prefix}${nextDevice++}`, ...d });
  };
  const addSection = (from: number, to: number, kind: Section['kind']): Section => {
    const lengthKm = Math.round(rng.range(0.1, 2) * 100) / 100;
    const sec: Section = {
      id: `S${model.sections.length + 1}`,
      from: `B${from}`,
      to: `B${to}`,
      lengthKm,
      failureRatePerKmYr: Math.round(rng.range(0.02, 0.2) * 1000) / 1000,
      repairHours: Math.round(rng.range(2, 8) * 10) / 10,
      rOhm: lengthKm * 0.3 * zScale,
      xOhm: lengthKm * 0.35 * zScale,
      ratingA: 400,
      kind,
    };
    model.sections.push(sec);
    return sec;
  };

  for (let s = 0; s < nSources; s++) {
    const b = addBus(-1);
    model.sources.push({ id: `SRC${s}`, bus: `B${b}`, kind: 'substation' });
  }
  for (let f = 0; f < nFeeders; f++) {
    const srcBus = f % nSources;
    const head = addBus(f);
    const sec = addSection(srcBus, head, 'main');
    addDevice({ type: 'breaker', section: sec.id, end: 'from', normallyOpen: false, automated: true, switchingHours: 0.5, recloseShots: rng.int(0, 3) }, 'CB');
    feederBuses.push([head]);
    feederTip.push(head);
  }
  for (let k = nFeeders; k < nSections; k++) {
    const f = k % nFeeders;
    const buses = feederBuses[f];
    const main = rng.bool(mainShare);
    const parent = main ? feederTip[f] : buses[rng.int(0, buses.length - 1)];
    const child = addBus(f);
    const sec = addSection(parent, child, main ? 'main' : 'lateral');
    buses.push(child);
    if (main) feederTip[f] = child;
    if (!main && rng.bool(pFuse)) {
      addDevice({ type: 'fuse', section: sec.id, end: 'from', normallyOpen: false, automated: false, switchingHours: Math.round(rng.range(0.3, 1.5) * 10) / 10, ...(rng.bool(pFuseFail) ? { failureProbability: Math.round(rng.range(0.01, 0.3) * 100) / 100 } : {}) }, 'FU');
    } else if (rng.bool(pSwitch)) {
      const automated = rng.bool(pAuto);
      addDevice({ type: rng.bool(0.15) ? 'sectionalizer' : 'switch', section: sec.id, end: rng.bool(0.8) ? 'from' : 'to', normallyOpen: false, automated, switchingHours: automated ? 0.0167 : Math.round(rng.range(0.5, 2) * 10) / 10 }, 'SW');
    }
  }
  const nTies = nFeeders < 2 ? 0 : (opts.ties ?? 1);
  for (let t = 0; t < nTies; t++) {
    const fa = rng.int(0, nFeeders - 1);
    let fb = rng.int(0, nFeeders - 2);
    if (fb >= fa) fb++;
    const a = rng.pick(feederBuses[fa]);
    const b = rng.pick(feederBuses[fb]);
    const lengthKm = Math.round(rng.range(0.1, 1) * 100) / 100;
    const sec: Section = { id: `T${t + 1}`, from: `B${a}`, to: `B${b}`, lengthKm, failureRatePerYr: 0, repairHours: 0, rOhm: lengthKm * 0.3 * zScale, xOhm: lengthKm * 0.35 * zScale, ratingA: 400, kind: 'tie' };
    model.sections.push(sec);
    const automated = rng.bool(pAuto);
    addDevice({
      type: 'tie', section: sec.id, end: rng.bool() ? 'from' : 'to', normallyOpen: true, automated,
      switchingHours: automated ? 0.0167 : Math.round(rng.range(0.5, 2) * 10) / 10,
      ...(opts.tieLimits ? { availability: Math.round(rng.range(0.7, 1) * 100) / 100, ...(rng.bool(0.5) ? { capacityKW: Math.round(rng.range(200, 3000)) } : {}) } : {}),
    }, 'NO');
  }
  for (let b = nSources; b < model.buses.length; b++) {
    if (!rng.bool(pLoad) && b !== model.buses.length - 1) continue;
    const customers = rng.int(1, 200);
    const avgKW = Math.round(customers * rng.range(0.5, 3) * loadScale * 10) / 10;
    const lp: LoadPoint = { id: `LP${model.loadPoints.length + 1}`, bus: `B${b}`, customers, avgKW, peakKW: Math.round((avgKW / rng.range(0.5, 0.8)) * 10) / 10, pf: 0.9, customerClass: rng.pick(['residential', 'commercial', 'industrial']) };
    if (rng.bool(pTx)) {
      lp.transformer = { failureRatePerYr: Math.round(rng.range(0.005, 0.05) * 1000) / 1000, repairHours: Math.round(rng.range(20, 200)), replacementHours: Math.round(rng.range(4, 12)), ...(rng.bool(0.3) ? { fused: true } : {}) };
    }
    model.loadPoints.push(lp);
  }
  return model;
}
