import assert from 'node:assert/strict';
import { availability } from '../../src/db/analytics/availability';
import { history, historyOfEvents, type HistoryRow } from '../../src/db/analytics/history';
import { latestPrices, latestPricesOfEvents } from '../../src/db/analytics/latest';
import { trend } from '../../src/db/analytics/trend';
import { persistScrape } from '../../src/scrape/store';
import { refreshRollups, rollupDaily, rollupHourly } from '../../src/db/rollup';
import type { NormalizedListing } from '../../src/domain/listing';
import { parseBucket } from '../../src/domain/buckets';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';

/**
 * History is fresh: hourly and daily figures combine the rollups with the snapshots not rolled up
 * yet, so a scrape counts the moment it is committed, and a period partly rolled up and partly raw
 * gives the figures of the period fully rolled up. (The randomized version of the last point is in
 * layout-parity-property.test.ts.)
 */
const D0 = Date.parse('2026-02-02T00:00:00Z'); // a Monday
const at = (hours: number): Date => new Date(D0 + hours * 3_600_000);

function listing(id: string, price: number, quantity = 2): NormalizedListing {
  return {
    listingId: id,
    zone: 'Floor',
    section: '101',
    row: 'A',
    quantity,
    splits: [],
    basePrice: price,
    allInPrice: price, // no fees: both bases give the same figures here
    sellerNetProceeds: null,
    currency: 'USD',
  };
}

const figures = (rows: HistoryRow[]): unknown[] =>
  rows.map((r) => [r.bucket.toISOString(), r.source, r.lowest, r.average, r.highest, r.ticketsPeak, r.ticketsAverage, r.samples]);

describeLayouts('fresh history', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let eventId: number;
  let n = 0;
  const scrape = (hours: number, listings: NormalizedListing[], event = eventId, marketplace: 'stubhub' | 'vividseats' = 'stubhub') =>
    persistScrape(t.db, {
      scrapeId: `fresh-${n++}`,
      eventId: event,
      marketplace,
      capturedAt: at(hours),
      fetched: { kind: 'listings', listings, skipped: [] },
    });
  const read = async (bucket: string) => figures(await history(t.db, { eventId, from: at(0), to: at(72), bucket: parseBucket(bucket) }));

  before(async () => {
    t = await createTestDatabase({ layout });
    eventId = await createEvent(t.db, 'fresh', { capacity: 100 });
  });
  after(async () => t?.drop());

  it('a scrape shows in hourly and daily history, trend and availability before any rollup', async () => {
    await scrape(10.25, [listing('1', 120), listing('2', 80, 4)]);
    assert.equal((await t.db.query('SELECT count(*)::int AS n FROM rollup_hourly')).rows[0].n, 0, 'nothing rolled up yet');
    assert.deepEqual(await read('1 hour'), [[at(10).toISOString(), 'stubhub', 80, 100, 120, 6, 6, 1]]);
    assert.deepEqual(await read('1 day'), [[at(0).toISOString(), 'stubhub', 80, 100, 120, 6, 6, 1]]);
    const tr = await trend(t.db, { eventId, from: at(0), to: at(72), granularity: 'hourly' });
    assert.deepEqual(
      tr.lines.map((l) => [l.source, l.first, l.last, l.points]),
      [['stubhub', 80, 80, 1]],
    );
    const av = await availability(t.db, { eventId, from: at(0), to: at(72), bucket: parseBucket('1 day'), capacity: 100 });
    assert.deepEqual(
      av.map((r) => [r.ticketsAverage, r.shareOfCapacityPct]),
      [[6, 6]],
    );
  });

  it('an hour and a day partly rolled up and partly raw give the fully rolled-up figures', async () => {
    await rollupHourly(t.db, { from: at(0), to: at(24) });
    await rollupDaily(t.db, { from: at(0), to: at(24) });
    // Later scrapes in the same hour (10:xx), another hour of the same day and the next day.
    await scrape(10.75, [listing('3', 60, 1)]);
    await scrape(13.5, [listing('4', 200, 8)]);
    await scrape(30, [listing('5', 90)]);
    const fresh = { hour: await read('1 hour'), sixHours: await read('6 hours'), day: await read('1 day'), week: await read('1 week') };
    assert.deepEqual(fresh.hour, [
      [at(10).toISOString(), 'stubhub', 60, 80, 120, 6, 3.5, 2],
      [at(13).toISOString(), 'stubhub', 200, 200, 200, 8, 8, 1],
      [at(30).toISOString(), 'stubhub', 90, 90, 90, 2, 2, 1],
    ]);
    assert.deepEqual(fresh.day[0], [at(0).toISOString(), 'stubhub', 60, 120, 200, 8, 5, 3]);
    // The hourly rollup alone (days still marked), then the daily one: the same figures at each step.
    await rollupHourly(t.db, { from: at(0), to: at(0) });
    assert.deepEqual(
      { hour: await read('1 hour'), sixHours: await read('6 hours'), day: await read('1 day'), week: await read('1 week') },
      fresh,
    );
    await rollupDaily(t.db, { from: at(0), to: at(0) });
    assert.deepEqual(
      { hour: await read('1 hour'), sixHours: await read('6 hours'), day: await read('1 day'), week: await read('1 week') },
      fresh,
    );
    assert.equal((await t.db.query('SELECT count(*)::int AS n FROM rollup_dirty')).rows[0].n, 0, 'everything rolled up');
  });

  it('refreshRollups rolls up exactly the periods marked since the last rollup', async () => {
    await scrape(11.5, [listing('6', 50)]);
    await scrape(40, [listing('7', 70)]);
    const before = { hour: await read('1 hour'), day: await read('1 day') };
    const r = await refreshRollups(t.db);
    // Two hours and two days, each in two zones (Floor and the whole event, ALL).
    assert.deepEqual(r, { hourlyRows: 4, dailyRows: 4 });
    assert.equal((await t.db.query('SELECT count(*)::int AS n FROM rollup_dirty')).rows[0].n, 0);
    assert.deepEqual({ hour: await read('1 hour'), day: await read('1 day') }, before);
    assert.deepEqual(await refreshRollups(t.db), { hourlyRows: 0, dailyRows: 0 }, 'nothing marked, nothing written');
  });

  it('historyOfEvents and latestPricesOfEvents give each event what history and latestPrices give it', async () => {
    const second = await createEvent(t.db, 'fresh-2', { capacity: 50 });
    const empty = await createEvent(t.db, 'fresh-empty', { capacity: 10 });
    const ids = [eventId, second, empty];
    const buckets = ['15 minutes', '1 hour', '6 hours', '1 day', '1 week'];
    const same = async (step: string) => {
      for (const bucket of buckets) {
        for (const q of [
          { from: at(0), to: at(72), bucket: parseBucket(bucket) },
          { from: at(5), to: at(40), bucket: parseBucket(bucket), zone: 'Floor', quantity: 2 as const },
          { from: at(0), to: at(72), bucket: parseBucket(bucket), source: 'vividseats' as const },
        ]) {
          const batched = await historyOfEvents(t.db, { ...q, eventIds: ids });
          assert.deepEqual([...batched.keys()], ids);
          for (const id of ids) {
            assert.deepEqual(
              batched.get(id),
              await history(t.db, { ...q, eventId: id }),
              `${step}: ${bucket} ${JSON.stringify(q)} event ${id}`,
            );
          }
        }
      }
      const latest = await latestPricesOfEvents(t.db, ids);
      for (const id of ids) assert.deepEqual(latest.get(id), await latestPrices(t.db, id), `${step}: latest prices of ${id}`);
    };
    // Some hours rolled up, then more scrapes in those hours and others (marked); hour 13 and day 1
    // (vividseats) rolled up for both events and marked for one only.
    await scrape(3.5, [listing('20', 40), listing('21', 45, 4)], second);
    await scrape(9, [listing('22', 55)], second, 'vividseats');
    await scrape(13.25, [listing('26', 85)], second);
    await scrape(28, [listing('27', 95)], eventId, 'vividseats');
    await refreshRollups(t.db);
    await scrape(3.75, [listing('23', 35, 1)], second);
    await scrape(26.25, [listing('24', 65)], second, 'vividseats');
    await scrape(13.75, [listing('25', 75)]);
    const marked = await t.db.query<{ n: number }>('SELECT count(DISTINCT event_id)::int AS n FROM rollup_dirty');
    assert.equal(marked.rows[0]!.n, 2, 'both events have hours not rolled up yet');
    const rows = (await historyOfEvents(t.db, { eventIds: ids, from: at(0), to: at(72), bucket: parseBucket('1 hour') })).get(second);
    assert.deepEqual(figures(rows ?? []), [
      [at(3).toISOString(), 'stubhub', 35, 38.75, 45, 6, 3.5, 2],
      [at(9).toISOString(), 'vividseats', 55, 55, 55, 2, 2, 1],
      [at(13).toISOString(), 'stubhub', 85, 85, 85, 2, 2, 1],
      [at(26).toISOString(), 'vividseats', 65, 65, 65, 2, 2, 1],
    ]);
    await same('marked hours');
    await rollupHourly(t.db, { from: at(0), to: at(0) });
    await same('hours rolled up, days marked');
    await refreshRollups(t.db);
    await same('all rolled up');
    assert.deepEqual(await historyOfEvents(t.db, { eventIds: [], from: at(0), to: at(72), bucket: parseBucket('1 hour') }), new Map());
  });
});
