import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadEnv } from '../src/config';
import { migrate } from '../src/db/migrate';
import { createPool, type Db } from '../src/db/pool';
import { startEmbeddedPostgres } from '../src/embedded/postgres';
import { freePort } from '../src/embedded/ports';

/**
 * A database made for one benchmark run and dropped after it: a new database on DATABASE_URL's
 * server when set, else an embedded PostgreSQL on a free port in a temp folder. That throwaway
 * cluster does not fsync: the benchmarks compare software paths side by side, and a commit's
 * wait for this shared, noisy disk would swamp them (a sequential caller waits for every flush;
 * the worker, persisting many scrapes at once, shares flushes between them). The product's own
 * cluster is durable; `npm run bench` with DATABASE_URL measures against a server of your choice.
 */
export async function withBenchDatabase<T>(fn: (db: Db, info: { server: string }) => Promise<T>): Promise<T> {
  const env = loadEnv();
  let adminUrl: string;
  let stopServer = async (): Promise<void> => undefined;
  let server: string;
  if (env.DATABASE_URL) {
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
  const name = `tt_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = '/' + name;
  const db = createPool(url.toString(), 4);
  try {
    await migrate(db, undefined, { storageMode: env.STORAGE_MODE });
    return await fn(db, { server });
  } finally {
    await db.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await stopServer();
  }
}
