/**
 * IED reader throughput: Read-node messages for the 40 input registers of the dms-standard-ied map
 * (21 points: float32 currents, voltages, P, Q; scaled int16/uint16; uint32 counters) pushed
 * through the dms-ied-reader node in node-red-node-test-helper, counted at a helper node wired to
 * its output. Every message changes a current by more than its deadband, so every message is
 * reported. References in the same run: the reader engine alone (IedReader.ingest) and a plain
 * decode-only loop (planBlock once, decodeBlock per message) over the same register arrays.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import type * as Block from '../lib/ied/block';
import type * as Image from '../lib/ied/image';
import type * as Reader from '../lib/ied/reader';
import type * as RegisterMap from '../lib/ied/register-map';
import type { Value } from '../lib/ied/types';
import { measure, table } from './timing';

// Everything from the build `npm run bench` makes (tsc output, as Node-RED runs it); from the
// sources through tsx when there is no build.
const ROOT = path.join(__dirname, '..');
const BUILT = existsSync(path.join(ROOT, 'dist', 'nodes', 'dms-ied-reader', 'dms-ied-reader.js'));
function load<T>(rel: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(BUILT ? path.join(ROOT, 'dist', `${rel}.js`) : path.join(ROOT, `${rel}.ts`)) as T;
}
const { decodeBlock, planBlock } = load<typeof Block>('lib/ied/block');
const { encodeValues } = load<typeof Image>('lib/ied/image');
const { IedReader } = load<typeof Reader>('lib/ied/reader');
const { builtinMap } = load<typeof RegisterMap>('lib/ied/register-map');

export const title = 'IED reader (dms-standard-ied, 40 input registers per message)';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const helper = require('node-red-node-test-helper');

const N_VARIANTS = 1024;

function messages(): Array<Record<string, unknown>> {
  const map = builtinMap('dms-standard-ied');
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < N_VARIANTS; i++) {
    const regs = encodeValues(map, {
      iaA: 300 + 5 * (i % 200), ibA: 310, icA: 305 + (i % 7), inA: 8, vanKV: 6.35, vbnKV: 6.34, vcnKV: 6.36, vabKV: 11, vbcKV: 10.98, vcaKV: 11.02,
      pKW: 7000 + i, qKvar: 2300, pf: 0.95, fHz: 50, tripCount: 12, recloseCount: 9, lockoutCount: 3,
    }).read('inputRegister', 0, 40);
    // The shape a node-red-contrib-modbus 5.23.3 Read node emits on output 1.
    out.push({ topic: 'polling', payload: regs, responseBuffer: { data: regs }, input: { topic: 'polling', payload: { unitid: '1', fc: 4, address: '0', quantity: '40' }, unitId: 1 } });
  }
  return out;
}

/**
 * Messages/s through the node, first as the helper loads it (node-red-node-test-helper wraps
 * Node.send and friends in sinon spies that record every call with a stack trace), then with
 * those spies removed: the same runtime and flow without the test instrumentation.
 */
async function throughNode(msgs: Array<Record<string, unknown>>): Promise<{ spied: number; plain: number }> {
  helper.init(require.resolve('node-red'));
  await new Promise<void>((r) => helper.startServer(r));
  const readerNode = load<unknown>('nodes/dms-ied-reader/dms-ied-reader');
  await helper.load(readerNode, [
    { id: 'r', type: 'dms-ied-reader', name: 'bench', map: 'dms-standard-ied', unitId: '1', staleAfterS: '60', heartbeatS: '0', rbe: true, wires: [['out']] },
    { id: 'out', type: 'helper' },
  ]);
  const reader = helper.getNode('r');
  let received = 0;
  helper.getNode('out').on('input', () => { received++; });
  const run = async (n: number): Promise<number> => {
    const start = performance.now();
    const target = received + n;
    // Feed in batches so Node-RED's asynchronous delivery keeps up without an unbounded queue.
    for (let sent = 0; sent < n;) {
      const batch = Math.min(2000, n - sent);
      for (let k = 0; k < batch; k++, sent++) reader.receive(msgs[sent % msgs.length]);
      await new Promise((r) => setImmediate(r));
    }
    while (received < target) await new Promise((r) => setImmediate(r));
    return (n * 1000) / (performance.now() - start);
  };
  await run(2000); // warm-up
  const spied = await run(20000);
  // Remove the helper's spies; Node-RED copied Node.prototype.send onto the node when it wired it.
  helper._sandbox.restore();
  reader.send = helper._NodePrototype.send;
  await run(20000); // warm-up
  const plain = await run(200000);
  await helper.unload();
  await new Promise<void>((r) => helper.stopServer(r));
  return { spied, plain };
}

export async function run(): Promise<void> {
  const msgs = messages();
  const map = builtinMap('dms-standard-ied');

  // Decode-only reference: the plan is found once, each message is decoded into a reused array.
  const plan = planBlock(map, 'inputRegister', 0, 40);
  const out = new Array<Value>(plan.points.length);
  let i = 0;
  const decode = measure(() => {
    for (let k = 0; k < 1000; k++) decodeBlock(plan, msgs[i++ % N_VARIANTS].payload as number[], out);
  });

  // The engine alone: message parsing, IED matching, decoding, quality and report by exception.
  const engine = new IedReader([{ id: 'bench', device: null, section: null, unitId: 1, topic: null, map }], { staleAfterMs: 60000 });
  let t = 0;
  let reported = 0;
  const ingest = measure(() => {
    for (let k = 0; k < 1000; k++) if (engine.ingest(msgs[i++ % N_VARIANTS], ++t)) reported++;
  });
  if (reported === 0) throw new Error('the engine reported nothing: the bench messages do not change');

  const node = await throughNode(msgs);
  const decodeRate = decode.opsPerSec * 1000;
  const ingestRate = ingest.opsPerSec * 1000;
  table([
    ['path', 'messages/s', 'vs decode-only'],
    ['decode only (planBlock once, decodeBlock)', decodeRate, '1.00'],
    ['IedReader.ingest (engine: parse, match, decode, quality, RBE)', ingestRate, (ingestRate / decodeRate).toFixed(2)],
    ['dms-ied-reader node in the test helper', node.plain, (node.plain / decodeRate).toFixed(2)],
    ['  same, with the helper\'s sinon call recording left on', node.spied, (node.spied / decodeRate).toFixed(3)],
  ]);
  console.log(`  ${BUILT ? 'built code (dist/)' : 'sources through tsx (no build)'}; node throughput ${node.plain >= 50000 ? 'meets' : 'misses'} the 50,000 messages/s target (${Math.round(node.plain).toLocaleString('en-US')}/s)`);
}
