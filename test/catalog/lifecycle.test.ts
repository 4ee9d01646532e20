import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AmbiguousEventError, resolveEventRef, UnknownEventError } from '../../src/catalog/event-ref';
import { getEvent, listDueEvents, listEvents, loadDueEvents, markScraped } from '../../src/catalog/lifecycle';
import { syncEvents } from '../../src/catalog/sync';
import { parseCatalog } from '../../src/catalog/parse/catalog';
import { tableFromRows } from '../../src/catalog/parse/table';
import type { CellValue } from '../../src/catalog/parse/cells';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { lookUpPlace } from '../../src/catalog/places';

const HEADER = ['Name', 'Date', 'Time Zone', 'viagId', 'SeatGeek ID', 'Ticketmaster ID', 'Tracked'];
const catalog = (rows: CellValue[][]) =>
  parseCatalog(tableFromRows('lifecycle', [HEADER, ...rows]), { lookUpPlace, defaultTimeZone: 'UTC' });

describe('tracking lifecycle', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.query('TRUNCATE events RESTART IDENTITY CASCADE');
    await syncEvents(
      t.db,
      catalog([
        ['Past long ago', '2027-01-01 10:00', 'UTC', '1001', null, null, 'TRUE'],
        ['Started 2 h ago', '2027-01-10 10:00', 'UTC', '1002', '2002', null, 'TRUE'],
        ['Upcoming', '2027-01-20 10:00', 'UTC', '1003', '2003', 'TM3', 'TRUE'],
        ['Upcoming, untracked', '2027-01-21 10:00', 'UTC', '1004', null, null, 'TRUE'],
      ]),
    );
    // Untrack the last one through the catalog, as a user would.
    await syncEvents(
      t.db,
      catalog([
        ['Past long ago', '2027-01-01 10:00', 'UTC', '1001', null, null, 'TRUE'],
        ['Started 2 h ago', '2027-01-10 10:00', 'UTC', '1002', '2002', null, 'TRUE'],
        ['Upcoming', '2027-01-20 10:00', 'UTC', '1003', '2003', 'TM3', 'TRUE'],
        ['Upcoming, untracked', '2027-01-21 10:00', 'UTC', '1004', null, null, 'FALSE'],
      ]),
    );
  });

  const now = new Date('2027-01-10T12:00:00Z');

  it('only tracked events that have not started, or started within the grace period, are due', async () => {
    const due = await listDueEvents(t.db, now, 6);
    assert.deepEqual(
      due.map((e) => e.name),
      ['Started 2 h ago', 'Upcoming'],
    );
    assert.deepEqual(due[1], {
      id: due[1]!.id,
      name: 'Upcoming',
      startsAt: '2027-01-20T10:00:00.000Z',
      marketplaceIds: [
        { marketplace: 'seatgeek', marketplaceEventId: '2003' },
        { marketplace: 'stubhub', marketplaceEventId: '1003' },
        { marketplace: 'ticketmaster', marketplaceEventId: 'TM3' },
      ],
    });
    assert.deepEqual(
      (await listDueEvents(t.db, now, 1)).map((e) => e.name),
      ['Upcoming'],
      'past the grace period',
    );
    assert.deepEqual(
      (await listDueEvents(t.db, now, 2)).map((e) => e.name),
      ['Upcoming'],
      'exactly at the end of the grace period',
    );
    assert.deepEqual(
      (await listDueEvents(t.db, now, 2.5)).map((e) => e.name),
      ['Started 2 h ago', 'Upcoming'],
    );
  });

  it('events whose time or date is to be announced stay due: a date alone until that day has passed, TBA always', async () => {
    await syncEvents(
      t.db,
      catalog([
        ['Upcoming', '2027-01-20 10:00', 'UTC', '1003', '2003', 'TM3', 'TRUE'],
        ['Today, time TBA', '2027-01-10', 'UTC', '1005', null, null, 'TRUE'],
        ['Yesterday, time TBA', '2027-01-09', 'UTC', '1006', null, null, 'TRUE'],
        ['Date TBA', 'TBA', 'UTC', '1007', null, null, 'TRUE'],
      ]),
    );
    // "Started 2 h ago" is no longer in the catalog but still tracked (see cleanup-untracked).
    assert.deepEqual(
      (await listDueEvents(t.db, now, 6)).map((e) => [e.name, e.startsAt]),
      [
        ['Today, time TBA', '2027-01-10T00:00:00.000Z'],
        ['Started 2 h ago', '2027-01-10T10:00:00.000Z'],
        ['Upcoming', '2027-01-20T10:00:00.000Z'],
        ['Date TBA', null],
      ],
    );
    const listed = await listEvents(t.db, { now, graceHours: 6 });
    assert.deepEqual(
      listed.map((e) => [e.name, e.startPrecision]),
      [
        ['Today, time TBA', 'date'],
        ['Started 2 h ago', 'time'],
        ['Upcoming', 'time'],
        ['Date TBA', 'tba'],
      ],
    );
  });

  it('keeps the last scrape and last success per event and marketplace, never moving back in time', async () => {
    const [, upcoming] = await listDueEvents(t.db, now, 6);
    const id = upcoming!.id;
    assert.equal(await markScraped(t.db, id, 'stubhub', { ok: true, at: new Date('2027-01-10T12:00:00Z') }), true);
    assert.equal(await markScraped(t.db, id, 'stubhub', { ok: false, at: '2027-01-10T13:00:00Z' }), true);
    assert.equal(await markScraped(t.db, id, 'stubhub', { ok: true, at: new Date('2027-01-10T11:00:00Z') }), true, 'a late retry');
    assert.equal(await markScraped(t.db, id, 'vividseats', { ok: true, at: new Date() }), false, 'no Vivid Seats id for this event');
    const e = await getEvent(t.db, id);
    const stubhub = e!.marketplaceIds.find((s) => s.marketplace === 'stubhub')!;
    assert.equal(stubhub.lastScrapedAt, '2027-01-10T13:00:00.000Z');
    assert.equal(stubhub.lastSuccessAt, '2027-01-10T12:00:00.000Z');
    assert.equal(e!.marketplaceIds.find((s) => s.marketplace === 'seatgeek')!.lastScrapedAt, null);
  });

  it('finds an event by internal id or by any marketplace id', async () => {
    const upcoming = (await listDueEvents(t.db, now, 6))[1]!;
    for (const ref of [
      String(upcoming.id),
      '1003',
      '2003',
      'TM3',
      'stubhub:1003',
      'ticketmaster:TM3',
      `id:${upcoming.id}`,
      `#${upcoming.id}`,
    ]) {
      assert.equal((await resolveEventRef(t.db, ref)).id, upcoming.id, `ref ${ref}`);
    }
    for (const ref of [
      'viagogo:1003',
      'TM:TM3',
      'https://www.stubhub.com/upcoming-tickets-1-20-2027/event/1003/?quantity=2',
      'https://www.ticketmaster.com/upcoming/event/TM3',
    ]) {
      assert.equal((await resolveEventRef(t.db, ref)).id, upcoming.id, `ref ${ref}`);
    }
    await assert.rejects(resolveEventRef(t.db, 'seatgeek:1003'), UnknownEventError, 'a StubHub id is not a SeatGeek id');
    await assert.rejects(resolveEventRef(t.db, 'eventbrite:1003'), /"eventbrite" is not a marketplace/);
    await assert.rejects(resolveEventRef(t.db, 'id:abc'), /an internal id is a whole number/);
    await assert.rejects(resolveEventRef(t.db, 'nothing'), UnknownEventError);
  });

  it('loads events by internal id, in the order asked, past and untracked ones too, leaving out unknown ids', async () => {
    const all = await listEvents(t.db, { all: true });
    const past = all.find((e) => e.name === 'Past long ago')!;
    const upcoming = all.find((e) => e.name === 'Upcoming')!;
    const loaded = await loadDueEvents(t.db, [upcoming.id, 999_999, past.id]);
    assert.deepEqual(
      loaded.map((e) => e.id),
      [upcoming.id, past.id],
    );
    assert.deepEqual(
      loaded[0]!.marketplaceIds,
      upcoming.marketplaceIds.map((s) => ({ marketplace: s.marketplace, marketplaceEventId: s.marketplaceEventId })),
    );
    assert.equal(loaded[0]!.startsAt, upcoming.startsAt);
  });

  it('says so when a bare reference names two events', async () => {
    // Event #1's internal id is "1"; make another event's SeatGeek id "1" too.
    await t.db.query(
      `UPDATE event_sources SET marketplace_event_id = '1' WHERE marketplace = 'seatgeek' AND marketplace_event_id = '2003'`,
    );
    await assert.rejects(
      resolveEventRef(t.db, '1'),
      (e: unknown) =>
        e instanceof AmbiguousEventError && /"1" names 2 events: #1 "Past long ago" \(id:1\); #3 "Upcoming" \(seatgeek:1\)/.test(e.message),
    );
    assert.equal((await resolveEventRef(t.db, 'id:1')).name, 'Past long ago');
    assert.equal((await resolveEventRef(t.db, 'seatgeek:1')).name, 'Upcoming');
  });

  it('lists tracked current events by default, every event with all', async () => {
    assert.deepEqual(
      (await listEvents(t.db, { now, graceHours: 6 })).map((e) => e.name),
      ['Started 2 h ago', 'Upcoming'],
    );
    const all = await listEvents(t.db, { all: true });
    assert.deepEqual(
      all.map((e) => [e.name, e.tracked]),
      [
        ['Past long ago', true],
        ['Started 2 h ago', true],
        ['Upcoming', true],
        ['Upcoming, untracked', false],
      ],
    );
  });
});
