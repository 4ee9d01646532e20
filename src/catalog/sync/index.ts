import type pg from 'pg';
import { withTransaction, type Db } from '../../db/pool';
import { identityOf } from '../parse/catalog';
import { MARKETPLACE_LABELS } from '../../marketplaces/registry';
import type { CatalogRow, CellNote, DuplicateRow, ParsedCatalog } from '../parse/parsed';
import type { DateOrderDecision } from '../parse/date-order';
import type { MarketplaceName } from '../../domain/listing';
import type { CatalogReader } from '../read/reader';
import type { EventColumns } from '../lifecycle';

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
 */
export interface SyncReport {
  origin: string;
  /** Rows with content (blank rows excluded). */
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Rows marked not tracked: their events, if any, are untracked; new ones are not imported. */
  untracked: number;
  invalid: { row: number; reason: string }[];
  duplicates: DuplicateRow[];
  /** Cells not used as written (the rest of their rows was), and ids read from links. */
  cells: CellNote[];
  /** The order numeric dates were read in, when the source has any. */
  dateOrder?: DateOrderDecision;
  /** How the source was read (encoding, delimiter). */
  notes: string[];
  blank: number;
  /** Headers that name no known column (typos show up here). */
  ignoredColumns: string[];
  /** Tracked events whose row is no longer in the catalog (see `events cleanup-untracked`). */
  missingFromCatalog: number;
  /** True when rows with unreadable ids matched no event, so no event was flagged as missing. */
  removalCheckSkipped: boolean;
}

// "tt-catalog" as a number; any fixed key works, this one is recognisable in pg_locks.
const SYNC_LOCK_KEY = '7483701281849036';

interface StoredEvent extends EventColumns {
  marketplaceIds: { m: MarketplaceName; id: string }[];
}

interface Plan {
  inserts: CatalogRow[];
  updates: { id: string; row: CatalogRow }[];
  marketplaceIdDeletes: { eventId: string; marketplace: MarketplaceName }[];
  marketplaceIdInserts: { eventId: string; marketplace: MarketplaceName; marketplaceEventId: string }[];
  seen: Set<string>;
  /** False when a row's event could not be told (unreadable ids): then nobody is flagged missing. */
  flagMissing: boolean;
  report: SyncReport;
}

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

async function loadEvents(client: pg.PoolClient): Promise<StoredEvent[]> {
  const res = await client.query<StoredEvent>(
    `SELECT e.id::text AS id, e.catalog_key, e.name, e.venue, e.city, e.state, e.country, e.starts_at, e.start_precision, e.timezone,
            e.category, e.capacity, e.tracked, e.in_catalog,
            coalesce(json_agg(json_build_object('m', s.marketplace, 'id', s.marketplace_event_id)) FILTER (WHERE s.event_id IS NOT NULL), '[]') AS "marketplaceIds"
       FROM events e LEFT JOIN event_sources s ON s.event_id = e.id
      GROUP BY e.id`,
  );
  return res.rows;
}

function planSync(catalog: ParsedCatalog, stored: StoredEvent[]): Plan {
  const report: SyncReport = {
    origin: catalog.origin,
    rows: catalog.rows.length + catalog.invalid.length + catalog.duplicates.length,
    added: 0,
    updated: 0,
    unchanged: 0,
    untracked: 0,
    invalid: catalog.invalid.map(({ row, reason }) => ({ row, reason })),
    duplicates: [...catalog.duplicates],
    cells: [...catalog.cells],
    ...(catalog.dateOrder ? { dateOrder: catalog.dateOrder } : {}),
    notes: [...catalog.notes],
    blank: catalog.blank,
    ignoredColumns: catalog.ignoredColumns,
    missingFromCatalog: 0,
    removalCheckSkipped: false,
  };
  const plan: Plan = {
    inserts: [],
    updates: [],
    marketplaceIdDeletes: [],
    marketplaceIdInserts: [],
    seen: new Set(),
    flagMissing: true,
    report,
  };
  const bySource = new Map<string, StoredEvent>();
  for (const e of stored) for (const s of e.marketplaceIds) bySource.set(`${s.m}:${s.id}`, e);
  const byIdentity = new Map<string, StoredEvent[]>();
  for (const e of stored) {
    const key = identityOf({ name: e.name, venue: e.venue, startsAt: e.starts_at });
    byIdentity.set(key, [...(byIdentity.get(key) ?? []), e]);
  }
  const claimedBy = new Map<string, number>(); // event id -> row that claimed it

  // An invalid row still names its event: it stays "in the catalog" (and unchanged).
  for (const bad of catalog.invalid) {
    if (bad.unreadableIds) plan.flagMissing = false;
    for (const s of bad.marketplaceIds) {
      const e = bySource.get(`${s.marketplace}:${s.marketplaceEventId}`);
      if (e) plan.seen.add(e.id);
    }
  }

  for (const row of catalog.rows) {
    if (row.marketplaceIds.length === 0) {
      // Every id cell of the row was unreadable: the row is known by name, venue and start.
      const candidates = row.keep.includes('name') || row.keep.includes('startsAt') ? [] : (byIdentity.get(identityOf(row)) ?? []);
      if (candidates.length !== 1) {
        plan.flagMissing = false;
        report.invalid.push({
          row: row.rowNumber,
          reason: `no readable marketplace id, and ${candidates.length === 0 ? 'no stored event has' : `${candidates.length} stored events have`} its name, venue and start: fix the id cells (no event is flagged as missing from the catalog in this sync)`,
        });
        continue;
      }
      const event = candidates[0]!;
      if (claimedBy.has(event.id)) {
        report.duplicates.push({
          row: row.rowNumber,
          firstRow: claimedBy.get(event.id)!,
          reason: `is the same event (#${event.id}) as row ${claimedBy.get(event.id)!}`,
        });
        continue;
      }
      claimedBy.set(event.id, row.rowNumber);
      plan.seen.add(event.id);
      const effective = withKeptFields(row, event);
      const fieldsChanged = !sameFields(event, effective);
      if (fieldsChanged) plan.updates.push({ id: event.id, row: effective });
      if (!effective.tracked) report.untracked++;
      else if (fieldsChanged || !event.in_catalog) report.updated++;
      else report.unchanged++;
      continue;
    }
    const matches = new Map<string, { event: StoredEvent; via: string[] }>();
    for (const s of row.marketplaceIds) {
      const e = bySource.get(`${s.marketplace}:${s.marketplaceEventId}`);
      if (!e) continue;
      const m = matches.get(e.id) ?? { event: e, via: [] };
      m.via.push(`${MARKETPLACE_LABELS[s.marketplace]} ${s.marketplaceEventId}`);
      matches.set(e.id, m);
    }
    if (matches.size > 1) {
      const which = [...matches.values()].map((m) => `${m.via.join(', ')} -> event #${m.event.id} "${m.event.name}"`).join('; ');
      report.invalid.push({
        row: row.rowNumber,
        reason: `its marketplace ids belong to different events (${which}): correct the ids, or delete one of the events`,
      });
      for (const id of matches.keys()) plan.seen.add(id);
      continue;
    }
    const event = [...matches.values()][0]?.event;
    if (!event) {
      const missing = row.keep.filter((f) => f === 'name' || f === 'startsAt' || f === 'tracked');
      if (missing.length > 0) {
        report.invalid.push({
          row: row.rowNumber,
          reason: `a new event, but its ${missing.map((f) => (f === 'startsAt' ? 'start' : f === 'tracked' ? 'tracked flag' : 'name')).join(' and ')} could not be read (see the cells reported)`,
        });
        continue;
      }
      if (row.tracked) {
        plan.inserts.push(row);
        report.added++;
      } else {
        report.untracked++;
      }
      continue;
    }
    const first = claimedBy.get(event.id);
    if (first !== undefined) {
      report.duplicates.push({ row: row.rowNumber, firstRow: first, reason: `is the same event (#${event.id}) as row ${first}` });
      continue;
    }
    claimedBy.set(event.id, row.rowNumber);
    plan.seen.add(event.id);

    const have = new Map(event.marketplaceIds.map((s) => [s.m, s.id] as const));
    const want = new Map(row.marketplaceIds.map((s) => [s.marketplace, s.marketplaceEventId] as const));
    let marketplaceIdsChanged = false;
    const effective = withKeptFields(row, event);
    for (const [m, id] of have) {
      // An unreadable id cell leaves the stored id as it is.
      if (row.keep.includes(m)) continue;
      if (want.get(m) !== id) {
        plan.marketplaceIdDeletes.push({ eventId: event.id, marketplace: m });
        marketplaceIdsChanged = true;
      }
    }
    for (const [m, id] of want) {
      if (have.get(m) !== id) {
        plan.marketplaceIdInserts.push({ eventId: event.id, marketplace: m, marketplaceEventId: id });
        marketplaceIdsChanged = true;
      }
    }
    const fieldsChanged = !sameFields(event, effective);
    if (fieldsChanged) plan.updates.push({ id: event.id, row: effective });
    if (!effective.tracked) report.untracked++;
    else if (fieldsChanged || marketplaceIdsChanged || !event.in_catalog) report.updated++;
    else report.unchanged++;
  }
  report.removalCheckSkipped = !plan.flagMissing;
  report.invalid.sort((a, b) => a.row - b.row);
  report.duplicates.sort((a, b) => a.row - b.row);
  return plan;
}

/** The row with its unreadable fields replaced by what the event has stored. */
function withKeptFields(row: CatalogRow, e: StoredEvent): CatalogRow {
  if (row.keep.length === 0) return row;
  const kept = new Set(row.keep);
  return {
    ...row,
    name: kept.has('name') ? e.name : row.name,
    venue: kept.has('venue') ? e.venue : row.venue,
    city: kept.has('city') ? e.city : row.city,
    state: kept.has('state') ? e.state : row.state,
    country: kept.has('country') ? e.country : row.country,
    category: kept.has('category') ? e.category : row.category,
    capacity: kept.has('capacity') ? e.capacity : row.capacity,
    tracked: kept.has('tracked') ? e.tracked : row.tracked,
    ...(kept.has('startsAt') ? { startsAt: e.starts_at, startPrecision: e.start_precision, timezone: e.timezone ?? row.timezone } : {}),
  };
}

function sameFields(e: StoredEvent, r: CatalogRow): boolean {
  return (
    e.name === r.name &&
    e.venue === r.venue &&
    e.city === r.city &&
    e.state === r.state &&
    e.country === r.country &&
    (e.starts_at?.getTime() ?? null) === (r.startsAt?.getTime() ?? null) &&
    e.start_precision === r.startPrecision &&
    e.timezone === r.timezone &&
    e.category === r.category &&
    e.capacity === r.capacity &&
    e.tracked === r.tracked
  );
}

/** catalog_key of a new event: its first marketplace id, made unique if an old event already uses it. */
function newCatalogKey(row: CatalogRow, taken: Set<string>): string {
  const first = row.marketplaceIds[0]!;
  const base = `${first.marketplace}:${first.marketplaceEventId}`;
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}~${n}`;
  taken.add(key);
  return key;
}

function columns(rows: CatalogRow[]) {
  return [
    rows.map((r) => r.name),
    rows.map((r) => r.venue),
    rows.map((r) => r.city),
    rows.map((r) => r.state),
    rows.map((r) => r.country),
    rows.map((r) => r.startsAt?.toISOString() ?? null),
    rows.map((r) => r.timezone),
    rows.map((r) => r.category),
    rows.map((r) => r.capacity),
    rows.map((r) => r.tracked),
    rows.map((r) => r.startPrecision),
  ];
}

const ROW_TYPES = `$2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::int[], $11::bool[], $12::text[]`;

async function applyPlan(client: pg.PoolClient, plan: Plan, takenKeys: Set<string>): Promise<void> {
  if (plan.updates.length > 0) {
    await client.query(
      `UPDATE events e
          SET name = u.name, venue = u.venue, city = u.city, state = u.state, country = u.country, starts_at = u.starts_at,
              timezone = u.timezone, category = u.category, capacity = u.capacity, tracked = u.tracked,
              start_precision = u.start_precision, updated_at = now()
         FROM unnest($1::bigint[], ${ROW_TYPES})
              AS u(id, name, venue, city, state, country, starts_at, timezone, category, capacity, tracked, start_precision)
        WHERE e.id = u.id`,
      [plan.updates.map((u) => u.id), ...columns(plan.updates.map((u) => u.row))],
    );
  }
  if (plan.marketplaceIdDeletes.length > 0) {
    await client.query(
      `DELETE FROM event_sources s USING unnest($1::bigint[], $2::text[]) AS d(event_id, marketplace)
        WHERE s.event_id = d.event_id AND s.marketplace = d.marketplace`,
      [plan.marketplaceIdDeletes.map((d) => d.eventId), plan.marketplaceIdDeletes.map((d) => d.marketplace)],
    );
  }
  const marketplaceIdInserts = [...plan.marketplaceIdInserts];
  if (plan.inserts.length > 0) {
    const keys = plan.inserts.map((r) => newCatalogKey(r, takenKeys));
    const res = await client.query<{ id: string; catalog_key: string }>(
      `INSERT INTO events (catalog_key, name, venue, city, state, country, starts_at, timezone, category, capacity, tracked, start_precision)
       SELECT * FROM unnest($1::text[], ${ROW_TYPES})
       RETURNING id::text AS id, catalog_key`,
      [keys, ...columns(plan.inserts)],
    );
    const idByKey = new Map(res.rows.map((r) => [r.catalog_key, r.id]));
    plan.inserts.forEach((row, i) => {
      const eventId = idByKey.get(keys[i]!)!;
      plan.seen.add(eventId);
      for (const s of row.marketplaceIds)
        marketplaceIdInserts.push({ eventId, marketplace: s.marketplace, marketplaceEventId: s.marketplaceEventId });
    });
  }
  if (marketplaceIdInserts.length > 0) {
    await client.query(
      `INSERT INTO event_sources (event_id, marketplace, marketplace_event_id)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`,
      [
        marketplaceIdInserts.map((s) => s.eventId),
        marketplaceIdInserts.map((s) => s.marketplace),
        marketplaceIdInserts.map((s) => s.marketplaceEventId),
      ],
    );
  }
  const seen = [...plan.seen];
  if (plan.flagMissing) {
    await client.query(`UPDATE events SET in_catalog = false, left_catalog_at = now() WHERE in_catalog AND NOT (id = ANY($1::bigint[]))`, [
      seen,
    ]);
  }
  await client.query(`UPDATE events SET in_catalog = true, left_catalog_at = NULL WHERE NOT in_catalog AND id = ANY($1::bigint[])`, [seen]);
  const stillMissing = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE tracked AND NOT in_catalog`);
  plan.report.missingFromCatalog = stillMissing.rows[0]?.n ?? 0;
}
