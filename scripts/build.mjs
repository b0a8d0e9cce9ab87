// Compiles the TypeScript and copies what tsc does not emit (editor .html, locales, JSON data)
// beside the compiled files, so Node-RED finds each node's .html next to its .js.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });

const COPY = /\.(html|json|svg|png|csv)$/;
function copyAssets(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) copyAssets(full);
    else if (COPY.test(name)) cpSync(full, join(root, 'dist', relative(root, full)));
  }
}
for (const top of ['lib', 'nodes']) if (existsSync(join(root, top))) copyAssets(join(root, top));
