import type pg from 'pg';
import { withTransaction, type Db } from '../db/pool';

/**
 * Cleanup of events the catalog no longer tracks: those whose row says not tracked, and those
 * whose row is gone from the catalog.
 *
 *   dry-run  changes nothing; lists each such event and what --apply would do to it
 *   apply    marks the ones still tracked as untracked (no longer scraped); keeps all their data
 *   delete   deletes every such event with all its data (every table with an event_id column)
 */
export type CleanupMode = 'dry-run' | 'apply' | 'delete';

export interface CleanupCandidate {
  id: number;
  name: string;
  startsAt: string | null;
  tracked: boolean;
  inCatalog: boolean;
  reason: string;
  /** What happened (apply, delete) or would happen with --apply (dry-run). */
  action: 'mark untracked' | 'marked untracked' | 'already untracked' | 'deleted';
}

export interface CleanupReport {
  mode: CleanupMode;
  events: CleanupCandidate[];
  /** Events --apply marks (dry-run) or marked (apply). */
  toMark: number;
  /** Events --delete --yes deletes (dry-run, apply) or deleted (delete). */
  toDelete: number;
  /** delete only: rows removed per table, events included. */
  deletedRows?: Record<string, number>;
}

// Same key as the sync: a cleanup never interleaves with a sync.
const SYNC_LOCK_KEY = '7483701281849036';

export async function cleanupUntracked(db: Db, mode: CleanupMode): Promise<CleanupReport> {
  return withTransaction(db, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [SYNC_LOCK_KEY]);
    const res = await client.query<{
      id: string;
      name: string;
      starts_at: Date | null;
      tracked: boolean;
      in_catalog: boolean;
      left_catalog_at: Date | null;
    }>(
      `SELECT id::text AS id, name, starts_at, tracked, in_catalog, left_catalog_at
         FROM events WHERE NOT tracked OR NOT in_catalog ORDER BY starts_at NULLS LAST, id FOR UPDATE`,
    );
    const events: CleanupCandidate[] = res.rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      startsAt: r.starts_at?.toISOString() ?? null,
      tracked: r.tracked,
      inCatalog: r.in_catalog,
      reason: r.in_catalog
        ? 'marked not tracked in the catalog'
        : `no longer in the catalog${r.left_catalog_at ? ` (since ${r.left_catalog_at.toISOString()})` : ''}`,
      action: r.tracked ? 'mark untracked' : 'already untracked',
    }));
    const toMark = events.filter((e) => e.tracked).length;
    const report: CleanupReport = { mode, events, toMark, toDelete: events.length };
    if (mode === 'apply') {
      const ids = events.filter((e) => e.tracked).map((e) => e.id);
      await client.query(`UPDATE events SET tracked = false, updated_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
      for (const e of events) if (e.tracked) e.action = 'marked untracked';
    } else if (mode === 'delete') {
      report.deletedRows = await deleteWithData(
        client,
        events.map((e) => e.id),
      );
      for (const e of events) e.action = 'deleted';
    }
    return report;
  });
}

/**
 * Deletes events and every row about them. Tables are found by their `event_id` column, so
 * whatever other parts of the product keep per event goes too, foreign key or not (hypertables
 * and archives may have none). A table whose rows another still references waits for a later pass.
 */
async function deleteWithData(client: pg.PoolClient, ids: number[]): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  if (ids.length === 0) return deleted;
  const tables = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.attname = 'event_id' AND NOT a.attisdropped AND a.atttypid IN ('bigint'::regtype, 'integer'::regtype)
        AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND n.nspname NOT LIKE '\\_timescaledb%' AND n.nspname NOT LIKE 'timescaledb\\_%'
      ORDER BY 1, 2`,
  );
  let pending = tables.rows.map((t) => `${client.escapeIdentifier(t.schema)}.${client.escapeIdentifier(t.name)}`);
  while (pending.length > 0) {
    const blocked: string[] = [];
    for (const table of pending) {
      await client.query('SAVEPOINT cleanup_table');
      try {
        const r = await client.query(`DELETE FROM ${table} WHERE event_id = ANY($1::bigint[])`, [ids]);
        await client.query('RELEASE SAVEPOINT cleanup_table');
        const label = table.replace(/"/g, '').replace(/^public\./, '');
        deleted[label] = (deleted[label] ?? 0) + (r.rowCount ?? 0);
      } catch (err) {
        await client.query('ROLLBACK TO SAVEPOINT cleanup_table');
        if ((err as { code?: string }).code !== '23503') throw err; // only a foreign key may make us wait
        blocked.push(table);
      }
    }
    if (blocked.length === pending.length) {
      throw new Error(`cannot delete the rows of ${blocked.join(', ')}: other rows still reference them`);
    }
    pending = blocked;
  }
  const ev = await client.query(`DELETE FROM events WHERE id = ANY($1::bigint[])`, [ids]);
  deleted.events = ev.rowCount ?? 0;
  return deleted;
}
