import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { freePort, isListening } from '../../src/embedded/ports';
import { fromRoot } from '../../src/tools/paths';

/** `npm start`'s path, for real: every process it starts, and every one stopped by SIGTERM. */
describe('ticket-tracker dev (npm start)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tt-dev-'));
  chmodSync(dataDir, 0o755);
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('brings up Temporal with its UI, PostgreSQL and a worker, and leaves nothing listening after SIGTERM', async () => {
    const [temporalPort, uiPort, pgPort] = [await freePort(), await freePort(), await freePort()];
    const child = spawn(process.execPath, [fromRoot('bin', 'ticket-tracker.js'), 'dev'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        TEMPORAL_PORT: String(temporalPort),
        TEMPORAL_UI_PORT: String(uiPort),
        TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
        EMBEDDED_PG_PORT: String(pgPort),
        MOCK_MARKETPLACE_PORT: String(await freePort()),
        DASHBOARD_PORT: String(await freePort()),
        METRICS_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 150_000;
      while (!stdout.includes('Press Ctrl-C') && child.exitCode === null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(stdout.includes('Press Ctrl-C'), `dev stack did not come up.\nstdout:\n${stdout}\nstderr:\n${stderr.slice(-3000)}`);
      assert.match(stdout, new RegExp(`UI http://127\\.0\\.0\\.1:${uiPort}`));
      assert.ok(await isListening(uiPort), 'Web UI listens');
      assert.ok(await isListening(pgPort), 'embedded PostgreSQL listens');

      const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
      try {
        const client = new Client({ connection });
        const types: string[] = [];
        for await (const wf of client.workflow.list({ query: 'WorkflowType = "selfCheck"' })) types.push(wf.type);
        assert.ok(types.includes('selfCheck'), 'the self-check workflow is visible to `temporal workflow list`');
      } finally {
        await connection.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
    const code = await exited;
    assert.equal(code, 0, `exit code after SIGTERM; stderr:\n${stderr.slice(-2000)}`);
    assert.match(stdout, /stopped\.\s*$/);
    for (const port of [temporalPort, uiPort, pgPort]) assert.equal(await isListening(port), false, `port ${port} still listening`);
  });
});
