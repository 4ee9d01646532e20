import type { ScrapeInput } from '../domain/listing';
import type { StoredScrapeRef } from '../domain/tracker';
import type { ScrapeAttempt, ScrapeDeps } from './attempt';
import { evaluateInAttempt } from './evaluate';
import { failureRecorder, fetchPrices } from './fetch';
import { formatDrift, logSkipped, storedRef } from './report';
import { storedBefore, storeFetched } from './store';

export type { FormatDrift, LiveStep, ScrapeAttempt, ScrapeDeps } from './attempt';

/**
 * One scrape of one event on one marketplace, top to bottom:
 *
 *   fetch     the prices from the marketplace (./fetch.ts)
 *   store     listings and snapshots, validated and assessed (./assess.ts, pure) in one
 *             transaction, idempotent by scrape key (./store.ts)
 *   evaluate  price changes and alert rules (./evaluate.ts)
 *   report    the reference the workflow gets, or the format drift (./report.ts)
 *
 * The SQL is under ./queries. Claim check: the listings go straight from the marketplace into
 * PostgreSQL under the scrape id; the workflow gets a reference and a summary. A retry after the
 * commit writes nothing (persistScrape is idempotent by scrape id). Each failed attempt is
 * recorded with its number. The Temporal side (heartbeats, deadlines, failures) is `attempt`,
 * given by the activity (src/activities/scrape.ts).
 *
 * @throws attempt.fetchFailure(err) when the fetch fails; attempt.formatDriftFailure for a
 * drifted scrape (stored and marked); the database's error when storing fails.
 */
export async function runScrape(deps: ScrapeDeps, input: ScrapeInput, attempt: ScrapeAttempt): Promise<StoredScrapeRef> {
  const recordFailure = failureRecorder(deps, input, attempt.number);
  if (attempt.number > 1) {
    const kept = await keptByEarlierAttempt(deps, input, attempt);
    if (kept) return kept;
  }

  const { fetched, capturedAt, stored, evaluation } = await attempt.keepAlive(async (step) => {
    step('fetching');
    const fetched = await fetchPrices(deps, input, attempt, recordFailure);
    step('persisting');
    const capturedAt = new Date();
    const stored = await storeFetched(deps, input, capturedAt, fetched, attempt, recordFailure);
    // A drifted scrape fails below without an evaluation (the workflow reports the drift).
    if (stored.health.status === 'format-drift') return { fetched, capturedAt, stored, evaluation: undefined };
    step('evaluating');
    const evaluation = await evaluateInAttempt(deps, input, attempt.databaseDeadline(), attempt);
    return { fetched, capturedAt, stored, evaluation };
  });

  logSkipped(deps.logger, input, fetched, stored);
  if (stored.health.status === 'format-drift') {
    // Stored and marked (what parsed is real data), but the scrape is a failure: recorded
    // as an error (counted in the error rate) and thrown without retry, since a second
    // fetch of the same format would lose the same listings.
    const drift = formatDrift(input, stored);
    await recordFailure(drift.message);
    throw attempt.formatDriftFailure(drift);
  }
  if (stored.health.status === 'empty')
    await recordFailure(`${input.marketplace} ${input.marketplaceEventId}: empty scrape: ${stored.health.reason ?? ''}`);
  return storedRef(input, { capturedAt, kind: fetched.kind, stored, parserSkipped: fetched.skipped.length, evaluation });
}

/**
 * A retry after the commit (the worker died, or its completion was lost) returns what is stored:
 * the marketplace is not asked again, and cannot fail a scrape that is already kept. Null when
 * nothing is stored yet, or when the stored scrape drifted: that one goes the whole way again,
 * to fail the same way.
 */
async function keptByEarlierAttempt(deps: ScrapeDeps, input: ScrapeInput, attempt: ScrapeAttempt): Promise<StoredScrapeRef | null> {
  const deadline = attempt.databaseDeadline();
  const done = await storedBefore(deps, input, deadline, attempt);
  if (!done || done.result.health.status === 'format-drift') return null;
  const evaluation = await evaluateInAttempt(deps, input, deadline, attempt);
  return storedRef(input, { capturedAt: done.capturedAt, kind: done.kind, stored: done.result, parserSkipped: 0, evaluation });
}
