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

function firstIssue(error: z.ZodError, prefix = ''): { path: string; reason: string } {
  const issue = error.issues[0];
  if (!issue) return { path: prefix, reason: 'invalid' };
  return { path: formatPath(issue.path, prefix), reason: issue.message };
}

/** Parses the envelope of a payload; a mismatch is a PayloadShapeError naming the field path. */
export function parseEnvelope<S extends z.ZodType>(schema: S, payload: unknown): z.infer<S> {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const { path, reason } = firstIssue(result.error);
  throw new PayloadShapeError(path, reason);
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
  toListing: (item: z.infer<S>) => NormalizedListing | SkipItem,
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
      const raw = itemSchema.safeParse(item);
      if (!raw.success) {
        const issue = firstIssue(raw.error, `${basePath}[${i}]`);
        skipped.push({ ...issue, kind: `${itemlessPath(issue.path)}: ${issue.reason}` });
        continue;
      }
      data = raw.data;
    }
    const candidate = toListing(data);
    if ('skip' in candidate) {
      skipped.push({ path: `${basePath}[${i}].${candidate.field}`, reason: candidate.skip, kind: `${basePath}[].${candidate.field}: ${candidate.kind}` });
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
      skipped.push({ path: `${itemPath} (normalized ${issue.path})`, reason: issue.reason, kind: `normalized ${issue.path}: ${issue.reason}` });
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
    allInHighest?: { value: number | null | undefined; path: string };
  },
  currency: { value: string; path: string },
): FetchedPrices & { kind: 'summary' } {
  const code = currencyCode(currency.value);
  if (!isCurrency(code)) {
    throw new PayloadShapeError(currency.path, `not an ISO 4217 currency code: "${currency.value}"`);
  }
  const skipped: SkippedRecord[] = [];
  const shape = priceSummarySchema.shape;
  type Figure = 'lowest' | 'average' | 'median' | 'highest' | 'listingCount' | 'ticketCount' | 'allInLowest' | 'allInHighest';
  const pick = (key: Figure): number | null => {
    const figure = figures[key];
    if (figure === undefined) return null;
    const { value, path } = figure;
    if (value === null || value === undefined) return null;
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
    allInHighest: pick('allInHighest'),
    currency: code,
  };
  return { kind: 'summary', summary, skipped };
}
