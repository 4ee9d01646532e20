import type { MarketplaceName } from '../../domain/listing';
import { MARKETPLACE_LABELS } from '../../marketplaces/registry';
import type { EventColumns } from '../lifecycle';
import { identityOf } from '../parse/catalog';
import type { DateOrderDecision } from '../parse/date-order';
import type { CatalogRow, CellNote, DuplicateRow, ParsedCatalog } from '../parse/parsed';

/**
 * What a sync changes, decided from the parsed catalog and the stored events: which events to
 * add, update, give or take marketplace ids, and which the catalog still names. Pure: the
 * stored events are read, and the plan written, by write.ts.
 */

/** What a sync did, for the person who ran it. */
export interface SyncReport {
  origin: string;
  /** Rows with content (blank rows excluded). */
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  /** Rows marked not tracked: their events, if any, are untracked; new ones are not imported. */
  untracked: number;
  invalid: { row: number; reason: string }[];
  duplicates: DuplicateRow[];
  /** Cells not used as written (the rest of their rows was), and ids read from links. */
  cells: CellNote[];
  /** The order numeric dates were read in, when the source has any. */
  dateOrder?: DateOrderDecision;
  /** How the source was read (encoding, delimiter). */
  notes: string[];
  blank: number;
  /** Headers that name no known column (typos show up here). */
  ignoredColumns: string[];
  /** Tracked events whose row is no longer in the catalog (see `events cleanup-untracked`). */
  missingFromCatalog: number;
  /** True when rows with unreadable ids matched no event, so no event was flagged as missing. */
  removalCheckSkipped: boolean;
}

/** An event as stored, with its marketplace ids. */
export interface StoredEvent extends EventColumns {
  marketplaceIds: { m: MarketplaceName; id: string }[];
}

export interface SyncPlan {
  inserts: CatalogRow[];
  updates: { id: string; row: CatalogRow }[];
  marketplaceIdDeletes: { eventId: string; marketplace: MarketplaceName }[];
  marketplaceIdInserts: { eventId: string; marketplace: MarketplaceName; marketplaceEventId: string }[];
  seen: Set<string>;
  /** False when a row's event could not be told (unreadable ids): then nobody is flagged missing. */
  flagMissing: boolean;
  report: SyncReport;
}

/** The stored events by marketplace id and by identity, and which row claimed which event. */
interface Planning {
  plan: SyncPlan;
  /** "<marketplace>:<id>" -> the event holding it. */
  bySource: Map<string, StoredEvent>;
  /** identityOf (name, venue, start) -> the events that have it. */
  byIdentity: Map<string, StoredEvent[]>;
  /** Event id -> the row that claimed it. */
  claimedBy: Map<string, number>;
}

/** Decides what the sync writes (see SyncPlan); the report's counts are final, missingFromCatalog aside. */
export function planSync(catalog: ParsedCatalog, stored: StoredEvent[]): SyncPlan {
  const plan: SyncPlan = {
    inserts: [],
    updates: [],
    marketplaceIdDeletes: [],
    marketplaceIdInserts: [],
    seen: new Set(),
    flagMissing: true,
    report: reportOf(catalog),
  };
  const p: Planning = { plan, ...indexStored(stored), claimedBy: new Map() };

  // An invalid row still names its event: it stays "in the catalog" (and unchanged).
  for (const bad of catalog.invalid) {
    if (bad.unreadableIds) plan.flagMissing = false;
    for (const s of bad.marketplaceIds) {
      const e = p.bySource.get(`${s.marketplace}:${s.marketplaceEventId}`);
      if (e) plan.seen.add(e.id);
    }
  }
  for (const row of catalog.rows) {
    if (row.marketplaceIds.length === 0) planRowByIdentity(p, row);
    else planRowByIds(p, row);
  }
  const { report } = plan;
  report.removalCheckSkipped = !plan.flagMissing;
  report.invalid.sort((a, b) => a.row - b.row);
  report.duplicates.sort((a, b) => a.row - b.row);
  return plan;
}

/** The report as the catalog starts it: its problems, counts at zero. */
function reportOf(catalog: ParsedCatalog): SyncReport {
  return {
    origin: catalog.origin,
    rows: catalog.rows.length + catalog.invalid.length + catalog.duplicates.length,
    added: 0,
    updated: 0,
    unchanged: 0,
    untracked: 0,
    invalid: catalog.invalid.map(({ row, reason }) => ({ row, reason })),
    duplicates: [...catalog.duplicates],
    cells: [...catalog.cells],
    ...(catalog.dateOrder ? { dateOrder: catalog.dateOrder } : {}),
    notes: [...catalog.notes],
    blank: catalog.blank,
    ignoredColumns: catalog.ignoredColumns,
    missingFromCatalog: 0,
    removalCheckSkipped: false,
  };
}

function indexStored(stored: StoredEvent[]): Pick<Planning, 'bySource' | 'byIdentity'> {
  const bySource = new Map<string, StoredEvent>();
  for (const e of stored) for (const s of e.marketplaceIds) bySource.set(`${s.m}:${s.id}`, e);
  const byIdentity = new Map<string, StoredEvent[]>();
  for (const e of stored) {
    const key = identityOf({ name: e.name, venue: e.venue, startsAt: e.starts_at });
    byIdentity.set(key, [...(byIdentity.get(key) ?? []), e]);
  }
  return { bySource, byIdentity };
}

/** A row whose id cells were all unreadable: it is the one stored event with its name, venue and start, or refused. */
function planRowByIdentity(p: Planning, row: CatalogRow): void {
  const { plan } = p;
  const { report } = plan;
  const candidates = row.keep.includes('name') || row.keep.includes('startsAt') ? [] : (p.byIdentity.get(identityOf(row)) ?? []);
  if (candidates.length !== 1) {
    plan.flagMissing = false;
    report.invalid.push({
      row: row.rowNumber,
      reason: `no readable marketplace id, and ${candidates.length === 0 ? 'no stored event has' : `${candidates.length} stored events have`} its name, venue and start: fix the id cells (no event is flagged as missing from the catalog in this sync)`,
    });
    return;
  }
  const event = candidates[0]!;
  if (!claim(p, row, event)) return;
  const effective = withKeptFields(row, event);
  const fieldsChanged = !sameFields(event, effective);
  if (fieldsChanged) plan.updates.push({ id: event.id, row: effective });
  count(report, effective, fieldsChanged, event);
}

/** A row with marketplace ids: the event holding any of them (its ids and fields brought in line), else a new event. */
function planRowByIds(p: Planning, row: CatalogRow): void {
  const { plan } = p;
  const { report } = plan;
  const matches = eventsOfIds(p, row);
  if (matches.size > 1) {
    const which = [...matches.values()].map((m) => `${m.via.join(', ')} -> event #${m.event.id} "${m.event.name}"`).join('; ');
    report.invalid.push({
      row: row.rowNumber,
      reason: `its marketplace ids belong to different events (${which}): correct the ids, or delete one of the events`,
    });
    for (const id of matches.keys()) plan.seen.add(id);
    return;
  }
  const event = [...matches.values()][0]?.event;
  if (!event) {
    planNewEvent(plan, row);
    return;
  }
  if (!claim(p, row, event)) return;
  const marketplaceIdsChanged = planIdChanges(plan, row, event);
  const effective = withKeptFields(row, event);
  const fieldsChanged = !sameFields(event, effective);
  if (fieldsChanged) plan.updates.push({ id: event.id, row: effective });
  count(report, effective, fieldsChanged || marketplaceIdsChanged, event);
}

/** The stored events that hold the row's ids, each with the ids that found it ("StubHub 123"). */
function eventsOfIds(p: Planning, row: CatalogRow): Map<string, { event: StoredEvent; via: string[] }> {
  const matches = new Map<string, { event: StoredEvent; via: string[] }>();
  for (const s of row.marketplaceIds) {
    const e = p.bySource.get(`${s.marketplace}:${s.marketplaceEventId}`);
    if (!e) continue;
    const m = matches.get(e.id) ?? { event: e, via: [] };
    m.via.push(`${MARKETPLACE_LABELS[s.marketplace]} ${s.marketplaceEventId}`);
    matches.set(e.id, m);
  }
  return matches;
}

/** A row no stored event holds: added when tracked and its name, start and tracked flag were read. */
function planNewEvent(plan: SyncPlan, row: CatalogRow): void {
  const { report } = plan;
  const missing = row.keep.filter((f) => f === 'name' || f === 'startsAt' || f === 'tracked');
  if (missing.length > 0) {
    report.invalid.push({
      row: row.rowNumber,
      reason: `a new event, but its ${missing.map((f) => (f === 'startsAt' ? 'start' : f === 'tracked' ? 'tracked flag' : 'name')).join(' and ')} could not be read (see the cells reported)`,
    });
    return;
  }
  if (row.tracked) {
    plan.inserts.push(row);
    report.added++;
  } else {
    report.untracked++;
  }
}

/** Claims the event for the row; false (a duplicate reported) when an earlier row claimed it. */
function claim(p: Planning, row: CatalogRow, event: StoredEvent): boolean {
  const first = p.claimedBy.get(event.id);
  if (first !== undefined) {
    p.plan.report.duplicates.push({ row: row.rowNumber, firstRow: first, reason: `is the same event (#${event.id}) as row ${first}` });
    return false;
  }
  p.claimedBy.set(event.id, row.rowNumber);
  p.plan.seen.add(event.id);
  return true;
}

/** The event's marketplace ids brought in line with the row's; true when any changes. */
function planIdChanges(plan: SyncPlan, row: CatalogRow, event: StoredEvent): boolean {
  const have = new Map(event.marketplaceIds.map((s) => [s.m, s.id] as const));
  const want = new Map(row.marketplaceIds.map((s) => [s.marketplace, s.marketplaceEventId] as const));
  let changed = false;
  for (const [m, id] of have) {
    // An unreadable id cell leaves the stored id as it is.
    if (row.keep.includes(m)) continue;
    if (want.get(m) !== id) {
      plan.marketplaceIdDeletes.push({ eventId: event.id, marketplace: m });
      changed = true;
    }
  }
  for (const [m, id] of want) {
    if (have.get(m) !== id) {
      plan.marketplaceIdInserts.push({ eventId: event.id, marketplace: m, marketplaceEventId: id });
      changed = true;
    }
  }
  return changed;
}

/** Counts a matched row: untracked, updated (changed, or back in the catalog) or unchanged. */
function count(report: SyncReport, effective: CatalogRow, changed: boolean, event: StoredEvent): void {
  if (!effective.tracked) report.untracked++;
  else if (changed || !event.in_catalog) report.updated++;
  else report.unchanged++;
}

/** The row with its unreadable fields replaced by what the event has stored. */
function withKeptFields(row: CatalogRow, e: StoredEvent): CatalogRow {
  if (row.keep.length === 0) return row;
  const kept = new Set(row.keep);
  return {
    ...row,
    name: kept.has('name') ? e.name : row.name,
    venue: kept.has('venue') ? e.venue : row.venue,
    city: kept.has('city') ? e.city : row.city,
    state: kept.has('state') ? e.state : row.state,
    country: kept.has('country') ? e.country : row.country,
    category: kept.has('category') ? e.category : row.category,
    capacity: kept.has('capacity') ? e.capacity : row.capacity,
    tracked: kept.has('tracked') ? e.tracked : row.tracked,
    ...(kept.has('startsAt') ? { startsAt: e.starts_at, startPrecision: e.start_precision, timezone: e.timezone ?? row.timezone } : {}),
  };
}

function sameFields(e: StoredEvent, r: CatalogRow): boolean {
  return (
    e.name === r.name &&
    e.venue === r.venue &&
    e.city === r.city &&
    e.state === r.state &&
    e.country === r.country &&
    (e.starts_at?.getTime() ?? null) === (r.startsAt?.getTime() ?? null) &&
    e.start_precision === r.startPrecision &&
    e.timezone === r.timezone &&
    e.category === r.category &&
    e.capacity === r.capacity &&
    e.tracked === r.tracked
  );
}
