import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { MainActivities, MarketplaceActivities } from '../../src/activities/index';
import { marketplaceTaskQueue, type ScrapeInput } from '../../src/activities/types';
import { MARKETPLACE_NAMES, type MarketplaceName } from '../../src/domain/listing';
import type { CycleSummary, DueEvent, StoredScrapeRef } from '../../src/domain/tracker';
import { scrapeEvents, trackerLoop } from '../../src/workflows/index';
import { statusQuery } from '../../src/workflows/definitions';
import { startTimeSkippingEnv, uniqueTaskQueue } from '../helpers/temporal';

/**
 * The cycle's logic (fan-out, failure isolation, the summary's arithmetic, the ids handed to each
 * fetch) with every activity a plain function: no database, no marketplace, milliseconds per
 * case. The same workflows run against the real activities in the other orchestration tests.
 */

/** What a mocked fetch of one event on one marketplace does. */
type FetchOutcome = { listings: number; empty?: boolean } | { fail: string } | { drift: string };

interface Scenario {
  due: DueEvent[];
  fetch: (input: ScrapeInput) => FetchOutcome | Promise<FetchOutcome>;
  /** Events whose markScraped fails for good, so their whole child workflow fails. */
  brokenEvents: Set<number>;
  /** refreshRollups fails for good. */
  refreshFails?: boolean;
}

const event = (id: number, ...marketplaces: MarketplaceName[]): DueEvent => ({
  id,
  name: `Event ${id}`,
  startsAt: null,
  marketplaceIds: marketplaces.map((marketplace) => ({ marketplace, marketplaceEventId: `${marketplace}-${id}` })),
});

describe('cycle logic with mocked activities', () => {
  let temporal: TestWorkflowEnvironment;
  let scenario: Scenario;
  let fetches: ScrapeInput[];
  let finished: CycleSummary[];
  let started: { cycleId: string }[];
  let refreshes: number[];

  const main: MainActivities = {
    recordSelfCheck: async () => assert.fail('not part of a cycle'),
    syncCatalog: async () => ({ origin: 'mock', added: 0, updated: 0, unchanged: 0, untracked: 0, invalid: 0 }),
    listDueEvents: async () => scenario.due,
    loadEvents: async ({ ids }) => scenario.due.filter((e) => ids.includes(e.id)),
    startCycle: async (input) => void started.push(input),
    finishCycle: async ({ summary }) => void finished.push(summary),
    recordScrapeFailure: async () => undefined,
    reportFormatDrift: async () => ({ alerted: true }),
    markScraped: async ({ eventId }) => {
      if (scenario.brokenEvents.has(eventId)) throw ApplicationFailure.nonRetryable('database gone', 'Broken');
    },
    // One local activity records changes, rules and the scraped mark.
    evaluateScrape: async ({ ref }) => {
      if (scenario.brokenEvents.has(ref.eventId)) throw ApplicationFailure.nonRetryable('database gone', 'Broken');
      return { previousLowest: null, changePercent: null, rulesEvaluated: 0, firings: [] };
    },
    deliverAlert: async () => assert.fail('no rule fires in these cycles'),
    checkErrorRate: async () => ({ errors: 0, alerted: false }),
    rollupHourly: async () => assert.fail('not part of a cycle'),
    rollupDaily: async () => assert.fail('not part of a cycle'),
    refreshRollups: async () => {
      refreshes.push(finished.length);
      if (scenario.refreshFails) throw ApplicationFailure.nonRetryable('database gone', 'Broken');
      return { hourlyRows: 1, dailyRows: 1 };
    },
    applyRetention: async () => assert.fail('not part of a cycle'),
  };
  const scrape = async (input: ScrapeInput): Promise<StoredScrapeRef> => {
    fetches.push(input);
    const outcome = await scenario.fetch(input);
    if ('fail' in outcome) throw ApplicationFailure.nonRetryable(outcome.fail, 'MarketplaceUnavailable');
    if ('drift' in outcome) throw ApplicationFailure.create({ message: outcome.drift, type: 'MarketplaceFormatDrift', nonRetryable: true });
    return {
      scrapeId: input.scrapeId,
      eventId: input.eventId,
      marketplace: input.marketplace,
      capturedAt: new Date(0).toISOString(),
      kind: 'listings',
      listingsStored: outcome.listings,
      listingsRejected: 0,
      snapshots: 1,
      lowestPrice: outcome.listings > 0 ? 100 : null,
      alreadyPersisted: false,
      health: outcome.empty ? 'empty' : 'ok',
      healthReason: outcome.empty ? '0 listings after 40' : null,
    };
  };
  const fetcher: MarketplaceActivities = { scrape };

  // One set of workers for the whole file (a worker's start and shutdown cost more than a case).
  let taskQueue: string;
  let workers: Worker[] = [];
  let running: Promise<unknown> | undefined;

  before(async () => {
    let bundle: WorkflowBundleWithSourceMap;
    [temporal, bundle] = await Promise.all([
      startTimeSkippingEnv(),
      bundleWorkflowCode({
        workflowsPath: require.resolve('../../src/workflows'),
        logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
      }),
    ]);
    taskQueue = uniqueTaskQueue('cycle-logic');
    workers = await Promise.all([
      Worker.create({ connection: temporal.nativeConnection, taskQueue, workflowBundle: bundle, activities: main }),
      ...MARKETPLACE_NAMES.map((m) =>
        Worker.create({ connection: temporal.nativeConnection, taskQueue: marketplaceTaskQueue(taskQueue, m), activities: fetcher }),
      ),
    ]);
    running = Promise.all(workers.map((w) => w.run()));
  });
  after(async () => {
    for (const w of workers) w.shutdown();
    await running;
    await temporal?.teardown();
  });
  beforeEach(() => {
    fetches = [];
    finished = [];
    started = [];
    refreshes = [];
    scenario = { due: [], fetch: () => ({ listings: 10 }), brokenEvents: new Set() };
  });

  it('counts events and marketplaces by outcome, and one failing event does not fail the cycle', async () => {
    scenario.due = [event(1, 'stubhub', 'seatgeek'), event(2, 'vividseats', 'ticketmaster'), event(3, 'stubhub'), event(4, 'seatgeek')];
    scenario.brokenEvents = new Set([4]);
    scenario.fetch = ({ eventId, marketplace }) => {
      if (eventId === 1 && marketplace === 'seatgeek') return { fail: 'HTTP 503' };
      if (eventId === 2 && marketplace === 'vividseats') return { drift: 'most listings skipped' };
      if (eventId === 2) return { fail: 'HTTP 500' };
      if (eventId === 3) return { listings: 0, empty: true };
      return { listings: 25 };
    };
    const result = await temporal.client.workflow.execute(scrapeEvents, {
      taskQueue,
      workflowId: `once-${taskQueue}`,
      args: [{ fanout: 2 }],
    });
    const s = result.summary;
    assert.deepEqual(
      {
        eventsDue: s.eventsDue,
        eventsScraped: s.eventsScraped,
        eventsFailed: s.eventsFailed,
        marketplacesOk: s.marketplacesOk,
        marketplacesFailed: s.marketplacesFailed,
        marketplacesEmpty: s.marketplacesEmpty,
        marketplacesDrifted: s.marketplacesDrifted,
        listingsStored: s.listingsStored,
      },
      // 1: stubhub ok (25), seatgeek failed -> scraped. 2: both failed (one drift) -> failed.
      // 3: ok but empty (0) -> scraped. 4: its child failed as a whole -> failed, no outcomes.
      {
        eventsDue: 4,
        eventsScraped: 2,
        eventsFailed: 2,
        marketplacesOk: 2,
        marketplacesFailed: 3,
        marketplacesEmpty: 1,
        marketplacesDrifted: 1,
        listingsStored: 25,
      },
    );
    assert.deepEqual(finished, [s], 'the cycle is recorded with the summary it returns');
    assert.equal(result.events.find((e) => e.event.id === 4)?.result, null);
    const two = result.events.find((e) => e.event.id === 2)?.result?.outcomes ?? [];
    assert.deepEqual(
      two.map((o) => [o.marketplace, o.ok, o.mark ?? null, o.error]),
      [
        ['vividseats', false, 'format-drift', 'most listings skipped'],
        ['ticketmaster', false, null, 'HTTP 500'],
      ],
    );
  });

  it('ends each cycle with one rollup refresh, whose failure does not fail the cycle', async () => {
    scenario.due = [event(1, 'stubhub'), event(2, 'seatgeek'), event(3, 'stubhub')];
    await temporal.client.workflow.execute(scrapeEvents, { taskQueue, workflowId: `refresh-${taskQueue}`, args: [{}] });
    assert.deepEqual(refreshes, [1], 'one refresh, after the cycle was recorded');
    scenario.refreshFails = true;
    const result = await temporal.client.workflow.execute(scrapeEvents, {
      taskQueue,
      workflowId: `refresh-fails-${taskQueue}`,
      args: [{}],
    });
    assert.equal(result.summary.eventsScraped, 3);
    assert.deepEqual(refreshes, [1, 2]);
  });

  it('hands each fetch the cycle id and a scrape id keyed by cycle, event and marketplace', async () => {
    scenario.due = [event(7, 'stubhub', 'ticketmaster')];
    const result = await temporal.client.workflow.execute(scrapeEvents, {
      taskQueue,
      workflowId: `ids-${taskQueue}`,
      args: [{ eventIds: [7] }],
    });
    const cycleId = result.summary.cycleId;
    assert.deepEqual(
      started.map((x) => x.cycleId),
      [cycleId],
    );
    assert.deepEqual(
      fetches.map((f) => ({ ...f })).sort((a, b) => a.marketplace.localeCompare(b.marketplace)),
      [
        { scrapeId: `${cycleId}/7/stubhub`, cycleId, eventId: 7, marketplace: 'stubhub', marketplaceEventId: 'stubhub-7' },
        { scrapeId: `${cycleId}/7/ticketmaster`, cycleId, eventId: 7, marketplace: 'ticketmaster', marketplaceEventId: 'ticketmaster-7' },
      ],
    );
  });

  it('bounds the fan-out: never more fetches in flight than the setting allows', async () => {
    scenario.due = Array.from({ length: 9 }, (_, i) => event(100 + i, 'stubhub'));
    // Each fetch waits until 3 are in flight, then all 3 finish: a fan-out above 3 shows as a
    // higher peak, one below 3 never fills the gate (and the test times out).
    let inFlight = 0;
    let peak = 0;
    let waiting: (() => void)[] = [];
    scenario.fetch = async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (inFlight >= 3) {
          for (const release of waiting) release();
          waiting = [];
        }
      });
      inFlight--;
      return { listings: 1 };
    };
    const result = await temporal.client.workflow.execute(scrapeEvents, {
      taskQueue,
      workflowId: `fanout-${taskQueue}`,
      args: [{ fanout: 3 }],
    });
    assert.equal(result.summary.eventsScraped, 9);
    assert.equal(peak, 3, 'fetches in flight at most, with a fan-out of 3');
  });

  it('counts cycles across continue-as-new and carries the last summary into its status', async () => {
    scenario.due = [event(1, 'stubhub')];
    const handle = await temporal.client.workflow.start(trackerLoop, {
      taskQueue,
      workflowId: `loop-${taskQueue}`,
      args: [{ settings: { intervalHours: 1, randomization: 'uniform', minFactor: 0.5, maxFactor: 1.5 } }],
    });
    await temporal.sleep('5 hours');
    // Read it between cycles, when the recorded cycles and the count agree.
    let status = await handle.query(statusQuery);
    while (status.phase !== 'sleeping') status = await handle.query(statusQuery);
    // The first cycle at once, then sleeps of 0.5-1.5 h: 1 + 5/1.5 to 1 + 5/0.5 cycles in 5 h.
    assert.ok(status.cycle >= 4 && status.cycle <= 11, `cycle ${status.cycle}`);
    assert.equal(finished.length, status.cycle);
    assert.deepEqual(status.lastCycle, finished.at(-1));
    assert.deepEqual(
      finished.map((f) => f.cycle),
      Array.from({ length: status.cycle }, (_, i) => i + 1),
    );
    await handle.cancel();
  });
});
