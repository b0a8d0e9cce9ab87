import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'mocha';
import { main } from '../../../lib/cli';
import { applyConsoleCommand, formatEvent } from '../../../lib/cli/sim';
import { ManualClock } from '../../../lib/sim/clock';
import { parseConsoleLine, parseFaultArg } from '../../../lib/sim/console';
import { freePort } from '../../../lib/sim/modbus-server';
import { startSimulator } from '../../../lib/sim/start';
import { rbtsAutomated } from './fixtures';
import { connect, disconnect } from './modbus-helpers';

const root = path.join(__dirname, '..', '..', '..');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => { out.push(t); }, err: (t: string) => { err.push(t); } }, out, err };
}

async function until<T>(f: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('dms sim (command line)', () => {
  it('serves the network, prints one JSON document, logs events and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dms-sim-'));
    const log = path.join(dir, 'events.jsonl');
    const { io, out, err } = capture();
    const run = main(['sim', '--network', 'rbts', '--port', '0', '--json', '--log', log, '--fault', 'L13:transient'], io);
    const doc = await until(() => (out.length ? JSON.parse(out[0]) : undefined));
    assert.deepEqual(doc.units.map((u: { unitId: number; device: string }) => [u.unitId, u.device]), [[1, 'CB-F1'], [2, 'CB-F2'], [3, 'CB-F3'], [4, 'CB-F4']]);
    assert.equal(doc.controlUnitId, 247);
    assert.equal(doc.host, '127.0.0.1');
    assert.deepEqual(doc.sections[12], { number: 13, id: 'L13' });
    const c = await connect(doc.port, 2);
    const closed = (await c.readDiscreteInputs(0, 2)).data.slice(0, 2);
    await disconnect(c);
    // The transient fault on L13 (fused lateral) blew FU-13 at once: the breaker stayed closed.
    assert.deepEqual(closed, [true, false]);
    process.emit('SIGTERM');
    assert.equal(await run, 0);
    assert.equal(out.length, 1, 'exactly one JSON document');
    assert.deepEqual(err, []);
    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(events[0].type, 'start');
    assert.ok(events.some((e) => e.type === 'trip' && e.device === 'FU-13'));
    assert.equal(events.at(-1).type, 'stop');
    assert.ok(events.every((e) => typeof e.ts === 'string' && /Z$/.test(e.ts)));
  });

  it('names the port when it is taken, and refuses bad arguments with the usage', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    try {
      const a = capture();
      assert.equal(await main(['sim', '--network', 'rbts', '--port', String(port)], a.io), 2);
      assert.match(a.err.join('\n'), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use \\(EADDRINUSE\\)`));
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    const b = capture();
    assert.equal(await main(['sim', '--network', 'rbts', '--port', '70000'], b.io), 2);
    assert.match(b.err.join('\n'), /--port 70000: must be a TCP port/);
    assert.match(b.err.join('\n'), /usage: dms sim/);
    const c = capture();
    assert.equal(await main(['sim', '--network', 'rbts', '--fault', 'L4:arc'], c.io), 2);
    assert.match(c.err.join('\n'), /--fault: fault L4: "arc" is not a fault type/);
    // A fault on a section that does not exist: an error, and the port is free again.
    const free = await freePort('127.0.0.1');
    const d = capture();
    assert.equal(await main(['sim', '--network', 'rbts', '--port', String(free), '--fault', 'L99'], d.io), 2);
    assert.match(d.err.join('\n'), /section "L99" does not exist/);
    const again = await startSimulator({ feeder: rbtsAutomated(), port: free, clock: new ManualClock() });
    await again.close();
  });

  it('runs as a process: prints the unit-id table and stops on SIGINT with exit code 0', async function () {
    this.timeout(30_000);
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `require(${JSON.stringify(path.join(root, 'lib', 'cli.ts'))}).main(['sim', '--network', 'ieee33', '--port', '0']).then((c) => { process.exitCode = c; })`], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await until(() => (/Ctrl-C stops/.test(stdout) ? true : undefined), 25_000);
    assert.match(stdout, /dms sim: IEEE 33-bus .* served over Modbus TCP on 127\.0\.0\.1:\d+/);
    assert.match(stdout, /^ +1 {2}IED-S1 +S1 +switch +L1 +dms-standard-ied/m);
    assert.match(stdout, /^ +247 {2}control unit/m);
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /SIGINT: stopping/);
    assert.match(stdout, / stop requests=0 connections=0$/m);
  });

  it('parses fault arguments and console commands', () => {
    assert.deepEqual(parseFaultArg('L4'), { section: 'L4' });
    assert.deepEqual(parseFaultArg('L4:ph-e:transient:R=12.5:at=0.2:phase=c'), { section: 'L4', type: 'ph-e', permanent: false, impedanceOhm: 12.5, position: 0.2, phase: 'C' });
    assert.deepEqual(parseConsoleLine('fault L7 three-phase permanent'), { kind: 'fault', spec: { section: 'L7', type: '3ph', permanent: true } });
    assert.deepEqual(parseConsoleLine('load 120%'), { kind: 'load', scale: 1.2 });
    assert.deepEqual(parseConsoleLine('open DS-4'), { kind: 'operate', device: 'DS-4', close: false });
    assert.deepEqual(parseConsoleLine('local IED-DS-4'), { kind: 'remote', ied: 'IED-DS-4', remote: false });
    assert.equal(parseConsoleLine('   '), null);
    assert.throws(() => parseConsoleLine('explode'), /unknown command "explode"/);
    assert.throws(() => parseConsoleLine('repair'), /repair: give one section id/);
    assert.throws(() => parseFaultArg('L4:at=3'), /position 0\.\.1/);
  });

  it('console commands act on a running simulator', async () => {
    const clock = new ManualClock();
    const h = await startSimulator({ feeder: rbtsAutomated(), port: 0, clock, logConnections: false });
    try {
      assert.deepEqual(applyConsoleCommand(h, parseConsoleLine('fault L29 ph-e')!), ['fault F1 on L29']);
      clock.advance(60_000);
      const state = applyConsoleCommand(h, parseConsoleLine('state')!);
      assert.match(state[1], /F1 L29 ph-e permanent/);
      assert.match(state[2], /CB-F4 open lockout/);
      assert.deepEqual(applyConsoleCommand(h, parseConsoleLine('repair all')!), ['repaired F1']);
      assert.deepEqual(applyConsoleCommand(h, parseConsoleLine('close CB-F4')!), ['closing CB-F4']);
      clock.advance(100);
      assert.match(applyConsoleCommand(h, parseConsoleLine('state')!)[2], /off normal: none/);
      assert.equal(formatEvent({ ts: '2024-01-01T00:00:01.250Z', tMs: 0, type: 'trip', device: 'CB-F4', operateTimeS: 0.1234567, faults: ['F1'] }), '00:00:01.250 trip device=CB-F4 operateTimeS=0.123 faults=["F1"]');
    } finally {
      await h.close();
    }
  });

  it('is listed by dms help', async () => {
    const { io, out } = capture();
    assert.equal(await main(['help'], io), 0);
    assert.match(out.join('\n'), /^ {2}sim +simulate a feeder and serve it over Modbus TCP/m);
  });
});
