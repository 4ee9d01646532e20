import type pg from 'pg';
import type { Db } from '../../db/pool';
import { copyCents, copyField } from '../../db/copy';
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
    `${copyField(l.splits)}\t${copyCents(l.basePrice)}\t${copyCents(l.allInPrice)}\t${l.currency}\t${copyCents(l.sellerNetProceeds)}`
  );
}

/** The fields of LISTING_COLUMNS that every row of one scrape shares, encoded once; SNAPSHOT_COLUMNS start with the same four. */
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

export const SNAPSHOT_COLUMNS = [
  'captured_at',
  'event_id',
  'marketplace',
  'scrape_ref',
  'zone',
  'section',
  'lowest_price',
  'average_price',
  'highest_price',
  'lowest_price_2',
  'lowest_price_4',
  'total_tickets',
  'total_listings',
  'available',
  'currency',
  'all_in_lowest_price',
  'all_in_average_price',
  'all_in_highest_price',
  'all_in_lowest_price_2',
  'all_in_lowest_price_4',
] as const;

/**
 * One snapshot row as a line of COPY text (SNAPSHOT_COLUMNS), after the same shared fields as the
 * scrape's listings (`prefix`, listingCopyPrefix); without the newline. The snapshots go by COPY
 * too: a 5,000-listing scrape has ~190 of them, which COPY writes in ~1.1 ms where an INSERT from
 * one JSON parameter took ~3.4 ms (parsing the JSON, then one heap and two index WAL records a row).
 */
export function snapshotCopyLine(prefix: string, s: SnapshotMetrics): string {
  return (
    prefix +
    `${copyField(s.zone)}\t${copyField(s.section)}\t${copyCents(s.lowestPrice)}\t${copyCents(s.averagePrice)}\t${copyCents(s.highestPrice)}\t` +
    `${copyCents(s.lowestPrice2)}\t${copyCents(s.lowestPrice4)}\t${copyField(s.totalTickets)}\t${copyField(s.totalListings)}\t` +
    `${copyField(s.available)}\t${copyField(s.currency)}\t${copyCents(s.allInLowestPrice)}\t${copyCents(s.allInAveragePrice)}\t` +
    `${copyCents(s.allInHighestPrice)}\t${copyCents(s.allInLowestPrice2)}\t${copyCents(s.allInLowestPrice4)}`
  );
}

/**
 * Claims the scrape key with the reserved id and writes what the scrape came to: the scrape row
 * with its counts and its rollup mark, in one statement (its listings and snapshots were copied
 * before, in the same transaction). No row back = the key was persisted before (the caller rolls
 * back what it copied); a concurrent claim of the same key waits here until the first
 * transaction ends. Claiming last costs wasted COPYs on a retry of an already persisted scrape
 * (rare), and saves a round trip on every other one.
 */
const CLAIM_AND_FINISH_SCRAPE = `
  WITH s AS (
    INSERT INTO scrapes (id, scrape_key, event_id, marketplace, captured_at, kind, listings_stored, listings_rejected, rejected, snapshots, lowest_price,
                         items_in_payload, listings_declared, skipped_by_reason, health, health_reason,
                         event_status, event_starts_at, not_given, all_in_lowest_price)
    OVERRIDING SYSTEM VALUE
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
    ON CONFLICT (scrape_key) DO NOTHING
    RETURNING id, event_id, marketplace, captured_at
  ), dirty AS (
    INSERT INTO rollup_dirty (kind, event_id, marketplace, period_start)
    SELECT 'hour', event_id, marketplace, date_bin('1 hour', captured_at, '${BUCKET_ORIGIN}'::timestamptz) FROM s
    ON CONFLICT DO NOTHING
  )
  SELECT id FROM s`;

/** The scrapes row CLAIM_AND_FINISH_SCRAPE writes. */
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
  /** How many snapshot rows the scrape has (copied before the claim). */
  snapshots: number;
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

/** Writes the scrape row and its rollup mark; false when the key was persisted before (nothing written). */
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
    s.snapshots,
    s.lowestPrice,
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
