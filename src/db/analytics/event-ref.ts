import type { Queryable } from './query';

export interface EventRef {
  id: number;
  name: string;
  capacity: number | null;
}

export class UnknownEventError extends Error {
  override name = 'UnknownEventError';
}

/**
 * EVENT as users type it: the internal numeric id, or any marketplace's id of the event
 * (event_sources.marketplace_event_id). An internal id wins when a string is both.
 */
export async function resolveEvent(db: Queryable, ref: string): Promise<EventRef> {
  const text = ref.trim();
  const res = await db.query<{ id: string; name: string; capacity: number | null; rank: number }>(
    `SELECT e.id, e.name, e.capacity, 0 AS rank FROM events e WHERE $1 ~ '^[0-9]{1,18}$' AND e.id = $1::bigint
     UNION ALL
     SELECT e.id, e.name, e.capacity, 1 FROM event_sources s JOIN events e ON e.id = s.event_id WHERE s.marketplace_event_id = $1
     ORDER BY rank, id`,
    [text],
  );
  const first = res.rows[0];
  if (!first) throw new UnknownEventError(`no event has id or marketplace id "${text}"`);
  const ids = new Set(res.rows.map((r) => r.id));
  if (first.rank === 1 && ids.size > 1) {
    throw new UnknownEventError(`"${text}" is a marketplace id of several events (${[...ids].join(', ')}); use the internal id`);
  }
  return { id: Number(first.id), name: first.name, capacity: first.capacity };
}
