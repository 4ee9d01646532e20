import type { Bucket } from '../../domain/buckets';
import type { MarketplaceName } from '../../domain/listing';
import { history } from './history';
import type { Queryable } from './query';

export interface AvailabilityQuery {
  eventId: number;
  from: Date;
  to: Date;
  bucket: Bucket;
  /** The event's capacity (events.capacity), when known. */
  capacity: number | null;
  zone?: string;
  source?: MarketplaceName;
}

export interface AvailabilityRow {
  bucket: Date;
  source: string;
  ticketsAverage: number | null;
  ticketsPeak: number | null;
  listingsAverage: number | null;
  listingsPeak: number | null;
  /** Average tickets offered as a percentage of capacity; null when capacity is unknown. */
  shareOfCapacityPct: number | null;
}

/** Tickets and listings on offer over time, and as a share of the venue's capacity when known. */
export async function availability(db: Queryable, q: AvailabilityQuery): Promise<AvailabilityRow[]> {
  const rows = await history(db, { eventId: q.eventId, from: q.from, to: q.to, bucket: q.bucket, zone: q.zone, source: q.source });
  return rows.map((r) => ({
    bucket: r.bucket,
    source: r.source,
    ticketsAverage: r.ticketsAverage,
    ticketsPeak: r.ticketsPeak,
    listingsAverage: r.listingsAverage,
    listingsPeak: r.listingsPeak,
    shareOfCapacityPct: q.capacity && r.ticketsAverage !== null ? Math.round((r.ticketsAverage / q.capacity) * 10000) / 100 : null,
  }));
}
