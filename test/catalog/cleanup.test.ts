import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cleanupUntracked } from '../../src/catalog/cleanup';
import { listDueEvents } from '../../src/catalog/lifecycle';
import { syncEvents } from '../../src/catalog/sync';
import { parseCatalog } from '../../src/catalog/parse/catalog';
import { tableFromRows } from '../../src/catalog/parse/table';
import type { CellValue } from '../../src/catalog/parse/cells';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { lookUpPlace } from '../../src/catalog/places';

const HEADER = ['Name', 'Date', 'viagId', 'Tracked'];
const catalog = (rows: CellValue[][]) => parseCatalog(tableFromRows('cleanup', [HEADER, ...rows]), { lookUpPlace, defaultTimeZone: 'UTC' });
const KEEP: CellValue[] = ['Kept', '2027-05-01 19:00', '1', 'TRUE'];
const UNTICKED: CellValue[] = ['Unticked', '2027-05-02 19:00', '2', 'FALSE'];
const REMOVED: CellValue[] = ['Removed', '2027-05-03 19:00', '3', 'TRUE'];
const NOW = new Date('2027-01-01T00:00:00Z');

describe('cleanup of untracked events', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
    // Data kept per event by some other part, without a foreign key (as a hypertable or archive may be).
    await t.db.query('CREATE TABLE cleanup_probe (event_id bigint NOT NULL, note text)');
  });
  after(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await t.db.query('TRUNCATE events, cleanup_probe RESTART IDENTITY CASCADE');
    await syncEvents(t.db, catalog([KEEP, [...UNTICKED.slice(0, -1), 'TRUE'], REMOVED]));
    await t.db.query(`INSERT INTO cleanup_probe SELECT id, name FROM events`);
    // The sheet now unticks one row and loses another.
    await syncEvents(t.db, catalog([KEEP, UNTICKED]));
  });

  const names = async (sql: string): Promise<string[]> => (await t.db.query<{ name: string }>(sql)).rows.map((r) => r.name);

  it('dry run lists both kinds and what --apply would do, changing nothing', async () => {
    const before = await t.db.query('SELECT * FROM events ORDER BY id');
    const report = await cleanupUntracked(t.db, 'dry-run');
    assert.deepEqual(
      report.events.map((e) => [e.name, e.action]),
      [
        ['Unticked', 'already untracked'],
        ['Removed', 'mark untracked'],
      ],
    );
    assert.match(report.events[0]!.reason, /not tracked in the catalog/);
    assert.match(report.events[1]!.reason, /no longer in the catalog/);
    assert.deepEqual([report.toMark, report.toDelete], [1, 2]);
    assert.deepEqual((await t.db.query('SELECT * FROM events ORDER BY id')).rows, before.rows);
    assert.deepEqual(
      (await listDueEvents(t.db, NOW, 0)).map((e) => e.name),
      ['Kept', 'Removed'],
      'a removed row is tracked until cleanup',
    );
  });

  it('--apply marks them untracked and keeps their data', async () => {
    const report = await cleanupUntracked(t.db, 'apply');
    assert.deepEqual(
      report.events.map((e) => [e.name, e.action]),
      [
        ['Unticked', 'already untracked'],
        ['Removed', 'marked untracked'],
      ],
    );
    assert.deepEqual(
      (await listDueEvents(t.db, NOW, 0)).map((e) => e.name),
      ['Kept'],
    );
    assert.deepEqual(await names('SELECT name FROM events ORDER BY id'), ['Kept', 'Unticked', 'Removed']);
    assert.deepEqual(await names('SELECT note AS name FROM cleanup_probe ORDER BY event_id'), ['Kept', 'Unticked', 'Removed']);
    const again = await cleanupUntracked(t.db, 'apply');
    assert.equal(again.toMark, 0);
  });

  it('delete removes them with all their data, in every table that keeps rows per event', async () => {
    const report = await cleanupUntracked(t.db, 'delete');
    assert.deepEqual(
      report.events.map((e) => e.action),
      ['deleted', 'deleted'],
    );
    assert.equal(report.deletedRows?.events, 2);
    assert.equal(report.deletedRows?.cleanup_probe, 2);
    assert.equal(report.deletedRows?.event_sources, 2);
    assert.deepEqual(await names('SELECT name FROM events'), ['Kept']);
    assert.deepEqual(await names('SELECT note AS name FROM cleanup_probe'), ['Kept']);
    assert.equal((await t.db.query('SELECT 1 FROM event_sources')).rowCount, 1);
  });

  it('a sync after --apply tracks an event again when its row comes back ticked', async () => {
    await cleanupUntracked(t.db, 'apply');
    await syncEvents(t.db, catalog([KEEP, UNTICKED, REMOVED]));
    assert.deepEqual(
      (await listDueEvents(t.db, NOW, 0)).map((e) => e.name),
      ['Kept', 'Removed'],
    );
  });
});
