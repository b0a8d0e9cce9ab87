import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { busVoltages, cx, faultCurrents, sourceImpedance } from '../../../lib/sim/short-circuit';

// Independent figures: hand formulas written out here with plain numbers, not the module's helpers.
const E = (11_000 / Math.sqrt(3)); // V, phase to neutral at 11 kV
const close = (a: number, b: number, rel = 1e-9, what = ''): void => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what} ${a} vs ${b}`);

describe('sim short-circuit calculation', () => {
  it('source impedance from the fault level: |Z| = V²/S with the X/R angle', () => {
    const z = sourceImpedance(11, 250, 10);
    close(Math.hypot(z.re, z.im), 0.484, 1e-12, '|Zs|');
    close(z.im / z.re, 10, 1e-12, 'X/R');
  });

  const z1 = cx(0.56, 1.09);
  const z0 = cx(0.85, 2.6);
  const mag = (re: number, im: number): number => Math.hypot(re, im);

  it('three-phase: I = E / |Z1| on every phase, no residual, zero voltage at a bolted fault', () => {
    const f = faultCurrents('3ph', 'A', E, z1, z0, 0);
    for (const i of f.phaseA) close(i, E / mag(0.56, 1.09));
    close(f.residualA, 0);
    const v = busVoltages(E, f, 'A', z1, z0);
    for (const x of [...v.phaseV, ...v.lineV]) assert.ok(x < 1e-6);
  });

  it('phase-phase: √3·E / |2·Z1 + Zf| in the two faulted phases, the sound phase carries none', () => {
    const f = faultCurrents('ph-ph', 'A', E, z1, z0, 2);
    const i = (Math.sqrt(3) * E) / mag(2 * 0.56 + 2, 2 * 1.09);
    close(f.phaseA[0], 0, 1e-9, 'Ia');
    close(f.phaseA[1], i, 1e-9, 'Ib');
    close(f.phaseA[2], i, 1e-9, 'Ic');
    close(f.residualA, 0);
    // Bolted: the two faulted phases have the same voltage at the fault.
    const b = faultCurrents('ph-ph', 'A', E, z1, z0, 0);
    const v = busVoltages(E, b, 'A', z1, z0);
    assert.ok(v.lineV[1] < 1e-6, `Vbc ${v.lineV[1]}`);
    close(v.phaseV[0], E, 1e-9, 'Va stays at E');
  });

  it('phase-earth: 3E / |2·Z1 + Z0 + 3·Zf| in the faulted phase and in the residual', () => {
    const f = faultCurrents('ph-e', 'B', E, z1, z0, 5);
    const i = (3 * E) / mag(2 * 0.56 + 0.85 + 15, 2 * 1.09 + 2.6);
    close(f.phaseA[1], i, 1e-9, 'Ib (reference phase B is the faulted one)');
    close(f.phaseA[0], 0, 1e-9, 'Ia');
    close(f.phaseA[2], 0, 1e-9, 'Ic');
    close(f.residualA, i, 1e-9, '3I0');
    // With Z0 = Z1 a bolted phase-earth fault draws the three-phase current.
    const eq = faultCurrents('ph-e', 'A', E, z1, z1, 0);
    close(eq.phaseA[0], E / mag(0.56, 1.09));
    const v = busVoltages(E, faultCurrents('ph-e', 'C', E, z1, z0, 0), 'C', z1, z0);
    assert.ok(v.phaseV[2] < 1e-6, `Vcn at a bolted C-earth fault ${v.phaseV[2]}`);
  });

  it('phase-phase-earth: residual 3E·Z2/|Z1·Z2 + (Z1 + Z2)·Z0| from the sequence network (bolted)', () => {
    const f = faultCurrents('ph-ph-e', 'A', E, z1, z0, 0);
    // 3I0 = 3E·Z2 / (Z1Z2 + Z1Z0 + Z2Z0) with Z2 = Z1, complex arithmetic written out.
    const z1z1 = { re: 0.56 * 0.56 - 1.09 * 1.09, im: 2 * 0.56 * 1.09 };
    const z1z0 = { re: 0.56 * 0.85 - 1.09 * 2.6, im: 0.56 * 2.6 + 1.09 * 0.85 };
    const den = { re: z1z1.re + 2 * z1z0.re, im: z1z1.im + 2 * z1z0.im };
    close(f.residualA, (3 * E * mag(0.56, 1.09)) / mag(den.re, den.im), 1e-9, '3I0');
    close(f.phaseA[0], 0, 1e-9, 'sound phase');
    const v = busVoltages(E, f, 'A', z1, z0);
    assert.ok(v.phaseV[1] < 1e-6 && v.phaseV[2] < 1e-6, 'both faulted phases at earth potential');
  });
});
