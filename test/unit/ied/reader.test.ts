import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bindingsFromFeeder } from '../../../lib/ied/bindings';
import { bitsToBytes, registersToBytes } from '../../../lib/ied/codec';
import { encodeValues } from '../../../lib/ied/image';
import { readModbusMessage } from '../../../lib/ied/input';
import { IedReader, type IedBinding } from '../../../lib/ied/reader';
import { builtinMap } from '../../../lib/ied/register-map';
import type { FeederModel } from '../../../lib/model/types';

const FIXTURE = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'ied', 'modbus-read-5.23.3.json'), 'utf8'));
const MAP = builtinMap('dms-standard-ied');

function binding(id: string, unitId: number | null, extra: Partial<IedBinding> = {}): IedBinding {
  return { id, device: `${id}-dev`, section: null, unitId, topic: null, map: MAP, ...extra };
}

/** A Read-node style message for input registers 0..39 of `values`. */
function irMessage(unitId: number, values: Record<string, number | boolean>): Record<string, unknown> {
  const regs = encodeValues(MAP, values).read('inputRegister', 0, 40);
  return { topic: 'polling', payload: regs, input: { payload: { unitid: String(unitId), fc: 4, address: '0', quantity: '40' }, unitId } };
}

describe('ied reader', () => {
  describe('captured node-red-contrib-modbus 5.23.3 messages', () => {
    const served = FIXTURE.served as Record<string, number | boolean>;
    const f32 = (v: number): number => Math.fround(v);
    const expected = (name: string): number | boolean => {
      const v = served[name];
      if (typeof v === 'boolean') return v;
      const p = MAP.byName.get(name)!;
      if (p.type === 'float32') return f32(v);
      return v;
    };

    for (const [part, out] of [['inputRegisters', 0], ['inputRegisters', 1], ['discreteInputs', 0], ['discreteInputs', 1], ['coils', 0], ['coils', 1], ['flexGetter', 0], ['flexGetter', 1]] as const) {
      it(`decodes ${part} output ${out + 1} to the served values`, () => {
        const reader = new IedReader([binding('CB1-IED', FIXTURE.unitId)], { staleAfterMs: 10000 });
        const m = reader.ingest(FIXTURE.messages[part][out], 1000)!;
        assert.equal(m.ied, 'CB1-IED');
        assert.equal(m.quality, 'good');
        const names = Object.keys(m.values);
        assert.ok(names.length >= 2);
        for (const n of names) assert.equal(m.values[n], expected(n), n);
      });
    }

    it('reads unit id 7, fc 4, address 0, quantity 40 from the Read node message (config values are strings)', () => {
      const b = readModbusMessage(FIXTURE.messages.inputRegisters[0]);
      assert.deepEqual({ unitId: b.unitId, table: b.table, address: b.address, quantity: b.quantity, topic: b.topic }, { unitId: 7, table: 'inputRegister', address: 0, quantity: 40, topic: 'polling' });
      // modbus-serial pads bits to whole bytes: 13 discrete inputs arrive as 16 booleans.
      const di = readModbusMessage(FIXTURE.messages.discreteInputs[0]);
      assert.equal((di.data as unknown[]).length, 16);
      assert.equal(di.padded, true);
    });

    it('turns the failed read (empty msg on fail) into comms-failed for every point of the IED, then recovers', () => {
      const reader = new IedReader([binding('CB1-IED', 7)], { staleAfterMs: 10000 });
      reader.ingest(FIXTURE.messages.inputRegisters[0], 1000);
      const failed = reader.ingest(FIXTURE.messages.failedRead[0], 2000)!;
      assert.equal(failed.reason, 'comms-failed');
      assert.equal(failed.quality, 'comms-failed');
      assert.match(failed.error!, /Modbus exception 2: Illegal data address/);
      assert.equal(Object.keys(failed.values).length, MAP.points.length);
      assert.equal(failed.values.iaA, f32(412.5));
      assert.equal(failed.values.breakerClosed, null); // never read yet
      assert.equal(reader.levelOf('CB1-IED'), 'comms-failed');
      assert.equal(reader.ingest(FIXTURE.messages.failedRead[1], 2500), null, 'a repeated failure changes nothing');
      const back = reader.ingest(FIXTURE.messages.inputRegisters[0], 3000)!;
      assert.equal(back.quality, 'good');
      assert.equal(Object.keys(back.values).length, 21);
      assert.equal(reader.levelOf('CB1-IED'), 'comms-failed', 'discrete inputs and coils are still failed');
      reader.ingest(FIXTURE.messages.discreteInputs[0], 3100);
      reader.ingest(FIXTURE.messages.coils[0], 3100);
      reader.ingest({ payload: [30, 0], unitId: 7, fc: 3, address: 0 }, 3100);
      assert.equal(reader.levelOf('CB1-IED'), 'good');
    });

    it('takes a Catch-node message for a failed Read poll (error beside the request) as comms-failed for that block only', () => {
      const reader = new IedReader([binding('CB1-IED', 7)], { staleAfterMs: 10000 });
      const m = reader.ingest({ topic: 'polling', payload: { unitid: '7', fc: 2, address: '0', quantity: '13' }, error: { message: 'Timed out', source: { type: 'modbus-read' } } }, 5)!;
      assert.equal(m.reason, 'comms-failed');
      assert.equal(m.error, 'Timed out');
      assert.equal(Object.keys(m.values).length, 13);
    });
  });

  describe('input shapes', () => {
    const values = { iaA: 412.5, inA: 9.5, tripCount: 12 };
    const regs = encodeValues(MAP, values).read('inputRegister', 0, 40) as number[];
    const shapes: Array<[string, unknown]> = [
      ['a plain array', regs],
      ['a Buffer', registersToBytes(regs)],
      ['a JSON-serialised Buffer', JSON.parse(JSON.stringify(registersToBytes(regs)))],
      ['a modbus-serial response', { data: regs, buffer: registersToBytes(regs) }],
      ['a response with only a serialised buffer', { buffer: JSON.parse(JSON.stringify(registersToBytes(regs))) }],
    ];
    for (const [label, payload] of shapes) {
      it(`decodes ${label} with msg.unitId/fc/address`, () => {
        const reader = new IedReader([binding('A', 1), binding('B', 2)], { staleAfterMs: 10000 });
        const m = reader.ingest({ payload, unitId: 2, fc: 4, address: 0 }, 0)!;
        assert.equal(m.ied, 'B');
        assert.equal(m.values.iaA, 412.5);
        assert.equal(m.values.tripCount, 12);
      });
    }
    it('decodes coil bytes (Buffer) with msg.table and trims padding to the map', () => {
      const reader = new IedReader([binding('A', 1)], { staleAfterMs: 10000 });
      const m = reader.ingest({ payload: bitsToBytes([false, false, false, false, false, true]), unitId: 1, table: 'coil', address: 0 }, 0)!;
      assert.equal(m.values.reclosingEnabled, true);
      assert.equal(m.values.selectOpen, false);
      assert.equal(Object.keys(m.values).length, 6);
    });
  });

  describe('malformed input is rejected naming the IED, the address and the reason', () => {
    const reader = new IedReader([binding('CB1-IED', 1), binding('R2-IED', 2, { topic: 'feeder1/r2' })], { staleAfterMs: 10000 });
    const base = irMessage(1, { iaA: 1 });
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['unknown unit id', { ...base, input: { payload: { fc: 4, address: 0, quantity: 40 }, unitId: 9 } }, /unknown unit id 9 on topic "polling": configured IEDs are "CB1-IED" \(unit 1\), "R2-IED" \(unit 2 on topic "feeder1\/r2"\)/],
      ['unit id only valid on another topic', { ...base, input: { payload: { fc: 4, address: 0, quantity: 40 }, unitId: 2 } }, /unknown unit id 2 on topic "polling"/],
      ['wrong length', { ...base, payload: (base.payload as number[]).slice(0, 39) }, /IED "CB1-IED" \(unit 1\): input registers 0..39: 39 values received for 40 requested/],
      ['address outside the map', { payload: [1, 2], unitId: 1, fc: 4, address: 40 }, /IED "CB1-IED" \(unit 1\): input registers 40..41: input register 40 is outside map "dms-standard-ied"/],
      ['block cutting a float', { payload: [1, 2, 3], unitId: 1, fc: 4, address: 1 }, /IED "CB1-IED" \(unit 1\): input registers 1..3 cuts point "iaA"/],
      ['not a register value', { payload: [1, 'x'], unitId: 1, fc: 3, address: 0 }, /IED "CB1-IED" \(unit 1\): holding register 1 holds "x", not a 16-bit register value/],
      ['register too large', { payload: [70000, 0], unitId: 1, fc: 3, address: 0 }, /holding register 0 holds 70000, not a 16-bit register value/],
      ['not a bit', { payload: [true, 'on'], unitId: 1, fc: 1, address: 0 }, /IED "CB1-IED" \(unit 1\): coil 1 holds "on", not a bit/],
      ['no address', { payload: [1, 2], unitId: 1, fc: 3 }, /IED "CB1-IED" \(unit 1\): the start address is unknown/],
      ['no table', { payload: [1, 2], unitId: 1, address: 0 }, /IED "CB1-IED" \(unit 1\): the table is unknown/],
      ['bad function code', { payload: [1, 2], unitId: 1, fc: 6, address: 0 }, /unit 1: function code 6 is not a read of a Modbus table/],
      ['empty payload', { payload: '', unitId: 1, fc: 3, address: 0 }, /unit 1: payload is an empty string/],
      ['odd byte count', { payload: Buffer.from([1, 2, 3]), unitId: 1, fc: 3, address: 0 }, /unit 1: payload has 3 bytes: registers need an even number/],
      ['bad serialised byte', { payload: { type: 'Buffer', data: [1, 300] }, unitId: 1, fc: 3, address: 0 }, /serialised Buffer byte 1 is 300/],
      ['no unit id, several IEDs', { payload: [1, 2], fc: 3, address: 0, topic: 'x' }, /the message carries no unit id and topic "x" does not name one IED/],
    ];
    for (const [label, msg, pattern] of cases) {
      it(label, () => {
        assert.throws(() => reader.ingest(msg, 0), pattern);
      });
    }
    it('keeps serving after errors, and matches by topic when the unit id is missing', () => {
      const m = reader.ingest({ ...irMessage(2, { iaA: 7 }), topic: 'feeder1/r2', input: { payload: { fc: 4, address: 0, quantity: 40 } } }, 1)!;
      assert.equal(m.ied, 'R2-IED');
      assert.equal(m.values.iaA, 7);
    });
  });

  describe('quality and report by exception', () => {
    it('reports only changes beyond the deadband, and quality transitions good -> out-of-range -> stale -> good', () => {
      const reader = new IedReader([binding('A', 1)], { staleAfterMs: 5000 });
      const first = reader.ingest(irMessage(1, { iaA: 400 }), 0)!;
      assert.equal(Object.keys(first.values).length, 21, 'first read reports everything');
      assert.equal(first.quality, 'out-of-range', 'fHz 0 is below the 45 Hz range minimum');
      assert.equal(first.qualities.fHz, 'out-of-range');
      assert.equal(first.qualities.iaA, 'good');
      const freq = reader.ingest(irMessage(1, { iaA: 400, fHz: 50 }), 500)!;
      assert.deepEqual(freq.values, { fHz: 50 });
      assert.deepEqual(freq.qualities, { fHz: 'good' });
      // iaA deadband is 2 A: 401.5 is within it.
      assert.equal(reader.ingest(irMessage(1, { iaA: 401.5, fHz: 50 }), 1000), null);
      const moved = reader.ingest(irMessage(1, { iaA: 402.5, fHz: 50 }), 2000)!;
      assert.deepEqual(moved.values, { iaA: 402.5 });
      assert.equal(moved.reason, 'change');
      // Out of range: 25000 A exceeds the 24000 A measuring range.
      const over = reader.ingest(irMessage(1, { iaA: 25000, fHz: 50 }), 3000)!;
      assert.deepEqual(over.qualities, { iaA: 'out-of-range' });
      assert.equal(over.quality, 'out-of-range');
      const back = reader.ingest(irMessage(1, { iaA: 402.5, fHz: 50 }), 4000)!;
      assert.deepEqual(back.qualities, { iaA: 'good' });
      // Stale: nothing arrives for more than 5 s.
      assert.deepEqual(reader.checkStale(9000), []);
      const stale = reader.checkStale(9001);
      assert.equal(stale.length, 1);
      assert.equal(stale[0].reason, 'stale');
      assert.equal(stale[0].quality, 'stale');
      assert.equal(stale[0].values.iaA, 402.5);
      assert.equal(Object.keys(stale[0].values).length, 21);
      assert.equal(reader.levelOf('A'), 'stale');
      assert.deepEqual(reader.checkStale(20000), [], 'stale is reported once');
      const fresh = reader.ingest(irMessage(1, { iaA: 402.5, fHz: 50 }), 21000)!;
      assert.equal(Object.keys(fresh.values).length, 21, 'every value comes back good after stale');
      assert.equal(fresh.qualities.iaA, 'good');
      assert.equal(reader.levelOf('A'), 'good');
    });

    it('marks NaN from the IED out-of-range', () => {
      const reader = new IedReader([binding('A', 1)], { staleAfterMs: 5000 });
      const m = reader.ingest(irMessage(1, { iaA: NaN, fHz: 50 }), 0)!;
      assert.equal(m.qualities.iaA, 'out-of-range');
      assert.ok(Number.isNaN(m.values.iaA));
      assert.equal(reader.ingest(irMessage(1, { iaA: NaN, fHz: 50 }), 1), null, 'NaN again is no change');
    });

    it('reports every value when report-by-exception is off, and heartbeats every known value', () => {
      const reader = new IedReader([binding('A', 1), binding('B', 2)], { staleAfterMs: 5000, rbe: false });
      reader.ingest(irMessage(1, { iaA: 1 }), 0);
      const again = reader.ingest(irMessage(1, { iaA: 1 }), 1)!;
      assert.equal(again.reason, 'all');
      assert.equal(Object.keys(again.values).length, 21);
      const hb = reader.heartbeat(2);
      assert.equal(hb.length, 1, 'B has never reported');
      assert.equal(hb[0].reason, 'heartbeat');
      assert.equal(hb[0].ied, 'A');
      assert.equal(Object.keys(hb[0].values).length, 21);
    });

    it('reports an IED that never answered as stale once, and counts levels for the status', () => {
      const reader = new IedReader([binding('A', 1), binding('B', 2), binding('C', 3)], { staleAfterMs: 1000 }, 0);
      reader.ingest(irMessage(1, { fHz: 50 }), 500);
      reader.ingest({ payload: '', error: 'Timed out', unitId: 3 }, 500);
      assert.deepEqual(reader.summary(), { total: 3, good: 1, outOfRange: 0, stale: 0, commsFailed: 1, silent: 1 });
      const out = reader.checkStale(1200);
      assert.deepEqual(out.map((m) => [m.ied, m.reason, Object.keys(m.values).length]), [['B', 'stale', 0]]);
      assert.deepEqual(reader.summary(), { total: 3, good: 1, outOfRange: 0, stale: 1, commsFailed: 1, silent: 0 });
      assert.deepEqual(reader.checkStale(1300), []);
    });
  });

  describe('bindings from the feeder model', () => {
    const model = { name: 'F1', ieds: [
      { id: 'CB1-IED', device: 'CB1', unitId: 1, registerMap: 'dms-standard-ied' },
      { id: 'FPI-S3', section: 'S3', unitId: 3 },
      { id: 'R2-IED', device: 'R2', unitId: 2, topic: 'r2', registerMap: { format: 'dms-register-map/1', name: 'tiny', points: [{ name: 'x', table: 'coil', address: 0, type: 'bool' }] } },
    ] } as unknown as FeederModel;
    it('resolves built-in and inline maps and the default map', () => {
      const b = bindingsFromFeeder(model, MAP);
      assert.deepEqual(b.map((x) => [x.id, x.device, x.section, x.unitId, x.topic, x.map.name]), [
        ['CB1-IED', 'CB1', null, 1, null, 'dms-standard-ied'], ['FPI-S3', null, 'S3', 3, null, 'dms-standard-ied'], ['R2-IED', 'R2', null, 2, 'r2', 'tiny'],
      ]);
    });
    it('names the IED whose map is wrong or missing', () => {
      assert.throws(() => bindingsFromFeeder(model, null), /ieds\[1\] "FPI-S3": has no registerMap and the reader has no default map/);
      const bad = { ...model, ieds: [{ id: 'X', device: 'CB1', unitId: 1, registerMap: { format: 'dms-register-map/1', name: 'bad', points: [{ name: 'x', table: 'coil', address: 0, type: 'int16' }] } }] } as unknown as FeederModel;
      assert.throws(() => bindingsFromFeeder(bad, MAP), /ieds\[0\] "X" register map is invalid: points\[0\] "x": type "int16" is not possible in the coil table/);
      assert.throws(() => bindingsFromFeeder({ ...model, ieds: [{ id: 'Y', device: 'CB1', unitId: 1, registerMap: 'acme' }] } as unknown as FeederModel, MAP), /ieds\[0\] "Y": unknown register map "acme"/);
    });
    it('refuses two IEDs on one unit id and topic', () => {
      assert.throws(() => new IedReader([binding('A', 1), binding('B', 1)], { staleAfterMs: 1 }), /IEDs "A" and "B" both use unit id 1/);
      assert.throws(() => new IedReader([binding('A', null), binding('B', 1)], { staleAfterMs: 1 }), /IED "A" has no unit id: with several IEDs each needs one/);
    });
  });
});
