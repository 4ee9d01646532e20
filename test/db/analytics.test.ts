import assert from 'node:assert/strict';
import { availability } from '../../src/db/analytics/availability';
import { resolveEventRef, UnknownEventError } from '../../src/catalog/event-ref';
import { history } from '../../src/db/analytics/history';
import { latestListings, latestPrices } from '../../src/db/analytics/latest';
import { sections } from '../../src/db/analytics/sections';
import { trend } from '../../src/db/analytics/trend';
import { persistScrape } from '../../src/scrape/store';
import { rollupDaily, rollupHourly } from '../../src/db/rollup';
import type { MarketplaceName, NormalizedListing } from '../../src/domain/listing';
import { parseBucket } from '../../src/domain/buckets';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';

const D0 = Date.parse('2026-01-05T00:00:00Z');
const at = (hours: number): Date => new Date(D0 + hours * 3_600_000);

function listing(id: string, zone: string, section: string, price: number, quantity: number, splits: number[] = []): NormalizedListing {
  return {
    listingId: id,
    zone,
    section,
    row: 'A',
    quantity,
    splits,
    basePrice: price,
    allInPrice: price, // no fees: both bases give the same figures here
    sellerNetProceeds: null,
    currency: 'USD',
  };
}

describeLayouts('analytics queries', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let eventId: number;
  const scrape = (key: string, marketplace: MarketplaceName, hours: number, listings: NormalizedListing[]) =>
    persistScrape(t.db, {
      scrapeId: key,
      eventId,
      marketplace,
      capturedAt: at(hours),
      fetched: { kind: 'listings', listings, skipped: [] },
    });

  before(async () => {
    t = await createTestDatabase({ layout });
    eventId = await createEvent(t.db, 'analytics', { capacity: 1000, marketplaceIds: { stubhub: 'SH-1', vividseats: 'VS-9' } });
    await createEvent(t.db, 'analytics-other');
    // Day 0: three stubhub scrapes (10:00, 10:30, 14:00) and one vividseats scrape (11:00).
    await scrape('a1', 'stubhub', 10, [
      listing('1', 'Floor', '101', 200, 2),
      listing('2', 'Lower', '201', 120, 4, [4]),
      listing('3', 'Lower', '202', 90, 1),
    ]);
    await scrape('a2', 'stubhub', 10.5, [listing('1', 'Floor', '101', 180, 2), listing('2', 'Lower', '201', 110, 4, [4])]);
    await scrape('a3', 'stubhub', 14, [listing('1', 'Floor', '101', 150, 6, [2, 6]), listing('4', 'Lower', '202', 95, 3)]);
    await scrape('v1', 'vividseats', 11, [listing('x', 'Floor', 'F1', 210, 2)]);
    // Day 1: one stubhub scrape.
    await scrape('b1', 'stubhub', 24 + 9, [
      listing('1', 'Floor', '101', 140, 2),
      listing('5', 'Lower', '201', 99, 2),
      listing('6', 'Lower', '202', 130, 4, []),
    ]);
    const window = { from: at(0), to: at(48) };
    await rollupHourly(t.db, window);
    await rollupDaily(t.db, window);
  });
  after(async () => t?.drop());

  it('finds the event by internal id or any marketplace id', async () => {
    assert.equal((await resolveEventRef(t.db, String(eventId))).id, eventId);
    assert.equal((await resolveEventRef(t.db, 'SH-1')).id, eventId);
    assert.equal((await resolveEventRef(t.db, ' VS-9 ')).capacity, 1000);
    await assert.rejects(resolveEventRef(t.db, 'nope'), UnknownEventError);
  });

  it('history per day comes from the daily rollup, per hour from hourly, finer from raw snapshots', async () => {
    const daily = await history(t.db, { eventId, from: at(0), to: at(48), bucket: parseBucket('1 day') });
    assert.deepEqual(
      daily.map((r) => [r.bucket.toISOString(), r.source, r.lowest, r.highest, r.samples, r.resolution]),
      [
        ['2026-01-05T00:00:00.000Z', 'stubhub', 90, 200, 3, 'daily'],
        ['2026-01-05T00:00:00.000Z', 'vividseats', 210, 210, 1, 'daily'],
        ['2026-01-06T00:00:00.000Z', 'stubhub', 99, 140, 1, 'daily'],
      ],
    );
    // Day 0 stubhub average: mean of the three scrapes' averages (136.67, 145, 122.5).
    assert.equal(daily[0]!.average, Math.round(((136.67 + 145 + 122.5) / 3) * 100) / 100);
    assert.equal(daily[0]!.ticketsPeak, 9);
    const hourly = await history(t.db, { eventId, from: at(10), to: at(11), bucket: parseBucket('1 hour'), source: 'stubhub' });
    const raw = await history(t.db, { eventId, from: at(10), to: at(11), bucket: parseBucket('30 minutes'), source: 'stubhub' });
    assert.equal(hourly[0]!.resolution, 'hourly');
    assert.deepEqual(
      raw.map((r) => [r.resolution, r.lowest]),
      [
        ['raw', 90],
        ['raw', 110],
      ],
    );
    assert.equal(hourly[0]!.lowest, Math.min(...raw.map((r) => r.lowest!)));
    const zone = await history(t.db, { eventId, from: at(0), to: at(48), bucket: parseBucket('1 day'), zone: 'Floor', source: 'stubhub' });
    assert.deepEqual(
      zone.map((r) => r.lowest),
      [150, 140],
    );
  });

  it('history for 2 and 4 tickets together respects how listings split', async () => {
    const two = await history(t.db, { eventId, from: at(0), to: at(48), bucket: parseBucket('1 day'), source: 'stubhub', quantity: 2 });
    // Day 0: 2 x 180 (a2 Floor), 2 x 150 (a3, splits 2 and 6), 2 x 95 (a3, any split): 190.
    assert.deepEqual(
      two.map((r) => [r.lowest, r.average]),
      [
        [190, null],
        [198, null],
      ],
    );
    const four = await history(t.db, { eventId, from: at(0), to: at(48), bucket: parseBucket('1 day'), source: 'stubhub', quantity: 4 });
    // Day 0: only the Lower 201 listings (sold in fours): 4 x 110. Day 1: 4 x 130.
    assert.deepEqual(
      four.map((r) => r.lowest),
      [440, 520],
    );
  });

  it('trend gives first and last lowest price, direction and percent change', async () => {
    const r = await trend(t.db, { eventId, from: at(0), to: at(48), granularity: 'daily' });
    const sh = r.lines.find((l) => l.source === 'stubhub')!;
    assert.deepEqual([sh.first, sh.last, sh.direction, sh.percentChange], [90, 99, 'up', 10]);
    const hourly = await trend(t.db, { eventId, from: at(0), to: at(48), granularity: 'hourly', source: 'stubhub', zone: 'Floor' });
    assert.deepEqual(
      [hourly.lines[0]!.first, hourly.lines[0]!.last, hourly.lines[0]!.direction, hourly.lines[0]!.points],
      [200, 140, 'down', 3],
    );
  });

  it('trend compares the first and the last scrape, not the lowest of a bucket (three scrapes in one day)', async () => {
    const day = await createEvent(t.db, 'analytics-trend-day');
    const one = (key: string, hours: number, price: number) =>
      persistScrape(t.db, {
        scrapeId: key,
        eventId: day,
        marketplace: 'vividseats',
        capturedAt: at(hours),
        fetched: { kind: 'listings', listings: [listing(key, 'Floor', '101', price, 2)], skipped: [] },
      });
    await one('d1', 8, 109.6);
    await one('d2', 12, 82.2);
    await one('d3', 18, 109.61);
    await rollupHourly(t.db, { from: at(0), to: at(24) });
    await rollupDaily(t.db, { from: at(0), to: at(24) });
    const r = await trend(t.db, { eventId: day, from: at(0), to: at(24), granularity: 'daily' });
    const vs = r.lines[0]!;
    assert.deepEqual(
      [vs.first, vs.last, vs.change, vs.direction, vs.measuredOn, vs.firstAt.toISOString(), vs.lastAt.toISOString()],
      [109.6, 109.61, 0.01, 'up', 'observations', at(8).toISOString(), at(18).toISOString()],
    );
  });

  it('availability reports tickets, listings and the share of capacity', async () => {
    const rows = await availability(t.db, {
      eventId,
      from: at(0),
      to: at(48),
      bucket: parseBucket('1 day'),
      capacity: 1000,
      source: 'stubhub',
    });
    // Day 0 tickets per scrape: 7, 6, 9 -> average 7.33, peak 9.
    assert.deepEqual(
      rows.map((r) => [r.ticketsAverage, r.ticketsPeak, r.shareOfCapacityPct]),
      [
        [7.33, 9, 0.73],
        [8, 8, 0.8],
      ],
    );
  });

  it("latest prices and listings come from each marketplace's latest scrape", async () => {
    const prices = await latestPrices(t.db, eventId);
    assert.deepEqual(
      prices.map((p) => [p.zone, p.source, p.lowest, p.capturedAt.toISOString()]),
      [
        ['ALL', 'stubhub', 99, at(33).toISOString()],
        ['ALL', 'vividseats', 210, at(11).toISOString()],
        ['Floor', 'stubhub', 140, at(33).toISOString()],
        ['Floor', 'vividseats', 210, at(11).toISOString()],
        ['Lower', 'stubhub', 99, at(33).toISOString()],
      ],
    );
    const cheapest = await latestListings(t.db, eventId, 2);
    assert.deepEqual(
      cheapest.map((l) => [l.source, l.listingId, l.allInPrice]),
      [
        ['stubhub', '5', 99],
        ['stubhub', '6', 130],
      ],
    );
    const vivid = await latestListings(t.db, eventId, 10, 'vividseats');
    assert.deepEqual(
      vivid.map((l) => l.listingId),
      ['x'],
    );
  });

  it('sections summarize each section over the period', async () => {
    const rows = await sections(t.db, { eventId, from: at(0), to: at(48) });
    const s202 = rows.find((r) => r.section === '202' && r.source === 'stubhub')!;
    assert.deepEqual([s202.lowest, s202.latestLowest, s202.samples, s202.latestTickets], [90, 130, 3, 4]);
    assert.deepEqual(
      rows.map((r) => `${r.zone}/${r.section}/${r.source}`),
      ['Floor/101/stubhub', 'Floor/F1/vividseats', 'Lower/201/stubhub', 'Lower/202/stubhub'],
    );
  });
});
