#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in the compiled library.
// A closed pipe (`dms ... | head`) ends the output quietly, as Unix tools do.
process.stdout.on('error', (err) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
require('../dist/lib/cli.js')
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; })
  .catch((err) => { process.stderr.write(`dms: ${err && err.message ? err.message : err}\n`); process.exitCode = 2; });
