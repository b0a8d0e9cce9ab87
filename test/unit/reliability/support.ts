/** Random study cases shared by the reliability tests: feeders, switch states and candidate switches. */
import { buildTopology } from '../../../lib/model/topology';
import type { FeederModel } from '../../../lib/model/types';
import { randomFeeder } from '../../../lib/networks/random';
import type { CandidateSwitch } from '../../../lib/reliability/types';
import { Rng } from '../../../lib/util/rng';

/** A varied random feeder: size, ties (with availability and capacity limits), automation, fuse failures, sources. */
export function variedFeeder(seed: number): FeederModel {
  const rng = new Rng(seed * 7919 + 1);
  return randomFeeder({
    seed,
    sections: rng.int(3, 45),
    sources: rng.int(1, 3),
    feedersPerSource: rng.int(1, 3),
    ties: rng.int(0, 5),
    tieLimits: rng.bool(0.6),
    switchProbability: rng.range(0, 0.7),
    automatedProbability: rng.range(0, 0.8),
    fuseProbability: rng.range(0, 1),
    fuseFailureProbability: rng.range(0, 0.8),
    loadProbability: rng.range(0.3, 1),
    transformerProbability: rng.range(0, 1),
  });
}

/**
 * A radial switch state other than the normal one: closes some ties and opens a device on each loop
 * formed (back-feeding sections from their `to` end), sometimes opens a switch outright (leaving
 * load unsupplied). Returns undefined when the feeder offers nothing to change.
 */
export function randomStates(model: FeederModel, seed: number): Record<string, boolean> | undefined {
  const rng = new Rng(seed);
  const states: Record<string, boolean> = {};
  const ties = model.devices.filter((d) => d.normallyOpen);
  for (const tie of ties) {
    if (!rng.bool(0.6)) continue;
    const trial = { ...states, [tie.id]: true };
    let topo;
    try {
      topo = buildTopology(model, { ...states });
    } catch {
      continue;
    }
    const sec = model.sections.find((s) => s.id === tie.section)!;
    const pa = new Set(topo.pathToSource(sec.from));
    const pb = topo.pathToSource(sec.to);
    const loop = [...pb.filter((s) => !pa.has(s)), ...[...pa].filter((s) => !pb.includes(s))];
    const openable = model.devices.filter((d) => !d.normallyOpen && states[d.id] !== false && loop.includes(d.section));
    if (!openable.length) continue;
    trial[rng.pick(openable).id] = false;
    try {
      buildTopology(model, trial);
      Object.assign(states, trial);
    } catch {
      // still meshed (e.g. two sources joined): leave this tie open
    }
  }
  if (rng.bool(0.25)) {
    const closed = model.devices.filter((d) => !d.normallyOpen && d.type !== 'breaker' && states[d.id] === undefined);
    if (closed.length) states[rng.pick(closed).id] = false;
  }
  return Object.keys(states).length ? states : undefined;
}

/** Candidate switches on random sections (in the tree under `states`), with mixed types and speeds. */
export function randomCandidates(model: FeederModel, seed: number, states?: Record<string, boolean>): CandidateSwitch[] {
  const rng = new Rng(seed);
  const topo = buildTopology(model, states);
  const ix = topo.index;
  const out: CandidateSwitch[] = [];
  model.sections.forEach((s, i) => {
    if (topo.secUp[ix.sectionIndex.get(s.id)!] < 0 || !rng.bool(0.5)) return;
    const type = rng.pick(['switch', 'switch', 'sectionalizer', 'recloser', 'fuse'] as const);
    out.push({
      id: `C${i}`, section: s.id, end: rng.bool() ? 'from' : 'to', type, automated: rng.bool(0.4),
      switchingHours: rng.pick([0, 0.0167, 0.05, 0.5, 1, 1.5, 3]),
      ...(type === 'recloser' || type === 'fuse' ? { failureProbability: rng.pick([0, 0, 0.1, 0.5]) } : {}),
    });
  });
  return out;
}

/** The model with the masked candidates added as real devices (what the oracle sees). */
export function withDevices(model: FeederModel, candidates: CandidateSwitch[], mask?: Uint8Array, spec?: { switchingHours: number; type?: CandidateSwitch['type']; failureProbability?: number }): FeederModel {
  const m = JSON.parse(JSON.stringify(model)) as FeederModel;
  candidates.forEach((c, i) => {
    if (mask && !mask[i]) return;
    m.devices.push({
      id: `cand-${i}`, type: spec?.type ?? c.type ?? 'switch', section: c.section, end: c.end ?? 'from', normallyOpen: false,
      automated: c.automated ?? false, switchingHours: spec?.switchingHours ?? c.switchingHours,
      failureProbability: spec ? spec.failureProbability : c.failureProbability,
    });
  });
  return m;
}
