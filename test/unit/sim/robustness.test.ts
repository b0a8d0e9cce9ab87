import assert from 'node:assert/strict';
import { Socket } from 'node:net';
import { after, before, describe, it } from 'mocha';
import { builtinMap } from '../../../lib/ied/register-map';
import type { Value } from '../../../lib/ied/types';
import { ManualClock } from '../../../lib/sim/clock';
import { startSimulator, type SimulatorHandle } from '../../../lib/sim/start';
import { Rng } from '../../../lib/util/rng';
import { rbtsAutomated } from './fixtures';
import { connect, disconnect, pdu, RawClient, readAll } from './modbus-helpers';

/** The issue asks for 30 s of polling; normal runs take a short slice, CI and DMS_LONG_TESTS=1 the full 30 s. */
const LONG = process.env.DMS_LONG_TESTS === '1' || process.env.CI === 'true';
const DURATION_MS = LONG ? 30_000 : 2_500;
const CLIENTS = 50;
const MAP = builtinMap('dms-standard-ied');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`simulator robustness: ${CLIENTS} clients polling for ${DURATION_MS / 1000} s, abrupt disconnects, garbage`, function () {
  this.timeout(DURATION_MS + 60_000);
  let h: SimulatorHandle;
  let expected: Map<number, Record<string, Value>>;

  before(async () => {
    h = await startSimulator({ feeder: rbtsAutomated(), port: 0, clock: new ManualClock(), logConnections: false, faults: [{ section: 'L30' }] });
    // A fault that burns during the run: the simulated time does not move, so every value is fixed.
    expected = new Map();
    const c = await connect(h.port, 1);
    for (const u of h.units) {
      c.setID(u.unitId);
      expected.set(u.unitId, await readAll(c, MAP));
    }
    await disconnect(c);
  });
  after(() => h.close());

  it('serves correct data to every polling client throughout, and afterwards', async () => {
    const rng = new Rng(8);
    const deadline = Date.now() + DURATION_MS;
    const units = h.units.map((u) => u.unitId);
    let polls = 0;
    let wrong = 0;
    const failures: string[] = [];

    const poller = async (k: number): Promise<void> => {
      const c = await connect(h.port, units[k % units.length]);
      try {
        let i = k;
        while (Date.now() < deadline) {
          const unit = units[i++ % units.length];
          c.setID(unit);
          const v = await readAll(c, MAP);
          polls++;
          const want = expected.get(unit)!;
          for (const [name, value] of Object.entries(want)) {
            if (!Object.is(v[name], value)) {
              wrong++;
              failures.push(`unit ${unit} ${name}: ${v[name]} != ${value}`);
              break;
            }
          }
        }
      } catch (err) {
        failures.push(`client ${k}: ${(err as Error).message}`);
      } finally {
        await disconnect(c);
      }
    };

    let abrupt = 0;
    let garbage = 0;
    let closedByServer = 0;
    const vandal = async (): Promise<void> => {
      while (Date.now() < deadline) {
        const kind = rng.int(0, 3);
        if (kind === 0) {
          // Half a request, then gone.
          const s = new Socket();
          s.on('error', () => undefined);
          await new Promise<void>((r) => s.connect(h.port, '127.0.0.1', () => r()));
          s.write(Buffer.from([0, 1, 0, 0, 0, 6, 1, 4, 0]));
          s.destroy();
          abrupt++;
        } else if (kind === 1) {
          // A full request and gone before the answer.
          const raw = await RawClient.open(h.port);
          raw.request(1, pdu.read(4, 0, 40)).catch(() => undefined);
          raw.destroy();
          abrupt++;
        } else if (kind === 2) {
          // Random bytes: the server answers what parses and drops the connection when the framing breaks.
          const raw = await RawClient.open(h.port);
          const bytes = Buffer.from(Array.from({ length: rng.int(1, 300) }, () => rng.int(0, 255)));
          raw.writeRaw(bytes);
          await sleep(20);
          if (raw.closed) closedByServer++;
          raw.destroy();
          garbage++;
        } else {
          // A protocol id that is not Modbus: the server must close the connection.
          const raw = await RawClient.open(h.port);
          raw.writeRaw(Buffer.from([0, 7, 0x12, 0x34, 0, 6, 1, 4, 0, 0, 0, 2]));
          await raw.whenClosed();
          closedByServer++;
          garbage++;
        }
        await sleep(10);
      }
    };

    await Promise.all([...Array.from({ length: CLIENTS }, (_, k) => poller(k)), vandal(), vandal()]);
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} failures`);
    assert.equal(wrong, 0);
    assert.ok(polls > CLIENTS, `only ${polls} polls`);
    assert.ok(abrupt > 0 && garbage > 0 && closedByServer > 0, `abrupt ${abrupt}, garbage ${garbage}, closed ${closedByServer}`);

    // Still serving correct data; every connection from the storm is gone.
    const c = await connect(h.port, 3);
    assert.deepEqual(await readAll(c, MAP), expected.get(3));
    await disconnect(c);
    await sleep(50);
    assert.equal(h.stats.open, 0, `${h.stats.open} connections left open`);
    assert.ok(h.stats.protocolErrors > 0);
    console.log(`      ${polls} polls (${polls * 4} requests) by ${CLIENTS} clients, ${abrupt} abrupt disconnects, ${garbage} garbage connections, ${h.stats.requests} requests in all`);
  });
});
