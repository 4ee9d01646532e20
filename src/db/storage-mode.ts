import pg from 'pg';
import type { Db } from './pool';

/**
 * Which layout the time series uses. Decided once per database (on its first migration) and
 * recorded in storage_settings, because the two layouts cannot be swapped under existing data.
 */
export type StorageMode = 'plain' | 'timescaledb';
/** The STORAGE_MODE setting: `auto` uses TimescaleDB when it is usable, `plain` never does. */
export type StorageModeSetting = 'auto' | 'plain';

export interface StorageDecision {
  mode: StorageMode;
  reason: string;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

export const CREATE_SETTINGS_TABLE = `
  CREATE TABLE IF NOT EXISTS storage_settings (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    mode text NOT NULL CHECK (mode IN ('plain', 'timescaledb')),
    reason text NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now()
  )`;

export async function recordedStorageMode(client: Queryable): Promise<(StorageDecision & { decidedAt: Date }) | null> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('storage_settings')::text AS t`);
  if (!exists.rows[0]?.t) return null;
  const res = await client.query<{ mode: StorageMode; reason: string; decided_at: Date }>(
    'SELECT mode, reason, decided_at FROM storage_settings',
  );
  const row = res.rows[0];
  return row ? { mode: row.mode, reason: row.reason, decidedAt: row.decided_at } : null;
}

/**
 * Looks for a usable TimescaleDB. `CREATE EXTENSION timescaledb` on a server that does not
 * preload the library raises FATAL and kills the connection, so the attempt runs on a throwaway
 * client, never on a pooled one. The Apache edition lacks compression and policies (and
 * continuous aggregates, which the layout no longer uses since migration 040), so only the Timescale-licensed edition selects the TimescaleDB layout.
 */
export async function detectTimescale(client: Queryable, connectionConfig: pg.ClientConfig): Promise<StorageDecision> {
  const installed = await client.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`);
  if (installed.rowCount === 0) {
    const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
    if (available.rowCount === 0) return { mode: 'plain', reason: 'TimescaleDB is not available on this server' };
    const probe = new pg.Client(connectionConfig);
    // A FATAL from the server surfaces as an 'error' event on the client: keep it from crashing the process.
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    } catch (err) {
      return { mode: 'plain', reason: `TimescaleDB is available but could not be enabled: ${(err as Error).message}` };
    } finally {
      await probe.end().catch(() => undefined);
    }
  }
  const license = await client.query<{ license: string | null }>(`SELECT current_setting('timescaledb.license', true) AS license`);
  const edition = license.rows[0]?.license ?? null;
  if (edition !== 'timescale') {
    return { mode: 'plain', reason: `TimescaleDB edition "${edition ?? 'unknown'}" lacks compression and policies` };
  }
  return { mode: 'timescaledb', reason: 'TimescaleDB (Timescale license) detected' };
}

/**
 * The mode to use: the recorded one when the database already has a layout (a setting that
 * contradicts it is an error, not a silent conversion), else what the setting and the server allow.
 */
export async function decideStorageMode(
  client: Queryable,
  connectionConfig: pg.ClientConfig,
  setting: StorageModeSetting,
): Promise<StorageDecision & { recorded: boolean }> {
  const recorded = await recordedStorageMode(client);
  if (recorded) {
    if (setting === 'plain' && recorded.mode === 'timescaledb') {
      throw new Error(
        'STORAGE_MODE=plain, but this database was set up with the TimescaleDB layout; the layouts cannot be converted in place',
      );
    }
    return { mode: recorded.mode, reason: recorded.reason, recorded: true };
  }
  const decision =
    setting === 'plain'
      ? { mode: 'plain' as const, reason: 'forced by STORAGE_MODE=plain' }
      : await detectTimescale(client, connectionConfig);
  return { ...decision, recorded: false };
}

export async function recordStorageMode(client: Queryable, decision: StorageDecision): Promise<void> {
  await client.query(CREATE_SETTINGS_TABLE);
  await client.query('INSERT INTO storage_settings (mode, reason) VALUES ($1, $2) ON CONFLICT (singleton) DO NOTHING', [
    decision.mode,
    decision.reason,
  ]);
}

/** The recorded mode of a migrated database (plain when none is recorded yet). */
export async function storageModeOf(db: Db): Promise<StorageMode> {
  return (await recordedStorageMode(db))?.mode ?? 'plain';
}

/** Connection settings of a pool, for the throwaway probe client. */
export function connectionConfigOf(db: Db): pg.ClientConfig {
  const o = db.options;
  return {
    connectionString: o.connectionString,
    host: o.host,
    port: o.port,
    user: o.user,
    password: o.password,
    database: o.database,
    ssl: o.ssl,
    application_name: 'ticket-tracker-probe',
  };
}
