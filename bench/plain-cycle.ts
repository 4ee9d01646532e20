import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities, createMarketplaceActivities, type MarketplaceActivities } from '../src/activities/index';
import type { Env } from '../src/config';
import type { Db } from '../src/db/pool';
import type { MarketplaceName } from '../src/domain/listing';
import { scrapeHealthSettings } from '../src/domain/scrape-health';
import { scrapeIdFor, type CycleSummary, type DueEvent } from '../src/domain/tracker';
import type { Logger } from '../src/logging/logger';
import type { MarketplaceAdapter } from '../src/marketplaces/index';

/**
 * The cycle bench's plain loop: one scrape cycle without Temporal, made of the product's own
 * activity functions (src/activities), called in-process in the order the cycle's workflows call
 * them: startCycle, listDueEvents (or loadEvents), then per event and marketplace `scrape` (fetch,
 * parse, store, price changes, the alert rules and their firings, the scraped mark: the work of
 * the activity itself, so a change there shows on both sides), `evaluateScrape` when a scrape
 * comes back without its evaluation, `deliverAlert` on each channel of each firing (what the
 * deliverAlerts child runs), then finishCycle, checkErrorRate (and its alert's delivery) and
 * refreshRollups. At most `fanout` events in flight, as the cycle's children.
 *
 * Activities that read their context (heartbeats, attempt, timeouts) get one from
 * @temporalio/testing's MockActivityEnvironment: no server, no task queue; attempt 1 and the
 * workflows' startToClose timeouts.
 */
export interface PlainCycleDeps {
  db: Db;
  env: Env;
  logger: Logger;
  adapters: ReadonlyMap<MarketplaceName, MarketplaceAdapter>;
}

/** startToClose of each activity as the workflows set it (persistDeadline reads the scrape's). */
const SCRAPE_START_TO_CLOSE_MS = 120_000;
const MAIN_START_TO_CLOSE_MS = 60_000;

export interface PlainCycle {
  /** One cycle; resolves to its wall seconds and its summary as finishCycle recorded it. */
  run(opts: { cycleId: string; cycle: number; fanout: number; errorAlertThreshold: number; eventIds?: number[] }): Promise<{
    seconds: number;
    summary: CycleSummary;
  }>;
}

export function plainCycle(deps: PlainCycleDeps): PlainCycle {
  const main = createActivities({ db: deps.db, env: deps.env, logger: deps.logger, enabledMarketplaces: [...deps.adapters.keys()] });
  const fetchers = new Map<MarketplaceName, MarketplaceActivities>(
    [...deps.adapters].map(([name, adapter]) => [
      name,
      createMarketplaceActivities({ db: deps.db, adapter, logger: deps.logger, health: scrapeHealthSettings(deps.env) }),
    ]),
  );
  const sdkLogger = new DefaultLogger('ERROR');
  // The activity functions read their context from async storage: called inside `fn`, they find it.
  const inActivity = <R>(startToCloseTimeoutMs: number, fn: () => Promise<R>): Promise<R> =>
    new MockActivityEnvironment({ startToCloseTimeoutMs }, { logger: sdkLogger }).run(fn);
  const mainActivity = <R>(fn: () => Promise<R>): Promise<R> => inActivity(MAIN_START_TO_CLOSE_MS, fn);
  const deliver = async (alertId: number, channels: readonly string[]): Promise<void> => {
    await Promise.all(channels.map((channel) => mainActivity(() => main.deliverAlert({ alertId, channel }))));
  };

  async function scrapeOne(event: DueEvent, cycleId: string): Promise<{ ok: number; failed: number; listings: number }> {
    let ok = 0;
    let failed = 0;
    let listings = 0;
    await Promise.all(
      event.marketplaceIds.map(async ({ marketplace, marketplaceEventId }) => {
        const fetcher = fetchers.get(marketplace);
        if (!fetcher) return;
        try {
          const scrapeId = scrapeIdFor(cycleId, event.id, marketplace);
          const ref = await inActivity(SCRAPE_START_TO_CLOSE_MS, () =>
            fetcher.scrape({ scrapeId, cycleId, eventId: event.id, marketplace, marketplaceEventId }),
          );
          const evaluation = ref.evaluation ?? (await mainActivity(() => main.evaluateScrape({ ref })));
          for (const firing of evaluation.firings) await deliver(firing.alertId, firing.channels);
          ok++;
          listings += ref.listingsStored;
        } catch (err) {
          // The product records a failed marketplace and goes on; here a failure is counted.
          deps.logger.warn(`plain loop: ${marketplace} ${marketplaceEventId}: ${(err as Error).message}`);
          failed++;
        }
      }),
    );
    return { ok, failed, listings };
  }

  return {
    async run({ cycleId, cycle, fanout, errorAlertThreshold, eventIds }) {
      const started = process.hrtime.bigint();
      const startedAt = new Date().toISOString();
      await mainActivity(() => main.startCycle({ cycleId, startedAt }));
      const due = await mainActivity(() => (eventIds ? main.loadEvents({ ids: eventIds }) : main.listDueEvents()));
      const results: { ok: number; failed: number; listings: number }[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(fanout, due.length) }, async () => {
          while (next < due.length) {
            const i = next++;
            results[i] = await scrapeOne(due[i]!, cycleId);
          }
        }),
      );
      const summary: CycleSummary = {
        cycle,
        cycleId,
        startedAt,
        finishedAt: new Date().toISOString(),
        eventsDue: due.length,
        eventsScraped: results.filter((r) => r.ok > 0).length,
        eventsFailed: results.filter((r) => r.ok === 0).length,
        marketplacesOk: results.reduce((n, r) => n + r.ok, 0),
        marketplacesFailed: results.reduce((n, r) => n + r.failed, 0),
        listingsStored: results.reduce((n, r) => n + r.listings, 0),
        catalogError: null,
      };
      await mainActivity(() => main.finishCycle({ summary }));
      const rate = await mainActivity(() => main.checkErrorRate({ threshold: errorAlertThreshold, windowMinutes: 60 }));
      if (rate.alertId !== undefined) await deliver(rate.alertId, rate.channels ?? []);
      await mainActivity(() => main.refreshRollups());
      return { seconds: Number(process.hrtime.bigint() - started) / 1e9, summary };
    },
  };
}
