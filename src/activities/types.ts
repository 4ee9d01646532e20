import type { AlertChannel } from '../alerts/channel';
import type { Env } from '../config';
import type { Db } from '../db/pool';
import type { EventMarketplaceId, MarketplaceName } from '../domain/listing';
import type { Logger } from '../logging/logger';
import type { CycleSummary, DueEvent, ScrapeEvaluationSummary, StoredScrapeRef } from '../domain/tracker';

/**
 * The activity contracts workflows call through typed proxies. Implementations live beside
 * this file and are checked against these with `satisfies`.
 */
export interface CatalogSyncSummary {
  /** Where the catalog was read from (CatalogReader.origin). */
  origin: string;
  added: number;
  updated: number;
  unchanged: number;
  untracked: number;
  invalid: number;
}

/** Activities on the main task queue (database work). */
export interface MainActivities {
  recordSelfCheck(input: {
    workflowId: string;
    runId: string;
  }): Promise<{ workflowId: string; checkedAt: string; workerIdentity: string; totalChecks: number }>;
  syncCatalog(): Promise<CatalogSyncSummary>;
  listDueEvents(): Promise<DueEvent[]>;
  /** The named events (tracked or not) with their ids on the marketplaces this deployment scrapes. */
  loadEvents(input: { ids: number[] }): Promise<DueEvent[]>;
  startCycle(input: { cycleId: string; startedAt: string }): Promise<void>;
  finishCycle(input: { summary: CycleSummary }): Promise<void>;
  recordScrapeFailure(input: {
    cycleId: string;
    eventId: number;
    marketplace: MarketplaceName;
    attempt: number;
    message: string;
  }): Promise<void>;
  /** A format-drift failure: one operator alert per marketplace per hour (later ones in the hour are only recorded). */
  reportFormatDrift(input: {
    marketplace: MarketplaceName;
    eventId: number;
    message: string;
    /** 'workflow': only record the alert; the caller starts its delivery (deliverAlerts). */
    deliver?: 'workflow';
  }): Promise<OperatorAlertResult>;
  markScraped(input: { eventId: number; marketplace: MarketplaceName; ok: boolean }): Promise<void>;
  detectPriceChanges(ref: StoredScrapeRef): Promise<{ previousLowest: number | null; changePercent: number | null }>;
  checkErrorRate(input: {
    threshold: number;
    windowMinutes: number;
    deliver?: 'workflow';
  }): Promise<OperatorAlertResult & { errors: number }>;
  /**
   * After a stored scrape, as a local activity: what `scrape` does itself in the same attempt
   * (evaluateStoredScrape), run by the workflow only when the scrape's result carries no
   * evaluation (it failed there, or the history was recorded before). Returns the firings to deliver.
   */
  evaluateScrape(input: { ref: StoredScrapeRef }): Promise<ScrapeEvaluationSummary>;
  /** One alert on one channel (see activities/alerts.ts): throws for 'retry' (retryable) and 'permanent' (not). */
  deliverAlert(input: { alertId: number; channel: string }): Promise<{ channel: string; outcome: 'delivered' | 'skipped'; detail: string }>;
  rollupHourly(input: { from: string; to: string }): Promise<{ rows: number }>;
  rollupDaily(input: { from: string; to: string }): Promise<{ rows: number }>;
  /** Rolls up the hours and days marked since the last rollup (db/rollup refreshRollups); rows written per level. */
  refreshRollups(): Promise<{ hourlyRows: number; dailyRows: number }>;
  applyRetention(input: { now: string }): Promise<Record<string, number>>;
}

/** The activity on each marketplace's own task queue, rate-limited there across every worker. */
export interface MarketplaceActivities {
  /**
   * Fetches one event's prices from the marketplace and stores them (listings and snapshots) under
   * `scrapeId`; returns a reference and a summary, never the listings (claim check).
   */
  scrape(input: ScrapeInput): Promise<StoredScrapeRef>;
  /**
   * The same activity under its name before the glossary's (`jobId` for `cycleId`): scrapeEvent
   * histories recorded before the `scrape-activity` patch schedule it, so workers keep it until
   * no such workflow is open. New code calls `scrape`.
   * @deprecated
   */
  fetchListings(input: LegacyFetchListingsInput): Promise<StoredScrapeRef>;
}

/** One event on one marketplace, in one cycle: the ids travel as they are, nothing is parsed back out of another. */
export interface ScrapeInput extends EventMarketplaceId {
  /** The scrape's key (scrapeIdFor): every row it stores carries it, so a retry never duplicates one. */
  scrapeId: string;
  /** The cycle's id (cycles.cycle_id) that failed attempts are recorded under. */
  cycleId: string;
  eventId: number;
}

/** ScrapeInput as recorded before the rename. */
export interface LegacyFetchListingsInput extends Omit<ScrapeInput, 'cycleId'> {
  jobId: string;
}

/** `ticket-tracker-stubhub` and so on: one queue per marketplace so each has its own rate limit. */
export function marketplaceTaskQueue(mainTaskQueue: string, marketplace: MarketplaceName): string {
  return `${mainTaskQueue}-${marketplace}`;
}

/** What the main queue's activities are built from. */
export interface ActivityDeps {
  db: Db;
  env: Env;
  logger: Logger;
  /** Marketplaces this deployment scrapes; events' other marketplace ids are left alone. */
  enabledMarketplaces: readonly MarketplaceName[];
  /** The alert channels; by default those the settings configure (src/alerts/channel.ts). */
  channels?: () => readonly AlertChannel[];
}

/** An operator alert raised (or not: already raised in its window); with the id and channels to deliver it on. */
export interface OperatorAlertResult {
  alerted: boolean;
  alertId?: number;
  dedupeKey?: string;
  channels?: string[];
}

/**
 * The operator alert ("channel X is broken") a permanent delivery failure raised, carried as the
 * first detail of the DELIVERY_PERMANENT_FAILURE (`{ operatorAlert }`): recorded by the activity,
 * delivered by a deliverAlerts child the workflow starts (on every other configured channel).
 */
export interface OperatorAlertToDeliver {
  alertId: number;
  dedupeKey: string;
  channels: string[];
}
