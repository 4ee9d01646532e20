import type { Db } from '../db/pool';
import type { MarketplaceName, SkippedRecord } from '../domain/listing';
import type { ScrapeHealthSettings } from '../domain/scrape-health';
import type { Logger } from '../logging/logger';
import type { MarketplaceAdapter } from '../marketplaces/index';

/** What a scrape runs with. */
export interface ScrapeDeps {
  db: Db;
  adapter: MarketplaceAdapter;
  logger: Logger;
  /** Thresholds of format drift and empty scrapes (SCRAPE_DRIFT_* settings); defaults when absent. */
  health?: ScrapeHealthSettings;
}

/** The steps during which a live attempt shows it is alive (the heartbeat's detail). */
export type LiveStep = 'fetching' | 'persisting' | 'evaluating';

/**
 * What the pipeline needs from the attempt that runs it: the Temporal activity's context, given
 * by src/activities/scrape.ts (nothing under src/scrape imports Temporal).
 */
export interface ScrapeAttempt {
  /** The attempt's number, 1 for the first: a later one looks for what an earlier one stored. */
  number: number;
  /** Aborted when the attempt is cancelled (the fetch stops). */
  signal: AbortSignal;
  /** Until when (epoch ms) a step starting now may wait out an unreachable database. */
  databaseDeadline(): number;
  /** Told how long (ms) the database has been unreachable, at each retry. */
  waitingForDatabase(waitedMs: number): void;
  /** Runs the live steps (fetch, store, evaluate) and keeps the attempt alive meanwhile; `step` names the one running. */
  keepAlive<T>(work: (step: (name: LiveStep) => void) => Promise<T>): Promise<T>;
  /** The error a failed fetch ends the attempt with (the marketplace's answer decides the retry). */
  fetchFailure(err: unknown): Error;
  /** The error a format-drift scrape ends the attempt with (stored, but a failure that is not retried). */
  formatDriftFailure(drift: FormatDrift): Error;
}

/** A scrape stored and marked, but a failure: its payload no longer matches the marketplace's format. */
export interface FormatDrift {
  /** What the attempt's error says, and what is recorded: the reason with a few examples. */
  message: string;
  /** The failure's detail, for the workflow's report of the drift. */
  details: {
    marketplace: MarketplaceName;
    eventId: number;
    scrapeId: string;
    reason: string | null;
    examples: SkippedRecord[];
    skippedByReason: { kind: string; count: number }[];
  };
}
