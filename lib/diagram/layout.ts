/**
 * Positions for a single-line diagram. Buses with `x`/`y` in the model keep them; otherwise a tidy
 * tree layout of the normal-state topology: distance from the source (in sections) along x, leaves
 * stacked along y, each parent centred on its children, one band per source tree. Buses no source
 * reaches under normal states are placed beside the bus their first section leads to.
 */
import type { Topology } from '../model/topology';

export interface Layout {
  x: Float64Array;
  y: Float64Array;
  width: number;
  height: number;
}

export function layoutFeeder(topo: Topology, spacing = { dx: 90, dy: 46, margin: 60 }): Layout {
  const ix = topo.index;
  const model = ix.model;
  const n = ix.nBuses;
  const x = new Float64Array(n).fill(NaN);
  const y = new Float64Array(n).fill(NaN);
  const given = model.buses.every((b) => b.x !== undefined && b.y !== undefined);
  if (given) {
    const xs = model.buses.map((b) => b.x!);
    const ys = model.buses.map((b) => b.y!);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    // Scale model coordinates so neighbouring buses stay legible.
    const sx = x1 > x0 ? Math.max(spacing.dx, (n * spacing.dx) / 4) / (x1 - x0) : 1;
    const sy = y1 > y0 ? Math.max(spacing.dy * 4, (n * spacing.dy) / 6) / (y1 - y0) : 1;
    const s = Math.min(sx, sy * 4);
    model.buses.forEach((b, i) => {
      x[i] = spacing.margin + (b.x! - x0) * s;
      y[i] = spacing.margin + (b.y! - y0) * s;
    });
    return { x, y, width: (x1 - x0) * s + 2 * spacing.margin, height: (y1 - y0) * s + 2 * spacing.margin };
  }
  let nextLeaf = 0;
  // Reverse BFS order visits children before parents: leaves take slots, parents centre on children.
  const firstChildY = new Float64Array(n).fill(NaN);
  const lastChildY = new Float64Array(n).fill(NaN);
  // Leaves in pre-order so sibling subtrees stay contiguous.
  const byPre = Array.from(topo.order).sort((a, b) => topo.pre[a] - topo.pre[b]);
  for (const b of byPre) {
    if (topo.childStart[b + 1] === topo.childStart[b]) y[b] = nextLeaf++;
  }
  for (let k = topo.order.length - 1; k >= 0; k--) {
    const b = topo.order[k];
    if (Number.isNaN(y[b])) y[b] = (firstChildY[b] + lastChildY[b]) / 2;
    const p = topo.parentBus[b];
    if (p >= 0) {
      if (Number.isNaN(firstChildY[p]) || y[b] < firstChildY[p]) firstChildY[p] = y[b];
      if (Number.isNaN(lastChildY[p]) || y[b] > lastChildY[p]) lastChildY[p] = y[b];
    }
    x[b] = topo.depth[b];
  }
  // De-energised buses: next to the energised end of a section that reaches them, else on their own row.
  for (let pass = 0; pass < 2; pass++) {
    for (let b = 0; b < n; b++) {
      if (!Number.isNaN(x[b])) continue;
      for (let k = ix.adjStart[b]; k < ix.adjStart[b + 1]; k++) {
        const o = ix.adjBus[k];
        if (!Number.isNaN(x[o])) {
          x[b] = x[o] + 1;
          y[b] = y[o] + 0.5;
          break;
        }
      }
    }
  }
  for (let b = 0; b < n; b++) {
    if (Number.isNaN(x[b])) {
      x[b] = 0;
      y[b] = nextLeaf++;
    }
  }
  let maxX = 0;
  let maxY = 0;
  for (let b = 0; b < n; b++) {
    x[b] = spacing.margin + x[b] * spacing.dx;
    y[b] = spacing.margin + y[b] * spacing.dy;
    maxX = Math.max(maxX, x[b]);
    maxY = Math.max(maxY, y[b]);
  }
  return { x, y, width: maxX + 2 * spacing.margin + 60, height: maxY + spacing.margin + 30 };
}
