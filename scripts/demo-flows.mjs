// Generates the demo flows from one description, so the FlowFuse Dashboard 2.0 flow
// (examples/flows/demo.json, the one `npm start` deploys) and the node-red-dashboard 1.x flow
// (examples/flows/demo-dashboard-1x.json) run the same logic: only the widgets differ.
//
//   node scripts/demo-flows.mjs           writes both files
//   node scripts/demo-flows.mjs --check   exits 1 when a committed file differs from what it would write
//
// The function nodes' code is written below as real JavaScript functions (so it is parsed and
// linted) and serialised into the flow. test/nodes/examples.test.ts checks the files are current.
/* global msg, flow, context, dms, DASHBOARD, FEEDER */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FEEDER_FILE = 'docs/models/rbts-bus2-demo.json';
const FEEDER_NODE_NAME = 'RBTS Bus 2 (demo)';
const model = JSON.parse(readFileSync(join(root, FEEDER_FILE), 'utf8'));
const DMS_LIB = [{ var: 'dms', module: 'node-red-contrib-dms/dist/lib/diagram' }];

// ---- function node code ----------------------------------------------------------------------

/** The body of a function, with constants prepended (`const NAME = value;`). */
function code(fn, constants = {}) {
  const text = fn.toString();
  const body = text.slice(text.indexOf('{') + 1, text.lastIndexOf('}'));
  const lines = body.split('\n');
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length));
  const consts = Object.entries(constants).map(([k, v]) => `const ${k} = ${JSON.stringify(v)};\n`).join('');
  return consts + lines.map((l) => l.slice(indent)).join('\n');
}

function pollRequests() {
  // One read per table and IED every poll (node-red-contrib-modbus Flex-Getter requests), and the
  // simulator's control-unit summary. The unit ids are the demo feeder's `ieds` (docs/simulator.md).
  const feeder = dms.publishedFeeder(FEEDER); // the model of the dms-feeder node of that name
  const out = [];
  for (const ied of feeder.model.ieds) {
    out.push({ topic: 'poll', payload: { fc: 4, unitid: ied.unitId, address: 0, quantity: 40 } }); // measurements
    out.push({ topic: 'poll', payload: { fc: 2, unitid: ied.unitId, address: 0, quantity: 13 } }); // states, flags
    out.push({ topic: 'poll', payload: { fc: 3, unitid: ied.unitId, address: 0, quantity: 2 } }); // command result
  }
  out.push({ topic: 'poll', payload: { fc: 4, unitid: 247, address: 0, quantity: 10 } }); // simulator summary
  return [out];
}

function decodeControlUnit() {
  // Control unit 247, input registers 0..9 (map dms-sim-control, docs/simulator.md).
  const r = msg.payload;
  if (!Array.isArray(r) || r.length < 10) return null;
  const b = Buffer.alloc(r.length * 2);
  r.forEach((w, i) => b.writeUInt16BE(w & 0xffff, 2 * i));
  const s = {
    activeFaults: b.readUInt16BE(0), lockedOut: b.readUInt16BE(2), devicesOffNormal: b.readUInt16BE(4),
    unsuppliedLoadPoints: b.readUInt16BE(6), unsuppliedKW: Math.round(b.readFloatBE(8)), sourceKW: Math.round(b.readFloatBE(12)),
    simTimeS: b.readUInt32BE(16),
  };
  const text = `${s.activeFaults} active fault(s), ${s.lockedOut} locked out, ${s.devicesOffNormal} device(s) off normal; `
    + `${s.unsuppliedLoadPoints} load point(s) without supply (${s.unsuppliedKW} kW); substation ${s.sourceKW} kW`;
  if (text === context.get('last')) return null;
  context.set('last', text);
  return { topic: 'sim/summary', payload: text, summary: s };
}

function liveDiagram() {
  // The live single-line diagram: device positions from the IEDs, the faulted zone from FDIR,
  // outage and restoration from the fault detector and FDIR (lib/diagram/live.ts).
  const feeder = dms.publishedFeeder(FEEDER); // the model of the dms-feeder node of that name
  const next = dms.applyLiveMessage(feeder, flow.get('diagram'), msg);
  flow.set('diagram', next.state);
  if (!next.changed && msg.topic !== 'diagram/refresh') return null;
  const s = dms.liveSummary(feeder, next.state);
  const text = s.loadPointsOut.length
    ? `${s.customersOut} customers without supply (${s.loadPointsOut.join(', ')})`
    : 'every load point supplied';
  const states = next.statesChanged && s.radial ? { topic: 'feeder/states', payload: next.state.states } : null;
  let svg = dms.liveSvg(feeder, next.state, feeder.model.name);
  // node-red-dashboard 1.x themes fill every path in a template: inline styles keep the drawing's own fills.
  if (DASHBOARD === '1') svg = svg.replace(/<path([^>]*?) fill="([^"]*)"/g, '<path$1 style="fill:$2"');
  return [
    { topic: 'diagram/svg', payload: svg },
    { topic: 'diagram/summary', payload: text + (s.offNormal.length ? `; off normal: ${s.offNormal.join(', ')}` : ''), summary: s },
    states,
  ];
}

function eventLog() {
  // One row per event for the dashboard's log (newest first), kept in flow context.
  const rows = flow.get('log') || [];
  const p = msg.payload || {};
  const time = (ts) => new Date(typeof ts === 'number' ? ts : Date.now()).toISOString().slice(11, 19);
  let row = null;
  if (msg.error) {
    // From the catch node: a node failed a message.
    const src = msg.error.source || {};
    row = { time: time(), source: src.name || src.type || 'flow', kind: 'error', text: msg.error.message };
  }
  switch (row ? 'error' : msg.topic) {
    case 'fault/event':
      row = { time: time(p.ts), source: 'fault detector', kind: p.stage,
        text: `${p.stage} ${p.device || ''}${p.cause ? ` (${p.cause})` : ''}${p.permanent === true ? ', permanent' : p.permanent === false ? ', transient' : ''}${p.faultPassage && p.faultPassage.length ? `; fault passage at ${p.faultPassage.map((f) => f.device || f.ied).join(', ')}` : ''}` };
      break;
    case 'fdir/event':
      row = { time: time(p.ts), source: 'FDIR', kind: p.type, text: p.text };
      break;
    case 'fdir/alarm':
      row = { time: time(p.ts), source: 'FDIR', kind: `ALARM ${p.kind}`, text: p.message };
      break;
    case 'fdir/plan':
      row = { time: time(), source: 'FDIR', kind: 'plan', text: `${p.kind} plan ${p.planId}: ${(p.plan || []).map((s) => `${s.action} ${s.device}`).join(', ')}${p.awaiting ? ' (awaiting confirmation)' : ''}` };
      break;
    case 'reliability/interruption':
      row = { time: time(p.end), source: 'records', kind: p.momentary ? 'momentary' : 'interruption',
        text: `${p.customersInterrupted} customers, ${Number(p.durationMin).toFixed(1)} min (${(p.loadPoints || []).join(', ')}) restored by ${p.restoredBy}` };
      break;
    case 'operator':
      row = { time: time(), source: 'operator', kind: 'action', text: String(msg.payload) };
      break;
    case 'log/clear':
      flow.set('log', []);
      return { payload: [] };
    default:
      break;
  }
  if (!row) return null;
  rows.unshift(row);
  flow.set('log', rows.slice(0, 200));
  return { payload: rows.slice(0, 200) };
}

function planView() {
  // The FDIR plan as a table of steps with their progress, and a headline.
  let v = flow.get('plan') || null;
  const p = msg.payload || {};
  if (msg.topic === 'fdir/plan') {
    v = { planId: p.planId, kind: p.kind, awaiting: p.awaiting, zone: p.faultedZone || [],
      steps: (p.plan || []).map((s) => ({ step: s.step, device: s.device, action: s.action, mode: s.mode, stage: s.stage, status: 'planned', reason: s.reason })) };
  } else if (v && msg.topic === 'fdir/event') {
    const step = v.steps.find((s) => s.step === p.step);
    if (p.type === 'confirmed') v.awaiting = null;
    if (step && p.type === 'command') step.status = 'commanded';
    if (step && (p.type === 'step-done' || p.type === 'crew-done')) step.status = 'done';
    if (step && p.type === 'crew') step.status = 'crew to confirm';
    if (p.type === 'normal') v = null;
  } else if (v && msg.topic === 'fdir/alarm') {
    const step = v.steps.find((s) => s.step === p.step);
    if (step) step.status = `failed: ${p.kind}`;
  } else if (msg.topic === 'diagram/reset') {
    v = null;
  } else {
    return null;
  }
  flow.set('plan', v);
  const head = !v ? 'no plan: feeder normal'
    : `${v.kind === 'return-to-normal' ? 'Return to normal' : `Fault in ${v.zone.join(', ')}`}: plan ${v.planId}, `
      + `${v.steps.filter((s) => s.status === 'done').length}/${v.steps.length} steps done${v.awaiting ? ' - press "Confirm plan"' : ''}`;
  return [{ payload: v ? v.steps : [] }, { payload: head }];
}

function faultInjection() {
  // Modbus writes to the simulator's control unit (unit 247): fault parameters (HR 0..5), then inject (coil 0).
  const section = Number(flow.get('faultSection') || 7);
  const kind = flow.get('faultKind') || 'permanent';
  const type = kind === 'earth' ? 3 : 1; // 1 three-phase, 3 phase-earth
  const permanent = kind === 'transient' ? 0 : 1;
  const label = flow.get('faultSectionLabel') || `section ${section}`;
  return [
    [
      { topic: 'sim/fault', payload: { fc: 16, unitid: 247, address: 0, quantity: 6, value: [section, type, permanent, 0, 50, 1] } },
      { topic: 'sim/fault', payload: { fc: 5, unitid: 247, address: 0, quantity: 1, value: true } },
    ],
    { topic: 'operator', payload: `inject a ${kind === 'transient' ? 'transient three-phase' : kind === 'earth' ? 'permanent phase-earth' : 'permanent three-phase'} fault on ${label}` },
  ];
}

function repairAll() {
  // The crew repaired the fault: repair every fault in the simulator and reset the fault passage flags,
  // then (after a second) tell FDIR, which plans the return to normal.
  const open = flow.get('incidentOpen') === true;
  return [
    [
      { topic: 'sim/repair', payload: { fc: 5, unitid: 247, address: 2, quantity: 1, value: true } },
      { topic: 'sim/repair', payload: { fc: 5, unitid: 247, address: 4, quantity: 1, value: true } },
    ],
    open ? { topic: 'fdir/repaired', payload: {} } : null,
    { topic: 'operator', payload: open ? 'fault repaired: FDIR plans the return to normal' : 'repair every fault (no FDIR incident open)' },
  ];
}

function resetSimulator() {
  // Everything back to normal in the simulator; FDIR closes its incident once it reads the normal states.
  const open = flow.get('incidentOpen') === true;
  return [
    [{ topic: 'sim/reset', payload: { fc: 5, unitid: 247, address: 3, quantity: 1, value: true } }],
    open ? [{ topic: 'fdir/cancel', payload: 'simulator reset' }, { topic: 'fdir/repaired', payload: {} }] : null,
    { topic: 'diagram/reset', payload: {} },
    { topic: 'operator', payload: 'reset the simulator: faults repaired, every device to its normal state' },
  ];
}

function trackIncident() {
  // Whether FDIR has an incident open (for the repair and reset buttons), and the crew step it waits for.
  const p = msg.payload || {};
  if (msg.topic === 'fdir/event' && p.type === 'located') flow.set('incidentOpen', true);
  if (msg.topic === 'fdir/event' && p.type === 'normal') flow.set('incidentOpen', false);
  if (msg.topic === 'fdir/event' && p.type === 'crew') flow.set('crewStep', { step: p.step, device: p.device, action: p.action });
  if (msg.topic === 'fdir/event' && ['crew-done', 'cancel', 'normal', 'plan-done'].includes(p.type)) flow.set('crewStep', null);
  return null;
}

function confirmOrCrew() {
  // "Confirm plan" starts an advisory plan. While FDIR waits for a crew step on a manual switch, the
  // simulator's control unit acts the crew out (crewDevice, then crewOpen/crewClose) and FDIR hears
  // that the step is done once the switch has travelled (2 s in the simulator, hence the delay).
  const crew = flow.get('crewStep');
  if (!crew) return [null, null, { topic: 'fdir/confirm', payload: {} }, null];
  const numbers = { /* device numbers, filled in by the generator */ };
  const n = numbers[crew.device];
  if (!n) return [null, null, null, { topic: 'operator', payload: `crew step ${crew.step}: "${crew.device}" is not a device of the simulated feeder` }];
  flow.set('crewStep', null);
  return [
    [
      { topic: 'sim/crew', payload: { fc: 6, unitid: 247, address: 7, quantity: 1, value: n } },
      { topic: 'sim/crew', payload: { fc: 5, unitid: 247, address: crew.action === 'close' ? 6 : 5, quantity: 1, value: true } },
    ],
    { topic: 'fdir/confirm', payload: { step: crew.step } },
    null,
    { topic: 'operator', payload: `crew on site: ${crew.action} ${crew.device} (step ${crew.step})` },
  ];
}

function patrolReport() {
  // The crew patrolling a feeder without IEDs on its switches found the fault: on the section chosen
  // in the fault list (where the demo put it). FDIR then plans crew steps that isolate it tightly.
  const section = flow.get('faultSectionLabel');
  return [{ topic: 'fdir/located', payload: { section } }, { topic: 'operator', payload: `patrol: fault found on ${section}` }];
}

function modeMessage() {
  return { topic: 'fdir/mode', payload: msg.payload === true ? 'automatic' : 'advisory' };
}

function startDefaults() {
  // The dashboard's initial choices: a permanent fault on L7 (between DS-7 and DS-10 on feeder F1).
  if (!flow.get('faultSection')) {
    flow.set('faultSection', 7);
    flow.set('faultSectionLabel', 'L7');
  }
  if (!flow.get('faultKind')) flow.set('faultKind', 'permanent');
  return [{ payload: flow.get('faultSection') }, { payload: flow.get('faultKind') }, { topic: 'diagram/refresh' }];
}

function rememberSection() {
  flow.set('faultSection', Number(msg.payload));
  const labels = { /* filled in by the generator */ };
  flow.set('faultSectionLabel', labels[msg.payload] || `section ${msg.payload}`);
  return null;
}

function toReliability() {
  // Re-evaluate the predictive indices under the live configuration (device positions read from the field).
  return { topic: 'reliability/evaluate', payload: { switchStates: msg.payload, replace: true } };
}

function indicesView() {
  // Predictive indices: a table, and one point per index for the chart of indices over time.
  const s = msg.payload.system;
  const f = (x, d) => (x === null || x === undefined ? '-' : Number(x).toFixed(d));
  const rows = [
    { index: 'SAIFI', value: f(s.saifi, 4), unit: 'interruptions / customer / yr' },
    { index: 'SAIDI', value: f(s.saidi, 3), unit: 'h / customer / yr' },
    { index: 'CAIDI', value: f(s.caidi, 2), unit: 'h / interruption' },
    { index: 'ASAI', value: f(s.asai, 6), unit: '' },
    { index: 'MAIFI', value: f(s.maifi, 4), unit: 'momentary / customer / yr' },
    { index: 'ENS', value: f(s.ensKWh, 0), unit: 'kWh / yr' },
    { index: 'ECOST', value: f(s.ecost, 0), unit: '$ / yr' },
  ];
  const unsupplied = msg.payload.unsupplied || [];
  const note = unsupplied.length ? `${unsupplied.length} load point(s) without supply in the live configuration are left out` : 'live configuration: every load point supplied';
  return [
    { payload: rows },
    [{ topic: 'SAIDI (h/yr)', payload: Number(s.saidi.toFixed(4)) }, { topic: 'SAIFI (1/yr)', payload: Number(s.saifi.toFixed(4)) }],
    { payload: note },
  ];
}

function historicalQuery() {
  // After each accepted record, ask for the indices of every day with records (IEEE 1366, this run).
  // (The complete node also fires for the queries themselves: only a record asks again.)
  if (msg.topic !== 'reliability/interruption') return null;
  return { topic: 'reliability/query', payload: {} };
}

function historicalView() {
  // Historical indices of this run: a table, and the cumulative values for the chart.
  const r = msg.payload;
  const s = r.system;
  const f = (x, d) => (x === null || x === undefined ? '-' : Number(x).toFixed(d));
  const c = r.counts || {};
  const rows = [
    { index: 'SAIFI', value: f(s.saifi, 4), unit: 'sustained interruptions / customer' },
    { index: 'SAIDI', value: f(s.saidi * 60, 2), unit: 'min / customer' },
    { index: 'CAIDI', value: f(s.caidi === null ? null : s.caidi * 60, 1), unit: 'min / interruption' },
    { index: 'MAIFI', value: f(s.maifi, 4), unit: 'momentary interruptions / customer' },
    { index: 'ASAI', value: f(s.asai, 6), unit: `over ${f(r.period.hours, 0)} h` },
    { index: 'EENS', value: f(s.eensKWh, 1), unit: 'kWh' },
    { index: 'records', value: String(c.accepted ?? '-'), unit: c.rejected ? `${c.rejected} refused` : 'accepted' },
  ];
  return [
    { payload: rows },
    [{ topic: 'SAIFI', payload: Number(f(s.saifi, 4)) }, { topic: 'MAIFI', payload: Number(f(s.maifi, 4)) }, { topic: 'SAIDI (min)', payload: Number(f(s.saidi * 60, 3)) }],
  ];
}

function convergenceChart() {
  // BPSO convergence (best and mean TSC per iteration) for the chart.
  const history = msg.payload.history || [];
  if (!history.length) return null;
  if (DASHBOARD === '1') {
    return { payload: [{ series: ['best', 'swarm mean'], labels: [''],
      data: [history.map((h) => ({ x: h.iteration, y: Math.round(h.bestPerYr) })), history.filter((h) => h.meanPerYr !== null).map((h) => ({ x: h.iteration, y: Math.round(h.meanPerYr) }))] }] };
  }
  const points = [];
  for (const h of history) {
    points.push({ x: h.iteration, y: Math.round(h.bestPerYr), series: 'best' });
    if (h.meanPerYr !== null) points.push({ x: h.iteration, y: Math.round(h.meanPerYr), series: 'swarm mean' });
  }
  return { payload: points, action: 'replace' };
}

function casesTable() {
  // The four cases of the thesis's Table 6.3 for this feeder, and the optimum in words.
  const r = msg.payload;
  const money = (x) => Math.round(x).toLocaleString('en-US');
  const rows = r.cases.map((c) => ({
    case: c.label, switches: c.switches.length, saifi: c.saifi.toFixed(4), saidi: c.saidiHours.toFixed(4), asai: c.asai.toFixed(6),
    eens: (c.eensKWh / 1000).toFixed(3), fc: money(c.fcPerYr), cens: money(c.censPerYr), tsc: money(c.tscPerYr),
  }));
  const cur = r.currency || '';
  const text = `${r.best.count} new automated switch(es)${r.best.count ? ` on ${r.best.switches.join(', ')}` : ''}: TSC ${money(r.best.tscPerYr)} ${cur}/yr `
    + `(without: ${money(r.before.tscPerYr)}); ${r.iterations} iterations, ${r.evaluations} evaluations, stop: ${r.stopReason}`;
  return [{ payload: rows }, { payload: text }];
}

function substationTelemetry() {
  // A two-transformer 10/0.4 kV substation, simulated: 15 minutes of load per tick (a day every 3.2 min
  // at one tick per 2 s). Bus 1 feeds homes (evening peak), bus 2 shops and offices (daytime);
  // hourly shapes as fractions of each bus's peak, interpolated, with a little seeded noise.
  const HOME = [0.35, 0.3, 0.28, 0.27, 0.28, 0.33, 0.45, 0.55, 0.5, 0.45, 0.44, 0.45, 0.47, 0.45, 0.44, 0.46, 0.55, 0.72, 0.92, 1.0, 0.95, 0.8, 0.6, 0.45];
  const SHOP = [0.2, 0.18, 0.18, 0.18, 0.2, 0.25, 0.35, 0.55, 0.8, 0.95, 1.0, 1.0, 0.97, 0.98, 1.0, 0.97, 0.9, 0.75, 0.55, 0.4, 0.32, 0.28, 0.24, 0.22];
  const BUS1_PEAK_KVA = 430;
  const BUS2_PEAK_KVA = 330;
  const STEP_MS = 15 * 60 * 1000;
  let t = context.get('t');
  if (t === undefined) {
    const d = new Date();
    t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  }
  t += STEP_MS;
  context.set('t', t);
  let seed = context.get('seed') || 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648 - 0.5) * 0.06;
  };
  const hour = (t % 86400000) / 3600000;
  const at = (shape) => {
    const h0 = Math.floor(hour) % 24;
    const f = hour - Math.floor(hour);
    return shape[h0] * (1 - f) + shape[(h0 + 1) % 24] * f;
  };
  const s1 = BUS1_PEAK_KVA * at(HOME) * (1 + noise());
  const s2 = BUS2_PEAK_KVA * at(SHOP) * (1 + noise());
  context.set('seed', seed);
  const pf1 = 0.95;
  const pf2 = 0.9;
  const r1 = (x) => Math.round(x * 10) / 10;
  return {
    topic: 'transformer/telemetry',
    payload: {
      ts: t, p1KW: r1(s1 * pf1), q1Kvar: r1(s1 * Math.sqrt(1 - pf1 * pf1)), p2KW: r1(s2 * pf2), q2Kvar: r1(s2 * Math.sqrt(1 - pf2 * pf2)),
      mode: flow.get('substationMode') || 'split',
    },
  };
}

function switchgear() {
  // The substation's breakers: an advisory plan waits for the operator (or the auto-confirm switch);
  // commands put the target mode in service.
  const p = msg.payload || {};
  if (msg.topic === 'transformer/plan') {
    flow.set('lastPlanId', p.planId);
    const text = `proposed: ${p.from} -> ${p.to} (${p.transfer}), plan ${p.planId}`;
    if (flow.get('autoConfirm') === true && !p.blocked) return [{ topic: 'transformer/confirm', payload: { planId: p.planId } }, { payload: text + ', confirmed automatically' }];
    return [null, { payload: text + (p.blocked ? ' - blocked by an interlock' : ' - press "Confirm mode change"') }];
  }
  if (msg.topic === 'transformer/commands') {
    flow.set('substationMode', p.to);
    flow.set('lastPlanId', null);
    return [null, { payload: `switched ${p.from} -> ${p.to}: ${p.commands.map((c) => `${c.action} ${c.deviceId}`).join(', ')}` }];
  }
  return null;
}

function confirmTransformerPlan() {
  const planId = flow.get('lastPlanId');
  if (!planId) return [null, { payload: 'no mode change is waiting for confirmation' }];
  return [{ topic: 'transformer/confirm', payload: { planId } }, null];
}

function modeView() {
  // The recommendation: present and best mode, the saving, every mode's losses.
  const p = msg.payload;
  const f = (x) => Number(x).toFixed(2);
  const rows = p.modes.map((m) => ({ mode: m.mode, lossKW: f(m.lossKW), loading: m.loadingPu.map((x) => `${Math.round(x * 100)} %`).join(' / '), feasible: m.feasible ? 'yes' : `no: ${m.reason}` }));
  const present = p.modes.find((m) => m.mode === p.presentMode);
  const best = p.modes.find((m) => m.mode === p.bestMode);
  const when = new Date(p.ts).toISOString().slice(0, 16).replace('T', ' ');
  const head = `${when} UTC, load ${f(p.totalKVA)} kVA: in service ${p.presentMode}, best ${p.bestMode ?? '-'}`
    + (p.bestMode && p.bestMode !== p.presentMode ? ` (saves ${f(p.savingKW)} kW)` : '') + ` - ${p.reason}`;
  const points = [];
  if (present) points.push({ topic: 'mode in service', payload: Number(f(present.lossKW)) });
  if (best) points.push({ topic: 'best mode', payload: Number(f(best.lossKW)) });
  return [{ payload: rows }, { payload: head }, points];
}

function dailyStatistics() {
  // Energy lost per simulated day: actual (mode in service) against the least-loss mode.
  const rows = flow.get('days') || [];
  for (const r of msg.payload.rows || []) {
    if (rows.some((x) => x.day === r.period)) continue;
    rows.unshift({ day: r.period, hours: Number(r.hours).toFixed(1), actualKWh: Number(r.actualKWh).toFixed(1), optimalKWh: Number(r.optimalKWh).toFixed(1), savingKWh: Number(r.savingKWh).toFixed(1), savingPct: `${Number(r.savingPct).toFixed(1)} %` });
  }
  flow.set('days', rows.slice(0, 60));
  const total = rows.reduce((a, r) => a + Number(r.savingKWh), 0);
  return [{ payload: rows.slice(0, 60) }, { payload: `${rows.length} simulated day(s): ${total.toFixed(1)} kWh of losses the best mode saves over the mode in service` }];
}

// ---- flow description --------------------------------------------------------------------------

function flows(dash) {
  const prefix = dash === '2' ? 'dms-demo' : 'dms-demo-1x';
  const id = (key) => createHash('sha1').update(`${prefix}/${key}`).digest('hex').slice(0, 16);
  const nodes = [];
  const add = (n) => {
    nodes.push(n);
    return n;
  };
  const ui = dash === '2' ? dashboard2(id, add) : dashboard1(id, add);

  // Config nodes.
  add({ id: id('feeder'), type: 'dms-feeder', name: FEEDER_NODE_NAME, source: 'file', network: 'rbts-bus2', json: '', file: `node_modules/node-red-contrib-dms/${FEEDER_FILE}` });
  add({
    id: id('client'), type: 'modbus-client', name: 'feeder simulator', clienttype: 'tcp', bufferCommands: true, stateLogEnabled: false, queueLogEnabled: false,
    failureLogEnabled: true, tcpHost: '127.0.0.1', tcpPort: '5020', tcpType: 'DEFAULT', serialPort: '/dev/ttyUSB', serialType: 'RTU-BUFFERD', serialBaudrate: '9600',
    serialDatabits: '8', serialStopbits: '1', serialParity: 'none', serialConnectionDelay: '100', serialAsciiResponseStartDelimiter: '0x3A', unit_id: '1',
    commandDelay: '1', clientTimeout: '1000', reconnectOnTimeout: true, reconnectTimeout: '2000', parallelUnitIdsAllowed: true,
  });
  ui.config();

  const tab = (key, label, info) => add({ id: id(key), type: 'tab', label, disabled: false, info, env: [] });
  const fn = (key, z, name, func, outputs, x, y, w, opts = {}) => add({
    id: id(key), type: 'function', z: id(z), name, func, outputs, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: opts.libs ?? [], x, y, wires: w,
  });
  const inject = (key, z, name, x, y, w, opts = {}) => add({
    id: id(key), type: 'inject', z: id(z), name, props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], repeat: opts.repeat ?? '', crontab: '',
    once: opts.once ?? false, onceDelay: opts.onceDelay ?? 0.1, topic: opts.topic ?? '', payload: opts.payload ?? '', payloadType: opts.payloadType ?? 'date', x, y, wires: w,
  });
  const change = (key, z, name, rules, x, y, w) => add({ id: id(key), type: 'change', z: id(z), name, rules, action: '', property: '', from: '', to: '', reg: false, x, y, wires: w });
  const comment = (key, z, name, info, x, y) => add({ id: id(key), type: 'comment', z: id(z), name, info, x, y, wires: [] });
  const debug = (key, z, name, x, y, active = false) => add({ id: id(key), type: 'debug', z: id(z), name, active, tosidebar: true, console: false, tostatus: false, complete: 'true', targetType: 'full', statusVal: '', statusType: 'auto', x, y, wires: [] });
  const delay = (key, z, name, seconds, x, y, w) => add({
    id: id(key), type: 'delay', z: id(z), name, pauseType: 'delay', timeout: String(seconds), timeoutUnits: 'seconds', rate: '1', nbRateUnits: '1', rateUnits: 'second',
    randomFirst: '1', randomLast: '5', randomUnits: 'seconds', drop: false, allowrate: false, outputs: 1, x, y, wires: w,
  });

  // ---- Tab 1: field, fault detection, FDIR, the feeder page -------------------------------------
  const T1 = 'tab-field';
  tab(T1, 'DMS demo: feeder and FDIR', 'RBTS Bus 2 served by the feeder simulator over Modbus TCP: IED reader, fault detector, FDIR, live single-line diagram. See the comment node.');
  comment('c-field', T1, 'How the demo works (open me)', [
    'The feeder simulator (started by `npm start`, or `dms sim docs/models/rbts-bus2-demo.json` by hand) serves RBTS Bus 2 over Modbus TCP on 127.0.0.1:5020: one dms-standard-ied IED per feeder breaker and per motorised switch (units 1-9, the `ieds` of docs/models/rbts-bus2-demo.json) and the control unit 247.',
    '',
    '- **Polling**: every 0.5 s a Flex-Getter reads each IED (input registers 0..39, discrete inputs 0..12, holding registers 0..1) and the control unit summary.',
    '- **dms-ied-reader** decodes the reads into `ied/measurement` (engineering values, quality, report by exception).',
    '- **dms-fault-detector** follows trips, reclosing and lockouts and sends `fault/event`.',
    '- **dms-fdir** locates a permanent fault, plans isolation and restoration through the F1-F2 tie, and (after "Confirm plan", or at once in automatic mode) writes select-before-operate commands through the Flex-Write node, confirming each by reading the position back.',
    '- **live diagram** (a function node using `node-red-contrib-dms/dist/lib/diagram`) draws the feeder as SVG for the dashboard: energised, de-energised, faulted and restored sections, switch states, the ties.',
    '',
    'Dashboard: http://127.0.0.1:1880/dashboard (FlowFuse Dashboard 2.0). Choose a section, inject a fault, watch the breaker trip, reclose and lock out, then confirm the plan (and, on F3 or F4, each crew step). "Repair" reports the repair to FDIR, which plans the return to normal (confirm it too).',
    '',
    'Feeders F3 and F4 have only manual switches and IEDs on their breakers alone: after a lockout FDIR can only name the whole feeder, and waits for the patrol. "Patrol found the fault" reports the chosen section (fdir/located); FDIR plans crew steps around it. "Confirm plan / crew step done" then acts each crew step out in the simulator (its control unit operates the switch on site) and tells FDIR it is done.',
    '',
    'Your own feeder: point the dms-feeder node at your model, the Modbus client at your IEDs, and keep the name of the dms-feeder node in the FEEDER constant of the "poll requests" and "live diagram" functions (they use the model of that node; see README, "Pointing it at real IEDs").',
  ].join('\n'), 200, 40);

  inject('poll', T1, 'poll every 0.5 s', 140, 120, [[id('poll-fn')]], { repeat: '0.5', once: true, onceDelay: '1' });
  fn('poll-fn', T1, 'poll requests', code(pollRequests, { FEEDER: FEEDER_NODE_NAME }), 1, 330, 120, [[id('getter')]], { libs: DMS_LIB });
  add({
    id: id('getter'), type: 'modbus-flex-getter', z: id(T1), name: 'read IEDs', showStatusActivities: false, showErrors: true, showWarnings: true, logIOActivities: false,
    server: id('client'), useIOFile: false, ioFile: '', useIOForPayload: false, emptyMsgOnFail: false, keepMsgProperties: false, delayOnStart: false, startDelayTime: '',
    x: 510, y: 120, wires: [[id('route')], []],
  });
  add({
    id: id('route'), type: 'switch', z: id(T1), name: 'control unit?', property: 'modbusRequest.unitid', propertyType: 'msg',
    rules: [{ t: 'eq', v: '247', vt: 'num' }, { t: 'else' }], checkall: 'false', repair: false, outputs: 2, x: 680, y: 120, wires: [[id('ctl-fn')], [id('reader')]],
  });
  fn('ctl-fn', T1, 'decode control unit', code(decodeControlUnit), 1, 890, 80, [[id('w-sim')]]);
  add({
    id: id('reader'), type: 'dms-ied-reader', z: id(T1), name: 'IEDs', feeder: id('feeder'), map: 'dms-standard-ied', mapJson: '', iedId: '', device: '', unitId: '',
    staleAfterS: '5', heartbeatS: '0', rbe: true, x: 860, y: 160, wires: [[id('detector'), id('fdir'), id('diagram')]],
  });
  add({
    id: id('detector'), type: 'dms-fault-detector', z: id(T1), name: 'fault detector', feeder: id('feeder'), protection: '', overrides: '',
    reclaimS: '30', maxDeadTimeS: '60', settleS: '2', recloseShots: '', nominalKV: '', x: 1070, y: 220,
    wires: [[id('fdir'), id('diagram'), id('log')], []],
  });
  add({
    id: id('fdir'), type: 'dms-fdir', z: id(T1), name: 'FDIR', feeder: id('feeder'), automatic: 'allowed', confirmTimeoutS: '20', selectTimeoutS: '5', checkSelect: true, load: 'peak',
    x: 1270, y: 160, wires: [[id('write-cmd')], [id('diagram'), id('log'), id('plan')], [id('diagram'), id('log'), id('plan'), id('incident'), id('alarms')], [id('log'), id('records-out')]],
  });
  add({ id: id('write-cmd'), type: 'modbus-flex-write', z: id(T1), name: 'write commands', showStatusActivities: false, showErrors: true, showWarnings: true, server: id('client'), emptyMsgOnFail: false, keepMsgProperties: true, delayOnStart: false, startDelayTime: '', x: 1500, y: 100, wires: [[], []] });
  add({ id: id('records-out'), type: 'link out', z: id(T1), name: 'interruption records', mode: 'link', links: [id('records-in')], x: 1495, y: 260, wires: [] });
  fn('incident', T1, 'incident open?', code(trackIncident), 0, 1500, 300, []);
  add({ id: id('alarms'), type: 'switch', z: id(T1), name: 'alarms', property: 'topic', propertyType: 'msg', rules: [{ t: 'eq', v: 'fdir/alarm', vt: 'str' }], checkall: 'true', repair: false, outputs: 1, x: 1490, y: 340, wires: [[id('alarm-text')]] });
  change('alarm-text', T1, 'alarm text', [{ t: 'set', p: 'payload', pt: 'msg', to: 'payload.message', tot: 'msg' }], 1650, 340, [[id('w-toast')]]);
  fn('diagram', T1, 'live diagram', code(liveDiagram, { DASHBOARD: dash, FEEDER: FEEDER_NODE_NAME }), 3, 1500, 200, [[id('w-svg')], [id('w-supply')], [id('states-out')]], { libs: DMS_LIB });
  add({ id: id('states-out'), type: 'link out', z: id(T1), name: 'live switch states', mode: 'link', links: [id('states-in')], x: 1715, y: 240, wires: [] });
  fn('log', T1, 'event log', code(eventLog), 1, 1500, 420, [[id('w-log')]]);
  fn('plan', T1, 'plan view', code(planView), 2, 1500, 480, [[id('w-steps')], [id('w-plan')]]);
  add({ id: id('status'), type: 'status', z: id(T1), name: 'FDIR status', scope: [id('fdir')], x: 1280, y: 540, wires: [[id('status-text')]] });
  change('status-text', T1, 'status text', [{ t: 'set', p: 'payload', pt: 'msg', to: 'status.text', tot: 'msg' }], 1470, 540, [[id('w-fdir')]]);
  add({ id: id('catch'), type: 'catch', z: id(T1), name: 'errors', scope: null, uncaught: false, x: 1300, y: 420, wires: [[id('log')]] });

  // Operator controls.
  inject('start', T1, 'dashboard defaults', 160, 600, [[id('defaults')]], { once: true, onceDelay: '0.5' });
  fn('defaults', T1, 'defaults', code(startDefaults), 3, 350, 600, [[id('w-section')], [id('w-kind')], [id('diagram')]]);
  const sections = model.sections
    .map((s, i) => ({ s, n: i + 1 }))
    .filter(({ s }) => s.kind !== 'tie');
  const sectionLabel = ({ s }) => `${s.id} (${s.kind === 'main' ? 'main' : 'lateral'} ${s.from} - ${s.to})`;
  const labels = Object.fromEntries(sections.map(({ s, n }) => [n, s.id]));
  fn('remember', T1, 'remember section', code(rememberSection).replace('{ /* filled in by the generator */ }', JSON.stringify(labels)), 0, 750, 640, []);
  change('remember-kind', T1, 'remember fault type', [{ t: 'set', p: 'faultKind', pt: 'flow', to: 'payload', tot: 'msg' }], 760, 680, []);
  fn('fault-fn', T1, 'fault injection', code(faultInjection), 2, 760, 720, [[id('write-sim')], [id('log')]]);
  fn('repair-fn', T1, 'repair', code(repairAll), 3, 760, 760, [[id('write-sim')], [id('repaired-delay')], [id('log')]]);
  delay('repaired-delay', T1, '1 s', 1, 960, 760, [[id('fdir')]]);
  fn('reset-fn', T1, 'reset simulator', code(resetSimulator), 4, 760, 800, [[id('write-sim')], [id('reset-delay')], [id('diagram'), id('plan')], [id('log')]]);
  delay('reset-delay', T1, '2 s', 2, 960, 800, [[id('fdir')]]);
  add({ id: id('write-sim'), type: 'modbus-flex-write', z: id(T1), name: 'write to the control unit', showStatusActivities: false, showErrors: true, showWarnings: true, server: id('client'), emptyMsgOnFail: false, keepMsgProperties: true, delayOnStart: false, startDelayTime: '', x: 1010, y: 720, wires: [[], []] });
  const deviceNumbers = Object.fromEntries(model.devices.map((d, i) => [d.id, i + 1]));
  fn('confirm', T1, 'confirm or crew done', code(confirmOrCrew).replace('{ /* device numbers, filled in by the generator */ }', JSON.stringify(deviceNumbers)), 4, 760, 860,
    [[id('write-sim')], [id('crew-delay')], [id('fdir')], [id('log')]]);
  delay('crew-delay', T1, '3 s', 3, 960, 860, [[id('fdir')]]);
  fn('patrol', T1, 'patrol report', code(patrolReport), 2, 760, 1020, [[id('fdir')], [id('log')]]);
  change('cancel', T1, 'fdir/cancel', [{ t: 'set', p: 'topic', pt: 'msg', to: 'fdir/cancel', tot: 'str' }, { t: 'set', p: 'payload', pt: 'msg', to: 'operator', tot: 'str' }], 760, 900, [[id('fdir')]]);
  fn('mode', T1, 'fdir/mode', code(modeMessage), 1, 760, 940, [[id('fdir'), id('log-mode')]]);
  change('log-mode', T1, 'log it', [{ t: 'set', p: 'payload', pt: 'msg', to: '"FDIR mode: " & payload', tot: 'jsonata' }, { t: 'set', p: 'topic', pt: 'msg', to: 'operator', tot: 'str' }], 960, 940, [[id('log')]]);
  change('clear-log', T1, 'log/clear', [{ t: 'set', p: 'topic', pt: 'msg', to: 'log/clear', tot: 'str' }], 760, 980, [[id('log')]]);

  // Widgets of the feeder page.
  const gDiagram = ui.group('g-diagram', 'p-feeder', 'Single-line diagram (live)', 7, 1);
  const gFault = ui.group('g-fault', 'p-feeder', 'Fault injection (simulator) and FDIR', 5, 2);
  const gFdir = gFault;
  const gLog = ui.group('g-log', 'p-feeder', 'Events and alarms', 12, 3);
  ui.svg('w-svg', T1, gDiagram, 1770, 160);
  ui.text('w-supply', T1, gDiagram, 'Supply', 1780, 200, 2);
  ui.text('w-sim', T1, gDiagram, 'Simulator', 1100, 80, 3);
  ui.dropdown('w-section', T1, gFault, 'Fault section', sections.map((x) => ({ label: sectionLabel(x), value: x.n })), 560, 640, [[id('remember')]], 1);
  ui.dropdown('w-kind', T1, gFault, 'Fault type', [
    { label: 'permanent, three-phase', value: 'permanent' }, { label: 'transient, three-phase', value: 'transient' }, { label: 'permanent, phase-earth', value: 'earth' },
  ], 560, 680, [[id('remember-kind')]], 2);
  ui.button('w-inject', T1, gFault, 'Inject fault', 'inject', 560, 720, [[id('fault-fn')]], 3, 'red');
  ui.button('w-repair', T1, gFault, 'Repair', 'repair', 560, 760, [[id('repair-fn')]], 4);
  ui.button('w-reset', T1, gFault, 'Reset simulator', 'reset', 560, 800, [[id('reset-fn')]], 5);
  ui.text('w-fdir', T1, gFdir, 'FDIR', 1700, 540, 6);
  ui.text('w-plan', T1, gFdir, 'Plan', 1700, 520, 7);
  ui.table('w-steps', T1, gFdir, [['step', 'Step'], ['device', 'Device'], ['action', 'Action'], ['mode', 'Mode'], ['status', 'Status']], 1700, 480, 8);
  ui.button('w-confirm', T1, gFdir, 'Confirm plan / crew step done', 'confirm', 560, 860, [[id('confirm')]], 9, 'green');
  ui.button('w-cancel', T1, gFdir, 'Cancel plan', 'cancel', 560, 900, [[id('cancel')]], 10);
  ui.button('w-patrol', T1, gFdir, 'Patrol found the fault (on the chosen section)', 'patrol', 560, 1020, [[id('patrol')]], 12);
  ui.switch('w-auto', T1, gFdir, 'Automatic FDIR (no confirmation)', 560, 940, [[id('mode')]], 11);
  ui.table('w-log', T1, gLog, [['time', 'Time (UTC)'], ['source', 'Source'], ['kind', 'Event'], ['text', 'Details']], 1700, 420, 1);
  ui.button('w-clear', T1, gLog, 'Clear log', 'clear', 560, 980, [[id('clear-log')]], 2);
  ui.toast('w-toast', T1, 1830, 340);

  // ---- Tab 2: reliability and planning --------------------------------------------------------
  const T2 = 'tab-planning';
  tab(T2, 'DMS demo: reliability and planning', 'Predictive reliability of the demo feeder under its live configuration, and where new automated switches pay off (BPSO).');
  comment('c-planning', T2, 'Reliability and switch placement (open me)', [
    '- **dms-reliability** (predictive, analytical) evaluates the demo feeder at start and again whenever the device positions the IEDs report change (the live configuration, e.g. during an FDIR restoration): SAIFI, SAIDI, CAIDI, ASAI, MAIFI, ENS and ECOST (customer damage functions of the RBTS). The chart shows the indices over time.',
    '- **dms-switch-placement** (binary PSO, thesis ch. 5) runs once at start and on "Run placement study": it finds the new automated switches with the lowest total supply interruption cost TSC = FC + ECOST. The chart shows its convergence, the table the four cases of the thesis\'s Table 6.3 (no new switch, every candidate, the optimum, the optimum with manual switches).',
    '',
    '- **dms-reliability** (historical, IEEE 1366) takes the interruption records FDIR writes during this run (link node "interruption records": one record per group of load points that lost and regained supply together) and, after each record, answers a query for the days with records: SAIFI, SAIDI, CAIDI, MAIFI, ASAI and EENS of what the customers lived through. Interruptions restored within 5 minutes (a quick confirmation, or automatic mode) count as momentary (MAIFI).',
  ].join('\n'), 200, 40);
  add({ id: id('states-in'), type: 'link in', z: id(T2), name: 'live switch states', links: [id('states-out')], x: 135, y: 120, wires: [[id('to-rel')]] });
  fn('to-rel', T2, 'live configuration', code(toReliability), 1, 330, 120, [[id('reliability')]]);
  inject('rel-start', T2, 'at start', 140, 160, [[id('reliability')]], { once: true, onceDelay: '2' });
  add({
    id: id('reliability'), type: 'dms-reliability', z: id(T2), name: 'predictive reliability', feeder: id('feeder'), mode: 'predictive', method: 'analytical', years: '10000', seed: '1',
    momentaryThresholdMin: '', transformerTimes: 'model', repairDistribution: 'fixed', costs: '', progress: false, x: 560, y: 140, wires: [[id('indices')]],
  });
  fn('indices', T2, 'indices', code(indicesView), 3, 780, 140, [[id('w-indices')], [id('w-trend')], [id('w-relnote')]]);
  add({ id: id('records-in'), type: 'link in', z: id(T2), name: 'interruption records', links: [id('records-out')], x: 135, y: 240, wires: [[id('historical'), id('records-debug')]] });
  debug('records-debug', T2, 'interruption records', 350, 300);
  add({
    id: id('historical'), type: 'dms-reliability', z: id(T2), name: 'historical indices', feeder: id('feeder'), mode: 'historical', method: 'analytical', years: '10000', seed: '1',
    momentaryThresholdMin: '', transformerTimes: 'model', repairDistribution: 'fixed', costs: '', progress: false, servedFrom: 'model', feederId: '', servedTable: '',
    timeZone: 'UTC', targets: '', contextStore: '', medView: 'include', chartInterval: 'month', chartIndices: 'saifi,saidi,caidi,maifi', x: 580, y: 240,
    wires: [[id('historical-view')], []],
  });
  add({ id: id('historical-done'), type: 'complete', z: id(T2), name: 'record taken', scope: [id('historical')], uncaught: false, x: 350, y: 190, wires: [[id('historical-query')]] });
  fn('historical-query', T2, 'query', code(historicalQuery), 1, 560, 200, [[id('historical')]]);
  fn('historical-view', T2, 'historical view', code(historicalView), 2, 780, 240, [[id('w-hist')], [id('w-histtrend')]]);

  inject('place-start', T2, 'at start', 140, 320, [[id('placement')]], { once: true, onceDelay: '4' });
  add({
    id: id('placement'), type: 'dms-switch-placement', z: id(T2), name: 'switch placement (BPSO)', feeder: id('feeder'), method: 'bpso', particles: '', maxIterations: '', stallIterations: '',
    c1: '', c2: '', inertia: '', vMax: '', topology: 'gbest', seed: '1', polish: true, progress: 'summary', progressInterval: '250', thread: 'worker', x: 580, y: 340,
    wires: [[id('cases'), id('convergence')], [id('convergence')]],
  });
  fn('cases', T2, 'four cases', code(casesTable), 2, 820, 320, [[id('w-cases')], [id('w-best')]]);
  fn('convergence', T2, 'convergence', code(convergenceChart, { DASHBOARD: dash }), 1, 820, 380, [[id('w-conv')]]);
  add({ id: id('place-catch'), type: 'catch', z: id(T2), name: 'errors', scope: null, uncaught: false, x: 580, y: 440, wires: [[id('place-error')]] });
  change('place-error', T2, 'error text', [{ t: 'set', p: 'payload', pt: 'msg', to: 'error.message', tot: 'msg' }], 780, 440, [[id('w-best')]]);

  const gRel = ui.group('g-rel', 'p-planning', 'Predictive reliability (live configuration)', 5, 1);
  const gTrend = ui.group('g-trend', 'p-planning', 'Indices over time', 7, 2);
  const gHist = ui.group('g-hist', 'p-planning', 'Historical indices of this run (IEEE 1366)', 5, 3);
  const gHistTrend = ui.group('g-histtrend', 'p-planning', 'Historical indices over time', 7, 4);
  const gPlace = ui.group('g-place', 'p-planning', 'Switch placement (BPSO)', 12, 5);
  ui.table('w-indices', T2, gRel, [['index', 'Index'], ['value', 'Value'], ['unit', 'Unit']], 1020, 100, 1);
  ui.text('w-relnote', T2, gRel, 'Configuration', 1020, 180, 2);
  ui.chart('w-trend', T2, gTrend, 'SAIDI and SAIFI (predictive)', 'time', 1020, 140, 1);
  ui.table('w-hist', T2, gHist, [['index', 'Index'], ['value', 'Value'], ['unit', 'Unit']], 1020, 240, 1);
  ui.chart('w-histtrend', T2, gHistTrend, 'SAIFI, MAIFI and SAIDI (min) of this run', 'time', 1020, 280, 1);
  ui.button('w-place', T2, gPlace, 'Run placement study', 'run', 140, 360, [[id('placement')]], 1);
  ui.text('w-best', T2, gPlace, 'Optimum', 1060, 320, 2);
  ui.chart('w-conv', T2, gPlace, 'BPSO convergence: TSC per iteration ($/yr)', 'xy', 1060, 380, 3);
  ui.table('w-cases', T2, gPlace, [['case', 'Case'], ['switches', 'New switches'], ['saifi', 'SAIFI'], ['saidi', 'SAIDI h/yr'], ['asai', 'ASAI'], ['eens', 'EENS MWh/yr'], ['fc', 'FC $/yr'], ['cens', 'ECOST $/yr'], ['tsc', 'TSC $/yr']], 1060, 280, 4);

  // ---- Tab 3: the substation's transformers ---------------------------------------------------
  const T3 = 'tab-substation';
  tab(T3, 'DMS demo: substation transformers', 'A simulated two-transformer substation and the least-loss operation mode selector.');
  comment('c-substation', T3, 'Transformer operation mode (open me)', [
    'A function simulates a 10/0.4 kV substation with two 630 kVA units (S11-630/10: P0 0.84 kW, Pk 6.2 kW, uk 4.5 %) and two buses: homes on bus 1 (evening peak 430 kVA), shops and offices on bus 2 (daytime peak 330 kVA). Each tick (2 s) is 15 minutes of simulated time, so a day passes every 3.2 minutes.',
    '',
    '**dms-transformer-mode** (Gao, Huang & Li 2013) computes the losses of every mode (T1 or T2 alone, split, parallel), recommends the least-loss one with hysteresis and a 60-minute minimum dwell, and proposes an advisory switching plan. "Confirm mode change" (or the auto-confirm switch) issues it and the simulated switchgear puts the new mode in service. At the end of each simulated day the node reports the energy lost in the mode in service and in the best mode.',
  ].join('\n'), 200, 40);
  inject('tick', T3, 'every 2 s', 130, 120, [[id('telemetry')]], { repeat: '2', once: true, onceDelay: '1' });
  fn('telemetry', T3, 'substation telemetry', code(substationTelemetry), 1, 320, 120, [[id('tmode')]]);
  add({
    id: id('tmode'), type: 'dms-transformer-mode', z: id(T3), name: 'operation mode', t1Id: 'T1', t1SnKVA: '630', t1P0KW: '0.84', t1PkKW: '6.2', t1UkPct: '4.5', t1I0Pct: '1.3', t1Q0Kvar: '',
    t1Ratio: '25', t1VectorGroup: 'Dyn11', t2Id: 'T2', t2SnKVA: '630', t2P0KW: '0.84', t2PkKW: '6.2', t2UkPct: '4.5', t2I0Pct: '1.3', t2Q0Kvar: '', t2Ratio: '25', t2VectorGroup: 'Dyn11',
    overloadLimit: '1.0', reactiveEquivalent: '0', minSavingKW: '0.1', minDwellMin: '60', blockT1: false, blockT2: false, blockSplit: false, blockParallel: false, allowParallel: true,
    ukTolerancePct: '10', maxCapacityRatio: '3', ratioTolerancePct: '0.5', control: 'advisory', devT1HV: 'Q1', devT1LV: 'Q11', devBusTie: 'Q0', devT2LV: 'Q21', devT2HV: 'Q2',
    commandTimeoutS: '30', timeZone: 'UTC', maxHoldMin: '60', contextStore: '', x: 540, y: 160, wires: [[id('mode-view')], [id('switchgear')], [id('days')]],
  });
  fn('mode-view', T3, 'recommendation', code(modeView), 3, 780, 100, [[id('w-modes')], [id('w-mode')], [id('w-losses')]]);
  fn('switchgear', T3, 'switchgear', code(switchgear), 2, 780, 160, [[id('tmode')], [id('w-switching')]]);
  fn('days', T3, 'daily statistics', code(dailyStatistics), 2, 780, 220, [[id('w-days')], [id('w-saving')]]);
  fn('t-confirm', T3, 'confirm the plan', code(confirmTransformerPlan), 2, 320, 260, [[id('tmode')], [id('w-switching')]]);
  change('auto-confirm', T3, 'remember', [{ t: 'set', p: 'autoConfirm', pt: 'flow', to: 'payload', tot: 'msg' }], 320, 300, []);

  const gMode = ui.group('g-mode', 'p-substation', 'Operation mode', 6, 1);
  const gLoss = ui.group('g-loss', 'p-substation', 'Losses (kW)', 6, 2);
  const gDays = ui.group('g-days', 'p-substation', 'Energy lost per simulated day', 12, 3);
  ui.text('w-mode', T3, gMode, 'Now', 1020, 60, 1);
  ui.table('w-modes', T3, gMode, [['mode', 'Mode'], ['lossKW', 'Losses kW'], ['loading', 'Loading T1 / T2'], ['feasible', 'Feasible']], 1020, 100, 2);
  ui.text('w-switching', T3, gMode, 'Switching', 1020, 200, 3);
  ui.button('w-tconfirm', T3, gMode, 'Confirm mode change', 'confirm', 130, 260, [[id('t-confirm')]], 4, 'green');
  ui.switch('w-tauto', T3, gMode, 'Operator auto-confirm', 130, 300, [[id('auto-confirm')]], 5);
  ui.chart('w-losses', T3, gLoss, 'Transformer losses (kW)', 'time', 1020, 140, 1);
  ui.text('w-saving', T3, gDays, 'Savings', 1020, 240, 1);
  ui.table('w-days', T3, gDays, [['day', 'Day'], ['hours', 'Hours'], ['actualKWh', 'Actual kWh'], ['optimalKWh', 'Best mode kWh'], ['savingKWh', 'Saving kWh'], ['savingPct', 'Saving']], 1020, 280, 2);

  return nodes;
}

// ---- dashboards ----------------------------------------------------------------------------------

const SVG_STYLE = '.dms-diagram-box svg { width: 100%; height: auto; }';

/** FlowFuse Dashboard 2.0 widgets. */
function dashboard2(id, add) {
  const w = (key, z, group, order, x, y, wires, extra) => add({ id: id(key), z: id(z), group: id(group), order, width: 0, height: 0, className: '', x, y, wires, ...extra });
  const widths = {};
  return {
    config() {
      add({
        id: id('ui-base'), type: 'ui-base', name: 'DMS demo', path: '/dashboard', appIcon: '', includeClientData: true, acceptsClientConfig: ['ui-notification', 'ui-control'],
        showPathInSidebar: false, headerContent: 'page', navigationStyle: 'default', titleBarStyle: 'default', showReconnectNotification: true, notificationDisplayTime: 1,
        showDisconnectNotification: true, allowInstall: false,
      });
      add({
        id: id('ui-theme'), type: 'ui-theme', name: 'DMS', colors: { surface: '#1f3b57', primary: '#0d74ce', bgPage: '#f2f4f7', groupBg: '#ffffff', groupOutline: '#d9d9e0' },
        sizes: { density: 'compact', pagePadding: '12px', groupGap: '12px', groupBorderRadius: '4px', widgetGap: '8px' },
      });
      const page = (key, name, path, icon, order) => add({
        id: id(key), type: 'ui-page', name, ui: id('ui-base'), path, icon, layout: 'grid', theme: id('ui-theme'),
        breakpoints: [{ name: 'Default', px: 0, cols: 3 }, { name: 'Tablet', px: 576, cols: 6 }, { name: 'Small Desktop', px: 768, cols: 9 }, { name: 'Desktop', px: 1024, cols: 12 }],
        order, className: '', visible: 'true', disabled: 'false',
      });
      page('p-feeder', 'Feeder', '/feeder', 'transmission-tower', 1);
      page('p-planning', 'Reliability', '/reliability', 'chart-line', 2);
      page('p-substation', 'Substation', '/substation', 'flash', 3);
    },
    group(key, page, name, width, order) {
      widths[key] = width;
      add({ id: id(key), type: 'ui-group', name, page: id(page), width: String(width), height: '1', order, showTitle: true, className: '', visible: 'true', disabled: 'false', groupType: 'default' });
      return key;
    },
    svg(key, z, group, x, y) {
      w(key, z, group, 1, x, y, [[]], {
        type: 'ui-template', page: '', ui: '', name: 'single-line diagram', width: String(widths[group]), height: '0', head: '',
        format: `<template>\n  <div class="dms-diagram-box" v-html="msg?.payload || 'waiting for the feeder...'"></div>\n</template>\n<style>\n${SVG_STYLE}\n</style>\n`,
        storeOutMessages: true, passthru: false, resendOnRefresh: true, templateScope: 'local',
      });
    },
    text(key, z, group, label, x, y, order) {
      w(key, z, group, order, x, y, [], {
        type: 'ui-text', name: label, label, format: '{{msg.payload}}', layout: 'row-left', style: false, font: '', fontSize: 14, color: '#333333', wrapText: true, value: 'payload', valueType: 'msg',
      });
    },
    button(key, z, group, label, payload, x, y, wires, order, colour) {
      const bg = colour === 'red' ? '#c62828' : colour === 'green' ? '#2e7d32' : '';
      w(key, z, group, order, x, y, wires, {
        type: 'ui-button', name: label, label, emulateClick: false, tooltip: '', color: '', bgcolor: '', icon: '', iconPosition: 'left', payload, payloadType: 'str', topic: 'topic', topicType: 'msg',
        buttonColor: bg, textColor: bg ? '#ffffff' : '', iconColor: '', enableClick: true, enablePointerdown: false, pointerdownPayload: '', pointerdownPayloadType: 'str',
        enablePointerup: false, pointerupPayload: '', pointerupPayloadType: 'str',
      });
    },
    switch(key, z, group, label, x, y, wires, order) {
      w(key, z, group, order, x, y, wires, {
        type: 'ui-switch', name: label, label, passthru: false, decouple: false, topic: 'topic', topicType: 'msg', style: '', layout: 'row-spread', clickableArea: 'switch',
        onvalue: 'true', onvalueType: 'bool', onicon: '', oncolor: '', offvalue: 'false', offvalueType: 'bool', officon: '', offcolor: '',
      });
    },
    dropdown(key, z, group, label, options, x, y, wires, order) {
      w(key, z, group, order, x, y, wires, {
        type: 'ui-dropdown', name: label, label, tooltip: '', passthru: false, multiple: false, chips: false, clearable: false,
        options: options.map((o) => ({ label: o.label, value: o.value, type: typeof o.value === 'number' ? 'num' : 'str' })), payload: '', topic: 'topic', topicType: 'msg',
        typeIsComboBox: false, msgTrigger: 'onChange',
      });
    },
    table(key, z, group, columns, x, y, order) {
      w(key, z, group, order, x, y, [], {
        type: 'ui-table', name: key, label: '', maxrows: 0, passthru: false, autocols: false, showSearch: false, deselect: true, selectionType: 'none',
        columns: columns.map(([k, title]) => ({ title, key: k, keyType: 'key', type: 'text', width: '', align: 'start' })),
        mobileBreakpoint: 'sm', mobileBreakpointType: 'defaults', action: 'replace',
      });
    },
    chart(key, z, group, label, kind, x, y, order) {
      const xy = kind === 'xy';
      w(key, z, group, order, x, y, [[]], {
        type: 'ui-chart', name: label, label, chartType: 'line', category: xy ? 'series' : 'topic', categoryType: xy ? 'property' : 'msg', xAxisLabel: xy ? 'iteration' : '',
        xAxisProperty: xy ? 'x' : '', xAxisPropertyType: xy ? 'property' : 'timestamp', xAxisType: xy ? 'linear' : 'time', xAxisFormat: '', xAxisFormatType: 'auto',
        xmin: '', xmax: '', yAxisLabel: '', yAxisProperty: xy ? 'y' : 'payload', yAxisPropertyType: xy ? 'property' : 'msg', ymin: '', ymax: '', bins: 10,
        action: xy ? 'replace' : 'append', stackSeries: false, pointShape: 'circle', pointRadius: xy ? 2 : 3, showLegend: true,
        removeOlder: 1, removeOlderUnit: '3600', removeOlderPoints: xy ? '' : '500',
        colors: ['#0095FF', '#FF0000', '#FF7F0E', '#2CA02C', '#A347E1', '#D62728', '#FF9896', '#9467BD', '#C5B0D5'],
        textColor: ['#666666'], textColorDefault: true, gridColor: ['#e5e5e5'], gridColorDefault: true, width: 0, height: 6, interpolation: 'linear',
      });
    },
    toast(key, z, x, y) {
      add({
        id: id(key), type: 'ui-notification', z: id(z), ui: id('ui-base'), position: 'top right', colorDefault: false, color: '#c62828', displayTime: '8', showCountdown: true,
        outputs: 0, allowDismiss: true, dismissText: 'Close', allowConfirm: false, confirmText: 'Confirm', raw: false, className: '', name: 'FDIR alarms', x, y, wires: [],
      });
    },
  };
}

/** node-red-dashboard 1.x widgets. */
function dashboard1(id, add) {
  const w = (key, z, group, order, x, y, wires, extra) => add({ id: id(key), z: id(z), group: id(group), order, width: 0, height: 0, className: '', x, y, wires, ...extra });
  const widths = {};
  return {
    config() {
      const tab = (key, name, icon, order) => add({ id: id(key), type: 'ui_tab', name, icon, order, disabled: false, hidden: false });
      tab('p-feeder', 'Feeder', 'fa-bolt', 1);
      tab('p-planning', 'Reliability', 'fa-line-chart', 2);
      tab('p-substation', 'Substation', 'fa-industry', 3);
    },
    group(key, page, name, width, order) {
      // 1.x groups are sized in units of about 48 px; 2.0 widths are twelfths of the page.
      widths[key] = Math.round(width * 2.5);
      add({ id: id(key), type: 'ui_group', name, tab: id(page), order, disp: true, width: String(widths[key]), collapse: false, className: '' });
      return key;
    },
    svg(key, z, group, x, y) {
      w(key, z, group, 1, x, y, [[]], {
        type: 'ui_template', name: 'single-line diagram', width: String(widths[group]), height: '30',
        format: `<style>${SVG_STYLE}</style>\n<div class="dms-diagram-box" ng-bind-html="(msg.payload || 'waiting for the feeder...') | trusted"></div>\n`,
        storeOutMessages: true, fwdInMessages: false, resendOnRefresh: true, templateScope: 'local',
      });
    },
    text(key, z, group, label, x, y, order) {
      w(key, z, group, order, x, y, [], { type: 'ui_text', name: label, label, format: '{{msg.payload}}', layout: 'col-center', width: String(widths[group]), height: '1' });
    },
    button(key, z, group, label, payload, x, y, wires, order, colour) {
      const bg = colour === 'red' ? '#c62828' : colour === 'green' ? '#2e7d32' : '';
      w(key, z, group, order, x, y, wires, {
        type: 'ui_button', name: label, label, tooltip: '', color: bg ? '#ffffff' : '', bgcolor: bg, icon: '', payload, payloadType: 'str', topic: 'topic', topicType: 'msg', passthru: false,
        width: String(Math.min(widths[group], 4)), height: '1',
      });
    },
    switch(key, z, group, label, x, y, wires, order) {
      w(key, z, group, order, x, y, wires, {
        type: 'ui_switch', name: label, label, tooltip: '', passthru: false, decouple: 'false', topic: 'topic', topicType: 'msg', style: '', onvalue: 'true', onvalueType: 'bool',
        onicon: '', oncolor: '', offvalue: 'false', offvalueType: 'bool', officon: '', offcolor: '', animate: false, width: String(widths[group]), height: '1',
      });
    },
    dropdown(key, z, group, label, options, x, y, wires, order) {
      w(key, z, group, order, x, y, wires, {
        type: 'ui_dropdown', name: label, label, tooltip: '', place: 'Select option', group: id(group), passthru: false, multiple: false,
        options: options.map((o) => ({ label: o.label, value: o.value, type: typeof o.value === 'number' ? 'num' : 'str' })), payload: '', topic: 'topic', topicType: 'msg',
        width: String(widths[group]), height: '1',
      });
    },
    table(key, z, group, columns, x, y, order) {
      // 1.x has no table widget: a template renders the rows.
      const head = columns.map(([, title]) => `<th>${title}</th>`).join('');
      const cells = columns.map(([k]) => `<td>{{row.${k}}}</td>`).join('');
      w(key, z, group, order, x, y, [[]], {
        type: 'ui_template', name: key, width: String(widths[group]), height: '6',
        format: `<style>.dms-table{width:100%;border-collapse:collapse;font-size:12px}.dms-table th,.dms-table td{border-bottom:1px solid #ddd;padding:2px 6px;text-align:left}</style>\n`
          + `<table class="dms-table"><tr>${head}</tr><tr ng-repeat="row in msg.payload track by $index">${cells}</tr></table>\n`,
        storeOutMessages: true, fwdInMessages: false, resendOnRefresh: true, templateScope: 'local',
      });
    },
    chart(key, z, group, label, kind, x, y, order) {
      w(key, z, group, order, x, y, [[]], {
        type: 'ui_chart', name: label, label, chartType: 'line', legend: 'true', xformat: kind === 'xy' ? 'auto' : 'HH:mm:ss', interpolate: 'linear', nodata: 'waiting for data',
        dot: false, ymin: '', ymax: '', removeOlder: 1, removeOlderPoints: kind === 'xy' ? '' : '500', removeOlderUnit: '3600', cutout: 0, useOneColor: false, useUTC: false,
        colors: ['#1f77b4', '#d62728', '#ff7f0e', '#2ca02c', '#98df8a', '#aec7e8', '#ff9896', '#9467bd', '#c5b0d5'], outputs: 1, useDifferentColor: false,
        width: String(widths[group]), height: '6',
      });
    },
    toast(key, z, x, y) {
      add({ id: id(key), type: 'ui_toast', z: id(z), position: 'top right', displayTime: '8', highlight: '#c62828', sendall: true, outputs: 0, ok: 'OK', cancel: '', raw: false, className: '', topic: 'FDIR alarm', name: 'FDIR alarms', x, y, wires: [] });
    },
  };
}

// ---- output ----------------------------------------------------------------------------------------

const targets = [
  [join(root, 'examples', 'flows', 'demo.json'), flows('2')],
  [join(root, 'examples', 'flows', 'demo-dashboard-1x.json'), flows('1')],
];
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, nodes] of targets) {
  const text = JSON.stringify(nodes, null, 2) + '\n';
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = '';
    }
    if (current !== text) {
      console.error(`${file} is not what scripts/demo-flows.mjs generates: run node scripts/demo-flows.mjs`);
      stale++;
    }
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${file} (${nodes.length} nodes)`);
  }
}
process.exitCode = stale ? 1 : 0;
