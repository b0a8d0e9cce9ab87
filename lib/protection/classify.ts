/**
 * Fault type from what one IED saw: which phases carried fault current (above the phase pickup,
 * or flagged by its fault passage indicator), whether the residual current did (above the earth
 * pickup, or the earth indicator), and the phase-to-neutral voltages when measured.
 *
 * | faulted phases | earth | type              |
 * |----------------|-------|-------------------|
 * | 3              | any   | three-phase       |
 * | 2              | no    | phase-phase       |
 * | 2              | yes   | phase-phase-earth |
 * | 1              | any   | phase-earth       |
 * | 0              | yes   | earth             |
 * | 0              | no    | none (null)       |
 *
 * A single faulted phase returns through earth whether or not the residual element picked up.
 * For a residual-only (high-impedance or compensated-network) earth fault the faulted phase is the
 * one whose voltage dips: a dip is a phase-to-neutral voltage below `dipPu` (default 0.9 p.u., the
 * upper bound of a sag in IEEE Std 1159).
 */

export type Phase = 'A' | 'B' | 'C';
export type FaultType = 'three-phase' | 'phase-phase' | 'phase-phase-earth' | 'phase-earth' | 'earth';
/** Earth fault or short circuit, as the thesis's cause codes split them (…EF / …SC). */
export type FaultFamily = 'EF' | 'SC';

export interface FaultObservation {
  iaA?: number | null;
  ibA?: number | null;
  icA?: number | null;
  inA?: number | null;
  vanKV?: number | null;
  vbnKV?: number | null;
  vcnKV?: number | null;
  fpiA?: boolean;
  fpiB?: boolean;
  fpiC?: boolean;
  fpiE?: boolean;
}

export interface ClassifyThresholds {
  /** Phase and earth fault thresholds (A); null when there is no such element. */
  phasePickupA: number | null;
  earthPickupA: number | null;
  /** Nominal phase-to-neutral voltage (kV) for dips; null when unknown. */
  nominalPhaseKV?: number | null;
  dipPu?: number;
}

export interface Classification {
  type: FaultType | null;
  phases: Phase[];
  earth: boolean;
  /** Largest phase current (A), or null when no phase current was measured. */
  peakPhaseA: number | null;
  residualA: number | null;
  dip: { phases: Phase[]; minPu: number } | null;
}

const PHASES: Phase[] = ['A', 'B', 'C'];

export function faultFamily(type: FaultType): FaultFamily {
  return type === 'phase-earth' || type === 'earth' ? 'EF' : 'SC';
}

function finite(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function classifyFault(o: FaultObservation, t: ClassifyThresholds): Classification {
  const currents = [o.iaA, o.ibA, o.icA];
  const flags = [o.fpiA, o.fpiB, o.fpiC];
  const phases = PHASES.filter((_, k) => flags[k] === true || (t.phasePickupA !== null && finite(currents[k]) && currents[k]! > t.phasePickupA));
  const earth = o.fpiE === true || (t.earthPickupA !== null && finite(o.inA) && o.inA > t.earthPickupA);
  const measured = currents.filter(finite);
  const peakPhaseA = measured.length ? Math.max(...measured) : null;

  let dip: Classification['dip'] = null;
  const vn = t.nominalPhaseKV;
  if (finite(vn) && vn > 0) {
    const volts = [o.vanKV, o.vbnKV, o.vcnKV];
    const pu = volts.map((v) => (finite(v) ? v / vn : null));
    const known = pu.filter((v): v is number => v !== null);
    if (known.length) {
      const limit = t.dipPu ?? 0.9;
      dip = { phases: PHASES.filter((_, k) => pu[k] !== null && pu[k]! < limit), minPu: Math.min(...known) };
    }
  }

  let type: FaultType | null = null;
  let named = phases;
  if (phases.length === 3) type = 'three-phase';
  else if (phases.length === 2) type = earth ? 'phase-phase-earth' : 'phase-phase';
  else if (phases.length === 1) type = 'phase-earth';
  else if (earth) {
    type = 'earth';
    // The faulted phase of a residual-only earth fault is the one with the deepest dip.
    if (dip && dip.phases.length) {
      const volts = [o.vanKV, o.vbnKV, o.vcnKV];
      let k = -1;
      for (let j = 0; j < 3; j++) if (finite(volts[j]) && dip.phases.includes(PHASES[j]) && (k < 0 || volts[j]! < volts[k]!)) k = j;
      named = [PHASES[k]];
    }
  }
  return { type, phases: named, earth: earth || type === 'phase-earth', peakPhaseA, residualA: finite(o.inA) ? o.inA : null, dip };
}
