import { z } from 'zod';
import { currencyCode, type FetchedPrices } from '../../domain/listing';
import { MarketplaceError } from '../errors';
import type { MarketplaceHttp } from '../http';
import { idish, isCurrency, normalizeListings, normalizeSummary, parseEnvelope, textOrNumber } from '../payload';
import { withShapeContext } from '../shape-context';
import type { MarketplaceAdapter } from '../adapter';
import type { MarketplaceIo } from '../io';

/**
 * StubHub / viagogo, two ways, keyed by the viagogo event id:
 * - with a StubHub Pro session (STUBHUB_PRO_TOKEN): the comparable-listings endpoint Pro's
 *   inventory page loads, `GET /api/Listing/GetCompListingsByEventId?viagogoEventId=ID`, a JSON
 *   array of listings {listingId, section, row, availableTickets, sellerNetProceeds {amt},
 *   sellerAllInPrice {amt}, currencyCode}: listing-level data.
 * - with OAuth client credentials only: the official Catalog API (HAL+JSON),
 *   `GET /catalog/events/ID`, whose event carries `min_ticket_price` {amount, currency_code}:
 *   a price summary (other sellers' listings are not exposed there).
 */
export const STUBHUB_PRO_LISTINGS_PATH = '/api/Listing/GetCompListingsByEventId';
export const STUBHUB_EVENT_PATH = '/catalog/events/';
export const STUBHUB_TOKEN_PATH = '/oauth2/token';

/** Pro listings have no zone field; they are grouped under this zone. */
export const STUBHUB_UNZONED = 'UNZONED';

const money = z.object({ amt: z.number() });
const compListingSchema = z.object({
  listingId: textOrNumber,
  section: z.string(),
  row: z.string().nullish(),
  availableTickets: z.number(),
  sellerNetProceeds: money.nullish(),
  sellerAllInPrice: money.nullish(),
  currencyCode: z.string(),
  /** Zone name, where the payload carries one. */
  ticketClassName: z.string().nullish(),
});

/** Pure: a Pro comparable-listings payload -> normalized listings. */
export function parseStubHubCompListings(payload: unknown): FetchedPrices {
  // Public clients read it both as a bare array and as an object with a `listings` array.
  const wrapped = isListingsObject(payload);
  const items = wrapped
    ? payload.listings
    : parseEnvelope(z.array(z.unknown(), { error: 'expected an array of listings (or an object with a listings array)' }), payload);
  return normalizeListings(items, wrapped ? 'listings' : '', compListingSchema, (l) => {
    const currency = currencyCode(l.currencyCode);
    if (!isCurrency(currency))
      return { skip: `not an ISO 4217 currency code: "${l.currencyCode}"`, field: 'currencyCode', kind: 'not an ISO 4217 code' };
    const row = l.row?.trim();
    const allIn = l.sellerAllInPrice?.amt ?? null;
    const net = l.sellerNetProceeds?.amt ?? null;
    // The seller's net proceeds are what the seller keeps, never a buyer's price: without
    // sellerAllInPrice the listing has no buyer price on any basis.
    if (allIn === null)
      return {
        skip: "no sellerAllInPrice: the listing gives no buyer's price (its sellerNetProceeds is what the seller receives, never a buyer's price)",
        field: 'sellerAllInPrice',
        kind: "no buyer's price",
      };
    if (net !== null && net > allIn)
      return {
        skip: `seller net proceeds ${net} are above the buyer's all-in price ${allIn}`,
        field: 'sellerNetProceeds.amt',
        kind: 'impossible figure (net above all-in)',
      };
    return {
      listingId: String(l.listingId),
      zone: l.ticketClassName?.trim() || STUBHUB_UNZONED,
      section: l.section.trim(),
      row: row ? row : null,
      quantity: l.availableTickets,
      splits: [],
      // StubHub Pro's comparable listings give no price before fees.
      basePrice: null,
      allInPrice: allIn,
      sellerNetProceeds: net,
      currency,
    };
  });
}

const catalogEventSchema = z.object({
  id: idish,
  min_ticket_price: z.object({ amount: z.number().nullable(), currency_code: z.string() }).nullish(),
  _links: z.record(z.string(), z.unknown()).optional(),
});

/** Pure: a Catalog API event (HAL+JSON) -> a price summary. */
export function parseStubHubCatalogEvent(payload: unknown, fallbackCurrency = 'USD'): FetchedPrices {
  const event = parseEnvelope(catalogEventSchema, payload, {
    expected: 'StubHub Pro comparable listings (an array, or {listings: [...]}) or a Catalog API event ({id, min_ticket_price, ...})',
  });
  const min = event.min_ticket_price;
  const none = { value: null, path: '' };
  // The Catalog API does not document whether min_ticket_price includes StubHub's fees, and no
  // capture shows both: it is stored on neither basis (never a guessed one), said as not given,
  // and still proves something is on sale.
  const amount = min?.amount ?? null;
  const summary = normalizeSummary(
    {
      lowest: none,
      average: none,
      median: none,
      highest: none,
      listingCount: none,
      ticketCount: none,
    },
    min ? { value: min.currency_code, path: 'min_ticket_price.currency_code' } : { value: fallbackCurrency, path: 'min_ticket_price' },
  );
  if (amount === null || amount <= 0) return summary;
  return {
    ...summary,
    summary: { ...summary.summary, onSale: true },
    notGiven: [
      ...(summary.notGiven ?? []),
      {
        path: 'min_ticket_price.amount',
        reason: `${amount} ${summary.summary.currency}: the Catalog API does not say whether it includes StubHub's fees, so it is stored on neither basis (all-in or before fees); it shows tickets on sale`,
        kind: 'min_ticket_price.amount: basis not documented',
      },
    ],
  };
}

/** Either payload: an array (or an object with a listings array) is Pro comparable listings, any other object a Catalog event. */
export function parseStubHubPayload(payload: unknown): FetchedPrices {
  return Array.isArray(payload) || isListingsObject(payload) ? parseStubHubCompListings(payload) : parseStubHubCatalogEvent(payload);
}

function isListingsObject(payload: unknown): payload is { listings: unknown[] } {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    !Array.isArray(payload) &&
    Array.isArray((payload as { listings?: unknown }).listings)
  );
}

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
  token_type: z.string().optional(),
});

export type StubHubAdapterOptions =
  | { mode: 'listings'; pro: MarketplaceHttp; proToken: string }
  | { mode: 'summary'; catalog: MarketplaceHttp; account: MarketplaceHttp; clientId: string; clientSecret: string; now?: () => number };

export function createStubHubAdapter(options: StubHubAdapterOptions): MarketplaceAdapter {
  if (options.mode === 'listings') {
    const { pro, proToken } = options;
    const fetchPayload = (eventId: string, signal?: AbortSignal): Promise<unknown> =>
      pro.json(eventId, {
        path: `${STUBHUB_PRO_LISTINGS_PATH}?${new URLSearchParams({ viagogoEventId: eventId })}`,
        // The Pro web app authenticates with its session cookies; the token is that cookie string.
        headers: { cookie: proToken },
        signal,
      });
    const parse = (payload: unknown, eventId: string): FetchedPrices =>
      withShapeContext('stubhub', eventId, () => parseStubHubCompListings(payload));
    return {
      name: 'stubhub',
      yields: 'listings',
      fetchPayload,
      parse,
      fetchPrices: async (eventId, signal) => parse(await fetchPayload(eventId, signal), eventId),
      close: () => pro.close(),
    };
  }

  const { catalog, account, clientId, clientSecret } = options;
  const now = options.now ?? Date.now;
  let token: { value: string; expiresAt: number } | undefined;

  async function accessToken(eventId: string, signal?: AbortSignal): Promise<string> {
    if (token && token.expiresAt > now()) return token.value;
    const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'read:events' }).toString();
    const raw = await account.json(eventId, {
      path: STUBHUB_TOKEN_PATH,
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body,
      signal,
    });
    const parsed = tokenSchema.safeParse(raw);
    if (!parsed.success) {
      throw new MarketplaceError({
        marketplace: 'stubhub',
        eventId,
        kind: 'bad-payload',
        message: 'OAuth token response has no access_token',
      });
    }
    // Renew a minute early so a token never expires between this check and the request.
    token = { value: parsed.data.access_token, expiresAt: now() + ((parsed.data.expires_in ?? 3600) - 60) * 1000 };
    return token.value;
  }

  async function fetchPayload(eventId: string, signal?: AbortSignal): Promise<unknown> {
    const get = async (): Promise<unknown> =>
      catalog.json(eventId, {
        path: `${STUBHUB_EVENT_PATH}${encodeURIComponent(eventId)}`,
        headers: { authorization: `Bearer ${await accessToken(eventId, signal)}`, accept: 'application/hal+json' },
        signal,
      });
    let payload: unknown;
    try {
      payload = await get();
    } catch (err) {
      // A token revoked or expired early: fetch a fresh one once before giving up.
      if (!(err instanceof MarketplaceError && err.status === 401)) throw err;
      token = undefined;
      payload = await get();
    }
    return payload;
  }
  const parse = (payload: unknown, eventId: string): FetchedPrices =>
    withShapeContext('stubhub', eventId, () => parseStubHubCatalogEvent(payload));

  return {
    name: 'stubhub',
    yields: 'summary',
    fetchPayload,
    parse,
    fetchPrices: async (eventId, signal) => parse(await fetchPayload(eventId, signal), eventId),
    close: async () => {
      await Promise.all([catalog.close(), account.close()]);
    },
  };
}

/** Where StubHub lives; STUBHUB_BASE_URL (or the mock) replaces all three. */
export const STUBHUB_DEFAULT_BASE_URLS = {
  pro: 'https://pro.stubhub.com',
  catalog: 'https://api.stubhub.net',
  account: 'https://account.stubhub.com',
} as const;

export const stubhubIo: MarketplaceIo<'stubhub'> = {
  name: 'stubhub',
  parse: parseStubHubPayload,
  createAdapter(ctx) {
    // With the mock, listing-level through a placeholder Pro session (the mock accepts any).
    const proToken = ctx.mock ? 'mock-session=1' : ctx.setting('STUBHUB_PRO_TOKEN');
    if (proToken)
      return createStubHubAdapter({ mode: 'listings', pro: ctx.http(STUBHUB_DEFAULT_BASE_URLS.pro, 'STUBHUB_PRO_TOKEN'), proToken });
    const credential = 'STUBHUB_CLIENT_ID and STUBHUB_CLIENT_SECRET';
    return createStubHubAdapter({
      mode: 'summary',
      catalog: ctx.http(STUBHUB_DEFAULT_BASE_URLS.catalog, credential),
      account: ctx.http(STUBHUB_DEFAULT_BASE_URLS.account, credential),
      clientId: ctx.setting('STUBHUB_CLIENT_ID') ?? '',
      clientSecret: ctx.setting('STUBHUB_CLIENT_SECRET') ?? '',
      ...(ctx.now ? { now: ctx.now } : {}),
    });
  },
};
