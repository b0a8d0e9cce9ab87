/** What every `dms` subcommand module exports; lib/cli.ts dispatches on `name`. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface CliCommand {
  name: string;
  /** One line for `dms help`. */
  summary: string;
  /** Usage text shown by `dms help <name>` and on argument errors. */
  usage: string;
  /** Returns the process exit code: 0 ok, 1 a negative result (e.g. invalid model), 2 usage/input error. */
  run(args: string[], io: CliIo): Promise<number>;
}

/** A usage error: the CLI prints the message and the command's usage, exit code 2. */
export class UsageError extends Error {}
