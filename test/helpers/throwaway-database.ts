import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/db/migrate';
import { createPool, type Db } from '../../src/db/pool';
import { storageModeOf, type StorageMode } from '../../src/db/storage-mode';

/** A database made for one test file or one benchmark, on a cluster it does not own. */
export interface ThrowawayDatabase {
  /** Its own name (`<prefix>_<random hex>`) and connection URL (the admin URL with that database). */
  name: string;
  url: string;
  db: Db;
  /** Closes the pool and drops the database (WITH FORCE, so leftover connections do not block it). */
  drop(): Promise<void>;
}

/**
 * Creates a fresh database on the cluster at `adminUrl`, the one helper shared by tests
 * (test/helpers/db.ts) and benchmarks (bench/). `layout` migrates it for that storage layout and
 * checks the migration chose it; `layout: null` leaves it empty. The name is random, so any
 * number of files and runs can share a cluster without seeing each other's rows.
 */
export async function createThrowawayDatabase(
  adminUrl: string,
  opts: { prefix: string; layout: StorageMode | null; poolMax?: number },
): Promise<ThrowawayDatabase> {
  const name = `${opts.prefix}_${randomBytes(6).toString('hex')}`;
  await onAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(adminUrl);
  u.pathname = '/' + name;
  const url = u.toString();
  const db = createPool(url, opts.poolMax ?? 5);
  const drop = async (): Promise<void> => {
    await db.end().catch(() => undefined);
    await onAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  };
  try {
    if (opts.layout) {
      await migrate(db, undefined, { storageMode: opts.layout === 'plain' ? 'plain' : 'auto' });
      const mode = await storageModeOf(db);
      if (mode !== opts.layout) throw new Error(`database ${name} was meant for the ${opts.layout} layout but migrated as ${mode}`);
    }
  } catch (err) {
    await drop().catch(() => undefined);
    throw err;
  }
  return { name, url, db, drop };
}

async function onAdmin(adminUrl: string, fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await fn(c);
  } finally {
    await c.end();
  }
}
