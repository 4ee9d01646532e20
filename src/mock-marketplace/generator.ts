/**
 * Deterministic market for the mock marketplace: for any (seed, event id) a venue layout of
 * zones and sections, a pool of listings that appear and sell out over the weeks before the
 * event, and prices that drift and react to demand as the event nears. Time is an input, so the
 * same (seed, id, time) always gives the same market. Pure: no I/O.
 */

import type { MarketplaceName } from '../domain/listing';
import { seededRandom } from '../domain/random';

const DAY = 86_400_000;

/** FNV-1a, 32 bits. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface MockZone {
  id: string;
  name: string;
  /** Typical resale price per ticket in this zone, before demand. */
  basePrice: number;
  /** Printed (face) value, what Ticketmaster's priceRanges show. */
  faceValue: number;
  sections: { id: string; name: string }[];
}

export interface MockListing {
  id: string;
  zone: MockZone;
  section: { id: string; name: string };
  row: string;
  quantity: number;
  /** Allowed purchase sizes; empty = any. */
  splits: number[];
  basePrice: number;
  listedAt: number;
  /** When it sells out; Infinity if it never does. */
  soldAt: number;
  phase: number;
}

export interface MockEvent {
  /** The seed it was generated from (each marketplace's price level for it derives from it too). */
  seed: number;
  id: string;
  name: string;
  venue: string;
  startsAt: number;
  /** Above 1 a hot event (prices climb as it nears), below 1 a soft one (sellers cut late). */
  popularity: number;
  currency: 'USD';
  zones: MockZone[];
  pool: MockListing[];
}

const VENUES = ['Harbor Arena', 'Riverside Stadium', 'Civic Center', 'Lakeside Amphitheater', 'Union Hall'];
const ACTS = ['The Midnight Echo', 'Northbound', 'Aurora Lane', 'City Hawks vs. Bay Rangers', 'Static Bloom', 'Velvet Parade'];

const ZONE_TEMPLATES: { name: string; base: number; sections: (r: () => number) => string[] }[] = [
  { name: 'Floor', base: 260, sections: (r) => range(1 + Math.floor(r() * 4)).map((i) => `Floor ${String.fromCharCode(65 + i)}`) },
  { name: 'Lower Level', base: 165, sections: (r) => range(6 + Math.floor(r() * 10)).map((i) => String(101 + i)) },
  { name: 'Club', base: 210, sections: (r) => range(2 + Math.floor(r() * 4)).map((i) => `Club ${201 + i}`) },
  { name: 'Upper Level', base: 72, sections: (r) => range(8 + Math.floor(r() * 12)).map((i) => String(301 + i)) },
];

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The event for an id: same seed and id, same event, whatever the time. */
/** `poolSize` fixes how many listings an event ever has (load tests); by default 80 to 300. */
export function generateEvent(seed: number, eventId: string, epochMs: number, poolSize?: number): MockEvent {
  const r = seededRandom(hash32(`${seed}:${eventId}`));
  const popularity = 0.6 + r() * 1.4;
  const startsAt = epochMs + Math.floor(7 + r() * 90) * DAY + 19 * 3_600_000;
  const zones: MockZone[] = ZONE_TEMPLATES.filter((_, i) => i !== 2 || r() < 0.6).map((t, zi) => {
    const basePrice = round2(t.base * popularity * (0.85 + r() * 0.3));
    return {
      id: String(30 + zi),
      name: t.name,
      basePrice,
      faceValue: round2(t.base * (0.45 + r() * 0.2)),
      sections: t.sections(r).map((name, si) => ({ id: `${zi + 1}${String(si).padStart(3, '0')}`, name })),
    };
  });
  const drawnPoolSize = 80 + Math.floor(r() * 220);
  const pool: MockListing[] = [];
  for (let i = 0; i < (poolSize ?? drawnPoolSize); i++) {
    const zone = zones[Math.floor(r() * zones.length)]!;
    const section = zone.sections[Math.floor(r() * zone.sections.length)]!;
    const quantity = 1 + Math.floor(r() * 8);
    const pairs = quantity % 2 === 0 && r() < 0.5;
    const basePrice = round2(zone.basePrice * Math.exp((r() - 0.5) * 0.7));
    const listedAt = startsAt - (1 + r() * 119) * DAY;
    // Cheaper listings sell sooner; a hot event sells faster; some never sell.
    const cheapness = zone.basePrice / basePrice;
    const meanDaysToSell = 25 / (popularity * cheapness);
    const soldAt = r() < 0.35 ? Infinity : listedAt - Math.log(1 - r()) * meanDaysToSell * DAY;
    pool.push({
      id: String(7_000_000_000 + (hash32(`${seed}:${eventId}:${i}`) % 900_000_000)),
      zone,
      section,
      row: zone.name === 'Floor' ? String(1 + Math.floor(r() * 30)) : String(1 + Math.floor(r() * 26)),
      quantity,
      splits: pairs ? range(quantity / 2).map((k) => 2 * (k + 1)) : [],
      basePrice,
      listedAt,
      soldAt,
      phase: r() * Math.PI * 2,
    });
  }
  return {
    seed,
    id: eventId,
    name: `${ACTS[hash32(eventId) % ACTS.length]} (${eventId})`,
    venue: VENUES[hash32(`${seed}:${eventId}:venue`) % VENUES.length]!,
    startsAt,
    popularity,
    currency: 'USD',
    zones,
    pool,
  };
}

export interface MarketListing {
  listing: MockListing;
  /**
   * The base: the seller's asking price per ticket on this marketplace, before its fees. Each
   * marketplace's mock format adds its own fees (src/marketplaces/<name>/fees.ts).
   */
  price: number;
}

/**
 * How far an event's asking prices on one marketplace sit from the market, as a factor (0.94 to
 * 1.06): sellers list the same seats on several marketplaces, each priced for that marketplace
 * (some price to cover its fees, some do not), so the marketplace with the cheapest base differs
 * from event to event. Derived from (seed, event, marketplace) alone: the same every request.
 */
export function marketplacePriceLevel(event: MockEvent, marketplace: MarketplaceName): number {
  return 0.94 + (hash32(`${event.seed}:${event.id}:${marketplace}:price-level`) / 0x1_0000_0000) * 0.12;
}

/**
 * What is on sale on `marketplace` at `now`, at what base prices. Empty before any listing appears
 * and after the start.
 */
export function marketAt(event: MockEvent, now: number, marketplace: MarketplaceName): MarketListing[] {
  if (now >= event.startsAt) return [];
  const daysToEvent = (event.startsAt - now) / DAY;
  let sold = 0;
  let listed = 0;
  for (const l of event.pool) {
    if (l.listedAt <= now) {
      listed++;
      if (l.soldAt <= now) sold++;
    }
  }
  const soldShare = listed === 0 ? 0 : sold / listed;
  // Demand: scarcity lifts prices; the last days lift a hot event and sink a soft one.
  const lateSurge =
    event.popularity >= 1
      ? 1 + 0.5 * (event.popularity - 1) * Math.exp(-daysToEvent / 6)
      : 1 - 0.35 * (1 - event.popularity) * Math.exp(-daysToEvent / 2);
  const demand = (1 + 0.4 * soldShare) * lateSurge * marketplacePriceLevel(event, marketplace);
  const out: MarketListing[] = [];
  for (const l of event.pool) {
    if (l.listedAt > now || l.soldAt <= now) continue;
    // Sellers reprice a few times a week: a slow wave unique to each listing.
    const drift = 1 + 0.06 * Math.sin(now / (3.5 * DAY) + l.phase);
    out.push({ listing: l, price: round2(Math.max(5, l.basePrice * demand * drift)) });
  }
  return out;
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
