import { buildHistoryQuery, history, rawTailOf, type HistoryQuery } from '../src/db/analytics/history';
import { cheapestSeatsOfEvent } from '../src/db/analytics/together';
import { ensurePartitions } from '../src/db/partitions';
import type { Db } from '../src/db/pool';
import { rollupDaily, rollupHourly } from '../src/db/rollup';
import { storageModeOf } from '../src/db/storage-mode';
import { parseBucket } from '../src/domain/buckets';
import { forEachLayout } from './database';
import { median, round, timeRuns, type Benchmark } from './harness';

/**
 * Analytics over 10 million listing rows: 100 events x 90 days, one scrape per event every
 * 6 hours with ~278 listings each, generated in SQL (generate_series) inside a database made
 * for the run. Snapshots are derived from the listings in SQL the way persistScrape derives them
 * (per section, per zone, and the whole event), then the real rollup functions run over the 90
 * days but the last FRESH_HOURS, whose scrapes stay raw and marked (as ingest marks them), so
 * every history read includes fresh data not rolled up yet; the history queries are timed, and a
 * full rollup afterwards must not change what they answer. History is timed on both price bases
 * (all-in, the default, and base), and the cheapest-N-together read (cheapestSeatsOfEvent) over an
 * event whose 4 marketplaces' latest scrapes hold 2,000 listings.
 */
const EVENTS = 100;
const DAYS = 90;
const SCRAPES_PER_DAY = 4;
const LISTINGS_PER_SCRAPE = 278;
const DAY_MS = 86_400_000;
/** The tail of the data set left unrolled: a day and a half, so it spans a day boundary. */
const FRESH_HOURS = 36;
/** Listings in the latest scrapes of the 4 marketplaces of the together event (issue 24: under 20 ms). */
const TOGETHER_LISTINGS = 2000;

/** Builds the ~10M-row data set in `db` (also used by the dashboard bench), leaving its last FRESH_HOURS unrolled. */
export async function generate(
  db: Db,
  now: Date,
): Promise<{ listings: number; snapshots: number; freshScrapes: number; togetherEvent: number; seconds: Record<string, number> }> {
  const seconds: Record<string, number> = {};
  let togetherEvent = 0;
  const step = async (name: string, fn: () => Promise<unknown>): Promise<void> => {
    const t = Date.now();
    await fn();
    seconds[name] = round((Date.now() - t) / 1000, 1);
  };
  const start = new Date(Math.floor((now.getTime() - DAYS * DAY_MS) / DAY_MS) * DAY_MS);
  const client = await db.connect();
  try {
    if ((await storageModeOf(db)) === 'plain') await ensurePartitions(client, { from: start, to: new Date(now.getTime() + 7 * DAY_MS) });
    await step('generate_events_scrapes_s', async () => {
      await client.query(
        `INSERT INTO events (catalog_key, name, capacity) SELECT 'bench-' || g, 'Bench event ' || g, 20000 FROM generate_series(1, $1) g`,
        [EVENTS],
      );
      await client.query(
        `INSERT INTO scrapes (scrape_key, event_id, marketplace, captured_at, kind, listings_stored, listings_rejected, snapshots)
         SELECT 'bench/' || e.id || '/' || k, e.id, 'stubhub', $1::timestamptz + make_interval(hours => k * $3) + make_interval(mins => (e.id % 60)::int), 'listings', $4, 0, 0
           FROM events e, generate_series(0, $2 - 1) k`,
        [start, DAYS * SCRAPES_PER_DAY, 24 / SCRAPES_PER_DAY, LISTINGS_PER_SCRAPE],
      );
    });
    await step('generate_listings_s', () =>
      client.query(
        `INSERT INTO listings (captured_at, event_id, marketplace, scrape_ref, listing_id, zone, section, seat_row, quantity, splits, base_price, all_in_price, currency)
         SELECT captured_at, event_id, 'stubhub', id, 'L' || g, zone, section, seat_row, quantity, splits, base, round(base * 1.27 + 3.5, 2), 'USD'
           FROM (SELECT s.captured_at, s.event_id, s.id, g,
                        (ARRAY['Floor','Lower Bowl','Upper Bowl','Club','Balcony','Suites'])[1 + (g % 6)] AS zone,
                        'S' || (100 + (g * 7) % 24) AS section, chr(65 + (g % 20)) AS seat_row, 1 + ((s.id + g) % 8) AS quantity,
                        CASE WHEN g % 3 = 0 THEN '{2,4}'::smallint[] ELSE '{}'::smallint[] END AS splits,
                        round((40 + ((s.id * 7919 + g * 104729) % 60000) / 100.0 + (s.event_id % 50))::numeric, 2) AS base
                   FROM scrapes s, generate_series(1, $1) g
                  WHERE s.scrape_key LIKE 'bench/%') x`,
        [LISTINGS_PER_SCRAPE],
      ),
    );
    await step('generate_snapshots_s', () =>
      client.query(
        `INSERT INTO ticket_snapshots (captured_at, event_id, marketplace, scrape_ref, zone, section, lowest_price, average_price, highest_price,
                                       lowest_price_2, lowest_price_4, total_tickets, total_listings, available, currency,
                                       all_in_lowest_price, all_in_average_price, all_in_highest_price, all_in_lowest_price_2, all_in_lowest_price_4)
         SELECT captured_at, event_id, marketplace, scrape_ref, coalesce(zone, 'ALL'), coalesce(section, ''),
                min(base_price), round(avg(base_price), 2), max(base_price),
                min(base_price * 2) FILTER (WHERE quantity >= 2 AND (cardinality(splits) = 0 OR 2 = ANY (splits))),
                min(base_price * 4) FILTER (WHERE quantity >= 4 AND (cardinality(splits) = 0 OR 4 = ANY (splits))),
                sum(quantity), count(*), sum(quantity) > 0, 'USD',
                min(all_in_price), round(avg(all_in_price), 2), max(all_in_price),
                min(all_in_price * 2) FILTER (WHERE quantity >= 2 AND (cardinality(splits) = 0 OR 2 = ANY (splits))),
                min(all_in_price * 4) FILTER (WHERE quantity >= 4 AND (cardinality(splits) = 0 OR 4 = ANY (splits)))
           FROM listings
          GROUP BY GROUPING SETS ((captured_at, event_id, marketplace, scrape_ref, zone, section),
                                  (captured_at, event_id, marketplace, scrape_ref, zone),
                                  (captured_at, event_id, marketplace, scrape_ref))`,
      ),
    );
    // One more event with the latest scrape of each of the 4 marketplaces holding TOGETHER_LISTINGS
    // listings between them (the cheapest-N-together read), among the bench's history.
    await step('generate_together_s', async () => {
      const ids = await client.query<{ id: string }>(
        `INSERT INTO events (catalog_key, name) VALUES ('bench-together', 'Bench together') RETURNING id`,
      );
      const id = ids.rows[0]!.id;
      await client.query(
        `INSERT INTO scrapes (scrape_key, event_id, marketplace, captured_at, kind, listings_stored, listings_rejected, snapshots)
         SELECT 'together/' || m || '/' || k, $1, m, $2::timestamptz - make_interval(hours => k), 'listings', $3, 0, 0
           FROM unnest(ARRAY['stubhub', 'vividseats', 'seatgeek', 'ticketmaster']) m, generate_series(0, 23) k`,
        [id, new Date(now.getTime() - 600_000), TOGETHER_LISTINGS / 4],
      );
      await client.query(
        `INSERT INTO listings (captured_at, event_id, marketplace, scrape_ref, listing_id, zone, section, seat_row, quantity, splits, base_price, all_in_price, currency)
         SELECT s.captured_at, s.event_id, s.marketplace, s.id, 'T' || g, 'Z' || (g % 6), 'S' || (100 + g % 30), chr(65 + g % 20),
                1 + (g % 8), CASE WHEN g % 3 = 0 THEN '{2,4}'::smallint[] ELSE '{}'::smallint[] END,
                round((60 + (g * 104729 % 40000) / 100.0)::numeric, 2), round((60 + (g * 104729 % 40000) / 100.0)::numeric * 1.3 + 4, 2), 'USD'
           FROM scrapes s, generate_series(1, $2) g WHERE s.event_id = $1
          -- Each scrape's rows together, as ingest writes them (one COPY per scrape).
          ORDER BY s.id, g`,
        [id, TOGETHER_LISTINGS / 4],
      );
      togetherEvent = Number(id);
    });
    const cutoff = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - FRESH_HOURS * 3_600_000);
    const window = { from: start, to: cutoff };
    await step('rollup_hourly_90d_s', () => rollupHourly(db, window));
    await step('rollup_daily_90d_s', () => rollupDaily(db, window));
    // The fresh tail: scrapes after the last rollup, marked the way ingest marks them.
    await client.query(
      `INSERT INTO rollup_dirty (kind, event_id, marketplace, period_start)
       SELECT DISTINCT 'hour', event_id, marketplace, date_bin('1 hour', captured_at, '2000-01-03T00:00:00Z'::timestamptz)
         FROM scrapes WHERE captured_at >= $1 ON CONFLICT DO NOTHING`,
      [cutoff],
    );
    // VACUUM as well: the steady state of a database that has run for 90 days, where autovacuum
    // (and BRIN autosummarize, migration 093) has summarized what was written, not a bulk load
    // read the same second.
    await step('analyze_s', () => client.query('VACUUM ANALYZE'));
    const counts = await client.query<{ l: string; s: string }>(
      'SELECT (SELECT count(*) FROM listings) AS l, (SELECT count(*) FROM ticket_snapshots) AS s',
    );
    const fresh = await client.query<{ n: string }>('SELECT count(*) AS n FROM scrapes WHERE captured_at >= $1', [cutoff]);
    return {
      listings: Number(counts.rows[0]!.l),
      snapshots: Number(counts.rows[0]!.s),
      freshScrapes: Number(fresh.rows[0]!.n),
      togetherEvent,
      seconds,
    };
  } finally {
    client.release();
  }
}

export const benchmark: Benchmark = {
  name: 'query',
  description: `in each storage layout, history over ${EVENTS} events x ${DAYS} days x ${SCRAPES_PER_DAY} scrapes/day x ${LISTINGS_PER_SCRAPE} listings (~10M rows), generated in SQL`,
  async run() {
    return forEachLayout(async (db, info) => {
      const now = new Date();
      const gen = await generate(db, now);
      let i = 0;
      const eventId = (): number => 1 + ((i++ * 37) % EVENTS);
      const daily = await timeRuns(
        30,
        () => history(db, { eventId: eventId(), from: new Date(now.getTime() - 90 * DAY_MS), to: now, bucket: parseBucket('1 day') }),
        3,
      );
      const hourly = await timeRuns(
        30,
        () => history(db, { eventId: eventId(), from: new Date(now.getTime() - 2 * DAY_MS), to: now, bucket: parseBucket('1 hour') }),
        3,
      );
      const raw15 = await timeRuns(
        30,
        () => history(db, { eventId: eventId(), from: new Date(now.getTime() - 2 * DAY_MS), to: now, bucket: parseBucket('15 minutes') }),
        3,
      );
      const daily90 = (id: number): HistoryQuery => ({
        eventId: id,
        from: new Date(now.getTime() - 90 * DAY_MS),
        to: now,
        bucket: parseBucket('1 day'),
      });
      const dailyBase = await timeRuns(
        30,
        () =>
          history(db, {
            eventId: eventId(),
            from: new Date(now.getTime() - 90 * DAY_MS),
            to: now,
            bucket: parseBucket('1 day'),
            basis: 'base',
          }),
        3,
      );
      const hourlyBase = await timeRuns(
        30,
        () =>
          history(db, {
            eventId: eventId(),
            from: new Date(now.getTime() - 2 * DAY_MS),
            to: now,
            bucket: parseBucket('1 hour'),
            basis: 'base',
          }),
        3,
      );
      const together = await timeRuns(30, () => cheapestSeatsOfEvent(db, gen.togetherEvent, [1, 2, 4], 'all-in'), 3);
      const togetherSample = await cheapestSeatsOfEvent(db, gen.togetherEvent, [1, 2, 4], 'all-in');
      const plan = await explain(db, daily90(1));
      const samples = async () =>
        JSON.stringify([
          await history(db, daily90(1)),
          await history(db, { ...daily90(2), from: new Date(now.getTime() - 2 * DAY_MS), bucket: parseBucket('1 hour') }),
        ]);
      const sampleFresh = await samples();
      const sample = await history(db, daily90(1));
      // Everything rolled up: the answers must not change.
      await rollupHourly(db, { from: now, to: now });
      await rollupDaily(db, { from: now, to: now });
      const sampleRolledUp = await samples();
      return {
        server: info.server,
        rows: gen.listings,
        snapshot_rows: gen.snapshots,
        history_daily_90d_ms_median: round(median(daily), 2),
        history_hourly_2d_ms_median: round(median(hourly), 2),
        history_raw_15min_2d_ms_median: round(median(raw15), 2),
        history_daily_90d_base_ms_median: round(median(dailyBase), 2),
        history_hourly_2d_base_ms_median: round(median(hourlyBase), 2),
        together_2000_listings_ms_median: round(median(together), 2),
        together_2000_listings_read: togetherSample.supply.listings,
        history_daily_90d_rows: sample.length,
        history_daily_90d_planning_ms: plan.planning,
        history_daily_90d_execution_ms: plan.execution,
        fresh_scrapes: gen.freshScrapes,
        fresh_equals_rolled_up: sampleFresh === sampleRolledUp ? 'yes' : 'NO',
        ...gen.seconds,
      };
    });
  },
};

/** Planning and execution time of one history query, from EXPLAIN ANALYZE. */
async function explain(db: Db, q: HistoryQuery): Promise<{ planning: number; execution: number }> {
  const built = buildHistoryQuery(q, await rawTailOf(db, q));
  const res = await db.query<{ 'QUERY PLAN': [{ 'Planning Time': number; 'Execution Time': number }] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${built.text}`,
    built.values,
  );
  const p = res.rows[0]!['QUERY PLAN'][0];
  return { planning: round(p['Planning Time'], 2), execution: round(p['Execution Time'], 2) };
}
