import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Context as ActivityContext } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { catalogReader } from '../../src/catalog/read/open-reader';
import { syncEvents } from '../../src/catalog/sync/index';
import type { MarketplaceName } from '../../src/domain/listing';
import { EVENTS_HEADER, startTrackerStack, writeEventsFile, type TrackerStack } from '../helpers/stack';
import { startDevServerEnv } from '../helpers/temporal';
import { scrapeEvent } from '../../src/workflows/index';

const CATALOG = [
  EVENTS_HEADER,
  'Delta Fest,Field Park,Seattle,WA,US,2027-06-10 18:00,America/Los_Angeles,710001,810001,910001,TMDELTA01,TRUE',
].join('\n');

/**
 * The first attempt of every fetch completes its database commit and then fails, as a worker
 * that dies right after committing would; Temporal retries it. Exactly one copy of every row.
 */
function failAfterCommitOnFirstAttempt(failures: string[]) {
  return (ctx: ActivityContext) => ({
    inbound: {
      async execute(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
        const result = await next(input as never);
        if (ctx.info.activityType === 'scrape' && ctx.info.attempt === 1) {
          failures.push(ctx.info.taskQueue);
          throw new Error('worker lost after commit (test)');
        }
        return result;
      },
    },
  });
}

/**
 * As failAfterCommitOnFirstAttempt, and from then on every marketplace answers 503: a retry that
 * asked the marketplace again would fail (the chaos suite's finding); one that finds its own
 * commit succeeds without a request.
 */
function failAfterCommitThenMarketplaceDown(failures: string[], marketplaceDown: (marketplace: MarketplaceName) => void) {
  return (ctx: ActivityContext) => ({
    inbound: {
      async execute(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
        const result = await next(input as never);
        if (ctx.info.activityType === 'scrape' && ctx.info.attempt === 1) {
          failures.push(ctx.info.taskQueue);
          marketplaceDown((input.args[0] as { marketplace: MarketplaceName }).marketplace);
          throw new Error('worker lost after commit (test)');
        }
        return result;
      },
    },
  });
}

describe('idempotent activities', () => {
  let temporal: TestWorkflowEnvironment;
  let stack: TrackerStack;
  before(async () => {
    temporal = await startDevServerEnv();
    stack = await startTrackerStack(temporal, { eventsFile: writeEventsFile(CATALOG) });
  });
  after(async () => {
    await stack?.close();
    await temporal?.teardown();
  });

  it('a fetch retried after its commit leaves exactly one copy of every row', async () => {
    const db = stack.database.db;
    const failures: string[] = [];
    await syncEvents(db, catalogReader(stack.env));
    const event = await db.query<{ id: string }>(`SELECT id FROM events WHERE name = 'Delta Fest'`);
    assert.equal(event.rowCount, 1);
    const sources = await db.query<{ marketplace: MarketplaceName; marketplace_event_id: string }>(
      'SELECT marketplace, marketplace_event_id FROM event_sources ORDER BY 1',
    );
    const input = {
      event: {
        id: Number(event.rows[0]!.id),
        name: 'Delta Fest',
        startsAt: null,
        marketplaceIds: sources.rows.map((s) => ({ marketplace: s.marketplace, marketplaceEventId: s.marketplace_event_id })),
      },
      cycleId: 'idempotency-test',
    };

    const result = await stack.withWorkers(
      () =>
        temporal.client.workflow.execute(scrapeEvent, {
          taskQueue: stack.taskQueue,
          workflowId: `scrape-once-${stack.taskQueue}`,
          args: [input],
        }),
      { activityInterceptors: [failAfterCommitOnFirstAttempt(failures)] },
    );

    assert.equal(failures.length, 4, 'every marketplace fetch failed once after committing');
    assert.ok(
      result.outcomes.every((o) => o.ok),
      JSON.stringify(result.outcomes),
    );
    const scrapes = await db.query<{ marketplace: string; listings_stored: number; snapshots: number; scrape_ref: string }>(
      `SELECT marketplace, listings_stored, snapshots, id AS scrape_ref FROM scrapes ORDER BY marketplace`,
    );
    assert.deepEqual(
      scrapes.rows.map((r) => r.marketplace),
      ['seatgeek', 'stubhub', 'ticketmaster', 'vividseats'],
    );
    for (const s of scrapes.rows) {
      const listings = await db.query<{ n: string; distinct_ids: string }>(
        'SELECT count(*) AS n, count(DISTINCT listing_id) AS distinct_ids FROM listings WHERE scrape_ref = $1',
        [s.scrape_ref],
      );
      assert.equal(Number(listings.rows[0]!.n), s.listings_stored, `${s.marketplace}: one copy of each listing`);
      assert.equal(Number(listings.rows[0]!.distinct_ids), s.listings_stored);
      const snaps = await db.query<{ n: string; distinct_keys: string }>(
        `SELECT count(*) AS n, count(DISTINCT (zone, section)) AS distinct_keys FROM ticket_snapshots WHERE scrape_ref = $1`,
        [s.scrape_ref],
      );
      assert.equal(Number(snaps.rows[0]!.n), s.snapshots, `${s.marketplace}: one copy of each snapshot`);
      assert.equal(Number(snaps.rows[0]!.distinct_keys), s.snapshots);
      assert.ok(s.snapshots > 0);
    }
    const stored = result.outcomes.find((o) => o.marketplace === 'vividseats')!;
    assert.equal(stored.listingsStored, scrapes.rows.find((r) => r.marketplace === 'vividseats')!.listings_stored);
  });

  it('a fetch retried after its commit returns the stored scrape without asking the marketplace again', async () => {
    const db = stack.database.db;
    const event = await db.query<{ id: string }>(`SELECT id FROM events WHERE name = 'Delta Fest'`);
    const sources = await db.query<{ marketplace: MarketplaceName; marketplace_event_id: string }>(
      'SELECT marketplace, marketplace_event_id FROM event_sources ORDER BY 1',
    );
    const input = {
      event: {
        id: Number(event.rows[0]!.id),
        name: 'Delta Fest',
        startsAt: null,
        marketplaceIds: sources.rows.map((s) => ({ marketplace: s.marketplace, marketplaceEventId: s.marketplace_event_id })),
      },
      cycleId: 'idempotency-test-marketplace-down',
    };
    const failures: string[] = [];
    try {
      const result = await stack.withWorkers(
        () =>
          temporal.client.workflow.execute(scrapeEvent, {
            taskQueue: stack.taskQueue,
            workflowId: `scrape-once-down-${stack.taskQueue}`,
            args: [input],
          }),
        {
          activityInterceptors: [
            failAfterCommitThenMarketplaceDown(failures, (marketplace) =>
              stack.mock.setFault({ marketplace, fault: { kind: 'status', status: 503 } }),
            ),
          ],
        },
      );
      assert.equal(failures.length, 4);
      assert.ok(
        result.outcomes.every((o) => o.ok),
        JSON.stringify(result.outcomes),
      );
      const scrapes = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM scrapes WHERE scrape_key LIKE 'idempotency-test-marketplace-down/%'`,
      );
      assert.equal(Number(scrapes.rows[0]!.n), 4);
      const vivid = result.outcomes.find((o) => o.marketplace === 'vividseats')!;
      assert.ok(vivid.listingsStored > 0, 'the retry reports what the first attempt stored');
    } finally {
      stack.mock.clearFaults();
    }
  });
});
