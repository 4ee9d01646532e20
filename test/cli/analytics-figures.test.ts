import assert from 'node:assert/strict';
import { persistScrape } from '../../src/scrape/store';
import type { Db } from '../../src/db/pool';
import type { NormalizedListing, PriceSummary } from '../../src/domain/listing';
import { runCli } from '../helpers/cli';
import { createTestDatabase, describeLayouts, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';

/**
 * The analytics commands (prices, listings, sections, trend, availability) on a database holding
 * scrapes, in both storage layouts, as a table and as --json: every figure below is worked out by
 * hand from the captures in test/fixtures/marketplaces (the arithmetic is in the comments), never by
 * calling the code under test.
 *
 * Vivid Seats: test/fixtures/marketplaces/vividseats/listings.json (production 7310442, capacity 18200,
 * nine listings, 36 tickets). Zone = the name of the group its `c` names (510001 Courtside, 510002
 * Loge, 510003 Promenade), section = `sectionName`, `m` = splits, `p` = price, `aip` = all-in.
 *   #  listing        zone       section         row qty splits            p        aip
 *   1  VF3300101      Promenade  Promenade 316   Z   1   1                 180.00   216.00
 *   2  VB2840011873   Promenade  Promenade 323   Z   3   1,3               195.50   263.93
 *   3  VB2840011874   Promenade  Promenade 325   Z   2   2                 204.00   275.40
 *   4  VB2840011902   Promenade  Promenade 338   M   8   1,2,3,4,5,6,8     231.00   311.85
 *   5  VB2840011957   Promenade  Promenade 334   U   4   2,4               236.00   318.60
 *   6  VB2840012230   Loge       Loge 212        H   2   2                 750.00  1012.50
 *   7  VB2840013301   Courtside  Courtside 100B  A   2   2                8400.00 11340.00
 *   8  VB2840013388   Courtside  Courtside 119   G  11   1..11            5500.00  7425.00
 *   9  VB2840013390   Courtside  Courtside 118   G   3   3                8200.00 11070.00
 * Three scrapes of it: S1 two days ago at 10:00 UTC (all nine, as captured); S2 yesterday at 10:00
 * (#1 and #7 sold); S3 yesterday at 16:00 (#8 sold too, and #4 repriced 231.00 -> 219.00, all-in
 * 295.65). SeatGeek: test/fixtures/marketplaces/seatgeek/event.json's `stats`, yesterday at 10:00: a
 * summary (zone ALL) whose pre-fee lowest is `lowest_sg_base_price` 74, with 1284 listings
 * (`listing_count`), no ticket count and no pre-fee average or highest.
 */
const DAY = 86_400_000;
const today = Math.floor(Date.now() / DAY) * DAY; // UTC midnight
const S1_AT = new Date(today - 2 * DAY + 10 * 3_600_000);
const S2_AT = new Date(today - DAY + 10 * 3_600_000);
const S3_AT = new Date(today - DAY + 16 * 3_600_000);
const SG_AT = S2_AT;
const DAY_1 = new Date(today - 2 * DAY); // the daily bucket of S1
const DAY_2 = new Date(today - DAY); // the daily bucket of S2, S3 and SeatGeek's scrape

const listing = (
  listingId: string,
  zone: string,
  section: string,
  row: string,
  quantity: number,
  splits: number[],
  basePrice: number,
  allInPrice: number,
): NormalizedListing => ({
  listingId,
  zone,
  section,
  row,
  quantity,
  splits,
  basePrice,
  allInPrice,
  sellerNetProceeds: null,
  currency: 'USD',
});

const L1 = listing('VF3300101', 'Promenade', 'Promenade 316', 'Z', 1, [1], 180, 216);
const L2 = listing('VB2840011873', 'Promenade', 'Promenade 323', 'Z', 3, [1, 3], 195.5, 263.93);
const L3 = listing('VB2840011874', 'Promenade', 'Promenade 325', 'Z', 2, [2], 204, 275.4);
const L4 = listing('VB2840011902', 'Promenade', 'Promenade 338', 'M', 8, [1, 2, 3, 4, 5, 6, 8], 231, 311.85);
const L5 = listing('VB2840011957', 'Promenade', 'Promenade 334', 'U', 4, [2, 4], 236, 318.6);
const L6 = listing('VB2840012230', 'Loge', 'Loge 212', 'H', 2, [2], 750, 1012.5);
const L7 = listing('VB2840013301', 'Courtside', 'Courtside 100B', 'A', 2, [2], 8400, 11340);
const L8 = listing('VB2840013388', 'Courtside', 'Courtside 119', 'G', 11, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 5500, 7425);
const L9 = listing('VB2840013390', 'Courtside', 'Courtside 118', 'G', 3, [3], 8200, 11070);
const L4_REPRICED: NormalizedListing = { ...L4, basePrice: 219, allInPrice: 295.65 };

const SEATGEEK: PriceSummary = {
  lowest: 74,
  average: null,
  median: null,
  highest: null,
  listingCount: 1284,
  ticketCount: null,
  allInLowest: 98,
  allInAverage: 312,
  allInMedian: 241,
  allInHighest: 4650,
  currency: 'USD',
};

async function seed(db: Db): Promise<number> {
  const eventId = await createEvent(db, 'analytics-figures', {
    capacity: 18200,
    marketplaceIds: { vividseats: '7310442', seatgeek: '6417123' },
  });
  const scrapes: [string, Date, NormalizedListing[]][] = [
    ['s1', S1_AT, [L1, L2, L3, L4, L5, L6, L7, L8, L9]],
    ['s2', S2_AT, [L2, L3, L4, L5, L6, L8, L9]],
    ['s3', S3_AT, [L2, L3, L4_REPRICED, L5, L6, L9]],
  ];
  for (const [key, capturedAt, listings] of scrapes) {
    await persistScrape(db, {
      scrapeId: `figures/${key}/vividseats`,
      eventId,
      marketplace: 'vividseats',
      capturedAt,
      fetched: { kind: 'listings', listings, skipped: [] },
    });
  }
  await persistScrape(db, {
    scrapeId: 'figures/s2/seatgeek',
    eventId,
    marketplace: 'seatgeek',
    capturedAt: SG_AT,
    fetched: { kind: 'summary', summary: SEATGEEK, skipped: [] },
  });
  return eventId;
}

/**
 * A table of `renderTable` (header, a rule of dashes, rows) as records: cells are cut at the
 * columns the rule marks, so empty cells and right-aligned numbers read back as printed.
 */
function parseTable(stdout: string): Record<string, string>[] {
  const lines = stdout.split('\n');
  const ruleAt = lines.findIndex((l) => /^-+( +-+)*$/.test(l));
  assert.ok(ruleAt > 0, `no table in:\n${stdout}`);
  const spans = [...lines[ruleAt]!.matchAll(/-+/g)].map((m) => [m.index, m.index + m[0].length] as const);
  const cut = (line: string): string[] => spans.map(([a, b], i) => line.slice(a, i === spans.length - 1 ? undefined : b).trim());
  const headers = cut(lines[ruleAt - 1]!);
  return lines
    .slice(ruleAt + 1)
    .filter((l) => l.trim() !== '' && l !== '(none)')
    .map((l) => Object.fromEntries(cut(l).map((c, i) => [headers[i]!, c])));
}

/** Selected columns of each row, for comparison with hand-worked rows. */
const pick = (rows: Record<string, unknown>[], keys: string[]): Record<string, unknown>[] =>
  rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

/** How the table prints a time (output.ts formatCell): "2026-12-06 10:00:00Z". */
const printed = (d: Date): string =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');

/** A figure as the table prints it (output.ts formatCell): integers bare, else two decimals; null empty. */
const cell = (v: unknown): string =>
  v === null || v === undefined
    ? ''
    : v instanceof Date
      ? printed(v)
      : typeof v === 'number'
        ? Number.isInteger(v)
          ? String(v)
          : v.toFixed(2)
        : String(v);
const asTable = (rows: Record<string, unknown>[]): Record<string, string>[] =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cell(v)])));
/** The same rows as --json prints them (dates as ISO strings). */
const asJson = (rows: Record<string, unknown>[]): Record<string, unknown>[] =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])));

describeLayouts('analytics commands on scrapes with hand-worked figures', ({ layout, it, before, after }) => {
  let t: TestDatabase;
  let event: string;
  before(async () => {
    t = await createTestDatabase({ layout });
    event = `id:${await seed(t.db)}`;
  });
  after(async () => t?.drop());

  const run = async (args: string[]): Promise<string> => {
    const r = await runCli(args, { DATABASE_URL: t.url, LOG_LEVEL: 'warn', PATH: process.env.PATH ?? '' });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** The command's table (selected columns, by header) and its --json rows (selected keys). */
  const both = async (
    args: string[],
    columns: Record<string, string>,
  ): Promise<{ table: Record<string, string | undefined>[]; json: Record<string, unknown>[] }> => {
    const table = parseTable(await run([...args, event]));
    const json = JSON.parse(await run([...args, event, '--json'])) as Record<string, unknown>[];
    return {
      table: table.map((r) => Object.fromEntries(Object.entries(columns).map(([key, header]) => [key, r[header]]))),
      json: pick(json, Object.keys(columns)),
    };
  };

  it('prices: the latest scrape of each marketplace, per zone, figure by figure', async () => {
    // Latest scrapes: SeatGeek's only one, Vivid Seats' S3 (#2 195.50, #3 204, #4 219, #5 236, #6 750, #9 8200).
    const expected = [
      // SeatGeek's summary: pre-fee lowest 74 only; 1284 listings, tickets unknown; nothing for 2 or 4.
      {
        zone: 'ALL',
        source: 'seatgeek',
        lowest: 74,
        average: null,
        highest: null,
        lowest2: null,
        lowest4: null,
        tickets: null,
        listings: 1284,
        currency: 'USD',
        capturedAt: SG_AT,
        mark: null,
      },
      // Whole event: lowest 195.50, highest 8200; average (195.50+204+219+236+750+8200)/6 = 9804.50/6 = 1634.083 -> 1634.08;
      // for 2: #3 2x204 = 408 (#4 438, #5 472, #6 1500; #2 splits 1,3 and #9 splits 3 cannot sell 2);
      // for 4: #4 4x219 = 876 (#5 944); tickets 3+2+8+4+2+3 = 22; listings 6.
      {
        zone: 'ALL',
        source: 'vividseats',
        lowest: 195.5,
        average: 1634.08,
        highest: 8200,
        lowest2: 408,
        lowest4: 876,
        tickets: 22,
        listings: 6,
        currency: 'USD',
        capturedAt: S3_AT,
        mark: null,
      },
      // Courtside: #9 alone (8200, 3 tickets, splits 3: neither 2 nor 4 together).
      {
        zone: 'Courtside',
        source: 'vividseats',
        lowest: 8200,
        average: 8200,
        highest: 8200,
        lowest2: null,
        lowest4: null,
        tickets: 3,
        listings: 1,
        currency: 'USD',
        capturedAt: S3_AT,
        mark: null,
      },
      // Loge: #6 alone (750, 2 tickets in a pair: 1500 for 2).
      {
        zone: 'Loge',
        source: 'vividseats',
        lowest: 750,
        average: 750,
        highest: 750,
        lowest2: 1500,
        lowest4: null,
        tickets: 2,
        listings: 1,
        currency: 'USD',
        capturedAt: S3_AT,
        mark: null,
      },
      // Promenade: #2 #3 #4 #5: average (195.50+204+219+236)/4 = 854.50/4 = 213.625 -> 213.63 (half a cent up);
      // for 2 408 (#3), for 4 876 (#4); tickets 3+2+8+4 = 17.
      {
        zone: 'Promenade',
        source: 'vividseats',
        lowest: 195.5,
        average: 213.63,
        highest: 236,
        lowest2: 408,
        lowest4: 876,
        tickets: 17,
        listings: 4,
        currency: 'USD',
        capturedAt: S3_AT,
        mark: null,
      },
    ];
    // Hand-worked on the base basis (before fees); the all-in test below.
    const got = await both(['prices', '--basis', 'base'], {
      zone: 'zone',
      source: 'marketplace',
      lowest: 'lowest before fees',
      average: 'average before fees',
      highest: 'highest before fees',
      lowest2: 'for 2 before fees',
      lowest4: 'for 4 before fees',
      tickets: 'tickets',
      listings: 'listings',
      currency: 'cur',
      capturedAt: 'captured',
      mark: 'mark',
    });
    assert.deepEqual(got.json, asJson(expected), `[${layout}] prices --json`);
    assert.deepEqual(got.table, asTable(expected), `[${layout}] prices`);
  });

  it('prices all in by default: the same scrapes on the all-in basis, named in the headers', async () => {
    // SeatGeek's summary: lowest_price 98, average_price 312, highest_price 4650 (fees included).
    // Vivid Seats' S3 all-in (allInPricePerTicket): #2 263.93, #3 275.40, #4 295.65, #5 318.60, #6 1012.50, #9 11070.00:
    // lowest 263.93, highest 11070; for 2: #3 2 x 275.40 = 550.80; for 4: #4 4 x 295.65 = 1182.60.
    const table = parseTable(await run(['prices', event]));
    const row = (zone: string, source: string) => table.find((r) => r.zone === zone && r.marketplace === source)!;
    assert.ok(Object.keys(table[0]!).includes('lowest all-in'), 'the header names the basis');
    assert.deepEqual(
      [row('ALL', 'seatgeek')['lowest all-in'], row('ALL', 'seatgeek')['average all-in'], row('ALL', 'seatgeek')['highest all-in']],
      ['98', '312', '4650'],
    );
    const vs = row('ALL', 'vividseats');
    assert.deepEqual(
      [vs['lowest all-in'], vs['highest all-in'], vs['for 2 all-in'], vs['for 4 all-in']],
      ['263.93', '11070', '550.80', '1182.60'],
    );
    const json = JSON.parse(await run(['prices', event, '--json'])) as { basis: string; lowest: number }[];
    assert.ok(json.every((r) => r.basis === 'all-in'));
  });

  it('listings: the latest scrape of each marketplace, cheapest first, and --limit keeps the cheapest', async () => {
    // Vivid Seats' S3 by price; SeatGeek gives no listings.
    const expected = [
      {
        source: 'vividseats',
        zone: 'Promenade',
        section: 'Promenade 323',
        row: 'Z',
        quantity: 3,
        splits: [1, 3],
        basePrice: 195.5,
        allInPrice: 263.93,
        currency: 'USD',
        listingId: 'VB2840011873',
        capturedAt: S3_AT,
      },
      {
        source: 'vividseats',
        zone: 'Promenade',
        section: 'Promenade 325',
        row: 'Z',
        quantity: 2,
        splits: [2],
        basePrice: 204,
        allInPrice: 275.4,
        currency: 'USD',
        listingId: 'VB2840011874',
        capturedAt: S3_AT,
      },
      {
        source: 'vividseats',
        zone: 'Promenade',
        section: 'Promenade 338',
        row: 'M',
        quantity: 8,
        splits: [1, 2, 3, 4, 5, 6, 8],
        basePrice: 219,
        allInPrice: 295.65,
        currency: 'USD',
        listingId: 'VB2840011902',
        capturedAt: S3_AT,
      },
      {
        source: 'vividseats',
        zone: 'Promenade',
        section: 'Promenade 334',
        row: 'U',
        quantity: 4,
        splits: [2, 4],
        basePrice: 236,
        allInPrice: 318.6,
        currency: 'USD',
        listingId: 'VB2840011957',
        capturedAt: S3_AT,
      },
      {
        source: 'vividseats',
        zone: 'Loge',
        section: 'Loge 212',
        row: 'H',
        quantity: 2,
        splits: [2],
        basePrice: 750,
        allInPrice: 1012.5,
        currency: 'USD',
        listingId: 'VB2840012230',
        capturedAt: S3_AT,
      },
      {
        source: 'vividseats',
        zone: 'Courtside',
        section: 'Courtside 118',
        row: 'G',
        quantity: 3,
        splits: [3],
        basePrice: 8200,
        allInPrice: 11070,
        currency: 'USD',
        listingId: 'VB2840013390',
        capturedAt: S3_AT,
      },
    ];
    const columns = {
      source: 'marketplace',
      zone: 'zone',
      section: 'section',
      row: 'row',
      quantity: 'qty',
      splits: 'splits',
      basePrice: 'before fees',
      allInPrice: 'all-in',
      currency: 'cur',
      listingId: 'listing',
      capturedAt: 'captured',
    };
    const got = await both(['listings', '--basis', 'base'], columns);
    assert.deepEqual(got.json, asJson(expected), `[${layout}] listings --json`);
    assert.deepEqual(got.table, asTable(expected.map((r) => ({ ...r, splits: r.splits.join(',') }))), `[${layout}] listings`);
    const two = await both(['listings', '--limit', '2', '--basis', 'base'], columns);
    assert.deepEqual(two.json, asJson(expected.slice(0, 2)), `[${layout}] listings --limit 2 --json`);
  });

  it('sections: per section over the period, lowest, latest, average, highest and together prices', async () => {
    // Over S1, S2 and S3 (all within --days 7). A section's figures in one scrape are its listing's own.
    const expected = [
      // #7, in S1 only (sold before S2): 8400; a pair sells for 2x8400 = 16800; 2 tickets.
      {
        zone: 'Courtside',
        section: 'Courtside 100B',
        source: 'vividseats',
        lowest: 8400,
        latestLowest: 8400,
        average: 8400,
        highest: 8400,
        lowest2: 16800,
        lowest4: null,
        latestTickets: 2,
        samples: 1,
        lastSeen: S1_AT,
      },
      // #9 in S1, S2, S3 at 8200; splits 3 only.
      {
        zone: 'Courtside',
        section: 'Courtside 118',
        source: 'vividseats',
        lowest: 8200,
        latestLowest: 8200,
        average: 8200,
        highest: 8200,
        lowest2: null,
        lowest4: null,
        latestTickets: 3,
        samples: 3,
        lastSeen: S3_AT,
      },
      // #8 in S1 and S2 (sold before S3): 5500; for 2: 11000, for 4: 22000 (any split of 11).
      {
        zone: 'Courtside',
        section: 'Courtside 119',
        source: 'vividseats',
        lowest: 5500,
        latestLowest: 5500,
        average: 5500,
        highest: 5500,
        lowest2: 11000,
        lowest4: 22000,
        latestTickets: 11,
        samples: 2,
        lastSeen: S2_AT,
      },
      {
        zone: 'Loge',
        section: 'Loge 212',
        source: 'vividseats',
        lowest: 750,
        latestLowest: 750,
        average: 750,
        highest: 750,
        lowest2: 1500,
        lowest4: null,
        latestTickets: 2,
        samples: 3,
        lastSeen: S3_AT,
      },
      // #1, S1 only: one ticket, so nothing together.
      {
        zone: 'Promenade',
        section: 'Promenade 316',
        source: 'vividseats',
        lowest: 180,
        latestLowest: 180,
        average: 180,
        highest: 180,
        lowest2: null,
        lowest4: null,
        latestTickets: 1,
        samples: 1,
        lastSeen: S1_AT,
      },
      // #2: splits 1 and 3, never 2 or 4.
      {
        zone: 'Promenade',
        section: 'Promenade 323',
        source: 'vividseats',
        lowest: 195.5,
        latestLowest: 195.5,
        average: 195.5,
        highest: 195.5,
        lowest2: null,
        lowest4: null,
        latestTickets: 3,
        samples: 3,
        lastSeen: S3_AT,
      },
      {
        zone: 'Promenade',
        section: 'Promenade 325',
        source: 'vividseats',
        lowest: 204,
        latestLowest: 204,
        average: 204,
        highest: 204,
        lowest2: 408,
        lowest4: null,
        latestTickets: 2,
        samples: 3,
        lastSeen: S3_AT,
      },
      // #5: 2x236 = 472, 4x236 = 944.
      {
        zone: 'Promenade',
        section: 'Promenade 334',
        source: 'vividseats',
        lowest: 236,
        latestLowest: 236,
        average: 236,
        highest: 236,
        lowest2: 472,
        lowest4: 944,
        latestTickets: 4,
        samples: 3,
        lastSeen: S3_AT,
      },
      // #4: 231, 231, then 219: lowest 219 (latest too), average (231+231+219)/3 = 681/3 = 227, highest 231;
      // for 2 min(462, 462, 438) = 438; for 4 min(924, 924, 876) = 876.
      {
        zone: 'Promenade',
        section: 'Promenade 338',
        source: 'vividseats',
        lowest: 219,
        latestLowest: 219,
        average: 227,
        highest: 231,
        lowest2: 438,
        lowest4: 876,
        latestTickets: 8,
        samples: 3,
        lastSeen: S3_AT,
      },
    ];
    const got = await both(['sections', '--basis', 'base'], {
      zone: 'zone',
      section: 'section',
      source: 'marketplace',
      lowest: 'lowest before fees',
      latestLowest: 'latest before fees',
      average: 'average before fees',
      highest: 'highest before fees',
      lowest2: 'for 2 before fees',
      lowest4: 'for 4 before fees',
      latestTickets: 'tickets',
      samples: 'samples',
      lastSeen: 'last seen',
    });
    assert.deepEqual(got.json, asJson(expected), `[${layout}] sections --json`);
    assert.deepEqual(got.table, asTable(expected), `[${layout}] sections`);
  });

  it("trend: the first and the last scrape's lowest per marketplace, change, percent and direction, per group size", async () => {
    const columns = {
      source: 'marketplace',
      firstAt: 'first at',
      first: 'first before fees',
      lastAt: 'last at',
      last: 'last before fees',
      change: 'change',
      percentChange: '%',
      direction: 'direction',
      points: 'points',
    };
    const check = async (given: string[], expected: Record<string, unknown>[], series: Record<string, unknown>[]): Promise<void> => {
      // Hand-worked before fees.
      const args = [...given, '--basis', 'base'];
      const table = parseTable(await run(['trend', event, ...args]));
      assert.deepEqual(
        table.map((r) => Object.fromEntries(Object.entries(columns).map(([k, h]) => [k, r[h]]))),
        asTable(expected),
        `[${layout}] trend ${args.join(' ')}`,
      );
      assert.ok(table.every((r) => r.zone === 'ALL' && r.of === 'first and last scrape'));
      const json = JSON.parse(await run(['trend', event, ...args, '--json'])) as {
        zone: string;
        lines: Record<string, unknown>[];
        series: Record<string, unknown>[];
      };
      assert.equal(json.zone, 'ALL');
      assert.deepEqual(pick(json.lines, Object.keys(columns)), asJson(expected), `[${layout}] trend ${args.join(' ')} --json`);
      assert.deepEqual(
        pick(json.series, ['bucket', 'source', 'lowest']),
        asJson(series),
        `[${layout}] trend ${args.join(' ')} --json series`,
      );
    };
    // Per ticket, whole event: Vivid Seats from S1's 180 (#1) to S3's 195.50 (#2, #1 sold): +15.50,
    // 15.50/180 = 8.611 % -> 8.61, up, in 2 daily buckets; SeatGeek one scrape, 74 to 74: flat.
    await check(
      [],
      [
        {
          source: 'seatgeek',
          firstAt: SG_AT,
          first: 74,
          lastAt: SG_AT,
          last: 74,
          change: 0,
          percentChange: 0,
          direction: 'flat',
          points: 1,
        },
        {
          source: 'vividseats',
          firstAt: S1_AT,
          first: 180,
          lastAt: S3_AT,
          last: 195.5,
          change: 15.5,
          percentChange: 8.61,
          direction: 'up',
          points: 2,
        },
      ],
      // Lowest per day: S1 180; S2 and S3 both 195.50; SeatGeek 74.
      [
        { bucket: DAY_1, source: 'vividseats', lowest: 180 },
        { bucket: DAY_2, source: 'seatgeek', lowest: 74 },
        { bucket: DAY_2, source: 'vividseats', lowest: 195.5 },
      ],
    );
    // Four together: S1 4x231 = 924 (#4; #5 944, #8 22000) to S3 4x219 = 876: -48, -48/924 = -5.195 % -> -5.19,
    // down; SeatGeek gives no group prices: its day is in the series with no lowest, and it has no line.
    // Per day: S1 924; S2 924 and S3 876 -> 876.
    await check(
      ['--quantity', '4'],
      [
        {
          source: 'vividseats',
          firstAt: S1_AT,
          first: 924,
          lastAt: S3_AT,
          last: 876,
          change: -48,
          percentChange: -5.19,
          direction: 'down',
          points: 2,
        },
      ],
      [
        { bucket: DAY_1, source: 'vividseats', lowest: 924 },
        { bucket: DAY_2, source: 'seatgeek', lowest: null },
        { bucket: DAY_2, source: 'vividseats', lowest: 876 },
      ],
    );
  });

  it('availability: tickets and listings per day and marketplace, and the share of capacity', async () => {
    const expected = [
      // S1: 36 tickets (1+3+2+8+4+2+2+11+3), 9 listings; 36/18200 = 0.198 % -> 0.20.
      {
        bucket: DAY_1,
        source: 'vividseats',
        ticketsAverage: 36,
        ticketsPeak: 36,
        listingsAverage: 9,
        listingsPeak: 9,
        shareOfCapacityPct: 0.2,
      },
      // SeatGeek: 1284 listings, tickets unknown, so no share either.
      {
        bucket: DAY_2,
        source: 'seatgeek',
        ticketsAverage: null,
        ticketsPeak: null,
        listingsAverage: 1284,
        listingsPeak: 1284,
        shareOfCapacityPct: null,
      },
      // S2: 36-1-2 = 33 tickets, 7 listings; S3: 33-11 = 22 tickets, 6 listings. Average (33+22)/2 = 27.5,
      // peak 33; listings (7+6)/2 = 6.5, peak 7; 27.5/18200 = 0.151 % -> 0.15.
      {
        bucket: DAY_2,
        source: 'vividseats',
        ticketsAverage: 27.5,
        ticketsPeak: 33,
        listingsAverage: 6.5,
        listingsPeak: 7,
        shareOfCapacityPct: 0.15,
      },
    ];
    const got = await both(['availability'], {
      bucket: 'bucket',
      source: 'marketplace',
      ticketsAverage: 'tickets avg',
      ticketsPeak: 'tickets peak',
      listingsAverage: 'listings avg',
      listingsPeak: 'listings peak',
      shareOfCapacityPct: '% of capacity',
    });
    assert.deepEqual(got.json, asJson(expected), `[${layout}] availability --json`);
    assert.deepEqual(got.table, asTable(expected), `[${layout}] availability`);
  });
});
