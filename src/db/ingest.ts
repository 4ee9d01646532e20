import { z } from 'zod';
import { BUCKET_ORIGIN } from '../domain/rollup';
import {
  MARKETPLACE_NAMES,
  normalizedListingSchema,
  priceSummarySchema,
  type FetchedPrices,
  type MarketplaceName,
  type NormalizedListing,
  type SkippedRecord,
} from '../domain/listing';
import { computeSnapshots, eventLowest, roundCents, summarySnapshot, type SnapshotMetrics } from '../domain/snapshot';
import { copyField, copyRows } from './copy';
import type { Db } from './pool';

export interface PersistScrapeInput {
  /** Caller-supplied, deterministic per event + cycle + marketplace: the idempotency key. */
  scrapeId: string;
  eventId: number;
  marketplace: MarketplaceName;
  capturedAt: Date;
  fetched: FetchedPrices;
}

export interface PersistScrapeResult {
  scrapeId: string;
  listingsStored: number;
  /** Listings rejected by validation here (the adapter's own `fetched.skipped` are not included). */
  listingsRejected: number;
  /** The first MAX_REJECTED_REPORTED rejected records, with the field and the reason. */
  rejected: SkippedRecord[];
  snapshots: number;
  /** Lowest per-ticket price of the whole event in this scrape. */
  lowestPrice: number | null;
  /** True when this scrape id had been persisted before: nothing was written this time. */
  alreadyPersisted: boolean;
}

export const MAX_REJECTED_REPORTED = 50;

const envelopeSchema = z.object({
  scrapeId: z.string().min(1).max(200),
  eventId: z.number().int().positive(),
  marketplace: z.enum(MARKETPLACE_NAMES),
  capturedAt: z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date'),
});

export const LISTING_COLUMNS = [
  'captured_at', 'event_id', 'marketplace', 'scrape_ref', 'listing_id', 'zone', 'section', 'seat_row',
  'quantity', 'splits', 'price_per_ticket', 'all_in_price', 'currency',
] as const;

interface Validated {
  listings: NormalizedListing[];
  rejected: SkippedRecord[];
  rejectedCount: number;
}

/**
 * Validates each listing with the domain schema before any SQL, so one bad row (negative or
 * absurd price, zero quantity, unknown currency) is counted and reported while the rest is
 * stored. Prices are rounded to cents here, once, so the snapshot computed in TypeScript equals
 * what SQL would recompute from the stored rows. A repeated listing id is kept once.
 */
export function validateListings(raw: readonly unknown[]): Validated {
  const listings: NormalizedListing[] = [];
  const rejected: SkippedRecord[] = [];
  let rejectedCount = 0;
  const seen = new Set<string>();
  const reject = (path: string, reason: string): void => {
    rejectedCount++;
    if (rejected.length < MAX_REJECTED_REPORTED) rejected.push({ path, reason });
  };
  for (let i = 0; i < raw.length; i++) {
    const parsed = normalizedListingSchema.safeParse(raw[i]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      reject(`listings[${i}]${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`, issue.message);
      continue;
    }
    const l = parsed.data;
    const price = roundCents(l.pricePerTicket);
    const allIn = l.allInPrice === null ? null : roundCents(l.allInPrice);
    if (price <= 0 || (allIn !== null && allIn <= 0)) {
      reject(`listings[${i}].${price <= 0 ? 'pricePerTicket' : 'allInPrice'}`, 'must be at least 0.01');
      continue;
    }
    if (seen.has(l.listingId)) {
      reject(`listings[${i}].listingId`, `duplicate listing id "${l.listingId}" in this scrape`);
      continue;
    }
    seen.add(l.listingId);
    listings.push(price === l.pricePerTicket && allIn === l.allInPrice ? l : { ...l, pricePerTicket: price, allInPrice: allIn });
  }
  return { listings, rejected, rejectedCount };
}

/** The scrape row, its snapshots and its rollup mark in one statement; no row back = seen before. */
const INSERT_SCRAPE = `
  WITH s AS (
    INSERT INTO scrapes (scrape_key, event_id, marketplace, captured_at, kind, listings_stored, listings_rejected, rejected, snapshots, lowest_price)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT (scrape_key) DO NOTHING
    RETURNING id
  ), snaps AS (
    INSERT INTO ticket_snapshots (captured_at, event_id, marketplace, scrape_ref, zone, section, lowest_price, average_price,
                                  highest_price, lowest_price_2, lowest_price_4, total_tickets, total_listings, available, currency)
    SELECT $4, $2, $3, s.id, u.*
      FROM s, unnest($11::text[], $12::text[], $13::numeric[], $14::numeric[], $15::numeric[], $16::numeric[], $17::numeric[],
                     $18::integer[], $19::integer[], $20::boolean[], $21::text[]) AS u
  ), dirty AS (
    INSERT INTO rollup_dirty (kind, event_id, marketplace, period_start)
    SELECT 'hour', $2, $3, date_bin('1 hour', $4::timestamptz, '${BUCKET_ORIGIN}'::timestamptz) FROM s
    ON CONFLICT DO NOTHING
  )
  SELECT id FROM s`;

function snapshotArrays(s: readonly SnapshotMetrics[]): unknown[] {
  return [
    s.map((x) => x.zone),
    s.map((x) => x.section),
    s.map((x) => x.lowestPrice),
    s.map((x) => x.averagePrice),
    s.map((x) => x.highestPrice),
    s.map((x) => x.lowestPrice2),
    s.map((x) => x.lowestPrice4),
    s.map((x) => x.totalTickets),
    s.map((x) => x.totalListings),
    s.map((x) => x.available),
    s.map((x) => x.currency),
  ];
}

/**
 * Persists one scrape (its raw listings and the snapshots computed from them) in one
 * transaction, idempotent by `scrapeId`: a retry or a replay writes nothing and returns what the
 * first call stored, with `alreadyPersisted: true`. Listings go through COPY.
 */
export async function persistScrape(db: Db, input: PersistScrapeInput): Promise<PersistScrapeResult> {
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!;
    throw new Error(`persistScrape: ${issue.path.join('.') || 'input'}: ${issue.message}`);
  }
  const { scrapeId, eventId, marketplace, capturedAt } = envelope.data;
  const fetched = input.fetched;

  let listings: NormalizedListing[] = [];
  let snapshots: SnapshotMetrics[];
  let rejected: SkippedRecord[];
  let rejectedCount: number;
  if (fetched.kind === 'listings') {
    const v = validateListings(fetched.listings);
    listings = v.listings;
    snapshots = computeSnapshots(listings);
    rejected = v.rejected;
    rejectedCount = v.rejectedCount;
  } else {
    const summary = priceSummarySchema.safeParse(fetched.summary);
    if (summary.success) {
      snapshots = [summarySnapshot(summary.data)];
      rejected = [];
      rejectedCount = 0;
    } else {
      const issue = summary.error.issues[0]!;
      snapshots = [];
      rejected = [{ path: `summary.${issue.path.map(String).join('.')}`, reason: issue.message }];
      rejectedCount = 1;
    }
  }
  const lowestPrice = eventLowest(snapshots);

  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const inserted = await client.query<{ id: string }>(INSERT_SCRAPE, [
      scrapeId, eventId, marketplace, capturedAt, fetched.kind, listings.length, rejectedCount, JSON.stringify(rejected),
      snapshots.length, lowestPrice, ...snapshotArrays(snapshots),
    ]);
    const scrapeRef = inserted.rows[0]?.id;
    if (scrapeRef === undefined) {
      await client.query('ROLLBACK');
      return await storedResult(client, scrapeId, eventId, marketplace);
    }
    if (listings.length > 0) {
      // Fields shared by every row of the scrape are encoded once.
      const prefix = `${capturedAt.toISOString()}\t${eventId}\t${marketplace}\t${scrapeRef}\t`;
      await copyRows(client, 'listings', LISTING_COLUMNS, listings.length, (i) => {
        const l = listings[i]!;
        return (
          prefix +
          `${copyField(l.listingId)}\t${copyField(l.zone)}\t${copyField(l.section)}\t${copyField(l.row)}\t${l.quantity}\t` +
          `${copyField(l.splits)}\t${l.pricePerTicket}\t${copyField(l.allInPrice)}\t${l.currency}`
        );
      });
    }
    await client.query('COMMIT');
    return { scrapeId, listingsStored: listings.length, listingsRejected: rejectedCount, rejected, snapshots: snapshots.length, lowestPrice, alreadyPersisted: false };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function storedResult(client: Pick<Db, 'query'>, scrapeId: string, eventId: number, marketplace: MarketplaceName): Promise<PersistScrapeResult> {
  const res = await client.query<{
    event_id: string;
    marketplace: string;
    listings_stored: number;
    listings_rejected: number;
    rejected: SkippedRecord[];
    snapshots: number;
    lowest_price: string | null;
  }>('SELECT event_id, marketplace, listings_stored, listings_rejected, rejected, snapshots, lowest_price FROM scrapes WHERE scrape_key = $1', [scrapeId]);
  const row = res.rows[0];
  if (!row) throw new Error(`persistScrape: scrape "${scrapeId}" vanished while being persisted`);
  if (Number(row.event_id) !== eventId || row.marketplace !== marketplace) {
    throw new Error(`persistScrape: scrape id "${scrapeId}" was already used for event ${row.event_id} on ${row.marketplace}`);
  }
  return {
    scrapeId,
    listingsStored: row.listings_stored,
    listingsRejected: row.listings_rejected,
    rejected: row.rejected,
    snapshots: row.snapshots,
    lowestPrice: row.lowest_price === null ? null : Number(row.lowest_price),
    alreadyPersisted: true,
  };
}
