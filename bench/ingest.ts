import type pg from 'pg';
import { copyRows } from '../src/db/copy';
import { LISTING_COLUMNS, listingCopyLine, listingCopyPrefix } from '../src/scrape/queries/store';
import { persistScrape } from '../src/scrape/store';
import type { Db } from '../src/db/pool';
import type { NormalizedListing } from '../src/domain/listing';
import { forEachLayout } from './database';
import { median, round, type Benchmark } from './harness';

/**
 * Ingest: the project's persist path (validation, snapshots, one transaction per scrape, COPY)
 * against a raw COPY of the same rows into the same table, and against the seeds' approach
 * (batches of 100 single-row INSERT statements per round trip), in one run.
 */
const SCRAPE_SIZE = 5000;
const SCRAPES = 40;
const SEED_ROWS = 20_000;
const ROUNDS = 5;
const ZONES = ['Floor', 'Lower Bowl', 'Upper Bowl', 'Club', 'Balcony', 'Suites'];

function generate(count: number, seed: number): NormalizedListing[] {
  let x = seed >>> 0;
  const rnd = (): number => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
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
      basePrice: price,
      allInPrice: Math.round(price * 1.18 * 100) / 100,
      sellerNetProceeds: null,
      currency: 'USD',
    };
  });
}

/**
 * Raw COPY of the rows, encoded by the same function as the project's path, each SCRAPE_SIZE
 * rows with a scrape ref of their own. `statementRows` = all rows: one statement. = SCRAPE_SIZE:
 * one statement (its own transaction) per scrape, the floor of any path that persists each scrape
 * in its own transaction, as ingest must: PostgreSQL spends a fixed ~2-3 ms per COPY statement
 * here (perf: the resource owner bookkeeping of the multi-insert buffer's tuple slots, created and
 * dropped per statement; seen on PostgreSQL 15 and 17, with and without indexes and partitions),
 * which one statement for all rows pays once.
 */
async function rawCopy(
  client: pg.PoolClient,
  rows: NormalizedListing[],
  eventId: number,
  capturedAt: Date,
  statementRows = rows.length,
): Promise<void> {
  const prefixes = Array.from({ length: Math.ceil(rows.length / SCRAPE_SIZE) }, (_, k) =>
    listingCopyPrefix(capturedAt, eventId, 'stubhub', 1_000_000 + k),
  );
  for (let s = 0; s < rows.length; s += statementRows) {
    await copyRows(client, 'listings', LISTING_COLUMNS, Math.min(statementRows, rows.length - s), (i) =>
      listingCopyLine(prefixes[Math.floor((s + i) / SCRAPE_SIZE)]!, rows[s + i]!),
    );
  }
}

/**
 * The seed's approach (psycopg2 execute_batch, page_size=100): single-row INSERT statements sent
 * 100 per round trip, one transaction per scrape of SCRAPE_SIZE rows, committed at its end.
 */
async function seedInserts(client: pg.PoolClient, rows: NormalizedListing[], eventId: number, capturedAt: string): Promise<void> {
  const lit = (v: string | null): string => (v === null ? 'NULL' : client.escapeLiteral(v));
  for (let s = 0; s < rows.length; s += SCRAPE_SIZE) {
    await client.query('BEGIN');
    for (let i = s; i < Math.min(rows.length, s + SCRAPE_SIZE); i += 100) {
      const batch = rows
        .slice(i, Math.min(i + 100, s + SCRAPE_SIZE))
        .map(
          (l) =>
            `INSERT INTO listings (${LISTING_COLUMNS.join(', ')}) VALUES (${lit(capturedAt)}, ${eventId}, 'stubhub', ${2_000_000 + s / SCRAPE_SIZE}, ${lit(l.listingId)}, ${lit(l.zone)}, ${lit(l.section)}, ${lit(l.row)}, ${l.quantity}, '{${l.splits.join(',')}}', ${l.basePrice ?? 'NULL'}, ${l.allInPrice ?? 'NULL'}, ${lit(l.currency)}, ${l.sellerNetProceeds ?? 'NULL'});`,
        );
      await client.query(batch.join('\n'));
    }
    await client.query('COMMIT');
  }
}

type Method = 'project' | 'copy' | 'copyPerScrape' | 'seed';
const METHODS: readonly Method[] = ['project', 'copy', 'copyPerScrape', 'seed'];

/**
 * The machine is shared and its load drifts: the methods run in ROUNDS interleaved rounds
 * (the order rotating each round), each on an empty table after a forced GC, and the figures are
 * medians over rounds; the ratios are medians of each round's own ratios (methods measured
 * seconds apart, under the same load).
 */
async function measure(db: Db): Promise<Record<string, number>> {
  const ev = await db.query<{ id: string }>(`INSERT INTO events (catalog_key, name) VALUES ('bench-ingest', 'Bench') RETURNING id`);
  const eventId = Number(ev.rows[0]!.id);
  const scrapes = Array.from({ length: SCRAPES + 2 }, (_, i) => generate(SCRAPE_SIZE, i + 1));
  const all = scrapes.slice(2).flat();
  const seedRows = all.slice(0, SEED_ROWS);
  const capturedAt = new Date();
  const stamp = capturedAt.toISOString();
  const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);
  const client = await db.connect();
  const clean = (): Promise<unknown> => client.query('TRUNCATE listings, ticket_snapshots, scrapes, rollup_dirty');
  try {
    // Warm-up of every method (plans, JIT of validation and encoding).
    for (let i = 0; i < 2; i++)
      await persistScrape(db, {
        scrapeId: `warm-${i}`,
        eventId,
        marketplace: 'stubhub',
        capturedAt,
        fetched: { kind: 'listings', listings: scrapes[i]!, skipped: [] },
      });
    await rawCopy(client, scrapes[0]!, eventId, capturedAt);
    await rawCopy(client, scrapes[0]!, eventId, capturedAt, SCRAPE_SIZE);
    await seedInserts(client, scrapes[1]!, eventId, stamp);

    const perScrape: number[] = [];
    const rate: Record<Method, number[]> = { project: [], copy: [], copyPerScrape: [], seed: [] };
    const run: Record<Method, (round: number) => Promise<number>> = {
      project: async (r) => {
        for (let i = 0; i < SCRAPES; i++) {
          const t = process.hrtime.bigint();
          await persistScrape(db, {
            scrapeId: `bench-${r}-${i}`,
            eventId,
            marketplace: 'stubhub',
            capturedAt,
            fetched: { kind: 'listings', listings: scrapes[i + 2]!, skipped: [] },
          });
          perScrape.push(Number(process.hrtime.bigint() - t) / 1e6);
        }
        return all.length;
      },
      copy: async () => {
        await rawCopy(client, all, eventId, capturedAt);
        return all.length;
      },
      copyPerScrape: async () => {
        await rawCopy(client, all, eventId, capturedAt, SCRAPE_SIZE);
        return all.length;
      },
      seed: async () => {
        await seedInserts(client, seedRows, eventId, stamp);
        return seedRows.length;
      },
    };
    const toCopy: number[] = [];
    const toCopyPerScrape: number[] = [];
    const toSeed: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < METHODS.length; k++) {
        const method = METHODS[(r + k) % METHODS.length]!;
        await clean();
        gc();
        const t = process.hrtime.bigint();
        const rows = await run[method](r);
        rate[method].push(rows / (Number(process.hrtime.bigint() - t) / 1e9));
      }
      toCopy.push(rate.project[r]! / rate.copy[r]!);
      toCopyPerScrape.push(rate.project[r]! / rate.copyPerScrape[r]!);
      toSeed.push(rate.project[r]! / rate.seed[r]!);
    }
    return {
      rows: all.length,
      rounds: ROUNDS,
      project_rows_per_s: Math.round(median(rate.project)),
      copy_rows_per_s: Math.round(median(rate.copy)),
      copy_per_scrape_rows_per_s: Math.round(median(rate.copyPerScrape)),
      seed_rows_per_s: Math.round(median(rate.seed)),
      ratio_to_copy: round(median(toCopy), 3),
      ratio_to_copy_per_scrape: round(median(toCopyPerScrape), 3),
      ratio_to_seed: round(median(toSeed), 2),
      scrape_5000_ms_median: round(median(perScrape), 2),
      scrape_5000_ms_max: round(Math.max(...perScrape), 2),
    };
  } finally {
    client.release();
  }
}

export const benchmark: Benchmark = {
  name: 'ingest',
  description: `in each storage layout, persistScrape (${SCRAPES} scrapes x ${SCRAPE_SIZE} listings, snapshots included) vs one raw COPY of the same rows, vs a raw COPY per scrape, vs 100 INSERTs per round trip; ${ROUNDS} interleaved rounds, medians`,
  async run() {
    return forEachLayout(async (db, info) => ({ server: info.server, ...(await measure(db)) }));
  },
};
