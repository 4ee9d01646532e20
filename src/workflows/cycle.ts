import { ActivityFailure, ChildWorkflowFailure, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MainActivities } from '../activities';
import { dueEventSchema, type CycleSummary, type DueEvent, type ScrapeEventResult } from '../domain/tracker';
import { startDelivery } from './deliver-alerts';
import { deprecated } from './deprecated-patches';
import { scrapeEvent } from './scrape-event';

/**
 * One scrape cycle, shared by the tracker loop and one-off scrapes: optionally sync the
 * catalog, take the events, scrape each in a child workflow with bounded fan-out, and record
 * the cycle (cycles). One failing event never fails the cycle.
 */
const db = proxyActivities<MainActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});
const catalog = proxyActivities<MainActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 },
  summary: 'sync the event catalog',
});

const rollups = proxyActivities<MainActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 3 },
  summary: 'roll up the periods this cycle touched',
});

/** Runs `worker` over `items` with at most `limit` in flight (bounded fan-out). */
async function boundedAll<T, R>(items: readonly T[], limit: number, worker: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

export interface CycleOptions {
  cycle: number;
  fanout: number;
  errorAlertThreshold: number;
  /** The tracker syncs the catalog first; a one-off scrape of named events does not. */
  syncCatalog: boolean;
  /** Only these events (one-off scrapes); all due events when absent. */
  eventIds?: number[];
}

export async function runCycle(
  opts: CycleOptions,
): Promise<{ summary: CycleSummary; results: (ScrapeEventResult | null)[]; events: DueEvent[] }> {
  const info = workflowInfo();
  const startedAt = new Date(Date.now()).toISOString();
  const cycleId = `${info.workflowId}/${startedAt}`;
  await db.startCycle({ cycleId, startedAt });

  let catalogError: string | null = null;
  if (opts.syncCatalog) {
    try {
      await catalog.syncCatalog();
    } catch (err) {
      // The events already in the database are still scraped when the sheet cannot be read.
      catalogError = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    }
  }
  const loaded = opts.eventIds ? await db.loadEvents({ ids: opts.eventIds }) : await db.listDueEvents();
  // Parsed: activity results cross the history as plain JSON (dueEventSchema).
  const due: DueEvent[] = dueEventSchema().array().parse(loaded);

  const results = await boundedAll(due, opts.fanout, async (event): Promise<ScrapeEventResult | null> => {
    try {
      return await executeChild(scrapeEvent, {
        workflowId: `scrape/${event.id}/${startedAt}`,
        args: [{ event, cycleId }],
        staticSummary: `${event.name} (event ${event.id}) on ${event.marketplaceIds.map((s) => s.marketplace).join(', ') || 'no marketplace'}`,
        staticDetails: `Cycle ${opts.cycle} of ${info.workflowId}; marketplace ids: ${event.marketplaceIds.map((s) => `${s.marketplace}=${s.marketplaceEventId}`).join(', ')}`,
        memo: { eventId: event.id, eventName: event.name, cycle: opts.cycle },
      });
    } catch (err) {
      if (err instanceof ChildWorkflowFailure) return null; // one failing event never fails the cycle
      throw err;
    }
  });

  const outcomes = results.flatMap((r) => r?.outcomes ?? []);
  const summary: CycleSummary = {
    cycle: opts.cycle,
    cycleId,
    startedAt,
    finishedAt: new Date(Date.now()).toISOString(),
    eventsDue: due.length,
    eventsScraped: results.filter((r) => r !== null && r.outcomes.some((o) => o.ok)).length,
    eventsFailed: results.filter((r) => r === null || (r.outcomes.length > 0 && r.outcomes.every((o) => !o.ok))).length,
    marketplacesOk: outcomes.filter((o) => o.ok).length,
    marketplacesFailed: outcomes.filter((o) => !o.ok).length,
    marketplacesEmpty: outcomes.filter((o) => o.mark === 'empty').length,
    marketplacesDrifted: outcomes.filter((o) => o.mark === 'format-drift').length,
    listingsStored: outcomes.reduce((n, o) => n + o.listingsStored, 0),
    catalogError,
  };
  await db.finishCycle({ summary });
  // The operator's alert travels the price alerts' channels, retried by Temporal (deliverAlerts).
  deprecated('alerts');
  const rate = await db.checkErrorRate({ threshold: opts.errorAlertThreshold, windowMinutes: 60 });
  if (rate.alertId !== undefined) await startDelivery(rate.alertId, rate.dedupeKey ?? '', rate.channels ?? []);
  // One call per cycle rolls up the hours and days its scrapes marked. Readers do not wait for
  // it (history is fresh without it), and the schedules catch up if it fails: never fails a cycle.
  deprecated('rollupsAtCycleEnd');
  try {
    await rollups.refreshRollups();
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
  }
  return { summary, results, events: due };
}
