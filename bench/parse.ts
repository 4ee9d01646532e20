import { generateEvent, marketAt } from '../src/mock-marketplace/generator';
import { stubHubCompListings } from '../src/marketplaces/stubhub/mock';
import { vividSeatsListings } from '../src/marketplaces/vividseats/mock';
import { parseStubHubCompListings } from '../src/marketplaces/stubhub/adapter';
import { parseVividSeatsListings } from '../src/marketplaces/vividseats/adapter';
import { median, round, timeRuns, type Benchmark } from './harness';

const LISTINGS = 10_000;
/** The median this benchmark printed on the earlier, invented Vivid Seats shape (docs/benchmarks.md). */
const PREVIOUS_MS_MEDIAN = 10.7;

/** A Vivid Seats payload of exactly `n` tickets, built from the mock market (real format, strings). */
function vividPayload(n: number): unknown {
  const event = generateEvent(42, 'bench', Date.UTC(2026, 0, 5));
  const market = marketAt(event, event.startsAt - 30 * 86_400_000, 'vividseats');
  const base = vividSeatsListings(event, market) as { tickets: Record<string, unknown>[] };
  const tickets = Array.from({ length: n }, (_, i) => ({ ...base.tickets[i % base.tickets.length]!, i: String(8_000_000_000 + i) }));
  // Parse from JSON text each run, as a response body would be: the bench measures normalization only.
  return JSON.stringify({ ...base, tickets });
}

function stubHubPayload(n: number): string {
  const event = generateEvent(42, 'bench', Date.UTC(2026, 0, 5));
  const market = marketAt(event, event.startsAt - 30 * 86_400_000, 'stubhub');
  const base = stubHubCompListings(event, market) as Record<string, unknown>[];
  return JSON.stringify(Array.from({ length: n }, (_, i) => ({ ...base[i % base.length]!, listingId: 9_000_000_000 + i })));
}

/** Parsing and normalizing 10,000 listings (target: under 20 ms median). */
export const benchmark: Benchmark = {
  name: 'parse',
  description: `validate and normalize ${LISTINGS.toLocaleString('en-US')} listings (Vivid Seats format; StubHub Pro alongside)`,
  async run() {
    const vivid = vividPayload(LISTINGS) as string;
    const stubhub = stubHubPayload(LISTINGS);
    const vividObjects = Array.from({ length: 25 }, () => JSON.parse(vivid) as unknown);
    const stubObjects = Array.from({ length: 25 }, () => JSON.parse(stubhub) as unknown);
    let count = 0;
    const runs = await timeRuns(
      20,
      async (i) => {
        const r = parseVividSeatsListings(vividObjects[(i + 25) % 25]);
        if (r.kind === 'listings') count = r.listings.length;
      },
      5,
    );
    const shRuns = await timeRuns(
      20,
      async (i) => {
        parseStubHubCompListings(stubObjects[(i + 25) % 25]);
      },
      5,
    );
    if (count !== LISTINGS) throw new Error(`expected ${LISTINGS} listings, normalized ${count}`);
    return {
      listings: count,
      ms_median: round(median(runs), 2),
      ms_min: round(Math.min(...runs), 2),
      stubhub_ms_median: round(median(shRuns), 2),
      // Before the real Vivid Seats key layout (zone c, splits m, long-form duplicates): 10.7 ms.
      previous_ms_median: PREVIOUS_MS_MEDIAN,
      target_ms: 20,
    };
  },
};
