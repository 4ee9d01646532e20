import { z } from 'zod';
import { currencyCode, isCurrency, type Currency, type DeclaredCounts, type FetchedPrices, type SkippedRecord } from '../../domain/listing';
import type { MarketplaceHttp } from '../http';
import { idish, isObject, normalizeListings, parseEnvelope, similarKeys, textOrNumber, toNumber, type SkipItem } from '../payload';
import { withShapeContext } from '../shape-context';
import type { MarketplaceAdapter } from '../adapter';
import type { MarketplaceIo } from '../io';

/**
 * Vivid Seats: the listings JSON the site's own event page loads,
 * `GET /hermes/api/v1/listings?productionId=ID`. Listing-level, short keys, numbers as strings.
 * Shape taken from real captures (see test/fixtures/marketplaces/README.md):
 *
 * - `global[0]`: event-level figures, among them the declared `listingCount` and `ticketCount`.
 * - `tickets[]`: `i` listing id, `s` (or `l`) section label, `d` section id (-> `sections[].i`),
 *   `c` zone id (-> `groups[].i`), `r` row, `q` quantity, `p` price per ticket before fees,
 *   `allInPricePerTicket` (also `aip`) price per ticket with fees, `m` allowed split sizes as a
 *   comma list ("1,2,3,4,6"). `g` is a flag ("0"/"1"), NOT the zone. Real payloads also repeat
 *   some fields spelled out (`sectionName`, `row`, `quantity`); the short keys win, the long ones
 *   fill in where a short key is missing (older responses carry only the short set).
 * - `groups[]` {i, n}: zones; `sections[]` {i, g, n}: sections with their zone.
 * - `i18n` {from, to, applyCurrencyConversion}: the currency the prices are in.
 */
export const VIVIDSEATS_LISTINGS_PATH = '/hermes/api/v1/listings';

const named = z.object({ i: idish, n: z.string().nullish(), g: idish.nullish() });
const envelopeSchema = z.object({
  global: z.array(z.object({ listingCount: textOrNumber.nullish(), ticketCount: textOrNumber.nullish() }).passthrough()).optional(),
  tickets: z.array(z.unknown()),
  groups: z.array(named).optional(),
  sections: z.array(named).optional(),
  i18n: z
    .object({ from: z.string().optional(), to: z.string().optional(), applyCurrencyConversion: z.boolean().optional() })
    .passthrough()
    .nullish(),
});

// Numbers arrive as strings; they are converted by hand in the normalizer (the hot path).
const text = z.string().nullish();
export const ticketSchema = z.object({
  i: textOrNumber,
  s: text,
  l: text,
  sectionName: text,
  d: textOrNumber.nullish(),
  c: textOrNumber.nullish(),
  r: text,
  row: text,
  q: textOrNumber.nullish(),
  quantity: textOrNumber.nullish(),
  p: textOrNumber,
  allInPricePerTicket: textOrNumber.nullish(),
  aip: textOrNumber.nullish(),
  m: textOrNumber.nullish(),
});
type Ticket = z.infer<typeof ticketSchema>;

const TICKET_TEXT = ['s', 'l', 'sectionName', 'r', 'row'] as const;
const TICKET_TEXT_OR_NUMBER = ['d', 'c', 'q', 'quantity', 'allInPricePerTicket', 'aip', 'm'] as const;
/** True when ticketSchema accepts the item as it is (see normalizeListings' guard); kept in step with it. */
export function isTicket(v: unknown): v is Ticket {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  if (!isTextOrNumber(t.i) || !isTextOrNumber(t.p)) return false;
  for (const k of TICKET_TEXT) {
    const x = t[k];
    if (x !== undefined && x !== null && typeof x !== 'string') return false;
  }
  for (const k of TICKET_TEXT_OR_NUMBER) {
    const x = t[k];
    if (x !== undefined && x !== null && !isTextOrNumber(x)) return false;
  }
  return true;
}
const isTextOrNumber = (x: unknown): x is string | number => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x));

const present = (v: string | number | null | undefined): v is string | number => v !== undefined && v !== null && v !== '';

/** "1,2,3,4,6" -> [1, 2, 3, 4, 6]; "" or absent -> [] (any split); undefined when not a list of sizes. */
export function parseSplits(value: string | number | null | undefined): number[] | undefined {
  if (!present(value)) return [];
  const out: number[] = [];
  for (const part of String(value).split(',')) {
    // "2,4," or "2, 4": blanks between commas carry no size.
    if (part.trim() === '') continue;
    const n = Number(part.trim());
    if (!Number.isSafeInteger(n) || n < 1) return undefined;
    out.push(n);
  }
  return out;
}

/** A count from global[0] ("833"), or null when absent or not a count. */
function declaredCount(value: string | number | null | undefined): number | null {
  if (!present(value)) return null;
  const n = toNumber(value);
  return n !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * The currency the prices are in: `i18n.from` (the requested currency when the payload does not
 * say). Every public capture has `applyCurrencyConversion: false` with `from` = `to`; none shows a
 * converted response, so whether `p` and `allInPricePerTicket` are then in `to` (converted) or
 * still in `from` (with `rate` for the page to apply) cannot be told. Such a payload gives a
 * reason instead of a currency: its prices are skipped, never stored under a guessed label.
 */
function payloadCurrency(
  i18n: z.infer<typeof envelopeSchema>['i18n'],
  requested: Currency,
): { currency: Currency } | { uncertain: string } {
  const from = i18n?.from === undefined ? undefined : currencyCode(i18n.from);
  const to = i18n?.to === undefined ? undefined : currencyCode(i18n.to);
  if (i18n?.applyCurrencyConversion && to !== undefined && to !== (from ?? requested)) {
    return {
      uncertain: `i18n asks for a conversion from ${from ?? requested} to ${to}; no capture shows whether the prices are then in ${to} or still in ${from ?? requested}`,
    };
  }
  return { currency: from !== undefined && isCurrency(from) ? from : requested };
}

/** Pure: a Vivid Seats listings payload -> normalized listings (malformed tickets skipped with their reason). */
export function parseVividSeatsListings(payload: unknown, requestedCurrency: Currency = 'USD'): FetchedPrices {
  const envelope = parseEnvelope(envelopeSchema, payload, {
    expected: 'a Vivid Seats listings response (GET /hermes/api/v1/listings: {global, tickets, groups, sections, i18n})',
    wrappers: [{ key: 'payload.tickets', what: 'a capture that wraps the response in `payload`; save the response itself' }],
  });
  const zones = new Map<string, string>();
  for (const g of envelope.groups ?? []) if (g.n && g.n.trim()) zones.set(g.i, g.n.trim());
  const sections = new Map<string, { name: string | undefined; zone: string | undefined }>();
  for (const s of envelope.sections ?? []) sections.set(s.i, { name: s.n?.trim() || undefined, zone: s.g ?? undefined });
  const priced = payloadCurrency(envelope.i18n, requestedCurrency);
  if ('uncertain' in priced) {
    const head = envelope.global?.[0];
    return {
      kind: 'listings',
      listings: [],
      skipped: envelope.tickets.map((_, i) => ({
        path: `tickets[${i}]`,
        reason: `currency unknown: ${priced.uncertain}`,
        kind: 'i18n: currency unknown (conversion)',
      })),
      items: envelope.tickets.length,
      ...(head ? { declared: { listings: declaredCount(head.listingCount), tickets: declaredCount(head.ticketCount) } } : {}),
    };
  }
  const currency = priced.currency;

  const notGiven: SkippedRecord[] = [];
  const result = normalizeListings(
    envelope.tickets,
    'tickets',
    ticketSchema,
    (t: Ticket, i: number) => {
      const section = present(t.d) ? sections.get(String(t.d)) : undefined;
      const sectionName = firstText(t.s, t.sectionName, t.l) ?? section?.name;
      const zone = zoneOf(t, section, zones, sectionName);
      if (typeof zone !== 'string') return zone;
      if (!sectionName && zone !== VIVIDSEATS_UNZONED)
        return skip('s', 'no section name (s, sectionName, l) and no section for d', 'no section');
      const rawQuantity = t.q ?? t.quantity;
      const quantity = present(rawQuantity) ? toNumber(rawQuantity) : undefined;
      if (quantity === undefined) return skip('q', `quantity ${JSON.stringify(rawQuantity ?? null)} is not a number`, 'not a number');
      const price = toNumber(t.p);
      if (price === undefined) return skip('p', `price ${JSON.stringify(t.p)} is not a number`, 'not a number');
      const allInKey = present(t.allInPricePerTicket) ? 'allInPricePerTicket' : 'aip';
      const rawAllIn = present(t.allInPricePerTicket) ? t.allInPricePerTicket : t.aip;
      let allIn = present(rawAllIn) ? toNumber(rawAllIn) : null;
      if (allIn === undefined)
        return skip('allInPricePerTicket', `all-in price ${JSON.stringify(rawAllIn)} is not a number`, 'not a number');
      if (allIn === 0) {
        // "0.00" is how the format writes a figure it does not show (faceValue, a group's h/l
        // without tickets): the all-in price is not given; the listing, with its price, is kept.
        allIn = null;
        notGiven.push({
          path: `tickets[${i}].${allInKey}`,
          reason: `all-in price ${JSON.stringify(rawAllIn)}: the format's 0 for a figure it does not show; stored as null`,
          kind: `tickets[].${allInKey}: 0 (not given)`,
        });
      }
      const splits = parseSplits(t.m);
      if (splits === undefined) return skip('m', `splits ${JSON.stringify(t.m)} are not a comma list of sizes`, 'not a list of sizes');
      const row = (t.r ?? t.row)?.trim();
      return {
        listingId: String(t.i),
        zone,
        section: sectionName ?? VIVIDSEATS_UNZONED,
        row: row ? row : null,
        quantity,
        splits,
        basePrice: price,
        allInPrice: allIn,
        sellerNetProceeds: null,
        currency,
      };
    },
    isTicket,
  );
  // A listing skipped after its all-in price was read (an impossible figure, say) records nothing beside it.
  const skippedItems = new Set(result.skipped.map((r) => /^tickets\[(\d+)\]/.exec(r.path)?.[1]));
  const kept = notGiven.filter((r) => !skippedItems.has(/^tickets\[(\d+)\]/.exec(r.path)?.[1]));
  const head = envelope.global?.[0];
  const declared: DeclaredCounts | undefined = head
    ? { listings: declaredCount(head.listingCount), tickets: declaredCount(head.ticketCount) }
    : undefined;
  // Every ticket of every capture (the real form and the older short one) carries its all-in
  // price; none carrying it means the field was renamed, not that Vivid Seats has no fees.
  const missing: SkippedRecord[] = [];
  const tickets = envelope.tickets;
  if (tickets.length > 0 && !tickets.some((t) => isObject(t) && ('allInPricePerTicket' in t || 'aip' in t))) {
    missing.push({
      path: 'tickets[].allInPricePerTicket',
      reason: `no ticket carries its all-in price (allInPricePerTicket or aip)${similarKeys(tickets[0], 'allInPricePerTicket')}`,
    });
  }
  return {
    ...result,
    ...(declared ? { declared } : {}),
    ...(missing.length > 0 ? { missing } : {}),
    ...(kept.length > 0 ? { notGiven: kept } : {}),
  };
}

/**
 * The zone a listing sits under that the map has no zone for (boxes, suites, loge: Vivid Seats
 * writes zone and section id "0", "" or leaves them out): its section name where given, else this.
 */
export const VIVIDSEATS_UNZONED = 'unzoned';

/** Zone ids that mean "no map zone": absent, blank, or "0". */
const noZone = (id: string | undefined): boolean => id === undefined || id === '' || id === '0';

/**
 * The ticket's zone: `c` (-> groups[].i), else its section's zone (sections[].g). A listing
 * without a map zone (both "0", "" or absent) sits under its section name, else "unzoned": it is a
 * real listing and counts in every whole-event figure. A zone id that is given but not among the
 * payload's groups is skipped: that is a format change, not a listing without a zone.
 */
function zoneOf(
  t: Ticket,
  section: { name: string | undefined; zone: string | undefined } | undefined,
  zones: ReadonlyMap<string, string>,
  sectionName: string | undefined,
): string | SkipItem {
  const own = present(t.c) ? String(t.c).trim() : undefined;
  const named = own !== undefined ? zones.get(own) : undefined;
  if (named) return named;
  if (!noZone(own)) return skip('c', `zone ${JSON.stringify(own)} is not among the payload's groups[].i`, 'zone not among groups');
  const inherited = section?.zone?.trim();
  const sectionZone = inherited !== undefined ? zones.get(inherited) : undefined;
  if (sectionZone) return sectionZone;
  if (!noZone(inherited))
    return skip(
      'd',
      `section ${JSON.stringify(String(t.d))} has zone ${JSON.stringify(inherited)}, not among the payload's groups[].i`,
      'zone not among groups',
    );
  return sectionName ?? VIVIDSEATS_UNZONED;
}

/** The first of these that holds text, trimmed. */
function firstText(...values: (string | null | undefined)[]): string | undefined {
  for (const v of values) {
    const t = v?.trim();
    if (t) return t;
  }
  return undefined;
}

function skip(field: string, reason: string, kind: string): SkipItem {
  return { skip: reason, field, kind };
}

export interface VividSeatsAdapterOptions {
  http: MarketplaceHttp;
  currency?: Currency;
}

export function createVividSeatsAdapter({ http, currency = 'USD' }: VividSeatsAdapterOptions): MarketplaceAdapter {
  const fetchPayload = (eventId: string, signal?: AbortSignal): Promise<unknown> =>
    http.json(eventId, {
      path: `${VIVIDSEATS_LISTINGS_PATH}?${new URLSearchParams({ productionId: eventId, currency, includeIpAddress: 'false' })}`,
      signal,
    });
  const parse = (payload: unknown, eventId: string): FetchedPrices =>
    withShapeContext('vividseats', eventId, () => parseVividSeatsListings(payload, currency));
  return {
    name: 'vividseats',
    yields: 'listings',
    fetchPayload,
    parse,
    fetchPrices: async (eventId, signal) => parse(await fetchPayload(eventId, signal), eventId),
    close: () => http.close(),
  };
}

export const VIVIDSEATS_DEFAULT_BASE_URL = 'https://www.vividseats.com';

export const vividseatsIo: MarketplaceIo<'vividseats'> = {
  name: 'vividseats',
  parse: (payload) => parseVividSeatsListings(payload),
  createAdapter: (ctx) => createVividSeatsAdapter({ http: ctx.http(VIVIDSEATS_DEFAULT_BASE_URL) }),
};
