import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, type Db } from '../../src/db/pool';
import { migrate } from '../../src/db/migrate';
import { ADMIN_URL_VAR, startPostgresForTests } from './infra';

export interface TestDatabase {
  url: string;
  db: Db;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

let ownServer: Promise<{ adminUrl: string; stop(): Promise<void> }> | undefined;

async function adminUrl(): Promise<string> {
  const shared = process.env[ADMIN_URL_VAR];
  if (shared) return shared;
  if (!ownServer) {
    // Run on its own (not through `npm test`): this file's process starts its own server and
    // stops it when the process is about to exit.
    ownServer = startPostgresForTests();
    const server = ownServer;
    process.once('beforeExit', () => void server.then((s) => s.stop()));
  }
  return (await ownServer).adminUrl;
}

/**
 * A fresh database for one test file, migrated unless told not to; the file calls drop() in after().
 * Every test file gets its own, so files can run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(opts: { migrate?: boolean; poolMax?: number } = {}): Promise<TestDatabase> {
  const admin = await adminUrl();
  const name = `tt_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = '/' + name;
  const url = u.toString();
  const db = createPool(url, opts.poolMax ?? 5);
  if (opts.migrate !== false) await migrate(db);
  const drop = async (): Promise<void> => {
    await db.end();
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  return { url, db, drop };
}
