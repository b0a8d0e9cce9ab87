/**
 * Every example flow (examples/flows/*.json, what Import > Examples offers) deploys in Node-RED
 * without errors: loaded into node-red-node-test-helper with every node type it uses — the dms
 * nodes from dist/, Node-RED's core nodes, node-red-contrib-modbus, FlowFuse Dashboard 2.0 and
 * node-red-dashboard 1.x — with a feeder simulator of the example's own feeder on a free loopback
 * port as its Modbus field device. The user directory links this package into node_modules (as an
 * install from the palette does), so relative model paths and function nodes that import the
 * package work as they do for a user; installing modules is switched off.
 *
 * Also: every dms node type appears in at least one example, every example explains itself in a
 * comment node, and the demo flows are what scripts/demo-flows.mjs generates.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadFeederSource } from '../../nodes/dms-feeder/feeder-source';
import { startSimulator, type SimulatorHandle } from '../../lib/sim/start';
import { builtNode, helper, waitFor } from '../support/node-red';

/* eslint-disable @typescript-eslint/no-require-imports */
type FlowNode = Record<string, unknown> & { id: string; type: string; z?: string };
type NodeModule = (red: unknown) => unknown;

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples', 'flows');
const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; 'node-red': { nodes: Record<string, string> } };
// The Node-RED the helper runs (DMS_NODE_RED in CI's Node-RED 5 pass): core nodes and the module registry come from it.
const NODE_RED_DIR = path.dirname(require.resolve(process.env.DMS_NODE_RED ?? 'node-red'));
const fromNodeRed = (id: string): string => require.resolve(id, { paths: [NODE_RED_DIR] });

const CORE: Record<string, string> = {
  inject: 'common/20-inject', debug: 'common/21-debug', comment: 'common/90-comment', 'link in': 'common/60-link', 'link out': 'common/60-link',
  'link call': 'common/60-link', junction: 'common/05-junction', function: 'function/10-function', switch: 'function/10-switch', change: 'function/15-change',
  range: 'function/16-range', template: 'function/80-template', delay: 'function/89-delay', trigger: 'function/89-trigger', rbe: 'function/rbe',
  split: 'sequence/17-split', join: 'sequence/17-split', sort: 'sequence/18-sort', json: 'parsers/70-JSON', csv: 'parsers/70-CSV', file: 'storage/10-file', 'file in': 'storage/10-file',
};
/** Loaded by the helper itself whenever a flow has them. */
const HELPER_PRELOADED = new Set(['catch', 'status', 'complete']);
const DASHBOARD_2 = JSON.parse(readFileSync(require.resolve('@flowfuse/node-red-dashboard/package.json'), 'utf8'))['node-red'].nodes as Record<string, string>;
const DASHBOARD_1 = JSON.parse(readFileSync(require.resolve('node-red-dashboard/package.json'), 'utf8'))['node-red'].nodes as Record<string, string>;

function moduleFor(type: string): string {
  if (type in PACKAGE['node-red'].nodes) return `dms:${type}`;
  if (type in CORE) return fromNodeRed(`@node-red/nodes/core/${CORE[type]}.js`);
  if (type.startsWith('modbus-')) return require.resolve(`node-red-contrib-modbus/modbus/${type}.js`);
  if (type in DASHBOARD_2) return require.resolve(`@flowfuse/node-red-dashboard/${DASHBOARD_2[type]}`);
  if (type in DASHBOARD_1) return require.resolve(`node-red-dashboard/${DASHBOARD_1[type]}`);
  throw new Error(`node type "${type}" has no module known to this test: add it to CORE or the package lists`);
}

function nodeModules(flow: FlowNode[]): NodeModule[] {
  const files = new Set<string>();
  for (const n of flow) if (n.type !== 'tab' && n.type !== 'group' && n.type !== 'helper' && !HELPER_PRELOADED.has(n.type)) files.add(moduleFor(n.type));
  return [...files].map((f) => (f.startsWith('dms:') ? builtNode(f.slice(4)) : require(f)) as NodeModule);
}

/**
 * The helper registers a preloaded core node once per node of that type: with two catch nodes it would
 * register "catch" twice. Returns what undoes it, since other test files hand the helper the original
 * modules and it skips only those.
 */
function registerPreloadedOnce(): () => void {
  const h = helper as unknown as { _nodeModules: Record<string, NodeModule>; _redNodes: { getType(type: string): unknown } };
  const mods = h._nodeModules;
  const originals = { ...mods };
  for (const [type, original] of Object.entries(originals)) mods[type] = (red) => (h._redNodes.getType(type) ? undefined : original(red));
  return () => Object.assign(mods, originals);
}

function examples(): string[] {
  return readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort();
}

function readFlow(file: string): FlowNode[] {
  return JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as FlowNode[];
}

describe('example flows', function () {
  this.timeout(60_000);
  let userDir = '';
  let sim: SimulatorHandle | null = null;
  let restorePreloaded = (): void => undefined;

  before(() => {
    // A user directory with this package installed (linked) and listed as a dependency.
    userDir = mkdtempSync(path.join(os.tmpdir(), 'dms-examples-'));
    mkdirSync(path.join(userDir, 'node_modules'));
    symlinkSync(ROOT, path.join(userDir, 'node_modules', PACKAGE.name), 'dir');
    writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'dms-examples-userdir', private: true, dependencies: { [PACKAGE.name]: 'file:..' } }));
    const settings = helper.settings({ userDir, externalModules: { modules: { allowInstall: false } } }) as { userDir?: string; externalModules?: { modules?: { allowInstall?: boolean } } };
    // Never let Node-RED run npm from a test: the user directory must be set and installs off before the registry sees a flow.
    assert.equal(settings.userDir, userDir);
    assert.equal(settings.externalModules?.modules?.allowInstall, false);
    // The helper does not initialise the registry's external modules (what function nodes' `libs` use): do it as the runtime would.
    require(fromNodeRed('@node-red/registry/lib/externalModules')).init(settings);
    restorePreloaded = registerPreloadedOnce();
  });

  after(async () => {
    await helper.unload();
    await sim?.close();
    helper.settings({});
    restorePreloaded();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await helper.unload();
    await sim?.close();
    sim = null;
  });

  it('are all valid flows that explain themselves', () => {
    const files = examples();
    assert.ok(files.length >= 8, `expected an example per node and the demo, found ${files.join(', ')}`);
    for (const file of files) {
      const flow = readFlow(file);
      assert.ok(Array.isArray(flow) && flow.length > 0, `${file}: not a flow (an array of nodes)`);
      const ids = new Set<string>();
      const tabs = new Set(flow.filter((n) => n.type === 'tab').map((n) => n.id));
      for (const n of flow) {
        assert.ok(typeof n.id === 'string' && n.id, `${file}: a node without an id`);
        assert.ok(!ids.has(n.id), `${file}: id ${n.id} is used twice`);
        ids.add(n.id);
        if (n.z !== undefined) assert.ok(tabs.has(n.z), `${file}: node ${n.id} (${n.type}) is on tab ${n.z}, which the flow does not have`);
      }
      for (const n of flow) {
        for (const out of (n.wires as string[][] | undefined) ?? []) for (const target of out) assert.ok(ids.has(target), `${file}: node ${n.id} (${n.type}) is wired to ${target}, which does not exist`);
      }
      assert.ok(flow.some((n) => n.type === 'comment' && typeof n.info === 'string' && n.info.length > 100), `${file}: no comment node explaining the flow`);
    }
  });

  it('use every dms node type', () => {
    const used = new Set(examples().flatMap((f) => readFlow(f).map((n) => n.type)));
    const missing = Object.keys(PACKAGE['node-red'].nodes).filter((t) => !used.has(t));
    assert.deepEqual(missing, [], `dms node types in no example flow: ${missing.join(', ')}`);
  });

  it('demo flows are what scripts/demo-flows.mjs generates', () => {
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'demo-flows.mjs'), '--check'], { stdio: 'pipe' });
    } catch (err) {
      assert.fail(`examples/flows/demo*.json differ from the generator (run node scripts/demo-flows.mjs): ${(err as { stderr?: Buffer }).stderr?.toString() ?? err}`);
    }
  });

  for (const file of examples()) {
    it(`${file} deploys without errors`, async () => {
      const flow = readFlow(file);
      // A simulator of the example's feeder (the first dms-feeder node, or RBTS Bus 2) as the field device.
      const clients = flow.filter((n) => n.type === 'modbus-client');
      if (clients.length) {
        const feederNode = flow.find((n) => n.type === 'dms-feeder');
        const feeder = feederNode ? loadFeederSource(feederNode as Parameters<typeof loadFeederSource>[0], userDir) : loadFeederSource({ source: 'network', network: 'rbts-bus2' }, userDir);
        sim = await startSimulator({ feeder, port: 0, logConnections: false });
        for (const c of clients) c.tcpPort = String(sim.port);
      }
      await helper.load(nodeModules(flow), flow);
      const proto = (helper as unknown as { _NodePrototype: { error: { getCalls(): Array<{ thisValue: { id: string; type: string }; args: unknown[] }> }; status: { getCalls(): Array<{ thisValue: { id: string; type: string }; args: unknown[] }> } } })._NodePrototype;
      // Let the flows start, connect and run their start-up injects for a moment.
      await new Promise((r) => setTimeout(r, 2000));
      const missing = flow.filter((n) => n.type !== 'tab' && !helper.getNode(n.id)).map((n) => `${n.id} (${n.type})`);
      assert.deepEqual(missing, [], `${file}: nodes not running`);
      const ours = new Set(flow.map((n) => n.id));
      const errors = proto.error.getCalls().filter((c) => ours.has(c.thisValue?.id)).map((c) => `${c.thisValue.type} ${c.thisValue.id}: ${String(c.args[0])}`);
      assert.deepEqual(errors, [], `${file}: node errors`);
      const red = proto.status.getCalls()
        .filter((c) => ours.has(c.thisValue?.id) && (c.args[0] as { fill?: string } | undefined)?.fill === 'red')
        .map((c) => `${c.thisValue.type} ${c.thisValue.id}: ${(c.args[0] as { text?: string }).text}`);
      assert.deepEqual(red, [], `${file}: red node status`);
      // Only this flow's nodes: a node of the previous example may still report a request cut short by its unload.
      const logged = (helper.log() as { getCalls(): Array<{ args: Array<{ level: number; msg?: unknown; type?: string; id?: string }> }> }).getCalls()
        .map((c) => c.args[0]).filter((e) => e && e.level <= 20 && e.id !== undefined && ours.has(e.id)).map((e) => `${e.type} ${e.id}: ${String(e.msg)}`);
      assert.deepEqual(logged, [], `${file}: errors in the runtime log`);
    });
  }

  /** Loads an example with its debug nodes turned into helper nodes; returns the messages each receives. */
  async function run(file: string): Promise<Record<string, Array<Record<string, unknown>>>> {
    const flow = readFlow(file);
    const got: Record<string, Array<Record<string, unknown>>> = {};
    for (const n of flow) if (n.type === 'debug') n.type = 'helper';
    await helper.load(nodeModules(flow), flow);
    for (const n of flow) {
      if (n.type !== 'helper') continue;
      got[n.name as string] = [];
      helper.getNode(n.id).on('input', (m: Record<string, unknown>) => got[n.name as string].push(m));
    }
    return got;
  }

  it('feeder.json: three feeder sources, the textbook feeder with its published indices', async () => {
    const got = await run('feeder.json');
    for (const id of ['feederex-inj-net', 'feederex-inj-json', 'feederex-inj-file']) helper.getNode(id).receive({ payload: Date.now() });
    await waitFor(() => got['system indices'].length === 3, 'three results');
    const byFeeder = Object.fromEntries(got['system indices'].map((m) => [(m.payload as { feeder: string }).feeder, m.payload as { system: { saifi: number; saidi: number; customers: number } }]));
    const textbook = Object.values(byFeeder).find((r) => r.system.customers === 3000)!;
    // Billinton & Allan, ch. 7, fuses and disconnects: SAIFI 1.1533 /yr, SAIDI 2.5767 h/yr (4 decimals as published).
    assert.equal(Number(textbook.system.saifi.toFixed(4)), 1.1533);
    assert.equal(Number(textbook.system.saidi.toFixed(4)), 2.5767);
    assert.ok(Object.values(byFeeder).some((r) => r.system.customers === 1908), 'the RBTS Bus 2 demo model from the file');
    assert.ok(Object.values(byFeeder).some((r) => r.system.customers === 290), 'the README example model (250 + 40 customers)');
  });

  it('fault-detector.json: the replayed permanent fault locks CB-F1 out, closing it writes the record', async () => {
    const got = await run('fault-detector.json');
    helper.getNode('fdet-inj-fault').receive({ payload: Date.now() });
    await waitFor(() => got['fault/event'].length > 0, 'the lockout event (after the 2 s settle time)', 15_000);
    const e = got['fault/event'][0].payload as Record<string, unknown>;
    assert.equal(e.stage, 'lockout');
    assert.equal(e.permanent, true);
    assert.equal(e.device, 'CB-F1');
    assert.equal(e.type, 'three-phase');
    assert.equal(e.cause, 'DPSC');
    assert.equal(e.trips, 3);
    assert.deepEqual((e.faultPassage as Array<{ device: string }>).map((p) => p.device), ['CB-F1']);
    // CB-F2 reports too, but it is on feeder F2: each feeder's disturbance is its own.
    assert.deepEqual(e.noPassage, []);
    // The simulator's CB-F1 relay (51P IEC standard inverse, TMS 0.1, pickup 714 A) at 5164 A:
    // t = 0.1 x 0.14 / ((5164 / 714)^0.02 - 1) = 0.3469 s, the first trip of the replayed record (0.347 s).
    const element = e.element as { name: string; operateTimeS: number };
    assert.equal(element.name, '51P');
    assert.ok(Math.abs(element.operateTimeS - 0.1 * 0.14 / ((5164 / 714) ** 0.02 - 1)) < 1e-3, `operate time ${element.operateTimeS} s`);
    assert.ok(Math.abs(element.operateTimeS - 0.347) < 0.001);
    helper.getNode('fdet-inj-close').receive({ payload: Date.now() });
    await waitFor(() => got['reliability/interruption'].length > 0, 'the interruption record', 10_000);
    const r = got['reliability/interruption'][0].payload as Record<string, unknown>;
    assert.equal(r.device, 'CB-F1');
    assert.equal(r.cause, 'DPSC');
    // Everything behind CB-F1: LP1-LP7 of RBTS Bus 2 (210 + 210 + 210 + 1 + 1 + 10 + 10 customers).
    assert.equal(r.customersInterrupted, 652);
  });
});
