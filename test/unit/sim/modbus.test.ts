import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import { builtinMap } from '../../../lib/ied/register-map';
import { networkModel } from '../../../lib/networks';
import { powerFlow } from '../../../lib/powerflow/solve';
import { ManualClock } from '../../../lib/sim/clock';
import { controlMap } from '../../../lib/sim/control-unit';
import type { SimEvent } from '../../../lib/sim/event-log';
import { startSimulator, type SimulatorHandle } from '../../../lib/sim/start';
import { peakCurrents, rbtsAutomated, threePhaseA, iecSI } from './fixtures';
import { connect, disconnect, exceptionOf, pdu, RawClient, readAll, type Client } from './modbus-helpers';

const MAP = builtinMap('dms-standard-ied');

describe('simulator over Modbus TCP: IEEE 33-bus values', () => {
  let h: SimulatorHandle;
  before(async () => {
    h = await startSimulator({ feeder: networkModel('ieee33'), port: 0, clock: new ManualClock(), logConnections: false });
  });
  after(() => h.close());

  it('every IED reads the power flow of the model; the source IED reads the published slack power and bus voltages', async () => {
    const results = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/powerflow/ieee33-results.json'), 'utf8'));
    const publishedV = results.computed_this_session.base_case.V_pu as Record<string, number>;
    const stated = results.stated_by_sources[0].stated as { ext_grid_p_kw: number; ext_grid_q_kvar: number };
    const pf = powerFlow(networkModel('ieee33'));
    const model = h.simulator.model;
    assert.equal(h.units.length, 37, 'all 37 automated switches and ties have an IED');
    const c = await connect(h.port, 1);
    try {
      for (const u of h.units) {
        c.setID(u.unitId);
        const v = await readAll(c, MAP);
        const s = model.sections.find((x) => x.id === u.section)!;
        const sec = pf.sections.find((x) => x.id === u.section)!;
        const f32 = (x: number) => Math.fround(x);
        assert.equal(v.iaA, f32(sec.iA), `${u.ied} current`);
        assert.equal(v.ibA, f32(sec.iA));
        assert.equal(v.pKW, f32(sec.pKW), `${u.ied} P`);
        assert.equal(v.qKvar, f32(sec.qKvar), `${u.ied} Q`);
        // Ties are open: no current, the IED still sees its bus voltage.
        assert.equal(v.breakerClosed, u.deviceType !== 'tie', `${u.ied} position`);
        const vPu = (v.vabKV as number) / 12.66;
        assert.ok(Math.abs(vPu - publishedV[s.from]) < 6e-7, `${u.ied} at bus ${s.from}: ${vPu} p.u. vs published ${publishedV[s.from]}`);
        assert.ok(Math.abs((v.vanKV as number) * Math.sqrt(3) - (v.vabKV as number)) < 1e-5);
        assert.equal(v.fHz, 50);
        if (u.device === 'S1') {
          assert.ok(Math.abs((v.pKW as number) - stated.ext_grid_p_kw * -1) < 0.01, `S1 P ${v.pKW} kW vs pandapower ${-stated.ext_grid_p_kw}`);
          assert.ok(Math.abs((v.qKvar as number) - stated.ext_grid_q_kvar * -1) < 0.01, `S1 Q ${v.qKvar} kvar`);
          assert.equal(v.pf, Math.round((1000 * sec.pKW) / Math.hypot(sec.pKW, sec.qKvar)) / 1000);
        }
      }
    } finally {
      await disconnect(c);
    }
  });
});

describe('simulator over Modbus TCP: RBTS Bus 2 faults, reclosing, commands, exceptions', () => {
  let h: SimulatorHandle;
  let clock: ManualClock;
  let events: SimEvent[];
  let c: Client;
  const unitOf = (ied: string) => h.units.find((u) => u.ied === ied)!.unitId;
  const read = async (ied: string) => {
    c.setID(unitOf(ied));
    return readAll(c, MAP);
  };

  before(async () => {
    clock = new ManualClock();
    events = [];
    h = await startSimulator({ feeder: rbtsAutomated(), port: 0, clock, logConnections: false, onEvent: (e) => events.push(e) });
    c = await connect(h.port, 1);
  });
  after(async () => {
    await disconnect(c);
    await h.close();
  });
  const fresh = () => {
    h.reset();
    events.length = 0;
  };

  it('assigns unit ids 1.. to the automated devices in model order and 247 to the control unit', () => {
    assert.deepEqual(h.units.slice(0, 5).map((u) => [u.unitId, u.device]), [[1, 'CB-F1'], [2, 'DS-4'], [3, 'DS-7'], [4, 'DS-10'], [5, 'CB-F2']]);
    assert.equal(h.units.length, 14);
    assert.equal(h.controlUnitId, 247);
  });

  it('a permanent fault injected through the control unit trips CB-F1, recloses twice, locks out; passage flags upstream only', async () => {
    fresh();
    const L7 = h.simulator.model.sections.findIndex((s) => s.id === 'L7') + 1;
    c.setID(247);
    await c.writeRegisters(0, [L7, 1, 1, 0, 50, 1]); // section, 3ph, permanent, 0 Ω, 50 %, phase A
    await c.writeCoil(0, true);
    const ctl = await readAll(c, controlMap());
    assert.deepEqual([ctl.faultActive, ctl.activeFaults, ctl.faultSection], [true, 1, L7]);
    // During the relay time the breaker IED reads the fault current.
    const during = await read('IED-CB-F1');
    const iA = threePhaseA(1.875);
    assert.ok(Math.abs((during.iaA as number) - iA) < 0.01 * iA, `fault current ${during.iaA} A vs ${iA} A`);
    const tTrip = iecSI(0.1, iA, 2 * peakCurrents(rbtsAutomated()).L1);
    clock.advance(tTrip * 1000 + 1);
    let cb = await read('IED-CB-F1');
    assert.deepEqual([cb.breakerOpen, cb.tripped, cb.recloseInProgress, cb.lockout, cb.tripCount], [true, true, true, false, 1]);
    clock.advance(500);
    cb = await read('IED-CB-F1');
    assert.deepEqual([cb.breakerClosed, cb.recloseCount], [true, 1], 'reclosed after 0.5 s onto the fault');
    clock.advance(60_000);
    cb = await read('IED-CB-F1');
    assert.deepEqual([cb.breakerOpen, cb.lockout, cb.recloseInProgress, cb.tripCount, cb.recloseCount, cb.lockoutCount], [true, true, false, 3, 2, 1]);
    const flagged: string[] = [];
    for (const u of h.units) {
      const v = await read(u.ied);
      if (v.fpiA || v.fpiB || v.fpiC || v.fpiE) flagged.push(u.ied);
    }
    assert.deepEqual(flagged, ['IED-CB-F1', 'IED-DS-4', 'IED-DS-7']);
    c.setID(247);
    assert.equal((await readAll(c, controlMap())).anyLockout, true);
    assert.equal((await readAll(c, controlMap())).unsuppliedLoadPoints, 7);
    // Repair through the control unit (faultSection still L7), then close the breaker by select-before-operate.
    await c.writeCoil(1, true);
    assert.equal((await readAll(c, controlMap())).faultActive, false);
    c.setID(unitOf('IED-CB-F1'));
    await c.writeCoil(1, true); // selectClose
    await c.writeCoil(2, true); // operate
    clock.advance(100);
    cb = await read('IED-CB-F1');
    assert.deepEqual([cb.breakerClosed, cb.lockout, cb.commandResult], [true, false, 3]);
    // The passage flags stay latched until reset.
    assert.equal(cb.fpiA, true);
    await c.writeCoil(4, true);
    cb = await read('IED-CB-F1');
    assert.deepEqual([cb.fpiA, cb.tripped, cb.faultIaA], [false, false, 0]);
  });

  it('a transient fault clears at the first reclose and the breaker stays closed', async () => {
    fresh();
    h.inject({ section: 'L24', type: 'ph-ph', permanent: false });
    clock.advance(2_000);
    const cb = await read('IED-CB-F3');
    assert.deepEqual([cb.breakerClosed, cb.tripCount, cb.recloseCount, cb.lockout, cb.fpiA, cb.fpiB, cb.fpiC, cb.fpiE], [true, 1, 1, false, false, true, true, false]);
    assert.ok((cb.iaA as number) > 100, 'load current flows again');
    clock.advance(30_000);
    assert.equal((await read('IED-CB-F3')).recloseInProgress, false);
    assert.equal(events.filter((e) => e.type === 'lockout').length, 0);
  });

  it('switches by select-before-operate: select, operate, travel, read back open; the load downstream is off', async () => {
    fresh();
    const before = await read('IED-DS-10');
    assert.ok((before.iaA as number) > 0);
    c.setID(unitOf('IED-DS-7'));
    await c.writeCoil(0, true); // selectOpen
    let v = await read('IED-DS-7');
    assert.deepEqual([v.selectArmed, v.commandResult, v.breakerClosed], [true, 1, true]);
    await c.writeCoil(2, true); // operate
    v = await read('IED-DS-7');
    assert.deepEqual([v.selectArmed, v.commandResult, v.breakerIntermediate, v.breakerClosed, v.breakerOpen], [false, 3, true, false, false]);
    // Operate again while the switch travels: busy.
    await c.writeCoil(0, true);
    assert.equal(await exceptionOf(c.writeCoil(2, true)), 6);
    clock.advance(2_000);
    v = await read('IED-DS-7');
    assert.deepEqual([v.breakerOpen, v.breakerIntermediate, v.iaA], [true, false, 0]);
    const ds10 = await read('IED-DS-10');
    assert.deepEqual([ds10.iaA, ds10.vabKV], [0, 0]);
    // Close it again with one write of selectClose + operate (function 15, coils 1..2).
    c.setID(unitOf('IED-DS-7'));
    await c.writeCoils(1, [true, true]);
    clock.advance(2_000);
    v = await read('IED-DS-7');
    assert.deepEqual([v.breakerClosed, v.commandResult], [true, 3]);
    assert.ok(Math.abs((await read('IED-DS-10')).iaA as number - (before.iaA as number)) < 1e-3);
  });

  it('refuses operate without select, after the select timeout, and in local mode (exception 04, commandResult says why)', async () => {
    fresh();
    c.setID(unitOf('IED-DS-4'));
    assert.equal(await exceptionOf(c.writeCoil(2, true)), 4);
    assert.equal((await read('IED-DS-4')).commandResult, 4);
    c.setID(unitOf('IED-DS-4'));
    await c.writeRegister(0, 5); // selectTimeoutS = 5
    await c.writeCoil(1, true);
    clock.advance(5_001);
    let v = await read('IED-DS-4');
    assert.deepEqual([v.selectArmed, v.commandResult, v.selectTimeoutS], [false, 6, 5]);
    c.setID(unitOf('IED-DS-4'));
    assert.equal(await exceptionOf(c.writeCoil(2, true)), 4);
    assert.equal((await read('IED-DS-4')).commandResult, 6);
    c.setID(unitOf('IED-DS-4'));
    await c.writeCoil(0, true);
    await c.writeCoil(3, true); // cancel
    assert.equal((await read('IED-DS-4')).commandResult, 7);
    h.setRemote('IED-DS-4', false);
    c.setID(unitOf('IED-DS-4'));
    assert.equal(await exceptionOf(c.writeCoil(0, true)), 4);
    v = await read('IED-DS-4');
    assert.deepEqual([v.remote, v.commandResult, v.breakerClosed], [false, 5, true]);
    h.setRemote('IED-DS-4', true);
  });

  it('answers bad requests with the proper exception codes', async () => {
    fresh();
    const raw = await RawClient.open(h.port);
    const code = async (unit: number, p: number[]): Promise<number> => {
      const a = await raw.request(unit, p);
      assert.ok(a[0] & 0x80, `expected an exception, got ${a.toString('hex')}`);
      return a[1];
    };
    assert.equal(await code(1, [8, 0, 0, 0x12, 0x34]), 0x01, 'diagnostics (08) not supported');
    assert.equal(await code(1, [43, 14, 1, 0]), 0x01, 'device identification not supported');
    assert.equal(await code(1, pdu.read(4, 38, 4)), 0x02, 'input registers 38..41 run past the map');
    assert.equal(await code(1, pdu.read(2, 13, 1)), 0x02, 'discrete input 13 is not in the map');
    assert.equal(await code(1, pdu.read(4, 0, 0)), 0x03, 'quantity 0');
    assert.equal(await code(1, pdu.read(3, 0, 126)), 0x03, 'more than 125 registers');
    assert.equal(await code(1, pdu.read(1, 0, 2001)), 0x03, 'more than 2000 coils');
    assert.equal(await code(1, [4, 0, 0]), 0x03, 'truncated request');
    assert.equal(await code(1, pdu.writeCoil(0, 0x1234)), 0x03, 'a coil value other than FF00/0000');
    assert.equal(await code(1, pdu.writeCoil(9, 0xff00)), 0x02, 'coil 9 is not in the map');
    assert.equal(await code(1, pdu.writeRegister(1, 3)), 0x02, 'commandResult is read-only');
    assert.equal(await code(1, pdu.writeRegister(0, 0)), 0x03, 'selectTimeoutS 0 is out of range');
    assert.equal(await code(1, pdu.writeRegister(0, 301)), 0x03, 'selectTimeoutS 301 is out of range');
    assert.equal(await code(1, pdu.writeRegisters(0, [10, 0])), 0x02, 'a multiple write touching a read-only register');
    assert.equal(await code(2, pdu.writeCoil(5, 0xff00)), 0x03, 'a disconnector has no auto-reclose to enable');
    assert.equal(await code(99, pdu.read(4, 0, 2)), 0x0b, 'unit 99 is not served');
    assert.equal(await code(247, pdu.writeRegister(1, 9)), 0x03, 'fault type 9 does not exist');
    assert.equal((await raw.request(247, pdu.writeRegister(0, 0)))[0], 6);
    assert.equal(await code(247, pdu.writeCoil(0, 0xff00)), 0x03, 'inject with faultSection 0');
    // Nothing was half-written: selectTimeoutS kept its value after the refused multiple write.
    const ok = await raw.request(1, pdu.read(3, 0, 2));
    assert.deepEqual([...ok], [3, 4, 0, 30, 0, 0]);
    assert.equal((await raw.request(247, pdu.writeRegister(0, 999)))[0], 6, 'section 999 may be stored...');
    const a = await raw.request(247, pdu.writeCoil(0, 0xff00));
    assert.deepEqual([a[0], a[1]], [0x85, 0x03], '...but inject refuses it');
    // A good request on the same connection still works.
    const good = await raw.request(1, pdu.read(2, 0, 13));
    assert.deepEqual([good[0], good[1]], [2, 2]);
    raw.destroy();
  });

  it('lets a crew operate a manual switch through the control unit; a fuse or a bad number gets exception 03', async () => {
    fresh();
    const model = h.simulator.model;
    // Any closed switch (here one with an IED too: a crew may work a switch its IED cannot, e.g. in local mode).
    const manual = model.devices.findIndex((d) => d.type === 'switch' && !d.normallyOpen);
    assert.ok(manual >= 0);
    const id = model.devices[manual].id;
    c.setID(247);
    await c.writeRegister(7, manual + 1); // crewDevice
    await c.writeCoil(5, true); // crewOpen
    clock.advance(2_000);
    assert.equal(h.simulator.snapshot().devices[manual].closed, false, `${id} opened by the crew`);
    assert.ok(events.some((e) => e.type === 'switch' && e.device === id && e.by === 'crew (control unit)'));
    c.setID(247);
    assert.equal((await readAll(c, controlMap())).crewDevice, manual + 1);
    await c.writeCoil(6, true); // crewClose
    clock.advance(2_000);
    assert.equal(h.simulator.snapshot().devices[manual].closed, true, `${id} closed again`);
    const fuse = model.devices.findIndex((d) => d.type === 'fuse');
    c.setID(247);
    await c.writeRegister(7, fuse + 1);
    assert.equal(await exceptionOf(c.writeCoil(5, true)), 3);
    await c.writeRegister(7, 0);
    assert.equal(await exceptionOf(c.writeCoil(6, true)), 3);
    await c.writeRegister(7, model.devices.length + 1);
    assert.equal(await exceptionOf(c.writeCoil(5, true)), 3);
  });

  it('scales the load through the control unit and keeps simTimeS', async () => {
    fresh();
    const i1 = (await read('IED-CB-F2')).iaA as number;
    c.setID(247);
    await c.writeRegister(6, 1500); // loadScalePct 150.0 %
    const i2 = (await read('IED-CB-F2')).iaA as number;
    assert.ok(i2 > 1.45 * i1 && i2 < 1.56 * i1, `current ${i1} -> ${i2} A at 150 % load`);
    c.setID(247);
    const t0 = (await readAll(c, controlMap())).simTimeS as number;
    clock.advance(12_000);
    assert.equal((await readAll(c, controlMap())).simTimeS, t0 + 12);
    await c.writeRegister(6, 1000);
  });
});
