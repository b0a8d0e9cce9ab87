/**
 * The FLISR planner (thesis §6.2, and what commercial FLISR does): locate the faulted zone from the
 * indications, isolate it with the nearest automated devices, reclose upstream, restore downstream
 * areas through ties within limits (splitting areas or leaving low-priority parts out when needed),
 * then say what a crew can add with manual devices. Every step carries its reason and the state
 * to read back; every intermediate state passes the interlocks.
 */
import type { LoadedFeeder } from '../model/load';
import { Topology } from '../model/topology';
import { StateChecker } from './check';
import { indicatingMask, locateFault, simulateIndications, type Location } from './locate';
import { collectBelow, deviceAbove, liveBuses, members, type Region } from './regions';
import { deadAreas, priorityLevels, restoreArea, type RestoreContext } from './restore';
import type { FaultIndications, FdirOptions, FdirPlan, PlanStep, RestorationGroup, StepMode, StepStage } from './types';

export interface PlanRequest extends FdirOptions {
  /** Indications from the field; or give `faultSection` to derive them (studies, tests, the CLI). */
  indications?: FaultIndications;
  /** The faulted section when known (from a study or after the crew found it): tightens the crew stage. */
  faultSection?: string;
  /**
   * Device states now, where they differ from the pre-fault states with the tripped device open:
   * a replan after a step failed starts from what the field reports (device id -> closed).
   */
  current?: Record<string, boolean>;
  /** Devices that must not be operated remotely (a failed command, an IED out of remote): isolation widens past them, restoration avoids them. */
  unavailable?: string[];
}

interface Draft {
  device: number;
  action: 'open' | 'close';
  mode: StepMode;
  stage: StepStage;
  reason: string;
}

export function planFdir(feeder: LoadedFeeder, req: PlanRequest): FdirPlan {
  const ix = feeder.index;
  const model = feeder.model;
  const live = ix.deviceStates(req.states);

  // Where the fault is, seen in the state before the protection operated.
  let indications = req.indications;
  const faultSection = req.faultSection !== undefined ? ix.sectionIndex.get(req.faultSection) : undefined;
  if (req.faultSection !== undefined && faultSection === undefined) throw new Error(`fault section "${req.faultSection}" does not exist`);
  const preFault = live.slice();
  const trippedId = indications?.tripped;
  if (trippedId !== undefined) {
    if (!ix.deviceIndex.has(trippedId)) throw new Error(`tripped: device "${trippedId}" does not exist`);
    preFault[ix.deviceIndex.get(trippedId)!] = 1;
  }
  const t0 = new Topology(ix, preFault);
  const indicating = indicatingMask(t0, req.indicatingDevices);
  if (!indications) {
    if (faultSection === undefined) throw new Error('give the fault indications or the faulted section');
    indications = simulateIndications(t0, faultSection, indicating);
  }
  const loc = locateFault(t0, indications, indicating);
  const tripped = loc.tripped >= 0 ? loc.tripped : t0.protectiveForSection(ix.sectionIndex.get(loc.fault.sections[0] ?? '') ?? -1);
  const afterTrip = preFault.slice();
  if (tripped >= 0) afterTrip[tripped] = 0;
  for (const [id, closed] of Object.entries(req.current ?? {})) {
    const d = ix.deviceIndex.get(id);
    if (d === undefined) throw new Error(`current state: device "${id}" does not exist`);
    afterTrip[d] = closed ? 1 : 0;
  }
  const blocked = new Uint8Array(ix.nDevices);
  for (const id of req.unavailable ?? []) {
    const d = ix.deviceIndex.get(id);
    if (d === undefined) throw new Error(`unavailable: device "${id}" does not exist`);
    blocked[d] = 1;
  }
  const tTrip = new Topology(ix, afterTrip);
  const interruptedLps = lpsLost(t0, tTrip);
  const notes = [...loc.fault.notes];
  if (tripped < 0) notes.push('no protective device above the fault in the model: nothing clears it until the zone is isolated');

  const base = {
    fault: loc.fault,
    customersInterrupted: sum(interruptedLps, (l) => model.loadPoints[l].customers),
    kWInterrupted: sum(interruptedLps, (l) => model.loadPoints[l].avgKW),
  };
  if (loc.fault.clearedByFuse) {
    // A lateral fuse cleared it: nothing to switch; the lateral waits for the repair.
    return {
      ...base, isolatedSections: loc.fault.sections, crewIsolatedSections: loc.fault.sections, steps: [], openDevices: [loc.fault.clearedByFuse], closedTies: [],
      customersRestored: 0, customersRestoredByCrew: 0, customersOut: base.customersInterrupted, kWOut: base.kWInterrupted, shed: [],
      groups: [], estimatedRepairHours: repairHours(feeder, loc.region), checkedBy: 'capacity only', notes, finalStates: statesOf(feeder, afterTrip),
    };
  }

  // Isolation by the nearest automated devices: widen the located zone up and down to them.
  const automated = (d: number) => model.devices[d].automated && !blocked[d];
  let upper = loc.top;
  while (upper >= 0 && !automated(upper)) upper = deviceAbove(t0, upper);
  if (upper < 0) throw new Error(`no automated device above the faulted zone (below "${model.devices[loc.top].id}"): isolation needs a crew`);
  const rBoundary = new Set(loc.region.boundaries);
  const isolated = collectBelow(t0, upper, (d) => automated(d) && (rBoundary.has(d) || !loc.region.sections[ix.devSection[d]]));
  if (upper !== loc.top) notes.push(`the zone is widened up to automated device "${model.devices[upper].id}"`);
  const widenedDown = isolated.boundaries.filter((d) => !rBoundary.has(d));
  if (widenedDown.length) notes.push(`the zone is widened down to automated devices ${widenedDown.map((d) => `"${model.devices[d].id}"`).join(', ')}`);

  const checker = new StateChecker(ix, preFault, req);
  const { levels, lpLevel } = priorityLevels(model.loadPoints.map((lp) => lp.priority ?? 0));
  const drafts: Draft[] = [];
  const state = afterTrip.slice();
  const push = (d: number, action: 'open' | 'close', mode: StepMode, stage: StepStage, reason: string) => {
    drafts.push({ device: d, action, mode, stage, reason });
    state[d] = action === 'close' ? 1 : 0;
  };
  setForbidden(checker, isolated);
  if (upper !== tripped && state[upper]) push(upper, 'open', 'remote', 'isolate', `isolate the faulted zone on its source side`);
  for (const d of isolated.boundaries) if (state[d]) push(d, 'open', 'remote', 'isolate', 'isolate the faulted zone on its far side');
  if (tripped >= 0 && tripped !== upper && !state[tripped]) {
    const trial = state.slice();
    trial[tripped] = 1;
    const res = checker.check(trial);
    if (res.ok) push(tripped, 'close', 'remote', 'restore-upstream', 'reclose to restore the healthy sections upstream of the isolated zone');
    else notes.push(`upstream reclose of "${model.devices[tripped].id}" refused: ${res.reason}`);
  }
  const ctx = (operable: (d: number) => boolean): RestoreContext => ({
    topo: new Topology(ix, state), checker, operable, levels, lpLevel, maxCombinations: req.maxCombinations ?? 256,
  });
  restoreDownstream(ctx(automated), state, checker, push, 'remote', 'restore-downstream', automated);

  // Crew stage: manual devices around the fault restore the rest of the automated zone.
  let crewRegion: Region = loc.region;
  if (faultSection !== undefined && t0.secDown[faultSection] >= 0) {
    const up = t0.secUp[faultSection];
    let top = -1;
    for (let k = ix.devStart[faultSection]; k < ix.devStart[faultSection + 1]; k++) {
      const d = ix.devList[k];
      if (t0.deviceAtUpstreamEnd(d)) top = d;
    }
    if (top < 0) top = t0.deviceAboveBus[up];
    if (top >= 0) crewRegion = collectBelow(t0, top, () => true);
    if (top >= 0 && !crewRegion.sections[faultSection]) crewRegion = loc.region;
  }
  const crewTop = crewRegionTop(t0, crewRegion, loc.top);
  const smaller = members(crewRegion.sections).length < members(isolated.sections).length || members(crewRegion.buses).length < members(isolated.buses).length;
  if (smaller) {
    // Open the upstream bound, and downstream bounds only where a tie can feed what lies beyond.
    const beyondFeedable = (d: number) => d === crewTop || t0.tiesBelow(t0.secDown[ix.devSection[d]]).length > 0;
    for (const d of [crewTop, ...crewRegion.boundaries]) {
      if (d >= 0 && state[d] && beyondFeedable(d) && isolated.sections[ix.devSection[d]] + isolatedTouch(isolated, ix, d) > 0) {
        push(d, 'open', automated(d) ? 'remote' : 'crew', 'crew-isolate', 'isolate the faulted section tightly so the rest of the zone can be restored');
      }
    }
    setForbidden(checker, crewRegion);
    for (const d of [upper, ...isolated.boundaries]) {
      if (state[d] || d === tripped) continue;
      const trial = state.slice();
      trial[d] = 1;
      if (checker.check(trial).ok) push(d, 'close', automated(d) ? 'remote' : 'crew', 'crew-restore', 'restore the healthy part of the isolated zone');
    }
    if (tripped >= 0 && !state[tripped]) {
      const trial = state.slice();
      trial[tripped] = 1;
      if (checker.check(trial).ok) push(tripped, 'close', 'remote', 'crew-restore', 'reclose now that the faulted section is isolated');
    }
  }
  restoreDownstream(ctx(() => true), state, checker, push, 'crew', 'crew-restore', automated);

  return assemble(feeder, { loc, isolated, crewRegion, drafts, afterTrip, interruptedLps, notes, checker, base, levels, lpLevel, final: state });
}

function setForbidden(checker: StateChecker, region: Region): void {
  checker.forbiddenSections = region.sections.slice();
  checker.forbiddenBuses = region.buses.slice();
}

function isolatedTouch(isolated: Region, ix: LoadedFeeder['index'], d: number): number {
  const s = ix.devSection[d];
  return isolated.buses[ix.secFrom[s]] || isolated.buses[ix.secTo[s]] ? 1 : 0;
}

/** The device above the crew region: its top boundary. */
function crewRegionTop(t0: Topology, region: Region, fallback: number): number {
  const ix = t0.index;
  for (let s = 0; s < ix.nSections; s++) {
    if (!region.sections[s]) continue;
    const up = t0.secUp[s];
    if (up >= 0 && !region.buses[up]) {
      for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) if (t0.deviceAtUpstreamEnd(ix.devList[k])) return ix.devList[k];
      return t0.deviceAboveBus[up];
    }
  }
  for (let b = 0; b < ix.nBuses; b++) {
    if (!region.buses[b]) continue;
    const s = t0.parentSec[b];
    if (s >= 0 && !region.sections[s]) {
      for (let k = ix.devStart[s]; k < ix.devStart[s + 1]; k++) if (!t0.deviceAtUpstreamEnd(ix.devList[k])) return ix.devList[k];
    }
  }
  return fallback;
}

function restoreDownstream(
  ctx: RestoreContext, state: Uint8Array, checker: StateChecker,
  push: (d: number, a: 'open' | 'close', m: StepMode, st: StepStage, r: string) => void, mode: StepMode, stage: StepStage, remote: (d: number) => boolean,
): void {
  const model = ctx.topo.model;
  const areas = deadAreas(ctx.topo, checker.forbiddenBuses);
  // Larger areas first: they need the ties' capacity most.
  areas.sort((a, b) => b.length - a.length);
  // The topology is rebuilt only after an area's restoration changed the state.
  let topo = ctx.topo;
  let changed = false;
  for (const area of areas) {
    if (changed) topo = new Topology(topo.index, state);
    changed = false;
    const opt = restoreArea({ ...ctx, topo }, state, area);
    if (!opt) continue;
    changed = true;
    for (const d of opt.open) push(d, 'open', remote(d) ? 'remote' : mode, stage, 'split the de-energised area so each part stays within limits');
    for (const d of opt.close) push(d, 'close', remote(d) ? 'remote' : mode, stage, `back-feed the healthy area through tie "${model.devices[d].id}"`);
  }
}

function lpsLost(before: Topology, after: Topology): number[] {
  const ix = before.index;
  const out: number[] = [];
  for (let l = 0; l < ix.nLoadPoints; l++) if (before.energised(ix.lpBus[l]) && !after.energised(ix.lpBus[l])) out.push(l);
  return out;
}

function sum(items: number[], f: (i: number) => number): number {
  let s = 0;
  for (const i of items) s += f(i);
  return Math.round(s * 1000) / 1000;
}

function repairHours(feeder: LoadedFeeder, region: Region): number {
  let h = 0;
  for (const s of members(region.sections)) h = Math.max(h, feeder.model.sections[s].repairHours);
  return h;
}

function statesOf(feeder: LoadedFeeder, state: Uint8Array): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  feeder.model.devices.forEach((d, i) => (out[d.id] = state[i] === 1));
  return out;
}

interface AssembleInput {
  loc: Location;
  isolated: Region;
  crewRegion: Region;
  drafts: Draft[];
  afterTrip: Uint8Array;
  interruptedLps: number[];
  notes: string[];
  checker: StateChecker;
  base: { fault: FdirPlan['fault']; customersInterrupted: number; kWInterrupted: number };
  levels: number[];
  lpLevel: Int32Array;
  final: Uint8Array;
}

function assemble(feeder: LoadedFeeder, a: AssembleInput): FdirPlan {
  const ix = feeder.index;
  const model = feeder.model;
  const lps = model.loadPoints;
  const state = a.afterTrip.slice();
  let live = liveBuses(ix, state);
  const steps: PlanStep[] = [];
  const groups: RestorationGroup[] = [];
  const interrupted = new Set(a.interruptedLps);
  const everInterrupted = new Set(a.interruptedLps);
  let restoredRemote = 0;
  let restoredCrew = 0;
  a.drafts.forEach((d, i) => {
    state[d.device] = d.action === 'close' ? 1 : 0;
    const next = liveBuses(ix, state);
    const restores: string[] = [];
    const lpIdx: number[] = [];
    for (const l of interrupted) {
      if (!live[ix.lpBus[l]] && next[ix.lpBus[l]]) {
        restores.push(lps[l].id);
        lpIdx.push(l);
      }
    }
    for (const l of lpIdx) interrupted.delete(l);
    // Load points a step itself disconnects (isolation of a live feeder, splits) count as interrupted too.
    for (let l = 0; l < ix.nLoadPoints; l++) {
      if (live[ix.lpBus[l]] && !next[ix.lpBus[l]] && !everInterrupted.has(l)) {
        everInterrupted.add(l);
        interrupted.add(l);
      }
    }
    live = next;
    steps.push({ step: i + 1, device: model.devices[d.device].id, action: d.action, mode: d.mode, stage: d.stage, reason: d.reason, expectedClosed: d.action === 'close', restores });
    if (lpIdx.length) {
      const customers = sum(lpIdx, (l) => lps[l].customers);
      if (d.mode === 'crew' || d.stage.startsWith('crew')) restoredCrew += customers;
      else restoredRemote += customers;
      const via = d.stage === 'restore-upstream' ? 'upstream' : d.mode === 'crew' || d.stage.startsWith('crew') ? 'crew' : `tie:${model.devices[d.device].id}`;
      groups.push({ loadPoints: lpIdx.map((l) => lps[l].id), customers, kW: sum(lpIdx, (l) => lps[l].avgKW), via, afterStep: i + 1 });
    }
  });
  const stillOut = [...interrupted];
  const feedable = reachableAvoiding(ix, a.crewRegion);
  const shed = stillOut.filter((l) => feedable[ix.lpBus[l]]).sort((x, y) => (lps[x].priority ?? 0) - (lps[y].priority ?? 0)).map((l) => lps[l].id);
  if (shed.length) a.notes.push(`healthy load points left out within limits: ${shed.join(', ')}`);
  const openDevices: string[] = [];
  const closedTies: string[] = [];
  for (let d = 0; d < ix.nDevices; d++) {
    if (a.afterTrip[d] && !a.final[d]) openDevices.push(model.devices[d].id);
    if (!ix.devNormallyClosed[d] && a.final[d]) closedTies.push(model.devices[d].id);
  }
  if (a.loc.tripped >= 0 && !a.final[a.loc.tripped]) openDevices.unshift(model.devices[a.loc.tripped].id);
  const interruptedAll = [...everInterrupted];
  return {
    ...a.base,
    customersInterrupted: sum(interruptedAll, (l) => lps[l].customers),
    kWInterrupted: sum(interruptedAll, (l) => lps[l].avgKW),
    isolatedSections: members(a.isolated.sections).map((s) => model.sections[s].id),
    crewIsolatedSections: members(a.crewRegion.sections).map((s) => model.sections[s].id),
    steps,
    openDevices: [...new Set(openDevices)],
    closedTies,
    customersRestored: restoredRemote + restoredCrew,
    customersRestoredByCrew: restoredCrew,
    customersOut: sum(stillOut, (l) => lps[l].customers),
    kWOut: sum(stillOut, (l) => lps[l].avgKW),
    shed,
    groups,
    estimatedRepairHours: repairHours(feeder, a.crewRegion),
    checkedBy: a.checker.method,
    notes: a.notes,
    finalStates: statesOf(feeder, a.final),
  };
}

/** Buses some source could reach with every device closed, without passing through the faulted region. */
function reachableAvoiding(ix: LoadedFeeder['index'], region: Region): Uint8Array {
  const seen = new Uint8Array(ix.nBuses);
  const stack: number[] = [];
  for (const b of ix.sourceBus) if (!region.buses[b] && !seen[b]) { seen[b] = 1; stack.push(b); }
  while (stack.length) {
    const u = stack.pop()!;
    for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
      const v = ix.adjBus[k];
      if (seen[v] || region.buses[v] || region.sections[ix.adjSec[k]]) continue;
      seen[v] = 1;
      stack.push(v);
    }
  }
  return seen;
}
