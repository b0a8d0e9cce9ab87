import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CURVE_NAMES, type CurveName } from '../protection/curves';
import { fastestElement, operateTimeS, resetTimeS, validateProtection, type InverseTimeElement, type ProtectionSettings } from '../protection/settings';
import { UsageError, type CliCommand } from './command';

const USAGE = `usage: dms trip-time --curve NAME --pickup A --tms X --current A[,A...] [--reset dependent] [--json]
       dms trip-time --settings FILE --current A[,A...] [--earth A[,A...]] [--json]

Operating times of overcurrent protection. With --curve: one inverse-time element (curves
${CURVE_NAMES.join(', ')}; IEC 60255-151 t = TMS*k/((I/Is)^a - 1), IEEE C37.112 t = TD*(A/(M^p - 1) + B)),
its time at each current and, for IEEE curves with --reset dependent, the reset time at currents
below pickup. With --settings: a protection settings file ({"elements": [...]}, as the
dms-fault-detector node takes) and the element that operates first at each phase current
(and residual current, --earth). Exit code 1 when nothing operates at any current.`;

function numbers(text: string | undefined, what: string): number[] {
  if (text === undefined) return [];
  const out = text.split(',').map((s) => Number(s.trim()));
  out.forEach((v, i) => {
    if (!Number.isFinite(v) || v < 0) throw new UsageError(`${what}: "${text.split(',')[i]}" is not a current in A`);
  });
  return out;
}

function positive(text: string | undefined, what: string): number {
  const v = Number(text);
  if (text === undefined || !Number.isFinite(v) || v <= 0) throw new UsageError(`${what} must be a number above 0 (got ${JSON.stringify(text)})`);
  return v;
}

export const tripTimeCommand: CliCommand = {
  name: 'trip-time',
  summary: 'operating times of IEC / IEEE overcurrent curves or of a protection settings file',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        curve: { type: 'string' }, pickup: { type: 'string' }, tms: { type: 'string' }, current: { type: 'string' },
        earth: { type: 'string' }, reset: { type: 'string' }, settings: { type: 'string' }, json: { type: 'boolean' },
      },
      allowPositionals: false,
    });
    const currents = numbers(values.current, '--current');
    if (values.settings) {
      if (values.curve) throw new UsageError('give either --curve or --settings, not both');
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(values.settings, 'utf8'));
      } catch (err) {
        throw new Error(`${values.settings}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      const s: ProtectionSettings = validateProtection(doc, values.settings);
      const earth = numbers(values.earth, '--earth');
      if (!currents.length && !earth.length) throw new UsageError('give --current (phase) and/or --earth (residual) currents');
      const n = Math.max(currents.length, earth.length);
      const rows = Array.from({ length: n }, (_, i) => {
        const phaseA = currents.length ? currents[Math.min(i, currents.length - 1)] : null;
        const earthA = earth.length ? earth[Math.min(i, earth.length - 1)] : null;
        return { phaseA, earthA, element: fastestElement(s, phaseA, earthA) };
      });
      if (values.json) io.out(JSON.stringify({ rows }));
      else {
        io.out('phase A    earth A    element   multiple   time s');
        for (const r of rows) {
          const e = r.element;
          io.out(`${String(r.phaseA ?? '-').padEnd(10)} ${String(r.earthA ?? '-').padEnd(10)} ${(e?.name ?? 'none').padEnd(9)} ${(e ? e.multiple.toFixed(2) : '-').padEnd(10)} ${e ? e.operateTimeS.toFixed(3) : 'no operation'}`);
        }
      }
      return rows.some((r) => r.element) ? 0 : 1;
    }
    if (!values.curve) throw new UsageError('give --curve NAME (or --settings FILE)');
    if (!CURVE_NAMES.includes(values.curve as CurveName)) throw new UsageError(`--curve must be one of ${CURVE_NAMES.join(', ')} (got "${values.curve}")`);
    if (!currents.length) throw new UsageError('give --current A[,A...]');
    const element = { kind: 'inverse', measures: 'phase', curve: values.curve, pickupA: positive(values.pickup, '--pickup'), tms: positive(values.tms, '--tms'), ...(values.reset ? { reset: values.reset } : {}) };
    const e = validateProtection({ elements: [element] }, 'curve settings').elements[0] as InverseTimeElement;
    const rows = currents.map((i) => {
      const t = operateTimeS(e, i);
      const reset = i < e.pickupA && e.reset === 'dependent' ? resetTimeS(e, i) : null;
      return { currentA: i, multiple: i / e.pickupA, operateTimeS: Number.isFinite(t) ? t : null, resetTimeS: reset };
    });
    if (values.json) io.out(JSON.stringify({ curve: e.curve, pickupA: e.pickupA, tms: e.tms, rows }));
    else {
      io.out(`${e.curve}, pickup ${e.pickupA} A, TMS/TD ${e.tms}`);
      io.out('current A   multiple   operate s    reset s');
      for (const r of rows) {
        io.out(`${String(r.currentA).padEnd(11)} ${r.multiple.toFixed(3).padEnd(10)} ${(r.operateTimeS === null ? 'no pickup' : r.operateTimeS.toFixed(4)).padEnd(12)} ${r.resetTimeS === null ? '' : r.resetTimeS.toFixed(3)}`);
      }
    }
    return rows.some((r) => r.operateTimeS !== null) ? 0 : 1;
  },
};
