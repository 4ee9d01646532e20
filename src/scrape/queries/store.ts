import type pg from 'pg';
import type { Db } from '../../db/pool';
import { copyField } from '../../db/copy';
import { BUCKET_ORIGIN } from '../../domain/buckets';
import type { EventStatus } from '../../domain/event-status';
import type { MarketplaceName, NormalizedListing, SkippedRecord } from '../../domain/listing';
import type { ScrapeHealth } from '../../domain/scrape-health';
import type { SnapshotMetrics } from '../../domain/snapshot';

/**
 * The SQL of the store step (../store.ts): the listings' COPY lines, the transaction that claims a
 * scrape key, and the reads of a scrape stored before.
 */

export const LISTING_COLUMNS = [
  'captured_at',
  'event_id',
  'marketplace',
  'scrape_ref',
  'listing_id',
  'zone',
  'section',
  'seat_row',
  'quantity',
  'splits',
  'base_price',
  'all_in_price',
  'currency',
  'seller_net_proceeds',
] as const;

/**
 * One listing as a line of COPY text, after the fields every row of its scrape shares (`prefix`,
 * see LISTING_COLUMNS); without the newline. The benchmark's raw COPY uses it too.
 */
export function listingCopyLine(prefix: string, l: NormalizedListing): string {
  return (
    prefix +
    `${copyField(l.listingId)}\t${copyField(l.zone)}\t${copyField(l.section)}\t${copyField(l.row)}\t${l.quantity}\t` +
    `${copyField(l.splits)}\t${copyField(l.basePrice)}\t${copyField(l.allInPrice)}\t${l.currency}\t${copyField(l.sellerNetProceeds)}`
  );
}

/** The fields of LISTING_COLUMNS that every row of one scrape shares, encoded once. */
export function listingCopyPrefix(capturedAt: Date, eventId: number, marketplace: MarketplaceName, scrapeRef: string | number): string {
  return `${capturedAt.toISOString()}\t${eventId}\t${marketplace}\t${scrapeRef}\t`;
}

/**
 * Opens the transaction and reserves the scrape's id in one round trip (constant SQL, no
 * parameters): the listings' rows carry it, so it must be known before COPY starts.
 */
const BEGIN_AND_RESERVE_ID = `BEGIN; SELECT nextval(pg_get_serial_sequence('scrapes', 'id')) AS id`;

/** Two statements in one query come back as two results (pg's types only know the single case). */
export async function beginAndReserveId(client: pg.ClientBase): Promise<string> {
  const results: unknown = await client.query(BEGIN_AND_RESERVE_ID);
  const id = Array.isArray(results) ? (results[1] as pg.QueryResult<{ id: string }> | undefined)?.rows[0]?.id : undefined;
  if (id === undefined) throw new Error('persistScrape: the scrape id reservation returned no id');
  return id;
}

/**
 * Claims the scrape key with the reserved id and writes what the scrape came to: the scrape row
 * with its counts, its rollup mark and its snapshots, in one statement. No row back = the key was
 * persisted before (the caller rolls back the listings it copied); a concurrent claim of the same
 * key waits here until the first transaction ends. Claiming last costs a wasted COPY on a retry
 * of an already persisted scrape (rare), and saves a round trip on every other one.
 */
const CLAIM_AND_FINISH_SCRAPE = `
  WITH s AS (
    INSERT INTO scrapes (id, scrape_key, event_id, marketplace, captured_at, kind, listings_stored, listings_rejected, rejected, snapshots, lowest_price,
                         items_in_payload, listings_declared, skipped_by_reason, health, health_reason,
                         event_status, event_starts_at, not_given, all_in_lowest_price)
    OVERRIDING SYSTEM VALUE
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $13, $14, $15, $16, $17, $18, $19, $20, $21)
    ON CONFLICT (scrape_key) DO NOTHING
    RETURNING id, event_id, marketplace, captured_at
  ), dirty AS (
    INSERT INTO rollup_dirty (kind, event_id, marketplace, period_start)
    SELECT 'hour', event_id, marketplace, date_bin('1 hour', captured_at, '${BUCKET_ORIGIN}'::timestamptz) FROM s
    ON CONFLICT DO NOTHING
  ), snapshots AS (
    -- The snapshots come as one JSON parameter with SnapshotMetrics' own keys: JSON.stringify is
    -- native, where pg's encoding of eleven array parameters took ~1 ms of JavaScript per scrape.
    INSERT INTO ticket_snapshots (captured_at, event_id, marketplace, scrape_ref, zone, section, lowest_price, average_price,
                                  highest_price, lowest_price_2, lowest_price_4, total_tickets, total_listings, available, currency,
                                  all_in_lowest_price, all_in_average_price, all_in_highest_price, all_in_lowest_price_2, all_in_lowest_price_4)
    SELECT s.captured_at, s.event_id, s.marketplace, s.id, u.*
      FROM s, json_to_recordset($12::json) AS u(zone text, section text, "lowestPrice" numeric, "averagePrice" numeric,
           "highestPrice" numeric, "lowestPrice2" numeric, "lowestPrice4" numeric, "totalTickets" integer, "totalListings" integer,
           available boolean, currency text, "allInLowestPrice" numeric, "allInAveragePrice" numeric, "allInHighestPrice" numeric,
           "allInLowestPrice2" numeric, "allInLowestPrice4" numeric)
  )
  SELECT id FROM s`;

/** The scrapes row (with its snapshots) CLAIM_AND_FINISH_SCRAPE writes. */
export interface FinishedScrape {
  /** The id beginAndReserveId reserved. */
  id: string;
  scrapeKey: string;
  eventId: number;
  marketplace: MarketplaceName;
  capturedAt: Date;
  kind: 'listings' | 'summary';
  listingsStored: number;
  listingsRejected: number;
  rejected: SkippedRecord[];
  snapshots: SnapshotMetrics[];
  /** The event row's lowest price before fees and all in (see price-basis.ts). */
  lowestPrice: number | null;
  allInLowestPrice: number | null;
  items: number | null;
  listingsDeclared: number | null;
  skippedByReason: { kind: string; count: number }[];
  health: ScrapeHealth;
  eventStatus: EventStatus | null;
  eventStartsAt: string | null;
  notGiven: SkippedRecord[];
}

/** Writes the scrape row, its rollup mark and its snapshots; false when the key was persisted before (nothing written). */
export async function claimAndFinishScrape(client: pg.ClientBase, s: FinishedScrape): Promise<boolean> {
  const claimed = await client.query(CLAIM_AND_FINISH_SCRAPE, [
    s.id,
    s.scrapeKey,
    s.eventId,
    s.marketplace,
    s.capturedAt,
    s.kind,
    s.listingsStored,
    s.listingsRejected,
    JSON.stringify(s.rejected),
    s.snapshots.length,
    s.lowestPrice,
    JSON.stringify(s.snapshots),
    s.items,
    s.listingsDeclared,
    JSON.stringify(s.skippedByReason),
    s.health.status,
    s.health.reason,
    s.eventStatus,
    s.eventStartsAt,
    JSON.stringify(s.notGiven),
    s.allInLowestPrice,
  ]);
  return claimed.rowCount !== 0;
}

/** Listings the scrape of the event on the marketplace just before `before` stored; null when there is none. */
export async function previousListingsStored(
  client: Pick<Db, 'query'>,
  eventId: number,
  marketplace: MarketplaceName,
  before: Date,
): Promise<number | null> {
  const res = await client.query<{ listings_stored: number }>(
    `SELECT listings_stored FROM scrapes WHERE event_id = $1 AND marketplace = $2 AND captured_at < $3 ORDER BY captured_at DESC LIMIT 1`,
    [eventId, marketplace, before],
  );
  return res.rows[0]?.listings_stored ?? null;
}

/** When the scrape stored under `scrapeId` was captured, and its kind; null when none is. */
export async function storedCapture(
  db: Pick<Db, 'query'>,
  scrapeId: string,
): Promise<{ captured_at: Date; kind: 'listings' | 'summary' } | null> {
  const found = await db.query<{ captured_at: Date; kind: 'listings' | 'summary' }>(
    'SELECT captured_at, kind FROM scrapes WHERE scrape_key = $1',
    [scrapeId],
  );
  return found.rows[0] ?? null;
}

/** The columns of a stored scrape that persistScrape reports (storedResult in ../store.ts). */
export interface StoredScrapeRow {
  event_id: string;
  marketplace: string;
  listings_stored: number;
  listings_rejected: number;
  rejected: SkippedRecord[];
  snapshots: number;
  lowest_price: string | null;
  all_in_lowest_price: string | null;
  items_in_payload: number | null;
  skipped_by_reason: { kind: string; count: number }[];
  health: ScrapeHealth['status'];
  health_reason: string | null;
  event_status: EventStatus | null;
}

/** The scrapes row stored under `scrapeId`; undefined when none is. */
export async function storedScrapeRow(client: Pick<Db, 'query'>, scrapeId: string): Promise<StoredScrapeRow | undefined> {
  const res = await client.query<StoredScrapeRow>(
    `SELECT event_id, marketplace, listings_stored, listings_rejected, rejected, snapshots, lowest_price, all_in_lowest_price, items_in_payload, skipped_by_reason, health, health_reason,
            event_status
       FROM scrapes WHERE scrape_key = $1`,
    [scrapeId],
  );
  return res.rows[0];
}
