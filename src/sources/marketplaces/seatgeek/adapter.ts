import { z } from 'zod';
import type { FetchedPrices } from '../../../domain/listing';
import type { MarketplaceHttp } from '../../http';
import { idish, normalizeSummary, parseEnvelope } from '../../payload';
import { withShapeContext } from '../../shape-context';
import type { MarketplaceAdapter } from '../../types';
import type { MarketplaceIo } from '../io';

/**
 * SeatGeek Platform API v2, `GET /2/events/ID?client_id=...`: the event's `stats` (lowest,
 * average, median and highest price, listing count), each of which may be null or missing; no
 * listings. Prices are in US dollars.
 */
export const SEATGEEK_EVENT_PATH = '/2/events/';

const figure = z.number().nullish();
const eventSchema = z.object({
  id: idish,
  stats: z
    .object({
      lowest_price: figure,
      average_price: figure,
      median_price: figure,
      highest_price: figure,
      listing_count: figure,
      visible_listing_count: figure,
    })
    .nullish(),
});

/** Pure: a SeatGeek event payload -> a price summary. */
export function parseSeatGeekEvent(payload: unknown): FetchedPrices {
  const event = parseEnvelope(eventSchema, payload);
  const s = event.stats ?? {};
  return normalizeSummary(
    {
      lowest: { value: s.lowest_price, path: 'stats.lowest_price' },
      average: { value: s.average_price, path: 'stats.average_price' },
      median: { value: s.median_price, path: 'stats.median_price' },
      highest: { value: s.highest_price, path: 'stats.highest_price' },
      listingCount: { value: s.listing_count ?? s.visible_listing_count, path: 'stats.listing_count' },
      ticketCount: { value: null, path: '' },
    },
    { value: 'USD', path: '' },
  );
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
  const parse = (payload: unknown, eventId: string): FetchedPrices => withShapeContext('seatgeek', eventId, () => parseSeatGeekEvent(payload));
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
