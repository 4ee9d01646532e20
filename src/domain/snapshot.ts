import { SUMMARY_ZONE, type Currency, type NormalizedListing, type PriceSummary } from './listing';
import type { PriceBasis } from './price-basis';

/**
 * Snapshot metrics of one scrape: pure functions over normalized listings (no I/O; safe in workflows).
 *
 * One scrape yields three levels of rows so that every reader works from the same table:
 *  - one row per (zone, section);
 *  - one row per zone with section = ZONE_TOTAL_SECTION (metrics over every listing of the zone,
 *    not averages of section averages);
 *  - one row for the whole event, zone = SUMMARY_ZONE ('ALL'), which is also the only row a
 *    summary-only marketplace produces, so "the whole event" means the same for every marketplace.
 */
export const ZONE_TOTAL_SECTION = '';

/** Group sizes whose lowest "together" price is kept. */
export const GROUP_SIZES = [2, 4] as const;

/** The price figures of one basis (see price-basis.ts) over a group of listings. */
export interface BasisFigures {
  /** Per-ticket prices; null when nothing is known on this basis (an empty scrape, a marketplace that does not give it). */
  lowestPrice: number | null;
  averagePrice: number | null;
  highestPrice: number | null;
  /** Lowest total price for 2 (4) tickets bought together from one listing, respecting its splits. */
  lowestPrice2: number | null;
  lowestPrice4: number | null;
}

/**
 * The figures of a group on both bases: the unprefixed ones before fees (`base`, the stored
 * columns lowest_price ...), the `allIn*` ones with fees (all_in_lowest_price ...). Each basis
 * is computed from the listings that give it; one is never filled from the other.
 */
export interface SnapshotMetrics extends BasisFigures {
  zone: string;
  /** A section name, or ZONE_TOTAL_SECTION for the row that covers the whole zone (or event). */
  section: string;
  allInLowestPrice: number | null;
  allInAveragePrice: number | null;
  allInHighestPrice: number | null;
  allInLowestPrice2: number | null;
  allInLowestPrice4: number | null;
  /** Null when the marketplace does not say (summary-only marketplaces). */
  totalTickets: number | null;
  totalListings: number | null;
  available: boolean;
  currency: Currency;
}

/** Prices are stored with cents; rounding here keeps what we compute equal to what SQL recomputes. */
export function roundCents(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Whether a buyer can take exactly `n` tickets from this listing: enough tickets, and either the
 * seller allows any split (empty `splits`) or lists `n` among the allowed purchase sizes.
 */
export function canSellTogether(listing: Pick<NormalizedListing, 'quantity' | 'splits'>, n: number): boolean {
  if (n < 1 || n > listing.quantity) return false;
  return listing.splits.length === 0 || listing.splits.includes(n);
}

/**
 * Metrics over one group of listings (a section, a zone, or the whole event), in one pass: it
 * runs for every section, zone and the event on every scrape. A listing counts for a group size
 * when canSellTogether says so (as cheapestTogether in src/domain/together.ts does across
 * marketplaces).
 */
export function metricsOf(
  zone: string,
  section: string,
  listings: readonly NormalizedListing[],
  fallbackCurrency: Currency = 'USD',
): SnapshotMetrics {
  const base = new BasisAccumulator();
  const allIn = new BasisAccumulator();
  let tickets = 0;
  // The most frequent currency; on a tie, the one that reached the top count first. Marketplaces
  // price an event in one currency, so this only decides for mixed data.
  let currency: Currency = fallbackCurrency;
  let currencyCount = 0;
  // Counted per currency only once a second one shows up (the usual group has one).
  let counts: Map<Currency, number> | null = null;
  for (const l of listings) {
    tickets += l.quantity;
    if (l.basePrice !== null) base.add(l.basePrice, l);
    if (l.allInPrice !== null) allIn.add(l.allInPrice, l);
    if (counts === null && (currencyCount === 0 || l.currency === currency)) {
      currency = l.currency;
      currencyCount++;
      continue;
    }
    counts ??= new Map([[currency, currencyCount]]);
    const c = (counts.get(l.currency) ?? 0) + 1;
    counts.set(l.currency, c);
    if (c > currencyCount) {
      currency = l.currency;
      currencyCount = c;
    }
  }
  const a = allIn.figures();
  return {
    zone,
    section,
    ...base.figures(),
    allInLowestPrice: a.lowestPrice,
    allInAveragePrice: a.averagePrice,
    allInHighestPrice: a.highestPrice,
    allInLowestPrice2: a.lowestPrice2,
    allInLowestPrice4: a.lowestPrice4,
    totalTickets: tickets,
    totalListings: listings.length,
    available: tickets > 0,
    currency,
  };
}

/** One basis's figures, accumulated listing by listing (metricsOf runs for every group of every scrape). */
class BasisAccumulator {
  private lowest: number | null = null;
  private highest: number | null = null;
  // Summed in whole cents: exact, so the average does not depend on the order of the listings.
  private sumCents = 0;
  private count = 0;
  private readonly together: (number | null)[] = GROUP_SIZES.map(() => null);

  add(p: number, l: Pick<NormalizedListing, 'quantity' | 'splits'>): void {
    if (this.lowest === null || p < this.lowest) this.lowest = p;
    if (this.highest === null || p > this.highest) this.highest = p;
    this.sumCents += Math.round(p * 100);
    this.count++;
    for (let g = 0; g < GROUP_SIZES.length; g++) {
      const n = GROUP_SIZES[g]!;
      if (!canSellTogether(l, n)) continue;
      const total = roundCents(p * n);
      const best = this.together[g]!;
      if (best === null || total < best) this.together[g] = total;
    }
  }

  /** Adds another group's figures: every figure is a minimum, a maximum or an exact sum, so merging equals adding its listings. */
  merge(o: BasisAccumulator): void {
    if (o.lowest !== null && (this.lowest === null || o.lowest < this.lowest)) this.lowest = o.lowest;
    if (o.highest !== null && (this.highest === null || o.highest > this.highest)) this.highest = o.highest;
    this.sumCents += o.sumCents;
    this.count += o.count;
    for (let g = 0; g < GROUP_SIZES.length; g++) {
      const t = o.together[g]!;
      const best = this.together[g]!;
      if (t !== null && (best === null || t < best)) this.together[g] = t;
    }
  }

  figures(): BasisFigures {
    return {
      lowestPrice: this.lowest,
      averagePrice: this.count > 0 ? Math.round(this.sumCents / this.count) / 100 : null,
      highestPrice: this.highest,
      lowestPrice2: this.together[0]!,
      lowestPrice4: this.together[1]!,
    };
  }
}

/** A group's figures on both bases and its counts, for groups whose listings share one currency. */
class GroupAccumulator {
  readonly base = new BasisAccumulator();
  readonly allIn = new BasisAccumulator();
  tickets = 0;
  listings = 0;

  add(l: NormalizedListing): void {
    this.tickets += l.quantity;
    this.listings++;
    if (l.basePrice !== null) this.base.add(l.basePrice, l);
    if (l.allInPrice !== null) this.allIn.add(l.allInPrice, l);
  }

  merge(o: GroupAccumulator): void {
    this.base.merge(o.base);
    this.allIn.merge(o.allIn);
    this.tickets += o.tickets;
    this.listings += o.listings;
  }

  metrics(zone: string, section: string, currency: Currency): SnapshotMetrics {
    // Every field written out (no spread of figures()): ~190 of these per scrape.
    const b = this.base.figures();
    const a = this.allIn.figures();
    return {
      zone,
      section,
      lowestPrice: b.lowestPrice,
      averagePrice: b.averagePrice,
      highestPrice: b.highestPrice,
      lowestPrice2: b.lowestPrice2,
      lowestPrice4: b.lowestPrice4,
      allInLowestPrice: a.lowestPrice,
      allInAveragePrice: a.averagePrice,
      allInHighestPrice: a.highestPrice,
      allInLowestPrice2: a.lowestPrice2,
      allInLowestPrice4: a.lowestPrice4,
      totalTickets: this.tickets,
      totalListings: this.listings,
      available: this.tickets > 0,
      currency,
    };
  }
}

/**
 * computeSnapshots with each listing visited once, not once per level (section, zone, event:
 * a third of the time on a 5,000-listing scrape): every listing goes into its section's
 * figures, and a zone's and the event's figures are merged from them, which equals metricsOf over
 * the same listings. Only for a scrape in one currency (metricsOf picks a mixed group's currency
 * by the order of its listings): `snapshots` returns null once a second currency was added.
 */
class SnapshotBuilder {
  private readonly zones = new Map<string, Map<string, GroupAccumulator>>();
  private currency: Currency | null = null;
  private mixed = false;

  add(l: NormalizedListing): void {
    if (this.currency === null) this.currency = l.currency;
    else if (l.currency !== this.currency) this.mixed = true;
    let sections = this.zones.get(l.zone);
    if (!sections) this.zones.set(l.zone, (sections = new Map()));
    let group = sections.get(l.section);
    if (!group) sections.set(l.section, (group = new GroupAccumulator()));
    group.add(l);
  }

  /** The rows computeSnapshots(listings added, fallbackCurrency) returns, in its order; null for a scrape in more than one currency. */
  snapshots(fallbackCurrency: Currency = 'USD'): SnapshotMetrics[] | null {
    if (this.mixed) return null;
    const currency = this.currency ?? fallbackCurrency;
    const out: SnapshotMetrics[] = [];
    const event = new GroupAccumulator();
    for (const zone of [...this.zones.keys()].sort()) {
      const sections = this.zones.get(zone)!;
      const zoneGroup = new GroupAccumulator();
      for (const section of [...sections.keys()].sort()) {
        const group = sections.get(section)!;
        out.push(group.metrics(zone, section, currency));
        zoneGroup.merge(group);
      }
      if (zone !== SUMMARY_ZONE) out.push(zoneGroup.metrics(zone, ZONE_TOTAL_SECTION, currency));
      event.merge(zoneGroup);
    }
    out.push(event.metrics(SUMMARY_ZONE, ZONE_TOTAL_SECTION, currency));
    return out;
  }
}

/**
 * Every snapshot row of a listings scrape: per section, per zone, and for the whole event.
 * An empty scrape still yields the event row (available = false), which records a sell-out.
 * Prices are expected with at most cent precision (persistScrape rounds them first).
 */
export function computeSnapshots(listings: readonly NormalizedListing[], fallbackCurrency: Currency = 'USD'): SnapshotMetrics[] {
  const builder = new SnapshotBuilder();
  for (const l of listings) builder.add(l);
  return builder.snapshots(fallbackCurrency) ?? snapshotsByGroup(listings, fallbackCurrency);
}

/** computeSnapshots for a scrape in several currencies: metricsOf over each group's listings. */
function snapshotsByGroup(listings: readonly NormalizedListing[], fallbackCurrency: Currency): SnapshotMetrics[] {
  const byZone = new Map<string, Map<string, NormalizedListing[]>>();
  for (const l of listings) {
    let sections = byZone.get(l.zone);
    if (!sections) byZone.set(l.zone, (sections = new Map()));
    const list = sections.get(l.section);
    if (list) list.push(l);
    else sections.set(l.section, [l]);
  }
  const out: SnapshotMetrics[] = [];
  const zones = [...byZone.keys()].sort();
  for (const zone of zones) {
    const sections = byZone.get(zone)!;
    const zoneListings: NormalizedListing[] = [];
    for (const section of [...sections.keys()].sort()) {
      const list = sections.get(section)!;
      out.push(metricsOf(zone, section, list, fallbackCurrency));
      zoneListings.push(...list);
    }
    // A marketplace zone literally named like the event row would collide with it: the event row wins.
    if (zone !== SUMMARY_ZONE) out.push(metricsOf(zone, ZONE_TOTAL_SECTION, zoneListings, fallbackCurrency));
  }
  out.push(metricsOf(SUMMARY_ZONE, ZONE_TOTAL_SECTION, listings, fallbackCurrency));
  return out;
}

/** The single event-level row of a summary-only marketplace. */
export function summarySnapshot(summary: PriceSummary): SnapshotMetrics {
  const round = (v: number | null): number | null => (v === null ? null : roundCents(v));
  const tickets = summary.ticketCount;
  const listings = summary.listingCount;
  const known = tickets ?? listings;
  return {
    zone: SUMMARY_ZONE,
    section: ZONE_TOTAL_SECTION,
    lowestPrice: round(summary.lowest),
    averagePrice: round(summary.average),
    highestPrice: round(summary.highest),
    lowestPrice2: null,
    lowestPrice4: null,
    allInLowestPrice: round(summary.allInLowest ?? null),
    allInAveragePrice: round(summary.allInAverage ?? null),
    allInHighestPrice: round(summary.allInHighest ?? null),
    allInLowestPrice2: null,
    allInLowestPrice4: null,
    totalTickets: tickets,
    totalListings: listings,
    // Without counts, a lowest price still proves something is for sale.
    available: known !== null ? known > 0 : summary.lowest !== null || (summary.allInLowest ?? null) !== null || summary.onSale === true,
    currency: summary.currency,
  };
}

/**
 * The currency of a scrape: the one most of its listings are priced in (on a tie, the first to
 * reach the top count). Listings in any other currency are left out of its aggregates. Reads
 * `currency` of each item without validating it (validation comes after); null when none has one.
 */
export function dominantCurrency(items: readonly unknown[]): Currency | null {
  let best: string | null = null;
  let bestCount = 0;
  let counts: Map<string, number> | null = null;
  for (const item of items) {
    const c = typeof item === 'object' && item !== null ? (item as { currency?: unknown }).currency : undefined;
    if (typeof c !== 'string') continue;
    if (counts === null && (best === null || c === best)) {
      best = c;
      bestCount++;
      continue;
    }
    counts ??= new Map([[best!, bestCount]]);
    const n = (counts.get(c) ?? 0) + 1;
    counts.set(c, n);
    if (n > bestCount) {
      best = c;
      bestCount = n;
    }
  }
  return best;
}

/** The event row's lowest price on a basis: what a scrape reports as its headline figure. */
export function eventLowest(snapshots: readonly SnapshotMetrics[], basis: PriceBasis = 'all-in'): number | null {
  const row = snapshots.find((s) => s.zone === SUMMARY_ZONE && s.section === ZONE_TOTAL_SECTION);
  if (!row) return null;
  return (basis === 'all-in' ? row.allInLowestPrice : row.lowestPrice) ?? null;
}
