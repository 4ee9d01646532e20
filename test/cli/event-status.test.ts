import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { persistScrape } from '../../src/scrape/store';
import { parseTicketmasterEvent } from '../../src/marketplaces/ticketmaster/adapter';
import { runCli } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';

const fixturePath = (marketplace: string, name: string): string =>
  path.join(__dirname, '..', 'fixtures', 'marketplaces', marketplace, name);
const fixture = (marketplace: string, name: string): unknown => JSON.parse(readFileSync(fixturePath(marketplace, name), 'utf8')) as unknown;

describe('event status and hidden zeros on the command line', () => {
  let t: TestDatabase;
  let cancelledId: number;
  let rescheduledId: number;
  let movedId: number;
  const cli = (...args: string[]) => runCli(args, { DATABASE_URL: t.url, LOG_LEVEL: 'warn', PAST_EVENT_GRACE_HOURS: '0' });

  before(async () => {
    t = await createTestDatabase();
    // Far ahead, so `events list` (tracked, not past) shows both whatever the day the test runs.
    cancelledId = await createEvent(t.db, 'cli-cancelled', { marketplaceIds: { ticketmaster: 'TMCANCELLED1' } });
    rescheduledId = await createEvent(t.db, 'cli-rescheduled', { marketplaceIds: { ticketmaster: 'TMRESCHED1' } });
    await t.db.query(`UPDATE events SET starts_at = '2099-03-09T00:30:00Z', start_precision = 'time', timezone = 'UTC'`);
    // Past by the catalog (2020), rescheduled by the marketplace to 2099: still scraped, so listed.
    movedId = await createEvent(t.db, 'cli-moved', { marketplaceIds: { ticketmaster: 'TMMOVED1' } });
    await t.db.query(`UPDATE events SET starts_at = '2020-03-09T00:30:00Z', start_precision = 'time', timezone = 'UTC' WHERE id = $1`, [
      movedId,
    ]);
    const store = (eventId: number, name: string, dateTime?: string) => {
      const payload = fixture('ticketmaster', name) as { dates: { start: { dateTime: string } } };
      if (dateTime) payload.dates.start.dateTime = dateTime;
      return persistScrape(t.db, {
        scrapeId: `cli/${eventId}/ticketmaster`,
        eventId,
        marketplace: 'ticketmaster',
        capturedAt: new Date('2026-01-10T09:00:00Z'),
        fetched: parseTicketmasterEvent(payload),
      });
    };
    await store(cancelledId, 'event-cancelled.json');
    await store(rescheduledId, 'event-rescheduled.json', '2099-04-16T23:30:00Z');
    await store(movedId, 'event-rescheduled.json', '2099-05-01T18:00:00Z');
  });
  after(async () => t?.drop());

  it('events list shows the status; a cancelled event says it is no longer scraped; a rescheduled one its new start', async () => {
    const table = await cli('events', 'list');
    assert.equal(table.code, 0, table.stderr);
    const line = (id: number) => table.stdout.split('\n').find((l) => new RegExp(`^\\s*${id}\\s`).test(l)) ?? '';
    assert.match(line(cancelledId), /cancelled \(ticketmaster, 2026-01-10 09:00 UTC\): no longer scraped/);
    assert.match(line(rescheduledId), /2099-04-16 23:30 UTC/);
    assert.match(line(rescheduledId), /rescheduled \(ticketmaster\)/);
    assert.match(line(movedId), /2099-05-01 18:00 UTC .*rescheduled \(ticketmaster\)/);
    const json = await cli('events', 'list', '--json');
    const rows = JSON.parse(json.stdout) as { id: number; eventStatus: { status: string } | null; stoppedReason: string | null }[];
    const c = rows.find((r) => r.id === cancelledId)!;
    assert.deepEqual(
      [c.eventStatus?.status, c.stoppedReason],
      ['cancelled', 'cancelled (ticketmaster, 2026-01-10 09:00 UTC): no longer scraped'],
    );
  });

  it('prices keeps a cancelled event\'s figures and marks them "not a live price"', async () => {
    const table = await cli('prices', String(cancelledId));
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /cancelled: not a live price/);
    assert.match(
      table.stdout,
      /^event #\d+ "Event cli-cancelled", .*; cancelled \(ticketmaster, 2026-01-10 09:00 UTC\): no longer scraped$/m,
    );
    const moved = await cli('prices', String(movedId));
    assert.match(moved.stdout, /^event #\d+ .*; rescheduled \(ticketmaster\): new start 2099-05-01 18:00 UTC$/m);
    // The face values (Ticketmaster's "standard" range), before fees.
    const json = await cli('prices', String(cancelledId), '--json', '--basis', 'base');
    const rows = JSON.parse(json.stdout) as { zone: string; lowest: number; highest: number; eventStatus: string; live: boolean }[];
    assert.deepEqual(
      rows.map((r) => [r.zone, r.lowest, r.highest, r.eventStatus, r.live]),
      [['ALL', 79, 1450, 'cancelled', false]],
    );
  });

  it('sources parse: a Ticketmaster min 0.0 is "not given", the summary kept and healthy (exit 0); the status shown', async () => {
    const r = await cli('sources', 'parse', 'ticketmaster', fixturePath('ticketmaster', 'event-min-zero.json'), '--basis', 'base');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /not given priceRanges\[0\]\.min\s+min 0\.0 is how Ticketmaster shows a free or hidden category/);
    assert.match(r.stdout, /^lowest before fees\s*$/m);
    assert.match(r.stdout, /highest before fees\s+1450\.00 USD/);
    assert.match(r.stdout, /event status\s+onsale/);
    assert.match(r.stdout, /health\s+ok/);
    const rescheduled = await cli('sources', 'parse', 'ticketmaster', fixturePath('ticketmaster', 'event-rescheduled.json'), '--json');
    const report = JSON.parse(rescheduled.stdout) as { eventStatus: string; eventStartsAt: string };
    assert.deepEqual([report.eventStatus, report.eventStartsAt], ['rescheduled', '2025-04-16T23:30:00.000Z']);
  });

  it('sources parse: Vivid Seats listings without a map zone are all parsed; healthy', async () => {
    const r = await cli('sources', 'parse', 'vividseats', fixturePath('vividseats', 'listings-unzoned.json'), '--json', '--basis', 'base');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { parsed: number; skipped: number; tickets: number; highest: number; health: string };
    assert.deepEqual([report.parsed, report.skipped, report.tickets, report.highest, report.health], [11, 0, 42, 8400, 'ok']);
  });
});
