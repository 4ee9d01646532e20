import type pg from 'pg';
import type { CatalogRow } from '../parse/parsed';
import type { StoredEvent, SyncPlan } from './plan';

/**
 * The sync's SQL: the stored events read for the plan, and the plan written (updates, id
 * changes, new events, in_catalog flags), inside the sync's transaction.
 */

/** Every stored event with its marketplace ids. */
export async function loadEvents(client: pg.PoolClient): Promise<StoredEvent[]> {
  const res = await client.query<StoredEvent>(
    `SELECT e.id::text AS id, e.catalog_key, e.name, e.venue, e.city, e.state, e.country, e.starts_at, e.start_precision, e.timezone,
            e.category, e.capacity, e.tracked, e.in_catalog,
            coalesce(json_agg(json_build_object('m', s.marketplace, 'id', s.marketplace_event_id)) FILTER (WHERE s.event_id IS NOT NULL), '[]') AS "marketplaceIds"
       FROM events e LEFT JOIN event_sources s ON s.event_id = e.id
      GROUP BY e.id`,
  );
  return res.rows;
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

/** The rows as one array per column, in ROW_TYPES order, for unnest. */
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

/**
 * Writes the plan; `takenKeys` are the catalog keys in use (new events' keys are made unique
 * against them). Sets the report's missingFromCatalog.
 */
export async function applyPlan(client: pg.PoolClient, plan: SyncPlan, takenKeys: Set<string>): Promise<void> {
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
