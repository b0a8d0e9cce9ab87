// `npm start`: Node-RED on 127.0.0.1:1880 with this package loaded, using a user directory inside
// the repository (.node-red/, ignored by git). Ctrl-C stops everything cleanly.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const userDir = process.env.DMS_USER_DIR ?? join(root, '.node-red');
const port = process.env.PORT ?? '1880';
const host = process.env.HOST ?? '127.0.0.1';

mkdirSync(join(userDir, 'node_modules'), { recursive: true });
// Node-RED finds packages in <userDir>/node_modules: link this repository there.
const link = join(userDir, 'node_modules', 'node-red-contrib-dms');
if (!existsSync(link) && !isLink(link)) symlinkSync(root, link, 'dir');
writeFileSync(join(userDir, 'package.json'), JSON.stringify({ name: 'dms-demo-userdir', private: true, dependencies: { 'node-red-contrib-dms': 'file:..' } }, null, 2));
const settings = join(userDir, 'settings.js');
writeFileSync(settings, `module.exports = {
  uiHost: ${JSON.stringify(host)},
  uiPort: ${Number(port)},
  flowFile: 'flows.json',
  credentialSecret: false,
  contextStorage: { default: { module: 'memory' }, file: { module: 'localfilesystem' } },
  logging: { console: { level: 'info', metrics: false, audit: false } },
  editorTheme: { tours: false, projects: { enabled: false } },
};
`);

function isLink(p) {
  try { return lstatSync(p).isSymbolicLink(); } catch { return false; }
}

const red = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', settings], { stdio: 'inherit' });
const stop = (signal) => { if (!red.killed) red.kill(signal); };
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
red.on('exit', (code, signal) => { process.exitCode = code ?? (signal ? 0 : 1); });
