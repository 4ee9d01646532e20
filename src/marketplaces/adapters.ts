import type { MarketplaceIo } from './io';
import type { MarketplaceName } from './registry';
import { seatgeekIo } from './seatgeek/adapter';
import { stubhubIo } from './stubhub/adapter';
import { ticketmasterIo } from './ticketmaster/adapter';
import { vividseatsIo } from './vividseats/adapter';

/** Every marketplace's adapter and parser (the I/O half of the registry; see registry.ts). */
const IOS: readonly MarketplaceIo[] = [stubhubIo, vividseatsIo, seatgeekIo, ticketmasterIo];

export function ioOf(name: MarketplaceName): MarketplaceIo {
  const io = IOS.find((m) => m.name === name);
  if (!io) throw new Error(`no adapter registered for marketplace "${name}" (src/marketplaces/adapters.ts)`);
  return io;
}

export type { AdapterContext, MarketplaceIo } from './io';
