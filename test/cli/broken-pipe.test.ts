import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fromRoot } from '../../src/config/paths';

/**
 * `ticket-tracker ... | head` once head has gone. A FIFO whose only reader is closed before the
 * command starts makes every write fail with EPIPE, whatever the output's size or timing.
 */
describe('output into a pipe whose reader has gone (| head)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-pipe-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function runIntoClosedPipe(args: string[]): { status: number | null; stderr: string } {
    const fifo = path.join(dir, `fifo-${args.join('-').replace(/\W/g, '')}`);
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY);
    closeSync(reader);
    try {
      const r = spawnSync(process.execPath, [fromRoot('bin', 'ticket-tracker.js'), ...args], {
        stdio: ['ignore', writer, 'pipe'],
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
        cwd: dir,
      });
      return { status: r.status, stderr: r.stderr };
    } finally {
      closeSync(writer);
    }
  }

  for (const args of [['config'], ['--help']]) {
    it(`ticket-tracker ${args.join(' ')} exits 0 and says nothing`, () => {
      const r = runIntoClosedPipe(args);
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
    });
  }
});
