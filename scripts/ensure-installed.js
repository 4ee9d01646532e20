#!/usr/bin/env node
'use strict';
// Runs before `npm start`, `npm test` and `npm run bench`: installs the npm dependencies when
// node_modules is missing or older than package-lock.json, so a fresh clone needs no other step.
// Idempotent and quick when everything is in place. Plain JavaScript: it must run before
// anything is installed.
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const installedMarker = path.join(root, 'node_modules', '.package-lock.json');

function stale() {
  if (!fs.existsSync(installedMarker)) return true;
  if (!fs.existsSync(lock)) return false;
  return fs.statSync(lock).mtimeMs > fs.statSync(installedMarker).mtimeMs;
}

if (stale()) {
  // Not `npm ci`: the lock file cannot list every platform build of @swc/core (the registries
  // these machines reach lack some), and `npm ci` refuses such a lock while `npm install`
  // installs exactly what the lock pins for this platform and leaves the lock unchanged.
  const cmd = 'npm install --no-audit --no-fund';
  process.stderr.write(`installing npm dependencies (${cmd}) ...\n`);
  execSync(cmd, { cwd: root, stdio: 'inherit' });
}
