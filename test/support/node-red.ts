/**
 * Shared set-up for node tests with node-red-node-test-helper. Node tests load the built nodes from
 * dist/ (npm test builds first). DMS_NODE_RED points at another Node-RED install, so CI runs the
 * same tests on Node 22 with Node-RED 5.
 */
import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const helper = require('node-red-node-test-helper');

const nodeRedPath = process.env.DMS_NODE_RED ? require.resolve(process.env.DMS_NODE_RED) : require.resolve('node-red');
helper.init(nodeRedPath);
if (process.env.DMS_NODE_RED) {
  // Say which Node-RED and Node.js the node tests run on, so CI logs prove both hosts.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const version = require(path.join(process.env.DMS_NODE_RED, 'package.json')).version as string;
  console.log(`node tests on Node-RED ${version}, Node.js ${process.version}`);
}

export { helper };

const NODE_RED_DIR = path.dirname(nodeRedPath);

/**
 * Node-RED core node modules (e.g. 'common/20-inject') from the Node-RED the helper runs, never from
 * another install: the helper preloads catch/status/complete from its own Node-RED and skips a test
 * node only when it is that very module, so a copy from elsewhere would register the type twice.
 */
export function coreNodes(...names: string[]): unknown[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return names.map((n) => require(require.resolve(`@node-red/nodes/core/${n}.js`, { paths: [NODE_RED_DIR] })));
}

/** The compiled node module for `name` (e.g. 'dms-feeder'). */
export function builtNode(name: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, '..', '..', 'dist', 'nodes', name, `${name}.js`));
}

/** Waits until `predicate` holds, polling; rejects with `what` after `timeoutMs` (a liveness guard, not a speed test). */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
