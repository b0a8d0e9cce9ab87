import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeToRecord } from '../ied/block';
import { BUILTIN_MAP_NAMES, RegisterMapError, builtinMap, compileRegisterMap, formatMapIssue, type CompiledMap } from '../ied/register-map';
import { TABLES, type Table } from '../ied/types';
import { UsageError, type CliCommand } from './command';

const USAGE = `usage: dms ied-map [NAME | FILE] [--decode TABLE:ADDRESS REG,REG,...] [--json]

Validates a dms-register-map/1 file (or takes a built-in map: ${BUILTIN_MAP_NAMES.join(', ')}; default
dms-standard-ied) and prints its points: address, table, name, type, scale, unit, range. With
--decode, decodes register values (or 0/1 for coils and discrete inputs) read at TABLE:ADDRESS
(table coil, discreteInput, holdingRegister or inputRegister) into engineering values.
Exit code 1 when the map is invalid; every error names the point and field.`;

function loadMap(ref: string): CompiledMap {
  if ((BUILTIN_MAP_NAMES as readonly string[]).includes(ref)) return builtinMap(ref);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(ref, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RegisterMapError([{ path: '(map)', name: '', message: code ? `cannot read: ${code}` : `not valid JSON: ${(err as Error).message}` }], ref);
  }
  return compileRegisterMap(doc, ref);
}

export const iedMapCommand: CliCommand = {
  name: 'ied-map',
  summary: 'check an IED register map, list its points, decode registers with it',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { decode: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true });
    const decode = values.decode;
    const refs = positionals.slice();
    let registers: string | undefined;
    if (decode !== undefined) {
      registers = refs.pop();
      if (registers === undefined) throw new UsageError('--decode TABLE:ADDRESS needs the register values after it, e.g. --decode inputRegister:0 17358,16384');
    }
    if (refs.length > 1) throw new UsageError('give one map name or file');
    const ref = refs[0] ?? 'dms-standard-ied';
    let map: CompiledMap;
    try {
      map = loadMap(ref);
    } catch (err) {
      if (!(err instanceof RegisterMapError)) throw err;
      if (values.json) io.out(JSON.stringify({ ok: false, errors: err.issues }));
      else {
        io.err(`${ref}: invalid register map`);
        for (const i of err.issues) io.err(`  error: ${formatMapIssue(i)}`);
      }
      return 1;
    }
    if (decode !== undefined) {
      const m = /^([A-Za-z]+):(\d+)$/.exec(decode);
      if (!m || !(TABLES as readonly string[]).includes(m[1])) throw new UsageError(`--decode must be TABLE:ADDRESS with TABLE one of ${TABLES.join(', ')} (got "${decode}")`);
      const table = m[1] as Table;
      const data = registers!.split(',').map((s) => {
        const v = Number(s.trim());
        if (!Number.isInteger(v)) throw new UsageError(`"${s}" is not a register value`);
        return table === 'coil' || table === 'discreteInput' ? v === 1 : v;
      });
      const rec = decodeToRecord(map, table, Number(m[2]), data);
      if (values.json) io.out(JSON.stringify({ map: map.name, table, address: Number(m[2]), values: rec }));
      else for (const [k, v] of Object.entries(rec)) io.out(`${k.padEnd(22)} ${String(v)}${map.byName.get(k)!.unit ? ' ' + map.byName.get(k)!.unit : ''}`);
      return 0;
    }
    const points = map.points.map((p) => ({
      address: p.address, table: p.table, name: p.name, type: p.type, ...(p.type === 'bit' ? { bit: p.bit } : {}),
      scale: p.fn ? p.doc.expression : p.scale, offset: p.offset, unit: p.unit,
      range: p.min === -Infinity && p.max === Infinity ? null : [p.min, p.max], deadband: p.deadband, access: p.access,
    }));
    if (values.json) io.out(JSON.stringify({ ok: true, name: map.name, byteOrder: map.doc.byteOrder ?? 'big', wordOrder: map.doc.wordOrder ?? 'big', points, controls: map.doc.controls ?? {} }));
    else {
      io.out(`${map.name}: valid, ${points.length} points (${TABLES.filter((t) => map.extent[t]).map((t) => `${t} ${map.extent[t]!.first}..${map.extent[t]!.last}`).join(', ')})`);
      for (const p of points) {
        io.out(`  ${String(p.address).padStart(5)} ${p.table.padEnd(15)} ${p.name.padEnd(20)} ${p.type.padEnd(7)} ${String(p.scale).padEnd(6)} ${p.unit.padEnd(5)} ${p.range ? `${p.range[0]}..${p.range[1]}` : ''}`);
      }
    }
    return 0;
  },
};
