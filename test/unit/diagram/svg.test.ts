import assert from 'node:assert/strict';
import { loadNetwork } from '../../../lib/networks';
import { DIAGRAM_COLOURS, renderFeederSvg, sectionStates } from '../../../lib/diagram/svg';
import { planFdir } from '../../../lib/fdir/plan';

function attr(svg: string, cls: string, id: string): string | undefined {
  const m = new RegExp(`class="${cls}" data-id="${id.replace(/[-]/g, '\\-')}"[^>]*data-state="([a-z]+)"`).exec(svg);
  return m?.[1];
}

describe('single-line diagram', () => {
  it('draws the normal state: everything energised, ties open', () => {
    const f = loadNetwork('rbts-bus2');
    const svg = renderFeederSvg(f);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/class="section"/g) ?? []).length, f.model.sections.length);
    assert.equal((svg.match(/class="device"/g) ?? []).length, f.model.devices.length);
    assert.equal((svg.match(/class="load-point"/g) ?? []).length, f.model.loadPoints.length);
    assert.equal(attr(svg, 'section', 'L4'), 'live');
    assert.equal(attr(svg, 'section', 'LT1'), 'open');
    assert.equal(attr(svg, 'device', 'NO-F1F2'), 'open');
    assert.equal(attr(svg, 'device', 'CB-F1'), 'closed');
  });

  it('shows the faulted, de-energised and restored parts after FDIR', () => {
    const f = loadNetwork('rbts-bus2');
    const plan = planFdir(f, { faultSection: 'L4' });
    const view = { states: plan.finalStates, outageStates: { 'CB-F1': false }, faulted: ['L4'] };
    const st = sectionStates(f, view);
    assert.equal(st.L4, 'faulted');
    // Laterals of the faulted main section wait for the repair; beyond DS-7 is fed through the tie,
    // and so is L7's conductor between the open DS-7 (at its F1-N2 end) and F1-N3.
    assert.equal(st.L5, 'dead');
    assert.equal(st.L7, 'restored');
    assert.equal(st.L8, 'restored');
    assert.equal(st.L10, 'restored');
    assert.equal(st.LT1, 'restored');
    assert.equal(st.L1, 'restored');
    assert.equal(st.L12, 'live');
    const svg = renderFeederSvg(f, view);
    // L7 in two strokes: the conductor fed through the tie (restored), the stub between F1-N2 and DS-7 as F1-N2 is (dead).
    const l7 = /<g class="section" data-id="L7"[^>]*>(.*?)<\/g>/.exec(svg)![1];
    assert.deepEqual([...l7.matchAll(/stroke="([^"]+)"/g)].map((m) => m[1]), [DIAGRAM_COLOURS.restored, DIAGRAM_COLOURS.dead]);
    assert.equal(attr(svg, 'device', 'DS-4'), 'open');
    assert.equal(attr(svg, 'device', 'NO-F1F2'), 'closed');
    assert.equal(attr(svg, 'load-point', 'LP7'), 'restored');
    assert.equal(attr(svg, 'load-point', 'LP3'), 'dead');
  });

  it('escapes names and stays well-formed', () => {
    const f = loadNetwork('textbook-base');
    const svg = renderFeederSvg(f, { title: 'A <b> & "c"' });
    assert.ok(svg.includes('A &lt;b&gt; &amp; &quot;c&quot;'));
    assert.equal((svg.match(/<svg/g) ?? []).length, (svg.match(/<\/svg>/g) ?? []).length);
  });
});
