import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { availability } from '../../src/db/analytics/availability';
import { history, historyOfEvents, type Quantity } from '../../src/db/analytics/history';
import { archivedListings, latestListings, latestPrices, latestPricesOfEvents } from '../../src/db/analytics/latest';
import { sections } from '../../src/db/analytics/sections';
import { trend } from '../../src/db/analytics/trend';
import { persistScrape } from '../../src/scrape/store';
import type { Db } from '../../src/db/pool';
import { applyRetention } from '../../src/db/retention';
import { refreshRollups, rollupDaily, rollupHourly } from '../../src/db/rollup';
import type { MarketplaceName, NormalizedListing } from '../../src/domain/listing';
import { parseBucket } from '../../src/domain/buckets';
import { createTestDatabase, timescaleSkipReason, type TestDatabase } from '../helpers/db';
import { skipOrFail } from '../helpers/skip';
import { createEvent } from '../fixtures/db/data';

/**
 * One behaviour, two layouts: the same randomized programs (scrapes in any order, so late data
 * and backfills; hourly and daily rollups over arbitrary windows; retention and archival, which in
 * the TimescaleDB layout also compresses chunks that later scrapes then write into; deleting an
 * event) run against a plain database and a TimescaleDB one give identical answers to every
 * analytics query, identical rollup rows, archives and maintenance results. And in each layout,
 * the readers of hourly and daily figures answer the same before rolling up what is marked (rollups
 * combined with the snapshots not rolled up yet, whatever mix of periods the program rolled up) as
 * after it.
 * PARITY_RUNS overrides the number of runs (200 by default, as CI runs it).
 */
const RUNS = Number(process.env.PARITY_RUNS ?? 200);
const BASE = Date.parse('2025-03-03T00:00:00Z'); // a Monday
const DAY = 86_400_000;
const MINUTES = 40 * 24 * 60; // scrapes fall within 40 days of BASE
const MARKETPLACES: MarketplaceName[] = ['stubhub', 'vividseats'];

type Command =
  | { kind: 'scrape'; event: 0 | 1; marketplace: MarketplaceName; minute: number; listings: NormalizedListing[] }
  | { kind: 'hourly' | 'daily'; fromDay: number; days: number }
  | { kind: 'retention'; nowDay: number; rawDays: number; hourlyDays: number }
  | { kind: 'deleteEvent' };

const listingArb = fc.record({
  zone: fc.constantFrom('Floor', 'Lower', 'Upper'),
  section: fc.constantFrom('1', '2', '3'),
  cents: fc.integer({ min: 1000, max: 50_000 }),
  quantity: fc.integer({ min: 1, max: 8 }),
  splits: fc.subarray([1, 2, 3, 4, 6, 8]),
});

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('scrape' as const),
      event: fc.constantFrom(0 as const, 1 as const),
      marketplace: fc.constantFrom(...MARKETPLACES),
      minute: fc.integer({ min: 0, max: MINUTES - 1 }),
      listings: fc.array(listingArb, { maxLength: 6 }).map((ls) =>
        ls.map((l, i): NormalizedListing => ({
          listingId: `L${i}`,
          zone: l.zone,
          section: l.section,
          row: null,
          quantity: l.quantity,
          splits: l.splits.filter((s) => s <= l.quantity),
          basePrice: l.cents / 100,
          allInPrice: null,
          sellerNetProceeds: null,
          currency: 'USD',
        })),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('hourly' as const, 'daily' as const),
      fromDay: fc.integer({ min: -2, max: 45 }),
      days: fc.integer({ min: 1, max: 50 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retention' as const),
      nowDay: fc.integer({ min: 10, max: 90 }),
      rawDays: fc.constantFrom(7, 14, 30),
      hourlyDays: fc.constantFrom(10, 20, 45),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteEvent' as const) }) },
);

const RESET = `TRUNCATE listings, ticket_snapshots, listings_archive, ticket_snapshots_archive, rollup_hourly, rollup_daily,
  rollup_dirty, scrapes, cycles, scrape_errors, event_sources, events RESTART IDENTITY CASCADE`;

/** Runs the program; returns what each step reported (compared across layouts too). */
async function runProgram(
  db: Db,
  program: Command[],
): Promise<{ events: number[]; steps: unknown[]; fresh: unknown; afterRefresh: unknown }> {
  await db.query(RESET);
  const events = [await createEvent(db, 'parity-a', { capacity: 500 }), await createEvent(db, 'parity-b')];
  let deleted = false;
  const steps: unknown[] = [];
  for (const [i, c] of program.entries()) {
    if (c.kind === 'scrape') {
      if (deleted && c.event === 1) continue;
      const r = await persistScrape(db, {
        scrapeId: `p${i}`,
        eventId: events[c.event]!,
        marketplace: c.marketplace,
        capturedAt: new Date(BASE + c.minute * 60_000),
        fetched: { kind: 'listings', listings: c.listings, skipped: [] },
      });
      steps.push(['scrape', r.listingsStored, r.snapshots, r.lowestPrice]);
    } else if (c.kind === 'hourly' || c.kind === 'daily') {
      const window = { from: new Date(BASE + c.fromDay * DAY), to: new Date(BASE + (c.fromDay + c.days) * DAY) };
      const r = await (c.kind === 'hourly' ? rollupHourly(db, window) : rollupDaily(db, window));
      steps.push([c.kind, r.rows, r.dirtyPeriods]);
    } else if (c.kind === 'retention') {
      const r = await applyRetention(
        db,
        { rawDays: c.rawDays, hourlyDays: c.hourlyDays, cyclesDays: 90, errorsDays: 30 },
        new Date(BASE + c.nowDay * DAY),
      );
      steps.push(['retention', r.archiveCutoff.toISOString(), r.archivedRows, r.hourlyDeleted]);
    } else if (!deleted) {
      await db.query('DELETE FROM events WHERE id = $1', [events[1]]);
      deleted = true;
      steps.push(['deleteEvent']);
    }
  }
  // Fresh reads, then what a cycle's end does: roll up exactly what is marked, and read again.
  const fresh = await rollupReaders(db, events);
  const refreshed = await refreshRollups(db);
  steps.push(['refresh', refreshed.hourlyRows, refreshed.dailyRows]);
  const afterRefresh = await rollupReaders(db, events);
  // What the schedules would do next: roll up everything that is marked.
  const all = { from: new Date(BASE), to: new Date(BASE + 1) };
  steps.push(['final', (await rollupHourly(db, all)).rows, (await rollupDaily(db, all)).rows]);
  return { events, steps, fresh, afterRefresh };
}

/** The answers of every reader of hourly and daily figures (history, trend, availability). */
async function rollupReaders(db: Db, events: number[]): Promise<Record<string, unknown>> {
  const from = new Date(BASE - 7 * DAY);
  const to = new Date(BASE + 50 * DAY);
  const out: Record<string, unknown> = {};
  for (const eventId of events) {
    for (const bucket of ['1 day', '1 week', '1 hour', '6 hours', '30 minutes']) {
      for (const zone of [undefined, 'Floor']) {
        for (const quantity of [1, 2, 4] as Quantity[]) {
          out[`history ${eventId} ${bucket} ${zone} ${quantity}`] = await history(db, {
            eventId,
            from,
            to,
            bucket: parseBucket(bucket),
            zone,
            quantity,
          });
        }
      }
    }
    out[`history ${eventId} stubhub`] = await history(db, { eventId, from, to, bucket: parseBucket('1 day'), source: 'stubhub' });
    out[`history ${eventId} vividseats hourly`] = await history(db, {
      eventId,
      from,
      to,
      bucket: parseBucket('1 hour'),
      source: 'vividseats',
    });
    // A range that starts and ends inside buckets.
    out[`history ${eventId} inner range`] = await history(db, {
      eventId,
      from: new Date(BASE + 3 * DAY + 5 * 3_600_000 + 60_000),
      to: new Date(BASE + 9 * DAY + 7 * 3_600_000 + 60_000),
      bucket: parseBucket('1 day'),
    });
    for (const granularity of ['hourly', 'daily'] as const)
      out[`trend ${eventId} ${granularity}`] = await trend(db, { eventId, from, to, granularity });
    out[`availability ${eventId}`] = await availability(db, { eventId, from, to, bucket: parseBucket('1 day'), capacity: 500 });
  }
  // The Events page's batched read gives every event the rows of its own read (marked hours included).
  for (const bucket of ['1 hour', '1 day', '30 minutes']) {
    const batched = await historyOfEvents(db, { eventIds: events, from, to, bucket: parseBucket(bucket) });
    for (const eventId of events) {
      assert.deepEqual(batched.get(eventId), out[`history ${eventId} ${bucket} undefined 1`], `historyOfEvents ${bucket} event ${eventId}`);
    }
  }
  return out;
}

/** Every answer the readers give, plus the rollup and archive tables themselves. */
async function answers(db: Db, events: number[]): Promise<unknown> {
  const from = new Date(BASE - 7 * DAY);
  const to = new Date(BASE + 50 * DAY);
  const out: Record<string, unknown> = {};
  const table = async (sql: string): Promise<unknown[]> => (await db.query(sql)).rows;
  out.rollupHourly = await table(`SELECT * FROM rollup_hourly ORDER BY event_id, zone, bucket, marketplace`);
  out.rollupDaily = await table(`SELECT * FROM rollup_daily ORDER BY event_id, zone, bucket, marketplace`);
  out.live = await table(`SELECT count(*) AS n, min(captured_at) AS first, max(captured_at) AS last FROM listings`);
  out.archive = await table(`SELECT * FROM listings_archive ORDER BY captured_at, event_id, marketplace, scrape_ref, listing_id`);
  out.snapshotArchive = await table(
    `SELECT * FROM ticket_snapshots_archive ORDER BY captured_at, event_id, marketplace, scrape_ref, zone, section`,
  );
  out.snapshots = await table(`SELECT * FROM ticket_snapshots ORDER BY captured_at, event_id, marketplace, scrape_ref, zone, section`);
  Object.assign(out, await rollupReaders(db, events));
  const latest = await latestPricesOfEvents(db, events);
  for (const eventId of events) {
    out[`sections ${eventId}`] = await sections(db, { eventId, from, to });
    out[`latestPrices ${eventId}`] = await latestPrices(db, eventId);
    assert.deepEqual(latest.get(eventId), out[`latestPrices ${eventId}`], `latestPricesOfEvents event ${eventId}`);
    out[`latestListings ${eventId}`] = await latestListings(db, eventId, 100);
    out[`archivedListings ${eventId}`] = await archivedListings(db, eventId, from, to);
  }
  return out;
}

describe('the same scrapes give the same answers in both storage layouts', () => {
  let skip: string | null = null;
  let plain: TestDatabase | undefined;
  let tsdb: TestDatabase | undefined;
  before(async () => {
    skip = await timescaleSkipReason();
    if (skip !== null) return;
    [plain, tsdb] = await Promise.all([createTestDatabase({ layout: 'plain' }), createTestDatabase({ layout: 'timescaledb' })]);
  });
  after(async () => {
    await Promise.all([plain?.drop(), tsdb?.drop()]);
  });

  it(`randomized programs of scrapes, rollups, retention and deletions (${RUNS} runs)`, async (t) => {
    if (skip !== null) return skipOrFail(t, skip);
    const runsInCompressedChunks = { n: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 14 }), async (program) => {
        const p = await runProgram(plain!.db, program);
        const s = await runProgram(tsdb!.db, program);
        assert.deepEqual(s.steps, p.steps, 'what each maintenance step reported');
        const plainAnswers = await answers(plain!.db, p.events);
        assert.deepEqual(await answers(tsdb!.db, s.events), plainAnswers);
        // Fresh reads == reads once everything marked is rolled up, in each layout.
        assert.deepEqual(p.fresh, p.afterRefresh, 'plain: fresh read == read after rolling up what was marked');
        assert.deepEqual(s.fresh, s.afterRefresh, 'timescaledb: fresh read == read after rolling up what was marked');
        const compressed = await tsdb!.db.query(`SELECT 1 FROM timescaledb_information.chunks WHERE is_compressed LIMIT 1`);
        if (compressed.rowCount) runsInCompressedChunks.n++;
      }),
      { numRuns: RUNS },
    );
    // The property covered compressed chunks, not only uncompressed ones.
    assert.ok(runsInCompressedChunks.n > 0, 'some runs ended with compressed chunks');
  });
});
