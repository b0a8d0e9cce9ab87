/**
 * `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) and prints
 * figures with their ratios against a reference measured in the same run.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts')).sort()
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
  console.log(`node-red-contrib-dms benchmarks — node ${process.version}, ${new Date().toISOString()}`);
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(__dirname, file)) as { title: string; run: () => Promise<void> };
    console.log(`\n## ${mod.title}`);
    await mod.run();
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
