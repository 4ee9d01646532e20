import { basisColumnPrefix, PRICE_BASES, type PriceBasis } from '../../src/domain/price-basis';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { persistScrape } from '../../src/scrape/store';
import { rollupDaily, rollupHourly } from '../../src/db/rollup';
import type { MarketplaceName, NormalizedListing } from '../../src/domain/listing';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';

/**
 * Property: on random scrapes, every stored snapshot and every hourly and daily rollup row equals
 * a brute-force recomputation in TypeScript from the raw listing rows read back from the
 * database. The brute force is written independently of src/domain/snapshot.ts and src/db/rollup.ts.
 */

interface RawRow {
  scrape: string;
  event_id: string;
  marketplace: string;
  captured_at: Date;
  zone: string;
  section: string;
  quantity: number;
  splits: number[];
  price: number;
}

interface Metrics {
  lowest: number | null;
  average: number | null;
  highest: number | null;
  lowest2: number | null;
  lowest4: number | null;
  tickets: number;
  listings: number;
  available: boolean;
}

function bruteMetrics(rows: RawRow[]): Metrics {
  const prices = rows.map((r) => r.price);
  const group = (n: number): number | null => {
    const totals = rows
      .filter((r) => r.quantity >= n && (r.splits.length === 0 || r.splits.includes(n)))
      .map((r) => Math.round(r.price * n * 100) / 100);
    return totals.length ? Math.min(...totals) : null;
  };
  const tickets = rows.reduce((a, r) => a + r.quantity, 0);
  const cents = rows.reduce((a, r) => a + Math.round(r.price * 100), 0);
  return {
    lowest: prices.length ? Math.min(...prices) : null,
    average: prices.length ? Math.round(cents / prices.length) / 100 : null,
    highest: prices.length ? Math.max(...prices) : null,
    lowest2: group(2),
    lowest4: group(4),
    tickets,
    listings: rows.length,
    available: tickets > 0,
  };
}

const n = (v: string | null): number | null => (v === null ? null : Number(v));
const hourOf = (d: Date): number => Math.floor(d.getTime() / 3_600_000) * 3_600_000;
const dayOf = (d: Date): number => Math.floor(d.getTime() / 86_400_000) * 86_400_000;

const BASE = Date.parse('2026-02-02T00:00:00Z');
const listingArb = fc.record({
  zone: fc.constantFrom('Floor', 'Lower', 'Upper'),
  section: fc.constantFrom('101', '102', '201'),
  quantity: fc.integer({ min: 1, max: 6 }),
  splitKind: fc.constantFrom('any', 'all', 'pairs', 'odd'),
  cents: fc.integer({ min: 1, max: 5_000_00 }),
});
const scrapeArb = fc.record({
  event: fc.integer({ min: 0, max: 1 }),
  marketplace: fc.constantFrom<MarketplaceName>('stubhub', 'vividseats'),
  minute: fc.integer({ min: 0, max: 3 * 24 * 60 - 1 }),
  listings: fc.array(listingArb, { maxLength: 25 }),
});

function toListings(
  raw: { zone: string; section: string; quantity: number; splitKind: string; cents: number }[],
  prefix: string,
): NormalizedListing[] {
  return raw.map((l, i) => ({
    listingId: `${prefix}-${i}`,
    zone: l.zone,
    section: l.section,
    row: null,
    quantity: l.quantity,
    splits:
      l.splitKind === 'any'
        ? []
        : l.splitKind === 'all'
          ? [l.quantity]
          : l.splitKind === 'pairs'
            ? [2, 4].filter((s) => s <= l.quantity)
            : [1, 3].filter((s) => s <= l.quantity),
    basePrice: l.cents / 100,
    // A fee of 18 % plus 2.50 per ticket, so every listing has a price on both bases and they differ.
    allInPrice: Math.round(l.cents * 1.18 + 250) / 100,
    sellerNetProceeds: null,
    currency: 'USD',
  }));
}

describeLayouts('snapshots and rollups equal a brute-force recomputation from raw rows', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let events: number[];
  before(async () => {
    t = await createTestDatabase({ layout });
    events = [await createEvent(t.db, 'prop-a'), await createEvent(t.db, 'prop-b')];
  });
  after(async () => t?.drop());

  async function check(basis: PriceBasis): Promise<void> {
    const p = basisColumnPrefix(basis);
    const listingPrice = basis === 'all-in' ? 'all_in_price' : 'base_price';
    const raw = await t.db.query<RawRow & { price: string }>(
      `SELECT s.scrape_key AS scrape, s.event_id, s.marketplace, s.captured_at, l.zone, l.section, l.quantity, l.splits, l.${listingPrice} AS price
         FROM scrapes s LEFT JOIN listings l ON l.scrape_ref = s.id AND l.captured_at = s.captured_at`,
    );
    const byScrape = new Map<string, { head: RawRow; rows: RawRow[] }>();
    for (const r0 of raw.rows) {
      const r = { ...r0, price: Number(r0.price) };
      const entry = byScrape.get(r.scrape) ?? { head: r, rows: [] };
      if (r.zone !== null) entry.rows.push(r);
      byScrape.set(r.scrape, entry);
    }
    // Expected snapshot rows: per section, per zone, and ALL.
    const expected = new Map<string, Metrics>();
    const zoneLevel: { key: string; hour: number; day: number; m: Metrics }[] = [];
    for (const [scrape, { head, rows }] of byScrape) {
      const groups = new Map<string, RawRow[]>();
      const add = (zone: string, section: string, r?: RawRow): void => {
        const k = `${zone}|${section}`;
        const g = groups.get(k) ?? [];
        if (r) g.push(r);
        groups.set(k, g);
      };
      add('ALL', '');
      for (const r of rows) {
        add(r.zone, r.section, r);
        add(r.zone, '', r);
        add('ALL', '', r);
      }
      for (const [k, g] of groups) {
        const m = bruteMetrics(g);
        expected.set(`${scrape}|${k}`, m);
        if (k.endsWith('|'))
          zoneLevel.push({
            key: `${head.event_id}|${head.marketplace}|${k.split('|')[0]}`,
            hour: hourOf(head.captured_at),
            day: dayOf(head.captured_at),
            m,
          });
      }
    }
    const snaps = await t.db.query<{
      scrape: string;
      zone: string;
      section: string;
      lowest_price: string | null;
      average_price: string | null;
      highest_price: string | null;
      lowest_price_2: string | null;
      lowest_price_4: string | null;
      total_tickets: number;
      total_listings: number;
      available: boolean;
    }>(
      `SELECT s.scrape_key AS scrape, x.zone, x.section, x.${p}lowest_price AS lowest_price, x.${p}average_price AS average_price, x.${p}highest_price AS highest_price, x.${p}lowest_price_2 AS lowest_price_2, x.${p}lowest_price_4 AS lowest_price_4, x.total_tickets, x.total_listings, x.available
         FROM ticket_snapshots x JOIN scrapes s ON s.id = x.scrape_ref`,
    );
    const actual = new Map<string, Metrics>(
      snaps.rows.map((r) => [
        `${r.scrape}|${r.zone}|${r.section}`,
        {
          lowest: n(r.lowest_price),
          average: n(r.average_price),
          highest: n(r.highest_price),
          lowest2: n(r.lowest_price_2),
          lowest4: n(r.lowest_price_4),
          tickets: r.total_tickets,
          listings: r.total_listings,
          available: r.available,
        },
      ]),
    );
    assert.equal(snaps.rows.length, actual.size, 'one snapshot row per scrape, zone and section');
    assert.deepEqual(actual, expected);

    // Rollups: min of lowest, max of highest, sum/count of averages, min of group prices, peak/sum/count of tickets and listings.
    for (const level of ['hourly', 'daily'] as const) {
      const want = new Map<string, unknown>();
      const grouped = new Map<string, Metrics[]>();
      for (const z of zoneLevel) {
        const k = `${z.key}|${level === 'hourly' ? z.hour : z.day}`;
        grouped.set(k, [...(grouped.get(k) ?? []), z.m]);
      }
      const minOf = (xs: (number | null)[]): number | null =>
        xs.some((x) => x !== null) ? Math.min(...xs.filter((x): x is number => x !== null)) : null;
      for (const [k, ms] of grouped) {
        const avgs = ms.map((m) => m.average).filter((x): x is number => x !== null);
        want.set(k, {
          min: minOf(ms.map((m) => m.lowest)),
          max: ms.some((m) => m.highest !== null) ? Math.max(...ms.map((m) => m.highest ?? -Infinity)) : null,
          avgSumCents: avgs.length ? Math.round(avgs.reduce((a, b) => a + b, 0) * 100) : null,
          avgCount: avgs.length,
          min2: minOf(ms.map((m) => m.lowest2)),
          min4: minOf(ms.map((m) => m.lowest4)),
          ticketsMax: Math.max(...ms.map((m) => m.tickets)),
          ticketsSum: ms.reduce((a, m) => a + m.tickets, 0),
          listingsMax: Math.max(...ms.map((m) => m.listings)),
          listingsSum: ms.reduce((a, m) => a + m.listings, 0),
          samples: ms.length,
        });
      }
      const got = await t.db.query<{
        event_id: string;
        marketplace: string;
        zone: string;
        bucket: Date;
        min_price: string | null;
        max_price: string | null;
        avg_price_sum: string | null;
        avg_price_count: string;
        min_price_2: string | null;
        min_price_4: string | null;
        tickets_max: number;
        tickets_sum: string;
        listings_max: number;
        listings_sum: string;
        samples: string;
      }>(
        `SELECT event_id, marketplace, zone, bucket, ${p}min_price AS min_price, ${p}max_price AS max_price, ${p}avg_price_sum AS avg_price_sum,
                ${p}avg_price_count AS avg_price_count, ${p}min_price_2 AS min_price_2, ${p}min_price_4 AS min_price_4, tickets_max, tickets_sum,
                listings_max, listings_sum, samples FROM rollup_${level}`,
      );
      const have = new Map<string, unknown>(
        got.rows.map((r) => [
          `${r.event_id}|${r.marketplace}|${r.zone}|${r.bucket.getTime()}`,
          {
            min: n(r.min_price),
            max: n(r.max_price),
            avgSumCents: r.avg_price_sum === null ? null : Math.round(Number(r.avg_price_sum) * 100),
            avgCount: Number(r.avg_price_count),
            min2: n(r.min_price_2),
            min4: n(r.min_price_4),
            ticketsMax: r.tickets_max,
            ticketsSum: Number(r.tickets_sum),
            listingsMax: r.listings_max,
            listingsSum: Number(r.listings_sum),
            samples: Number(r.samples),
          },
        ]),
      );
      assert.deepEqual(have, want, `${level} rollup`);
    }
  }

  it('holds for random scrapes, including late data and re-runs', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(scrapeArb, { minLength: 1, maxLength: 8 }),
        fc.array(scrapeArb, { maxLength: 3 }),
        async (scrapes, late) => {
          run++;
          await t.db.query('TRUNCATE scrapes, listings, ticket_snapshots, rollup_hourly, rollup_daily, rollup_dirty');
          const persist = (s: (typeof scrapes)[number], i: number, tag: string) =>
            persistScrape(t.db, {
              scrapeId: `r${run}-${tag}${i}`,
              eventId: events[s.event]!,
              marketplace: s.marketplace,
              capturedAt: new Date(BASE + s.minute * 60_000),
              fetched: { kind: 'listings', listings: toListings(s.listings, `${tag}${i}`), skipped: [] },
            });
          for (const [i, s] of scrapes.entries()) await persist(s, i, 's');
          const window = { from: new Date(BASE), to: new Date(BASE + 3 * 86_400_000) };
          await rollupHourly(t.db, window);
          await rollupDaily(t.db, window);
          for (const basis of PRICE_BASES) await check(basis);
          // Late data, then rollups over a window that does not include it: the dirty marks must bring it in.
          for (const [i, s] of late.entries()) await persist(s, i, 'late');
          const elsewhere = { from: new Date(BASE - 86_400_000), to: new Date(BASE - 3_600_000) };
          await rollupHourly(t.db, elsewhere);
          await rollupDaily(t.db, elsewhere);
          for (const basis of PRICE_BASES) await check(basis);
          // Re-running the window changes nothing.
          await rollupHourly(t.db, window);
          await rollupDaily(t.db, window);
          for (const basis of PRICE_BASES) await check(basis);
        },
      ),
      { numRuns: 30, seed: 20260302 },
    );
  });
});
