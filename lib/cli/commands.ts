// The registry of `dms` subcommands. Each feature adds its module here (one import, one entry).
import type { CliCommand } from './command';
import { networksCommand } from './networks';
import { validateCommand } from './validate';

export const COMMANDS: CliCommand[] = [
  networksCommand,
  validateCommand,
];
