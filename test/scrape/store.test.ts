import assert from 'node:assert/strict';
import { persistScrape } from '../../src/scrape/store';
import { ensurePartitions } from '../../src/db/partitions';
import { SUMMARY_ZONE } from '../../src/domain/listing';
import { parseSeatGeekEvent } from '../../src/marketplaces/seatgeek/adapter';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent, makeListings } from '../fixtures/db/data';

describeLayouts('persistScrape', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let eventId: number;
  before(async () => {
    t = await createTestDatabase({ layout });
    eventId = await createEvent(t.db, 'ingest');
  });
  after(async () => t?.drop());

  const count = async (sql: string, params: unknown[]): Promise<number> =>
    Number((await t.db.query<{ n: string }>(sql, params)).rows[0]!.n);

  it('stores the listings and snapshots once, however often the same scrape id is persisted', async () => {
    const listings = makeListings(300, 7);
    const input = {
      scrapeId: 'ingest:cycle-1:stubhub',
      eventId,
      marketplace: 'stubhub' as const,
      capturedAt: new Date('2026-03-02T10:15:00Z'),
      fetched: { kind: 'listings' as const, listings, skipped: [] },
    };
    const first = await persistScrape(t.db, input);
    assert.equal(first.alreadyPersisted, false);
    assert.equal(first.listingsStored, 300);
    assert.equal(first.lowestPrice, Math.min(...listings.map((l) => l.basePrice!)));
    // A retry and two concurrent replays.
    const again = await Promise.all([persistScrape(t.db, input), persistScrape(t.db, input), persistScrape(t.db, input)]);
    for (const r of again) {
      assert.equal(r.alreadyPersisted, true);
      assert.deepEqual({ ...r, alreadyPersisted: false }, first);
    }
    assert.equal(await count('SELECT count(*) AS n FROM listings WHERE event_id = $1', [eventId]), 300);
    assert.equal(await count('SELECT count(*) AS n FROM ticket_snapshots WHERE event_id = $1', [eventId]), first.snapshots);
    assert.equal(await count('SELECT count(*) AS n FROM scrapes WHERE scrape_key = $1', [input.scrapeId]), 1);
  });

  it('stores a scrape once when two first attempts race: the loser rolls back the listings it copied', async () => {
    const listings = makeListings(400, 11);
    const input = {
      scrapeId: 'ingest:race:stubhub',
      eventId,
      marketplace: 'stubhub' as const,
      capturedAt: new Date('2026-03-02T11:15:00Z'),
      fetched: { kind: 'listings' as const, listings, skipped: [] },
    };
    const results = await Promise.all([persistScrape(t.db, input), persistScrape(t.db, input), persistScrape(t.db, input)]);
    assert.deepEqual(results.map((r) => r.alreadyPersisted).sort(), [false, true, true]);
    const stored = results.find((r) => !r.alreadyPersisted)!;
    for (const r of results) assert.deepEqual({ ...r, alreadyPersisted: false }, stored);
    const ref = `(SELECT id FROM scrapes WHERE scrape_key = $1)`;
    assert.equal(await count(`SELECT count(*) AS n FROM listings WHERE scrape_ref = ${ref}`, [input.scrapeId]), 400);
    assert.equal(await count(`SELECT count(*) AS n FROM listings WHERE captured_at = $1`, [input.capturedAt]), 400);
    assert.equal(await count(`SELECT count(*) AS n FROM ticket_snapshots WHERE scrape_ref = ${ref}`, [input.scrapeId]), stored.snapshots);
  });

  it('rejects bad listings before SQL, counts and reports them, and stores the rest', async () => {
    const good = makeListings(20, 3, 'G');
    const bad: unknown[] = [
      { ...good[0]!, listingId: 'neg', basePrice: -5 },
      { ...good[0]!, listingId: 'absurd', basePrice: 9_999_999 },
      { ...good[0]!, listingId: 'zero-qty', quantity: 0 },
      { ...good[0]!, listingId: 'peso', currency: 'XXX' },
      { ...good[0]!, listingId: 'sub-cent', basePrice: 0.001 },
      { ...good[1]! }, // duplicate listing id
    ];
    const res = await persistScrape(t.db, {
      scrapeId: 'ingest:cycle-2:vividseats',
      eventId,
      marketplace: 'vividseats',
      capturedAt: new Date('2026-03-02T11:00:00Z'),
      fetched: {
        kind: 'listings',
        listings: [...good, ...(bad as typeof good)],
        skipped: [{ path: 'listings[99]', reason: 'adapter could not read it' }],
      },
    });
    assert.equal(res.listingsStored, 20);
    assert.equal(res.listingsRejected, 6, 'validation rejects only; the adapter reported its own skipped record');
    const paths = res.rejected.map((r) => r.path);
    assert.deepEqual(paths, [
      'listings[20].basePrice',
      'listings[21].basePrice',
      'listings[22].quantity',
      'listings[23].currency',
      'listings[24].basePrice',
      'listings[25].listingId',
    ]);
    assert.ok(res.rejected.every((r) => r.reason.length > 0));
    const stored = await t.db.query<{ listing_id: string }>(
      `SELECT l.listing_id FROM listings l JOIN scrapes s ON s.id = l.scrape_ref WHERE s.scrape_key = 'ingest:cycle-2:vividseats'`,
    );
    assert.deepEqual(stored.rows.map((r) => r.listing_id).sort(), good.map((l) => l.listingId).sort());
    const kept = await t.db.query<{ listings_rejected: number; rejected: unknown[] }>(
      `SELECT listings_rejected, rejected FROM scrapes WHERE scrape_key = 'ingest:cycle-2:vividseats'`,
    );
    assert.equal(kept.rows[0]!.listings_rejected, 6);
    assert.equal(kept.rows[0]!.rejected.length, 6);
  });

  it("never aggregates two currencies: listings in another than the scrape's currency are rejected with the reason", async () => {
    const usd = makeListings(6, 5, 'U');
    const cad = makeListings(2, 6, 'C').map((l) => ({ ...l, currency: 'CAD' }));
    const res = await persistScrape(t.db, {
      scrapeId: 'ingest:currencies:stubhub',
      eventId,
      marketplace: 'stubhub',
      capturedAt: new Date('2026-03-02T11:30:00Z'),
      fetched: { kind: 'listings', listings: [...usd.slice(0, 3), ...cad, ...usd.slice(3)], skipped: [] },
    });
    assert.equal(res.listingsStored, 6);
    assert.deepEqual(
      res.rejected.map((r) => r.path),
      ['listings[3].currency', 'listings[4].currency'],
    );
    assert.match(res.rejected[0]!.reason, /CAD differs from the scrape's USD/);
    assert.deepEqual(res.skippedByReason, [{ kind: "listings[].currency: not the scrape's currency", count: 2 }]);
    const currencies = await t.db.query<{ currency: string }>(
      `SELECT DISTINCT currency FROM ticket_snapshots WHERE scrape_ref = (SELECT id FROM scrapes WHERE scrape_key = 'ingest:currencies:stubhub')`,
    );
    assert.deepEqual(currencies.rows, [{ currency: 'USD' }]);
  });

  it("records what the payload held, what was skipped by reason, and the scrape's health", async () => {
    const good = makeListings(3, 9, 'H');
    const skipped = Array.from({ length: 7 }, (_, i) => ({
      path: `tickets[${i + 3}].p`,
      reason: 'price "N/A" is not a number',
      kind: 'tickets[].p: not a number',
    }));
    const res = await persistScrape(t.db, {
      scrapeId: 'ingest:drift:vividseats',
      eventId,
      marketplace: 'vividseats',
      capturedAt: new Date('2026-03-02T11:40:00Z'),
      fetched: { kind: 'listings', listings: good, skipped, items: 10, declared: { listings: 10, tickets: null } },
    });
    assert.equal(res.health.status, 'format-drift');
    assert.match(res.health.reason!, /7 of 10 items skipped \(70 %, over 20 %\): 7 × tickets\[\]\.p: not a number/);
    assert.equal(res.health.examples.length, 5);
    const row = await t.db.query(
      `SELECT items_in_payload, listings_declared, skipped_by_reason, health FROM scrapes WHERE scrape_key = 'ingest:drift:vividseats'`,
    );
    assert.deepEqual(row.rows, [
      {
        items_in_payload: 10,
        listings_declared: 10,
        skipped_by_reason: [{ kind: 'tickets[].p: not a number', count: 7 }],
        health: 'format-drift',
      },
    ]);
  });

  it('records a SeatGeek payload without stats as format drift, with the missing field, not as a plain success', async () => {
    const res = await persistScrape(t.db, {
      scrapeId: 'ingest:drift:seatgeek',
      eventId,
      marketplace: 'seatgeek',
      capturedAt: new Date('2026-03-02T11:50:00Z'),
      fetched: parseSeatGeekEvent({ id: 9100001, statistics: { lowest_price: 187 } }),
    });
    assert.equal(res.health.status, 'format-drift');
    assert.match(res.health.reason!, /missing stats \(every SeatGeek event carries stats; found statistics\)/);
    const row = await t.db.query(`SELECT health FROM scrapes WHERE scrape_key = 'ingest:drift:seatgeek'`);
    assert.deepEqual(row.rows, [{ health: 'format-drift' }]);
  });

  it('stores a summary-only fetch as one event-level snapshot in zone ALL', async () => {
    const res = await persistScrape(t.db, {
      scrapeId: 'ingest:cycle-3:seatgeek',
      eventId,
      marketplace: 'seatgeek',
      capturedAt: new Date('2026-03-02T12:00:00Z'),
      fetched: {
        kind: 'summary',
        summary: { lowest: 55.5, average: 120.25, median: 99, highest: 900, listingCount: 40, ticketCount: 130, currency: 'USD' },
        skipped: [],
      },
    });
    assert.equal(res.snapshots, 1);
    assert.equal(res.lowestPrice, 55.5);
    const row = await t.db.query(
      `SELECT zone, section, lowest_price, average_price, highest_price, total_tickets, total_listings, available FROM ticket_snapshots WHERE marketplace = 'seatgeek' AND captured_at = '2026-03-02T12:00:00Z'`,
    );
    assert.deepEqual(row.rows, [
      {
        zone: SUMMARY_ZONE,
        section: '',
        lowest_price: '55.50',
        average_price: '120.25',
        highest_price: '900.00',
        total_tickets: 130,
        total_listings: 40,
        available: true,
      },
    ]);
  });

  it('refuses a scrape id reused for another event, and an invalid envelope', async () => {
    const other = await createEvent(t.db, 'ingest-other');
    await assert.rejects(
      persistScrape(t.db, {
        scrapeId: 'ingest:cycle-3:seatgeek',
        eventId: other,
        marketplace: 'seatgeek',
        capturedAt: new Date(),
        fetched: { kind: 'listings', listings: [], skipped: [] },
      }),
      /already used for event/,
    );
    await assert.rejects(
      persistScrape(t.db, {
        scrapeId: 'x'.repeat(201),
        eventId,
        marketplace: 'stubhub',
        capturedAt: new Date(),
        fetched: { kind: 'listings', listings: [], skipped: [] },
      }),
      /scrapeId/,
    );
  });

  // Plain layout only: TimescaleDB creates the chunk a row needs as it is written.
  if (layout === 'plain')
    it('keeps rows whose time falls outside every partition in the default partition, then moves them into the partition created for them', async () => {
      const capturedAt = new Date('2031-06-04T08:00:00Z');
      await persistScrape(t.db, {
        scrapeId: 'ingest:future',
        eventId,
        marketplace: 'stubhub',
        capturedAt,
        fetched: { kind: 'listings', listings: makeListings(10, 9, 'F'), skipped: [] },
      });
      assert.equal(await count(`SELECT count(*) AS n FROM listings_default WHERE captured_at >= '2031-01-01'`, []), 10);
      const client = await t.db.connect();
      try {
        const created = await ensurePartitions(client, { from: capturedAt, to: new Date(capturedAt.getTime() + 1) });
        assert.deepEqual(created, ['listings_p20310602', 'ticket_snapshots_p20310602']);
      } finally {
        client.release();
      }
      assert.equal(await count(`SELECT count(*) AS n FROM listings_default WHERE captured_at >= '2031-01-01'`, []), 0);
      assert.equal(await count('SELECT count(*) AS n FROM listings_p20310602', []), 10);
      assert.equal(await count(`SELECT count(*) AS n FROM ticket_snapshots_default WHERE captured_at >= '2031-01-01'`, []), 0);
    });
});
