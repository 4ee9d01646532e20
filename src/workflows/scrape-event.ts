import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { MainActivities, MarketplaceActivities } from '../activities';
import { marketplaceTaskQueue } from '../activities/types';
import type { MarketplaceName } from '../domain/listing';
import {
  describeZodError,
  scrapeEventInputSchema,
  scrapeIdFor,
  type MarketplaceOutcome,
  type ScrapeEventInput,
  type ScrapeEventResult,
} from '../domain/tracker';
import { startDelivery } from './deliver-alerts';
import { deprecated } from './deprecated-patches';

// Short database steps run as local activities: no task-queue round trip per step, which is
// most of Temporal's cost per event (see `npm run bench -- cycle`).
const db = proxyLocalActivities<MainActivities>({
  startToCloseTimeout: '1 minute',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Failure type of a format-drift scrape (activities/scrape.ts FORMAT_DRIFT_FAILURE; not imported: activity code stays out of the bundle). */
const FORMAT_DRIFT_FAILURE = 'MarketplaceFormatDrift';

/** Attempts per fetch: the marketplace's own 429/503 Retry-After overrides the backoff in between. */
export const FETCH_MAX_ATTEMPTS = 4;

function fetcherFor(marketplace: MarketplaceName, eventName: string, marketplaceEventId: string): MarketplaceActivities {
  return proxyActivities<MarketplaceActivities>({
    taskQueue: marketplaceTaskQueue(workflowInfo().taskQueue, marketplace),
    // Waiting in the rate-limited queue counts toward scheduleToClose, not startToClose.
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '30 minutes',
    // The fetch heartbeats every 5 s (activities/scrape.ts HEARTBEAT_EVERY_MS): an attempt on a
    // killed worker is retried after 20 s, not a minute (chaos suite, issue 16). Activity options
    // are not compared on replay: histories recorded with '1 minute' still replay.
    heartbeatTimeout: '20 seconds',
    retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: FETCH_MAX_ATTEMPTS },
    summary: `${marketplace} ${marketplaceEventId}: ${eventName}`.slice(0, 200),
  });
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) {
    const cause = err.cause;
    if (cause instanceof TimeoutFailure) return `timed out (${cause.timeoutType})`;
    return cause.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * One event, one cycle: every marketplace of the event is fetched on its own task queue and
 * stored, then checked for price changes. A failing marketplace is recorded and does not fail
 * the event; the result says what happened to each.
 */
export async function scrapeEvent(input: ScrapeEventInput): Promise<ScrapeEventResult> {
  // Parsed although typed: the `temporal` CLI and the Web UI can send any JSON.
  const parsed = scrapeEventInputSchema().safeParse(input);
  if (!parsed.success)
    throw ApplicationFailure.nonRetryable(`invalid scrapeEvent input: ${describeZodError(parsed.error)}`, 'InvalidInput');
  const { event, cycleId, onlyMarketplaces } = parsed.data;
  const marketplaceIds = event.marketplaceIds.filter((m) => !onlyMarketplaces || onlyMarketplaces.includes(m.marketplace));

  const outcomes = await Promise.all(
    marketplaceIds.map(async ({ marketplace, marketplaceEventId }): Promise<MarketplaceOutcome> => {
      const scrapeId = scrapeIdFor(cycleId, event.id, marketplace);
      try {
        const fetcher = fetcherFor(marketplace, event.name, marketplaceEventId);
        const target = { scrapeId, eventId: event.id, marketplace, marketplaceEventId };
        deprecated('scrapeActivity');
        const ref = await fetcher.scrape({ ...target, cycleId });
        deprecated('alerts');
        // Price changes, rules, firings and the scraped mark: done by the scrape activity itself;
        // the local activity only when its result has none (recorded, so replay takes the same
        // branch). Each firing's delivery is an abandoned child, so channels never delay this scrape.
        const change = ref.evaluation ?? (await db.evaluateScrape({ ref }));
        for (const firing of change.firings) await startDelivery(firing.alertId, firing.dedupeKey, firing.channels);
        const mark = ref.health === 'empty' ? 'empty' : null;
        return {
          marketplace,
          ok: true,
          scrapeId,
          listingsStored: ref.listingsStored,
          lowestPrice: ref.lowestPrice,
          // Data only (no command): histories recorded before replay the same.
          ...(ref.allInLowestPrice !== undefined ? { allInLowestPrice: ref.allInLowestPrice } : {}),
          priceChangePercent: change.changePercent,
          // Data only, as above.
          ...(change.allInChangePercent !== undefined ? { allInPriceChangePercent: change.allInChangePercent } : {}),
          error: mark ? (ref.healthReason ?? 'empty scrape') : null,
          ...(mark ? { mark } : {}),
          // Data only (no command): histories recorded before replay the same.
          ...(ref.eventStatus ? { eventStatus: ref.eventStatus } : {}),
        };
      } catch (err) {
        const message = failureMessage(err);
        const drift = err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === FORMAT_DRIFT_FAILURE;
        if (drift) {
          deprecated('alerts');
          const raised = await db.reportFormatDrift({ marketplace, eventId: event.id, message });
          if (raised.alertId !== undefined) await startDelivery(raised.alertId, raised.dedupeKey ?? '', raised.channels ?? []);
        }
        // Failed attempts that reached the activity recorded themselves; a timeout never did.
        if (err instanceof ActivityFailure && err.cause instanceof TimeoutFailure) {
          await db.recordScrapeFailure({
            cycleId,
            eventId: event.id,
            marketplace,
            attempt: FETCH_MAX_ATTEMPTS,
            message: `${marketplace} ${marketplaceEventId}: ${message}`,
          });
        }
        await db.markScraped({ eventId: event.id, marketplace, ok: false });
        return {
          marketplace,
          ok: false,
          scrapeId,
          listingsStored: 0,
          lowestPrice: null,
          priceChangePercent: null,
          error: message,
          ...(drift ? { mark: 'format-drift' as const } : {}),
        };
      }
    }),
  );
  return { eventId: event.id, outcomes };
}
