import type pg from 'pg';
import { copyField, copyRows } from '../src/db/copy';
import { LISTING_COLUMNS, persistScrape } from '../src/db/ingest';
import type { Db } from '../src/db/pool';
import type { NormalizedListing } from '../src/domain/listing';
import { withBenchDatabase } from './database';
import { median, round, type Benchmark } from './harness';

/**
 * Ingest: the project's persist path (validation, snapshots, one transaction per scrape, COPY)
 * against a raw COPY of the same rows into the same table, and against the seeds' approach
 * (batches of 100 single-row INSERT statements per round trip), in one run.
 */
const SCRAPE_SIZE = 5000;
const SCRAPES = 40;
const SEED_ROWS = 20_000;
const ZONES = ['Floor', 'Lower Bowl', 'Upper Bowl', 'Club', 'Balcony', 'Suites'];

function generate(count: number, seed: number): NormalizedListing[] {
  let x = seed >>> 0;
  const rnd = (): number => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296);
  return Array.from({ length: count }, (_, i) => {
    const quantity = 1 + Math.floor(rnd() * 8);
    const price = Math.round((20 + rnd() * 600) * 100) / 100;
    return {
      listingId: `b${seed}-${i}`,
      zone: ZONES[Math.floor(rnd() * ZONES.length)]!,
      section: `S${100 + Math.floor(rnd() * 30)}`,
      row: String.fromCharCode(65 + Math.floor(rnd() * 20)),
      quantity,
      splits: rnd() < 0.5 ? [] : [2, 4].filter((n) => n <= quantity),
      pricePerTicket: price,
      allInPrice: Math.round(price * 1.18 * 100) / 100,
      currency: 'USD',
    };
  });
}

function line(l: NormalizedListing, eventId: number, scrapeRef: number, capturedAt: string): string {
  return [capturedAt, eventId, 'stubhub', scrapeRef, copyField(l.listingId), copyField(l.zone), copyField(l.section), copyField(l.row), l.quantity, copyField(l.splits), l.pricePerTicket, copyField(l.allInPrice), l.currency].join('\t');
}

async function rawCopy(client: pg.PoolClient, rows: NormalizedListing[], eventId: number, capturedAt: string): Promise<void> {
  await copyRows(client, 'listings', LISTING_COLUMNS, rows.length, (i) => line(rows[i]!, eventId, 1_000_000 + Math.floor(i / SCRAPE_SIZE), capturedAt));
}

async function seedInserts(client: pg.PoolClient, rows: NormalizedListing[], eventId: number, capturedAt: string): Promise<void> {
  const lit = (v: string | null): string => (v === null ? 'NULL' : client.escapeLiteral(v));
  for (let i = 0; i < rows.length; i += 100) {
    const batch = rows.slice(i, i + 100).map(
      (l) =>
        `INSERT INTO listings (${LISTING_COLUMNS.join(', ')}) VALUES (${lit(capturedAt)}, ${eventId}, 'stubhub', 2000000, ${lit(l.listingId)}, ${lit(l.zone)}, ${lit(l.section)}, ${lit(l.row)}, ${l.quantity}, '{${l.splits.join(',')}}', ${l.pricePerTicket}, ${l.allInPrice ?? 'NULL'}, ${lit(l.currency)});`,
    );
    await client.query(batch.join('\n'));
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function measure(db: Db): Promise<Record<string, number | string>> {
  const ev = await db.query<{ id: string }>(`INSERT INTO events (catalog_key, name) VALUES ('bench-ingest', 'Bench') RETURNING id`);
  const eventId = Number(ev.rows[0]!.id);
  const scrapes = Array.from({ length: SCRAPES + 2 }, (_, i) => generate(SCRAPE_SIZE, i + 1));
  const all = scrapes.slice(2).flat();
  const capturedAt = new Date();
  const stamp = capturedAt.toISOString();
  const client = await db.connect();
  try {
    // Warm-up (plans, JIT of the encoder), then a clean table for every method.
    for (let i = 0; i < 2; i++) await persistScrape(db, { scrapeId: `warm-${i}`, eventId, marketplace: 'stubhub', capturedAt, fetched: { kind: 'listings', listings: scrapes[i]!, skipped: [] } });
    await rawCopy(client, scrapes[0]!, eventId, stamp);
    await client.query('TRUNCATE listings, ticket_snapshots, scrapes, rollup_dirty');

    const perScrape: number[] = [];
    const projectSeconds = await timed(async () => {
      for (let i = 0; i < SCRAPES; i++) {
        const t = process.hrtime.bigint();
        await persistScrape(db, { scrapeId: `bench-${i}`, eventId, marketplace: 'stubhub', capturedAt, fetched: { kind: 'listings', listings: scrapes[i + 2]!, skipped: [] } });
        perScrape.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    });
    await client.query('TRUNCATE listings');
    const copySeconds = await timed(() => rawCopy(client, all, eventId, stamp));
    await client.query('TRUNCATE listings');
    const seedRows = all.slice(0, SEED_ROWS);
    const seedSeconds = await timed(() => seedInserts(client, seedRows, eventId, stamp));
    const project = all.length / projectSeconds;
    const copy = all.length / copySeconds;
    const seed = seedRows.length / seedSeconds;
    return {
      rows: all.length,
      project_rows_per_s: Math.round(project),
      copy_rows_per_s: Math.round(copy),
      seed_rows_per_s: Math.round(seed),
      ratio_to_copy: round(project / copy, 3),
      ratio_to_seed: round(project / seed, 2),
      scrape_5000_ms_median: round(median(perScrape), 2),
      scrape_5000_ms_max: round(Math.max(...perScrape), 2),
    };
  } finally {
    client.release();
  }
}

export const benchmark: Benchmark = {
  name: 'ingest',
  description: `persistScrape (${SCRAPES} scrapes x ${SCRAPE_SIZE} listings, snapshots included) vs raw COPY vs 100 INSERTs per round trip`,
  async run() {
    return withBenchDatabase(async (db, info) => ({ server: info.server, ...(await measure(db)) }));
  },
};
