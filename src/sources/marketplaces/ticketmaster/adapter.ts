import { z } from 'zod';
import { currencyCode, type FetchedPrices } from '../../../domain/listing';
import type { ErrorDescriber, MarketplaceHttp } from '../../http';
import { idish, normalizeSummary, parseEnvelope } from '../../payload';
import { withShapeContext } from '../../shape-context';
import type { MarketplaceAdapter } from '../../types';
import type { MarketplaceIo } from '../io';

/**
 * Ticketmaster Discovery API v2, `GET /discovery/v2/events/ID.json?apikey=...`: `priceRanges`
 * [{type, currency, min, max}], absent on many events (Ticketmaster has no prices to show). A
 * range of type "standard" is face value; "standard including fees" is the same tickets with
 * fees: the two are kept apart (lowest/highest vs allInLowest/allInHighest), never mixed. The
 * currency is the market's own (USD, GBP, PLN, CZK, ZAR, AED, ...). Limits are 5 requests a
 * second and a daily quota; responses carry Rate-Limit, Rate-Limit-Available, Rate-Limit-Over and
 * Rate-Limit-Reset (epoch milliseconds), and a 429 body names the violated policy: {"fault":
 * {"faultstring", "detail": {"errorcode": "policies.ratelimit.QuotaViolation" |
 * "policies.ratelimit.SpikeArrestViolation"}}}.
 */
export const TICKETMASTER_EVENT_PATH = '/discovery/v2/events/';

const rangeSchema = z.object({ type: z.string().optional(), currency: z.string(), min: z.number().optional(), max: z.number().optional() });
const eventSchema = z.object({ id: idish, priceRanges: z.array(rangeSchema).optional() });

export const TM_FACE_VALUE = 'standard';
export const TM_ALL_IN = 'standard including fees';

/** Pure: a Discovery API event -> a price summary: face value and all-in apart, one currency. */
export function parseTicketmasterEvent(payload: unknown): FetchedPrices {
  const event = parseEnvelope(eventSchema, payload);
  const ranges = (event.priceRanges ?? []).map((r, i) => ({ ...r, i, type: (r.type ?? TM_FACE_VALUE).trim().toLowerCase(), currency: currencyCode(r.currency) }));
  const face = ranges.filter((r) => r.type === TM_FACE_VALUE);
  const allIn = ranges.filter((r) => r.type === TM_ALL_IN);
  const currency = (face[0] ?? allIn[0])?.currency ?? 'USD';
  const extent = (list: typeof ranges, key: 'min' | 'max'): number | null => {
    const values = list.filter((r) => r.currency === currency).map((r) => r[key]).filter((v): v is number => v !== undefined);
    if (values.length === 0) return null;
    return key === 'min' ? Math.min(...values) : Math.max(...values);
  };
  const none = { value: null, path: '' };
  const result = normalizeSummary(
    {
      lowest: { value: extent(face, 'min'), path: 'priceRanges[].min' },
      average: none,
      median: none,
      highest: { value: extent(face, 'max'), path: 'priceRanges[].max' },
      listingCount: none,
      ticketCount: none,
      allInLowest: { value: extent(allIn, 'min'), path: 'priceRanges[].min' },
      allInHighest: { value: extent(allIn, 'max'), path: 'priceRanges[].max' },
    },
    { value: currency, path: `priceRanges[${(face[0] ?? allIn[0])?.i ?? 0}].currency` },
  );
  for (const r of ranges) {
    if (r.type !== TM_FACE_VALUE && r.type !== TM_ALL_IN) {
      result.skipped.push({ path: `priceRanges[${r.i}].type`, reason: `range of type "${r.type}" is neither face value nor all-in; ignored`, kind: 'priceRanges[].type: other type' });
    } else if (r.currency !== currency) {
      result.skipped.push({ path: `priceRanges[${r.i}].currency`, reason: `range in ${r.currency} ignored (summary is in ${currency})`, kind: 'priceRanges[].currency: second currency' });
    }
  }
  return { ...result, items: ranges.length };
}

const faultSchema = z.object({
  fault: z.object({ faultstring: z.string().optional(), detail: z.object({ errorcode: z.string() }).optional() }),
});
const errorsSchema = z.object({ errors: z.array(z.object({ code: z.string().optional(), detail: z.string().optional() })).min(1) });

/** Names the violated policy of a 429 and derives the retry delay from Rate-Limit-Reset. */
export function describeTicketmasterError(now: () => number = Date.now): ErrorDescriber {
  return (status, headers, body) => {
    const out: { policy?: string; detail?: string; retryAfterMs?: number } = {};
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const fault = faultSchema.safeParse(json);
    if (fault.success) {
      const code = fault.data.fault.detail?.errorcode;
      if (code) out.policy = code;
      const kind = code?.endsWith('QuotaViolation') ? 'daily quota used up' : code?.endsWith('SpikeArrestViolation') ? 'more than the allowed requests per second' : undefined;
      out.detail = [kind, fault.data.fault.faultstring?.replace(/Identifier : \S+/, 'Identifier : (api key)')].filter(Boolean).join(': ');
    } else {
      const errors = errorsSchema.safeParse(json);
      if (errors.success) out.detail = errors.data.errors.map((e) => [e.code, e.detail].filter(Boolean).join(' ')).join('; ');
    }
    if (status === 429) {
      const reset = headers['rate-limit-reset'];
      const at = Number(Array.isArray(reset) ? reset[0] : reset);
      if (Number.isFinite(at) && at > 0) out.retryAfterMs = Math.max(0, at - now());
      const available = headers['rate-limit-available'];
      if (available !== undefined) out.detail = `${out.detail ?? ''} (Rate-Limit-Available ${String(available)})`.trim();
    }
    return out;
  };
}

export interface TicketmasterAdapterOptions {
  http: MarketplaceHttp;
  apiKey: string;
  now?: () => number;
}

export function createTicketmasterAdapter({ http, apiKey, now }: TicketmasterAdapterOptions): MarketplaceAdapter {
  const describe = describeTicketmasterError(now);
  const fetchPayload = (eventId: string, signal?: AbortSignal): Promise<unknown> =>
    http.json(eventId, { path: `${TICKETMASTER_EVENT_PATH}${encodeURIComponent(eventId)}.json?${new URLSearchParams({ apikey: apiKey })}`, signal }, describe);
  const parse = (payload: unknown, eventId: string): FetchedPrices => withShapeContext('ticketmaster', eventId, () => parseTicketmasterEvent(payload));
  return {
    name: 'ticketmaster',
    yields: 'summary',
    fetchPayload,
    parse,
    fetchPrices: async (eventId, signal) => parse(await fetchPayload(eventId, signal), eventId),
    close: () => http.close(),
  };
}

export const TICKETMASTER_DEFAULT_BASE_URL = 'https://app.ticketmaster.com';

export const ticketmasterIo: MarketplaceIo<'ticketmaster'> = {
  name: 'ticketmaster',
  parse: parseTicketmasterEvent,
  createAdapter: (ctx) =>
    createTicketmasterAdapter({
      http: ctx.http(TICKETMASTER_DEFAULT_BASE_URL, 'TICKETMASTER_API_KEY'),
      apiKey: ctx.mock ? 'mock-api-key' : (ctx.setting('TICKETMASTER_API_KEY') ?? ''),
      ...(ctx.now ? { now: ctx.now } : {}),
    }),
};
