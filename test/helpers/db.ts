import { after as nodeAfter, before as nodeBefore, describe, it as nodeIt } from 'node:test';
import type { Db } from '../../src/db/pool';
import type { StorageMode } from '../../src/db/storage-mode';
import { createThrowawayDatabase } from './throwaway-database';
import { skipOrFail } from './skip';
import {
  ADMIN_URL_VAR,
  TIMESCALE_ADMIN_URL_VAR,
  TIMESCALE_SKIP_VAR,
  startPostgresForTests,
  startTimescaleForTests,
  type TestServer,
} from './infra';

export interface TestDatabase {
  url: string;
  db: Db;
  layout: StorageMode;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

type Server = { adminUrl: string } | { skipped: string };
const ownServers = new Map<StorageMode, Promise<Server>>();

/**
 * The admin URL of the cluster for `layout`: the run's (set by scripts/run-tests.ts), or, for a
 * file run on its own, one this process starts and stops when it is about to exit.
 */
async function serverFor(layout: StorageMode): Promise<Server> {
  if (layout === 'plain' && process.env[ADMIN_URL_VAR]) return { adminUrl: process.env[ADMIN_URL_VAR] };
  if (layout === 'timescaledb') {
    if (process.env[TIMESCALE_ADMIN_URL_VAR]) return { adminUrl: process.env[TIMESCALE_ADMIN_URL_VAR] };
    if (process.env[TIMESCALE_SKIP_VAR]) return { skipped: process.env[TIMESCALE_SKIP_VAR] };
  }
  let own = ownServers.get(layout);
  if (!own) {
    const started = layout === 'plain' ? startPostgresForTests() : startTimescaleForTests();
    own = started;
    ownServers.set(layout, own);
    process.once('beforeExit', () => void started.then((s) => ('stop' in s ? s.stop() : undefined)));
    // If the process ends without 'beforeExit' (process.exit), at least stop the server.
    let server: TestServer | undefined;
    void started.then(
      (s) => {
        server = 'stop' in s ? s : undefined;
        server?.unref();
      },
      () => undefined,
    );
    process.once('exit', () => server?.stopAtExit());
  }
  return own;
}

/** Why the TimescaleDB layout cannot be tested here, or null when it can. */
export async function timescaleSkipReason(): Promise<string | null> {
  const s = await serverFor('timescaledb');
  return 'skipped' in s ? s.skipped : null;
}

/**
 * A fresh database for one test file, migrated unless told not to; the file calls drop() in after().
 * Every test file gets its own, so files can run in parallel without seeing each other's rows.
 * `layout` picks the cluster: plain PostgreSQL (STORAGE_MODE=plain) or the TimescaleDB one, whose
 * policies are paused (unscheduled) so that no test depends on, or races with, background jobs.
 */
export async function createTestDatabase(opts: { migrate?: boolean; poolMax?: number; layout?: StorageMode } = {}): Promise<TestDatabase> {
  const layout = opts.layout ?? 'plain';
  const server = await serverFor(layout);
  if ('skipped' in server) throw new Error(`no TimescaleDB for this test: ${server.skipped}`);
  const migrated = opts.migrate !== false;
  const { url, db, drop } = await createThrowawayDatabase(server.adminUrl, {
    prefix: 'tt_test',
    layout: migrated ? layout : null,
    poolMax: opts.poolMax ?? 5,
  });
  if (migrated && layout === 'timescaledb') await pausePolicies(db);
  return { url, db, layout, drop };
}

/** Unschedules this database's policies (they run only through CALL run_job in tests). */
export async function pausePolicies(db: Db): Promise<void> {
  await db.query(`SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs WHERE job_id >= 1000`);
}

export const LAYOUTS: readonly StorageMode[] = ['plain', 'timescaledb'];

export interface LayoutSuite {
  layout: StorageMode;
  /** node:test's it/before/after, which skip (it) or do nothing (hooks) when the layout cannot be had. */
  it: (name: string, fn: () => Promise<void> | void) => void;
  before: (fn: () => Promise<void> | void) => void;
  after: (fn: () => Promise<void> | void) => void;
}

/**
 * Declares the same suite once per storage layout ("title [plain]", "title [timescaledb]"). Where
 * TimescaleDB cannot be had, that layout's tests are reported as skipped with the reason (failed
 * with it under CI=true, test/helpers/skip.ts).
 */
export function describeLayouts(title: string, body: (s: LayoutSuite) => void): void {
  for (const layout of LAYOUTS) {
    describe(`${title} [${layout}]`, () => {
      let skip: string | null = null;
      nodeBefore(async () => {
        if (layout === 'timescaledb') skip = await timescaleSkipReason();
      });
      body({
        layout,
        it: (name, fn) => {
          // The runner awaits the test it registers; nothing to await here.
          void nodeIt(name, async (t) => {
            if (skip !== null) return skipOrFail(t, skip);
            await fn();
          });
        },
        before: (fn) => nodeBefore(async () => (skip === null ? fn() : undefined)),
        after: (fn) => nodeAfter(async () => (skip === null ? fn() : undefined)),
      });
    });
  }
}
