/**
 * The feeder validator: every rejection with its exact message (path, id, text), and the warnings
 * for what is odd but legal. The base model is test/fixtures/model/small-feeder.ts; each case makes
 * one targeted edit to it. Indices used below: buses SS0 N1 N2 N3 LA4 LB5 ALT6; sources SRC0
 * ALT-SRC1; sections S1 S2 S3 La3 Lb4 T1(5); devices CB0 SW2 FUa2 FUb3 NO1(4); load points A0 B1 C2;
 * IEDs I-CB0 I-SW2 I-S3(2).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelError, loadFeeder, loadFeederFile, loadFeederJson } from '../../../lib/model/load';
import type { ModelIssue } from '../../../lib/model/types';
import { formatIssue, validateFeeder, type ValidationResult } from '../../../lib/model/validate';
import { networkModel } from '../../../lib/networks';
import { smallFeeder } from '../../fixtures/model/small-feeder';

// The tests poke wrong types into the model on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function check(mutate: (m: Loose) => void): ValidationResult {
  const m = smallFeeder() as Loose;
  mutate(m);
  return validateFeeder(m);
}

function rejects(mutate: (m: Loose) => void, errors: ModelIssue[], warnings: ModelIssue[] = []): void {
  const r = check(mutate);
  assert.equal(r.ok, false, 'should be rejected');
  assert.equal(r.model, undefined);
  assert.deepEqual(r.errors, errors);
  assert.deepEqual(r.warnings, warnings);
}

function warns(mutate: (m: Loose) => void, warnings: ModelIssue[]): void {
  const r = check(mutate);
  assert.deepEqual(r.errors, [], 'should be accepted');
  assert.equal(r.ok, true);
  assert.deepEqual(r.warnings, warnings);
}

const e = (p: string, id: string, message: string): ModelIssue => ({ path: p, id, message });

describe('validateFeeder', () => {
  it('accepts the fixture without warnings and returns the same object', () => {
    const m = smallFeeder();
    const before = JSON.stringify(m);
    const r = validateFeeder(m);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.ok, true);
    assert.equal(r.model, m);
    assert.equal(JSON.stringify(m), before, 'validation must not modify the model');
  });

  it('accepts the same id in different collections (ids are unique per collection)', () => {
    warns((m) => { m.sections[0].id = 'N1'; m.devices[0].section = 'N1'; m.placement.candidates = ['S2']; }, []);
  });

  describe('rejects a document that is not a feeder model', () => {
    for (const [label, input] of [['null', null], ['an array', []], ['a string', 'rbts'], ['a number', 42], ['undefined', undefined]] as const) {
      it(label, () => {
        const r = validateFeeder(input);
        assert.equal(r.ok, false);
        assert.deepEqual(r.errors, [e('(model)', '', 'a feeder model must be a JSON object')]);
      });
    }
  });

  describe('duplicate ids', () => {
    it('buses', () => rejects((m) => m.buses.push({ id: 'N2' }), [e('buses[7]', 'N2', 'duplicate id (also buses[2])')]));
    it('sources', () => rejects((m) => m.sources.push({ id: 'SRC', bus: 'N2', kind: 'substation' }), [e('sources[2]', 'SRC', 'duplicate id (also sources[0])')]));
    it('sections', () => rejects((m) => m.sections.push({ ...m.sections[2] }), [e('sections[6]', 'S3', 'duplicate id (also sections[2])')]));
    it('devices', () => rejects((m) => m.devices.push({ ...m.devices[3], section: 'S3' }), [e('devices[5]', 'FUb', 'duplicate id (also devices[3])')]));
    it('load points', () => rejects((m) => m.loadPoints.push({ ...m.loadPoints[0], bus: 'N2' }), [e('loadPoints[3]', 'A', 'duplicate id (also loadPoints[0])')]));
    it('IEDs', () => rejects((m) => m.ieds.push({ id: 'I-CB', device: 'FUa', unitId: 9 }), [e('ieds[3]', 'I-CB', 'duplicate id (also ieds[0])')]));
    it('reports each repeat against the first occurrence', () => rejects(
      (m) => m.buses.push({ id: 'LA' }, { id: 'LA' }),
      [e('buses[7]', 'LA', 'duplicate id (also buses[4])'), e('buses[8]', 'LA', 'duplicate id (also buses[4])')],
    ));
  });

  describe('dangling references', () => {
    it('source bus', () => rejects((m) => { m.sources[1].bus = 'NOPE'; }, [e('sources[1]', 'ALT-SRC', 'bus "NOPE" does not exist')]));
    it('section from bus', () => rejects((m) => { m.sections[2].from = 'B99'; }, [e('sections[2]', 'S3', 'from bus "B99" does not exist')]));
    it('section to bus', () => rejects((m) => { m.sections[2].to = 'B99'; }, [e('sections[2]', 'S3', 'to bus "B99" does not exist')]));
    it('both ends of a section', () => rejects(
      (m) => { m.sections[4].from = 'X'; m.sections[4].to = 'Y'; },
      [e('sections[4]', 'Lb', 'from bus "X" does not exist'), e('sections[4]', 'Lb', 'to bus "Y" does not exist')],
    ));
    it('device on an unknown section', () => rejects((m) => { m.devices[1].section = 'S9'; }, [e('devices[1]', 'SW2', 'section "S9" does not exist')]));
    it('load point bus', () => rejects((m) => { m.loadPoints[1].bus = 'LX'; }, [e('loadPoints[1]', 'B', 'bus "LX" does not exist')]));
    it('IED device', () => rejects((m) => { m.ieds[1].device = 'SW9'; }, [e('ieds[1]', 'I-SW2', 'device "SW9" does not exist')]));
    it('IED section', () => rejects((m) => { m.ieds[2].section = 'S9'; }, [e('ieds[2]', 'I-S3', 'section "S9" does not exist')]));
    it('IED watching nothing', () => rejects((m) => { delete m.ieds[0].device; }, [e('ieds[0]', 'I-CB', 'needs a device or a section')]));
    it('placement candidate', () => rejects((m) => { m.placement.candidates = ['S2', 'S7']; }, [e('placement.candidates[1]', 'S7', 'section "S7" does not exist')]));
    it('every dangling reference at once, in document order', () => rejects(
      (m) => { m.sources[0].bus = 'X0'; m.sections[0].to = 'X1'; m.devices[2].section = 'X2'; m.loadPoints[2].bus = 'X3'; },
      [
        e('sources[0]', 'SRC', 'bus "X0" does not exist'),
        e('sections[0]', 'S1', 'to bus "X1" does not exist'),
        e('devices[2]', 'FUa', 'section "X2" does not exist'),
        e('loadPoints[2]', 'C', 'bus "X3" does not exist'),
      ],
    ));
  });

  describe('negative and non-finite numbers', () => {
    // [label, path of the element, id, getter of the element, field as reported, key]
    const fields: Array<[string, string, string, (m: Loose) => Loose, string]> = [
      ['section failure rate per km', 'sections[2]', 'S3', (m) => m.sections[2], 'failureRatePerKmYr'],
      ['section failure rate per year', 'sections[5]', 'T1', (m) => m.sections[5], 'failureRatePerYr'],
      ['section repair time', 'sections[2]', 'S3', (m) => m.sections[2], 'repairHours'],
      ['section length', 'sections[2]', 'S3', (m) => m.sections[2], 'lengthKm'],
      ['section resistance', 'sections[0]', 'S1', (m) => m.sections[0], 'rOhm'],
      ['device switching time', 'devices[1]', 'SW2', (m) => m.devices[1], 'switchingHours'],
      ['device transfer capacity', 'devices[4]', 'NO1', (m) => m.devices[4], 'capacityKW'],
      ['source capacity', 'sources[1]', 'ALT-SRC', (m) => m.sources[1], 'capacityKW'],
      ['average load', 'loadPoints[0]', 'A', (m) => m.loadPoints[0], 'avgKW'],
      ['peak load', 'loadPoints[0]', 'A', (m) => m.loadPoints[0], 'peakKW'],
    ];
    for (const [label, where, id, el, field] of fields) {
      it(`${label}: -1, NaN, Infinity, -Infinity`, () => {
        rejects((m) => { el(m)[field] = -1; }, [e(where, id, `${field} must be >= 0 (got -1)`)]);
        rejects((m) => { el(m)[field] = NaN; }, [e(where, id, `${field} must be a finite number (got NaN)`)]);
        rejects((m) => { el(m)[field] = Infinity; }, [e(where, id, `${field} must be a finite number (got Infinity)`)]);
        rejects((m) => { el(m)[field] = -Infinity; }, [e(where, id, `${field} must be a finite number (got -Infinity)`)]);
      });
    }
    it('transformer failure rate, repair and replacement times', () => {
      for (const f of ['failureRatePerYr', 'repairHours', 'replacementHours']) {
        rejects((m) => { m.loadPoints[0].transformer[f] = -0.5; }, [e('loadPoints[0]', 'A', `transformer.${f} must be >= 0 (got -0.5)`)]);
        rejects((m) => { m.loadPoints[0].transformer[f] = NaN; }, [e('loadPoints[0]', 'A', `transformer.${f} must be a finite number (got NaN)`)]);
      }
    });
    it('customers: negative, fractional, NaN', () => {
      rejects((m) => { m.loadPoints[1].customers = -3; }, [e('loadPoints[1]', 'B', 'customers must be >= 0 (got -3)')]);
      rejects((m) => { m.loadPoints[1].customers = 2.5; }, [e('loadPoints[1]', 'B', 'customers must be a whole number (got 2.5)')]);
      rejects((m) => { m.loadPoints[1].customers = NaN; }, [e('loadPoints[1]', 'B', 'customers must be a whole number (got NaN)')]);
    });
    it('customer mix share', () => {
      rejects((m) => { m.loadPoints[2].customerMix.industrial = -0.6; }, [e('loadPoints[2]', 'C', 'customerMix.industrial must be >= 0 (got -0.6)')]);
    });
    it('probabilities outside 0..1', () => {
      rejects((m) => { m.devices[2].failureProbability = -0.1; }, [e('devices[2]', 'FUa', 'failureProbability must be >= 0 (got -0.1)')]);
      rejects((m) => { m.devices[2].failureProbability = 1.5; }, [e('devices[2]', 'FUa', 'failureProbability must be <= 1 (got 1.5)')]);
      rejects((m) => { m.devices[4].availability = NaN; }, [e('devices[4]', 'NO1', 'availability must be a finite number (got NaN)')]);
    });
    it('cost blocks', () => {
      rejects((m) => { m.costs.perKWh.commercial = -5; }, [e('costs', '', 'perKWh.commercial must be >= 0 (got -5)')]);
      rejects((m) => { m.costs.damageFunctions.residential[1][1] = NaN; }, [e('costs', '', 'damageFunctions.residential[1][1] must be a finite number (got NaN)')]);
      rejects((m) => { m.costs.loadFactor = 1.2; }, [e('costs', '', 'loadFactor must be <= 1 (got 1.2)')]);
      rejects((m) => { m.placement.interestRate = -0.08; }, [e('placement', '', 'interestRate must be >= 0 (got -0.08)')]);
    });
    it('several bad numbers give one error each', () => rejects(
      (m) => { m.sections[0].lengthKm = -2; m.devices[0].switchingHours = Infinity; m.loadPoints[2].avgKW = NaN; },
      [
        e('sections[0]', 'S1', 'lengthKm must be >= 0 (got -2)'),
        e('devices[0]', 'CB', 'switchingHours must be a finite number (got Infinity)'),
        e('loadPoints[2]', 'C', 'avgKW must be a finite number (got NaN)'),
      ],
    ));
  });

  describe('wrong enum values and types', () => {
    it('device type', () => rejects((m) => { m.devices[0].type = 'relay'; },
      [e('devices[0]', 'CB', 'type must be one of "breaker", "recloser", "fuse", "sectionalizer", "switch", "tie" (got "relay")')]));
    it('device end', () => rejects((m) => { m.devices[0].end = 'middle'; }, [e('devices[0]', 'CB', 'end must be one of "from", "to" (got "middle")')]));
    it('section kind', () => rejects((m) => { m.sections[0].kind = 'cable'; }, [e('sections[0]', 'S1', 'kind must be one of "main", "lateral", "tie" (got "cable")')]));
    it('source kind', () => rejects((m) => { m.sources[0].kind = 'generator'; }, [e('sources[0]', 'SRC', 'kind must be one of "substation" (got "generator")')]));
    it('annualisation', () => rejects((m) => { m.placement.annualisation = 'linear'; }, [e('placement', '', 'annualisation must be one of "thesis", "crf" (got "linear")')]));
    it('format', () => rejects((m) => { m.format = 'dms-feeder/2'; }, [e('(model)', '', 'format must be "dms-feeder/1" (got "dms-feeder/2")')]));
    it('a number given as a string', () => rejects((m) => { m.sections[0].lengthKm = '2'; }, [e('sections[0]', 'S1', 'lengthKm must be a finite number (got "2")')]));
    it('a boolean given as a string', () => rejects((m) => { m.devices[4].normallyOpen = 'true'; }, [e('devices[4]', 'NO1', 'normallyOpen must be true or false (got "true")')]));
    it('an id given as a number', () => rejects((m) => { m.buses[2].id = 2; }, [e('buses[2]', '', 'id must be a string (got 2)')]));
    it('an empty id or class', () => {
      rejects((m) => { m.buses[2].id = ''; }, [e('buses[2]', '', 'id must not be empty')]);
      rejects((m) => { m.loadPoints[1].customerClass = ''; }, [e('loadPoints[1]', 'B', 'customerClass must not be empty')]);
    });
    it('a collection that is not an array', () => rejects((m) => { m.buses = { SS: {} }; }, [e('(model)', '', 'buses must be an array (got {"SS":{}})')]));
    it('an element that is not an object', () => rejects((m) => { m.sections[1] = null; }, [e('sections[1]', '', 'the element must be an object (got null)')]));
    it('a register map that is neither a name nor a map', () => rejects((m) => { m.ieds[1].registerMap = 7; }, [e('ieds[1]', 'I-SW2', 'registerMap must be a string or an object (got 7)')]));
    it('an IED unit id out of the Modbus range', () => rejects((m) => { m.ieds[0].unitId = 256; }, [e('ieds[0]', 'I-CB', 'unitId must be <= 255 (got 256)')]));
    it('no source at all', () => rejects((m) => { m.sources = []; }, [e('(model)', '', 'sources must have at least 1 item(s) (got [])')]));
    it('a long offending value is cut short', () => {
      const r = check((m) => { m.notes = 'x'.repeat(500); });
      assert.deepEqual(r.errors, [e('(model)', '', `notes must be an array (got "${'x'.repeat(56)}...)`)]);
    });
  });

  describe('missing required fields', () => {
    const required: Array<[string, string, string, (m: Loose) => Loose, string[]]> = [
      ['sources', 'sources[0]', 'SRC', (m) => m.sources[0], ['bus', 'kind']],
      ['sections', 'sections[1]', 'S2', (m) => m.sections[1], ['from', 'to', 'lengthKm', 'repairHours']],
      ['devices', 'devices[3]', 'FUb', (m) => m.devices[3], ['type', 'section', 'end', 'normallyOpen', 'automated', 'switchingHours']],
      ['loadPoints', 'loadPoints[1]', 'B', (m) => m.loadPoints[1], ['bus', 'customers', 'avgKW', 'peakKW']],
      ['ieds', 'ieds[0]', 'I-CB', (m) => m.ieds[0], ['unitId']],
    ];
    for (const [coll, where, id, el, fields] of required) {
      it(`${coll}: ${fields.join(', ')} and id`, () => {
        for (const f of fields) rejects((m) => { delete el(m)[f]; }, [e(where, id, `${f} is required`)]);
        rejects((m) => { delete el(m).id; }, [e(where, '', 'id is required')]);
      });
    }
    it('buses: id', () => rejects((m) => { delete m.buses[3].id; }, [e('buses[3]', '', 'id is required')]));
    it('transformer: failure rate and repair time', () => {
      rejects((m) => { delete m.loadPoints[0].transformer.failureRatePerYr; }, [e('loadPoints[0]', 'A', 'transformer.failureRatePerYr is required')]);
      rejects((m) => { delete m.loadPoints[0].transformer.repairHours; }, [e('loadPoints[0]', 'A', 'transformer.repairHours is required')]);
    });
    it('top-level collections and format', () => {
      for (const f of ['format', 'buses', 'sources', 'sections', 'devices', 'loadPoints']) {
        rejects((m) => { delete m[f]; }, [e('(model)', '', `${f} is required`)]);
      }
    });
    it('a lone misspelt field reads as the missing one', () => rejects(
      (m) => { m.sections[1].lenghtKm = m.sections[1].lengthKm; delete m.sections[1].lengthKm; },
      [e('sections[1]', 'S2', 'lengthKm is required')],
    ));
  });

  describe('graph checks', () => {
    it('load point on a bus no source can reach, even with every device closed', () => rejects(
      (m) => { m.buses.push({ id: 'ISL1' }, { id: 'ISL2' }); m.sections.push({ id: 'SI', from: 'ISL1', to: 'ISL2', lengthKm: 1, failureRatePerKmYr: 0.1, repairHours: 4 }); m.loadPoints.push({ id: 'D', bus: 'ISL2', customers: 5, avgKW: 10, peakKW: 12 }); },
      [e('loadPoints[3]', 'D', 'bus "ISL2" cannot be reached from any source')],
    ));
    it('load point on a bus with no section at all', () => rejects(
      (m) => { m.buses.push({ id: 'LONE' }); m.loadPoints.push({ id: 'D', bus: 'LONE', customers: 5, avgKW: 10, peakKW: 12 }); },
      [e('loadPoints[3]', 'D', 'bus "LONE" cannot be reached from any source')],
      [e('buses[7]', 'LONE', 'not connected to any section')],
    ));
    it('a loop under normal states names the sections around it, as a walk', () => {
      // A closed section LB-N3 closes N2 -Lb- LB -S4- N3 -S3- N2.
      rejects(
        (m) => m.sections.push({ id: 'S4', from: 'LB', to: 'N3', lengthKm: 1, failureRatePerKmYr: 0.1, repairHours: 4 }),
        [e('sections[2]', 'S3', 'not radial under normal switch states: loop through sections "S3", "S4", "Lb"')],
      );
    });
    it('a loop of two parallel sections', () => rejects(
      (m) => m.sections.push({ id: 'S2b', from: 'N2', to: 'N1', lengthKm: 1, failureRatePerKmYr: 0.1, repairHours: 4 }),
      [e('sections[6]', 'S2b', 'not radial under normal switch states: loop through sections "S2b", "S2"')],
    ));
    it('a loop in RBTS Bus 2 when the F1-F2 tie is normally closed: the whole ring of feeders 1 and 2', () => {
      const m = networkModel('rbts-bus2') as Loose;
      m.devices.find((d: Loose) => d.id === 'NO-F1F2').normallyOpen = false;
      const r = validateFeeder(m);
      assert.equal(r.ok, false);
      assert.equal(r.errors.length, 1);
      const match = /^not radial under normal switch states: loop through sections (.*)$/.exec(r.errors[0].message);
      assert.ok(match, r.errors[0].message);
      const loop = JSON.parse(`[${match[1]}]`) as string[];
      // SS -L1- F1-N1 -L4- F1-N2 -L7- F1-N3 -L10- F1-N4 -LT1- F2-N2 -L14- F2-N1 -L12- SS
      assert.deepEqual([...loop].sort(), ['L1', 'L10', 'L12', 'L14', 'L4', 'L7', 'LT1']);
      assertWalk(m, loop);
      assert.equal(r.errors[0].id, loop[0]);
      assert.equal(r.errors[0].path, `sections[${m.sections.findIndex((s: Loose) => s.id === loop[0])}]`);
    });
    it('a loop behind an open point (de-energised under normal states) is still a loop', () => rejects(
      (m) => {
        m.buses.push({ id: 'X1' }, { id: 'X2' }, { id: 'X3' });
        m.sections.push(
          { id: 'SX0', from: 'LB', to: 'X1', lengthKm: 1, failureRatePerYr: 0, repairHours: 1 },
          { id: 'SX1', from: 'X1', to: 'X2', lengthKm: 1, failureRatePerYr: 0, repairHours: 1 },
          { id: 'SX2', from: 'X2', to: 'X3', lengthKm: 1, failureRatePerYr: 0, repairHours: 1 },
          { id: 'SX3', from: 'X3', to: 'X1', lengthKm: 1, failureRatePerYr: 0, repairHours: 1 },
        );
        m.devices.push({ id: 'NO2', type: 'tie', section: 'SX0', end: 'from', normallyOpen: true, automated: false, switchingHours: 1 });
      },
      [e('sections[7]', 'SX1', 'not radial under normal switch states: loop through sections "SX1", "SX2", "SX3"')],
    ));
    it('two sources connected under normal states', () => rejects(
      (m) => { m.devices[4].normallyOpen = false; },
      [e('sections[0]', 'S1', 'not radial under normal switch states: sources "SRC" and "ALT-SRC" are connected through sections "S1", "S2", "S3", "T1"')],
      [e('devices[4]', 'NO1', 'tie device is normally closed'), e('devices[4]', 'NO1', 'normally closed device on tie section "T1"')],
    ));
    it('two sources on one bus', () => rejects(
      (m) => m.sources.push({ id: 'SRC2', bus: 'SS', kind: 'substation' }),
      [e('sources[2]', 'SRC2', 'bus "SS" already has source "SRC"')],
    ));
    it('a section from a bus to itself', () => rejects((m) => { m.sections[3].to = 'N1'; }, [e('sections[3]', 'La', 'connects bus "N1" to itself')]));
    it('vMinPu at or above vMaxPu', () => {
      rejects((m) => { m.buses[1].vMinPu = 1.05; m.buses[1].vMaxPu = 0.95; }, [e('buses[1]', 'N1', 'vMinPu 1.05 must be below vMaxPu 0.95')]);
      rejects((m) => { m.buses[1].vMinPu = 1; m.buses[1].vMaxPu = 1; }, [e('buses[1]', 'N1', 'vMinPu 1 must be below vMaxPu 1')]);
    });
    it('customer mix shares adding up to nothing', () => rejects(
      (m) => { m.loadPoints[2].customerMix = { industrial: 0, commercial: 0 }; },
      [e('loadPoints[2]', 'C', 'customerMix shares must add up to more than 0')],
    ));
    it('two IEDs on the same unit id and topic', () => {
      rejects((m) => { m.ieds[2].unitId = 1; }, [e('ieds[2]', 'I-S3', 'unit id 1 is already used by IED "I-CB"')]);
      rejects((m) => { m.ieds[0].topic = 'rtu-a'; m.ieds[1].topic = 'rtu-a'; m.ieds[1].unitId = 1; }, [e('ieds[1]', 'I-SW2', 'unit id 1 on topic "rtu-a" is already used by IED "I-CB"')]);
      warns((m) => { m.ieds[0].topic = 'rtu-a'; m.ieds[1].topic = 'rtu-b'; m.ieds[1].unitId = 1; }, []);
    });
    it('damage function durations that do not increase', () => rejects(
      (m) => { m.costs.damageFunctions.residential[2][0] = 20; },
      [e('costs.damageFunctions.residential[2]', 'residential', 'durations must increase')],
    ));
  });

  describe('warnings for what is odd but legal', () => {
    it('no failure rate', () => warns((m) => { delete m.sections[1].failureRatePerKmYr; },
      [e('sections[1]', 'S2', 'no failure rate given (failureRatePerKmYr or failureRatePerYr): taken as 0')]));
    it('both failure rates', () => warns((m) => { m.sections[1].failureRatePerYr = 0.3; },
      [e('sections[1]', 'S2', 'both failureRatePerKmYr and failureRatePerYr given: failureRatePerYr is used')]));
    it('peak below average', () => warns((m) => { m.loadPoints[0].peakKW = 150; }, [e('loadPoints[0]', 'A', 'peakKW 150 is below avgKW 200')]));
    it('customer mix not adding up to 1', () => warns((m) => { m.loadPoints[2].customerMix = { industrial: 0.5, commercial: 0.3 }; },
      [e('loadPoints[2]', 'C', 'customerMix shares add up to 0.8, not 1: they are normalised')]));
    it('customer mix within 0.001 of 1 is not flagged', () => warns((m) => { m.loadPoints[2].customerMix = { industrial: 0.6, commercial: 0.3995 }; }, []));
    it('both customer class and mix', () => warns((m) => { m.loadPoints[2].customerClass = 'industrial'; },
      [e('loadPoints[2]', 'C', 'both customerClass and customerMix given: customerMix is used')]));
    it('load points not supplied under normal states but reachable through a tie', () => warns(
      (m) => { m.devices[1].normallyOpen = true; },
      [e('loadPoints[1]', 'B', 'bus "LB" is not supplied under normal switch states'), e('loadPoints[2]', 'C', 'bus "N3" is not supplied under normal switch states')],
    ));
    it('failure probability on a device that does not clear faults', () => warns((m) => { m.devices[1].failureProbability = 0.05; },
      [e('devices[1]', 'SW2', 'failureProbability is only used for protective devices, not a switch')]));
    it('normally closed tie device (the section is held open by another device)', () => warns(
      (m) => { m.devices[4].normallyOpen = false; m.devices.push({ id: 'SW-T1', type: 'switch', section: 'T1', end: 'from', normallyOpen: true, automated: false, switchingHours: 1 }); },
      [e('devices[4]', 'NO1', 'tie device is normally closed'), e('devices[4]', 'NO1', 'normally closed device on tie section "T1"')],
    ));
    it('bus not connected to any section', () => warns((m) => { m.buses.push({ id: 'SPARE' }); }, [e('buses[7]', 'SPARE', 'not connected to any section')]));
    it('customer class without a cost', () => warns((m) => { m.loadPoints[1].customerClass = 'agricultural'; },
      [e('loadPoints[1]', 'B', 'customer class "agricultural" has no cost in costs')]));
  });

  describe('formatIssue', () => {
    it('writes path, id and message on one line', () => {
      assert.equal(formatIssue(e('sections[12]', 'L13', 'from bus "B99" does not exist')), 'sections[12] "L13": from bus "B99" does not exist');
      assert.equal(formatIssue(e('(model)', '', 'format is required')), '(model): format is required');
    });
  });
});

describe('loadFeeder / loadFeederJson / loadFeederFile', () => {
  let dir = '';
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'dms-validate-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function thrown(fn: () => unknown): ModelError {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof ModelError, `expected a ModelError, got ${String(err)}`);
      return err;
    }
    assert.fail('expected a ModelError');
  }

  it('loadFeeder gives model, index, topology, summary and warnings', () => {
    const m = smallFeeder();
    m.loadPoints[0].peakKW = 100;
    const l = loadFeeder(m);
    assert.equal(l.model, m);
    assert.equal(l.topology.index, l.index);
    assert.deepEqual(l.warnings, [e('loadPoints[0]', 'A', 'peakKW 100 is below avgKW 200')]);
    // 100 + 50 + 10 customers; 200 + 150 + 500 kW; 100 + 200 + 700 kW peak; one open point (T1).
    assert.deepEqual(
      { customers: l.summary.customers, avgKW: l.summary.avgKW, peakKW: l.summary.peakKW, ties: l.summary.ties, ieds: l.summary.ieds },
      { customers: 160, avgKW: 850, peakKW: 1000, ties: 1, ieds: 3 },
    );
  });

  it('loadFeeder throws a ModelError listing every error', () => {
    const m = smallFeeder() as Loose;
    m.sections[2].from = 'B99';
    m.loadPoints[1].bus = 'LX';
    const err = thrown(() => loadFeeder(m, 'my feeder'));
    assert.deepEqual(err.issues, [e('sections[2]', 'S3', 'from bus "B99" does not exist'), e('loadPoints[1]', 'B', 'bus "LX" does not exist')]);
    assert.equal(err.message, 'my feeder is invalid: sections[2] "S3": from bus "B99" does not exist; loadPoints[1] "B": bus "LX" does not exist');
  });

  it('malformed JSON text', () => {
    for (const text of ['{"format": "dms-feeder/1", }', '', '{"buses": [', 'dms-feeder/1']) {
      const err = thrown(() => loadFeederJson(text, 'bad.json'));
      assert.equal(err.issues.length, 1);
      assert.equal(err.issues[0].path, '(model)');
      assert.match(err.issues[0].message, /^not valid JSON: \S/);
      assert.ok(err.message.startsWith('bad.json is invalid: (model): not valid JSON: '), err.message);
    }
  });

  it('valid JSON that is not a model', () => {
    const err = thrown(() => loadFeederJson('[1, 2]'));
    assert.deepEqual(err.issues, [e('(model)', '', 'a feeder model must be a JSON object')]);
    assert.equal(err.message, 'feeder model is invalid: (model): a feeder model must be a JSON object');
  });

  it('a file that does not exist, and a directory', () => {
    const missing = path.join(dir, 'missing.json');
    let err = thrown(() => loadFeederFile(missing));
    assert.deepEqual(err.issues, [e('(file)', '', 'cannot read: ENOENT: no such file or directory')]);
    assert.equal(err.message, `${missing} is invalid: (file): cannot read: ENOENT: no such file or directory`);
    err = thrown(() => loadFeederFile(dir));
    assert.deepEqual(err.issues, [e('(file)', '', 'cannot read: EISDIR: illegal operation on a directory')]);
  });

  it('a file with malformed JSON names the file', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"format": "dms-feeder/1",\n "buses": [}');
    const err = thrown(() => loadFeederFile(file));
    assert.match(err.issues[0].message, /^not valid JSON: /);
    assert.ok(err.message.startsWith(`${file} is invalid: (model): not valid JSON: `));
  });

  it('a valid file loads', () => {
    const file = path.join(dir, 'ok.json');
    writeFileSync(file, JSON.stringify(smallFeeder()));
    assert.equal(loadFeederFile(file).summary.loadPoints, 3);
  });
});

/** Consecutive sections of a loop share a bus, and the last closes back onto the first. */
function assertWalk(m: Loose, loop: string[]): void {
  const sec = new Map<string, Loose>(m.sections.map((s: Loose) => [s.id, s]));
  const ends = (id: string) => [sec.get(id).from, sec.get(id).to];
  for (let k = 0; k < loop.length; k++) {
    const a = ends(loop[k]);
    const b = ends(loop[(k + 1) % loop.length]);
    assert.ok(a.some((x) => b.includes(x)), `sections ${loop[k]} and ${loop[(k + 1) % loop.length]} do not share a bus`);
  }
}
