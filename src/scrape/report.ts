import type { ScrapeInput } from '../domain/listing';
import type { FetchedPrices } from '../domain/listing';
import type { ScrapeEvaluationSummary, StoredScrapeRef } from '../domain/tracker';
import type { Logger } from '../logging/logger';
import type { FormatDrift } from './attempt';
import type { PersistScrapeResult } from './store';

/**
 * The last step: what a scrape hands back. The workflow gets a reference and a summary, never the
 * listings (claim check); a drifted scrape becomes a failure with examples.
 */

/** The reference to a stored scrape that the workflow gets, with its summary and evaluation. */
export function storedRef(
  { scrapeId, eventId, marketplace }: ScrapeInput,
  scrape: {
    capturedAt: Date;
    kind: 'listings' | 'summary';
    stored: PersistScrapeResult;
    /** Listings the parser skipped (malformed), counted with the rejected ones. */
    parserSkipped: number;
    evaluation: ScrapeEvaluationSummary | undefined;
  },
): StoredScrapeRef {
  const { stored, evaluation } = scrape;
  return {
    scrapeId,
    eventId,
    marketplace,
    capturedAt: scrape.capturedAt.toISOString(),
    kind: scrape.kind,
    listingsStored: stored.listingsStored,
    listingsRejected: stored.listingsRejected + scrape.parserSkipped,
    snapshots: stored.snapshots,
    lowestPrice: stored.lowestPrice,
    allInLowestPrice: stored.allInLowestPrice,
    alreadyPersisted: stored.alreadyPersisted,
    items: stored.items,
    health: stored.health.status,
    healthReason: stored.health.reason,
    eventStatus: stored.eventStatus,
    ...(evaluation ? { evaluation } : {}),
  };
}

/** Logs the listings a scrape skipped (malformed in the payload, invalid here), with a few examples. */
export function logSkipped(
  logger: Logger,
  { scrapeId, marketplace, marketplaceEventId }: ScrapeInput,
  fetched: FetchedPrices,
  stored: PersistScrapeResult,
): void {
  const skipped = fetched.skipped.length;
  if (skipped + stored.listingsRejected > 0) {
    logger.warn(`${marketplace} ${marketplaceEventId}: ${skipped} malformed and ${stored.listingsRejected} invalid listing(s) skipped`, {
      scrapeId,
      examples: [...fetched.skipped, ...stored.rejected].slice(0, 5),
    });
  }
}

/** The format drift of a scrape whose health mark is 'format-drift'. */
export function formatDrift({ scrapeId, eventId, marketplace, marketplaceEventId }: ScrapeInput, stored: PersistScrapeResult): FormatDrift {
  const examples = stored.health.examples.map((e) => `${e.path}: ${e.reason}`).join('; ');
  const message = `${marketplace} ${marketplaceEventId}: ${stored.health.reason ?? 'format drift'}${examples ? ` (e.g. ${examples})` : ''}`;
  return {
    message,
    details: {
      marketplace,
      eventId,
      scrapeId,
      reason: stored.health.reason,
      examples: stored.health.examples,
      skippedByReason: stored.skippedByReason,
    },
  };
}
