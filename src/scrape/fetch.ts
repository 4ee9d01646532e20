import type { ScrapeInput } from '../domain/listing';
import { recordScrapeError } from '../db/cycles';
import type { FetchedPrices } from '../domain/listing';
import type { ScrapeAttempt, ScrapeDeps } from './attempt';

/**
 * Records a failed attempt of this scrape (scrape_errors, counted in the error rate) with the
 * attempt's number. Never rejects: a failure to record is logged.
 */
export type RecordFailure = (message: string) => Promise<unknown>;

export function failureRecorder(
  { db, logger }: ScrapeDeps,
  { cycleId, eventId, marketplace }: ScrapeInput,
  attempt: number,
): RecordFailure {
  return (message) =>
    recordScrapeError(db, { cycleId, eventId, marketplace, attempt, message, at: new Date() }).catch((recordErr: unknown) =>
      logger.warn('could not record a scrape error', { err: recordErr }),
    );
}

/**
 * The fetch step: the event's prices from the marketplace. A failure is recorded and thrown as
 * the attempt's fetchFailure.
 */
export async function fetchPrices(
  { adapter }: ScrapeDeps,
  { marketplace, marketplaceEventId }: ScrapeInput,
  attempt: ScrapeAttempt,
  recordFailure: RecordFailure,
): Promise<FetchedPrices> {
  try {
    return await adapter.fetchPrices(marketplaceEventId, attempt.signal);
  } catch (err) {
    // The marketplace's answer decides the retry: Retry-After, or non-retryable for 4xx and bad payloads.
    const failure = attempt.fetchFailure(err);
    await recordFailure(`${marketplace} ${marketplaceEventId}: ${failure.message}`);
    throw failure;
  }
}
