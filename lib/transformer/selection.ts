/**
 * Evaluation of one operating point: the loss of every mode, which modes are excluded (overload,
 * blocked for maintenance, paralleling not permitted) and the least-loss feasible mode (the paper's
 * flowchart: calculate every mode's loss, exclude overloaded modes, select the optimum).
 */
import { busKVA, modeLoss, phasorSumKVA } from './losses';
import { checkParalleling, type ParallelingVerdict } from './paralleling';
import { MODES, type BusLoad, type ModeEvaluation, type ModeName, type PointEvaluation, type StationParams } from './types';

export function evaluatePoint(
  station: StationParams, b1: BusLoad, b2: BusLoad, current: ModeName | null = null,
  paralleling: ParallelingVerdict = checkParalleling(station.transformers[0], station.transformers[1], station.paralleling),
): PointEvaluation {
  const [t1, t2] = station.transformers;
  const modes: ModeEvaluation[] = MODES.map((mode) => {
    const l = modeLoss(station, mode, b1, b2);
    const reasons: string[] = [];
    if (station.blockedModes.includes(mode)) reasons.push('blocked');
    if (mode === 'parallel' && !paralleling.ok) reasons.push(`paralleling not permitted: ${paralleling.reason}`);
    for (let i = 0; i < 2; i++) {
      if (l.loading[i] > station.overloadLimit) {
        const t = i === 0 ? t1 : t2;
        reasons.push(`overload: ${t.id} at ${l.loading[i].toFixed(3)} x SN (${l.flowKVA[i].toFixed(1)} of ${t.snKVA} kVA), limit ${station.overloadLimit}`);
      }
    }
    return { mode, ...l, feasible: reasons.length === 0, reason: reasons.join('; ') };
  });
  let best: ModeEvaluation | null = null;
  for (const m of modes) {
    if (!m.feasible) continue;
    // Strict comparison keeps the earlier of equal modes: T1, T2, split, parallel (fewer units, fewer closed devices).
    if (!best || m.criterionKW < best.criterionKW) best = m;
  }
  const cur = current ? modes[MODES.indexOf(current)] : null;
  return {
    modes,
    best: best ? best.mode : null,
    current,
    savingKW: cur && best ? cur.criterionKW - best.criterionKW : null,
    busKVA: [busKVA(b1), busKVA(b2)],
    totalKVA: phasorSumKVA(b1, b2),
  };
}

export function modeResult(ev: PointEvaluation, mode: ModeName): ModeEvaluation {
  return ev.modes[MODES.indexOf(mode)];
}
