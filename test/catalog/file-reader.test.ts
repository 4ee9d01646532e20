import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { catalogReader, readCatalog } from '../../src/catalog/read/open-reader';
import { createFileReader } from '../../src/catalog/read/file-reader';
import { CatalogReadError } from '../../src/catalog/read/reader';
import { syncEvents } from '../../src/catalog/sync';
import { parseEnv } from '../../src/config';
import { fromRoot } from '../../src/config/paths';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const fixture = (name: string): string => fromRoot('test', 'fixtures', 'catalog', name);
const NY = 'America/New_York';

describe('file source: CSV and JSON with the sheet columns', () => {
  let t: TestDatabase;
  let tmp: string;
  before(async () => {
    t = await createTestDatabase();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tt-catalog-file-'));
  });
  after(async () => {
    await t?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('reads a messy CSV: quoted fields, CRLF, blank rows, bad rows and duplicates', async () => {
    const c = await createFileReader({ file: fixture('messy.csv'), defaultTimeZone: NY }).read();
    assert.deepEqual(
      c.rows.map((r) => [r.rowNumber, r.name, r.tracked, r.capacity]),
      [
        [2, 'Knicks vs. Celtics', true, 19812],
        [3, 'Hamilton, Matinee', true, 1319],
        [8, 'Fest', false, 75000],
      ],
    );
    assert.equal(c.rows[1]!.startsAt!.toISOString(), '2027-04-03T18:00:00.000Z');
    assert.deepEqual(
      c.invalid.map((i) => i.row),
      [5, 6],
    );
    assert.deepEqual(
      c.duplicates.map((d) => [d.row, d.firstRow]),
      [[7, 2]],
    );
    assert.equal(c.blank, 1);
    assert.deepEqual(c.ignoredColumns, ['Comments']);
  });

  it('reads JSON objects by key, reporting items that are not events', async () => {
    const c = await createFileReader({ file: fixture('messy.json'), defaultTimeZone: NY }).read();
    assert.deepEqual(
      c.rows.map((r) => [r.rowNumber, r.name, r.tracked, r.startsAt!.toISOString()]),
      [
        [1, 'Knicks vs. Celtics', true, '2027-02-13T00:30:00.000Z'],
        [2, 'Arsenal vs. Chelsea', true, '2027-04-24T16:30:00.000Z'],
        [6, 'Untracked', false, '2027-06-01T23:00:00.000Z'],
      ],
    );
    assert.deepEqual(
      c.rows[0]!.marketplaceIds.map((s) => s.marketplace),
      ['stubhub', 'seatgeek'],
    );
    const reasons = new Map(c.invalid.map((i) => [i.row, i.reason]));
    assert.deepEqual([...reasons.keys()], [3, 4, 5]);
    assert.match(reasons.get(3)!, /item 3: .*an event is an object/);
    assert.match(reasons.get(4)!, /item 4: "viagogoID"/);
    assert.match(reasons.get(5)!, /unknown time zone "Europe\/Londn"/);
  });

  it('a file that cannot be read, or is not a catalog, is an error that names it', async () => {
    const src = (file: string) => createFileReader({ file, defaultTimeZone: NY });
    await assert.rejects(
      src(path.join(tmp, 'missing.csv')).read(),
      (e: unknown) => e instanceof CatalogReadError && /missing\.csv: no such file/.test(e.message),
    );
    writeFileSync(path.join(tmp, 'broken.json'), '[{"Name": ');
    await assert.rejects(
      src(path.join(tmp, 'broken.json')).read(),
      (e: unknown) => e instanceof CatalogReadError && /not valid JSON/.test(e.message),
    );
    writeFileSync(path.join(tmp, 'quote.csv'), 'Name,Date,viagId\n"open,2027-01-01 10:00,1\n');
    await assert.rejects(
      src(path.join(tmp, 'quote.csv')).read(),
      (e: unknown) => e instanceof CatalogReadError && /line 2: Quote Not Closed/.test(e.message),
    );
    writeFileSync(path.join(tmp, 'other.csv'), 'Artist,When\nA,B\n');
    await assert.rejects(
      src(path.join(tmp, 'other.csv')).read(),
      (e: unknown) => e instanceof CatalogReadError && /lacks an event name column/.test(e.message),
    );
  });

  it('the shipped sample has upcoming 2027 events with local times and ids on most rows, all valid', async () => {
    const c = await readCatalog(parseEnv({}));
    assert.equal(c.invalid.length + c.duplicates.length, 0);
    assert.ok(c.rows.length >= 8 && c.rows.length <= 12, `${c.rows.length} rows`);
    assert.ok(c.rows.every((r) => r.startsAt!.getUTCFullYear() === 2027 && r.venue && r.timezone));
    assert.ok(c.rows.filter((r) => r.marketplaceIds.length === 4).length > c.rows.length / 2);
    assert.ok(new Set(c.rows.map((r) => r.timezone)).size >= 4);
  });

  it('syncs a CSV and then the same events as JSON: the JSON finds the same events', async () => {
    // The JSON's Knicks row names no place: it is read in the default zone the user set.
    const env = parseEnv({ DEFAULT_EVENT_TIMEZONE: 'America/New_York' });
    const csv = await syncEvents(t.db, catalogReader(env, { file: fixture('messy.csv') }));
    assert.deepEqual([csv.added, csv.untracked, csv.invalid.length, csv.duplicates.length], [2, 1, 2, 1]);
    const json = await syncEvents(t.db, catalogReader(env, { file: fixture('messy.json') }));
    // Knicks: same StubHub id, capacity and SeatGeek changed -> updated; Arsenal new; Hamilton left the catalog.
    assert.deepEqual([json.added, json.updated, json.unchanged, json.missingFromCatalog], [1, 1, 0, 1]);
    const again = await syncEvents(t.db, catalogReader(env, { file: fixture('messy.json') }));
    assert.deepEqual([again.added, again.updated, again.unchanged], [0, 0, 2]);
  });
});
