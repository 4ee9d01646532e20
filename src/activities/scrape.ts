import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { persistScrape, type PersistScrapeResult } from '../db/ingest';
import type { Db } from '../db/pool';
import { recordScrapeError } from '../db/cycles';
import type { FetchedPrices } from '../domain/listing';
import { DEFAULT_SCRAPE_HEALTH, type ScrapeHealthSettings } from '../domain/scrape-health';
import type { StoredScrapeRef } from '../domain/tracker';
import type { Logger } from '../logging/logger';
import { toActivityFailure, type MarketplaceAdapter } from '../sources';
import type { LegacyFetchListingsInput, MainActivities, MarketplaceActivities, ScrapeInput } from './types';

/**
 * Seconds between heartbeats of a fetch. None is sent before the first tick: a fetch that ends
 * sooner (nearly all) costs no heartbeat round trip (Core sends a first heartbeat at once, and the
 * server writes each one), while a long one still proves it is alive well within the workflow's
 * heartbeat timeout and still hears of cancellation.
 */
export const FETCH_HEARTBEAT_EVERY_MS = 10_000;

/** Failure type of a scrape whose payload no longer matches the marketplace's format (see domain/scrape-health). */
export const FORMAT_DRIFT_FAILURE = 'MarketplaceFormatDrift';

export interface FetchActivityDeps {
  db: Db;
  adapter: MarketplaceAdapter;
  logger: Logger;
  /** Thresholds of format drift and empty scrapes (SCRAPE_DRIFT_* settings); defaults when absent. */
  health?: ScrapeHealthSettings;
}

export function fetchActivities({ db, adapter, logger, health = DEFAULT_SCRAPE_HEALTH }: FetchActivityDeps): MarketplaceActivities {
  const activities = {
    /**
     * Claim check: the listings go straight from the marketplace into PostgreSQL under the scrape
     * id; the workflow gets a reference and a summary. A retry after the commit writes nothing
     * (persistScrape is idempotent by scrape id). Each failed attempt is recorded with its number.
     */
    async scrape({ scrapeId, cycleId, eventId, marketplace, marketplaceEventId }: ScrapeInput): Promise<StoredScrapeRef> {
      const ctx = Context.current();
      const record = (message: string): Promise<unknown> =>
        recordScrapeError(db, { cycleId, eventId, marketplace, attempt: ctx.info.attempt, message, at: new Date() }).catch(
          (recordErr: unknown) => logger.warn('could not record a scrape error', { err: recordErr }),
        );

      let phase: 'fetching' | 'persisting' = 'fetching';
      const ticker = setInterval(() => ctx.heartbeat(phase), FETCH_HEARTBEAT_EVERY_MS);
      let fetched: FetchedPrices;
      let stored: PersistScrapeResult;
      let capturedAt: Date;
      try {
        try {
          fetched = await adapter.fetchPrices(marketplaceEventId, ctx.cancellationSignal);
        } catch (err) {
          // The marketplace's answer decides the retry: Retry-After, or non-retryable for 4xx and bad payloads.
          const failure = toActivityFailure(err);
          await record(`${marketplace} ${marketplaceEventId}: ${failure.message}`);
          throw failure;
        }
        phase = 'persisting';
        capturedAt = new Date();
        try {
          stored = await persistScrape(db, { scrapeId, eventId, marketplace, capturedAt, fetched, health });
        } catch (err) {
          // A database error is retried by the activity's policy; the fetch is repeated, which is cheap.
          await record(`${marketplace} ${marketplaceEventId}: storing the scrape failed: ${(err as Error).message}`);
          throw err;
        }
      } finally {
        clearInterval(ticker);
      }
      const skipped = fetched.skipped.length;
      if (skipped + stored.listingsRejected > 0) {
        logger.warn(
          `${marketplace} ${marketplaceEventId}: ${skipped} malformed and ${stored.listingsRejected} invalid listing(s) skipped`,
          {
            scrapeId,
            examples: [...fetched.skipped, ...stored.rejected].slice(0, 5),
          },
        );
      }
      if (stored.health.status === 'format-drift') {
        // Stored and marked (what parsed is real data), but the scrape is a failure: recorded
        // as an error (counted in the error rate) and thrown without retry, since a second
        // fetch of the same format would lose the same listings.
        const examples = stored.health.examples.map((e) => `${e.path}: ${e.reason}`).join('; ');
        const message = `${marketplace} ${marketplaceEventId}: ${stored.health.reason ?? 'format drift'}${examples ? ` (e.g. ${examples})` : ''}`;
        await record(message);
        throw ApplicationFailure.create({
          message,
          type: FORMAT_DRIFT_FAILURE,
          nonRetryable: true,
          details: [
            {
              marketplace,
              eventId,
              scrapeId,
              reason: stored.health.reason,
              examples: stored.health.examples,
              skippedByReason: stored.skippedByReason,
            },
          ],
        });
      }
      if (stored.health.status === 'empty')
        await record(`${marketplace} ${marketplaceEventId}: empty scrape: ${stored.health.reason ?? ''}`);
      return {
        scrapeId,
        eventId,
        marketplace,
        capturedAt: capturedAt.toISOString(),
        kind: fetched.kind,
        listingsStored: stored.listingsStored,
        listingsRejected: stored.listingsRejected + skipped,
        snapshots: stored.snapshots,
        lowestPrice: stored.lowestPrice,
        alreadyPersisted: stored.alreadyPersisted,
        items: stored.items,
        health: stored.health.status,
        healthReason: stored.health.reason,
      };
    },
  };
  return {
    scrape: activities.scrape,
    fetchListings: ({ jobId, ...rest }: LegacyFetchListingsInput) => activities.scrape({ ...rest, cycleId: jobId }),
  };
}

export function priceChangeActivities(db: Db): Pick<MainActivities, 'detectPriceChanges'> {
  return {
    /**
     * The lowest price of this scrape against the previous scrape of the same event on the same
     * marketplace. (Alert rules and notifications build on this.)
     */
    async detectPriceChanges(ref) {
      const prev = await db.query<{ lowest_price: string | null }>(
        `SELECT lowest_price FROM scrapes
          WHERE event_id = $1 AND marketplace = $2 AND scrape_key <> $3
            AND captured_at < (SELECT captured_at FROM scrapes WHERE scrape_key = $3)
          ORDER BY captured_at DESC LIMIT 1`,
        [ref.eventId, ref.marketplace, ref.scrapeId],
      );
      const previousLowest = prev.rows[0]?.lowest_price == null ? null : Number(prev.rows[0].lowest_price);
      const changePercent =
        previousLowest !== null && ref.lowestPrice !== null && previousLowest > 0
          ? Math.round(((ref.lowestPrice - previousLowest) / previousLowest) * 10_000) / 100
          : null;
      return { previousLowest, changePercent };
    },
  };
}
