import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { freePort, isListening } from '../../src/embedded/ports';
import { fromRoot } from '../../src/config/paths';

const run = promisify(execFile);

async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [fromRoot('bin', 'ticket-tracker.js'), ...args], { env, cwd: os.tmpdir() });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function waitForStatus(env: Record<string, string>): Promise<{ phase: string; cycle: number }> {
  for (let i = 0; i < 100; i++) {
    const r = await runCli(['tracker', 'status', '--json'], env);
    if (r.code === 0) return JSON.parse(r.stdout) as { phase: string; cycle: number };
    await new Promise((res) => setTimeout(res, 300));
  }
  throw new Error('tracker status never answered');
}

/** `npm start`'s path, for real: every process it starts, and every one stopped by SIGTERM. */
describe('ticket-tracker dev (npm start)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tt-dev-'));
  chmodSync(dataDir, 0o755);
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('brings up Temporal with its UI, PostgreSQL and a worker, and leaves nothing listening after SIGTERM', async () => {
    const [temporalPort, uiPort, pgPort, dashboardPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const child = spawn(process.execPath, [fromRoot('bin', 'ticket-tracker.js'), 'dev'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATA_DIR: dataDir,
        TEMPORAL_PORT: String(temporalPort),
        TEMPORAL_UI_PORT: String(uiPort),
        TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
        EMBEDDED_PG_PORT: String(pgPort),
        MOCK_MARKETPLACE_PORT: String(await freePort()),
        DASHBOARD_PORT: String(dashboardPort),
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
      // The product's own cluster holds months of prices: it must flush its commits to disk.
      const pgClient = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${pgPort}/postgres` });
      await pgClient.connect();
      try {
        assert.equal((await pgClient.query<{ fsync: string }>('SHOW fsync')).rows[0]?.fsync, 'on');
      } finally {
        await pgClient.end();
      }

      // The operator's commands against the running stack.
      const cliEnv = { PATH: process.env.PATH ?? '', TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`, EMBEDDED_PG_PORT: String(pgPort) };
      const status = await waitForStatus(cliEnv);
      assert.ok(['scraping', 'sleeping'].includes(status.phase), status.phase);
      const schedules = JSON.parse((await runCli(['schedules', 'list', '--json'], cliEnv)).stdout) as { id: string }[];
      assert.deepEqual(
        schedules.map((x) => x.id),
        ['archive-retention', 'rollup-daily', 'rollup-hourly'],
      );
      const scrape = await runCli(['scrape', 'stubhub:153928471', '--json'], cliEnv);
      assert.equal(scrape.code, 0, scrape.stderr);
      const scraped = JSON.parse(scrape.stdout) as { outcomes: { marketplace: string; status: string; listingsStored: number }[] };
      assert.ok(scraped.outcomes.length >= 3 && scraped.outcomes.every((o) => o.status === 'stored'), scrape.stdout);
      // The dashboard, printed beside the Web UI, shows the scraped event.
      assert.match(stdout, new RegExp(`Dashboard: +http://127\\.0\\.0\\.1:${dashboardPort}`));
      const events = (await (await fetch(`http://127.0.0.1:${dashboardPort}/api/events`)).json()) as {
        events: { name: string; lastScrapeAt: string | null }[];
      };
      const knicks = events.events.find((e) => e.name === 'New York Knicks vs. Boston Celtics');
      assert.ok(knicks?.lastScrapeAt, JSON.stringify(events).slice(0, 500));
      const unknown = await runCli(['scrape', 'stubhub:000'], cliEnv);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /EVENT: no event has stubhub id "000"/);

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
    for (const port of [temporalPort, uiPort, pgPort, dashboardPort])
      assert.equal(await isListening(port), false, `port ${port} still listening`);
  });
});
