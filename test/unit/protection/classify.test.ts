import assert from 'node:assert/strict';
import { classifyFault, faultFamily, type FaultObservation, type FaultType, type Phase } from '../../../lib/protection/classify';

const T = { phasePickupA: 600, earthPickupA: 60, nominalPhaseKV: 11 / Math.sqrt(3) };
const LOAD = 350;
const FAULT = 4200;

/** Observation with the listed phases at fault current and the others at load; residual at fault or load level. */
function obs(phases: Phase[], earth: boolean): FaultObservation {
  const i = (p: Phase): number => (phases.includes(p) ? FAULT : LOAD);
  return { iaA: i('A'), ibA: i('B'), icA: i('C'), inA: earth ? 2900 : 12 };
}

describe('fault classification truth table', () => {
  const all: Phase[][] = [[], ['A'], ['B'], ['C'], ['A', 'B'], ['B', 'C'], ['A', 'C'], ['A', 'B', 'C']];
  const expected = (n: number, earth: boolean): FaultType | null => {
    if (n === 3) return 'three-phase';
    if (n === 2) return earth ? 'phase-phase-earth' : 'phase-phase';
    if (n === 1) return 'phase-earth';
    return earth ? 'earth' : null;
  };
  for (const phases of all) {
    for (const earth of [false, true]) {
      it(`phases [${phases.join('')}] ${earth ? 'with' : 'without'} residual -> ${expected(phases.length, earth)}`, () => {
        const c = classifyFault(obs(phases, earth), T);
        assert.equal(c.type, expected(phases.length, earth));
        if (phases.length) assert.deepEqual(c.phases, phases);
        assert.equal(c.peakPhaseA, phases.length ? FAULT : LOAD);
        assert.equal(c.earth, earth || phases.length === 1);
      });
      it(`the same from fault passage flags alone: [${phases.join('')}] earth ${earth}`, () => {
        const o: FaultObservation = { fpiA: phases.includes('A'), fpiB: phases.includes('B'), fpiC: phases.includes('C'), fpiE: earth };
        assert.equal(classifyFault(o, T).type, expected(phases.length, earth));
      });
    }
  }

  it('is exactly at the pickup boundaries: strictly above pickup counts', () => {
    assert.equal(classifyFault({ iaA: 600, ibA: 600.01, icA: 10, inA: 60 }, T).type, 'phase-earth');
    assert.deepEqual(classifyFault({ iaA: 600, ibA: 600.01, icA: 10, inA: 60 }, T).phases, ['B']);
    assert.equal(classifyFault({ iaA: 10, ibA: 10, icA: 10, inA: 60.01 }, T).type, 'earth');
  });

  it('names the faulted phase of a residual-only earth fault from the deepest voltage dip (IEEE 1159 sag < 0.9 pu)', () => {
    const vn = 11 / Math.sqrt(3);
    const c = classifyFault({ iaA: 300, ibA: 310, icA: 305, inA: 85, vanKV: vn * 1.02, vbnKV: vn * 0.55, vcnKV: vn * 0.97 }, T);
    assert.equal(c.type, 'earth');
    assert.deepEqual(c.phases, ['B']);
    assert.deepEqual(c.dip!.phases, ['B']);
    assert.ok(Math.abs(c.dip!.minPu - 0.55) < 1e-12);
    const noDip = classifyFault({ iaA: 300, ibA: 310, icA: 305, inA: 85, vanKV: vn, vbnKV: vn * 0.95, vcnKV: vn }, T);
    assert.deepEqual(noDip.phases, []);
    assert.deepEqual(noDip.dip!.phases, []);
    assert.equal(classifyFault({ iaA: 5000, ibA: 5000, icA: 5000, inA: 10, vanKV: 1, vbnKV: 1, vcnKV: 1 }, { ...T, nominalPhaseKV: null }).dip, null);
  });

  it('works without an earth element (no residual pickup)', () => {
    assert.equal(classifyFault({ iaA: 10, ibA: 10, icA: 10, inA: 5000 }, { phasePickupA: 600, earthPickupA: null }).type, null);
    assert.equal(classifyFault({ iaA: 5000, ibA: 10, icA: 10, inA: 5000 }, { phasePickupA: 600, earthPickupA: null }).type, 'phase-earth');
  });

  it('splits earth faults from short circuits as the cause codes do', () => {
    assert.deepEqual((['three-phase', 'phase-phase', 'phase-phase-earth', 'phase-earth', 'earth'] as FaultType[]).map(faultFamily), ['SC', 'SC', 'SC', 'EF', 'EF']);
  });
});
