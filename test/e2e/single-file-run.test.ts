import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fromRoot } from '../../src/config/paths';

/** Running processes whose command line mentions `text` (from ps, as an operator would look). */
function processesMentioning(text: string): { pid: number; args: string }[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && m[2]!.includes(text) && !m[2]!.startsWith('ps '))
    .map((m) => ({ pid: Number(m[1]), args: m[2]! }));
}

describe('one test file run on its own, without DATABASE_URL', () => {
  // Its own TMPDIR, so the cluster it starts is told apart from other runs' clusters.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tt-single-'));
  chmodSync(tmp, 0o755); // our own folder: the postgres account keeps its cluster under it
  after(() => {
    // When the assertion below failed, do not leave the leftover server running either.
    for (const p of processesMentioning(tmp)) process.kill(p.pid, 'SIGINT');
    rmSync(tmp, { recursive: true, force: true });
  });

  // The timeout only stops a hang from hanging the suite; nothing is asserted about time.
  it('ends, passes, and leaves no PostgreSQL running nor its folder behind', { timeout: 180_000 }, async () => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', TMPDIR: tmp, HOME: process.env.HOME ?? tmp };
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-reporter=tap', fromRoot('test', 'fixtures', 'newcomer', 'one-database-file.ts')],
      {
        cwd: fromRoot(),
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, output);
    assert.match(output, /# pass 1/); // TAP, asked for: Node 24's default reporter off a terminal is spec
    assert.deepEqual(
      processesMentioning(tmp).map((p) => p.args),
      [],
    );
    assert.deepEqual(
      readdirSync(tmp).filter((f) => f.startsWith('tt-pg-')),
      [],
    );
  });
});
