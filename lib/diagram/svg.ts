/**
 * A live single-line diagram of a feeder as SVG, from the model and a switch state: energised,
 * de-energised, faulted and restored sections in distinct colours, switch and breaker states,
 * the ties. A pure function, shared by both dashboards and `dms diagram`. Every element carries
 * `data-id` and `data-state`, so pages and tests can read the state from the drawing.
 */
import type { LoadedFeeder } from '../model/load';
import { MeshError, Topology } from '../model/topology';
import { layoutFeeder } from './layout';

export interface DiagramView {
  /** Live device states (device id -> closed); normal states otherwise. */
  states?: Record<string, boolean>;
  /** States during the outage (e.g. just after the trip): what is live now but was dead then is "restored". */
  outageStates?: Record<string, boolean>;
  /** Sections known to be faulted. */
  faulted?: string[];
  title?: string;
  /** Show bus ids (default true for feeders of up to 80 buses). */
  busLabels?: boolean;
}

export type SectionState = 'live' | 'dead' | 'faulted' | 'restored' | 'open';

export const DIAGRAM_COLOURS: Record<SectionState, string> = {
  live: '#1b7f3b',
  dead: '#9aa0a6',
  faulted: '#d93025',
  restored: '#1a73e8',
  open: '#9aa0a6',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r1 = (v: number) => Math.round(v * 10) / 10;

function topologyOrNull(feeder: LoadedFeeder, states?: Record<string, boolean>): Topology | null {
  try {
    return new Topology(feeder.index, states);
  } catch (err) {
    if (err instanceof MeshError) return null;
    throw err;
  }
}

/** The state of every section under a view (used by the drawing and by dashboards' tables). */
export function sectionStates(feeder: LoadedFeeder, view: DiagramView = {}): Record<string, SectionState> {
  const now = topologyOrNull(feeder, view.states);
  const before = view.outageStates ? topologyOrNull(feeder, view.outageStates) : null;
  const faulted = new Set(view.faulted ?? []);
  const ix = feeder.index;
  const closed = ix.deviceStates(view.states);
  // An open line section's conductor still belongs to an end no open device cuts it from: drawn as that
  // end is (e.g. the stretch beyond an opened disconnect, fed back through a tie). Ties stay drawn open.
  const openSectionState = (s: number, topo: Topology): SectionState => {
    for (const atFrom of [1, 0]) {
      const b = atFrom ? ix.secFrom[s] : ix.secTo[s];
      if (ix.openDeviceAt(s, atFrom, closed) < 0 && topo.energised(b)) return before && !before.energised(b) ? 'restored' : 'live';
    }
    return 'open';
  };
  const out: Record<string, SectionState> = {};
  feeder.model.sections.forEach((sec, s) => {
    const liveNow = now ? now.secDown[s] >= 0 : false;
    let state: SectionState;
    if (faulted.has(sec.id)) state = 'faulted';
    else if (now && !now.secClosed[s]) state = sec.kind === 'tie' ? 'open' : openSectionState(s, now);
    else if (!liveNow) state = 'dead';
    else if (before && !(before.secDown[s] >= 0)) state = 'restored';
    else state = 'live';
    out[sec.id] = state;
  });
  return out;
}

function deviceSymbol(type: string, x: number, y: number, closed: boolean, colour: string): string {
  const fill = closed ? colour : '#ffffff';
  const a = `stroke="${colour}" stroke-width="2" fill="${fill}"`;
  switch (type) {
    case 'breaker':
    case 'recloser':
      return `<rect x="${r1(x - 6)}" y="${r1(y - 6)}" width="12" height="12" ${a}/>` + (type === 'recloser' ? `<text x="${r1(x)}" y="${r1(y + 3.5)}" font-size="9" text-anchor="middle" fill="${closed ? '#fff' : colour}">R</text>` : '');
    case 'fuse':
      return `<rect x="${r1(x - 7)}" y="${r1(y - 3)}" width="14" height="6" ${a}/>`;
    case 'tie':
      return `<path d="M${r1(x)} ${r1(y - 7)} L${r1(x + 7)} ${r1(y)} L${r1(x)} ${r1(y + 7)} L${r1(x - 7)} ${r1(y)} Z" ${a}/>`;
    default:
      return `<circle cx="${r1(x)}" cy="${r1(y)}" r="6" ${a}/>`;
  }
}

export function renderFeederSvg(feeder: LoadedFeeder, view: DiagramView = {}): string {
  const ix = feeder.index;
  const model = feeder.model;
  const layout = layoutFeeder(feeder.topology);
  const { x, y } = layout;
  const states = sectionStates(feeder, view);
  const now = topologyOrNull(feeder, view.states);
  const closed = ix.deviceStates(view.states);
  const labels = view.busLabels ?? model.buses.length <= 80;
  const width = Math.max(420, layout.width);
  const height = layout.height + 70;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="dms-diagram" viewBox="0 0 ${r1(width)} ${r1(height)}" width="${r1(width)}" height="${r1(height)}" font-family="sans-serif">`);
  parts.push(`<title>${esc(view.title ?? model.name ?? 'feeder')}</title>`);
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  parts.push(`<text x="12" y="20" font-size="14" font-weight="bold">${esc(view.title ?? model.name ?? 'feeder')}</text>`);
  const legend: Array<[SectionState, string]> = [['live', 'energised'], ['dead', 'de-energised'], ['faulted', 'faulted'], ['restored', 'restored']];
  legend.forEach(([st, text], i) => {
    const lx = 12 + i * 110;
    parts.push(`<line x1="${lx}" y1="36" x2="${lx + 22}" y2="36" stroke="${DIAGRAM_COLOURS[st]}" stroke-width="4"${st === 'dead' ? ' stroke-dasharray="5 3"' : ''}/><text x="${lx + 28}" y="40" font-size="11">${text}</text>`);
  });
  parts.push('<g transform="translate(0,40)">');

  /** Where device d is drawn: on the horizontal run of its section's path, near the device's end. */
  const devicePoint = (d: number): [number, number] => {
    const s = ix.devSection[d];
    const a = ix.secFrom[s];
    const b = ix.secTo[s];
    const span = x[b] - x[a];
    const off = Math.min(18, Math.abs(span) / 3) * (Math.sign(span) || 1);
    const inTree = feeder.topology.secDown[s] >= 0;
    const t = ix.devAtFrom[d] ? 0.15 : 0.85;
    return inTree ? [ix.devAtFrom[d] ? x[a] + off : x[b] - off, y[b]] : [x[a] + (x[b] - x[a]) * t, y[a] + (y[b] - y[a]) * t];
  };
  /** The open device that cuts a section fed from its other end (drawn as fed): at its from end, else at its to end. */
  const cuttingDevice = (s: number): number => {
    const atFrom = ix.openDeviceAt(s, 1, closed);
    return atFrom >= 0 ? atFrom : ix.openDeviceAt(s, 0, closed);
  };
  model.sections.forEach((sec, s) => {
    const a = ix.secFrom[s];
    const b = ix.secTo[s];
    const st = states[sec.id];
    const colour = DIAGRAM_COLOURS[st];
    const dash = st === 'dead' || st === 'open' || sec.kind === 'tie' ? ' stroke-dasharray="6 4"' : '';
    const w = st === 'faulted' ? 5 : sec.kind === 'lateral' ? 2 : 3;
    // Tree sections: orthogonal (along y at the parent's x, then along x). Open points of the
    // normal state: a curve, so a tie never hides under the lines it crosses.
    const inTree = feeder.topology.secDown[s] >= 0;
    const bend = Math.max(30, Math.abs(y[b] - y[a]) / 4);
    const path = inTree
      ? `M${r1(x[a])} ${r1(y[a])} L${r1(x[a])} ${r1(y[b])} L${r1(x[b])} ${r1(y[b])}`
      : `M${r1(x[a])} ${r1(y[a])} Q${r1((x[a] + x[b]) / 2 + bend)} ${r1((y[a] + y[b]) / 2)} ${r1(x[b])} ${r1(y[b])}`;
    const title = `<title>${esc(sec.id)}: ${st}</title>`;
    const cutBy = inTree && (st === 'live' || st === 'restored') && now && !now.secClosed[s] ? cuttingDevice(s) : -1;
    if (cutBy >= 0 && now) {
      // The conductor is fed from one end and cut at the other by an open device: the stretch between
      // that device and its bus is drawn as the bus is, the rest as the conductor.
      const [px, py] = devicePoint(cutBy);
      const bus = ix.devAtFrom[cutBy] ? a : b;
      const busState: SectionState = now.energised(bus) ? st : 'dead';
      const busDash = busState === 'dead' ? ' stroke-dasharray="6 4"' : '';
      const toDevice = `M${r1(x[a])} ${r1(y[a])} L${r1(x[a])} ${r1(y[b])} L${r1(px)} ${r1(py)}`;
      const fromDevice = `M${r1(px)} ${r1(py)} L${r1(x[b])} ${r1(y[b])}`;
      const [busSide, conductor] = ix.devAtFrom[cutBy] ? [toDevice, fromDevice] : [fromDevice, toDevice];
      parts.push(`<g class="section" data-id="${esc(sec.id)}" data-state="${st}"><path d="${conductor}" fill="none" stroke="${colour}" stroke-width="${w}">${title}</path>` +
        `<path d="${busSide}" fill="none" stroke="${DIAGRAM_COLOURS[busState]}" stroke-width="${w}"${busDash}>${title}</path></g>`);
      return;
    }
    parts.push(`<g class="section" data-id="${esc(sec.id)}" data-state="${st}"><path d="${path}" fill="none" stroke="${colour}" stroke-width="${w}"${dash}>${title}</path></g>`);
  });
  model.devices.forEach((dev, d) => {
    const s = ix.devSection[d];
    const [px, py] = devicePoint(d);
    const isClosed = closed[d] === 1;
    const st = states[model.sections[s].id];
    const colour = isClosed ? DIAGRAM_COLOURS[st === 'open' ? 'live' : st] : '#5f6368';
    parts.push(`<g class="device" data-id="${esc(dev.id)}" data-type="${dev.type}" data-state="${isClosed ? 'closed' : 'open'}">${deviceSymbol(dev.type, px, py, isClosed, colour)}<title>${esc(dev.id)} (${dev.type}${dev.automated ? ', automated' : ''}): ${isClosed ? 'closed' : 'open'}</title></g>`);
  });
  model.sources.forEach((src) => {
    const b = ix.busIndex.get(src.bus)!;
    parts.push(`<g class="source" data-id="${esc(src.id)}"><circle cx="${r1(x[b] - 22)}" cy="${r1(y[b])}" r="11" fill="#fff" stroke="#202124" stroke-width="2"/><text x="${r1(x[b] - 22)}" y="${r1(y[b] + 4)}" font-size="13" text-anchor="middle">~</text><line x1="${r1(x[b] - 11)}" y1="${r1(y[b])}" x2="${r1(x[b])}" y2="${r1(y[b])}" stroke="#202124" stroke-width="2"/><text x="${r1(x[b] - 22)}" y="${r1(y[b] - 15)}" font-size="10" text-anchor="middle">${esc(src.id)}</text></g>`);
  });
  model.buses.forEach((bus, b) => {
    const live = now ? now.energised(b) : false;
    parts.push(`<circle class="bus" data-id="${esc(bus.id)}" data-state="${live ? 'live' : 'dead'}" cx="${r1(x[b])}" cy="${r1(y[b])}" r="3" fill="#202124"/>`);
    if (labels) parts.push(`<text x="${r1(x[b] + 4)}" y="${r1(y[b] - 6)}" font-size="9" fill="#5f6368">${esc(bus.id)}</text>`);
  });
  model.loadPoints.forEach((lp, l) => {
    const b = ix.lpBus[l];
    const st = now && now.energised(b) ? (states[model.sections[now.parentSec[b]]?.id ?? ''] === 'restored' ? 'restored' : 'live') : 'dead';
    const colour = DIAGRAM_COLOURS[st as SectionState];
    const cx = x[b] + 10;
    const cy = y[b] + 8;
    parts.push(`<g class="load-point" data-id="${esc(lp.id)}" data-state="${st}"><path d="M${r1(cx - 5)} ${r1(cy)} L${r1(cx + 5)} ${r1(cy)} L${r1(cx)} ${r1(cy + 8)} Z" fill="${colour}"/><text x="${r1(cx + 8)}" y="${r1(cy + 8)}" font-size="9">${esc(lp.id)} (${lp.customers})</text><title>${esc(lp.id)}: ${lp.customers} customers, ${lp.avgKW} kW average, ${st}</title></g>`);
  });
  parts.push('</g></svg>');
  return parts.join('\n');
}
