import { parseArgs } from 'node:util';
import { listNetworks } from '../networks';
import type { CliCommand } from './command';

export const networksCommand: CliCommand = {
  name: 'networks',
  summary: 'list the built-in feeder models',
  usage: 'usage: dms networks [--json]\n\nLists the built-in networks usable as --network NAME.',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: false });
    const nets = listNetworks();
    if (values.json) io.out(JSON.stringify({ networks: nets }));
    else {
      const width = Math.max(...nets.map((n) => n.name.length));
      for (const n of nets) io.out(`${n.name.padEnd(width)}  ${n.title}`);
    }
    return 0;
  },
};
