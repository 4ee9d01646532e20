import type { OfferedListing } from './together';

/**
 * Distinct supply: the same seats counted once (issue #24). Pure: no I/O, safe in workflows.
 *
 * Sellers (brokers above all) list the same seats on several marketplaces at once, so adding up
 * every marketplace's listings counts those seats once per marketplace. Two listings are taken for
 * the same seats ("linked") when all of these hold:
 *  - they are on different marketplaces (one marketplace never shows the same seats twice: two
 *    listings there are two offers);
 *  - the same section, as sameSectionKey compares it (case, runs of whitespace and a leading
 *    "Section" / "Sect" / "Sec" word ignored: Vivid Seats writes "Section 101" where others write
 *    "Sec 101" or "101"; "Promenade 316" and "316" stay different, since nothing says "Promenade"
 *    is noise);
 *  - the same row, as sameRowKey compares it (case, whitespace and a leading "Row" ignored); a row
 *    the marketplace hides (null or blank) never matches anything: we cannot tell;
 *  - the same quantity and the same currency;
 *  - both have an all-in price, and the higher is at most `tolerance` (SAME_SEATS_TOLERANCE, 20%)
 *    above the lower. A listing without an all-in price is never linked (counted as distinct):
 *    base prices are not compared instead, so one comparison never mixes bases.
 *
 * Linking is one to one per pair of marketplaces: a group of linked listings holds at most one
 * listing per marketplace, and every two listings in it are within the tolerance. Groups are built
 * greedily, closest all-in prices first (ties: marketplace names, then listing ids, in code-unit
 * order), so the result does not depend on the order of the listings.
 */

/**
 * How far apart, relatively, the all-in prices of the same seats on two marketplaces may be: the
 * higher at most 20% above the lower. Why: a seller asks the same price on every marketplace, and
 * each marketplace adds its own fees, so the all-in prices of the same seats differ by the fee
 * difference alone. Resale fees average 31% of the ticket price (US GAO, GAO-18-347, 2018: 31%
 * on the secondary market in its sample), some resale sites charge over 40% (the same report), and
 * the Vivid Seats capture in test/fixtures (trial/vs_real18.json) shows all-in over base from
 * 1.20 to 1.35. Fees between 20% and 44% give all-in prices at most 1.44 / 1.20 = 1.20 times apart;
 * prices further apart are not explained by fees and are taken for different offers.
 */
export const SAME_SEATS_TOLERANCE = 0.2;

/** Listings and tickets of one marketplace, or of all. */
export interface SupplyCount {
  listings: number;
  tickets: number;
}

/** One group of listings taken for the same seats: one listing on each of two or more marketplaces. */
export interface SameSeatsLink {
  /** Listing id by marketplace name. */
  listingIds: Record<string, string>;
  /** Section and row as the first marketplace of the group (by name) writes them. */
  section: string;
  row: string;
  quantity: number;
  currency: string;
}

export interface DistinctSupply {
  /** Every listing given, by marketplace (linked or not). */
  perMarketplace: Record<string, SupplyCount>;
  /** Sums over every marketplace: the same seats counted once per marketplace showing them. */
  listings: number;
  tickets: number;
  /** The same with each group of linked listings counted once. */
  distinctListings: number;
  distinctTickets: number;
  /** The groups, sorted by section, row, quantity, then listing ids. */
  links: SameSeatsLink[];
  /** The relative tolerance on all-in prices used (see SAME_SEATS_TOLERANCE). */
  tolerance: number;
}

const SECTION_WORD = /^(?:section|sect|sec)\b\.?\s*/;
const ROW_WORD = /^row\b\.?\s*/;

/** A section as distinct supply compares it: "Section 101", " sec. 101 " and "101" give "101"; "Promenade 316" stays "promenade 316". */
export function sameSectionKey(section: string): string {
  const s = collapse(section);
  const stripped = s.replace(SECTION_WORD, '');
  // A section named only "Section" (nothing after the word) keeps its name.
  return stripped === '' ? s : stripped;
}

/** A row as distinct supply compares it ("Row 14", "14" give "14"); null for a hidden row (null or blank), which never matches. */
export function sameRowKey(row: string | null): string | null {
  if (row === null) return null;
  const r = collapse(row);
  if (r === '') return null;
  const stripped = r.replace(ROW_WORD, '');
  return stripped === '' ? r : stripped;
}

function collapse(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Throws a RangeError naming the tolerance unless it is a finite number from 0 to 1. */
function assertTolerance(tolerance: number): void {
  if (!Number.isFinite(tolerance) || tolerance < 0 || tolerance > 1)
    throw new RangeError(`tolerance must be a number from 0 to 1 (a relative difference), got ${String(tolerance)}`);
}

/**
 * Whether two all-in prices are within `tolerance` of each other: the higher at most tolerance ×
 * the lower above it. Compared in whole cents and thousandths so that the boundary is exact
 * (240.00 and 288.00 are within 20%; 288.01 is not).
 */
export function withinTolerance(a: number, b: number, tolerance: number = SAME_SEATS_TOLERANCE): boolean {
  const lo = Math.round(Math.min(a, b) * 100);
  const hi = Math.round(Math.max(a, b) * 100);
  return hi * 1000 <= lo * Math.round((1 + tolerance) * 1000);
}

interface Group {
  members: OfferedListing[];
  marketplaces: Set<string>;
  low: number;
  high: number;
}

/**
 * Listings and tickets per marketplace and in all, and the same with the same seats counted once
 * (see the rule above). `tolerance` is a relative difference from 0 to 1 (default
 * SAME_SEATS_TOLERANCE); throws RangeError otherwise.
 */
export function distinctSupply(listings: readonly OfferedListing[], tolerance: number = SAME_SEATS_TOLERANCE): DistinctSupply {
  assertTolerance(tolerance);
  const perMarketplace: Record<string, SupplyCount> = {};
  let tickets = 0;
  const buckets = new Map<string, OfferedListing[]>();
  // An event's listings repeat a few dozen section and row spellings: each is normalized once.
  const sectionKeys = new Map<string, string>();
  const rowKeys = new Map<string, string | null>();
  for (const l of listings) {
    const m = (perMarketplace[l.marketplace] ??= { listings: 0, tickets: 0 });
    m.listings++;
    m.tickets += l.quantity;
    tickets += l.quantity;
    if (l.row === null || l.allInPrice === null) continue;
    let row = rowKeys.get(l.row);
    if (row === undefined) rowKeys.set(l.row, (row = sameRowKey(l.row)));
    if (row === null) continue;
    let section = sectionKeys.get(l.section);
    if (section === undefined) sectionKeys.set(l.section, (section = sameSectionKey(l.section)));
    // NUL cannot occur in the parts (text from JSON payloads, a number, an ISO code): an unambiguous key.
    const key = `${section}\u0000${row}\u0000${l.quantity}\u0000${l.currency}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(l);
    else buckets.set(key, [l]);
  }

  const links: SameSeatsLink[] = [];
  let mergedListings = 0;
  let mergedTickets = 0;
  for (const bucket of buckets.values()) {
    // Listings on one marketplace only are never the same seats (the usual bucket): nothing to pair.
    if (bucket.length < 2 || bucket.every((l) => l.marketplace === bucket[0]!.marketplace)) continue;
    for (const group of linkBucket(bucket, tolerance)) {
      const members = [...group.members].sort(byMarketplaceThenId);
      const first = members[0]!;
      links.push({
        listingIds: Object.fromEntries(members.map((l) => [l.marketplace, l.listingId])),
        section: first.section,
        row: first.row!,
        quantity: first.quantity,
        currency: first.currency,
      });
      mergedListings += members.length - 1;
      mergedTickets += (members.length - 1) * first.quantity;
    }
  }
  links.sort(
    (a, b) =>
      compare(a.section, b.section) ||
      compare(a.row, b.row) ||
      a.quantity - b.quantity ||
      compare(Object.values(a.listingIds).join('\n'), Object.values(b.listingIds).join('\n')),
  );
  return {
    perMarketplace,
    listings: listings.length,
    tickets,
    distinctListings: listings.length - mergedListings,
    distinctTickets: tickets - mergedTickets,
    links,
    tolerance,
  };
}

/** The groups of two or more linked listings among listings of the same seats key (section, row, quantity, currency). */
function linkBucket(bucket: readonly OfferedListing[], tolerance: number): Group[] {
  const pairs: { a: OfferedListing; b: OfferedListing; gap: number }[] = [];
  // Sorted once, so every pair (i < j) is in marketplace-then-id order.
  const sorted = [...bucket].sort(byMarketplaceThenId);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i]!;
      const b = sorted[j]!;
      // Two listings on one marketplace are never the same seats (the group check would refuse them too).
      if (a.marketplace === b.marketplace) continue;
      if (!withinTolerance(a.allInPrice!, b.allInPrice!, tolerance)) continue;
      pairs.push({ a, b, gap: Math.abs(Math.round(a.allInPrice! * 100) - Math.round(b.allInPrice! * 100)) });
    }
  }
  if (pairs.length === 0) return [];
  pairs.sort((x, y) => x.gap - y.gap || byMarketplaceThenId(x.a, y.a) || byMarketplaceThenId(x.b, y.b));

  const groupOf = new Map<OfferedListing, Group>();
  const groupFor = (l: OfferedListing): Group => {
    let g = groupOf.get(l);
    if (!g) groupOf.set(l, (g = { members: [l], marketplaces: new Set([l.marketplace]), low: l.allInPrice!, high: l.allInPrice! }));
    return g;
  };
  for (const { a, b } of pairs) {
    const ga = groupFor(a);
    const gb = groupFor(b);
    if (ga === gb) continue;
    // One listing per marketplace in a group, and every two members within the tolerance.
    if ([...gb.marketplaces].some((m) => ga.marketplaces.has(m))) continue;
    const low = Math.min(ga.low, gb.low);
    const high = Math.max(ga.high, gb.high);
    if (!withinTolerance(low, high, tolerance)) continue;
    for (const l of gb.members) {
      ga.members.push(l);
      ga.marketplaces.add(l.marketplace);
      groupOf.set(l, ga);
    }
    ga.low = low;
    ga.high = high;
  }
  return [...new Set(groupOf.values())].filter((g) => g.members.length > 1);
}

function byMarketplaceThenId(a: OfferedListing, b: OfferedListing): number {
  return compare(a.marketplace, b.marketplace) || compare(a.listingId, b.listingId);
}

/** Code-unit order, not the locale's: the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
