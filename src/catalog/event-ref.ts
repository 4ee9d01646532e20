import { parseMarketplaceId } from './parse/cells';
import { MARKETPLACE_NAMES, MARKETPLACES, type MarketplaceName } from '../marketplaces/registry';

/**
 * EVENT as every command takes it. Forms:
 * - `42`: the internal id, or any marketplace's id of an event;
 * - `id:42` (or `#42`): the internal id only;
 * - `MARKETPLACE:ID` (`stubhub:150337015`, or any of a descriptor's `refPrefixes` such as `vivid:`): that
 *   marketplace's id only;
 * - a marketplace event link (https://www.stubhub.com/.../event/150337015/): its marketplace and id.
 * A reference that names more than one event is refused with the candidates listed.
 */
export type EventRefQuery =
  { kind: 'internal'; id: string } | { kind: 'marketplace'; marketplace: MarketplaceName; id: string } | { kind: 'any'; id: string };

/** Each descriptor's reference prefixes ("vivid:", "tm:") -> its marketplace. */
const PREFIXES: Record<string, MarketplaceName> = Object.fromEntries(
  MARKETPLACES.flatMap((m) => m.refPrefixes.map((p) => [p, m.name] as const)),
);

/** Reads a reference's form (pure). Throws EventRefError for one that cannot name an event. */
export function parseEventRef(ref: string): EventRefQuery {
  const text = ref.trim();
  if (text === '') throw new EventRefError('EVENT is empty: give an internal id, a marketplace id, MARKETPLACE:ID or id:N');
  if (/^(https?:\/\/|www\.)/i.test(text)) {
    for (const m of MARKETPLACE_NAMES) {
      const r = parseMarketplaceId(text, m);
      if (r.kind === 'link') return { kind: 'marketplace', marketplace: m, id: r.id };
    }
    throw new EventRefError(`"${text}" is not an event link of ${MARKETPLACES.map((m) => m.label).join(', ')}`);
  }
  const internal = /^(?:id:|#)\s*(.+)$/i.exec(text);
  if (internal) {
    if (!/^\d{1,18}$/.test(internal[1]!)) throw new EventRefError(`"${text}": an internal id is a whole number (id:42)`);
    return { kind: 'internal', id: internal[1]! };
  }
  const prefixed = /^([a-z ]+):\s*(.+)$/i.exec(text);
  if (prefixed) {
    const m = PREFIXES[prefixed[1]!.toLowerCase().replace(/\s/g, '')];
    if (!m)
      throw new EventRefError(`"${prefixed[1]}" is not a marketplace (use ${MARKETPLACE_NAMES.join(', ')}, or id:N for an internal id)`);
    return { kind: 'marketplace', marketplace: m, id: prefixed[2]!.trim() };
  }
  return { kind: 'any', id: text };
}

export class EventRefError extends Error {
  override name = 'EventRefError';
}

/** No event has that reference. */
export class UnknownEventError extends EventRefError {
  override name = 'UnknownEventError';
}

/** A reference that names more than one event. */
export class AmbiguousEventError extends EventRefError {
  override name = 'AmbiguousEventError';
}

interface Queryable {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface ResolvedEvent {
  id: number;
  name: string;
  capacity: number | null;
  /** The start instant; null when to be announced. */
  startsAt: Date | null;
  startPrecision: 'time' | 'date' | 'tba';
  /** The venue's zone the start is shown in (null for events stored before zones were kept). */
  timezone: string | null;
  /** The form of the reference that matched ("id:12", "stubhub:150337015"). */
  via: string;
}

/** Every form EVENT takes, for `--help`. */
export const EVENT_FORMS_HELP = `the event: its internal id (42 or id:42), any marketplace id (150337015), MARKETPLACE:ID (${[...new Set(MARKETPLACES.flatMap((m) => [m.name, ...m.refPrefixes]))].map((p) => `${p}:ID`).join(', ')}) or a marketplace event link`;

/**
 * Finds the one event a reference names. Throws UnknownEventError when none does and
 * AmbiguousEventError (listing each candidate and the reference that names only it) when several do.
 */
export async function resolveEventRef(db: Queryable, ref: string): Promise<ResolvedEvent> {
  const q = parseEventRef(ref);
  const res = await db.query<{
    id: string;
    name: string;
    capacity: number | null;
    starts_at: Date | null;
    start_precision: ResolvedEvent['startPrecision'];
    timezone: string | null;
    via: string;
  }>(
    `SELECT e.id::text AS id, e.name, e.capacity, e.starts_at, e.start_precision, e.timezone, 'id:' || e.id AS via
       FROM events e
      WHERE $1 <> 'marketplace' AND $2 ~ '^[0-9]{1,18}$' AND e.id = $2::bigint
     UNION ALL
     SELECT e.id::text, e.name, e.capacity, e.starts_at, e.start_precision, e.timezone, s.marketplace || ':' || s.marketplace_event_id
       FROM event_sources s JOIN events e ON e.id = s.event_id
      WHERE $1 <> 'internal' AND s.marketplace_event_id = $2 AND ($3::text IS NULL OR s.marketplace = $3)
     ORDER BY 1`,
    [q.kind, q.id, q.kind === 'marketplace' ? q.marketplace : null],
  );
  const byId = new Map<
    string,
    {
      name: string;
      capacity: number | null;
      startsAt: Date | null;
      startPrecision: ResolvedEvent['startPrecision'];
      timezone: string | null;
      via: string[];
    }
  >();
  for (const r of res.rows) {
    const e = byId.get(r.id) ?? {
      name: r.name,
      capacity: r.capacity,
      startsAt: r.starts_at,
      startPrecision: r.start_precision,
      timezone: r.timezone,
      via: [],
    };
    e.via.push(r.via);
    byId.set(r.id, e);
  }
  const text = ref.trim();
  if (byId.size === 0) {
    const what = q.kind === 'internal' ? 'internal id' : q.kind === 'marketplace' ? `${q.marketplace} id` : 'internal id or marketplace id';
    throw new UnknownEventError(`no event has ${what} "${q.id}" (see \`ticket-tracker events list --all\`)`);
  }
  if (byId.size > 1) {
    const candidates = [...byId].map(([id, e]) => `#${id} "${e.name}" (${e.via.join(', ')})`).join('; ');
    throw new AmbiguousEventError(`"${text}" names ${byId.size} events: ${candidates}. Write one of the forms in brackets`);
  }
  const [id, e] = [...byId][0]!;
  return {
    id: Number(id),
    name: e.name,
    capacity: e.capacity,
    startsAt: e.startsAt,
    startPrecision: e.startPrecision,
    timezone: e.timezone,
    via: e.via[0]!,
  };
}
