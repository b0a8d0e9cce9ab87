// `npm start`: the demo. The feeder simulator serves RBTS Bus 2 (docs/models/rbts-bus2-demo.json) over
// Modbus TCP, and Node-RED runs with this package and the demo flow (examples/flows/demo.json)
// deployed, its dashboard at /dashboard. Everything listens on loopback only. The Node-RED user
// directory is .node-red/ inside the repository (ignored by git). Ctrl-C stops everything cleanly.
//
// Environment: PORT (Node-RED, 1880), DMS_SIM_PORT (simulator, 5020), HOST (127.0.0.1 or another
// loopback address), DMS_USER_DIR (the user directory), DMS_DEMO_FLOW=reset (replace a flow file
// you changed with the demo; yours is kept as flows.json.user-backup), DMS_DEMO_FLOW=keep (never
// touch the flow file).
//
// The flow file: written when absent; rewritten (so the demo stays current) when it is still
// exactly what this script wrote last time; left alone once you deploy changes of your own.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const userDir = process.env.DMS_USER_DIR ?? join(root, '.node-red');
const port = portFrom('PORT', 1880);
const simPort = portFrom('DMS_SIM_PORT', 5020);
const host = process.env.HOST ?? '127.0.0.1';
if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host)) fail(`HOST must be a loopback address (127.x.x.x, ::1 or localhost): the demo is not meant to be reachable from the network (got ${host})`);
const flowMode = process.env.DMS_DEMO_FLOW ?? '';
if (!['', 'reset', 'keep'].includes(flowMode)) fail(`DMS_DEMO_FLOW must be reset or keep (got ${flowMode})`);

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(2);
}

function portFrom(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`${name} must be a TCP port 1..65535 (got ${JSON.stringify(raw)})`);
  return n;
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** Node-RED user directory: this package linked into node_modules (a dependency, so function nodes may import it), settings. */
function prepareUserDir() {
  mkdirSync(join(userDir, 'node_modules'), { recursive: true });
  const link = join(userDir, 'node_modules', 'node-red-contrib-dms');
  if (!existsSync(link) && !isLink(link)) symlinkSync(root, link, 'dir');
  writeFileSync(join(userDir, 'package.json'), JSON.stringify({ name: 'dms-demo-userdir', private: true, dependencies: { 'node-red-contrib-dms': 'file:..' } }, null, 2));
  const settings = join(userDir, 'settings.js');
  writeFileSync(settings, `module.exports = {
  uiHost: ${JSON.stringify(host)},
  uiPort: ${port},
  flowFile: 'flows.json',
  credentialSecret: false,
  functionExternalModules: true,
  contextStorage: { default: { module: 'memory' }, file: { module: 'localfilesystem' } },
  logging: { console: { level: 'info', metrics: false, audit: false } },
  telemetry: { enabled: false },
  diagnostics: { enabled: false, ui: false },
  editorTheme: { tours: false, projects: { enabled: false } },
};
`);
  return settings;
}

/** Writes the demo flow (with the simulator's port) when the flow file is absent or still the demo's own. */
function installFlow() {
  const flowFile = join(userDir, 'flows.json');
  const marker = join(userDir, '.dms-demo-flow.json');
  const flow = JSON.parse(readFileSync(join(root, 'examples', 'flows', 'demo.json'), 'utf8'));
  for (const n of flow) if (n.type === 'modbus-client' && n.tcpHost === '127.0.0.1') n.tcpPort = String(simPort);
  const text = JSON.stringify(flow, null, 2) + '\n';
  if (flowMode === 'keep') return 'kept (DMS_DEMO_FLOW=keep)';
  let written = null;
  try {
    written = JSON.parse(readFileSync(marker, 'utf8')).sha256;
  } catch {
    written = null;
  }
  if (existsSync(flowFile)) {
    const current = readFileSync(flowFile, 'utf8');
    if (current === text) return 'demo flow (current)';
    if (sha256(current) !== written) {
      if (flowMode !== 'reset') {
        return 'yours (changed since the demo wrote it: kept; DMS_DEMO_FLOW=reset puts the demo back and keeps yours as flows.json.user-backup)';
      }
      copyFileSync(flowFile, join(userDir, 'flows.json.user-backup'));
    }
  }
  writeFileSync(flowFile, text);
  writeFileSync(marker, JSON.stringify({ sha256: sha256(text), note: 'written by scripts/start.mjs: the flow file is the demo as long as its hash matches' }, null, 2));
  return 'demo flow (written)';
}

/** Prints the simulator's notable events (faults, protection, switching) as they happen. */
function printEvent(ev) {
  const quiet = new Set(['connect', 'disconnect', 'start', 'stop', 'select', 'fault-passage', 'fpi-reset', 'reclaim']);
  if (quiet.has(ev.type)) return;
  const { ts: _ts, tMs: _t, type, ...rest } = ev;
  const show = (v) => (typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toFixed(3))) : String(v));
  const text = Object.entries(rest).filter(([, v]) => v !== null && typeof v !== 'object').map(([k, v]) => `${k}=${show(v)}`).join(' ');
  console.log(`[sim] ${new Date(ev.tMs).toISOString().slice(11, 23)} ${type} ${text}`);
}

async function main() {
  const settings = prepareUserDir();
  const flowState = installFlow();
  const { startSimulator } = require(join(root, 'dist', 'lib', 'sim'));
  const { loadFeederFile } = require(join(root, 'dist', 'lib', 'model', 'load'));
  const feeder = loadFeederFile(join(root, 'docs', 'models', 'rbts-bus2-demo.json'));
  let sim;
  try {
    sim = await startSimulator({ feeder, host, port: simPort, log: join(userDir, 'sim-events.jsonl'), logConnections: false, onEvent: printEvent });
  } catch (err) {
    fail(`feeder simulator: ${err.message}${err.code === 'EADDRINUSE' || /EADDRINUSE/.test(err.message) ? ' (for npm start: set DMS_SIM_PORT)' : ''}`);
  }
  const units = sim.units.map((u) => `${u.unitId} ${u.device}`).join(', ');
  console.log(`feeder simulator: ${feeder.model.name} on ${host}:${sim.port} (units ${units}; control unit ${sim.controlUnitId}; log ${join(userDir, 'sim-events.jsonl')})`);
  console.log(`flow file: ${flowState}`);
  console.log(`dashboard: http://${host}:${port}/dashboard    editor: http://${host}:${port}/    Ctrl-C stops everything`);

  const red = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', settings], { stdio: 'inherit', env: { ...process.env, DMS_SIM_PORT: String(sim.port) } });
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    // A terminal's Ctrl-C reaches Node-RED too (same process group); a signal sent to this process alone is passed on.
    if (red.exitCode === null && red.signalCode === null) red.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  red.on('exit', async (code, signal) => {
    await sim.close();
    console.log(`feeder simulator stopped; Node-RED ${signal ? `stopped (${signal})` : `exited with code ${code}`}`);
    process.exit(stopping || signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : (code ?? 1));
  });
}

main().catch((err) => fail(err.stack ?? String(err)));
