import { z } from 'zod';
import type { Currency, FetchedPrices } from '../domain/listing';
import type { MarketplaceHttp } from './http';
import { idish, normalizeListings, parseEnvelope, textOrNumber, toNumber } from './payload';
import { withShapeContext } from './shape-context';
import type { MarketplaceAdapter } from './types';

/**
 * Vivid Seats: the listings JSON the site itself loads,
 * `GET /hermes/api/v1/listings?productionId=ID`. Listing-level, with short keys and numbers as
 * strings: tickets[] {i id, s section, r row, q quantity, p price, aip all-in price, g group
 * (zone) id, l section label}, zones as groups[] {i, n}, sections[] {i, g, n}, and event-level
 * figures in global[0] (listingCount, ticketCount, ...).
 */
export const VIVIDSEATS_LISTINGS_PATH = '/hermes/api/v1/listings';

const groupSchema = z.object({ i: idish, n: z.string() });
const envelopeSchema = z.object({
  global: z.array(z.object({ productionId: idish.optional() })).optional(),
  tickets: z.array(z.unknown()),
  groups: z.array(groupSchema).optional(),
  sections: z.array(z.unknown()).optional(),
});

// Numbers arrive as strings; they are converted by hand in the normalizer (the hot path).
const ticketSchema = z.object({
  i: textOrNumber,
  s: z.string(),
  r: z.string().nullish(),
  q: textOrNumber,
  p: textOrNumber,
  aip: textOrNumber.nullish(),
  g: textOrNumber.nullish(),
});

/** Pure: a Vivid Seats listings payload -> normalized listings (malformed tickets skipped). */
export function parseVividSeatsListings(payload: unknown, currency: Currency = 'USD'): FetchedPrices {
  const envelope = parseEnvelope(envelopeSchema, payload);
  const zones = new Map<string, string>();
  for (const g of envelope.groups ?? []) zones.set(g.i, g.n.trim());
  return normalizeListings(envelope.tickets, 'tickets', ticketSchema, (t) => {
    const zone = t.g !== undefined && t.g !== null ? zones.get(String(t.g)) : undefined;
    if (!zone) return { skip: `group ${t.g ?? '(none)'} is not among the payload's groups`, field: 'g' };
    const quantity = toNumber(t.q);
    if (quantity === undefined) return { skip: `quantity ${JSON.stringify(t.q)} is not a number`, field: 'q' };
    const price = toNumber(t.p);
    if (price === undefined) return { skip: `price ${JSON.stringify(t.p)} is not a number`, field: 'p' };
    const allIn = t.aip === undefined || t.aip === null || t.aip === '' ? null : toNumber(t.aip);
    if (allIn === undefined) return { skip: `all-in price ${JSON.stringify(t.aip)} is not a number`, field: 'aip' };
    const row = t.r?.trim();
    return {
      listingId: String(t.i),
      zone,
      section: t.s.trim(),
      row: row ? row : null,
      quantity,
      splits: [],
      pricePerTicket: price,
      allInPrice: allIn,
      currency,
    };
  });
}

export interface VividSeatsAdapterOptions {
  http: MarketplaceHttp;
  currency?: Currency;
}

export function createVividSeatsAdapter({ http, currency = 'USD' }: VividSeatsAdapterOptions): MarketplaceAdapter {
  return {
    name: 'vividseats',
    yields: 'listings',
    async fetchPrices(eventId, signal) {
      const query = new URLSearchParams({ productionId: eventId, currency, includeIpAddress: 'false' });
      const payload = await http.json(eventId, { path: `${VIVIDSEATS_LISTINGS_PATH}?${query}`, signal });
      return withShapeContext('vividseats', eventId, () => parseVividSeatsListings(payload, currency));
    },
    close: () => http.close(),
  };
}
