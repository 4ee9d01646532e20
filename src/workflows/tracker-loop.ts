import {
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  isCancellation,
  proxyActivities,
  setHandler,
  allHandlersFinished,
  workflowInfo,
} from '@temporalio/workflow';
import type { MainActivities } from '../activities/types';
import { nextIntervalMs } from '../domain/schedule';
import {
  describeZodError,
  trackerInputSchema,
  trackerSettingsPatchSchema,
  trackerSettingsSchema,
  type CycleSummary,
  type DueEvent,
  type ScrapeEventResult,
  type TrackerPhase,
  type TrackerSettings,
  type TrackerStatus,
} from '../domain/tracker';
import { scrapeEvent } from './scrape-event';

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Cuts the current sleep short (and runs a cycle even while paused). */
export const scrapeNowSignal = defineSignal('scrapeNow');
export const reconfigureUpdate = defineUpdate<TrackerSettings, [unknown]>('reconfigure');
export const statusQuery = defineQuery<TrackerStatus>('status');

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

/**
 * The deployment's one long-running loop (workflow id `tracker`). Each cycle: sync the catalog,
 * list due events, scrape each in a child workflow with bounded fan-out, record the cycle, then
 * sleep a randomized interval that `scrapeNow` cuts short. Continues as new after every cycle,
 * carrying its settings and state, so its history never grows.
 */
export async function trackerLoop(rawInput: unknown): Promise<TrackerStatus> {
  const parsed = trackerInputSchema.safeParse(rawInput ?? {});
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`invalid trackerLoop input: ${describeZodError(parsed.error)}`, 'InvalidInput');
  }
  let settings = parsed.data.settings;
  const state = parsed.data.state;
  let phase: TrackerPhase = 'starting';
  let nextWakeAt: number | null = null;
  let settingsChanged = false;

  const status = (): TrackerStatus => ({
    phase: state.paused && phase !== 'scraping' ? 'paused' : phase,
    paused: state.paused,
    cycle: state.cycle,
    nextWakeAt: nextWakeAt === null ? null : new Date(nextWakeAt).toISOString(),
    settings,
    lastCycle: state.lastCycle,
  });
  setHandler(statusQuery, status);
  setHandler(pauseSignal, () => void (state.paused = true));
  setHandler(resumeSignal, () => void (state.paused = false));
  setHandler(scrapeNowSignal, () => void (state.runNow = true));
  setHandler(
    reconfigureUpdate,
    (patch) => {
      settings = trackerSettingsSchema.parse({ ...settings, ...trackerSettingsPatchSchema.parse(patch) });
      settingsChanged = true;
      return settings;
    },
    {
      // Rejected updates never reach history: the caller gets the reason, the loop is untouched.
      validator: (patch) => {
        const p = trackerSettingsPatchSchema.safeParse(patch);
        if (!p.success) throw new Error(`invalid settings: ${describeZodError(p.error)}`);
        const merged = trackerSettingsSchema.safeParse({ ...settings, ...p.data });
        if (!merged.success) throw new Error(`invalid settings: ${describeZodError(merged.error)}`);
      },
    },
  );

  try {
    // A paused tracker waits here (across continue-as-new too) until resumed or asked to scrape now.
    await condition(() => !state.paused || state.runNow);
    state.runNow = false;
    phase = 'scraping';
    state.lastCycle = await runCycle(state.cycle + 1, settings);
    state.cycle += 1;

    phase = 'sleeping';
    const cycleEnd = Date.now();
    nextWakeAt = cycleEnd + nextIntervalMs(settings, Math.random);
    while (!state.runNow && Date.now() < nextWakeAt) {
      await condition(() => state.runNow || settingsChanged, nextWakeAt - Date.now());
      if (settingsChanged) {
        // New settings apply to the sleep in progress: redraw it from the end of the cycle.
        settingsChanged = false;
        nextWakeAt = cycleEnd + nextIntervalMs(settings, Math.random);
      }
    }
  } catch (err) {
    if (isCancellation(err)) {
      phase = 'starting';
      return status(); // `tracker stop`: end quietly with the last status as the result
    }
    throw err;
  }
  // Let signal and update handlers finish so nothing is lost across continue-as-new.
  await condition(allHandlersFinished);
  // A scrapeNow that arrived during the sleep carries over (state.runNow) as an immediate cycle.
  return continueAsNew<typeof trackerLoop>({ settings, state });
}

async function runCycle(cycle: number, settings: TrackerSettings): Promise<CycleSummary> {
  const info = workflowInfo();
  const startedAt = new Date(Date.now()).toISOString();
  const jobId = `${info.workflowId}/${startedAt}`;
  await db.startCycle({ jobId, startedAt });

  let catalogError: string | null = null;
  try {
    await catalog.syncCatalog();
  } catch (err) {
    // The events already in the database are still scraped when the sheet cannot be read.
    catalogError = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  }
  const due: DueEvent[] = await db.listDueEvents();

  const results = await boundedAll(due, settings.fanout, async (event): Promise<ScrapeEventResult | null> => {
    try {
      return await executeChild(scrapeEvent, {
        workflowId: `scrape/${event.id}/${startedAt}`,
        args: [{ event, jobId }],
        staticSummary: `${event.name} (event ${event.id}) on ${event.sources.map((s) => s.marketplace).join(', ') || 'no marketplace'}`,
        staticDetails: `Cycle ${cycle} of ${info.workflowId}; marketplace ids: ${event.sources.map((s) => `${s.marketplace}=${s.marketplaceEventId}`).join(', ')}`,
        memo: { eventId: event.id, eventName: event.name, cycle },
      });
    } catch (err) {
      if (err instanceof ChildWorkflowFailure) return null; // one failing event never fails the cycle
      throw err;
    }
  });

  const outcomes = results.flatMap((r) => r?.outcomes ?? []);
  const summary: CycleSummary = {
    cycle,
    jobId,
    startedAt,
    finishedAt: new Date(Date.now()).toISOString(),
    eventsDue: due.length,
    eventsScraped: results.filter((r) => r !== null && r.outcomes.some((o) => o.ok)).length,
    eventsFailed: results.filter((r) => r === null || (r.outcomes.length > 0 && r.outcomes.every((o) => !o.ok))).length,
    marketplacesOk: outcomes.filter((o) => o.ok).length,
    marketplacesFailed: outcomes.filter((o) => !o.ok).length,
    listingsStored: outcomes.reduce((n, o) => n + o.listingsStored, 0),
    catalogError,
  };
  await db.finishCycle({ summary });
  await db.checkErrorRate({ threshold: settings.errorAlertThreshold, windowMinutes: 60 });
  return summary;
}
