// `npm run check`: the typecheck (tsc), the type-aware lint (eslint) and the format check
// (prettier) side by side, since none needs another's output and the slowest, eslint, would
// otherwise wait for tsc. Each one's output is printed whole when it ends; the exit status is
// non-zero when any of them fails. Plain JavaScript: it runs before anything is compiled.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const bin = (name) => path.join(__dirname, '..', 'node_modules', '.bin', name);
const steps = [
  ['tsc', ['--noEmit', '-p', '.']],
  ['eslint', ['.']],
  ['prettier', ['--check', '.']],
];

function run([name, args]) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(bin(name), args, { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    const output = [];
    child.stdout.on('data', (b) => output.push(b));
    child.stderr.on('data', (b) => output.push(b));
    child.on('error', (err) => output.push(Buffer.from(`${err.message}\n`)));
    child.on('close', (code) => {
      const text = Buffer.concat(output).toString('utf8').trimEnd();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`== ${name}: ${code === 0 ? 'ok' : `failed (exit ${code})`} in ${seconds} s\n${text ? `${text}\n` : ''}`);
      resolve(code === 0);
    });
  });
}

Promise.all(steps.map(run)).then((ok) => process.exit(ok.every(Boolean) ? 0 : 1));
