/**
 * Topology build and query times on random radial feeders of 1k, 10k and 100k sections, with the
 * growth per 10x size against the linear (build) or constant (O(1) query) expectation, and two
 * references measured in the same run: a bare breadth-first search over the same adjacency (the
 * least any build must do) and naive per-query walks (what the precomputed arrays replace).
 *
 * Feeders: about 200 sections per feeder (sources = n/2000, 10 feeders each, at least one source),
 * one normally-open tie per 100 sections; impedances play no part. FeederIndex (ids to integers)
 * is built once per model and timed separately; `new Topology(index)` is what loops call.
 */
import { performance } from 'node:perf_hooks';
import { FeederIndex } from '../lib/model/feeder-index';
import { Topology } from '../lib/model/topology';
import { buildZones } from '../lib/model/zones';
import { validateFeeder } from '../lib/model/validate';
import type { FeederModel } from '../lib/model/types';
import { randomFeeder } from '../lib/networks/random';
import { Rng } from '../lib/util/rng';
import { fmt, measure, table } from './timing';

export const title = 'Topology: build and queries on random radial feeders (1k / 10k / 100k sections)';

const SIZES = [1_000, 10_000, 100_000];
const QUERIES = 100_000;

function feeder(n: number): FeederModel {
  return randomFeeder({ sections: n, seed: 2024, sources: Math.max(1, Math.round(n / 2000)), feedersPerSource: 10, ties: Math.round(n / 100) });
}

/** Bare BFS over the closed sections from every source: the floor for a build. */
function bareBfs(ix: FeederIndex, closed: Uint8Array): number {
  const seen = new Uint8Array(ix.nBuses);
  const queue = new Int32Array(ix.nBuses);
  let tail = 0;
  for (const r of ix.sourceBus) { seen[r] = 1; queue[tail++] = r; }
  for (let head = 0; head < tail; head++) {
    const u = queue[head];
    for (let k = ix.adjStart[u]; k < ix.adjStart[u + 1]; k++) {
      const v = ix.adjBus[k];
      if (!seen[v] && closed[ix.adjSec[k]]) { seen[v] = 1; queue[tail++] = v; }
    }
  }
  return tail;
}

interface Row {
  n: number;
  depth: number;
  openPoints: number;
  index: number;
  build: number;
  bfs: number;
  zones: number;
  /** ns per query */
  path: number;
  protBus: number;
  protSection: number;
  isBelow: number;
  downstream: number;
  downstreamIds: number;
  ties: number;
  naiveIsBelow: number;
  naiveDownstream: number;
}

let sink = 0;

function perQuery(fn: () => void, queries: number): number {
  return (measure(fn, 300).msPerOp * 1e6) / queries;
}

function run1(n: number): Row {
  const m = feeder(n);
  const index = measure(() => new FeederIndex(m), 500).msPerOp;
  const ix = new FeederIndex(m);
  const build = measure(() => new Topology(ix), 1000).msPerOp;
  const t = new Topology(ix);
  const bfs = measure(() => bareBfs(ix, t.secClosed), 500).msPerOp;
  const zones = measure(() => buildZones(t, () => true), 500).msPerOp;

  const rng = new Rng(7);
  const energised = Array.from(t.order);
  const buses = Int32Array.from({ length: QUERIES }, () => rng.pick(energised));
  const others = Int32Array.from({ length: QUERIES }, () => rng.pick(energised));
  const inTree = Array.from({ length: ix.nSections }, (_, s) => s).filter((s) => t.secUp[s] >= 0);
  const secs = Int32Array.from({ length: QUERIES }, () => rng.pick(inTree));
  const busIds = Array.from(buses.subarray(0, 1000), (b) => m.buses[b].id);
  let depth = 0;
  for (const d of t.depth) depth = Math.max(depth, d);

  const path = perQuery(() => { for (let q = 0; q < 10_000; q++) sink += t.pathSections(buses[q]).length; }, 10_000);
  const protBus = perQuery(() => { for (let q = 0; q < QUERIES; q++) sink += t.protAboveBus[buses[q]]; }, QUERIES);
  const protSection = perQuery(() => { for (let q = 0; q < QUERIES; q++) sink += t.protectiveForSection(secs[q]); }, QUERIES);
  const isBelow = perQuery(() => { for (let q = 0; q < QUERIES; q++) sink += t.isBelow(buses[q], others[q]) ? 1 : 0; }, QUERIES);
  const downstream = perQuery(() => { for (let q = 0; q < QUERIES; q++) sink += t.customersBelow[buses[q]] + t.loadPointsBelow(buses[q]).length; }, QUERIES);
  const downstreamIds = perQuery(() => { for (const id of busIds) sink += t.downstream({ bus: id }).customers; }, busIds.length);
  const ties = perQuery(() => { for (let q = 0; q < 1000; q++) sink += t.tiesBelow(buses[q]).length; }, 1000);

  // Naive references: walk the ancestors for isBelow; sum the subtree by a search for downstream.
  const naiveIsBelow = perQuery(() => {
    for (let q = 0; q < 10_000; q++) {
      let v = buses[q];
      while (v >= 0 && v !== others[q]) v = t.parentBus[v];
      sink += v >= 0 ? 1 : 0;
    }
  }, 10_000);
  const stack = new Int32Array(ix.nBuses);
  const naiveDownstream = perQuery(() => {
    for (let q = 0; q < 200; q++) {
      let top = 0;
      let total = 0;
      stack[top++] = buses[q];
      while (top > 0) {
        const u = stack[--top];
        for (let l = 0; l < m.loadPoints.length; l++) if (ix.lpBus[l] === u) total += m.loadPoints[l].customers;
        for (let k = t.childStart[u]; k < t.childStart[u + 1]; k++) stack[top++] = t.secDown[t.childSec[k]];
      }
      sink += total;
    }
  }, 200);

  return { n, depth, openPoints: t.openSections.length, index, build, bfs, zones, path, protBus, protSection, isBelow, downstream, downstreamIds, ties, naiveIsBelow, naiveDownstream };
}

export async function run(): Promise<void> {
  const rows = SIZES.map(run1);
  const ms = (x: number) => `${fmt(x)} ms`;
  const ns = (x: number) => `${fmt(x)} ns`;
  console.log('  feeders: ~200 sections each, one tie per 100 sections; times per build (ms) or per query (ns)');
  table([
    ['sections', 'max depth', 'open points', 'FeederIndex', 'new Topology', 'bare BFS', 'build / BFS', 'zones'],
    ...rows.map((r) => [String(r.n), String(r.depth), String(r.openPoints), ms(r.index), ms(r.build), ms(r.bfs), `${fmt(r.build / r.bfs)}x`, ms(r.zones)]),
  ]);
  console.log('');
  table([
    ['sections', 'pathToSource', 'protective(bus)', 'protective(section)', 'isBelow', 'downstream', 'downstream by id', 'tiesBelow'],
    ...rows.map((r) => [String(r.n), ns(r.path), ns(r.protBus), ns(r.protSection), ns(r.isBelow), ns(r.downstream), ns(r.downstreamIds), ns(r.ties)]),
  ]);
  console.log('');
  console.log('  against naive queries in the same run (same buses):');
  table([
    ['sections', 'isBelow O(1)', 'ancestor walk', 'speed-up', 'downstream O(1)', 'subtree search', 'speed-up'],
    ...rows.map((r) => [String(r.n), ns(r.isBelow), ns(r.naiveIsBelow), `${fmt(r.naiveIsBelow / r.isBelow)}x`, ns(r.downstream), ns(r.naiveDownstream), `${fmt(r.naiveDownstream / r.downstream)}x`]),
  ]);
  console.log('');
  console.log('  growth per 10x sections (linear build: 10x; O(1) query: 1x; pathToSource follows depth; tiesBelow follows open points):');
  const growth: Array<Array<string>> = [['step', 'FeederIndex', 'new Topology', 'bare BFS', 'zones', 'pathToSource (depth)', 'isBelow', 'downstream', 'tiesBelow (open points)']];
  for (let k = 1; k < rows.length; k++) {
    const [a, b] = [rows[k - 1], rows[k]];
    const x = (f: (r: Row) => number) => `${fmt(f(b) / f(a))}x`;
    growth.push([`${a.n} -> ${b.n}`, x((r) => r.index), x((r) => r.build), x((r) => r.bfs), x((r) => r.zones),
      `${x((r) => r.path)} (${x((r) => r.depth)})`, x((r) => r.isBelow), x((r) => r.downstream), `${x((r) => r.ties)} (${x((r) => r.openPoints)})`]);
  }
  table(growth);
  const big = rows[rows.length - 1];
  console.log(`\n  target: ${big.n} sections built in under 100 ms: ${fmt(big.build)} ms (${big.build < 100 ? 'met' : 'NOT met'}); ` +
    `with FeederIndex: ${fmt(big.build + big.index)} ms`);

  const m10k = feeder(10_000);
  validateFeeder(m10k);
  const start = performance.now();
  let ok = 0;
  for (let i = 0; i < 5; i++) ok += validateFeeder(m10k).ok ? 1 : 0;
  const validateMs = (performance.now() - start) / 5;
  const ix10k = new FeederIndex(m10k);
  const build10k = measure(() => new Topology(ix10k), 300).msPerOp;
  console.log(`  validator on 10k sections: ${fmt(validateMs)} ms per model (${ok}/5 accepted; schema + semantic checks + index + topology), ` +
    `${fmt(validateMs / build10k)}x one topology build`);
  if (sink === 42) console.log('');
}
