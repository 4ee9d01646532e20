import { z } from 'zod';
import type pg from 'pg';
import type { ScrapeInput } from '../domain/listing';
import { copyChunks, copyRows } from '../db/copy';
import type { Db } from '../db/pool';
import { waitingOutDatabase } from '../db/unavailable';
import type { EventStatus } from '../domain/event-status';
import { MARKETPLACE_NAMES, type FetchedPrices, type MarketplaceName, type SkippedRecord } from '../domain/listing';
import { DEFAULT_SCRAPE_HEALTH, type ScrapeHealth, type ScrapeHealthSettings } from '../domain/scrape-health';
import { computeSnapshots, dominantCurrency, type SnapshotMetrics } from '../domain/snapshot';
import { assessContents, ListingValidator, MAX_REJECTED_REPORTED, summaryContents, type ScrapeContents } from './assess';
import type { ScrapeAttempt, ScrapeDeps } from './attempt';
import type { RecordFailure } from './fetch';
import {
  beginAndReserveId,
  claimAndFinishScrape,
  LISTING_COLUMNS,
  listingCopyLine,
  listingCopyPrefix,
  previousListingsStored,
  SNAPSHOT_COLUMNS,
  snapshotCopyLine,
  storedCapture,
  storedScrapeRow,
} from './queries/store';

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
  /** Lowest per-ticket price of the whole event in this scrape, before fees (`base`). */
  lowestPrice: number | null;
  /** The same, all in (`all-in`); null when the marketplace gives no all-in price. */
  allInLowestPrice: number | null;
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

/**
 * The store step: the fetched prices persisted (persistScrape) under the scrape's key. While the
 * database is unreachable (stopped, restarting) the listings already fetched wait here rather
 * than fail the attempt: a retry would fetch from the marketplace again because of our own
 * outage, and a one-minute outage would use up FETCH attempts. Any other error is recorded and
 * thrown (the activity's policy retries it; the fetch is repeated, which is cheap).
 */
export async function storeFetched(
  { db, health }: ScrapeDeps,
  { scrapeId, eventId, marketplace, marketplaceEventId }: ScrapeInput,
  capturedAt: Date,
  fetched: FetchedPrices,
  attempt: ScrapeAttempt,
  recordFailure: RecordFailure,
): Promise<PersistScrapeResult> {
  try {
    return await waitingOutDatabase(
      () => persistScrape(db, { scrapeId, eventId, marketplace, capturedAt, fetched, health }),
      attempt.databaseDeadline(),
      (waited) => attempt.waitingForDatabase(waited),
    );
  } catch (err) {
    await recordFailure(`${marketplace} ${marketplaceEventId}: storing the scrape failed: ${(err as Error).message}`);
    throw err;
  }
}

/** What an earlier attempt stored under the scrape's key (findPersistedScrape), waiting out an unreachable database until `deadline`. */
export function storedBefore(
  { db }: ScrapeDeps,
  { scrapeId, eventId, marketplace }: ScrapeInput,
  deadline: number,
  attempt: ScrapeAttempt,
): Promise<PersistedScrape | null> {
  return waitingOutDatabase(
    () => findPersistedScrape(db, scrapeId, eventId, marketplace),
    deadline,
    (waited) => attempt.waitingForDatabase(waited),
  );
}

const envelopeSchema = z.object({
  scrapeId: z.string().min(1).max(200),
  eventId: z.number().int().positive(),
  marketplace: z.enum(MARKETPLACE_NAMES),
  capturedAt: z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date'),
});

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

/**
 * Persists one scrape (its raw listings and the snapshots computed from them) in one
 * transaction, idempotent by `scrapeId`: a retry or a replay writes nothing and returns what the
 * first call stored, with `alreadyPersisted: true`. The envelope is validated before any SQL and
 * every listing before its row is written; listings go through COPY; the scrape is assessed
 * (./assess.ts) before its row is written.
 *
 * Round trips: BEGIN with the id reservation, COPY of the listings, COPY of the snapshots, the
 * claim with the scrape's counts in one statement, COMMIT.
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
    // The fields every listing and snapshot row of the scrape shares, encoded once.
    const prefix = listingCopyPrefix(capturedAt, eventId, marketplace, scrapeRef);
    const contents =
      fetched.kind === 'listings' ? await copyValidListings(client, fetched.listings, prefix) : summaryContents(fetched.summary);
    const { snapshots, rejected, rejectedCount, listingsStored } = contents;
    if (snapshots.length > 0)
      await copyRows(client, 'ticket_snapshots', SNAPSHOT_COLUMNS, snapshots.length, (i) => snapshotCopyLine(prefix, snapshots[i]!));
    // The previous scrape's count matters only for an empty one: looked up then, not on every scrape.
    const previousStored =
      fetched.kind === 'listings' && listingsStored === 0 ? await previousListingsStored(client, eventId, marketplace, capturedAt) : null;
    const { lowestPrice, allInLowestPrice, items, skippedByReason, health, eventStatus } = assessContents(
      fetched,
      contents,
      previousStored,
      input.health ?? DEFAULT_SCRAPE_HEALTH,
    );
    const claimed = await claimAndFinishScrape(client, {
      id: scrapeRef,
      scrapeKey: scrapeId,
      eventId,
      marketplace,
      capturedAt,
      kind: fetched.kind,
      listingsStored,
      listingsRejected: rejectedCount,
      rejected,
      snapshots: snapshots.length,
      lowestPrice,
      allInLowestPrice,
      items,
      listingsDeclared: fetched.declared?.listings ?? null,
      skippedByReason,
      health,
      eventStatus,
      eventStartsAt: fetched.eventStatus?.startsAt ?? null,
      notGiven: (fetched.notGiven ?? []).slice(0, MAX_REJECTED_REPORTED),
    });
    if (!claimed) {
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
      allInLowestPrice,
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

/** A scrape found stored: what persistScrape returned the first time, its capture time and kind. */
export interface PersistedScrape {
  result: PersistScrapeResult;
  capturedAt: Date;
  kind: 'listings' | 'summary';
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
): Promise<PersistedScrape | null> {
  const row = await storedCapture(db, scrapeId);
  if (!row) return null;
  return { result: await storedResult(db, scrapeId, eventId, marketplace), capturedAt: row.captured_at, kind: row.kind };
}

async function storedResult(
  client: Pick<Db, 'query'>,
  scrapeId: string,
  eventId: number,
  marketplace: MarketplaceName,
): Promise<PersistScrapeResult> {
  const row = await storedScrapeRow(client, scrapeId);
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
    allInLowestPrice: row.all_in_lowest_price === null ? null : Number(row.all_in_lowest_price),
    alreadyPersisted: true,
    items: row.items_in_payload,
    skippedByReason: row.skipped_by_reason,
    health: { status: row.health, reason: row.health_reason, examples: row.health === 'format-drift' ? row.rejected.slice(0, 5) : [] },
    eventStatus: row.event_status,
  };
}
