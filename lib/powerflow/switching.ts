/**
 * The switching sequence from the present state to a target radial state, one branch exchange at
 * a time: close a section the target closes, then open a section on the loop it made that the
 * target opens (close before open, so no load is dropped and every intermediate state is radial).
 * Of the exchanges available at each step, the one whose intermediate state is best (limits, then
 * losses) goes first. When the loop runs between two sources that may not run in parallel, the
 * open goes first and the step says which load points are off until the close.
 */
import { better, type Allowance, type ConfigEvaluator, type Evaluation } from './evaluator';
import { S_BASE_KVA } from './network';
import { loopSections } from './paths';

export interface SwitchingStep {
  step: number;
  action: 'close' | 'open';
  device: string;
  section: string;
  /** Remote-controlled device (operable by SCADA) or a field crew's job. */
  automated: boolean;
  reason: string;
  /** Losses and minimum voltage once this step completes an exchange. */
  lossesKW?: number;
  vMinPu?: number;
}

function fmt(x: number, digits: number): string {
  return x.toFixed(digits);
}

export function switchingSequence(ev: ConfigEvaluator, fromSec: Uint8Array, fromEval: Evaluation, toSec: Uint8Array, allow: Allowance): SwitchingStep[] {
  const ix = ev.index;
  const model = ix.model;
  const cur = fromSec.slice();
  let curE = fromEval;
  let curDev = ev.deviceStates(cur);
  const steps: SwitchingStep[] = [];
  const push = (s: Omit<SwitchingStep, 'step'>): void => {
    steps.push({ step: steps.length + 1, ...s });
  };
  const busId = (b: number): string => model.buses[b].id;

  for (;;) {
    let best: Evaluation | null = null;
    let bf = -1;
    let be = -1;
    for (let f = 0; f < ix.nSections; f++) {
      if (!toSec[f] || cur[f]) continue;
      for (const e of loopSections(curE.topology, ix.secFrom[f], ix.secTo[f])) {
        if (toSec[e] || !cur[e]) continue;
        cur[f] = 1;
        cur[e] = 0;
        const cand = ev.evaluate(cur, curE.ws);
        cur[f] = 0;
        cur[e] = 1;
        if (cand && cand.energised === curE.energised && better(cand, best, allow)) {
          best = cand;
          bf = f;
          be = e;
        }
      }
    }
    if (!best) break;

    const topo = curE.topology;
    const fId = model.sections[bf].id;
    const eId = model.sections[be].id;
    const a = ix.secFrom[bf];
    const b = ix.secTo[bf];
    const closing: number[] = [];
    for (let k = ix.devStart[bf]; k < ix.devStart[bf + 1]; k++) if (!curDev[ix.devList[k]]) closing.push(ix.devList[k]);
    const opening = ev.openDevice[be];
    const moved = Array.from(topo.loadPointsBelow(topo.secDown[be]), (l) => model.loadPoints[l].id);
    const movedText = moved.length ? `load point${moved.length > 1 ? 's' : ''} ${moved.join(', ')}` : 'no load point';
    const after = `losses ${fmt(best.lossP * S_BASE_KVA, 2)} kW, minimum voltage ${fmt(best.vMin, 5)} p.u. at bus ${busId(best.vMinBus)}`;
    const srcA = topo.busSource[a];
    const srcB = topo.busSource[b];
    const parallelOk = srcA === srcB || (model.sources[srcA].allowParallel === true && model.sources[srcB].allowParallel === true);
    const openStep = (reason: string, last: boolean): Omit<SwitchingStep, 'step'> => ({
      action: 'open', device: model.devices[opening].id, section: eId, automated: model.devices[opening].automated, reason,
      ...(last ? { lossesKW: best!.lossP * S_BASE_KVA, vMinPu: best!.vMin } : {}),
    });
    const closeSteps = (reason: string, last: boolean): Array<Omit<SwitchingStep, 'step'>> => closing.map((d, i) => ({
      action: 'close' as const, device: model.devices[d].id, section: fId, automated: model.devices[d].automated, reason,
      ...(last && i === closing.length - 1 ? { lossesKW: best!.lossP * S_BASE_KVA, vMinPu: best!.vMin } : {}),
    }));
    if (parallelOk) {
      for (const s of closeSteps(`close ${fId} (bus ${busId(a)} - bus ${busId(b)}) to parallel the supply of ${movedText} before ${eId} opens, so no load is dropped`, false)) push(s);
      push(openStep(`open ${eId} to break the loop closed by ${fId}: ${movedText} now fed through ${fId}; ${after}`, true));
    } else {
      const sa = model.sources[srcA].id;
      const sb = model.sources[srcB].id;
      push(openStep(`open ${eId} first: sources "${sa}" and "${sb}" may not run in parallel, so ${movedText} ${moved.length > 1 ? 'are' : 'is'} off until ${fId} closes`, false));
      for (const s of closeSteps(`close ${fId} (bus ${busId(a)} - bus ${busId(b)}) to restore ${movedText} through ${fId}; ${after}`, true)) push(s);
    }
    cur[bf] = 1;
    cur[be] = 0;
    curE = best;
    curDev = ev.deviceStates(cur);
  }
  return steps;
}
