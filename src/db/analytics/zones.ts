import { SUMMARY_ZONE } from '../../domain/listing';
import type { Queryable } from './query';

/**
 * The zones an event has figures for, sorted, `ALL` (the whole event) first: the zones of its
 * daily rollups and of its zone-level snapshots (section ''), so a zone scraped but not rolled up
 * yet counts. One scan of the event's rows: meant for error paths (an unknown zone), not per read.
 */
export async function eventZones(db: Queryable, eventId: number): Promise<string[]> {
  const res = await db.query<{ zone: string }>(
    `SELECT zone FROM rollup_daily WHERE event_id = $1
     UNION SELECT zone FROM ticket_snapshots WHERE event_id = $1 AND section = ''`,
    [eventId],
  );
  const zones = res.rows.map((r) => r.zone).filter((z) => z !== SUMMARY_ZONE);
  return [SUMMARY_ZONE, ...zones.sort((a, b) => a.localeCompare(b))];
}

/**
 * For a read that found no rows: the event's zones (eventZones) when `zone` is not one of them,
 * else null (an empty period of a known zone, or no zone asked). Costs nothing when rows were found.
 */
export async function unknownZone(db: Queryable, eventId: number, zone: string | undefined, rowsFound: number): Promise<string[] | null> {
  if (zone === undefined || rowsFound > 0) return null;
  const zones = await eventZones(db, eventId);
  return zones.includes(zone) ? null : zones;
}
