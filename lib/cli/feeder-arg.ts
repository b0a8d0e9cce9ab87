/** The `<file | --network NAME>` argument every feeder subcommand takes. */
import { loadFeederFile, type LoadedFeeder } from '../model/load';
import { loadNetwork } from '../networks';
import { UsageError } from './command';

/** parseArgs option spec to spread into a subcommand's options. */
export const FEEDER_OPTIONS = {
  network: { type: 'string' as const, short: 'n' },
  json: { type: 'boolean' as const },
};

export function feederFromArgs(positionals: string[], network: string | undefined): LoadedFeeder {
  if (network && positionals.length > 0) throw new UsageError('give either a model file or --network, not both');
  if (network) return loadNetwork(network);
  if (positionals.length === 0) throw new UsageError('give a model file or --network NAME (dms networks lists them)');
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  return loadFeederFile(positionals[0]);
}
