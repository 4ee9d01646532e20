import { withTransaction, type Db } from '../../db/pool';
import type { ParsedCatalog } from '../parse/parsed';
import type { CatalogReader } from '../read/reader';
import { planSync, type SyncReport } from './plan';
import { applyPlan, loadEvents } from './write';

/**
 * Catalog -> database. One transaction per sync, under an advisory lock (the CLI and the
 * tracker loop may sync at once), so a sync lands whole or not at all; a source that cannot
 * be read throws before anything is written.
 *
 * Identity: a row is the event that holds any of its marketplace ids. So a renamed event, a
 * postponed one, or one that gains an id keeps its history. A new event's `catalog_key` is
 * "<marketplace>:<id>" of its first marketplace id (StubHub, Vivid Seats, SeatGeek,
 * Ticketmaster order) and is never rewritten afterwards.
 *
 * Cells, not rows: a cell that could not be read (a spreadsheet error such as #N/A, a bad id)
 * leaves that field of the event as stored, and a row whose id cells were all unreadable is
 * recognised by its name, venue and start. When such a row matches no event, no event is
 * flagged as missing in that sync: an unreadable id never makes an event look removed.
 *
 * Tracking: a row marked not tracked stops its event being due (its data is kept); a new row
 * that is not tracked is not imported. An event whose row is gone from the catalog is only
 * flagged (in_catalog = false): `cleanupUntracked` is what stops or deletes it.
 *
 * Two steps inside the transaction: plan.ts decides what changes (pure), write.ts writes it.
 */

export type { SyncReport } from './plan';

// "tt-catalog" as a number; any fixed key works, this one is recognisable in pg_locks.
const SYNC_LOCK_KEY = '7483701281849036';

/** Reads the catalog (when given a reader) and applies it. See SyncReport for what comes back. */
export async function syncEvents(
  db: Db,
  reader: CatalogReader | ParsedCatalog,
  opts: { onProgress?: (p: SyncProgress) => void } = {},
): Promise<SyncReport> {
  const progress = opts.onProgress ?? (() => undefined);
  progress({ stage: 'reading' });
  const catalog = 'read' in reader ? await reader.read() : reader;
  return withTransaction(db, async (client) => {
    progress({ stage: 'comparing', rows: catalog.rows.length });
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [SYNC_LOCK_KEY]);
    const stored = await loadEvents(client);
    const plan = planSync(catalog, stored);
    progress({ stage: 'writing', rows: catalog.rows.length, added: plan.inserts.length, updated: plan.updates.length });
    await applyPlan(client, plan, new Set(stored.map((e) => e.catalog_key)));
    return plan.report;
  });
}

/** Where a sync is: reading the catalog, comparing its rows with the database, writing the changes. */
export type SyncProgress =
  { stage: 'reading' } | { stage: 'comparing'; rows: number } | { stage: 'writing'; rows: number; added: number; updated: number };

/** One line of a sync's progress. */
export function syncProgressLine(p: SyncProgress): string {
  if (p.stage === 'reading') return 'events sync: reading the catalog';
  if (p.stage === 'comparing') return `events sync: ${p.rows} rows read, comparing with the database`;
  return `events sync: ${p.rows} rows read, writing ${p.added} new and ${p.updated} changed events`;
}
