#!/usr/bin/env node
'use strict';
// Runs first in every npm script (`npm start`, `npm test`, `npm run bench` ...): brings what a
// fresh clone lacks, idempotently and quickly when everything is in place. Plain JavaScript on
// whatever Node the machine has: it must run before anything is installed.
//
// 1. The runtime: Node 24 LTS (supported to April 2028). When the machine's `node` is older, the
//    official binary comes from the npm registry (the `node-<platform>-<arch>` package that the
//    `node` package itself installs) into .tools/node, inside the project.
// 2. The npm dependencies, installed by npm running on that Node 24 (so no dependency that wants
//    Node 22 or later warns EBADENGINE), when node_modules is missing or older than the lock.
// 3. With `--bin-dir`: prints the folder of that Node 24 binary (only that, on stdout), which
//    scripts/on-node24.sh, the start of every npm script, puts first on PATH before it execs node.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const NODE_MAJOR = 24;
const NODE_VERSION = '24.22.3';
const root = path.join(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const installedMarker = path.join(root, 'node_modules', '.package-lock.json');
const nodePackage = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const nodePrefix = path.join(root, '.tools', 'node');
const nodeBinary = path.join(nodePrefix, 'node_modules', nodePackage, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');

const major = (version) => Number(/^v?(\d+)/.exec(version)[1]);

/** The npm that started us (npm sets npm_execpath), else the one beside this node. */
function npmCli() {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  const found = candidates.find((c) => c && /npm-cli\.js$/.test(c) && fs.existsSync(c));
  if (!found) throw new Error('cannot find npm (npm-cli.js) beside this node: run this through npm');
  return found;
}

/** Node 24's binary: this process's when it is Node 24 or later, else the project's copy. */
function ensureNode() {
  if (major(process.version) >= NODE_MAJOR) return process.execPath;
  if (fs.existsSync(nodeBinary)) {
    const version = execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim();
    if (version === `v${NODE_VERSION}`) return nodeBinary;
  }
  process.stderr.write(
    `this machine's node is ${process.version}: installing Node ${NODE_VERSION} into .tools/node (${nodePackage} from the npm registry) ...\n`,
  );
  fs.mkdirSync(nodePrefix, { recursive: true, mode: 0o700 });
  // Its own folder with its own package.json, so the project's dependencies are not touched.
  fs.writeFileSync(path.join(nodePrefix, 'package.json'), '{ "private": true }\n');
  execFileSync(
    process.execPath,
    [
      npmCli(),
      'install',
      '--prefix',
      nodePrefix,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `${nodePackage}@${NODE_VERSION}`,
    ],
    { cwd: nodePrefix, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const version = execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== `v${NODE_VERSION}`) throw new Error(`${nodeBinary} says ${version}, not v${NODE_VERSION}`);
  return nodeBinary;
}

function stale() {
  if (!fs.existsSync(installedMarker)) return true;
  if (!fs.existsSync(lock)) return false;
  return fs.statSync(lock).mtimeMs > fs.statSync(installedMarker).mtimeMs;
}

const printBinDir = process.argv.includes('--bin-dir');
const node = ensureNode();
if (stale()) {
  // Not `npm ci`: the lock file cannot list every platform build of @swc/core (the registries
  // these machines reach lack some), and `npm ci` refuses such a lock while `npm install`
  // installs exactly what the lock pins for this platform and leaves the lock unchanged.
  process.stderr.write(`installing npm dependencies (npm install on Node ${NODE_MAJOR}) ...\n`);
  const bin = path.dirname(node);
  execFileSync(node, [npmCli(), 'install', '--no-audit', '--no-fund'], {
    cwd: root,
    // stdout is the bin folder's alone when it is asked for: npm's report goes to stderr then.
    stdio: ['ignore', printBinDir ? process.stderr : 'inherit', 'inherit'],
    env: { ...process.env, PATH: [bin, process.env.PATH].filter(Boolean).join(path.delimiter) },
  });
}
if (printBinDir) process.stdout.write(path.dirname(node) + '\n');
