import { seatgeek } from './seatgeek/descriptor';
import { stubhub } from './stubhub/descriptor';
import type { MarketplaceDescriptor } from './descriptor';
import { ticketmaster } from './ticketmaster/descriptor';
import { vividseats } from './vividseats/descriptor';

/**
 * Every marketplace, once: the one list the configuration, the catalog's sheet headers, the
 * worker's rates, the adapters, the mock marketplace and the tests iterate. Adding a marketplace
 * is one folder beside this file (descriptor.ts, adapter.ts, mock.ts) and its line here, in
 * adapters.ts and in mocks.ts. Pure: safe to import from workflows.
 */
export const MARKETPLACES = [stubhub, vividseats, seatgeek, ticketmaster] as const;

export type MarketplaceName = (typeof MARKETPLACES)[number]['name'];

/** The names, as a non-empty tuple for z.enum. */
export const MARKETPLACE_NAMES = MARKETPLACES.map((m) => m.name) as unknown as readonly [MarketplaceName, ...MarketplaceName[]];

/** Each marketplace's name as people read it ("StubHub", "Vivid Seats"), for messages. */
export const MARKETPLACE_LABELS = Object.fromEntries(MARKETPLACES.map((m) => [m.name, m.label])) as Record<MarketplaceName, string>;

export function descriptorOf(name: MarketplaceName): MarketplaceDescriptor<MarketplaceName> {
  return MARKETPLACES.find((m) => m.name === name)!;
}

export type { MarketplaceDescriptor, MarketplaceSettingSpec } from './descriptor';
