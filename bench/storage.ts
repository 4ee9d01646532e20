import type { Db } from '../src/db/pool';
import { ensurePartitions } from '../src/db/partitions';
import { refreshRollups } from '../src/db/rollup';
import { applyRetention, compressChunks } from '../src/db/retention';
import { storageModeOf } from '../src/db/storage-mode';
import { timescaleStatus } from '../src/db/timescale-status';
import type { FetchedPrices, MarketplaceName } from '../src/domain/listing';
import { generateEvent, marketAt } from '../src/mock-marketplace/generator';
import type { MockRoute } from '../src/mock-marketplace/routes';
import { parseSeatGeekEvent } from '../src/marketplaces/seatgeek/adapter';
import { seatgeekMock } from '../src/marketplaces/seatgeek/mock';
import { parseStubHubCompListings } from '../src/marketplaces/stubhub/adapter';
import { stubhubProMock } from '../src/marketplaces/stubhub/mock';
import { parseTicketmasterEvent } from '../src/marketplaces/ticketmaster/adapter';
import { ticketmasterMock } from '../src/marketplaces/ticketmaster/mock';
import { parseVividSeatsListings } from '../src/marketplaces/vividseats/adapter';
import { vividseatsMock } from '../src/marketplaces/vividseats/mock';
import { evaluateScrape } from '../src/scrape/evaluate';
import { persistScrape } from '../src/scrape/store';
import { forEachLayout } from './database';
import { intArg, round, type Benchmark, type Figures } from './harness';

/**
 * Storage: bytes on disk per stored row and per event scrape, in each layout, for docs/sizing.md.
 * `--events=N` events are scraped every 12 hours (SCRAPE_INTERVAL_HOURS' default) over DAYS days
 * on the four marketplaces, each payload rendered by the mock marketplace's own route for the
 * market at that instant and read by the marketplace's own parser (Vivid Seats and StubHub Pro
 * give listings, SeatGeek and Ticketmaster summaries), then stored and evaluated by the product's
 * functions (persistScrape, evaluateScrape: listings, snapshots, the scrape row, price changes,
 * the evaluation) and rolled up (refreshRollups). Sizes are pg_total_relation_size (heap, TOAST
 * and indexes) after VACUUM, measured three times: live; in TimescaleDB after compressing every
 * chunk (what chunks older than 14 days look like) with the ratio `db status` reports; after
 * retention moved every raw row to the archive tables (applyRetention, as after
 * RETENTION_RAW_DAYS). The bench's cluster runs without fsync, which changes no size.
 */
const DAYS = 14;
const INTERVAL_MS = 12 * 3_600_000;
const DAY_MS = 86_400_000;
/**
 * Listings an event ever has in the mock: about a third are on sale at a time, so a listings
 * scrape holds about 830, as the real Vivid Seats capture the fixtures come from (833 listings,
 * test/fixtures/marketplaces/README.md).
 */
const POOL_SIZE = 2_640;

const MARKETPLACES: readonly { name: MarketplaceName; route: MockRoute; parse: (payload: unknown) => FetchedPrices }[] = [
  { name: 'vividseats', route: vividseatsMock, parse: (p) => parseVividSeatsListings(p) },
  { name: 'stubhub', route: stubhubProMock, parse: parseStubHubCompListings },
  { name: 'seatgeek', route: seatgeekMock, parse: parseSeatGeekEvent },
  { name: 'ticketmaster', route: ticketmasterMock, parse: parseTicketmasterEvent },
];

const LIVE_TABLES = ['listings', 'ticket_snapshots'] as const;
const OTHER_TABLES = ['scrapes', 'price_changes', 'scrape_evaluations', 'rollup_hourly', 'rollup_daily'] as const;

/** Bytes of a table with its indexes and TOAST, summing a partitioned table's partitions. */
async function tableBytes(db: Db, table: string, hypertable: boolean): Promise<number> {
  const sql = hypertable
    ? `SELECT hypertable_size($1::regclass)::bigint AS b`
    : `SELECT CASE WHEN c.relkind = 'p'
                   THEN (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0) FROM pg_partition_tree(c.oid) t WHERE t.isleaf)
                   ELSE pg_total_relation_size(c.oid) END::bigint AS b
         FROM pg_class c WHERE c.oid = $1::regclass`;
  return Number((await db.query<{ b: string }>(sql, [table])).rows[0]!.b);
}

async function rowCount(db: Db, table: string): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
}

async function measure(db: Db, events: number): Promise<Figures> {
  const timescale = (await storageModeOf(db)) === 'timescaledb';
  const end = Date.now() - 3_600_000;
  const start = end - DAYS * DAY_MS;
  if (!timescale) {
    // Plain partitions are made ahead of now by the workers; these weeks are in the past.
    const client = await db.connect();
    try {
      await ensurePartitions(client, { from: new Date(start - 7 * DAY_MS), to: new Date(end + 7 * DAY_MS) });
    } finally {
      client.release();
    }
  }
  const ids: number[] = [];
  for (let e = 0; e < events; e++) {
    const r = await db.query<{ id: string }>(`INSERT INTO events (catalog_key, name) VALUES ($1, $2) RETURNING id`, [
      `bench-storage-${e}`,
      `Bench ${e}`,
    ]);
    ids.push(Number(r.rows[0]!.id));
  }
  // Each mock event starts at least a week after the window, so every scrape finds a market.
  const mockEvents = ids.map((_, e) => generateEvent(42, String(5_990_000 + e), end, POOL_SIZE));
  let eventScrapes = 0;
  let listingScrapes = 0;
  for (let t = start, cycle = 0; t <= end; t += INTERVAL_MS, cycle++) {
    for (let e = 0; e < ids.length; e++) {
      const event = mockEvents[e]!;
      for (const m of MARKETPLACES) {
        const payload = m.route.render!({
          event,
          market: marketAt(event, t, m.name),
          now: t,
          baseUrl: 'http://mock',
          setHeader: () => undefined,
        });
        const fetched = m.parse(payload);
        const scrapeId = `bench-storage:${cycle}:${ids[e]}:${m.name}`;
        await persistScrape(db, { scrapeId, eventId: ids[e]!, marketplace: m.name, capturedAt: new Date(t), fetched });
        await evaluateScrape(db, scrapeId);
        if (fetched.kind === 'listings') listingScrapes++;
      }
      eventScrapes++;
    }
  }
  await refreshRollups(db);

  const counts: Record<string, number> = {};
  for (const t of [...LIVE_TABLES, ...OTHER_TABLES]) counts[t] = await rowCount(db, t);
  const sizes = async (): Promise<Record<string, number>> => {
    await db.query('VACUUM');
    const out: Record<string, number> = {};
    for (const t of LIVE_TABLES) out[t] = await tableBytes(db, t, timescale);
    for (const t of [...OTHER_TABLES, 'listings_archive', 'ticket_snapshots_archive']) out[t] = await tableBytes(db, t, false);
    return out;
  };
  const live = await sizes();
  const perRow = (bytes: number, rows: number): number => (rows === 0 ? NaN : round(bytes / rows, 1));
  const figures: Figures = {
    event_scrapes: eventScrapes,
    listings_per_listing_scrape: round(counts.listings! / listingScrapes, 1),
    listing_rows_per_event_scrape: round(counts.listings! / eventScrapes, 1),
    snapshot_rows_per_event_scrape: round(counts.ticket_snapshots! / eventScrapes, 1),
    price_change_rows_per_event_scrape: round(counts.price_changes! / eventScrapes, 1),
    rollup_hourly_rows_per_event_scrape: round(counts.rollup_hourly! / eventScrapes, 2),
    rollup_daily_rows_per_event_scrape: round(counts.rollup_daily! / eventScrapes, 2),
    listing_bytes_per_row: perRow(live.listings!, counts.listings!),
    snapshot_bytes_per_row: perRow(live.ticket_snapshots!, counts.ticket_snapshots!),
    scrape_bytes_per_row: perRow(live.scrapes!, counts.scrapes!),
    price_change_bytes_per_row: perRow(live.price_changes!, counts.price_changes!),
    evaluation_bytes_per_row: perRow(live.scrape_evaluations!, counts.scrape_evaluations!),
    rollup_hourly_bytes_per_row: perRow(live.rollup_hourly!, counts.rollup_hourly!),
    rollup_daily_bytes_per_row: perRow(live.rollup_daily!, counts.rollup_daily!),
    raw_bytes_per_event_scrape: round((live.listings! + live.ticket_snapshots!) / eventScrapes, 0),
    other_bytes_per_event_scrape: round(OTHER_TABLES.reduce((n, t) => n + live[t]!, 0) / eventScrapes, 0),
  };
  const farFuture = new Date(end + 400 * DAY_MS);
  if (timescale) {
    const client = await db.connect();
    try {
      await compressChunks(client, farFuture);
    } finally {
      client.release();
    }
    const compressed = await sizes();
    const status = await timescaleStatus(db);
    const ratio = (t: string): number | string => status.hypertables.find((h) => h.hypertable === t)?.compressionRatio ?? 'none';
    figures.listing_bytes_per_row_compressed = perRow(compressed.listings!, counts.listings!);
    figures.snapshot_bytes_per_row_compressed = perRow(compressed.ticket_snapshots!, counts.ticket_snapshots!);
    figures.listings_compression_ratio_db_status = ratio('listings');
    figures.snapshots_compression_ratio_db_status = ratio('ticket_snapshots');
    figures.raw_bytes_per_event_scrape_compressed = round((compressed.listings! + compressed.ticket_snapshots!) / eventScrapes, 0);
  }
  // Everything raw into the archive: RETENTION_RAW_DAYS as if the window were long past.
  await applyRetention(db, { rawDays: 1, hourlyDays: 10_000, cyclesDays: 10_000, errorsDays: 10_000 }, farFuture);
  const archived = await sizes();
  figures.archive_listing_bytes_per_row = perRow(archived.listings_archive!, counts.listings!);
  figures.archive_snapshot_bytes_per_row = perRow(archived.ticket_snapshots_archive!, counts.ticket_snapshots!);
  figures.archive_raw_bytes_per_event_scrape = round((archived.listings_archive! + archived.ticket_snapshots_archive!) / eventScrapes, 0);
  figures.archive_rows_moved = (await rowCount(db, 'listings_archive')) + (await rowCount(db, 'ticket_snapshots_archive'));
  return figures;
}

export const benchmark: Benchmark = {
  name: 'storage',
  description: `in each storage layout, bytes on disk per row and per event scrape: --events=N (10) events scraped every 12 h over ${DAYS} days on the four marketplaces (mock payloads, the product's parsers, persistScrape, evaluateScrape, rollups); live, compressed (TimescaleDB) and archived`,
  flags: { events: 1 },
  async run(args) {
    const events = intArg(args, 'events', 10);
    return forEachLayout((db) => measure(db, events));
  },
};
