import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './pool';
import { fromRoot } from '../tools/paths';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationStatus {
  version: number;
  name: string;
  state: 'applied' | 'pending' | 'changed';
  appliedAt: Date | null;
}

const FILE_PATTERN = /^(\d{3,})_([a-z0-9_]+)\.sql$/;
// Any fixed 64-bit key works; this one is "tickettr" in ASCII, so it is recognisable in pg_locks.
const ADVISORY_LOCK_KEY = '8387236541925320050';

export function migrationsDir(): string {
  return fromRoot('migrations');
}

export function loadMigrations(dir = migrationsDir()): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const m = FILE_PATTERN.exec(file);
      if (!m) throw new Error(`migration file name "${file}" must look like 001_name.sql`);
      const sql = readFileSync(path.join(dir, file), 'utf8');
      return { version: Number(m[1]), name: m[2] as string, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    })
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new Error(`two migrations share version ${migrations[i]!.version}`);
    }
  }
  return migrations;
}

const CREATE_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

/**
 * Applies pending migrations, each in its own transaction, under a session advisory lock so
 * two processes starting at once apply each migration exactly once. A migration whose file
 * changed after it was applied stops the run: the database and the code disagree.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<Migration[]> {
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [ADVISORY_LOCK_KEY]);
    try {
      await client.query(CREATE_TABLE);
      const applied = await appliedMigrations(client);
      const done: Migration[] = [];
      for (const m of migrations) {
        const prior = applied.get(m.version);
        if (prior) {
          if (prior.checksum !== m.checksum) {
            throw new Error(
              `migration ${m.version}_${m.name} was changed after it was applied (checksum differs); add a new migration instead`,
            );
          }
          continue;
        }
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`, { cause: err });
        }
        done.push(m);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [ADVISORY_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

async function appliedMigrations(client: { query: Db['query'] }): Promise<Map<number, { checksum: string; applied_at: Date }>> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  if (!exists.rows[0]?.t) return new Map();
  const res = await client.query<{ version: number; checksum: string; applied_at: Date }>(
    'SELECT version, checksum, applied_at FROM schema_migrations',
  );
  return new Map(res.rows.map((r) => [r.version, r]));
}

export async function migrationStatus(db: Db, migrations = loadMigrations()): Promise<MigrationStatus[]> {
  const applied = await appliedMigrations(db);
  return migrations.map((m) => {
    const prior = applied.get(m.version);
    return {
      version: m.version,
      name: m.name,
      state: !prior ? 'pending' : prior.checksum === m.checksum ? 'applied' : 'changed',
      appliedAt: prior?.applied_at ?? null,
    };
  });
}
