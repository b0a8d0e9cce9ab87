/**
 * Shared set-up for the simulator tests: RBTS Bus 2 with its main-line disconnects automated (so
 * every feeder has IEDs along it), the line impedance the simulator assumes, and the independent
 * hand calculations the tests compare with.
 */
import { networkModel } from '../../../lib/networks';
import type { FeederModel } from '../../../lib/model/types';
import { powerFlow } from '../../../lib/powerflow/solve';

/** RBTS Bus 2 (no impedances in the published data) with DS-* automated. */
export function rbtsAutomated(): FeederModel {
  const m = networkModel('rbts-bus2');
  for (const d of m.devices) if (d.id.startsWith('DS-')) d.automated = true;
  return m;
}

/** The simulator's documented default line: ACSR 100 mm², 0.2733 + j0.327 Ω/km (written out here, not imported). */
export const R_PER_KM = 0.2733;
export const X_PER_KM = 0.327;

export function withImpedance(m: FeederModel): FeederModel {
  return { ...m, sections: m.sections.map((s) => (s.rOhm === undefined ? { ...s, rOhm: s.lengthKm * R_PER_KM, xOhm: s.lengthKm * X_PER_KM } : s)) };
}

/** Source: 250 MVA at 11 kV, X/R 10. */
export const ZS_OHM = (11 * 11) / 250;
export const RS = ZS_OHM / Math.sqrt(101);
export const XS = RS * 10;
export const E_V = 11_000 / Math.sqrt(3);

/** Bolted three-phase fault current (A) at `km` of line from the substation: E / |Zs + km·z|. */
export function threePhaseA(km: number): number {
  return E_V / Math.hypot(RS + km * R_PER_KM, XS + km * X_PER_KM);
}

/** IEC 60255 standard inverse: t = TMS · 0.14 / ((I/Is)^0.02 − 1). */
export function iecSI(tms: number, currentA: number, pickupA: number): number {
  return (tms * 0.14) / (Math.pow(currentA / pickupA, 0.02) - 1);
}

/** Peak-load current (A) of each section in the normal state, from the power flow of the filled model. */
export function peakCurrents(m: FeederModel): Record<string, number> {
  const r = powerFlow(withImpedance(m), { load: 'peak' });
  return Object.fromEntries(r.sections.map((s) => [s.id, s.iA]));
}
