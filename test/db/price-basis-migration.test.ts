import assert from 'node:assert/strict';
import { loadMigrations, migrate } from '../../src/db/migrate';
import type { Db } from '../../src/db/pool';
import { rollupDaily, rollupHourly } from '../../src/db/rollup';
import type { NormalizedListing } from '../../src/domain/listing';
import { parseStubHubCompListings } from '../../src/marketplaces/stubhub/adapter';
import { parseVividSeatsListings } from '../../src/marketplaces/vividseats/adapter';
import { persistScrape } from '../../src/scrape/store';
import { storeAsBefore } from '../fixtures/db/before-price-basis';
import { createEvent } from '../fixtures/db/data';
import { createTestDatabase, describeLayouts, pausePolicies, type TestDatabase } from '../helpers/db';
import { readFixture } from '../helpers/offered-listings';

/**
 * Migration 090 (price bases) on a database written before it, in both storage layouts (the
 * TimescaleDB one with its chunks compressed, as a months-old deployment has them): the same
 * scrapes stored before the migration and migrated, and stored after it by today's code, give the
 * same listings, snapshots, scrape figures and rollups on both bases. Before 090, StubHub's listings
 * stored the seller's net proceeds as their price; after it, that figure is the seller's net
 * proceeds and never a buyer's price. Listings from real captures (test/fixtures/marketplaces).
 */
const PRICE_BASIS_MIGRATION = 89;
const AT = new Date('2026-03-02T10:15:00Z');

const listingsOf = (fetched: ReturnType<typeof parseVividSeatsListings>): NormalizedListing[] =>
  fetched.kind === 'listings' ? fetched.listings : assert.fail('a listings payload');
const VIVID = listingsOf(parseVividSeatsListings(readFixture('trial/vs_real18.json')));
// The listings the code before 090 stored too: it skipped a listing without sellerNetProceeds.
const STUBHUB = listingsOf(parseStubHubCompListings(readFixture('stubhub/comp-listings.json'))).filter((l) => l.sellerNetProceeds !== null);

/** Rows of a table for one event, without the event id and the scrape's own id, in a fixed order. */
async function rowsOf(db: Db, sql: string, eventId: number): Promise<Record<string, unknown>[]> {
  return (await db.query<Record<string, unknown>>(sql, [eventId])).rows;
}

const SNAPSHOTS = `SELECT marketplace, zone, section, lowest_price, average_price, highest_price, lowest_price_2, lowest_price_4,
       all_in_lowest_price, all_in_average_price, all_in_highest_price, all_in_lowest_price_2, all_in_lowest_price_4,
       total_tickets, total_listings, available, currency
  FROM ticket_snapshots WHERE event_id = $1 ORDER BY marketplace, zone, section`;
const LISTINGS = `SELECT marketplace, listing_id, base_price, all_in_price, seller_net_proceeds, currency
  FROM listings WHERE event_id = $1 ORDER BY marketplace, listing_id`;
const SCRAPES = `SELECT marketplace, lowest_price, all_in_lowest_price FROM scrapes WHERE event_id = $1 ORDER BY marketplace`;
const ROLLUPS = (
  table: string,
): string => `SELECT bucket, marketplace, zone, min_price, max_price, avg_price_sum, avg_price_count, min_price_2, min_price_4,
       all_in_min_price, all_in_max_price, all_in_avg_price_sum, all_in_avg_price_count, all_in_min_price_2, all_in_min_price_4,
       tickets_max, tickets_sum, tickets_count, listings_max, listings_sum, listings_count, samples
  FROM ${table} WHERE event_id = $1 ORDER BY bucket, marketplace, zone`;

describeLayouts('migration 090: price bases on data stored before it', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let migrated: number;
  let fresh: number;
  let bare: number;
  before(async () => {
    t = await createTestDatabase({ layout, migrate: false });
    const storageMode = layout === 'plain' ? 'plain' : 'auto';
    await migrate(
      t.db,
      loadMigrations().filter((m) => m.version < PRICE_BASIS_MIGRATION),
      { storageMode },
    );
    if (layout === 'timescaledb') await pausePolicies(t.db);
    migrated = await createEvent(t.db, 'stored-before-090');
    bare = await createEvent(t.db, 'stubhub-without-all-in');
    await storeAsBefore(t.db, migrated, 'vividseats', VIVID, 'old-vivid', AT);
    await storeAsBefore(t.db, migrated, 'stubhub', STUBHUB, 'old-stubhub', AT);
    // A StubHub row stored before sellerAllInPrice was required: it has no buyer price at all.
    await storeAsBefore(t.db, bare, 'stubhub', [{ ...STUBHUB[0]!, allInPrice: null }], 'old-bare', AT);
    if (layout === 'timescaledb') {
      // A deployment months old has its chunks compressed: the migration must update them.
      await t.db.query(`SELECT compress_chunk(c) FROM show_chunks('listings') c`);
      await t.db.query(`SELECT compress_chunk(c) FROM show_chunks('ticket_snapshots') c`);
    }
    await migrate(t.db, undefined, { storageMode });
    fresh = await createEvent(t.db, 'stored-after-090');
    for (const [marketplace, listings] of [
      ['vividseats', VIVID],
      ['stubhub', STUBHUB],
    ] as const) {
      await persistScrape(t.db, {
        scrapeId: `new-${marketplace}`,
        eventId: fresh,
        marketplace,
        capturedAt: AT,
        fetched: { kind: 'listings', listings, skipped: [] },
      });
    }
    const window = { from: AT, to: new Date(AT.getTime() + 3_600_000) };
    await rollupHourly(t.db, window);
    await rollupDaily(t.db, window);
  });
  after(async () => t?.drop());

  it("moves StubHub's stored figure to the seller's net proceeds: no buyer price is the seller's", async () => {
    const sh = (await rowsOf(t.db, LISTINGS, migrated)).filter((r) => r.marketplace === 'stubhub');
    assert.equal(sh.length, STUBHUB.filter((l) => l.currency === 'USD').length);
    for (const r of sh) {
      assert.equal(r.base_price, null, `${String(r.listing_id)}: no base price`);
      assert.notEqual(r.seller_net_proceeds, null);
      assert.ok(Number(r.seller_net_proceeds) < Number(r.all_in_price), `${String(r.listing_id)}: net below the buyer's all-in`);
    }
  });

  it('gives the listings, snapshots and scrape figures that storing the same scrapes today gives, on both bases', async () => {
    assert.deepEqual(await rowsOf(t.db, LISTINGS, migrated), await rowsOf(t.db, LISTINGS, fresh));
    const snapshots = await rowsOf(t.db, SNAPSHOTS, migrated);
    assert.deepEqual(snapshots, await rowsOf(t.db, SNAPSHOTS, fresh));
    // Not vacuous: the StubHub rows lost their base figures, the Vivid Seats ones gained all-in ones.
    const event = (m: string) => snapshots.find((r) => r.marketplace === m && r.zone === 'ALL')!;
    assert.deepEqual([event('stubhub').lowest_price, event('vividseats').lowest_price !== null], [null, true]);
    assert.ok(event('stubhub').all_in_lowest_price !== null && event('vividseats').all_in_lowest_price !== null);
    assert.deepEqual(await rowsOf(t.db, SCRAPES, migrated), await rowsOf(t.db, SCRAPES, fresh));
  });

  it('rebuilds the rollups on both bases as a rollup of the same scrapes today does', async () => {
    for (const table of ['rollup_hourly', 'rollup_daily']) {
      const old = await rowsOf(t.db, ROLLUPS(table), migrated);
      assert.ok(old.length > 0, `${table}: rows`);
      assert.deepEqual(old, await rowsOf(t.db, ROLLUPS(table), fresh), table);
    }
  });

  it('keeps a StubHub row that has no buyer price as history, in no buyer figure', async () => {
    const [row] = await rowsOf(t.db, LISTINGS, bare);
    assert.deepEqual([row!.base_price, row!.all_in_price, row!.seller_net_proceeds !== null], [null, null, true]);
    const [event] = (await rowsOf(t.db, SNAPSHOTS, bare)).filter((r) => r.zone === 'ALL');
    assert.deepEqual([event!.lowest_price, event!.all_in_lowest_price, event!.total_listings], [null, null, 1]);
  });
});
