import assert from 'node:assert/strict';
import { availability } from '../../src/db/analytics/availability';
import { history, type HistoryRow } from '../../src/db/analytics/history';
import { trend } from '../../src/db/analytics/trend';
import { persistScrape } from '../../src/db/ingest';
import { refreshRollups, rollupDaily, rollupHourly } from '../../src/db/rollup';
import type { NormalizedListing } from '../../src/domain/listing';
import { parseBucket } from '../../src/domain/buckets';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/storage/data';

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
    pricePerTicket: price,
    allInPrice: null,
    currency: 'USD',
  };
}

const figures = (rows: HistoryRow[]): unknown[] =>
  rows.map((r) => [r.bucket.toISOString(), r.source, r.lowest, r.average, r.highest, r.ticketsPeak, r.ticketsAverage, r.samples]);

describeLayouts('fresh history', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let eventId: number;
  let n = 0;
  const scrape = (hours: number, listings: NormalizedListing[]) =>
    persistScrape(t.db, {
      scrapeId: `fresh-${n++}`,
      eventId,
      marketplace: 'stubhub',
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
});
