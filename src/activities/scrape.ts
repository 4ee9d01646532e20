import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { findPersistedScrape, persistScrape, type PersistScrapeResult } from '../db/ingest';
import type { Db } from '../db/pool';
import { recordScrapeError } from '../db/cycles';
import { evaluateStoredScrape } from './alerts';
import { waitingOutDatabase } from '../db/unavailable';
import type { FetchedPrices } from '../domain/listing';
import { DEFAULT_SCRAPE_HEALTH, type ScrapeHealthSettings } from '../domain/scrape-health';
import type { ScrapeEvaluationSummary, StoredScrapeRef } from '../domain/tracker';
import type { Logger } from '../logging/logger';
import type { MarketplaceAdapter } from '../marketplaces/index';
import { toActivityFailure } from './failures';
import type { LegacyFetchListingsInput, ScrapeInput } from './types';

/** Failure type of a scrape whose payload no longer matches the marketplace's format (see domain/scrape-health). */
export const FORMAT_DRIFT_FAILURE = 'MarketplaceFormatDrift';

/** How often a running fetch heartbeats (the workflow's heartbeatTimeout is a few times this). */
export const HEARTBEAT_EVERY_MS = 5_000;

// Where the persist step and request pacing share it (src/db/unavailable.ts); tests import it from here.
export { waitingOutDatabase };

/** Until when a fetched scrape may wait for the database: 15 s before the attempt's startToClose. */
export function persistDeadline(startToCloseTimeoutMs: number | undefined, now = Date.now()): number {
  return now + Math.max(0, (startToCloseTimeoutMs ?? 120_000) - 15_000);
}

/**
 * Until when (epoch ms) a request of the running fetch may wait for an unreachable database
 * before it can be paced: persistDeadline of the current activity attempt, or of the default
 * startToClose outside an activity.
 */
export function fetchOutageDeadline(): number {
  return persistDeadline(activityContext()?.info.startToCloseTimeoutMs);
}

/** Heartbeats the running activity (none outside one) while a request waits for the database to pace it. */
export function heartbeatWaitingForDatabase(waitedMs: number): void {
  activityContext()?.heartbeat(`waiting for the database to pace a request (${Math.round(waitedMs / 1000)} s)`);
}

/** The current activity's context, or undefined when called outside an activity. */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export interface FetchActivityDeps {
  db: Db;
  adapter: MarketplaceAdapter;
  logger: Logger;
  /** Thresholds of format drift and empty scrapes (SCRAPE_DRIFT_* settings); defaults when absent. */
  health?: ScrapeHealthSettings;
}

/** The activity on each marketplace's own task queue, rate-limited there across every worker. */
export function fetchActivities({ db, adapter, logger, health = DEFAULT_SCRAPE_HEALTH }: FetchActivityDeps) {
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

      // Price changes and alert rules in the same attempt: no local activity, no extra workflow
      // activation and history marker per scrape (issue 17). Idempotent by scrape key. When it
      // fails here, the result goes without `evaluation` and the workflow runs evaluateScrape,
      // with its own retries, as before.
      const evaluated = async (deadline: number): Promise<ScrapeEvaluationSummary | undefined> => {
        try {
          return await waitingOutDatabase(
            () => evaluateStoredScrape(db, logger, { scrapeId, eventId, marketplace }),
            deadline,
            (waited) => ctx.heartbeat(`waiting for the database (${Math.round(waited / 1000)} s)`),
          );
        } catch (err) {
          logger.warn(`${scrapeId}: evaluation left to the workflow: ${(err as Error).message}`, { err });
          return undefined;
        }
      };

      if (ctx.info.attempt > 1) {
        // A retry after the commit (the worker died, or its completion was lost) returns what is
        // stored: the marketplace is not asked again, and cannot fail a scrape that is already kept.
        const deadline = persistDeadline(ctx.info.startToCloseTimeoutMs);
        const done = await waitingOutDatabase(
          () => findPersistedScrape(db, scrapeId, eventId, marketplace),
          deadline,
          (waited) => ctx.heartbeat(`waiting for the database (${Math.round(waited / 1000)} s)`),
        );
        // A format-drift scrape goes the whole way again, to fail the same way.
        if (done && done.result.health.status !== 'format-drift') {
          const evaluation = await evaluated(deadline);
          return {
            scrapeId,
            eventId,
            marketplace,
            capturedAt: done.capturedAt.toISOString(),
            kind: done.kind,
            listingsStored: done.result.listingsStored,
            listingsRejected: done.result.listingsRejected,
            snapshots: done.result.snapshots,
            lowestPrice: done.result.lowestPrice,
            alreadyPersisted: true,
            items: done.result.items,
            health: done.result.health.status,
            healthReason: done.result.health.reason,
            eventStatus: done.result.eventStatus,
            ...(evaluation ? { evaluation } : {}),
          };
        }
      }

      // A live worker says so every few seconds, so the heartbeat timeout can be short: an attempt
      // on a worker that was killed is retried elsewhere within that timeout, not after minutes.
      // None is sent before the first tick: a fetch that ends sooner (nearly all) costs no
      // heartbeat round trip.
      let phase: 'fetching' | 'persisting' | 'evaluating' = 'fetching';
      const alive = setInterval(() => ctx.heartbeat(phase), HEARTBEAT_EVERY_MS);
      let fetched: FetchedPrices;
      let stored: PersistScrapeResult;
      let capturedAt: Date;
      let evaluation: ScrapeEvaluationSummary | undefined;
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
          // While the database is unreachable (stopped, restarting) the listings already fetched
          // wait here rather than fail the attempt: a retry would fetch from the marketplace again
          // because of our own outage, and a one-minute outage would use up FETCH attempts.
          stored = await waitingOutDatabase(
            () => persistScrape(db, { scrapeId, eventId, marketplace, capturedAt, fetched, health }),
            persistDeadline(ctx.info.startToCloseTimeoutMs),
            (waited) => ctx.heartbeat(`waiting for the database (${Math.round(waited / 1000)} s)`),
          );
        } catch (err) {
          // Another database error is retried by the activity's policy; the fetch is repeated, which is cheap.
          await record(`${marketplace} ${marketplaceEventId}: storing the scrape failed: ${(err as Error).message}`);
          throw err;
        }
        // A drifted scrape fails below without an evaluation (the workflow reports the drift).
        if (stored.health.status !== 'format-drift') {
          phase = 'evaluating';
          evaluation = await evaluated(persistDeadline(ctx.info.startToCloseTimeoutMs));
        }
      } finally {
        clearInterval(alive);
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
        eventStatus: stored.eventStatus,
        ...(evaluation ? { evaluation } : {}),
      };
    },
  };
  return {
    /**
     * Fetches one event's prices from the marketplace and stores them (listings and snapshots) under
     * `scrapeId`; returns a reference and a summary, never the listings (claim check).
     */
    scrape: activities.scrape,
    /**
     * The same activity under its name before the glossary's (`jobId` for `cycleId`): scrapeEvent
     * histories recorded before the `scrape-activity` patch schedule it, so workers keep it until
     * no such workflow is open. New code calls `scrape`.
     * @deprecated
     */
    fetchListings: ({ jobId, ...rest }: LegacyFetchListingsInput): Promise<StoredScrapeRef> =>
      activities.scrape({ ...rest, cycleId: jobId }),
  };
}

/** The price change of a stored scrape (the step before alert rules). */
export function priceChangeActivities(db: Db) {
  return {
    /**
     * The lowest price of this scrape against the previous scrape of the same event on the same
     * marketplace. (Alert rules and notifications build on this.)
     */
    async detectPriceChanges(ref: StoredScrapeRef): Promise<{ previousLowest: number | null; changePercent: number | null }> {
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
