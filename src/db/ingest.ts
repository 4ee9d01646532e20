import { z } from 'zod';
import { BUCKET_ORIGIN } from '../domain/buckets';
import { EVENT_STATUSES, type EventStatus } from '../domain/event-status';
import {
  countSkipped,
  isNormalizedListing,
  MARKETPLACE_NAMES,
  normalizedListingSchema,
  priceSummarySchema,
  type FetchedPrices,
  type MarketplaceName,
  type NormalizedListing,
  type SkippedRecord,
} from '../domain/listing';
import { assessScrape, DEFAULT_SCRAPE_HEALTH, type ScrapeHealth, type ScrapeHealthSettings } from '../domain/scrape-health';
import { computeSnapshots, dominantCurrency, eventLowest, roundCents, summarySnapshot, type SnapshotMetrics } from '../domain/snapshot';
import type pg from 'pg';
import { copyChunks, copyField } from './copy';
import type { Db } from './pool';

export interface PersistScrapeInput {
  /** Caller-supplied, deterministic per event + cycle + marketplace: the idempotency key. */
  scrapeId: string;
  eventId: number;
  marketplace: MarketplaceName;
  capturedAt: Date;
  fetched: FetchedPrices;
  /** Thresholds of the health assessment (format drift, empty); the defaults when absent. */
  health?: ScrapeHealthSettings;
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
  /** Listing items the payload held; null for a summary (or a scrape stored before this was counted). */
  items: number | null;
  /** Everything skipped (by the parser and by validation here), counted by reason. */
  skippedByReason: { kind: string; count: number }[];
  /** Whether the scrape can be believed (see domain/scrape-health). */
  health: ScrapeHealth;
  /** The event's status as the payload stated it; null when its format carries none. */
  eventStatus: EventStatus | null;
}

/** The status to store: only one of the known ones (the column's CHECK holds the same list). */
function eventStatusOfFetched(fetched: FetchedPrices): EventStatus | null {
  const s = fetched.eventStatus?.status;
  return s !== undefined && (EVENT_STATUSES as readonly string[]).includes(s) ? s : null;
}

export const MAX_REJECTED_REPORTED = 50;

const envelopeSchema = z.object({
  scrapeId: z.string().min(1).max(200),
  eventId: z.number().int().positive(),
  marketplace: z.enum(MARKETPLACE_NAMES),
  capturedAt: z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date'),
});

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
  'price_per_ticket',
  'all_in_price',
  'currency',
] as const;

interface Validated {
  listings: NormalizedListing[];
  rejected: SkippedRecord[];
  rejectedCount: number;
}

/**
 * Validates listings one at a time with the domain schema, so one bad row (negative or absurd
 * price, zero quantity, unknown currency) is counted and reported while the rest is stored.
 * Prices are rounded to cents here, once, so the snapshot computed in TypeScript equals what SQL
 * would recompute from the stored rows. A repeated listing id is kept once (the first one).
 */
class ListingValidator implements Validated {
  readonly listings: NormalizedListing[] = [];
  readonly rejected: SkippedRecord[] = [];
  rejectedCount = 0;
  private readonly seen = new Set<string>();

  /**
   * `currency`: the scrape's currency (the most frequent one among its listings). A listing in
   * another currency is rejected with its reason: one aggregate never mixes currencies.
   */
  constructor(private readonly currency: string | null = null) {}

  /** The listing as it will be stored, or null when it was rejected (and recorded as such). */
  accept(raw: unknown, i: number): NormalizedListing | null {
    // The guard says yes only where the schema would return an equal object; anything else
    // goes through the schema, which decides (and says why).
    let l: NormalizedListing;
    if (isNormalizedListing(raw)) l = raw;
    else {
      const parsed = normalizedListingSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
        return this.reject(`listings[${i}]${field}`, issue.message, `listings[]${field.replace(/\[\d+\]/g, '[]')}: ${issue.message}`);
      }
      l = parsed.data;
    }
    const price = roundCents(l.pricePerTicket);
    const allIn = l.allInPrice === null ? null : roundCents(l.allInPrice);
    if (price <= 0 || (allIn !== null && allIn <= 0)) {
      return this.reject(`listings[${i}].${price <= 0 ? 'pricePerTicket' : 'allInPrice'}`, 'must be at least 0.01');
    }
    if (this.currency !== null && l.currency !== this.currency) {
      return this.reject(
        `listings[${i}].currency`,
        `${l.currency} differs from the scrape's ${this.currency}; prices in two currencies are never aggregated together`,
        `listings[].currency: not the scrape's currency`,
      );
    }
    if (this.seen.has(l.listingId))
      return this.reject(
        `listings[${i}].listingId`,
        `duplicate listing id "${l.listingId}" in this scrape`,
        'listings[].listingId: duplicate in this scrape',
      );
    this.seen.add(l.listingId);
    const stored = price === l.pricePerTicket && allIn === l.allInPrice ? l : { ...l, pricePerTicket: price, allInPrice: allIn };
    this.listings.push(stored);
    return stored;
  }

  /** Every rejection counted by kind (the reported records themselves are capped). */
  readonly kinds = new Map<string, number>();

  private reject(path: string, reason: string, kind?: string): null {
    this.rejectedCount++;
    const k = kind ?? `${path.replace(/\[\d+\]/g, '[]')}: ${reason}`;
    this.kinds.set(k, (this.kinds.get(k) ?? 0) + 1);
    if (this.rejected.length < MAX_REJECTED_REPORTED) this.rejected.push({ path, reason, kind: k });
    return null;
  }
}

/** Validates a whole scrape's listings (see ListingValidator); persistScrape does the same row by row. */
export function validateListings(raw: readonly unknown[]): Validated {
  const v = new ListingValidator(dominantCurrency(raw));
  for (let i = 0; i < raw.length; i++) v.accept(raw[i], i);
  return { listings: v.listings, rejected: v.rejected, rejectedCount: v.rejectedCount };
}

/**
 * One listing as a line of COPY text, after the fields every row of its scrape shares (`prefix`,
 * see LISTING_COLUMNS); without the newline. The benchmark's raw COPY uses it too.
 */
export function listingCopyLine(prefix: string, l: NormalizedListing): string {
  return (
    prefix +
    `${copyField(l.listingId)}\t${copyField(l.zone)}\t${copyField(l.section)}\t${copyField(l.row)}\t${l.quantity}\t` +
    `${copyField(l.splits)}\t${l.pricePerTicket}\t${copyField(l.allInPrice)}\t${l.currency}`
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
                         event_status, event_starts_at, not_given)
    OVERRIDING SYSTEM VALUE
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $13, $14, $15, $16, $17, $18, $19, $20)
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
                                  highest_price, lowest_price_2, lowest_price_4, total_tickets, total_listings, available, currency)
    SELECT s.captured_at, s.event_id, s.marketplace, s.id, u.*
      FROM s, json_to_recordset($12::json) AS u(zone text, section text, "lowestPrice" numeric, "averagePrice" numeric,
           "highestPrice" numeric, "lowestPrice2" numeric, "lowestPrice4" numeric, "totalTickets" integer, "totalListings" integer,
           available boolean, currency text)
  )
  SELECT id FROM s`;

/** What a scrape's payload came to, once validated: written by CLAIM_AND_FINISH_SCRAPE. */
interface ScrapeContents {
  listingsStored: number;
  rejected: SkippedRecord[];
  rejectedCount: number;
  /** Validation's rejections counted by kind (all of them, not only the reported ones). */
  rejectedKinds: Map<string, number>;
  snapshots: SnapshotMetrics[];
}

/**
 * Listings validated per chunk of this many, each chunk streamed as soon as it is encoded. The
 * first chunk is small: the server sits idle until it arrives, and parses it while the next,
 * larger one is prepared (measured: a first chunk of 2,000 kept it idle ~1.7 ms per scrape).
 */
const FIRST_CHUNK_LISTINGS = 250;
const CHUNK_LISTINGS = 2000;

/**
 * Validates the listings and streams the valid ones into `listings` by COPY in one pass: each
 * listing is validated before its line is written, and the server parses one chunk while the
 * next is validated and encoded. The snapshots are computed once the last chunk is handed over,
 * while the server is still busy with it. A rejected listing never reaches SQL.
 */
async function copyValidListings(client: pg.ClientBase, raw: readonly unknown[], prefix: string): Promise<ScrapeContents> {
  const v = new ListingValidator(dominantCurrency(raw));
  let snapshots: SnapshotMetrics[] | null = null;
  let i = 0;
  const nextChunk = (): string | null => {
    if (i >= raw.length) {
      snapshots ??= computeSnapshots(v.listings);
      return null;
    }
    const end = Math.min(raw.length, i + (i === 0 ? FIRST_CHUNK_LISTINGS : CHUNK_LISTINGS));
    let chunk = '';
    for (; i < end; i++) {
      const l = v.accept(raw[i], i);
      if (l !== null) chunk += listingCopyLine(prefix, l) + '\n';
    }
    return chunk;
  };
  if (raw.length > 0) await copyChunks(client, 'listings', LISTING_COLUMNS, nextChunk);
  return {
    listingsStored: v.listings.length,
    rejected: v.rejected,
    rejectedCount: v.rejectedCount,
    rejectedKinds: v.kinds,
    snapshots: snapshots ?? computeSnapshots(v.listings),
  };
}

function summaryContents(raw: unknown): ScrapeContents {
  const summary = priceSummarySchema.safeParse(raw);
  if (summary.success)
    return { listingsStored: 0, rejected: [], rejectedCount: 0, rejectedKinds: new Map(), snapshots: [summarySnapshot(summary.data)] };
  const issue = summary.error.issues[0]!;
  const path = `summary.${issue.path.map(String).join('.')}`;
  return {
    listingsStored: 0,
    rejected: [{ path, reason: issue.message }],
    rejectedCount: 1,
    rejectedKinds: new Map([[`${path}: ${issue.message}`, 1]]),
    snapshots: [],
  };
}

/**
 * Persists one scrape (its raw listings and the snapshots computed from them) in one
 * transaction, idempotent by `scrapeId`: a retry or a replay writes nothing and returns what the
 * first call stored, with `alreadyPersisted: true`. The envelope is validated before any SQL and
 * every listing before its row is written; listings go through COPY.
 *
 * Round trips: BEGIN with the id reservation, COPY (listings only), the claim with the scrape's
 * counts and snapshots in one statement, COMMIT.
 */
export async function persistScrape(db: Db, input: PersistScrapeInput): Promise<PersistScrapeResult> {
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!;
    throw new Error(`persistScrape: ${issue.path.join('.') || 'input'}: ${issue.message}`);
  }
  const { scrapeId, eventId, marketplace, capturedAt } = envelope.data;
  const fetched = input.fetched;
  if (fetched.kind === 'listings' && !Array.isArray(fetched.listings)) throw new Error('persistScrape: fetched.listings: must be an array');

  const client = await db.connect();
  try {
    const scrapeRef = await beginAndReserveId(client);
    const contents =
      fetched.kind === 'listings'
        ? await copyValidListings(client, fetched.listings, listingCopyPrefix(capturedAt, eventId, marketplace, scrapeRef))
        : summaryContents(fetched.summary);
    const { snapshots, rejected, rejectedCount, listingsStored } = contents;
    const lowestPrice = eventLowest(snapshots);
    const items = fetched.kind === 'listings' ? (fetched.items ?? fetched.listings.length + fetched.skipped.length) : null;
    const skippedByReason = mergeCounts(countSkipped(fetched.skipped), contents.rejectedKinds);
    const allSkipped = [...fetched.skipped, ...rejected];
    // The previous scrape's count matters only for an empty one: looked up then, not on every scrape.
    const previousStored =
      fetched.kind === 'listings' && listingsStored === 0 ? await previousListingsStored(client, eventId, marketplace, capturedAt) : null;
    const eventStatus = eventStatusOfFetched(fetched);
    const health = assessScrape(
      {
        kind: fetched.kind,
        // A summary's items are its figures (or price ranges): its skipped share counts too.
        items: items ?? fetched.items ?? 0,
        parsed: fetched.kind === 'listings' ? fetched.listings.length : 0,
        stored: listingsStored,
        skipped: padSkipped(allSkipped, skippedByReason),
        declared: fetched.declared,
        missing: fetched.missing,
        previousStored,
      },
      input.health ?? DEFAULT_SCRAPE_HEALTH,
    );
    const claimed = await client.query(CLAIM_AND_FINISH_SCRAPE, [
      scrapeRef,
      scrapeId,
      eventId,
      marketplace,
      capturedAt,
      fetched.kind,
      listingsStored,
      rejectedCount,
      JSON.stringify(rejected),
      snapshots.length,
      lowestPrice,
      JSON.stringify(snapshots),
      items,
      fetched.declared?.listings ?? null,
      JSON.stringify(skippedByReason),
      health.status,
      health.reason,
      eventStatus,
      fetched.eventStatus?.startsAt ?? null,
      JSON.stringify((fetched.notGiven ?? []).slice(0, MAX_REJECTED_REPORTED)),
    ]);
    if (claimed.rowCount === 0) {
      await client.query('ROLLBACK');
      return await storedResult(client, scrapeId, eventId, marketplace);
    }
    await client.query('COMMIT');
    return {
      scrapeId,
      listingsStored,
      listingsRejected: rejectedCount,
      rejected,
      snapshots: snapshots.length,
      lowestPrice,
      alreadyPersisted: false,
      items,
      skippedByReason,
      health,
      eventStatus,
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Counts by kind from the parser and from validation, added up, most frequent first. */
function mergeCounts(parsed: { kind: string; count: number }[], validated: Map<string, number>): { kind: string; count: number }[] {
  const all = new Map(parsed.map((p) => [p.kind, p.count]));
  for (const [k, n] of validated) all.set(k, (all.get(k) ?? 0) + n);
  return [...all].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

/**
 * The skipped records the assessment counts: the reported ones, plus placeholders for rejections
 * beyond the reported cap, so the skipped share is computed from every skipped item.
 */
function padSkipped(reported: SkippedRecord[], byReason: { kind: string; count: number }[]): SkippedRecord[] {
  const total = byReason.reduce((n, k) => n + k.count, 0);
  if (reported.length >= total) return reported;
  const out = [...reported];
  for (let i = reported.length; i < total; i++)
    out.push({ path: '(not reported)', reason: 'rejected beyond the reported cap', kind: 'rejected beyond the reported cap' });
  return out;
}

async function previousListingsStored(
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

/** Two statements in one query come back as two results (pg's types only know the single case). */
async function beginAndReserveId(client: pg.ClientBase): Promise<string> {
  const results: unknown = await client.query(BEGIN_AND_RESERVE_ID);
  const id = Array.isArray(results) ? (results[1] as pg.QueryResult<{ id: string }> | undefined)?.rows[0]?.id : undefined;
  if (id === undefined) throw new Error('persistScrape: the scrape id reservation returned no id');
  return id;
}

/**
 * The scrape already stored under `scrapeId` (what persistScrape returned the first time, with
 * `alreadyPersisted: true`, its capture time and kind), or null when there is none. A retried
 * fetch looks here first, so that a retry after the commit neither asks the marketplace again nor
 * fails because the marketplace fails now (found by the chaos suite: a worker lost right after
 * the commit, then three slow answers, made a stored scrape count as failed). Throws when the id
 * was used for another event or marketplace.
 */
export async function findPersistedScrape(
  db: Pick<Db, 'query'>,
  scrapeId: string,
  eventId: number,
  marketplace: MarketplaceName,
): Promise<{ result: PersistScrapeResult; capturedAt: Date; kind: 'listings' | 'summary' } | null> {
  const found = await db.query<{ captured_at: Date; kind: 'listings' | 'summary' }>(
    'SELECT captured_at, kind FROM scrapes WHERE scrape_key = $1',
    [scrapeId],
  );
  const row = found.rows[0];
  if (!row) return null;
  return { result: await storedResult(db, scrapeId, eventId, marketplace), capturedAt: row.captured_at, kind: row.kind };
}

async function storedResult(
  client: Pick<Db, 'query'>,
  scrapeId: string,
  eventId: number,
  marketplace: MarketplaceName,
): Promise<PersistScrapeResult> {
  const res = await client.query<{
    event_id: string;
    marketplace: string;
    listings_stored: number;
    listings_rejected: number;
    rejected: SkippedRecord[];
    snapshots: number;
    lowest_price: string | null;
    items_in_payload: number | null;
    skipped_by_reason: { kind: string; count: number }[];
    health: ScrapeHealth['status'];
    health_reason: string | null;
    event_status: EventStatus | null;
  }>(
    `SELECT event_id, marketplace, listings_stored, listings_rejected, rejected, snapshots, lowest_price, items_in_payload, skipped_by_reason, health, health_reason,
            event_status
       FROM scrapes WHERE scrape_key = $1`,
    [scrapeId],
  );
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
    items: row.items_in_payload,
    skippedByReason: row.skipped_by_reason,
    health: { status: row.health, reason: row.health_reason, examples: row.health === 'format-drift' ? row.rejected.slice(0, 5) : [] },
    eventStatus: row.event_status,
  };
}
