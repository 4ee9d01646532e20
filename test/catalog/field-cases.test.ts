import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { catalogReader } from '../../src/catalog/read/open-reader';
import { syncEvents } from '../../src/catalog/sync';
import { parseEnv } from '../../src/config';
import { fromRoot } from '../../src/config/paths';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The catalog field cases (test/fixtures/catalog/field-cases, copied from shared/cases with the
 * values worked out by hand in their README), through the real file source and sync into
 * PostgreSQL.
 */
const fixture = (name: string): string => path.join(fromRoot('test', 'fixtures', 'catalog', 'field-cases'), name);

interface Stored {
  name: string;
  venue: string | null;
  starts_at: Date | null;
  timezone: string | null;
  in_catalog: boolean;
  sources: string | null;
}

describe('catalog field cases, synced into PostgreSQL', () => {
  let t: TestDatabase;
  const env = parseEnv({});
  const sync = (file: string) => syncEvents(t.db, catalogReader(env, { file: fixture(file) }));
  const stored = async (): Promise<Stored[]> =>
    (
      await t.db.query<Stored>(
        `SELECT e.name, e.venue, e.starts_at, e.timezone, e.in_catalog,
                (SELECT string_agg(marketplace || ':' || marketplace_event_id, ' ' ORDER BY marketplace) FROM event_sources s WHERE s.event_id = e.id) AS sources
           FROM events e ORDER BY e.id`,
      )
    ).rows;

  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.query('TRUNCATE events RESTART IDENTITY CASCADE');
  });

  it('a UK export is day-first because row 4 (14/03/2027) can only be; the report names the order', async () => {
    const report = await sync('events-day-first-dates.csv');
    assert.deepEqual([report.added, report.invalid.length], [4, 0]);
    assert.equal(report.dateOrder?.order, 'dmy');
    assert.match(report.dateOrder!.basis, /row 4 \(14\/03\/2027\) can only be day-first/);
    assert.deepEqual(
      (await stored()).map((e) => [e.name, e.starts_at?.toISOString()]),
      [
        ['Hollow Pines', '2027-04-05T18:30:00.000Z'],
        ['Hollow Pines (Night 2)', '2027-04-06T18:30:00.000Z'],
        ['The Glass Orchard', '2027-03-14T20:00:00.000Z'],
        ['Northbound Static', '2027-12-12T19:00:00.000Z'],
      ],
    );
  });

  it('time-zone abbreviations are refused row by row with the IANA zone the city and country suggest; nothing is stored', async () => {
    const report = await sync('events-timezone-abbreviations.csv');
    assert.equal(report.added, 0);
    assert.deepEqual(await stored(), []);
    const reasons = new Map(report.invalid.map((i) => [i.row, i.reason]));
    const expected: [number, string, string][] = [
      [2, 'BST', 'Europe/London'],
      [3, 'IST', 'Europe/Dublin'],
      [4, 'EST', 'America/New_York'],
      [5, 'MST', 'America/Denver'],
      [6, 'PST', 'America/Los_Angeles'],
      [7, 'ET', 'America/New_York'],
    ];
    assert.deepEqual(
      [...reasons.keys()],
      expected.map(([row]) => row),
    );
    for (const [row, abbreviation, zone] of expected) {
      assert.match(
        reasons.get(row)!,
        new RegExp(`^Time Zone: "${abbreviation}" is an abbreviation, not a time zone.*here probably ${zone.replace('/', '\\/')} `),
        `row ${row}`,
      );
    }
  });

  it('error cells keep the stored names and venues, an unreadable id never removes an event, each cell reported', async () => {
    const first = await sync('events-formula-errors-before.csv');
    assert.deepEqual([first.added, first.invalid.length], [3, 0]);
    const before = await stored();

    const report = await sync('events-formula-errors-after.csv');
    assert.deepEqual(report.invalid, []);
    assert.equal(report.missingFromCatalog, 0);
    const after = await stored();
    assert.deepEqual(
      after.map((e) => [e.name, e.venue, e.in_catalog]),
      [
        ['Hollow Pines', 'Riverside Arena', true],
        ['The Glass Orchard', 'Harbor Pavilion', true],
        ['Northbound Static', 'Lakeside Hall', true],
      ],
    );
    assert.deepEqual(after, before, 'nothing about the three events changed');
    assert.deepEqual(
      report.cells.map((c) => [c.row, c.column, c.kind]),
      [
        [2, 'Event Name', 'unreadable'],
        [2, 'Venue', 'unreadable'],
        [3, 'Event Name', 'unreadable'],
        [4, 'viagogoID (StubHub id)', 'unreadable'],
      ],
    );
    assert.match(report.cells[0]!.message, /^#N\/A \(a spreadsheet error value\): the stored value is kept/);
    assert.match(report.cells[2]!.message, /^#REF!/);
  });

  it('an unreadable id on a row no event matches skips the removal check instead of flagging events', async () => {
    await sync('events-formula-errors-before.csv');
    // The same after-file, but Northbound Static renamed as well: its row can no longer be told.
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-field-'));
    const file = path.join(dir, 'renamed.csv');
    writeFileSync(
      file,
      'Event Name,Venue,City,Event Date (Local),Time Zone,viagogoID,Vivid Seats ID,Tracked\n' +
        'Hollow Pines,Riverside Arena,Nashville,2027-03-13 20:00,America/Chicago,170000001,5520001,TRUE\n' +
        'The Glass Orchard,Harbor Pavilion,Boston,2027-03-20 19:30,America/New_York,170000002,5520002,TRUE\n' +
        'Northbound Static (Late Show),Lakeside Hall,Chicago,2027-04-02 22:00,America/Chicago,#N/A,,TRUE\n',
    );
    const report = await syncEvents(t.db, catalogReader(env, { file }));
    assert.equal(report.removalCheckSkipped, true);
    assert.match(report.invalid[0]!.reason, /no readable marketplace id/);
    assert.deepEqual(
      (await stored()).map((e) => e.in_catalog),
      [true, true, true],
    );
  });
});
