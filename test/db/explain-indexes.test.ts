import assert from 'node:assert/strict';
import { buildEventsHistoryQuery, buildHistoryQuery } from '../../src/db/analytics/history';
import {
  buildArchivedListingsQuery,
  buildLatestListingsQuery,
  buildLatestScrapesOfEventsQuery,
  buildSnapshotsOfScrapesQuery,
  buildLatestPricesQuery,
} from '../../src/db/analytics/latest';
import type { BuiltQuery } from '../../src/db/analytics/query';
import { buildSectionsQuery } from '../../src/db/analytics/sections';
import { ensurePartitions } from '../../src/db/partitions';
import { rollupDaily, rollupHourly } from '../../src/db/rollup';
import { parseBucket } from '../../src/domain/buckets';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';

/**
 * The analytics queries must be answered through indexes, not by reading whole tables: on a
 * realistic volume (generated in SQL, then ANALYZEd), EXPLAIN of each reader's exact SQL shows
 * index scans and no sequential scan of a populated table. The planner is left to its defaults.
 */
const START = new Date('2026-01-05T00:00:00Z');
const DAYS = 30;
const END = new Date(START.getTime() + DAYS * 86_400_000);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function walk(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  out.push(node);
  for (const child of node.Plans ?? []) walk(child, out);
  return out;
}

describeLayouts('analytics queries use indexes', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ layout });
    const c = await t.db.connect();
    try {
      if (layout === 'plain') await ensurePartitions(c, { from: START, to: END });
      await c.query(`INSERT INTO events (catalog_key, name) SELECT 'x' || g, 'x' || g FROM generate_series(1, 60) g`);
      await c.query(
        `INSERT INTO scrapes (scrape_key, event_id, marketplace, captured_at, kind, listings_stored, listings_rejected, snapshots)
         SELECT e.id || '/' || k || '/' || m, e.id, m, $1::timestamptz + make_interval(hours => k * 6), 'listings', 40, 0, 0
           FROM events e, generate_series(0, $2 * 4 - 1) k, unnest(ARRAY['stubhub', 'vividseats']) m`,
        [START, DAYS],
      );
      await c.query(
        `INSERT INTO listings (captured_at, event_id, marketplace, scrape_ref, listing_id, zone, section, seat_row, quantity, splits, base_price, all_in_price, currency)
         SELECT s.captured_at, s.event_id, s.marketplace, s.id, 'L' || g, 'Z' || (g % 5), 'S' || (g % 12), 'A', 1 + g % 6, '{}', 10 + g, 13 + g * 1.2, 'USD'
           FROM scrapes s, generate_series(1, 40) g`,
      );
      await c.query(
        `INSERT INTO ticket_snapshots (captured_at, event_id, marketplace, scrape_ref, zone, section, lowest_price, average_price, highest_price,
                                       lowest_price_2, lowest_price_4, total_tickets, total_listings, available, currency,
                                       all_in_lowest_price, all_in_average_price, all_in_highest_price, all_in_lowest_price_2, all_in_lowest_price_4)
         SELECT captured_at, event_id, marketplace, scrape_ref, coalesce(zone, 'ALL'), coalesce(section, ''), min(base_price), avg(base_price),
                max(base_price), min(base_price * 2), min(base_price * 4), sum(quantity), count(*), true, 'USD',
                min(all_in_price), avg(all_in_price), max(all_in_price), min(all_in_price * 2), min(all_in_price * 4)
           FROM listings
          GROUP BY GROUPING SETS ((captured_at, event_id, marketplace, scrape_ref, zone, section), (captured_at, event_id, marketplace, scrape_ref, zone),
                                  (captured_at, event_id, marketplace, scrape_ref))`,
      );
      await c.query(`INSERT INTO listings_archive SELECT * FROM listings`);
      await c.query('ANALYZE');
    } finally {
      c.release();
    }
    await rollupHourly(t.db, { from: START, to: END });
    // The day marks the hourly rollup left for the daily one, as a cycle leaves marks until the
    // rollups claim them: autovacuum may take rollup_dirty's statistics at either moment.
    await t.db.query('CREATE TABLE waiting_marks AS SELECT * FROM rollup_dirty');
    await rollupDaily(t.db, { from: START, to: END });
    await t.db.query('ANALYZE rollup_hourly, rollup_daily');
  });

  /** rollup_dirty's statistics as taken with a cycle's marks waiting, or with none; the table itself is left empty. */
  async function dirtyStatistics(taken: 'marks waiting' | 'no marks'): Promise<void> {
    if (taken === 'marks waiting') await t.db.query('INSERT INTO rollup_dirty SELECT * FROM waiting_marks');
    await t.db.query('ANALYZE rollup_dirty');
    await t.db.query('DELETE FROM rollup_dirty');
  }
  after(async () => t?.drop());

  async function plan(q: BuiltQuery): Promise<PlanNode[]> {
    const res = await t.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${q.text}`, q.values);
    return walk(res.rows[0]!['QUERY PLAN'][0].Plan);
  }

  const cases: [string, () => BuiltQuery, RegExp][] = [
    [
      'history, 1 day over 30 days (daily rollup)',
      () => buildHistoryQuery({ eventId: 7, from: START, to: END, bucket: parseBucket('1 day') }),
      /^rollup_daily_pkey$/,
    ],
    [
      'history, 1 hour over 2 days (hourly rollup)',
      () =>
        buildHistoryQuery({
          eventId: 7,
          from: new Date(END.getTime() - 2 * 86_400_000),
          to: END,
          bucket: parseBucket('1 hour'),
          zone: 'Z1',
        }),
      /^rollup_hourly_pkey$/,
    ],
    [
      'history, 15 minutes (raw snapshots)',
      () =>
        buildHistoryQuery({
          eventId: 7,
          from: new Date(END.getTime() - 2 * 86_400_000),
          to: END,
          bucket: parseBucket('15 minutes'),
          source: 'stubhub',
        }),
      /zone_captured_at_idx$|zone_time_idx$/,
    ],
    [
      'history of many events, 1 hour over 8 days (hourly rollup, the Events page)',
      () =>
        buildEventsHistoryQuery({
          eventIds: [3, 7, 9],
          from: new Date(END.getTime() - 8 * 86_400_000),
          to: END,
          bucket: parseBucket('1 hour'),
        }),
      /^rollup_hourly_pkey$/,
    ],
    [
      'sections',
      () => buildSectionsQuery({ eventId: 7, from: new Date(END.getTime() - 7 * 86_400_000), to: END }),
      /event_id_captured_at_idx$|zone_captured_at_idx$|_time_idx$/,
    ],
    ['latest prices', () => buildLatestPricesQuery(7), /^scrapes_event_latest_idx$/],
    ['latest scrapes of many events', () => buildLatestScrapesOfEventsQuery([3, 7, 9]), /^scrapes_event_latest_idx$/],
    [
      'snapshots of given scrapes',
      () => buildSnapshotsOfScrapesQuery([{ eventId: 7, id: '1', capturedAt: START.toISOString() }]),
      /ticket_snapshots|_chunk_/,
    ],
    ['latest listings', () => buildLatestListingsQuery(7, 50), /scrape_ref_idx$|listings_scrape_idx$/],
    [
      'archived listings',
      () => buildArchivedListingsQuery(7, START, new Date(START.getTime() + 3 * 86_400_000), 1000),
      /event_id_captured_at_idx$|listings_archive_event_idx$/,
    ],
  ];

  for (const [name, build, index] of cases) {
    it(name, async () => {
      for (const taken of ['no marks', 'marks waiting'] as const) {
        await dirtyStatistics(taken);
        await assertIndexed(build(), index, taken);
      }
    });
  }

  async function assertIndexed(q: BuiltQuery, index: RegExp, taken: string): Promise<void> {
    const nodes = await plan(q);
    const indexes = nodes.map((n) => n['Index Name']).filter((n): n is string => !!n);
    assert.ok(
      indexes.some((i) => index.test(i)),
      `rollup_dirty statistics with ${taken}: expected an index matching ${index} in ${JSON.stringify(nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']]))}`,
    );
    // Empty partitions (DEFAULT, the weeks created ahead) may be scanned: that reads nothing.
    const seq = nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name']!);
    const populated = await t.db.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relname = ANY($1) AND reltuples > 0`, [
      seq,
    ]);
    assert.deepEqual(
      populated.rows.map((r) => r.relname),
      [],
      `no sequential scan of a populated table (rollup_dirty statistics with ${taken})`,
    );
  }
});
