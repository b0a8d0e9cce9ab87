import { createInterface, type Interface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { SimEvent } from '../sim/event-log';
import { CONSOLE_HELP, parseConsoleLine, parseFaultArg, type ConsoleCommand } from '../sim/console';
import { SIM_DEFAULTS, type FaultSpec } from '../sim/settings';
import { DEFAULT_SIM_HOST, DEFAULT_SIM_PORT, startSimulator, type SimulatorHandle } from '../sim/start';
import { UsageError, type CliCommand, type CliIo } from './command';
import { FEEDER_OPTIONS, feederFromArgs } from './feeder-arg';

const USAGE = `usage: dms sim <file | --network NAME> [--port 5020] [--host 127.0.0.1] [--log events.jsonl]
               [--fault SECTION[:TYPE][:transient][:R=OHM]]... [--load peak|average] [--load-scale K]
               [--profile M0,M1,...] [--control-unit 247] [--quiet] [--json]

Simulates the feeder and serves it over Modbus TCP: one unit id per IED with the dms-standard-ied
register map (the model's ieds, or one IED per automated device, breaker and recloser, numbered from
1 in the order of the model's devices), and a control unit (247) that injects and repairs faults,
scales the load and resets. Prints the unit-id table at start, then one line per event. Ctrl-C
(SIGINT) or SIGTERM stops it cleanly. Listens on the loopback address unless --host says otherwise.

  --port N          TCP port (default ${DEFAULT_SIM_PORT}; 0 = any free port, printed at start)
  --host ADDR       address to listen on (default ${DEFAULT_SIM_HOST}; 0.0.0.0 for every interface)
  --log FILE        append every event to FILE as JSON lines
  --fault SPEC      inject a fault at start (repeatable): SECTION, then optional words separated by
                    ':' — 3ph | ph-ph | ph-e | ph-ph-e (default 3ph), transient | permanent (default
                    permanent), R=OHM fault resistance, at=0..1 position, phase=A|B|C
  --load BASIS      load points at their peak (default) or average load
  --load-scale K    multiply every load by K (default 1)
  --profile LIST    daily profile: comma-separated multipliers at equal steps over the UTC day
  --control-unit N  unit id of the control unit (default 247)
  --quiet           print no events (the log still gets them)
  --json            print the start-up information as one JSON document and no events
On a terminal, commands can be typed while it runs:
${CONSOLE_HELP.split('\n').map((l) => '  ' + l).join('\n')}`;

function number(name: string, text: string | undefined, check: (v: number) => boolean, what: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!check(v)) throw new UsageError(`--${name} ${text}: ${what}`);
  return v;
}

function hhmmss(ts: string): string {
  return ts.slice(11, 23);
}

/** One line for an event: time, type, then its fields. */
export function formatEvent(ev: SimEvent): string {
  const skip = new Set(['ts', 'tMs', 'type']);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(ev)) {
    if (skip.has(k) || v === undefined || v === null) continue;
    let text: string;
    if (typeof v === 'number') text = Number.isInteger(v) ? String(v) : v.toFixed(3);
    else if (typeof v === 'string') text = v.includes(' ') ? JSON.stringify(v) : v;
    else text = JSON.stringify(v);
    parts.push(`${k}=${text}`);
  }
  return `${hhmmss(ev.ts)} ${ev.type}${parts.length ? ' ' + parts.join(' ') : ''}`;
}

/** The unit-id table and how to reach the control unit, as printed at start. */
export function startupText(h: SimulatorHandle, feederName: string): string[] {
  const rows = [['unit', 'IED', 'device', 'type', 'section', 'map'], ...h.units.map((u) => [String(u.unitId), u.ied, u.device ?? '-', u.deviceType ?? 'line sensor', u.section, u.registerMap])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const out = [`dms sim: ${feederName} served over Modbus TCP on ${h.host}:${h.port}`];
  for (const r of rows) out.push('  ' + r.map((c, i) => (i === 0 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  '));
  out.push(`  ${String(h.controlUnitId).padStart(widths[0])}  control unit (map dms-sim-control): inject/repair faults, crew operations, load scale, reset`);
  const secs = h.simulator.model.sections.map((s, i) => `${i + 1} ${s.id}`);
  out.push(`  faultSection numbers: ${secs.join(', ')}`);
  out.push(`  crewDevice numbers: ${h.simulator.model.devices.map((d, i) => `${i + 1} ${d.id}`).join(', ')}`);
  const n = h.simulator.defaultedSections.length;
  if (n) out.push(`  ${n} of ${secs.length} sections give no impedance: ${SIM_DEFAULTS.lineOhmPerKm.r} + j${SIM_DEFAULTS.lineOhmPerKm.x} Ω/km assumed (ACSR 100 mm² overhead line)`);
  if (!h.units.length) out.push('  (no IEDs: the model has no automated devices, breakers or reclosers and lists no ieds)');
  return out;
}

/** Carries out a console command; returns the lines to print. */
export function applyConsoleCommand(h: SimulatorHandle, cmd: ConsoleCommand): string[] {
  switch (cmd.kind) {
    case 'fault':
      return [`fault ${h.inject(cmd.spec)} on ${cmd.spec.section}`];
    case 'repair': {
      const ids = cmd.target === 'all' ? h.repairAll() : h.repair(cmd.target);
      return [ids.length ? `repaired ${ids.join(', ')}` : `no fault on ${cmd.target}`];
    }
    case 'reset':
      h.reset();
      return ['reset to the normal state'];
    case 'load':
      h.setLoadScale(cmd.scale);
      return [`load scale ${(cmd.scale * 100).toFixed(1)} %`];
    case 'operate':
      return [h.operate(cmd.device, cmd.close) ? `${cmd.close ? 'closing' : 'opening'} ${cmd.device}` : `${cmd.device} is already ${cmd.close ? 'closed' : 'open'}`];
    case 'remote':
      h.setRemote(cmd.ied, cmd.remote);
      return [`${cmd.ied} in ${cmd.remote ? 'remote' : 'local'}`];
    case 'state': {
      const s = h.state();
      const off = s.devices.filter((d, i) => d.travelling || d.closed === h.simulator.model.devices[i].normallyOpen || d.lockout);
      return [
        `${s.ts}  source ${s.sourceKW.toFixed(1)} kW, load scale ${(s.loadScale * 100).toFixed(1)} %, unsupplied ${s.unsupplied.length} load points (${s.unsuppliedKW.toFixed(1)} kW)`,
        `  faults: ${s.faults.length ? s.faults.map((f) => `${f.id} ${f.section} ${f.type} ${f.permanent ? 'permanent' : 'transient'}${f.energised ? ' burning' : ''}`).join('; ') : 'none'}`,
        `  off normal: ${off.length ? off.map((d) => `${d.id} ${d.travelling ? 'travelling' : d.closed ? 'closed' : 'open'}${d.lockout ? ' lockout' : ''}`).join(', ') : 'none'}`,
      ];
    }
    case 'units':
      return h.units.map((u) => `${u.unitId} ${u.ied} ${u.device ?? ''}`);
    case 'help':
      return CONSOLE_HELP.split('\n');
    case 'quit':
      return [];
  }
}

export const simCommand: CliCommand = {
  name: 'sim',
  summary: 'simulate a feeder and serve it over Modbus TCP (faults, trips, recloses, commands)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        ...FEEDER_OPTIONS,
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        log: { type: 'string' },
        fault: { type: 'string', multiple: true },
        load: { type: 'string' },
        'load-scale': { type: 'string' },
        profile: { type: 'string' },
        'control-unit': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
      },
      allowPositionals: true,
    });
    const port = number('port', values.port, (v) => Number.isInteger(v) && v >= 0 && v <= 65535, 'must be a TCP port 0..65535') ?? DEFAULT_SIM_PORT;
    const loadScale = number('load-scale', values['load-scale'], (v) => Number.isFinite(v) && v >= 0, 'must be a number ≥ 0');
    const controlUnitId = number('control-unit', values['control-unit'], (v) => Number.isInteger(v) && v >= 1 && v <= 247, 'must be a unit id 1..247');
    if (values.load !== undefined && values.load !== 'peak' && values.load !== 'average') throw new UsageError(`--load ${values.load}: must be peak or average`);
    let profile: number[] | undefined;
    if (values.profile !== undefined) {
      profile = values.profile.split(',').map((t) => Number(t.trim()));
      if (!profile.length || profile.some((v) => !(Number.isFinite(v) && v >= 0))) throw new UsageError(`--profile ${values.profile}: must be comma-separated multipliers ≥ 0`);
    }
    let faults: FaultSpec[];
    try {
      faults = (values.fault ?? []).map(parseFaultArg);
    } catch (err) {
      throw new UsageError(`--fault: ${(err as Error).message}`);
    }
    const feeder = feederFromArgs(positionals, values.network);
    const showEvents = !values.quiet && !values.json;
    let started = false;
    const early: SimEvent[] = [];
    const h = await startSimulator({
      feeder, host: values.host ?? DEFAULT_SIM_HOST, port, log: values.log, faults, loadScale, profile, controlUnitId,
      load: values.load as 'peak' | 'average' | undefined,
      onEvent: (ev) => {
        if (!showEvents) return;
        if (started) io.out(formatEvent(ev));
        else early.push(ev);
      },
    });
    const name = feeder.model.name ?? (values.network ?? positionals[0]);
    if (values.json) {
      io.out(JSON.stringify({
        feeder: name, host: h.host, port: h.port, controlUnitId: h.controlUnitId, units: h.units,
        sections: h.simulator.model.sections.map((s, i) => ({ number: i + 1, id: s.id })),
        devices: h.simulator.model.devices.map((d, i) => ({ number: i + 1, id: d.id })), defaultedImpedance: h.simulator.defaultedSections,
        log: values.log ?? null,
      }));
    } else {
      for (const line of startupText(h, name)) io.out(line);
      io.out(`Ctrl-C stops.${process.stdin.isTTY ? ' Type "help" for commands.' : ''}`);
    }
    started = true;
    for (const ev of early) io.out(formatEvent(ev));
    await waitForStop(h, io, !values.json);
    return 0;
  },
};

/** Runs until SIGINT/SIGTERM (or "quit" typed on a terminal), then closes the simulator. */
function waitForStop(h: SimulatorHandle, io: CliIo, chatty: boolean): Promise<void> {
  return new Promise((resolve) => {
    let rl: Interface | null = null;
    let stopping = false;
    const stop = (why: string): void => {
      if (stopping) return;
      stopping = true;
      process.removeListener('SIGINT', onInt);
      process.removeListener('SIGTERM', onTerm);
      rl?.close();
      if (chatty) io.out(`dms sim: ${why}: stopping`);
      h.close().then(resolve, (err) => {
        io.err(`dms sim: while stopping: ${(err as Error).message}`);
        resolve();
      });
    };
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    if (process.stdin.isTTY && chatty) {
      rl = createInterface({ input: process.stdin, terminal: false });
      rl.on('line', (line) => {
        try {
          const cmd = parseConsoleLine(line);
          if (!cmd) return;
          if (cmd.kind === 'quit') return stop('quit');
          for (const l of applyConsoleCommand(h, cmd)) io.out(l);
        } catch (err) {
          io.err(`dms sim: ${(err as Error).message}`);
        }
      });
    }
  });
}
