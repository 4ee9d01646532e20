import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { parseEnv, type Env } from '../../src/config';
import { MARKETPLACE_NAMES, type MarketplaceName } from '../../src/domain/listing';
import { createLogger } from '../../src/logging/logger';
import { startMockMarketplace, type MockMarketplace } from '../../src/mock-marketplace';
import { createMarketplaceAdapters, type MarketplaceAdapters } from '../../src/marketplaces/index';
import { adapterMap, createWorkers, type TrackerWorkers } from '../../src/worker';
import type { StorageMode } from '../../src/db/storage-mode';
import { createTestDatabase, type TestDatabase } from './db';
import { uniqueTaskQueue } from './temporal';

interface WorkerOpts {
  activityInterceptors?: ActivityInterceptorsFactory[];
  /** Poll as this Worker Deployment Version (Worker Versioning); unversioned when absent. */
  version?: WorkerDeploymentVersion;
}

export interface TrackerStack {
  env: Env;
  database: TestDatabase;
  mock: MockMarketplace;
  marketplaces: MarketplaceAdapters;
  taskQueue: string;
  /** Fresh workers (a worker runs once) polling while `fn` runs, stopped after it. */
  withWorkers<T>(fn: (workers: TrackerWorkers) => Promise<T>, opts?: WorkerOpts): Promise<T>;
  /** Fresh workers polling until `stop()` resolves (for runs where one set outlives another). */
  startWorkers(opts?: WorkerOpts): Promise<{ workers: TrackerWorkers; stop(): Promise<void> }>;
  close(): Promise<void>;
}

/** A catalog file in a temp folder, for tests that need their own events. */
export function writeEventsFile(csv: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-events-'));
  const file = path.join(dir, 'events.csv');
  writeFileSync(file, csv);
  return file;
}

export const EVENTS_HEADER =
  'Event Name,Venue,City,State,Country,Event Date (Local),Time Zone,viagogoID,Vivid Seats ID,SeatGeek ID,Ticketmaster ID,is_tracked';

/**
 * The product's real parts wired for a test: a fresh database, the mock marketplace over HTTP,
 * the real adapters pointed at it, and the real workers (main queue and one per marketplace)
 * on the given Temporal environment.
 */
export async function startTrackerStack(
  temporal: TestWorkflowEnvironment,
  opts: { eventsFile: string; marketplaces?: MarketplaceName[]; env?: Record<string, string>; layout?: StorageMode } = { eventsFile: '' },
): Promise<TrackerStack> {
  const database = await createTestDatabase({ poolMax: 10, layout: opts.layout });
  const mock = await startMockMarketplace({ port: 0, seed: 7, host: '127.0.0.1' });
  const env = parseEnv({
    MOCK_MARKETPLACE: 'true',
    EVENTS_FILE: opts.eventsFile,
    MARKETPLACES: (opts.marketplaces ?? MARKETPLACE_NAMES).join(','),
    LOG_LEVEL: 'error',
    WORKER_SHUTDOWN_GRACE_SECONDS: '2',
    ...opts.env,
  });
  const marketplaces = createMarketplaceAdapters(env, { mockUrl: mock.url });
  const taskQueue = uniqueTaskQueue('tracker');
  const stack: TrackerStack = {
    env,
    database,
    mock,
    marketplaces,
    taskQueue,
    async startWorkers(workerOpts) {
      const workers = await createWorkers({
        connection: temporal.nativeConnection,
        namespace: temporal.namespace ?? 'default',
        taskQueue,
        db: database.db,
        env,
        logger: createLogger('error'),
        adapters: adapterMap(marketplaces.adapters),
        activityInterceptors: workerOpts?.activityInterceptors,
        version: workerOpts?.version,
      });
      const running = workers.run();
      return {
        workers,
        async stop() {
          workers.shutdown();
          await running;
        },
      };
    },
    async withWorkers(fn, workerOpts) {
      const { workers, stop } = await stack.startWorkers(workerOpts);
      try {
        return await fn(workers);
      } finally {
        await stop();
      }
    },
    async close() {
      await marketplaces.close();
      await mock.close();
      await database.drop();
    },
  };
  return stack;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
