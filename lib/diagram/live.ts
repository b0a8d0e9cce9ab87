/**
 * The live single-line diagram of a running flow: a plain JSON state that follows the messages of
 * the dms nodes (device positions from `ied/measurement`, the faulted zone from `fdir/plan`, the
 * outage from `fault/event` and the FDIR events) and renders it with `renderFeederSvg`.
 *
 * The state is plain JSON so a function node can keep it in any context store (memory or file):
 *
 *   const next = applyLiveMessage(feeder, flow.get('diagram') ?? emptyLiveState(), msg);
 *   flow.set('diagram', next.state);
 *   if (next.changed) return { topic: 'diagram/svg', payload: liveSvg(feeder, next.state) };
 *
 * `loadFeederCached` and `packagePath` let a function node load a model file once per process.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadFeederFile, type LoadedFeeder } from '../model/load';
import { MeshError, Topology } from '../model/topology';
import { loadNetwork } from '../networks';
import { renderFeederSvg, sectionStates, type DiagramView, type SectionState } from './svg';

export interface LiveDiagramState {
  /** Device positions read from the field (device id -> closed); devices not listed are in their normal state. */
  states: Record<string, boolean>;
  /** Last good position points per device (reports by exception carry only the points that changed). */
  points: Record<string, { breakerClosed: boolean | null; breakerOpen: boolean | null }>;
  /** Device positions when the outage began (lockout), for telling restored supply apart; null outside an incident. */
  outageStates: Record<string, boolean> | null;
  /** Sections of the located faulted zone, until the repair is reported. */
  faulted: string[];
  /** Incident id of the FDIR node, when one is open. */
  incident: string | null;
  /** The steps of the last plan (for crew confirmations, which carry only the step number). */
  steps: Array<{ step: number; device: string; action: 'open' | 'close'; mode: string }>;
  /** Epoch ms of the last change. */
  changedAt: number | null;
}

export interface LiveUpdate {
  state: LiveDiagramState;
  /** The drawing differs from the one before this message. */
  changed: boolean;
  /** The device positions changed (for re-evaluating reliability under the live configuration). */
  statesChanged: boolean;
}

export interface LiveSummary {
  /** Sections by state. */
  sections: Record<SectionState, number>;
  loadPointsOut: string[];
  customersOut: number;
  /** The live configuration is radial (a close-before-open transfer makes a loop for a moment). */
  radial: boolean;
  faulted: string[];
  offNormal: string[];
}

export function emptyLiveState(): LiveDiagramState {
  return { states: {}, points: {}, outageStates: null, faulted: [], incident: null, steps: [], changedAt: null };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

function copy(s: LiveDiagramState): LiveDiagramState {
  return {
    states: { ...s.states },
    points: Object.fromEntries(Object.entries(s.points ?? {}).map(([k, v]) => [k, { ...v }])),
    outageStates: s.outageStates ? { ...s.outageStates } : null,
    faulted: [...s.faulted],
    incident: s.incident,
    steps: s.steps.map((x) => ({ ...x })),
    changedAt: s.changedAt,
  };
}

/**
 * Merges the position points of a measurement into what is known of the device and returns its
 * position: null while travelling (neither contact made), in a bad state (both), or unknown.
 */
function positionOf(known: { breakerClosed: boolean | null; breakerOpen: boolean | null }, payload: Record<string, unknown>): boolean | null {
  const values = isObject(payload.values) ? payload.values : {};
  const qualities = isObject(payload.qualities) ? payload.qualities : {};
  for (const point of ['breakerClosed', 'breakerOpen'] as const) {
    if (!(point in values)) continue;
    const v = values[point];
    const q = qualities[point] ?? payload.quality ?? 'good';
    known[point] = typeof v === 'boolean' && q === 'good' ? v : null;
  }
  const { breakerClosed: closed, breakerOpen: open } = known;
  if (closed === null || open === null || closed === open) return null;
  return closed;
}

/**
 * Applies one message to the live state. Topics: `ied/measurement` (dms-ied-reader), `fault/event`
 * (dms-fault-detector), `fdir/plan`, `fdir/event` (dms-fdir), `diagram/reset` (clears the incident:
 * faulted zone, outage, crew-set positions; e.g. after the simulator was reset). Other topics leave the state as it is. Device ids the
 * model does not know are ignored (an IED of another feeder on the same Modbus network).
 */
export function applyLiveMessage(feeder: LoadedFeeder, previous: LiveDiagramState | null | undefined, msg: { topic?: unknown; payload?: unknown }): LiveUpdate {
  const before = previous ?? emptyLiveState();
  const state = copy(before);
  const p = isObject(msg.payload) ? msg.payload : {};
  const known = (id: unknown): id is string => typeof id === 'string' && feeder.index.deviceIndex.has(id);
  let changed = false;
  let statesChanged = false;
  const setDevice = (id: string, closed: boolean): void => {
    const normal = !feeder.model.devices[feeder.index.deviceIndex.get(id)!].normallyOpen;
    const was = id in state.states ? state.states[id] : normal;
    if (was === closed && id in state.states) return;
    state.states[id] = closed;
    if (was !== closed) {
      changed = true;
      statesChanged = true;
    }
  };
  switch (msg.topic) {
    case 'ied/measurement': {
      if (!known(p.device)) break;
      state.points[p.device] ??= { breakerClosed: null, breakerOpen: null };
      const pos = positionOf(state.points[p.device], p);
      if (pos !== null) setDevice(p.device, pos);
      break;
    }
    case 'fault/event': {
      if (p.stage === 'lockout' && !state.outageStates) {
        state.outageStates = { ...state.states };
        if (known(p.device)) state.outageStates[p.device] = false;
        changed = true;
      }
      break;
    }
    case 'fdir/plan': {
      const steps = Array.isArray(p.plan)
        ? p.plan.filter(isObject).map((s) => ({ step: Number(s.step), device: String(s.device), action: (s.action === 'close' ? 'close' : 'open') as 'open' | 'close', mode: String(s.mode) }))
        : [];
      state.steps = steps;
      if (p.kind === 'return-to-normal') break;
      const zone = Array.isArray(p.faultedZone) ? p.faultedZone.filter((s): s is string => typeof s === 'string' && feeder.index.sectionIndex.has(s)) : [];
      if (zone.join() !== state.faulted.join()) changed = true;
      state.faulted = zone;
      state.incident = typeof p.incident === 'string' ? p.incident : state.incident;
      if (!state.outageStates) {
        state.outageStates = { ...state.states };
        changed = true;
      }
      break;
    }
    case 'fdir/event': {
      if (p.type === 'crew-done') {
        // A crew operated a manual device: no IED reports it, the plan says what was done.
        const step = state.steps.find((s) => s.step === Number(p.step));
        if (step && known(step.device)) setDevice(step.device, step.action === 'close');
      } else if (p.type === 'repaired') {
        if (state.faulted.length) changed = true;
        state.faulted = [];
      } else if (p.type === 'normal') {
        if (state.faulted.length || state.outageStates) changed = true;
        state.faulted = [];
        state.outageStates = null;
        state.incident = null;
        state.steps = [];
      }
      break;
    }
    case 'diagram/reset': {
      // The incident overlay goes; positions the IEDs read stay (they report the reset themselves),
      // positions only a crew confirmation set go back to normal.
      const fromField = Object.fromEntries(Object.entries(state.states).filter(([d]) => d in state.points));
      statesChanged = Object.keys(fromField).length !== Object.keys(state.states).length;
      changed = statesChanged || state.faulted.length > 0 || state.outageStates !== null;
      state.states = fromField;
      state.faulted = [];
      state.outageStates = null;
      state.incident = null;
      state.steps = [];
      break;
    }
    default:
      break;
  }
  if (changed) state.changedAt = Date.now();
  return { state, changed, statesChanged };
}

/** The diagram view of a live state. */
export function liveView(state: LiveDiagramState, title?: string): DiagramView {
  return {
    states: state.states,
    outageStates: state.outageStates ?? undefined,
    faulted: state.faulted,
    ...(title ? { title } : {}),
  };
}

/** The SVG of the live state. */
export function liveSvg(feeder: LoadedFeeder, state: LiveDiagramState, title?: string): string {
  return renderFeederSvg(feeder, liveView(state, title));
}

/** Counts for a dashboard: sections by state, load points and customers without supply, off-normal devices. */
export function liveSummary(feeder: LoadedFeeder, state: LiveDiagramState): LiveSummary {
  const st = sectionStates(feeder, liveView(state));
  const sections: Record<SectionState, number> = { live: 0, dead: 0, faulted: 0, restored: 0, open: 0 };
  for (const v of Object.values(st)) sections[v]++;
  let topo: Topology | null = null;
  try {
    topo = new Topology(feeder.index, state.states);
  } catch (err) {
    if (!(err instanceof MeshError)) throw err;
  }
  const loadPointsOut: string[] = [];
  let customersOut = 0;
  feeder.model.loadPoints.forEach((lp, l) => {
    if (!topo || !topo.energised(feeder.index.lpBus[l])) {
      loadPointsOut.push(lp.id);
      customersOut += lp.customers;
    }
  });
  const offNormal = feeder.model.devices.filter((d) => d.id in state.states && state.states[d.id] === d.normallyOpen).map((d) => d.id);
  return { sections, loadPointsOut, customersOut, radial: topo !== null, faulted: [...state.faulted], offNormal };
}

const cache = new Map<string, { mtimeMs: number; feeder: LoadedFeeder }>();

/**
 * A feeder loaded once per process: a built-in network name, or a model file (reloaded when the
 * file changes). Throws the loader's error (naming the file and every problem) when it is invalid.
 */
export function loadFeederCached(nameOrFile: string): LoadedFeeder {
  const isFile = /[\\/]|\.json$/i.test(nameOrFile);
  const mtimeMs = isFile ? statSync(nameOrFile, { throwIfNoEntry: false })?.mtimeMs ?? -1 : 0;
  const hit = cache.get(nameOrFile);
  if (hit && hit.mtimeMs === mtimeMs) return hit.feeder;
  const feeder = isFile ? loadFeederFile(nameOrFile) : loadNetwork(nameOrFile);
  cache.set(nameOrFile, { mtimeMs, feeder });
  return feeder;
}

let root: string | null = null;

/** The absolute path of a file shipped in this package (e.g. `docs/models/rbts-bus2-demo.json`). */
export function packagePath(relative: string): string {
  if (!root) {
    // dist/lib/diagram when built, lib/diagram under tsx: walk up to this package's package.json.
    let dir = __dirname;
    while (!existsSync(path.join(dir, 'package.json')) || (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== 'node-red-contrib-dms') {
      const up = path.dirname(dir);
      if (up === dir) throw new Error(`cannot find the node-red-contrib-dms package above ${__dirname}`);
      dir = up;
    }
    root = dir;
  }
  return path.join(root, relative);
}
