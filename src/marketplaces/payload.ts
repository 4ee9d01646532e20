import { z } from 'zod';
import {
  currencyCode,
  isCurrency,
  isNormalizedListing,
  normalizedListingSchema,
  priceSummarySchema,
  type FetchedPrices,
  type NormalizedListing,
  type PriceSummary,
  type SkippedRecord,
} from '../domain/listing';
import { PayloadShapeError } from './errors';

/**
 * Shared pieces of payload normalization: zod helpers for the marketplaces' loose JSON, paths
 * named the way an operator reads them (`tickets[3].p`), and the rule that one malformed
 * listing is skipped and counted while a wrong envelope fails the whole payload.
 */

/** "tickets", 3, "p" -> "tickets[3].p" */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * An issue in words that tell "missing" from "not a number", with what was there:
 * "missing (expected a number)", "not a number: got \"187\"".
 */
function describeIssue(issue: z.core.$ZodIssue): { reason: string; kind: string } {
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
    const expected = issue.code === 'invalid_type' ? issue.expected : 'string or number';
    if (input === undefined) return { reason: `missing (expected ${article(expected)})`, kind: 'missing' };
    if (input === null) return { reason: `null (expected ${article(expected)})`, kind: 'null' };
    return { reason: `not ${article(expected)}: got ${shortJson(input)}`, kind: `not ${article(expected)}` };
  }
  return { reason: issue.message, kind: issue.message };
}

const article = (what: string): string => (/^[aeiou]/.test(what) ? `an ${what}` : `a ${what}`);

function shortJson(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isObject(value)) return `an object with ${Object.keys(value).slice(0, 6).join(', ') || 'no keys'}`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

function firstIssue(error: z.ZodError, prefix = ''): { path: string; reason: string; kind: string } {
  const issue = error.issues[0];
  if (!issue) return { path: prefix, reason: 'invalid', kind: 'invalid' };
  return { path: formatPath(issue.path, prefix), ...describeIssue(issue) };
}

/** A plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * "; found statistics" when `container` holds keys that look like a renamed `key` (one contains
 * the other, case and separators aside), else "". For messages about a missing field.
 */
export function similarKeys(container: unknown, key: string): string {
  if (!isObject(container)) return '';
  const norm = (k: string): string =>
    k
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .replace(/s$/, '');
  const want = norm(key);
  const found = Object.keys(container).filter((k) => k !== key && (norm(k).includes(want) || want.includes(norm(k))) && norm(k).length > 1);
  return found.length > 0 ? `; found ${found.join(', ')}` : '';
}

/** The value at a dotted path ("_embedded.events"), or undefined. */
function at(value: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), value);
}

/** What a payload looks like, in words, for a message about a wrong outer shape. */
export function describePayload(payload: unknown, wrappers: readonly { key: string; what: string }[] = []): string {
  if (Array.isArray(payload)) return `an array of ${payload.length} item(s)`;
  if (!isObject(payload)) return payload === null ? 'null' : `a ${typeof payload}`;
  for (const w of wrappers) {
    const inner = at(payload, w.key);
    if (inner !== undefined) return `${w.what}${Array.isArray(inner) ? ` (${inner.length} item(s))` : ''}`;
  }
  const keys = Object.keys(payload);
  return keys.length === 0
    ? 'an empty object'
    : `an object with ${keys
        .slice(0, 8)
        .map((k) => `\`${k}\``)
        .join(', ')}${keys.length > 8 ? ', ...' : ''}`;
}

export interface EnvelopeDescription {
  /** What the payload should be, e.g. "a SeatGeek event object (GET /2/events/ID)". */
  expected: string;
  /** Known wrong payloads recognized by a key they hold (dotted path), e.g. a search response's `events`. */
  wrappers?: readonly { key: string; what: string }[];
}

/**
 * Parses the envelope of a payload; a mismatch is a PayloadShapeError naming the field path. With
 * a description, a payload of the wrong outer shape (not an object, a known wrapper, or none of
 * the top-level fields the format needs) says what it looks like and what was expected.
 */
export function parseEnvelope<S extends z.ZodType>(schema: S, payload: unknown, description?: EnvelopeDescription): z.infer<S> {
  const result = schema.safeParse(payload, { reportInput: true });
  if (result.success) return result.data;
  if (description) {
    const issue = result.error.issues[0];
    const topLevel = issue !== undefined && issue.path.length <= 1;
    const wrapped = (description.wrappers ?? []).some((w) => at(payload, w.key) !== undefined);
    const notObject = !isObject(payload);
    if (notObject || wrapped || (topLevel && (issue as { input?: unknown }).input === undefined && !hasAnyKeyOf(payload, schema))) {
      throw new PayloadShapeError('', `expected ${description.expected}; got ${describePayload(payload, description.wrappers)}`);
    }
  }
  const { path, reason } = firstIssue(result.error);
  throw new PayloadShapeError(path, reason);
}

/** True when the payload holds at least one of the object schema's top-level keys. */
function hasAnyKeyOf(payload: unknown, schema: z.ZodType): boolean {
  if (!isObject(payload) || !(schema instanceof z.ZodObject)) return false;
  return Object.keys(schema.shape as Record<string, unknown>).some((k) => k in payload);
}

/** Text or a number, left for the normalizer to convert (cheaper than a zod transform per field). */
export const textOrNumber = z.union([z.string(), z.number()]);

/**
 * A number from text or a number: the numeric value, or undefined when it is not one ("n/a", "").
 * Kept out of zod on purpose: it runs for every field of every listing.
 */
export function toNumber(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** An identifier that may arrive as a number or a string; always a string after parsing. */
export const idish = z.union([z.string().min(1), z.number().int().transform(String)]);

export { isCurrency };

/** "tickets[3].p" -> "tickets[].p": the path of every item's field, for counting by reason. */
export function itemlessPath(path: string): string {
  return path.replace(/\[\d+\]/g, '[]');
}

/** A listing item the normalizer gives up on: why (with the item's value), which field, and the reason's kind. */
export interface SkipItem {
  skip: string;
  field: string;
  /** The reason without the item's own values ("not a number"); counted per field path. */
  kind: string;
}

/**
 * Maps every raw item to a listing: the item is parsed with `itemSchema`, converted with
 * `toListing`, and validated with the normalized schema; any failure skips (and counts) only
 * that item, with the path of what was wrong.
 */
export function normalizeListings<S extends z.ZodType>(
  items: readonly unknown[],
  basePath: string,
  itemSchema: S,
  /** `index`: the item's position in `items`, for paths of what it records beside the listing. */
  toListing: (item: z.infer<S>, index: number) => NormalizedListing | SkipItem,
  /**
   * A quick yes to "does `itemSchema` accept this item unchanged?" (no transforms in the schema):
   * it saves zod's per-item copy on the hot path. Anything it does not accept goes through the
   * schema, which decides and gives the reason.
   */
  guard?: (item: unknown) => item is z.infer<S>,
): FetchedPrices & { kind: 'listings'; items: number } {
  const listings: NormalizedListing[] = [];
  const skipped: SkippedRecord[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    let data: z.infer<S>;
    if (guard?.(item)) data = item;
    else {
      const raw = itemSchema.safeParse(item, { reportInput: true });
      if (!raw.success) {
        const issue = firstIssue(raw.error, `${basePath}[${i}]`);
        skipped.push({ path: issue.path, reason: issue.reason, kind: `${itemlessPath(issue.path)}: ${issue.kind}` });
        continue;
      }
      data = raw.data;
    }
    const candidate = toListing(data, i);
    if ('skip' in candidate) {
      skipped.push({
        path: `${basePath}[${i}].${candidate.field}`,
        reason: candidate.skip,
        kind: `${basePath}[].${candidate.field}: ${candidate.kind}`,
      });
      continue;
    }
    if (candidate.allInPrice !== null && candidate.basePrice !== null && candidate.allInPrice < candidate.basePrice) {
      // What the buyer pays with fees cannot be less than without them: one of the two is wrong,
      // and which cannot be told, so neither basis of this listing is stored.
      skipped.push({
        path: `${basePath}[${i}]`,
        reason: `price before fees ${candidate.basePrice} is above the all-in price ${candidate.allInPrice}`,
        kind: `${basePath}[]: impossible figure (before fees above all-in)`,
      });
      continue;
    }
    if (isNormalizedListing(candidate)) {
      listings.push(candidate);
      continue;
    }
    const itemPath = `${basePath}[${i}]`;
    const checked = normalizedListingSchema.safeParse(candidate);
    if (!checked.success) {
      const issue = firstIssue(checked.error);
      skipped.push({
        path: `${itemPath} (normalized ${issue.path})`,
        reason: issue.reason,
        kind: `normalized ${issue.path}: ${issue.kind}`,
      });
      continue;
    }
    listings.push(checked.data);
  }
  return { kind: 'listings', listings, skipped, items: items.length };
}

/**
 * A summary from raw figures: each figure that is not a valid price (zero, negative, absurd)
 * becomes null and is recorded as skipped, so one bad figure does not lose the others.
 */
export function normalizeSummary(
  figures: { [K in 'lowest' | 'average' | 'median' | 'highest']: { value: number | null | undefined; path: string } } & {
    listingCount: { value: number | null | undefined; path: string };
    ticketCount: { value: number | null | undefined; path: string };
    allInLowest?: { value: number | null | undefined; path: string };
    allInAverage?: { value: number | null | undefined; path: string };
    allInMedian?: { value: number | null | undefined; path: string };
    allInHighest?: { value: number | null | undefined; path: string };
  },
  currency: { value: string; path: string },
  /**
   * Set for a format that writes 0 for a price it does not show (SeatGeek's stats of an event
   * without listings): why, in words. A price figure of 0 is then null and recorded in
   * `notGiven` with this reason, not skipped (not drift). Counts are never affected (0 is a count).
   */
  zeroNotGiven?: string,
): FetchedPrices & { kind: 'summary' } {
  const code = currencyCode(currency.value);
  if (!isCurrency(code)) {
    throw new PayloadShapeError(currency.path, `not an ISO 4217 currency code: "${currency.value}"`);
  }
  const skipped: SkippedRecord[] = [];
  const notGiven: SkippedRecord[] = [];
  const shape = priceSummarySchema.shape;
  type Figure =
    | 'lowest'
    | 'average'
    | 'median'
    | 'highest'
    | 'listingCount'
    | 'ticketCount'
    | 'allInLowest'
    | 'allInAverage'
    | 'allInMedian'
    | 'allInHighest';
  const pick = (key: Figure): number | null => {
    const figure = figures[key];
    if (figure === undefined) return null;
    const { value, path } = figure;
    if (value === null || value === undefined) return null;
    if (value === 0 && zeroNotGiven !== undefined && key !== 'listingCount' && key !== 'ticketCount') {
      notGiven.push({ path, reason: `0: ${zeroNotGiven}; stored as null`, kind: `${path}: 0 (not given)` });
      return null;
    }
    const ok = shape[key].safeParse(value);
    if (ok.success) return ok.data ?? null;
    const reason = ok.error.issues[0]?.message ?? 'invalid';
    skipped.push({ path, reason: `${reason} (got ${value}); recorded as null`, kind: `${path}: ${reason}` });
    return null;
  };
  const summary: PriceSummary = {
    lowest: pick('lowest'),
    average: pick('average'),
    median: pick('median'),
    highest: pick('highest'),
    listingCount: pick('listingCount'),
    ticketCount: pick('ticketCount'),
    allInLowest: pick('allInLowest'),
    allInAverage: pick('allInAverage'),
    allInMedian: pick('allInMedian'),
    allInHighest: pick('allInHighest'),
    currency: code,
  };
  // Impossible together: which of the two is wrong cannot be told, so neither is kept.
  const impossible = (low: Figure, high: Figure, what: string): void => {
    const a = summary[low];
    const b = summary[high];
    if (a === null || a === undefined || b === null || b === undefined || a <= b) return;
    const lowPath = figures[low]?.path ?? low;
    const highPath = figures[high]?.path ?? high;
    for (const [key, path] of [
      [low, lowPath],
      [high, highPath],
    ] as const) {
      summary[key] = null;
      skipped.push({
        path,
        reason: `${lowPath} ${a} is above ${highPath} ${b} (${what}); both recorded as null`,
        kind: `${path}: impossible figure (${what})`,
      });
    }
  };
  impossible('lowest', 'highest', 'lowest above highest');
  impossible('allInLowest', 'allInHighest', 'lowest above highest');
  impossible('lowest', 'allInLowest', 'before fees above all-in');
  impossible('highest', 'allInHighest', 'before fees above all-in');
  return { kind: 'summary', summary, skipped, ...(notGiven.length > 0 ? { notGiven } : {}) };
}
