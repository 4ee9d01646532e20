import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { catalogReader } from '../../src/catalog/read/open-reader';
import { syncEvents } from '../../src/catalog/sync/index';
import { parseEnv } from '../../src/config/index';
import { freePort } from '../../src/embedded/ports';
import { startMockMarketplace, type MockMarketplace } from '../../src/mock-marketplace/index';
import { fromRoot } from '../../src/config/paths';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { EVENTS_HEADER, waitFor, writeEventsFile } from '../helpers/stack';
import { startDevServerEnv, uniqueTaskQueue } from '../helpers/temporal';
import { scrapeEvents } from '../../src/workflows/index';

const CATALOG = [EVENTS_HEADER, 'Omega Show,Big Hall,Miami,FL,US,2027-08-01 20:00,America/New_York,,830001,,,TRUE'].join('\n');

/** `ticket-tracker worker` as operators run it: health, metrics, and a graceful SIGTERM. */
describe('ticket-tracker worker process', () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let mock: MockMarketplace;
  before(async () => {
    [temporal, database, mock] = await Promise.all([startDevServerEnv(), createTestDatabase(), startMockMarketplace({ port: 0, seed: 3 })]);
  });
  after(async () => {
    await mock?.close();
    await database?.drop();
    await temporal?.teardown();
  });

  it('serves /healthz and /metrics, and on SIGTERM lets the in-flight fetch finish and exits 0', async () => {
    const eventsFile = writeEventsFile(CATALOG);
    await syncEvents(database.db, catalogReader(parseEnv({ EVENTS_FILE: eventsFile })));
    const taskQueue = uniqueTaskQueue('worker');
    const metricsPort = await freePort();
    const sdkMetricsPort = await freePort();
    const child = spawn(process.execPath, [fromRoot('bin', 'ticket-tracker.js'), 'worker'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: process.env.TT_TEST_TEMPORAL_ADDRESS ?? '',
        TEMPORAL_TASK_QUEUE: taskQueue,
        MOCK_MARKETPLACE: 'true',
        MOCK_MARKETPLACE_PORT: String(mock.port),
        MARKETPLACES: 'vividseats',
        METRICS_PORT: String(metricsPort),
        TEMPORAL_METRICS_PORT: String(sdkMetricsPort),
        WORKER_SHUTDOWN_GRACE_SECONDS: '20',
        EVENTS_FILE: eventsFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout.on('data', (c: Buffer) => (logs += c.toString()));
    child.stderr.on('data', (c: Buffer) => (logs += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const health = await waitFor(
        'healthz',
        async () => {
          const r = await fetch(`http://127.0.0.1:${metricsPort}/healthz`).catch(() => undefined);
          return r?.ok ? ((await r.json()) as { ok: boolean; workers: Record<string, string> }) : undefined;
        },
        90_000,
      ).catch((err: unknown) => assert.fail(`${(err as Error).message}\n${logs.slice(-3000)}`));
      assert.deepEqual(Object.keys(health.workers).sort(), [taskQueue, `${taskQueue}-vividseats`]);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      assert.match(metrics, new RegExp(`^tt_worker_running\\{task_queue="${taskQueue}"\\} 1$`, 'm'));
      assert.match(metrics, /^process_resident_memory_bytes \d+/m);
      // The SDK's own runtime metrics, on their own port beside ours.
      const sdkMetrics = await waitFor('the SDK metrics', async () => {
        const text = await fetch(`http://127.0.0.1:${sdkMetricsPort}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
        return /^temporal_\w+/m.test(text) ? text : undefined;
      });
      assert.match(sdkMetrics, new RegExp(`task_queue="${taskQueue}"`));

      // A slow marketplace answer keeps the fetch in flight while SIGTERM arrives.
      mock.setFault({ marketplace: 'vividseats', fault: { kind: 'slow', delayMs: 4000 }, times: 1 });
      const run = await temporal.client.workflow.start(scrapeEvents, { taskQueue, workflowId: `scrape-once-${taskQueue}`, args: [{}] });
      await waitFor('the fetch to be running on the worker', async () => {
        for await (const wf of temporal.client.workflow.list({ query: `WorkflowType = "scrapeEvent" AND TaskQueue = "${taskQueue}"` })) {
          const described = await temporal.client.workflow.getHandle(wf.workflowId).describe();
          const pending = described.raw.pendingActivities ?? [];
          // PENDING_ACTIVITY_STATE_STARTED: a worker has picked the fetch up.
          if (pending.some((a) => a.activityType?.name === 'scrape' && Number(a.state) === 2)) return true;
        }
        return false;
      });
      child.kill('SIGTERM');
      assert.equal(await exited, 0, logs.slice(-3000));
      const stored = await database.db.query<{ listings_stored: number }>(
        `SELECT listings_stored FROM scrapes WHERE marketplace = 'vividseats'`,
      );
      assert.equal(stored.rowCount, 1, 'the in-flight fetch finished and was stored before the worker exited');
      await run.terminate('test over');
      assert.match(logs, /"msg":"worker stopped"/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
