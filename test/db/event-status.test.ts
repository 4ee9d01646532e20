import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateScrape } from '../../src/scrape/evaluate';
import { addRule, ruleInputOf } from '../../src/alerts/rules/store';
import { ruleSpecSchema } from '../../src/alerts/rules/types';
import { latestPrices } from '../../src/db/analytics/latest';
import { eventStatusStates, listScrapableEvents, withEventStatus } from '../../src/db/event-status';
import { persistScrape } from '../../src/scrape/store';
import type { MarketplaceName } from '../../src/domain/listing';
import { parseTicketmasterEvent } from '../../src/marketplaces/ticketmaster/adapter';
import { parseVividSeatsListings } from '../../src/marketplaces/vividseats/adapter';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';

const fixture = (marketplace: string, name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'marketplaces', marketplace, name), 'utf8')) as Record<string, unknown>;

/** ticketmaster/event.json (or another fixture) with its face value range's min set (a price drop). */
const tmWithMin = (name: string, min: number): Record<string, unknown> => {
  const p = fixture('ticketmaster', name);
  (p.priceRanges as { min: number }[])[0]!.min = min;
  return p;
};

describeLayouts('event status, listings without a map zone and hidden zeros, as stored', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let n = 0;
  before(async () => {
    t = await createTestDatabase({ layout });
  });
  after(async () => t?.drop());

  const store = async (eventId: number, marketplace: MarketplaceName, payload: unknown, capturedAt: string) => {
    const fetched = marketplace === 'ticketmaster' ? parseTicketmasterEvent(payload) : parseVividSeatsListings(payload);
    const scrapeId = `status-${++n}/${eventId}/${marketplace}`;
    const stored = await persistScrape(t.db, { scrapeId, eventId, marketplace, capturedAt: new Date(capturedAt), fetched });
    return { scrapeId, stored };
  };
  const trackedEvent = async (key: string, startsAt: string, ids: Partial<Record<MarketplaceName, string>>): Promise<number> => {
    // Marketplace ids are unique across events: each event of this file gets its own.
    const own = Object.fromEntries(Object.entries(ids).map(([m, v]) => [m, `${v}-${key}`]));
    const id = await createEvent(t.db, `${key}-${layout}`, { marketplaceIds: own });
    await t.db.query(`UPDATE events SET starts_at = $2, start_precision = 'time', tracked = true WHERE id = $1`, [id, startsAt]);
    return id;
  };
  const allRow = async (scrapeId: string) =>
    (
      await t.db.query<{
        lowest_price: string | null;
        average_price: string | null;
        highest_price: string | null;
        total_tickets: number | null;
      }>(
        `SELECT lowest_price, average_price, highest_price, total_tickets FROM ticket_snapshots
          WHERE scrape_ref = (SELECT id FROM scrapes WHERE scrape_key = $1) AND zone = 'ALL' AND section = ''`,
        [scrapeId],
      )
    ).rows[0]!;

  it('Vivid Seats listings with zone id "0" are stored under their fallback zones and count in the event row; health ok', async () => {
    const eventId = await trackedEvent('unzoned', '2027-03-01T00:00:00Z', { vividseats: '7310442' });
    const { scrapeId, stored } = await store(eventId, 'vividseats', fixture('vividseats', 'listings-unzoned.json'), '2027-02-01T10:00:00Z');
    assert.deepEqual([stored.listingsStored, stored.health.status], [11, 'ok']);
    const e = await allRow(scrapeId);
    assert.deepEqual([Number(e.lowest_price), Number(e.average_price), Number(e.highest_price), e.total_tickets], [180, 2339.68, 8400, 42]);
    const zones = await t.db.query<{ zone: string }>(
      `SELECT DISTINCT zone FROM listings WHERE scrape_ref = (SELECT id FROM scrapes WHERE scrape_key = $1) ORDER BY zone`,
      [scrapeId],
    );
    assert.deepEqual(
      zones.rows.map((r) => r.zone),
      ['Club Box B', 'Courtside', 'Loge Box 4', 'Promenade', 'Suite 12', 'unzoned'],
    );
    const suite = (await latestPrices(t.db, eventId, undefined, 'base')).find((r) => r.zone === 'Suite 12')!;
    assert.deepEqual([suite.lowest, suite.tickets, suite.eventStatus, suite.live], [8400, 2, null, true]);
    // The all-in "0.00" of VB2840019002 is stored as null, with the reason on the scrape.
    const l = await t.db.query<{ all_in_price: string | null; base_price: string }>(
      `SELECT all_in_price, base_price FROM listings WHERE listing_id = 'VB2840019002' AND event_id = $1`,
      [eventId],
    );
    assert.deepEqual([l.rows[0]!.all_in_price, Number(l.rows[0]!.base_price)], [null, 1200]);
    const s = await t.db.query<{ not_given: { path: string }[]; event_status: string | null }>(
      `SELECT not_given, event_status FROM scrapes WHERE scrape_key = $1`,
      [scrapeId],
    );
    assert.deepEqual(
      s.rows[0]!.not_given.map((x) => x.path),
      ['tickets[10].allInPricePerTicket'],
    );
    assert.equal(s.rows[0]!.event_status, null, 'Vivid Seats states no status');
  });

  it('Ticketmaster min 0.0: the lowest is stored as null with the reason, the highest kept, the scrape healthy', async () => {
    const eventId = await trackedEvent('min-zero', '2027-03-01T00:00:00Z', { ticketmaster: 'vvG1zZ9pNzqX0V' });
    const { scrapeId, stored } = await store(
      eventId,
      'ticketmaster',
      fixture('ticketmaster', 'event-min-zero.json'),
      '2027-02-01T10:00:00Z',
    );
    assert.equal(stored.health.status, 'ok');
    const e = await allRow(scrapeId);
    assert.deepEqual([e.lowest_price, Number(e.highest_price)], [null, 1450]);
    const s = await t.db.query<{ not_given: { path: string; reason: string }[]; health: string }>(
      `SELECT not_given, health FROM scrapes WHERE scrape_key = $1`,
      [scrapeId],
    );
    assert.deepEqual(
      s.rows[0]!.not_given.map((x) => x.path),
      ['priceRanges[0].min'],
    );
    assert.equal(s.rows[0]!.health, 'ok');
  });

  it('a cancelled event: status stored per observation, figures kept but not live, no alert, no longer scraped (and says why)', async () => {
    const now = new Date('2025-02-20T12:00:00Z');
    const eventId = await trackedEvent('cancelled', '2025-03-09T00:30:00Z', { ticketmaster: 'vvG1zZ9pNzqX0V', vividseats: '7310442' });
    const due = async () => (await listScrapableEvents(t.db, now, 0)).some((e) => e.id === eventId);
    assert.equal(await due(), true);
    await addRule(
      t.db,
      ruleInputOf(
        ruleSpecSchema.parse({
          name: `tm drop ${layout}`,
          marketplace: 'ticketmaster',
          condition: 'drop 10%',
          cooldown: 'none',
          channels: 'webhook',
        }),
        eventId,
      ),
    );
    const onsale = await store(eventId, 'ticketmaster', fixture('ticketmaster', 'event.json'), '2025-02-20T08:00:00Z');
    assert.equal(onsale.stored.eventStatus, 'onsale');
    await evaluateScrape(t.db, onsale.scrapeId);
    assert.equal(await due(), true, 'onsale: still scraped');

    // Cancelled, and the face value lowest down from 79.00 to 40.00: a live price would fire "drop 10%".
    const cancelled = await store(eventId, 'ticketmaster', tmWithMin('event-cancelled.json', 40), '2025-02-20T10:00:00Z');
    assert.deepEqual([cancelled.stored.eventStatus, cancelled.stored.health.status, cancelled.stored.lowestPrice], ['cancelled', 'ok', 40]);
    const evaluation = await evaluateScrape(t.db, cancelled.scrapeId);
    assert.deepEqual(evaluation.firings, []);
    assert.match(evaluation.skipped ?? '', /^event cancelled \(ticketmaster\): its prices are not live prices/);
    assert.equal(
      Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM alerts WHERE scrape_key = $1`, [cancelled.scrapeId])).rows[0]!.n),
      0,
    );

    // Per observation: both scrapes keep what their payload said.
    const statuses = await t.db.query<{ event_status: string }>(
      `SELECT event_status FROM scrapes WHERE event_id = $1 AND marketplace = 'ticketmaster' ORDER BY captured_at`,
      [eventId],
    );
    assert.deepEqual(
      statuses.rows.map((r) => r.event_status),
      ['onsale', 'cancelled'],
    );
    // Kept, not live.
    const all = (await latestPrices(t.db, eventId, undefined, 'base')).find((r) => r.zone === 'ALL' && r.source === 'ticketmaster')!;
    assert.deepEqual([all.lowest, all.highest, all.eventStatus, all.live], [40, 1450, 'cancelled', false]);
    // No longer scraped after the check that said so, and why.
    assert.equal(await due(), false);
    const [listed] = await withEventStatus(t.db, [{ id: eventId }]);
    assert.equal(listed!.stoppedReason, 'cancelled (ticketmaster, 2025-02-20 10:00 UTC): no longer scraped');
    // Another marketplace's later scrape (which states no status) does not undo it.
    await store(eventId, 'vividseats', fixture('vividseats', 'listings.json'), '2025-02-20T11:00:00Z');
    assert.equal(await due(), false);
    // A one-off check (`ticket-tracker scrape EVENT`) that finds it on sale again resumes it.
    await store(eventId, 'ticketmaster', fixture('ticketmaster', 'event.json'), '2025-02-20T11:30:00Z');
    assert.equal(await due(), true);
    assert.equal((await withEventStatus(t.db, [{ id: eventId }]))[0]!.stoppedReason, null);
  });

  it('a "cancelled" in a scrape that failed as format drift is not a successful check: the event is still scraped', async () => {
    const now = new Date('2025-02-20T12:00:00Z');
    const eventId = await trackedEvent('cancelled-drift', '2025-03-09T00:30:00Z', { ticketmaster: 'vvG1zZ9pNzqX0V' });
    const p = fixture('ticketmaster', 'event-cancelled.json');
    p.priceRanges = (p.priceRanges as Record<string, unknown>[]).map(({ min, max, ...r }) => ({ ...r, minimum: min, maximum: max }));
    const { stored } = await store(eventId, 'ticketmaster', p, '2025-02-20T10:00:00Z');
    assert.equal(stored.health.status, 'format-drift');
    assert.equal((await eventStatusStates(t.db, [eventId])).get(eventId), undefined);
    assert.ok((await listScrapableEvents(t.db, now, 0)).some((e) => e.id === eventId));
  });

  it('a postponed event is still scraped but its prices are not live', async () => {
    const eventId = await trackedEvent('postponed', '2025-03-09T00:30:00Z', { ticketmaster: 'vvG1zZ9pNzqX0V' });
    await store(eventId, 'ticketmaster', fixture('ticketmaster', 'event-postponed.json'), '2025-02-20T10:00:00Z');
    assert.ok((await listScrapableEvents(t.db, new Date('2025-02-20T12:00:00Z'), 0)).some((e) => e.id === eventId));
    const all = (await latestPrices(t.db, eventId, undefined, 'base')).find((r) => r.zone === 'ALL')!;
    assert.deepEqual([all.lowest, all.eventStatus, all.live], [79, 'postponed', false]);
  });

  it('a rescheduled event takes the new start: scraped past its catalog start, until the new start has passed', async () => {
    // Catalog start 2025-03-09 00:30 UTC; the marketplace moves it to 2025-04-16 23:30 UTC.
    const eventId = await trackedEvent('rescheduled', '2025-03-09T00:30:00Z', { ticketmaster: 'vvG1zZ9pNzqX0V' });
    const dueAt = async (iso: string) => (await listScrapableEvents(t.db, new Date(iso), 0)).find((e) => e.id === eventId);
    assert.equal(await dueAt('2025-04-01T00:00:00Z'), undefined, 'past its catalog start, not rescheduled yet');
    await store(eventId, 'ticketmaster', fixture('ticketmaster', 'event-rescheduled.json'), '2025-03-01T10:00:00Z');
    assert.equal((await dueAt('2025-03-02T00:00:00Z'))?.startsAt, '2025-04-16T23:30:00.000Z');
    assert.equal((await dueAt('2025-04-01T00:00:00Z'))?.startsAt, '2025-04-16T23:30:00.000Z');
    assert.equal(await dueAt('2025-04-17T00:00:00Z'), undefined, 'the new start has passed');
    const [listed] = await withEventStatus(t.db, [{ id: eventId }]);
    assert.deepEqual(
      [listed!.eventStatus?.status, listed!.eventStatus?.rescheduledStartsAt, listed!.stoppedReason],
      ['rescheduled', '2025-04-16T23:30:00.000Z', null],
    );
    // Back on sale at the new date (the code returns to onsale): the new start holds.
    const onsale = fixture('ticketmaster', 'event-rescheduled.json');
    (onsale.dates as { status: { code: string } }).status.code = 'onsale';
    await store(eventId, 'ticketmaster', onsale, '2025-03-05T10:00:00Z');
    assert.equal((await dueAt('2025-04-01T00:00:00Z'))?.startsAt, '2025-04-16T23:30:00.000Z');
    // The catalog's own start is left as the sheet says.
    const e = await t.db.query<{ starts_at: Date }>(`SELECT starts_at FROM events WHERE id = $1`, [eventId]);
    assert.equal(e.rows[0]!.starts_at.toISOString(), '2025-03-09T00:30:00.000Z');
  });
});
