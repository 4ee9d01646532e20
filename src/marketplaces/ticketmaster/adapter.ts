import { z } from 'zod';
import { eventStatusOf, EVENT_STATUSES, type EventStatusObservation } from '../../domain/event-status';
import { currencyCode, type FetchedPrices, type SkippedRecord } from '../../domain/listing';
import type { ErrorDescriber, MarketplaceHttp } from '../http';
import { idish, isObject, normalizeSummary, parseEnvelope, similarKeys } from '../payload';
import { withShapeContext } from '../shape-context';
import type { MarketplaceAdapter } from '../adapter';
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
 *
 * A range's `min` (or `max`) of 0.0 is how Discovery shows a free or hidden category: not given
 * (null with the reason), not drift. `dates.status.code` is the event's status (onsale, offsale,
 * cancelled, postponed, rescheduled) and `dates.start.dateTime` its (new) start: both go with the
 * figures as FetchedPrices.eventStatus.
 */
export const TICKETMASTER_EVENT_PATH = '/discovery/v2/events/';

const rangeSchema = z.object({
  type: z.string().optional(),
  currency: z.string().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
// A Discovery event always has its `dates` (and `priceRanges` when it has prices): an object with
// neither is another format (a SeatGeek event has `stats`), not an event without prices.
const eventSchema = z
  .object({ id: idish, priceRanges: z.array(z.unknown()).optional(), dates: z.unknown().optional() })
  .refine((e) => e.dates !== undefined || e.priceRanges !== undefined, { message: 'neither dates nor priceRanges: not a Discovery event' });

export const TM_FACE_VALUE = 'standard';
export const TM_ALL_IN = 'standard including fees';

/**
 * Pure: a Discovery API event -> a price summary: face value (`lowest`/`highest`, before fees)
 * and all-in (`allInLowest`/`allInHighest`) apart, one currency.
 *
 * An event without `priceRanges` is a genuine absence (no figures, health ok); a key that looks
 * like a renamed `priceRanges` is format drift. A range that cannot be read (no min and max, no
 * currency, a type that is neither) is skipped and counted like a listing.
 *
 * Two currencies among the usable ranges: an event sells in its market's one currency, so which
 * of the two is the event's cannot be told from the payload (order means nothing); no figure is
 * kept, every range is skipped with that reason, and the scrape is format drift.
 */
export function parseTicketmasterEvent(payload: unknown): FetchedPrices {
  const event = parseEnvelope(eventSchema, payload, {
    expected: 'a Ticketmaster Discovery event object (GET /discovery/v2/events/ID.json: {id, priceRanges?, ...})',
    wrappers: [
      {
        key: '_embedded.events',
        what: 'a Discovery search response with `_embedded.events`; save one event, or give its id to `marketplaces probe`',
      },
    ],
  });
  const missing: SkippedRecord[] = [];
  if (event.priceRanges === undefined) {
    const renamed = similarKeys(payload, 'priceRanges');
    if (renamed) missing.push({ path: 'priceRanges', reason: `the Discovery format names the price ranges priceRanges${renamed}` });
  }
  const skipped: SkippedRecord[] = [];
  type Range = { i: number; type: string; currency: string; min: number; max: number };
  const ranges: Range[] = [];
  /** Figures of a basis that a range not read leaves unknown ("standard.min"). */
  const unknownExtent = new Set<string>();
  (event.priceRanges ?? []).forEach((raw, i) => {
    const parsed = rangeSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') ?? '';
      skipped.push({
        path: `priceRanges[${i}]${field ? `.${field}` : ''}`,
        reason: `not a number or text as the format has it (${issue?.message ?? 'invalid'})`,
        kind: `priceRanges[]${field ? `.${field}` : ''}: wrong type`,
      });
      return;
    }
    const r = parsed.data;
    const type = (r.type ?? TM_FACE_VALUE).trim().toLowerCase();
    if (type !== TM_FACE_VALUE && type !== TM_ALL_IN) {
      skipped.push({
        path: `priceRanges[${i}].type`,
        reason: `range of type "${type}" is neither face value ("${TM_FACE_VALUE}") nor all-in ("${TM_ALL_IN}")`,
        kind: 'priceRanges[].type: other type',
      });
      return;
    }
    if (r.currency === undefined || r.currency.trim() === '') {
      skipped.push({
        path: `priceRanges[${i}].currency`,
        reason: `missing${similarKeys(raw, 'currency')}`,
        kind: 'priceRanges[].currency: missing',
      });
      return;
    }
    if (r.min === undefined || r.max === undefined) {
      // Discovery writes both (0.0 for a hidden one): a range with one missing is not read as it
      // is; with its category unknown, no lowest (or highest) over the categories can be told.
      const gone = r.min === undefined && r.max === undefined ? 'min and max' : r.min === undefined ? 'min' : 'max';
      skipped.push({
        path: `priceRanges[${i}].${gone === 'max' ? 'max' : 'min'}`,
        reason: `${gone} missing${similarKeys(raw, 'min')}${similarKeys(raw, 'max')}`,
        kind: `priceRanges[].${gone === 'min and max' ? 'min/max' : gone}: missing`,
      });
      if (gone !== 'min and max') unknownExtent.add(`${type}.${gone}`);
      return;
    }
    if (r.min > r.max && r.max !== 0) {
      skipped.push({
        path: `priceRanges[${i}]`,
        reason: `min ${r.min} above max ${r.max}: not a range`,
        kind: 'priceRanges[]: min above max',
      });
      unknownExtent.add(`${type}.min`).add(`${type}.max`);
      return;
    }
    ranges.push({ i, type, currency: currencyCode(r.currency), min: r.min, max: r.max });
  });
  // Ticketmaster writes 0.0 for a figure it does not show (a free or hidden category): not a
  // price, not drift. The figure of that basis is then not given (the hidden category's own
  // price is unknown, so no lowest or highest over the categories can be told): null, with the
  // reason; the other figures are kept.
  const notGiven: SkippedRecord[] = [];
  const hidden = new Set<string>();
  for (const r of ranges) {
    for (const key of ['min', 'max'] as const) {
      if (r[key] !== 0) continue;
      hidden.add(`${r.type}.${key}`);
      notGiven.push({
        path: `priceRanges[${r.i}].${key}`,
        reason: `${key} 0.0 is how Ticketmaster shows a free or hidden category; the ${r.type === TM_ALL_IN ? 'all-in' : 'face value'} ${key === 'min' ? 'lowest' : 'highest'} is stored as null`,
        kind: `priceRanges[].${key}: 0 (not given)`,
      });
    }
  }
  const currencies = [...new Set(ranges.map((r) => r.currency))];
  let usable = ranges;
  if (currencies.length > 1) {
    for (const r of ranges) {
      skipped.push({
        path: `priceRanges[${r.i}].currency`,
        reason: `price ranges in ${currencies.join(' and ')}: which one the event sells in cannot be told; no figure kept`,
        kind: 'priceRanges[].currency: several currencies',
      });
    }
    usable = [];
  }
  const face = usable.filter((r) => r.type === TM_FACE_VALUE);
  const allIn = usable.filter((r) => r.type === TM_ALL_IN);
  const first = usable[0];
  const extent = (list: Range[], key: 'min' | 'max'): number | null => {
    if (list.some((r) => hidden.has(`${r.type}.${key}`))) return null;
    if (list.length > 0 && unknownExtent.has(`${list[0]!.type}.${key}`)) return null;
    const values = list.map((r) => r[key]).filter((v): v is number => v !== undefined);
    if (values.length === 0) return null;
    // reduce, not Math.min(...values): a payload's array spread into arguments overflows the stack past ~120,000 items.
    return values.reduce((a, b) => (key === 'min' ? Math.min(a, b) : Math.max(a, b)));
  };
  const none = { value: null, path: '' };
  const result = normalizeSummary(
    {
      lowest: { value: extent(face, 'min'), path: 'priceRanges[standard].min' },
      average: none,
      median: none,
      highest: { value: extent(face, 'max'), path: 'priceRanges[standard].max' },
      listingCount: none,
      ticketCount: none,
      allInLowest: { value: extent(allIn, 'min'), path: 'priceRanges[standard including fees].min' },
      allInHighest: { value: extent(allIn, 'max'), path: 'priceRanges[standard including fees].max' },
    },
    // No usable range: no figure, and the currency of an empty summary is the US market's.
    first ? { value: first.currency, path: `priceRanges[${first.i}].currency` } : { value: 'USD', path: 'priceRanges' },
  );
  const status = readStatus(event.dates, notGiven);
  return {
    ...result,
    skipped: [...skipped, ...result.skipped],
    // Each range, and each figure refused over the ranges (before fees above all-in): so the
    // share skipped is of what could be read, never "4 of 2".
    items: (event.priceRanges ?? []).length + result.skipped.length,
    ...(missing.length > 0 ? { missing } : {}),
    ...(notGiven.length > 0 ? { notGiven } : {}),
    ...(status ? { eventStatus: status } : {}),
  };
}

/**
 * The event's status from `dates.status.code` (onsale, offsale, cancelled or canceled,
 * postponed, rescheduled) with the start `dates.start.dateTime` gives. No `dates.status`: the
 * payload states none (undefined). A code that is not a status, or a rescheduled event without a
 * readable new start, is recorded in `notes` with its path; the figures are kept either way.
 */
function readStatus(dates: unknown, notes: SkippedRecord[]): EventStatusObservation | undefined {
  if (!isObject(dates) || dates.status === undefined) return undefined;
  const raw = isObject(dates.status) ? dates.status.code : undefined;
  const status = typeof raw === 'string' ? eventStatusOf(raw) : undefined;
  if (status === undefined) {
    notes.push({
      path: 'dates.status.code',
      reason: `${raw === undefined ? 'missing' : `not a status: got ${JSON.stringify(raw)}`} (expected one of ${EVENT_STATUSES.join(', ')}); no status stored`,
      kind: 'dates.status.code: not a status',
    });
    return undefined;
  }
  const start = isObject(dates.start) ? dates.start.dateTime : undefined;
  const at = typeof start === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(start) ? new Date(start) : undefined;
  const startsAt = at !== undefined && !Number.isNaN(at.getTime()) ? at.toISOString() : null;
  if (status === 'rescheduled' && startsAt === null) {
    notes.push({
      path: 'dates.start.dateTime',
      reason: `rescheduled, but the new start is ${start === undefined ? 'missing' : `not an instant: got ${JSON.stringify(start)}`}; the event keeps its start`,
      kind: 'dates.start.dateTime: not an instant',
    });
  }
  return { status, path: 'dates.status.code', startsAt };
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
      const kind = code?.endsWith('QuotaViolation')
        ? 'daily quota used up'
        : code?.endsWith('SpikeArrestViolation')
          ? 'more than the allowed requests per second'
          : undefined;
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
    http.json(
      eventId,
      { path: `${TICKETMASTER_EVENT_PATH}${encodeURIComponent(eventId)}.json?${new URLSearchParams({ apikey: apiKey })}`, signal },
      describe,
    );
  const parse = (payload: unknown, eventId: string): FetchedPrices =>
    withShapeContext('ticketmaster', eventId, () => parseTicketmasterEvent(payload));
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
