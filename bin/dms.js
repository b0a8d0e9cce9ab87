#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI lives in the compiled library.
require('../dist/lib/cli.js')
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; })
  .catch((err) => { process.stderr.write(`dms: ${err && err.message ? err.message : err}\n`); process.exitCode = 2; });
