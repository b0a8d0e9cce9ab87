import assert from 'node:assert/strict';
import { ElementTimer } from '../../../lib/protection/element';
import {
  ProtectionSettingsError, fastestElement, operateTimeS, resetTimeS, validateProtection, type InverseTimeElement, type ProtectionElement,
} from '../../../lib/protection/settings';
import { CURVE_NAMES, type CurveName } from '../../../lib/protection/curves';

/**
 * Independent reference formulas, typed again from the standards (not imported from lib):
 * IEC 60255-151 / 60255-3: t = TMS * k / (M^a - 1); IEEE C37.112-1996: t = TD * (A / (M^p - 1) + B);
 * IEEE reset: tr(M) = TD * tr / (1 - M^2).
 */
const REF: Record<CurveName, (m: number, tms: number) => number> = {
  'IEC-SI': (m, tms) => (tms * 0.14) / (m ** 0.02 - 1),
  'IEC-VI': (m, tms) => (tms * 13.5) / (m - 1),
  'IEC-EI': (m, tms) => (tms * 80) / (m * m - 1),
  'IEC-LTI': (m, tms) => (tms * 120) / (m - 1),
  'IEEE-MI': (m, td) => td * (0.0515 / (m ** 0.02 - 1) + 0.114),
  'IEEE-VI': (m, td) => td * (19.61 / (m * m - 1) + 0.491),
  'IEEE-EI': (m, td) => td * (28.2 / (m * m - 1) + 0.1217),
};
const REF_RESET: Partial<Record<CurveName, (m: number, td: number) => number>> = {
  'IEEE-MI': (m, td) => (td * 4.85) / (1 - m * m),
  'IEEE-VI': (m, td) => (td * 21.6) / (1 - m * m),
  'IEEE-EI': (m, td) => (td * 29.1) / (1 - m * m),
};

function inverse(curve: CurveName, tms: number, extra: Partial<InverseTimeElement> = {}): InverseTimeElement {
  return { kind: 'inverse', measures: 'phase', pickupA: 400, curve, tms, ...extra };
}

const close = (a: number, b: number, rel = 1e-12): void => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

describe('protection curves', () => {
  const multiples = [1.05, 1.1, 1.3, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40];
  const dials = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
  for (const curve of CURVE_NAMES) {
    it(`${curve}: operating time matches the standard's formula at ${multiples.length} multiples x ${dials.length} dials`, () => {
      for (const tms of dials) {
        for (const m of multiples) close(operateTimeS(inverse(curve, tms), 400 * m), REF[curve](m, tms));
      }
    });
  }

  it('gives the classic 10 x Is, TMS 1 figures: SI 2.97 s, VI 1.50 s, EI 0.808 s, LTI 13.3 s', () => {
    // Published IEC relay characteristics at 10 times setting (e.g. relay curve charts): 2.97, 1.5, 0.81, 13.3 s.
    assert.equal(operateTimeS(inverse('IEC-SI', 1), 4000).toFixed(2), '2.97');
    assert.equal(operateTimeS(inverse('IEC-VI', 1), 4000).toFixed(2), '1.50');
    assert.equal(operateTimeS(inverse('IEC-EI', 1), 4000).toFixed(3), '0.808');
    assert.equal(operateTimeS(inverse('IEC-LTI', 1), 4000).toFixed(1), '13.3');
  });

  it('does not operate at or below pickup', () => {
    for (const curve of CURVE_NAMES) {
      assert.equal(operateTimeS(inverse(curve, 0.1), 400), Infinity);
      assert.equal(operateTimeS(inverse(curve, 0.1), 399.9), Infinity);
    }
    assert.equal(operateTimeS({ kind: 'definite', measures: 'earth', pickupA: 40, delayS: 0.5 }, 40), Infinity);
  });

  it('definite time and instantaneous elements', () => {
    assert.equal(operateTimeS({ kind: 'definite', measures: 'phase', pickupA: 2000, delayS: 0.3 }, 2001), 0.3);
    assert.equal(operateTimeS({ kind: 'definite', measures: 'phase', pickupA: 2000, delayS: 0.3 }, 20000), 0.3);
    assert.equal(operateTimeS({ kind: 'instantaneous', measures: 'phase', pickupA: 6000 }, 6500), 0);
    assert.equal(operateTimeS({ kind: 'instantaneous', measures: 'phase', pickupA: 6000, delayS: 0.05 }, 6500), 0.05);
  });

  it('caps the multiple at maxMultiple and the time at minTimeS', () => {
    close(operateTimeS(inverse('IEC-EI', 0.2, { maxMultiple: 20 }), 400 * 40), REF['IEC-EI'](20, 0.2));
    assert.equal(operateTimeS(inverse('IEC-EI', 0.2, { minTimeS: 0.1 }), 400 * 40), 0.1);
    close(operateTimeS(inverse('IEC-EI', 0.2, { minTimeS: 0.1 }), 400 * 3), REF['IEC-EI'](3, 0.2));
  });

  it('IEEE dependent reset times tr(M) = TD * tr / (1 - M^2)', () => {
    for (const curve of ['IEEE-MI', 'IEEE-VI', 'IEEE-EI'] as const) {
      for (const td of [0.5, 1, 3]) {
        for (const m of [0, 0.2, 0.5, 0.8, 0.95]) close(resetTimeS(inverse(curve, td, { reset: 'dependent' }), 400 * m), REF_RESET[curve]!(m, td));
      }
    }
    assert.equal(resetTimeS(inverse('IEC-SI', 0.1), 0), 0);
    assert.equal(resetTimeS(inverse('IEC-SI', 0.1, { reset: 'definite', resetDelayS: 2 }), 0), 2);
  });

  it('picks the fastest element and its operating time', () => {
    const s = validateProtection({ elements: [
      { kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEC-SI', tms: 0.1 },
      { kind: 'instantaneous', measures: 'phase', pickupA: 6000, delayS: 0.04 },
      { kind: 'definite', measures: 'earth', pickupA: 40, delayS: 0.6 },
    ] });
    const f = fastestElement(s, 2400, 10)!;
    assert.equal(f.name, '51P');
    close(f.operateTimeS, REF['IEC-SI'](6, 0.1));
    assert.equal(f.multiple, 6);
    assert.equal(fastestElement(s, 7000, 10)!.name, '50P');
    assert.equal(fastestElement(s, 300, 100)!.name, '50N-TD');
    assert.equal(fastestElement(s, 300, 10), null);
  });
});

describe('protection element timing (integral form)', () => {
  it('operates at exactly t(I) for a constant current, whatever the step', () => {
    for (const curve of CURVE_NAMES) {
      for (const dt of [0.001, 0.013, 0.1]) {
        const timer = new ElementTimer(inverse(curve, 0.3));
        const expected = REF[curve](5, 0.3);
        let t = 0;
        let at = -1;
        while (at < 0 && t < 1000) {
          at = timer.step(2000, dt);
          if (at < 0) t += dt;
        }
        close(t + at, expected, 1e-9);
      }
    }
  });

  it('integrates a current that changes: t1 at I1, then the remaining fraction at I2', () => {
    const e = inverse('IEEE-VI', 1);
    const timer = new ElementTimer(e);
    const t1 = 0.3 * REF['IEEE-VI'](3, 1);
    assert.equal(timer.step(1200, t1), -1);
    const at = timer.step(4000, 100);
    close(at, 0.7 * REF['IEEE-VI'](10, 1), 1e-9);
  });

  describe('reset behaviour under intermittent fault pulses', () => {
    // Pulses of 40% of t(I) at 5 x Is, separated by gaps at 0.3 x Is.
    const pulse = (curve: CurveName, td: number): number => 0.4 * REF[curve](5, td);
    function run(e: ProtectionElement, pulseS: number, gapS: number, maxPulses = 20): number {
      const timer = new ElementTimer(e);
      for (let n = 1; n <= maxPulses; n++) {
        if (timer.step(2000, pulseS) >= 0) return n;
        timer.step(120, gapS);
      }
      return -1;
    }
    it('instantaneous reset never lets pulses add up', () => {
      assert.equal(run(inverse('IEEE-VI', 1), pulse('IEEE-VI', 1), 0.5), -1);
      assert.equal(run(inverse('IEC-SI', 0.2), pulse('IEC-SI', 0.2), 0.01), -1);
    });
    it('definite reset holds the integral through gaps shorter than the reset delay', () => {
      const e = inverse('IEC-SI', 0.2, { reset: 'definite', resetDelayS: 1 });
      assert.equal(run(e, pulse('IEC-SI', 0.2), 0.9), 3, 'three pulses of 40 % reach 100 %');
      assert.equal(run(e, pulse('IEC-SI', 0.2), 1.0), -1, 'a gap of the reset delay resets');
    });
    it('dependent (disc emulation) reset runs the integral back at 1/tr(I)', () => {
      const td = 1;
      const e = inverse('IEEE-VI', td, { reset: 'dependent' });
      const trAtGap = REF_RESET['IEEE-VI']!(0.3, td);
      for (const gap of [1, 5, 10, 12]) {
        // Independent count: after each pulse +0.4, after each gap -gap/tr, floored at 0.
        let progress = 0;
        let expected = -1;
        for (let n = 1; n <= 20; n++) {
          progress += 0.4;
          if (progress >= 1 - 1e-12) {
            expected = n;
            break;
          }
          progress = Math.max(0, progress - gap / trAtGap);
        }
        assert.equal(run(e, pulse('IEEE-VI', td), gap), expected, `gap ${gap} s`);
      }
      assert.ok(12 / trAtGap >= 0.4 && 1 / trAtGap < 0.2, 'a 12 s gap undoes a pulse, a 1 s gap hardly dents it');
      assert.equal(run(e, pulse('IEEE-VI', td), 1), 3);
      assert.equal(run(e, pulse('IEEE-VI', td), 12), -1);
    });
  });
});

describe('protection settings validation', () => {
  const bad = (elements: unknown[], pattern: RegExp): void => {
    assert.throws(() => validateProtection({ elements }), (err: unknown) => {
      assert.ok(err instanceof ProtectionSettingsError);
      assert.match(err.message, pattern);
      return true;
    });
  };
  it('names the element and the field at fault', () => {
    bad([{ kind: 'inverse', measures: 'phase', pickupA: 0, curve: 'IEC-SI', tms: 0.1 }], /elements\[0\]: pickupA must be a number above 0 A \(got 0\)/);
    bad([{ kind: 'inverse', measures: 'phase', pickupA: -5, curve: 'IEC-SI', tms: 0.1 }], /pickupA must be a number above 0 A \(got -5\)/);
    bad([{ kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEC-XI', tms: 0.1 }], /curve must be one of IEC-SI, IEC-VI, IEC-EI, IEC-LTI, IEEE-MI, IEEE-VI, IEEE-EI \(got "IEC-XI"\)/);
    bad([{ name: 'I>', kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEC-SI', tms: 50 }], /elements\[0\] "I>": tms must be 0.01..15 \(got 50\)/);
    bad([{ kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEC-SI' }], /tms is required/);
    bad([{ kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEC-SI', tms: 0.1, reset: 'dependent' }], /reset "dependent" \(disc emulation\) is defined for the IEEE C37.112 curves only; IEC-SI resets "instantaneous" or "definite"/);
    bad([{ kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEEE-VI', tms: 1, reset: 'definite' }], /resetDelayS is required/);
    bad([{ kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEEE-VI', tms: 1, resetDelayS: 2 }], /resetDelayS is only used with reset "definite"/);
    bad([{ kind: 'definite', measures: 'earth', pickupA: 40, delayS: 900 }], /delayS must be 0..600 s \(got 900\)/);
    bad([{ kind: 'definite', measures: 'neutral', pickupA: 40, delayS: 1 }], /measures must be "phase" or "earth" \(got "neutral"\)/);
    bad([{ kind: 'instantaneous', measures: 'phase', pickupA: 40, curve: 'IEC-SI' }], /curve is not a setting of a instantaneous element/);
    bad([{ kind: 'overcurrent', measures: 'phase', pickupA: 40 }], /kind must be "inverse", "definite" or "instantaneous"/);
    bad([{ kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEC-SI', tms: 0.1, maxMultiple: 1 }], /maxMultiple must be a number above 1/);
    bad([{ kind: 'instantaneous', measures: 'phase', pickupA: 4000 }, { kind: 'instantaneous', measures: 'phase', pickupA: 6000 }], /elements\[1\]: name "50P" is already used by elements\[0\]/);
    assert.throws(() => validateProtection({ elements: [] }), /elements must be a non-empty array/);
    assert.throws(() => validateProtection([]), /must be an object \{elements: \[\.\.\.\]\}/);
    assert.throws(() => validateProtection({ elements: [{ kind: 'instantaneous', measures: 'phase', pickupA: 1 }], curve: 'x' }), /curve is not a known field/);
  });
  it('accepts complete settings', () => {
    const s = validateProtection({ elements: [
      { kind: 'inverse', measures: 'phase', pickupA: 400, curve: 'IEEE-EI', tms: 2, reset: 'dependent', minTimeS: 0.05, maxMultiple: 20 },
      { kind: 'inverse', measures: 'earth', pickupA: 40, curve: 'IEC-SI', tms: 0.2, reset: 'definite', resetDelayS: 0.5 },
      { kind: 'definite', measures: 'phase', pickupA: 3000, delayS: 0.3 },
      { kind: 'instantaneous', measures: 'phase', pickupA: 8000 },
    ] });
    assert.equal(s.elements.length, 4);
  });
});
