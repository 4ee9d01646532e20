import { z } from 'zod';
import type { FetchedPrices, SkippedRecord } from '../../domain/listing';
import type { MarketplaceHttp } from '../http';
import { idish, isObject, normalizeSummary, parseEnvelope, similarKeys } from '../payload';
import { withShapeContext } from '../shape-context';
import type { MarketplaceAdapter } from '../adapter';
import type { MarketplaceIo } from '../io';

/**
 * SeatGeek Platform API v2, `GET /2/events/ID?client_id=...`: the event's `stats`; no listings.
 * Prices are in US dollars. Real captures (test/fixtures/marketplaces/README.md) always carry `stats`
 * and in it `lowest_price`, `average_price`, `highest_price` and `listing_count` (null when
 * SeatGeek has no figure); `median_price` and `lowest_sg_base_price` appear in newer ones.
 *
 * Meaning: `lowest_sg_base_price` is the lowest price before SeatGeek's fees (the field exists
 * because `lowest_price` beside it includes them: 141 vs 187 in the capture), so it is `lowest`;
 * `lowest_price`, `average_price`, `median_price` and `highest_price` are fee-inclusive (SeatGeek
 * shows all-in prices; public clients note "price: Includes fees") and are the all-in figures.
 * SeatGeek gives no pre-fee average, median or highest: those stay null. A price figure of 0 (an
 * event without listings: `listing_count` 0 beside `highest_price` 0) is SeatGeek's "no figure":
 * null, recorded as not given, never a skipped figure that would make the scrape format drift.
 * SeatGeek states no event status (a cancelled event is a 404; seatgeek/api-support issue 52).
 */
export const SEATGEEK_EVENT_PATH = '/2/events/';

const figure = z.number().nullish();
const statsSchema = z.object({
  lowest_price: figure,
  lowest_sg_base_price: figure,
  average_price: figure,
  median_price: figure,
  highest_price: figure,
  listing_count: figure,
  visible_listing_count: figure,
});
const eventSchema = z.object({ id: idish, stats: statsSchema.nullish() });

/** Keys of `stats` every real capture carries (null when there is no figure). */
const ALWAYS_IN_STATS = ['lowest_price', 'average_price', 'highest_price', 'listing_count'] as const;

/** Pure: a SeatGeek event payload -> a price summary; a missing `stats` or stats field is format drift. */
export function parseSeatGeekEvent(payload: unknown): FetchedPrices {
  const event = parseEnvelope(eventSchema, payload, {
    expected: 'a SeatGeek event object (GET /2/events/ID: {id, stats, ...})',
    wrappers: [
      { key: 'events', what: 'a search response (GET /2/events) with `events`; save one event, or give its id to `marketplaces probe`' },
    ],
  });
  const missing: SkippedRecord[] = [];
  if (!isObject(payload) || !('stats' in payload)) {
    missing.push({ path: 'stats', reason: `every SeatGeek event carries stats${similarKeys(payload, 'stats')}` });
  } else if (event.stats) {
    const raw = (payload as { stats: object }).stats;
    for (const key of ALWAYS_IN_STATS) {
      if (!(key in raw))
        missing.push({
          path: `stats.${key}`,
          reason: `every SeatGeek stats object carries ${key} (null when there is no figure)${similarKeys(raw, key)}`,
        });
    }
  }
  const s = event.stats ?? {};
  const result = normalizeSummary(
    {
      lowest: { value: s.lowest_sg_base_price, path: 'stats.lowest_sg_base_price' },
      average: { value: null, path: '' },
      median: { value: null, path: '' },
      highest: { value: null, path: '' },
      allInLowest: { value: s.lowest_price, path: 'stats.lowest_price' },
      allInAverage: { value: s.average_price, path: 'stats.average_price' },
      allInMedian: { value: s.median_price, path: 'stats.median_price' },
      allInHighest: { value: s.highest_price, path: 'stats.highest_price' },
      listingCount: { value: s.listing_count ?? s.visible_listing_count, path: 'stats.listing_count' },
      ticketCount: { value: null, path: '' },
    },
    { value: 'USD', path: '' },
    typeof s.listing_count === 'number' && s.listing_count > 0
      ? `SeatGeek writes 0 for a price figure it does not show (this event has ${s.listing_count} listings: the figure is hidden, not a price of 0)`
      : 'SeatGeek writes 0 for a price figure it does not have (an event without listings)',
  );
  // Figures given: a 0 is SeatGeek's "no figure" (recorded as not given), so it is not counted as one.
  const given = [s.lowest_sg_base_price, s.lowest_price, s.average_price, s.median_price, s.highest_price].filter(
    (v) => v !== null && v !== undefined && v !== 0,
  ).length;
  return { ...result, items: given, ...(missing.length > 0 ? { missing } : {}) };
}

export interface SeatGeekAdapterOptions {
  http: MarketplaceHttp;
  clientId: string;
  clientSecret?: string | undefined;
}

export function createSeatGeekAdapter({ http, clientId, clientSecret }: SeatGeekAdapterOptions): MarketplaceAdapter {
  const fetchPayload = (eventId: string, signal?: AbortSignal): Promise<unknown> => {
    const query = new URLSearchParams({ client_id: clientId });
    if (clientSecret) query.set('client_secret', clientSecret);
    return http.json(eventId, { path: `${SEATGEEK_EVENT_PATH}${encodeURIComponent(eventId)}?${query}`, signal });
  };
  const parse = (payload: unknown, eventId: string): FetchedPrices =>
    withShapeContext('seatgeek', eventId, () => parseSeatGeekEvent(payload));
  return {
    name: 'seatgeek',
    yields: 'summary',
    fetchPayload,
    parse,
    fetchPrices: async (eventId, signal) => parse(await fetchPayload(eventId, signal), eventId),
    close: () => http.close(),
  };
}

export const SEATGEEK_DEFAULT_BASE_URL = 'https://api.seatgeek.com';

export const seatgeekIo: MarketplaceIo<'seatgeek'> = {
  name: 'seatgeek',
  parse: parseSeatGeekEvent,
  createAdapter: (ctx) =>
    createSeatGeekAdapter({
      http: ctx.http(SEATGEEK_DEFAULT_BASE_URL, 'SEATGEEK_CLIENT_ID'),
      // The mock accepts any client id.
      clientId: ctx.mock ? 'mock-client' : (ctx.setting('SEATGEEK_CLIENT_ID') ?? ''),
      clientSecret: ctx.mock ? undefined : ctx.setting('SEATGEEK_CLIENT_SECRET'),
    }),
};
