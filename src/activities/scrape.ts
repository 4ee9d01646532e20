import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { waitingOutDatabase } from '../db/unavailable';
import type { StoredScrapeRef } from '../domain/tracker';
import { runScrape, type LiveStep, type ScrapeAttempt, type ScrapeDeps } from '../scrape';
import { toActivityFailure } from './failures';
import type { ScrapeInput } from './types';

/** Failure type of a scrape whose payload no longer matches the marketplace's format (see domain/scrape-health). */
export const FORMAT_DRIFT_FAILURE = 'MarketplaceFormatDrift';

/** How often a running fetch heartbeats (the workflow's heartbeatTimeout is a few times this). */
export const HEARTBEAT_EVERY_MS = 5_000;

// Where the store step and request pacing share it (src/db/unavailable.ts); tests import it from here.
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

export type FetchActivityDeps = ScrapeDeps;

/**
 * The scrape pipeline's view of the running activity attempt: its number, cancellation,
 * deadlines and heartbeats, and the Temporal failures a fetch and a format drift end it with.
 */
function scrapeAttempt(ctx: Context): ScrapeAttempt {
  return {
    number: ctx.info.attempt,
    signal: ctx.cancellationSignal,
    databaseDeadline: () => persistDeadline(ctx.info.startToCloseTimeoutMs),
    waitingForDatabase: (waited) => ctx.heartbeat(`waiting for the database (${Math.round(waited / 1000)} s)`),
    // A live worker says so every few seconds, so the heartbeat timeout can be short: an attempt
    // on a worker that was killed is retried elsewhere within that timeout, not after minutes.
    // None is sent before the first tick: a fetch that ends sooner (nearly all) costs no
    // heartbeat round trip.
    async keepAlive(work) {
      let phase: LiveStep = 'fetching';
      const alive = setInterval(() => ctx.heartbeat(phase), HEARTBEAT_EVERY_MS);
      try {
        return await work((step) => (phase = step));
      } finally {
        clearInterval(alive);
      }
    },
    fetchFailure: toActivityFailure,
    formatDriftFailure: ({ message, details }) =>
      ApplicationFailure.create({ message, type: FORMAT_DRIFT_FAILURE, nonRetryable: true, details: [details] }),
  };
}

/** The activity on each marketplace's own task queue, rate-limited there across every worker. */
export function fetchActivities(deps: FetchActivityDeps) {
  const scrape = async (input: ScrapeInput): Promise<StoredScrapeRef> => runScrape(deps, input, scrapeAttempt(Context.current()));
  return {
    /**
     * Fetches one event's prices from the marketplace and stores them (listings and snapshots) under
     * `scrapeId`; returns a reference and a summary, never the listings (claim check). The
     * pipeline is src/scrape (runScrape); a failed fetch fails with toActivityFailure, a format
     * drift with FORMAT_DRIFT_FAILURE (not retried).
     */
    scrape,
  };
}
