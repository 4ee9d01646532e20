import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CatalogReadError, type CatalogReader } from '../../src/catalog/read/reader';
import { syncEvents } from '../../src/catalog/sync';
import { markScraped } from '../../src/catalog/lifecycle';
import { parseCatalog } from '../../src/catalog/parse/catalog';
import { tableFromRows } from '../../src/catalog/parse/table';
import type { CellValue } from '../../src/catalog/parse/cells';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { lookUpPlace } from '../../src/catalog/places';

const HEADER = [
  'Event Name',
  'Venue',
  'Event Date (Local)',
  'Time Zone',
  'viagogoID',
  'Vivid Seats ID',
  'SeatGeek ID',
  'Ticketmaster ID',
  'Capacity',
  'is_tracked',
];
const catalog = (rows: CellValue[][]) =>
  parseCatalog(tableFromRows('test catalog', [HEADER, ...rows]), { lookUpPlace, defaultTimeZone: 'America/New_York' });

const KNICKS: CellValue[] = [
  'Knicks vs Celtics',
  'Madison Square Garden',
  '2027-02-12 19:30',
  'America/New_York',
  '153928471',
  '5124873',
  '7093311',
  'TM-KNICKS',
  19812,
  'TRUE',
];
const CUBS: CellValue[] = [
  'Cubs vs Cardinals',
  'Wrigley Field',
  '2027-07-10 13:20',
  'America/Chicago',
  '154689014',
  '5351287',
  null,
  'TM-CUBS',
  41649,
  'TRUE',
];
const ARSENAL: CellValue[] = [
  'Arsenal vs Chelsea',
  'Emirates Stadium',
  '2027-04-24 17:30',
  'Europe/London',
  '154230519',
  null,
  '7140263',
  null,
  60704,
  'yes',
];

interface EventState {
  id: string;
  catalog_key: string;
  name: string;
  starts_at: Date;
  tracked: boolean;
  in_catalog: boolean;
  updated_at: Date;
  sources: string;
}

describe('syncEvents into PostgreSQL', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.query('TRUNCATE events RESTART IDENTITY CASCADE');
  });

  async function state(): Promise<EventState[]> {
    const r = await t.db.query<EventState>(
      `SELECT e.id::text AS id, e.catalog_key, e.name, e.starts_at, e.tracked, e.in_catalog, e.updated_at,
              (SELECT string_agg(marketplace || ':' || marketplace_event_id, ' ' ORDER BY marketplace) FROM event_sources s WHERE s.event_id = e.id) AS sources
         FROM events e ORDER BY e.id`,
    );
    return r.rows;
  }

  it('adds new events with their marketplace ids, and a second sync finds everything unchanged', async () => {
    const first = await syncEvents(t.db, catalog([KNICKS, CUBS, ARSENAL]));
    assert.deepEqual([first.added, first.updated, first.unchanged, first.untracked, first.invalid.length], [3, 0, 0, 0, 0]);
    const before = await state();
    assert.deepEqual(
      before.map((e) => [e.catalog_key, e.sources]),
      [
        ['stubhub:153928471', 'seatgeek:7093311 stubhub:153928471 ticketmaster:TM-KNICKS vividseats:5124873'],
        ['stubhub:154689014', 'stubhub:154689014 ticketmaster:TM-CUBS vividseats:5351287'],
        ['stubhub:154230519', 'seatgeek:7140263 stubhub:154230519'],
      ],
    );
    assert.equal(before[2]!.starts_at.toISOString(), '2027-04-24T16:30:00.000Z');

    const second = await syncEvents(t.db, catalog([KNICKS, CUBS, ARSENAL]));
    assert.deepEqual([second.added, second.updated, second.unchanged, second.untracked], [0, 0, 3, 0]);
    assert.deepEqual(await state(), before, 'an unchanged catalog writes nothing');
  });

  it('keeps the event (id, key, scrape history) when its name, date or ids change', async () => {
    await syncEvents(t.db, catalog([KNICKS, CUBS]));
    const [knicks] = await state();
    await markScraped(t.db, Number(knicks!.id), 'seatgeek', { ok: true, at: new Date('2026-12-01T00:00:00Z') });
    await markScraped(t.db, Number(knicks!.id), 'stubhub', { ok: true, at: new Date('2026-12-01T00:00:00Z') });

    const postponed: CellValue[] = [
      'Knicks vs. Celtics (rescheduled)',
      'Madison Square Garden',
      '2027-02-19 19:30',
      'America/New_York',
      '153928471',
      null,
      '7999999',
      'TM-KNICKS',
      19812,
      'TRUE',
    ];
    const report = await syncEvents(t.db, catalog([postponed, CUBS]));
    assert.deepEqual([report.added, report.updated, report.unchanged], [0, 1, 1]);
    const [after] = await state();
    assert.equal(after!.id, knicks!.id);
    assert.equal(after!.catalog_key, 'stubhub:153928471');
    assert.equal(after!.name, 'Knicks vs. Celtics (rescheduled)');
    assert.equal(after!.starts_at.toISOString(), '2027-02-20T00:30:00.000Z');
    assert.equal(after!.sources, 'seatgeek:7999999 stubhub:153928471 ticketmaster:TM-KNICKS');
    const scraped = await t.db.query<{ marketplace: string; last_success_at: Date | null }>(
      'SELECT marketplace, last_success_at FROM event_sources WHERE event_id = $1 ORDER BY marketplace',
      [knicks!.id],
    );
    // A changed id is a different listing page: its scrape times start over; the others keep theirs.
    assert.deepEqual(
      scraped.rows.map((r) => [r.marketplace, r.last_success_at?.toISOString() ?? null]),
      [
        ['seatgeek', null],
        ['stubhub', '2026-12-01T00:00:00.000Z'],
        ['ticketmaster', null],
      ],
    );
  });

  it('a row found only through a newly added id still updates the same event', async () => {
    await syncEvents(t.db, catalog([ARSENAL]));
    const withTicketmaster: CellValue[] = [...ARSENAL];
    withTicketmaster[4] = null; // StubHub id removed
    withTicketmaster[7] = 'TM-ARS'; // Ticketmaster id added; SeatGeek still matches
    const report = await syncEvents(t.db, catalog([withTicketmaster]));
    assert.deepEqual([report.added, report.updated], [0, 1]);
    const [e] = await state();
    assert.equal(e!.catalog_key, 'stubhub:154230519');
    assert.equal(e!.sources, 'seatgeek:7140263 ticketmaster:TM-ARS');
  });

  it('untracking a row stops its event, keeps its data, and tracking it again resumes it; new untracked rows are not imported', async () => {
    await syncEvents(t.db, catalog([KNICKS, CUBS]));
    const knicksOff: CellValue[] = [...KNICKS.slice(0, -1), 'FALSE'];
    const arsenalOff: CellValue[] = [...ARSENAL.slice(0, -1), 'no'];
    const off = await syncEvents(t.db, catalog([knicksOff, CUBS, arsenalOff]));
    assert.deepEqual([off.added, off.updated, off.unchanged, off.untracked], [0, 0, 1, 2]);
    let s = await state();
    assert.deepEqual(
      s.map((e) => [e.name, e.tracked]),
      [
        ['Knicks vs Celtics', false],
        ['Cubs vs Cardinals', true],
      ],
    );

    const again = await syncEvents(t.db, catalog([knicksOff, CUBS, arsenalOff]));
    assert.deepEqual([again.updated, again.unchanged, again.untracked], [0, 1, 2]);

    const on = await syncEvents(t.db, catalog([KNICKS, CUBS]));
    assert.deepEqual([on.added, on.updated, on.unchanged], [0, 1, 1]);
    s = await state();
    assert.equal(s[0]!.tracked, true);
  });

  it('flags events whose row is gone without untracking them, and takes them back when the row returns', async () => {
    await syncEvents(t.db, catalog([KNICKS, CUBS]));
    const gone = await syncEvents(t.db, catalog([CUBS]));
    assert.equal(gone.missingFromCatalog, 1);
    let s = await state();
    assert.deepEqual(
      s.map((e) => [e.name, e.tracked, e.in_catalog]),
      [
        ['Knicks vs Celtics', true, false],
        ['Cubs vs Cardinals', true, true],
      ],
    );
    const back = await syncEvents(t.db, catalog([KNICKS, CUBS]));
    assert.deepEqual([back.updated, back.unchanged, back.missingFromCatalog], [1, 1, 0]);
    s = await state();
    assert.equal(s[0]!.in_catalog, true);
  });

  it('an invalid or duplicated row never blocks the valid ones, and a broken row does not count as removed', async () => {
    await syncEvents(t.db, catalog([KNICKS, CUBS]));
    const brokenKnicks: CellValue[] = [...KNICKS];
    brokenKnicks[2] = '2027-02-31 19:30';
    const report = await syncEvents(t.db, catalog([brokenKnicks, CUBS, CUBS, ARSENAL]));
    assert.deepEqual([report.added, report.unchanged, report.missingFromCatalog], [1, 1, 0]);
    assert.deepEqual(
      report.invalid.map((i) => i.row),
      [2],
    );
    assert.deepEqual(
      report.duplicates.map((d) => [d.row, d.firstRow]),
      [[4, 3]],
    );
    const s = await state();
    assert.equal(s[0]!.starts_at.toISOString(), '2027-02-13T00:30:00.000Z', 'the broken row left its event as it was');
    assert.equal(s[0]!.in_catalog, true);
  });

  it('refuses a row whose ids belong to two different events, and one that repeats an event under another id', async () => {
    await syncEvents(t.db, catalog([KNICKS, CUBS]));
    const mixed: CellValue[] = ['Mixed', 'V', '2027-03-01 19:00', null, '153928471', null, null, 'TM-CUBS', null, 'TRUE'];
    const r1 = await syncEvents(t.db, catalog([mixed]));
    assert.equal(r1.invalid.length, 1);
    assert.match(
      r1.invalid[0]!.reason,
      /StubHub 153928471 -> event #1 "Knicks vs Celtics"; Ticketmaster TM-CUBS -> event #2 "Cubs vs Cardinals"/,
    );
    assert.deepEqual([r1.added, r1.updated, r1.missingFromCatalog], [0, 0, 0]);

    // Rows 2 and 3 name the stored Knicks event by different ids: row 3 is the same event as row 2.
    const byStubHub: CellValue[] = ['Knicks', 'V', '2027-03-01 19:00', null, '153928471', null, null, null, null, 'TRUE'];
    const bySeatGeek: CellValue[] = ['Knicks again', 'V', '2027-03-02 19:00', null, null, null, '7093311', null, null, 'TRUE'];
    const r2 = await syncEvents(t.db, catalog([byStubHub, bySeatGeek]));
    assert.deepEqual(
      r2.duplicates.map((d) => [d.row, d.firstRow]),
      [[3, 2]],
    );
    assert.match(r2.duplicates[0]!.reason, /same event/);
  });

  it('a source that cannot be read leaves the database as it was', async () => {
    await syncEvents(t.db, catalog([KNICKS, CUBS]));
    const before = await state();
    const broken: CatalogReader = {
      origin: 'broken source',
      read: async () => {
        throw new CatalogReadError('broken source: no such file');
      },
    };
    await assert.rejects(syncEvents(t.db, broken), CatalogReadError);
    assert.deepEqual(await state(), before);
  });

  it('two syncs at once apply one after the other', async () => {
    const c = catalog([KNICKS, CUBS, ARSENAL]);
    const [a, b] = await Promise.all([syncEvents(t.db, c), syncEvents(t.db, c)]);
    assert.deepEqual([a.added + b.added, a.unchanged + b.unchanged], [3, 3]);
    assert.equal((await state()).length, 3);
  });
});
