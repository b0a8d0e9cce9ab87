/** The `dms` command line: a dispatcher over the subcommand modules in lib/cli/. */
import { COMMANDS } from './cli/commands';
import { UsageError, type CliIo } from './cli/command';

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

function help(io: CliIo): void {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  io.out(['usage: dms <command> [options]   (--json prints one JSON document)', '', 'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '', 'dms help <command> shows the options of one command.'].join('\n'));
}

export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const cmd = COMMANDS.find((c) => c.name === rest[0]);
    if (cmd) io.out(cmd.usage); else help(io);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    io.err(`dms: unknown command "${name}"`);
    help(io);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`dms ${cmd.name}: ${err.message}\n\n${cmd.usage}`);
      return 2;
    }
    io.err(`dms ${cmd.name}: ${(err as Error).message ?? String(err)}`);
    return 2;
  }
}
