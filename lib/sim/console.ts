/**
 * Text commands for a running simulator: the `dms sim --fault` argument and the lines typed at
 * its console. Parsing is separate from acting so both are testable without a terminal.
 *
 *   fault SECTION [TYPE] [transient|permanent] [R=OHM] [at=0..1] [phase=A|B|C]
 *   repair SECTION|FAULT|all     reset     load PERCENT     open DEVICE     close DEVICE
 *   local IED     remote IED     state     units     help     quit
 */
import { FAULT_KIND_ALIASES, type FaultSpec, type PhaseName } from './settings';

export type ConsoleCommand =
  | { kind: 'fault'; spec: FaultSpec }
  | { kind: 'repair'; target: string }
  | { kind: 'reset' }
  | { kind: 'load'; scale: number }
  | { kind: 'operate'; device: string; close: boolean }
  | { kind: 'remote'; ied: string; remote: boolean }
  | { kind: 'state' }
  | { kind: 'units' }
  | { kind: 'help' }
  | { kind: 'quit' };

export const CONSOLE_HELP = [
  'fault SECTION [3ph|ph-ph|ph-e|ph-ph-e] [transient|permanent] [R=OHM] [at=0..1] [phase=A|B|C]',
  'repair SECTION|FAULT|all     reset     load PERCENT (e.g. load 120)',
  'open DEVICE     close DEVICE     (operated on site, without the IED)',
  'local IED     remote IED     state     units     help     quit',
].join('\n');

/** Parses the words after `fault` (or a `--fault` value with `:` between words). Throws naming the bad word. */
export function parseFaultWords(words: string[]): FaultSpec {
  const [section, ...rest] = words;
  if (!section) throw new Error('fault: give a section id');
  const spec: FaultSpec = { section };
  for (const w of rest) {
    const lower = w.toLowerCase();
    if (FAULT_KIND_ALIASES[lower]) spec.type = FAULT_KIND_ALIASES[lower];
    else if (lower === 'transient' || lower === 'permanent') spec.permanent = lower === 'permanent';
    else if (/^(r|ohm|impedance)=/.test(lower) || /^\d+(\.\d+)?ohm$/.test(lower)) {
      const v = Number(lower.replace(/^[a-z]+=/, '').replace(/ohm$/, ''));
      if (!(Number.isFinite(v) && v >= 0)) throw new Error(`fault ${section}: "${w}" is not a fault resistance in ohm (R=5)`);
      spec.impedanceOhm = v;
    } else if (lower.startsWith('at=')) {
      const v = Number(lower.slice(3));
      if (!(v >= 0 && v <= 1)) throw new Error(`fault ${section}: "${w}" must give a position 0..1 along the section`);
      spec.position = v;
    } else if (lower.startsWith('phase=')) {
      const p = w.slice(6).toUpperCase();
      if (p !== 'A' && p !== 'B' && p !== 'C') throw new Error(`fault ${section}: "${w}": the phase is A, B or C`);
      spec.phase = p as PhaseName;
    } else throw new Error(`fault ${section}: "${w}" is not a fault type (3ph, ph-ph, ph-e, ph-ph-e), transient/permanent, R=OHM, at=0..1 or phase=A|B|C`);
  }
  return spec;
}

/** `--fault L4:ph-e:transient:R=5` */
export function parseFaultArg(arg: string): FaultSpec {
  return parseFaultWords(arg.split(':').filter((w) => w.length > 0));
}

export function parseConsoleLine(line: string): ConsoleCommand | null {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return null;
  const [cmd, ...args] = words;
  const one = (what: string): string => {
    if (args.length !== 1) throw new Error(`${cmd}: give one ${what}`);
    return args[0];
  };
  switch (cmd.toLowerCase()) {
    case 'fault':
    case 'inject':
      return { kind: 'fault', spec: parseFaultWords(args) };
    case 'repair':
      return { kind: 'repair', target: one('section id, fault id or "all"') };
    case 'reset':
      return { kind: 'reset' };
    case 'load': {
      const text = one('percentage of the base load');
      const pct = Number(text.replace(/%$/, ''));
      if (!(Number.isFinite(pct) && pct >= 0)) throw new Error(`load: "${text}" is not a percentage ≥ 0`);
      return { kind: 'load', scale: pct / 100 };
    }
    case 'open':
    case 'close':
      return { kind: 'operate', device: one('device id'), close: cmd.toLowerCase() === 'close' };
    case 'local':
    case 'remote':
      return { kind: 'remote', ied: one('IED id'), remote: cmd.toLowerCase() === 'remote' };
    case 'state':
    case 'status':
      return { kind: 'state' };
    case 'units':
      return { kind: 'units' };
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    default:
      throw new Error(`unknown command "${cmd}" (help lists them)`);
  }
}
