import { z } from 'zod';
import type { Currency, FetchedPrices } from '../domain/listing';
import type { MarketplaceHttp } from './http';
import { idish, normalizeListings, numberish, parseEnvelope } from './payload';
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

const ticketSchema = z.object({
  i: idish,
  s: z.string().trim().min(1, 'section is empty'),
  r: z.string().nullish(),
  q: numberish,
  p: numberish,
  aip: numberish.nullish(),
  g: idish.nullish(),
});

/** Pure: a Vivid Seats listings payload -> normalized listings (malformed tickets skipped). */
export function parseVividSeatsListings(payload: unknown, currency: Currency = 'USD'): FetchedPrices {
  const envelope = parseEnvelope(envelopeSchema, payload);
  const zones = new Map<string, string>();
  for (const g of envelope.groups ?? []) zones.set(g.i, g.n.trim());
  return normalizeListings(envelope.tickets, 'tickets', ticketSchema, (t) => {
    const zone = t.g !== undefined && t.g !== null ? zones.get(t.g) : undefined;
    if (!zone) return { skip: `group ${t.g ?? '(none)'} is not among the payload's groups`, field: 'g' };
    const row = t.r?.trim();
    return {
      listingId: t.i,
      zone,
      section: t.s,
      row: row ? row : null,
      quantity: t.q,
      splits: [],
      pricePerTicket: t.p,
      allInPrice: t.aip ?? null,
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
