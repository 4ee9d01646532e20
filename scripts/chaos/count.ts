/**
 * The chaos suite's arithmetic, without I/O: what each cycle should have stored against what the
 * database holds, and the request rate each marketplace saw against its configured rate.
 */
import type { MarketplaceName } from '../../src/domain/listing';
import type { MockRequestLogEntry } from '../../src/mock-marketplace';

/** One cycle the suite ran (a `scrapeEvents` workflow over every due event, or one cycle of the tracker loop). */
export interface CycleRecord {
  /** Workflow id of the cycle (`chaos-cycle-N`, or the tracker's): the first segment of its cycle id and scrape keys. */
  workflowId: string;
  /**
   * A tracker loop's cycle: its start time, the second segment of its cycle id, since every cycle
   * of the loop has the same workflow id. Absent for a one-off cycle, whose workflow id is its
   * own: there a second start time is the same cycle started twice (its scrapes are duplicates).
   */
  startedAt?: string;
  /** (event id, marketplace) pairs the cycle had to scrape. */
  expected: { eventId: number; marketplace: MarketplaceName }[];
  /** Marketplaces the suite injected marketplace faults into while this cycle ran (not "healthy"). */
  faulted: MarketplaceName[];
  completed: boolean;
}

/** One row of `scrapes` with what the listings table holds for it. */
export interface StoredScrape {
  scrapeKey: string;
  eventId: number;
  marketplace: MarketplaceName;
  /** scrapes.listings_stored */
  listingsStored: number;
  /** Rows in `listings` carrying this scrape's id. */
  listingRows: number;
  /** Distinct listing ids among those rows. */
  distinctListingIds: number;
  /** scrapes.listings_rejected (invalid or malformed items of the payload). */
  listingsRejected: number;
  /** Listings the mock served in the answer this scrape stored (null for price summaries, or when no answer matched). */
  served: number | null;
}

export interface ScrapeTally {
  cycles: number;
  scrapesExpected: number;
  scrapesStored: number;
  /** Expected scrapes of a healthy marketplace with no stored scrape. */
  scrapesMissing: number;
  /** Expected scrapes of a marketplace under injected faults with no stored scrape (allowed). */
  scrapesMissingFaulted: number;
  /** (cycle, event, marketplace) stored more than once, plus scrapes whose listing rows repeat. */
  scrapesDuplicated: number;
  /** Listing rows beyond one per listing id in a scrape, or beyond the scrape's own count. */
  listingsDuplicated: number;
  /** Over scrapes of listings (not price summaries) whose answer was found in the request log. */
  listingsStored: number;
  listingsRejected: number;
  listingsServed: number;
  /** Examples of what was missing or doubled ("cycle/event/marketplace: why"), at most 10. */
  examples: string[];
}

/** Splits a scrape key (`<workflow id>/<started at>/<event>/<marketplace>`) into its cycle and pair. */
export function parseScrapeKey(key: string): { workflowId: string; startedAt: string; eventId: number; marketplace: string } | null {
  const parts = key.split('/');
  if (parts.length < 4) return null;
  const marketplace = parts[parts.length - 1]!;
  const eventId = Number(parts[parts.length - 2]);
  if (!Number.isInteger(eventId)) return null;
  return { workflowId: parts[0]!, startedAt: parts.slice(1, -2).join('/'), eventId, marketplace };
}

/** The cycle a record or a scrape belongs to: the workflow id, plus the start time for a tracker's cycles. */
function cycleKey(workflowId: string, startedAt: string | undefined): string {
  return startedAt === undefined ? workflowId : `${workflowId}/${startedAt}`;
}

/**
 * Per cycle, the expected (event, marketplace) scrapes against the stored ones. A pair is stored
 * once (fine), missing (counted as `scrapesMissing` unless its marketplace was under injected
 * faults in that cycle), or stored more than once (`scrapesDuplicated`, whatever the faults).
 */
export function tallyScrapes(cycles: readonly CycleRecord[], stored: readonly StoredScrape[]): ScrapeTally {
  const trackers = new Set(cycles.filter((c) => c.startedAt !== undefined).map((c) => c.workflowId));
  const byPair = new Map<string, StoredScrape[]>();
  for (const s of stored) {
    const k = parseScrapeKey(s.scrapeKey);
    if (!k) continue;
    const key = `${cycleKey(k.workflowId, trackers.has(k.workflowId) ? k.startedAt : undefined)}|${k.eventId}/${k.marketplace}`;
    byPair.set(key, [...(byPair.get(key) ?? []), s]);
  }
  const t: ScrapeTally = {
    cycles: 0,
    scrapesExpected: 0,
    scrapesStored: 0,
    scrapesMissing: 0,
    scrapesMissingFaulted: 0,
    scrapesDuplicated: 0,
    listingsDuplicated: 0,
    listingsStored: 0,
    listingsRejected: 0,
    listingsServed: 0,
    examples: [],
  };
  const note = (line: string): void => void (t.examples.length < 10 && t.examples.push(line));
  const ours = new Set(cycles.map((c) => c.workflowId));
  const name = (key: string): string => key.replace('|', '/');
  for (const c of cycles) {
    if (!c.completed) continue;
    t.cycles++;
    const faulted = new Set(c.faulted);
    for (const { eventId, marketplace } of c.expected) {
      t.scrapesExpected++;
      const pair = `${cycleKey(c.workflowId, c.startedAt)}|${eventId}/${marketplace}`;
      const rows = byPair.get(pair) ?? [];
      if (rows.length === 0) {
        if (faulted.has(marketplace)) t.scrapesMissingFaulted++;
        else {
          t.scrapesMissing++;
          note(`${name(pair)}: missing`);
        }
      }
    }
  }
  // Duplicates are counted over every stored scrape of the suite's cycles, completed or not.
  for (const [pair, rows] of byPair) {
    if (!ours.has(pair.split('/')[0]!.split('|')[0]!)) continue;
    t.scrapesStored += 1;
    if (rows.length > 1) {
      t.scrapesDuplicated += rows.length - 1;
      note(`${name(pair)}: stored ${rows.length} times`);
    }
    for (const r of rows) {
      if (r.served !== null) {
        t.listingsStored += r.listingsStored;
        t.listingsRejected += r.listingsRejected;
        t.listingsServed += r.served;
      }
      const extra = Math.max(r.listingRows - r.distinctListingIds, r.listingRows - r.listingsStored, 0);
      if (extra > 0) {
        t.listingsDuplicated += extra;
        note(`${r.scrapeKey}: ${r.listingRows} listing rows for ${r.distinctListingIds} ids (${r.listingsStored} counted)`);
      }
    }
  }
  return t;
}

/**
 * The largest number of requests one marketplace received within any window of `windowMs`
 * (sliding: every request starts a window), divided by what its rate allows in that window.
 * Only requests the mock answered count (a connection cut before an answer is still a request).
 */
export function maxRateRatio(
  requests: readonly Pick<MockRequestLogEntry, 'at' | 'marketplace'>[],
  ratePerSecond: Readonly<Record<string, number>>,
  windowMs = 1000,
): { overall: number; byMarketplace: Record<string, { maxInWindow: number; allowed: number; ratio: number }> } {
  const times = new Map<string, number[]>();
  for (const r of requests) times.set(r.marketplace, [...(times.get(r.marketplace) ?? []), r.at]);
  const byMarketplace: Record<string, { maxInWindow: number; allowed: number; ratio: number }> = {};
  let overall = 0;
  for (const [marketplace, list] of times) {
    const rate = ratePerSecond[marketplace];
    if (rate === undefined || rate <= 0) throw new Error(`no configured rate for marketplace "${marketplace}"`);
    const sorted = [...list].sort((a, b) => a - b);
    let max = 0;
    let lo = 0;
    for (let hi = 0; hi < sorted.length; hi++) {
      while (sorted[hi]! - sorted[lo]! >= windowMs) lo++;
      max = Math.max(max, hi - lo + 1);
    }
    const allowed = (rate * windowMs) / 1000;
    const ratio = Math.round((max / allowed) * 1000) / 1000;
    byMarketplace[marketplace] = { maxInWindow: max, allowed, ratio };
    overall = Math.max(overall, ratio);
  }
  return { overall, byMarketplace };
}

/**
 * Listings the mock served in the answer a scrape stored: the last 200 answer for the same
 * marketplace and marketplace event id at or before the scrape was captured.
 */
export function servedFor(
  requests: readonly MockRequestLogEntry[],
  marketplace: string,
  marketplaceEventId: string,
  capturedAtMs: number,
): number | null {
  let best: MockRequestLogEntry | null = null;
  for (const r of requests) {
    if (r.marketplace !== marketplace || r.eventId !== marketplaceEventId || r.status !== 200 || r.at > capturedAtMs) continue;
    if (!best || r.at > best.at) best = r;
  }
  return best ? best.items : null;
}
