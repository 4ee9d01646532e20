import { EVENT_STATUSES, type EventStatus } from '../domain/event-status';
import {
  countSkipped,
  isNormalizedListing,
  normalizedListingSchema,
  priceSummarySchema,
  type FetchedPrices,
  type NormalizedListing,
  type SkippedRecord,
} from '../domain/listing';
import { assessScrape, type ScrapeHealth, type ScrapeHealthSettings } from '../domain/scrape-health';
import { dominantCurrency, eventLowest, roundCents, summarySnapshot, type SnapshotMetrics } from '../domain/snapshot';

/**
 * The assess step of a scrape, pure (no I/O): each listing validated, the snapshot figures, the
 * skipped counted by reason, and the health mark (domain/scrape-health). The store step
 * (./store.ts) runs it inside its transaction, since the mark needs the previous scrape's count.
 */

export const MAX_REJECTED_REPORTED = 50;

/** The status to store: only one of the known ones (the column's CHECK holds the same list). */
function eventStatusOfFetched(fetched: FetchedPrices): EventStatus | null {
  const s = fetched.eventStatus?.status;
  return s !== undefined && (EVENT_STATUSES as readonly string[]).includes(s) ? s : null;
}

interface Validated {
  listings: NormalizedListing[];
  rejected: SkippedRecord[];
  rejectedCount: number;
}

/**
 * Validates listings one at a time with the domain schema, so one bad row (negative or absurd
 * price, zero quantity, unknown currency) is counted and reported while the rest is stored.
 * Prices are rounded to cents here, once, so the snapshot computed in TypeScript equals what SQL
 * would recompute from the stored rows. A repeated listing id is kept once (the first one).
 */
export class ListingValidator implements Validated {
  readonly listings: NormalizedListing[] = [];
  readonly rejected: SkippedRecord[] = [];
  rejectedCount = 0;
  private readonly seen = new Set<string>();

  /**
   * `currency`: the scrape's currency (the most frequent one among its listings). A listing in
   * another currency is rejected with its reason: one aggregate never mixes currencies.
   */
  constructor(private readonly currency: string | null = null) {}

  /** The listing as it will be stored, or null when it was rejected (and recorded as such). */
  accept(raw: unknown, i: number): NormalizedListing | null {
    // The guard says yes only where the schema would return an equal object; anything else
    // goes through the schema, which decides (and says why).
    let l: NormalizedListing;
    if (isNormalizedListing(raw)) l = raw;
    else {
      const parsed = normalizedListingSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
        return this.reject(`listings[${i}]${field}`, issue.message, `listings[]${field.replace(/\[\d+\]/g, '[]')}: ${issue.message}`);
      }
      l = parsed.data;
    }
    const base = l.basePrice === null ? null : roundCents(l.basePrice);
    const allIn = l.allInPrice === null ? null : roundCents(l.allInPrice);
    const net = l.sellerNetProceeds === null ? null : roundCents(l.sellerNetProceeds);
    if ((base !== null && base <= 0) || (allIn !== null && allIn <= 0) || (net !== null && net <= 0)) {
      const field = base !== null && base <= 0 ? 'basePrice' : allIn !== null && allIn <= 0 ? 'allInPrice' : 'sellerNetProceeds';
      return this.reject(`listings[${i}].${field}`, 'must be at least 0.01');
    }
    if (base !== null && allIn !== null && allIn < base) {
      // Also checked by every parser; a listing built elsewhere (an archive import, a test) meets it here.
      return this.reject(
        `listings[${i}].allInPrice`,
        `all-in price ${allIn} is below the price before fees ${base}; neither basis is stored`,
        'listings[].allInPrice: below the price before fees',
      );
    }
    if (this.currency !== null && l.currency !== this.currency) {
      return this.reject(
        `listings[${i}].currency`,
        `${l.currency} differs from the scrape's ${this.currency}; prices in two currencies are never aggregated together`,
        `listings[].currency: not the scrape's currency`,
      );
    }
    if (this.seen.has(l.listingId))
      return this.reject(
        `listings[${i}].listingId`,
        `duplicate listing id "${l.listingId}" in this scrape`,
        'listings[].listingId: duplicate in this scrape',
      );
    this.seen.add(l.listingId);
    const stored =
      base === l.basePrice && allIn === l.allInPrice && net === l.sellerNetProceeds
        ? l
        : { ...l, basePrice: base, allInPrice: allIn, sellerNetProceeds: net };
    this.listings.push(stored);
    return stored;
  }

  /** Every rejection counted by kind (the reported records themselves are capped). */
  readonly kinds = new Map<string, number>();

  private reject(path: string, reason: string, kind?: string): null {
    this.rejectedCount++;
    const k = kind ?? `${path.replace(/\[\d+\]/g, '[]')}: ${reason}`;
    this.kinds.set(k, (this.kinds.get(k) ?? 0) + 1);
    if (this.rejected.length < MAX_REJECTED_REPORTED) this.rejected.push({ path, reason, kind: k });
    return null;
  }
}

/** Validates a whole scrape's listings (see ListingValidator); persistScrape does the same row by row. */
export function validateListings(raw: readonly unknown[]): Validated {
  const v = new ListingValidator(dominantCurrency(raw));
  for (let i = 0; i < raw.length; i++) v.accept(raw[i], i);
  return { listings: v.listings, rejected: v.rejected, rejectedCount: v.rejectedCount };
}

/** What a scrape's payload came to, once validated: written by claimAndFinishScrape (./queries/store.ts). */
export interface ScrapeContents {
  listingsStored: number;
  rejected: SkippedRecord[];
  rejectedCount: number;
  /** Validation's rejections counted by kind (all of them, not only the reported ones). */
  rejectedKinds: Map<string, number>;
  snapshots: SnapshotMetrics[];
}

/** The contents of a summary-only payload: its one event-level snapshot, or its first issue as a rejection. */
export function summaryContents(raw: unknown): ScrapeContents {
  const summary = priceSummarySchema.safeParse(raw);
  if (summary.success)
    return { listingsStored: 0, rejected: [], rejectedCount: 0, rejectedKinds: new Map(), snapshots: [summarySnapshot(summary.data)] };
  const issue = summary.error.issues[0]!;
  const path = `summary.${issue.path.map(String).join('.')}`;
  return {
    listingsStored: 0,
    rejected: [{ path, reason: issue.message }],
    rejectedCount: 1,
    rejectedKinds: new Map([[`${path}: ${issue.message}`, 1]]),
    snapshots: [],
  };
}

/** The figures a stored scrape carries besides its contents: the headline price, its counts and its health mark. */
export interface ScrapeAssessment {
  /** Lowest per-ticket price of the whole event in this scrape, before fees (`base`). */
  lowestPrice: number | null;
  /** The same, all in (`all-in`). */
  allInLowestPrice: number | null;
  /** Listing items the payload held; null for a summary. */
  items: number | null;
  /** Everything skipped (by the parser and by validation), counted by reason. */
  skippedByReason: { kind: string; count: number }[];
  health: ScrapeHealth;
  /** The event's status as the payload stated it; null when its format carries none. */
  eventStatus: EventStatus | null;
}

/**
 * Assesses a validated scrape. `previousStored`: listings the previous scrape of the event on the
 * marketplace stored (null when there is none, or when it was not looked up: only an empty
 * listings scrape needs it).
 */
export function assessContents(
  fetched: FetchedPrices,
  contents: ScrapeContents,
  previousStored: number | null,
  settings: ScrapeHealthSettings,
): ScrapeAssessment {
  const { snapshots, rejected, listingsStored } = contents;
  const lowestPrice = eventLowest(snapshots, 'base');
  const allInLowestPrice = eventLowest(snapshots, 'all-in');
  const items = fetched.kind === 'listings' ? (fetched.items ?? fetched.listings.length + fetched.skipped.length) : null;
  const skippedByReason = mergeCounts(countSkipped(fetched.skipped), contents.rejectedKinds);
  const allSkipped = [...fetched.skipped, ...rejected];
  const eventStatus = eventStatusOfFetched(fetched);
  const health = assessScrape(
    {
      kind: fetched.kind,
      // A summary's items are its figures (or price ranges): its skipped share counts too.
      items: items ?? fetched.items ?? 0,
      parsed: fetched.kind === 'listings' ? fetched.listings.length : 0,
      stored: listingsStored,
      skipped: padSkipped(allSkipped, skippedByReason),
      declared: fetched.declared,
      missing: fetched.missing,
      previousStored,
    },
    settings,
  );
  return { lowestPrice, allInLowestPrice, items, skippedByReason, health, eventStatus };
}

/** Counts by kind from the parser and from validation, added up, most frequent first. */
function mergeCounts(parsed: { kind: string; count: number }[], validated: Map<string, number>): { kind: string; count: number }[] {
  const all = new Map(parsed.map((p) => [p.kind, p.count]));
  for (const [k, n] of validated) all.set(k, (all.get(k) ?? 0) + n);
  return [...all].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
}

/**
 * The skipped records the assessment counts: the reported ones, plus placeholders for rejections
 * beyond the reported cap, so the skipped share is computed from every skipped item.
 */
function padSkipped(reported: SkippedRecord[], byReason: { kind: string; count: number }[]): SkippedRecord[] {
  const total = byReason.reduce((n, k) => n + k.count, 0);
  if (reported.length >= total) return reported;
  const out = [...reported];
  for (let i = reported.length; i < total; i++)
    out.push({ path: '(not reported)', reason: 'rejected beyond the reported cap', kind: 'rejected beyond the reported cap' });
  return out;
}
