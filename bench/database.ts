import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadEnv } from '../src/config';
import type { Db } from '../src/db/pool';
import { startEmbeddedPostgres } from '../src/embedded/postgres';
import { findTimescaleBinDir, startTimescaleCluster, TIMESCALE_TEST_URL_VAR } from '../src/embedded/timescale';
import type { StorageMode } from '../src/db/storage-mode';
import { stopIfInterrupted, type Figures, type LayoutFigure } from './harness';
import { freePort } from '../src/embedded/ports';
import { createThrowawayDatabase } from '../test/helpers/throwaway-database';

/**
 * A database made for one benchmark run and dropped after it: a new database on DATABASE_URL's
 * server when set, else an embedded PostgreSQL on a free port in a temp folder. That throwaway
 * cluster does not fsync: the benchmarks compare software paths side by side, and a commit's
 * wait for this shared, noisy disk would swamp them (a sequential caller waits for every flush;
 * the worker, persisting many scrapes at once, shares flushes between them). The product's own
 * cluster is durable; `npm run bench` with DATABASE_URL measures against a server of your choice.
 * The TimescaleDB layout runs on TIMESCALE_TEST_URL's server, else on a throwaway cluster of the
 * machine's PostgreSQL with TimescaleDB (as the tests do).
 */
export async function withBenchDatabase<T>(
  fn: (db: Db, info: { server: string }) => Promise<T>,
  layout: StorageMode = 'plain',
): Promise<T> {
  const env = loadEnv();
  let adminUrl: string;
  let stopServer = async (): Promise<void> => undefined;
  let server: string;
  if (layout === 'timescaledb') {
    const url = process.env[TIMESCALE_TEST_URL_VAR];
    const found = url ? null : findTimescaleBinDir();
    if (url) {
      adminUrl = url;
      server = TIMESCALE_TEST_URL_VAR;
    } else if (found && 'binDir' in found) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-tsdb-'));
      chmodSync(dir, 0o755);
      const handle = await startTimescaleCluster(found.binDir, path.join(dir, 'data'));
      const version = await serverVersion(handle.adminUrl);
      adminUrl = handle.adminUrl;
      server = `${found.binDir} ${version} (fsync off)`;
      stopServer = async () => {
        await handle.stop();
        rmSync(dir, { recursive: true, force: true });
      };
    } else {
      throw new LayoutUnavailable(found && 'reason' in found ? found.reason : 'no TimescaleDB');
    }
  } else if (env.DATABASE_URL) {
    adminUrl = env.DATABASE_URL;
    server = 'DATABASE_URL';
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-pg-'));
    chmodSync(dir, 0o755);
    const handle = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), port: await freePort(), durable: false });
    adminUrl = handle.adminUrl;
    server = 'embedded (fsync off)';
    stopServer = async () => {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  // Ctrl-C: the cluster and its directory go too (bench/harness.ts exitOnSignals).
  const unregister = stopIfInterrupted(stopServer);
  try {
    const database = await createThrowawayDatabase(adminUrl, { prefix: 'tt_bench', layout, poolMax: 4 });
    const unregisterDrop = stopIfInterrupted(() => database.drop());
    try {
      return await fn(database.db, { server });
    } finally {
      unregisterDrop();
      await database.drop().catch(() => undefined);
    }
  } finally {
    unregister();
    await stopServer();
  }
}

/** The layout cannot be benchmarked here (no TimescaleDB); the reason is reported beside the figures. */
export class LayoutUnavailable extends Error {
  override name = 'LayoutUnavailable';
}

async function serverVersion(adminUrl: string): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return (await c.query<{ v: string }>(`SELECT 'PostgreSQL ' || current_setting('server_version') AS v`)).rows[0]!.v;
  } finally {
    await c.end();
  }
}

/**
 * Runs a benchmark once per storage layout, one after the other, and sets the figures side by side
 * (figure -> { plain, timescaledb }). A layout that cannot be had gets its reason instead.
 */
export async function forEachLayout(fn: (db: Db, info: { server: string }) => Promise<Figures>): Promise<Figures> {
  const byLayout: Partial<Record<StorageMode, Figures>> = {};
  const unavailable: Partial<Record<StorageMode, string>> = {};
  for (const layout of ['plain', 'timescaledb'] as const) {
    try {
      byLayout[layout] = await withBenchDatabase(fn, layout);
    } catch (err) {
      if (!(err instanceof LayoutUnavailable)) throw err;
      unavailable[layout] = err.message;
    }
  }
  const keys = [...new Set([...Object.keys(byLayout.plain ?? {}), ...Object.keys(byLayout.timescaledb ?? {})])];
  const out: Figures = {};
  for (const k of keys) {
    const cell = (l: StorageMode): number | string | null => {
      const v = byLayout[l]?.[k];
      return v === undefined || typeof v === 'object' ? (unavailable[l] !== undefined ? 'n/a' : null) : v;
    };
    out[k] = { plain: cell('plain'), timescaledb: cell('timescaledb') } satisfies LayoutFigure;
  }
  for (const [layout, reason] of Object.entries(unavailable)) out[`${layout}_unavailable`] = reason;
  return out;
}
