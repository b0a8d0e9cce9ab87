import assert from 'node:assert/strict';
import {
  DayCalendar, defaultDeviceIds, parseOperatingPoint, parseProfileCsv, parseSelectorSettings, parseStation, parseTelemetry,
  TransformerInputError,
} from '../../../lib/transformer';

const good = (over: Record<string, unknown> = {}) => ({ id: 'T1', snKVA: 630, p0KW: 0.84, pkKW: 6.2, ukPct: 4.5, ...over });
const two = (a: Record<string, unknown>, b: Record<string, unknown> = {}) => ({ transformers: [good(a), good({ id: 'T2', ...b })] });

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TransformerInputError, `expected TransformerInputError, got ${(e as Error).message}`);
    return e.problems;
  }
  assert.fail('expected an error');
}

describe('input validation', () => {
  it('names the unit, field and value of every bad transformer parameter, all at once', () => {
    assert.deepEqual(problems(() => parseStation(two({ snKVA: -630, ukPct: 0 }, { pkKW: '6.2' }))), [
      'transformers[0] "T1": snKVA must be > 0, got -630',
      'transformers[0] "T1": ukPct must be > 0, got 0',
      'transformers[1] "T2": pkKW must be a finite number, got "6.2"',
    ]);
    assert.deepEqual(problems(() => parseStation(two({ ukPct: 450 }))), ['transformers[0] "T1": ukPct must be < 100, got 450']);
    assert.deepEqual(problems(() => parseStation(two({ p0KW: undefined }))), ['transformers[0] "T1": p0KW is required']);
    assert.deepEqual(problems(() => parseStation(two({ pkKW: 700 }))), ['transformers[0] "T1": pkKW (700) must be below snKVA (630): load loss is a small fraction of the rating']);
    assert.deepEqual(problems(() => parseStation(two({ vectorGroup: 'D11x' }))), ['transformers[0] "T1": vectorGroup must look like "Dyn11" or "Yyn0", got "D11x"']);
    assert.deepEqual(problems(() => parseStation(two({}, { id: 'T1' }))), ['transformers[1]: id "T1" repeats transformers[0]']);
  });

  it('rejects the wrong number of units, modes and limits', () => {
    assert.deepEqual(problems(() => parseStation({ transformers: [good()] })), ['transformers must hold exactly two transformers (T1 feeds bus 1, T2 feeds bus 2), got 1']);
    assert.deepEqual(problems(() => parseStation({ ...two({}), overloadLimit: 0 })), ['overloadLimit must be > 0, got 0']);
    assert.deepEqual(problems(() => parseStation({ ...two({}), blockedModes: ['T3'] })), ['blockedModes[0]: "T3" is not a mode; modes are T1, T2, split, parallel']);
    assert.deepEqual(problems(() => parseStation({ ...two({}), reactiveEquivalentKWPerKvar: 0.1 })), [
      'transformers[0] "T1": q0Kvar or i0Pct is required when reactiveEquivalentKWPerKvar > 0',
      'transformers[1] "T2": q0Kvar or i0Pct is required when reactiveEquivalentKWPerKvar > 0',
    ]);
    assert.deepEqual(problems(() => parseStation({ ...two({}), paralleling: { ukTolerancePct: -1, allowed: 'yes' } })), [
      'paralleling: allowed must be true or false, got "yes"',
      'paralleling: ukTolerancePct must be >= 0, got -1',
    ]);
    assert.throws(() => parseStation([]), /^TransformerInputError: station parameters must be a JSON object, got \[\]$/);
  });

  it('checks operating points: buses, present mode', () => {
    assert.deepEqual(problems(() => parseOperatingPoint({ ...two({}), buses: [{ id: 'B1', pKW: 100, qKvar: 'x' }, { id: 'B2', pKW: 1 }], currentMode: 'both' })), [
      'buses[0] "B1": qKvar must be a finite number, got "x"',
      'buses[1] "B2": qKvar is required',
      'currentMode: "both" is not a mode; modes are T1, T2, split, parallel',
    ]);
    assert.deepEqual(problems(() => parseOperatingPoint({ ...two({}), buses: [] })), ['buses: must be an array of two bus loads [{id, pKW, qKvar}, {...}], got 0 entries']);
    const ok = parseOperatingPoint({ ...two({}), buses: [{ id: 'B1', pKW: 1, qKvar: 0 }, { id: 'B2', pKW: 2, qKvar: 0 }] });
    assert.equal(ok.currentMode, null);
    assert.equal(ok.station.overloadLimit, 1);
  });

  it('checks selector settings: decision, control, devices, zone', () => {
    assert.deepEqual(problems(() => parseSelectorSettings({ ...two({}), minDwellMin: -5, control: 'auto', devices: { busTie: 'T1-HV', hv3: 'X' }, timeZone: 'Mars/Olympus' })), [
      'minDwellMin must be a number >= 0, got -5',
      'control must be "advisory" or "automatic", got "auto"',
      'timeZone: "Mars/Olympus" is not an IANA time zone (e.g. "UTC", "Europe/Berlin", "Asia/Shanghai")',
      'devices.hv3: unknown device role (roles: t1HV, t1LV, busTie, t2LV, t2HV)',
      'devices: id "T1-HV" is used for two roles',
    ]);
    const s = parseSelectorSettings(two({}));
    assert.deepEqual(s.devices, defaultDeviceIds('T1', 'T2'));
    assert.equal(s.decision.minDwellMs, 3_600_000);
    assert.equal(s.control, 'advisory');
  });

  it('checks telemetry and names the payload field', () => {
    const opts = { defaultTs: 1000, devices: defaultDeviceIds('T1', 'T2'), calendar: new DayCalendar('UTC') };
    assert.deepEqual(problems(() => parseTelemetry({ p1KW: 100, q1Kvar: 20, p2KW: '80', mode: 'T3', ts: 'yesterday' }, opts)), [
      'payload.ts: "yesterday" is neither epoch milliseconds nor an ISO 8601 time',
      'payload.p2KW: must be a finite number, got "80"',
      'payload.q2Kvar: missing (give buses or p1KW, q1Kvar, p2KW, q2Kvar)',
      'payload.mode: "T3" is not a mode; modes are T1, T2, split, parallel',
    ]);
    assert.deepEqual(problems(() => parseTelemetry({ p1KW: 1, q1Kvar: 0, p2KW: 1, q2Kvar: 0 }, opts)), [
      'payload: the mode in service is required, as mode (T1, T2, split, parallel) or switches {deviceId: "closed"|"open"}',
    ]);
    assert.deepEqual(problems(() => parseTelemetry(42, opts)), ['payload: telemetry must be an object {ts?, buses | p1KW, q1Kvar, p2KW, q2Kvar, mode | switches}, got 42']);
    const s = parseTelemetry({ ts: '2024-03-01T12:00:00+08:00', buses: [{ id: 'A', pKW: 1, qKvar: 2 }, { id: 'B', pKW: 3, qKvar: 4 }], mode: 'split' }, opts);
    assert.equal(s.ts, Date.UTC(2024, 2, 1, 4));
    assert.equal(s.buses[1].id, 'B');
    const sw = parseTelemetry({ p1KW: 1, q1Kvar: 0, p2KW: 1, q2Kvar: 0, switches: { 'T1-HV': 'closed', 'T1-LV': 'closed', 'BUS-TIE': true, 'T2-LV': 'open', 'T2-HV': 'open' } }, opts);
    assert.equal(sw.mode, 'T1');
    assert.equal(sw.ts, 1000);
  });

  it('checks profile CSV rows by line number', () => {
    const cal = new DayCalendar('Asia/Shanghai');
    const text = [
      'ts,p1KW,q1Kvar,p2KW,q2Kvar,mode',
      '2024-01-01 00:00,100,30,80,20,split',
      '2024-01-01 00:15,abc,30,80,20,split',
      '2024-01-01 00:30,100,30,80,20,both',
      '2024-01-01 00:10,100,30,80,20,split',
      '2024-02-30 00:00,100,30,80,20,split',
    ].join('\n');
    assert.deepEqual(problems(() => parseProfileCsv(text, 'load.csv', cal)), [
      'load.csv line 3: p1KW "abc" is not a number',
      'load.csv line 4: mode "both" is not one of T1, T2, split, parallel',
      'load.csv line 5: ts 2024-01-01 00:10 is not after the previous row\'s (rows must be in time order, no repeats)',
      'load.csv line 6: ts "2024-02-30 00:00" is not an ISO 8601 time',
    ]);
    assert.deepEqual(problems(() => parseProfileCsv('ts,p1KW,mode\n2024-01-01,1,split\n', 'x.csv', cal)), ['x.csv: header lacks q1Kvar, p2KW, q2Kvar (expected ts,p1KW,q1Kvar,p2KW,q2Kvar,mode)']);
    // Timestamps without an offset are wall-clock times in the zone: 00:00 in Shanghai is 16:00 UTC the day before.
    const ok = parseProfileCsv('ts,p1KW,q1Kvar,p2KW,q2Kvar,mode\n2024-01-01 00:00,1,0,1,0,T1\n2024-01-01T00:15:00Z,1,0,1,0,T1\n', 'y.csv', cal);
    assert.equal(ok[0].ts, Date.UTC(2023, 11, 31, 16));
    assert.equal(ok[1].ts, Date.UTC(2024, 0, 1, 0, 15));
  });
});
