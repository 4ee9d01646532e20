#!/usr/bin/env node
'use strict';
// In a checkout the TypeScript sources run directly (through tsx), so a stale build is never
// used by mistake; the production image ships only the compiled dist/.
const fs = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, '..', 'src', 'client.ts');
const compiled = path.join(__dirname, '..', 'dist', 'client.js');
let entry = compiled;
if (fs.existsSync(source)) {
  require('tsx/cjs');
  entry = source;
}
const { main, exitQuietlyOnBrokenPipe } = require(entry);
exitQuietlyOnBrokenPipe();
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
