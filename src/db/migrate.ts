import { MARKETPLACE_NAMES } from '../domain/listing';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from './pool';
import { fromRoot } from '../config/paths';
import { ensurePartitionsAround } from './partitions';
import {
  connectionConfigOf,
  decideStorageMode,
  recordStorageMode,
  recordedStorageMode,
  type StorageMode,
  type StorageModeSetting,
} from './storage-mode';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
  /**
   * Set for a migration that exists in two layouts (`NNN_name.plain.sql` and
   * `NNN_name.timescaledb.sql`): only the one of the database's storage mode is applied.
   */
  variant?: StorageMode;
}

export interface MigrateOptions {
  /** The STORAGE_MODE setting; `auto` (the default) uses TimescaleDB when it is usable. */
  storageMode?: StorageModeSetting;
  /** Clock for the partitions created ahead (tests). */
  now?: Date;
}

export interface MigrationStatus {
  version: number;
  name: string;
  state: 'applied' | 'pending' | 'changed';
  appliedAt: Date | null;
}

const FILE_PATTERN = /^(\d{3,})_([a-z0-9_]+)(?:\.(plain|timescaledb))?\.sql$/;
/** PostgreSQL's SQLSTATE for "deadlock detected". */
const DEADLOCK_DETECTED = '40P01';
/** How many times a migration that lost a deadlock is applied before the run fails. */
const MIGRATION_ATTEMPTS = 3;
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
      if (!m)
        throw new Error(`migration file name "${file}" must look like 001_name.sql (or 001_name.plain.sql + 001_name.timescaledb.sql)`);
      const sql = readFileSync(path.join(dir, file), 'utf8');
      const migration: Migration = {
        version: Number(m[1]),
        name: m[2] as string,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
      if (m[3]) migration.variant = m[3] as StorageMode;
      return migration;
    })
    .sort((a, b) => a.version - b.version || (a.variant ?? '').localeCompare(b.variant ?? ''));
  const byVersion = new Map<number, Migration[]>();
  for (const m of migrations) byVersion.set(m.version, [...(byVersion.get(m.version) ?? []), m]);
  for (const [version, group] of byVersion) {
    const variants = group
      .map((m) => m.variant ?? 'both')
      .sort()
      .join('+');
    if (group.length > 1 && variants !== 'plain+timescaledb') {
      throw new Error(
        `migration version ${version} must be one file, or exactly one .plain.sql and one .timescaledb.sql (found ${variants})`,
      );
    }
    if (group.length === 1 && group[0]!.variant)
      throw new Error(`migration ${version}_${group[0]!.name} has a .${group[0]!.variant}.sql file but no twin`);
  }
  return migrations;
}

/** The migrations that apply to a database in `mode`: shared files, plus that mode's variants. */
export function migrationsFor(mode: StorageMode, migrations: Migration[]): Migration[] {
  return migrations.filter((m) => !m.variant || m.variant === mode);
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
export async function migrate(db: Db, all = loadMigrations(), opts: MigrateOptions = {}): Promise<Migration[]> {
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [ADVISORY_LOCK_KEY]);
    try {
      await client.query(CREATE_TABLE);
      // The storage layout is decided before the first variant migration and never changes after.
      const decision = await decideStorageMode(client, connectionConfigOf(db), opts.storageMode ?? 'auto');
      if (!decision.recorded) await recordStorageMode(client, decision);
      const migrations = migrationsFor(decision.mode, all);
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
        for (let attempt = 1; ; attempt++) {
          await client.query('BEGIN');
          try {
            await client.query(m.sql);
            await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
              m.version,
              m.name,
              m.checksum,
            ]);
            await client.query('COMMIT');
            break;
          } catch (err) {
            await client.query('ROLLBACK').catch(() => undefined);
            // A deadlock with a TimescaleDB background job (a policy touching the tables a migration
            // alters, seen with 040 on a fresh database) rolls the whole migration back: it is
            // applied again from the start, a few times, before the run gives up.
            if ((err as { code?: unknown }).code === DEADLOCK_DETECTED && attempt < MIGRATION_ATTEMPTS) {
              await new Promise((r) => setTimeout(r, 200 * attempt));
              continue;
            }
            throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`, { cause: err });
          }
        }
        done.push(m);
      }
      // The marketplaces the code knows (the registry), which event_sources and scrapes reference.
      if ((await client.query(`SELECT to_regclass('marketplaces') IS NOT NULL AS ok`)).rows[0]?.ok) {
        await client.query('INSERT INTO marketplaces (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [[...MARKETPLACE_NAMES]]);
      }
      // Storage-mode step: in plain mode the application owns the partitions, created ahead of time.
      if (decision.mode === 'plain' && (await client.query(`SELECT to_regclass('listings') IS NOT NULL AS ok`)).rows[0]?.ok) {
        await ensurePartitionsAround(client, opts.now ?? new Date());
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

export async function migrationStatus(db: Db, all = loadMigrations()): Promise<MigrationStatus[]> {
  // Before the first migrate no mode is recorded: the plain files stand for both layouts.
  const mode = (await recordedStorageMode(db))?.mode ?? 'plain';
  const migrations = migrationsFor(mode, all);
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
