import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { catalogReader } from '../../src/catalog/read/open-reader';
import { syncEvents } from '../../src/catalog/sync';
import { parseEnv } from '../../src/config';
import { fromRoot } from '../../src/config/paths';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The new-user trial's catalogs (test/fixtures/catalog/trial, written by the tester, not by the
 * code's authors), through the real file source and sync into PostgreSQL. Expected instants were
 * computed with Python's zoneinfo (see the fixtures' README), not with the code under test.
 */
const fixture = (name: string): string => path.join(fromRoot('test', 'fixtures', 'catalog', 'trial'), name);

interface Stored {
  name: string;
  venue: string | null;
  starts_at: Date | null;
  timezone: string;
  tracked: boolean;
  sources: string | null;
}

describe('new-user trial catalogs, synced into PostgreSQL', () => {
  let t: TestDatabase;
  const sync = (file: string, env: Record<string, string> = {}) =>
    syncEvents(t.db, catalogReader(parseEnv({ DEFAULT_EVENT_TIMEZONE: 'America/New_York', ...env }), { file: fixture(file) }));
  const stored = async (): Promise<Stored[]> =>
    (
      await t.db.query<Stored>(
        `SELECT e.name, e.venue, e.starts_at, e.timezone, e.tracked,
                (SELECT string_agg(marketplace || ':' || marketplace_event_id, ' ' ORDER BY marketplace) FROM event_sources s WHERE s.event_id = e.id) AS sources
           FROM events e ORDER BY e.id`,
      )
    ).rows;
  const startOf = async (name: string): Promise<string | undefined> =>
    (await stored()).find((e) => e.name === name)?.starts_at?.toISOString();
  const reasonOf = (report: { invalid: { row: number; reason: string }[] }, row: number): string =>
    report.invalid.find((i) => i.row === row)?.reason ?? `row ${row} is not invalid`;

  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.query('TRUNCATE events RESTART IDENTITY CASCADE');
  });

  it('finding 1: one day-first row in a US file does not flip the US rows; their two-way dates are refused naming DATE_ORDER', async () => {
    const report = await sync('mixed_us_dmy.csv');
    assert.deepEqual(
      report.invalid.map((i) => i.row),
      [2, 3],
    );
    for (const row of [2, 3])
      assert.match(
        reasonOf(report, row),
        /reads both ways, and this row's country \(US\) writes month-first dates while row 4 \(13\/03\/2027\) can only be day-first: set DATE_ORDER=mdy/,
      );
    assert.match(report.dateOrder!.basis, /2 rows \(2, 3\) .* refused, not flipped/);
    // Nothing stored at a flipped date: 7/4 is never 7 April.
    assert.deepEqual(
      (await stored()).map((e) => [e.name, e.starts_at?.toISOString()]),
      [['Brit entered', '2027-03-14T00:30:00.000Z']],
    );
  });

  it('finding 1: an explicit DATE_ORDER=mdy decides: the US rows are read month-first, the day-first row is refused', async () => {
    const report = await sync('mixed_us_dmy.csv', { DATE_ORDER: 'mdy' });
    assert.deepEqual(
      report.invalid.map((i) => i.row),
      [4],
    );
    assert.match(reasonOf(report, 4), /"13\/03\/2027 19:30" can only be day-first, but this file's dates are month-first/);
    assert.equal(await startOf('US Gig A'), '2027-07-04T23:30:00.000Z');
    assert.equal(await startOf('US Gig B'), '2027-08-05T23:30:00.000Z');
  });

  it('finding 1: a file proving both orders reads none of its numeric dates', async () => {
    const report = await sync('both_orders.csv');
    assert.equal(report.added, 0);
    assert.equal(report.dateOrder?.order, 'undecided');
  });

  it('finding 4: a Los Angeles row without a zone takes America/Los_Angeles from its city, never New York time', async () => {
    const report = await sync('us.csv');
    assert.ok(!report.invalid.some((i) => i.row === 3), 'row 3 is read');
    // 2027-03-14 is the day US clocks go forward (second Sunday of March): 19:30 PDT (UTC-7) is 02:30Z next day.
    assert.equal(await startOf('Lakers vs Celtics'), '2027-03-15T02:30:00.000Z');
    assert.ok(
      report.cells.some(
        (c) => c.row === 3 && c.kind === 'zone' && /^zone from city: America\/Los_Angeles \(Los Angeles, CA, US\)/.test(c.message),
      ),
    );
    // A New York row without a zone: New York's zone. One with an offset: the offset.
    assert.equal(await startOf('Knicks vs Nets'), '2027-11-07T05:30:00.000Z');
    assert.equal(await startOf('July 4th Fireworks'), '2027-07-04T23:30:00.000Z');
  });

  it('finding 7: a New York fall-back time (1:30 AM happens twice) is refused with both offsets', async () => {
    const report = await sync('us.csv');
    assert.match(
      reasonOf(report, 6),
      /"11\/7\/2027 1:30 AM" is not read: 2027-11-07 01:30 happens twice in America\/New_York .*-04:00 for the first or -05:00 for the second/,
    );
    assert.equal(await startOf('Rangers vs Devils'), undefined);
  });

  it('finding 7: London times that do not exist or happen twice are refused; the others are stored', async () => {
    const report = await sync('uk.csv');
    assert.match(reasonOf(report, 4), /2027-03-28 01:30 does not exist in Europe\/London \(the clocks go forward over it\)/);
    assert.match(reasonOf(report, 5), /2027-10-31 01:30 happens twice in Europe\/London .*\+01:00 for the first or \+00:00 for the second/);
    assert.equal(await startOf('Arctic Monkeys'), undefined);
    assert.equal(await startOf('Muse'), undefined);
    assert.equal(await startOf('Coldplay'), '2027-03-14T19:30:00.000Z');
    assert.equal(await startOf('Adele'), '2027-04-05T19:00:00.000Z');
  });

  it('finding 2: German headers Ort (venue) and Aktiv (tracked) are read: FALSCH is not tracked', async () => {
    const report = await sync('de_cp1252.csv');
    assert.deepEqual(report.ignoredColumns, []);
    const events = await stored();
    const zuri = events.find((e) => e.name === 'Züri Openair');
    assert.deepEqual([zuri?.venue, zuri?.tracked, zuri?.starts_at?.toISOString()], ['Hallenstadion', true, '2027-03-13T19:00:00.000Z']);
    // Row 3 (FALSCH; Montréal, CA, its dotted date day-first anywhere) is read and not tracked:
    // an untracked row that names no stored event is not imported.
    assert.equal(
      report.invalid.some((i) => i.row === 3),
      false,
    );
    assert.equal(report.untracked, 1);
    assert.equal(
      events.some((e) => e.name === 'Montréal Jazz'),
      false,
    );
  });

  it('finding 2: French headers Événement and Suivi are read (accents folded): FAUX is not tracked', async () => {
    for (const file of ['fr_utf16b.tsv', 'fr_utf16c.tsv']) {
      await t.db.query('TRUNCATE events RESTART IDENTITY CASCADE');
      const report = await sync(file, { DATE_ORDER: 'dmy' });
      assert.deepEqual([report.ignoredColumns, report.invalid, report.untracked], [[], [], 1], file);
      assert.deepEqual(
        (await stored()).map((e) => [e.name, e.venue, e.tracked, e.starts_at?.toISOString()]),
        [['Fête de la Musique', 'Zénith', true, '2027-06-21T18:30:00.000Z']],
        file,
      );
    }
  });

  it('finding 3: a Ticketmaster page link (16-hex event code) is refused, the row keeps its other ids', async () => {
    const report = await sync('us.csv');
    const note = report.cells.find((c) => c.row === 8 && c.column === 'Ticketmaster ID');
    assert.equal(note?.kind, 'invalid');
    assert.match(note!.message, /2D00570ED8EE6BA8 is the page's 16-hex event code, not the Discovery API event id/);
    const hornets = (await stored()).find((e) => e.name === 'Hornets vs Lakers');
    assert.equal(hornets?.sources, 'seatgeek:5225201 vividseats:5990417');
  });
});
