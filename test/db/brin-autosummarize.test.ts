import assert from 'node:assert/strict';
import { ensurePartitions } from '../../src/db/partitions';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';

/**
 * Plain layout: every partition's BRIN index on the live listings summarizes its block ranges as
 * they fill (migration 093), also on partitions created after the migration, so a read of the
 * latest scrape's listings never scans a week's unsummarized tail.
 */
describeLayouts('BRIN indexes of the live listings summarize as they fill', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ layout });
  });
  after(async () => t?.drop());

  it('on every partition, including one created after the migration (TimescaleDB: a btree instead)', async () => {
    if (layout !== 'plain') {
      const idx = await t.db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = 'listings_scrape_idx'`);
      assert.match(idx.rows[0]?.indexdef ?? '', /USING btree \(scrape_ref, captured_at\)/);
      return;
    }
    const c = await t.db.connect();
    try {
      await ensurePartitions(c, { from: new Date('2031-01-06T00:00:00Z'), to: new Date('2031-01-20T00:00:00Z') });
    } finally {
      c.release();
    }
    const res = await t.db.query<{ index: string; options: string[] | null }>(
      `SELECT i.relname AS index, i.reloptions AS options
         FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent JOIN pg_class t ON t.oid = h.inhrelid
         JOIN pg_index x ON x.indrelid = t.oid JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am a ON a.oid = i.relam
        WHERE p.relname = 'listings' AND a.amname = 'brin'`,
    );
    assert.ok(
      res.rows.some((r) => r.index.includes('p20310113')),
      'a partition created after the migration',
    );
    for (const r of res.rows) assert.ok(r.options?.includes('autosummarize=on'), `${r.index}: ${JSON.stringify(r.options)}`);
  });
});
