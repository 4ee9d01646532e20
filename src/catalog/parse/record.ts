import { MARKETPLACE_NAMES, type EventMarketplaceId, type MarketplaceName } from '../../domain/listing';
import { capacityCell, parseBoolean, parseMarketplaceId, textCell, type CellValue } from './cells';
import { columnLabel, type CatalogField } from './columns';
import { decideDateOrder, type DateOrderSetting, type OrderPlan } from './date-order';
import type { CatalogRow, CellNote, InvalidRow } from './parsed';
import { hasContent, label, note, readable, type RecordReading, type RowContext } from './reading';
import { readStart, type RowStart } from './start';
import type { PlaceLookup } from './zones';

/**
 * One catalog record -> one row, a column kind at a time: the text columns, capacity, the
 * tracked flag, the marketplace ids, then the start (start.ts). Pure.
 */

const TEXT_FIELDS = {
  name: textCell(300),
  venue: textCell(300),
  city: textCell(200),
  state: textCell(200),
  country: textCell(200),
  category: textCell(100),
} as const;
type TextField = keyof typeof TEXT_FIELDS;

export type RecordResult = { ok: true; row: CatalogRow; cells: CellNote[] } | { ok: false; invalid: InvalidRow; cells: CellNote[] };

/**
 * Validates one record (already keyed by field). Cells that cannot be read are noted and their
 * fields kept as stored; problems that leave the row without a name, a start or an event are
 * the row's reason for being invalid. Exported for tests of single rows.
 */
export function parseCatalogRecord(
  record: Partial<Record<CatalogField, CellValue>>,
  rowNumber: number,
  opts: {
    defaultTimeZone?: string | undefined;
    lookUpPlace: PlaceLookup;
    headers?: Partial<Record<CatalogField, string>>;
    dateOrder?: DateOrderSetting;
    order?: OrderPlan;
  },
): RecordResult {
  const ctx: RowContext = {
    defaultTimeZone: opts.defaultTimeZone,
    lookUpPlace: opts.lookUpPlace,
    headers: opts.headers ?? {},
    order:
      opts.order ??
      decideDateOrder([{ row: rowNumber, date: record.startsAt, country: record.country, zone: opts.defaultTimeZone }], opts.dateOrder),
  };
  const r: RecordReading = { record, rowNumber, ctx, problems: [], cells: [], keep: new Set() };
  const texts = readTexts(r);
  const capacity = readCapacity(r);
  const tracked = readTracked(r);
  const ids = readMarketplaceIds(r);
  const start = readStart(r, { city: texts.city, state: texts.state, country: texts.country });
  return recordResult(r, { texts, capacity, tracked, ids, start });
}

/** The text columns, in column order; a name that is absent and not kept is a problem. */
function readTexts(r: RecordReading): Partial<Record<TextField, string>> {
  const texts: Partial<Record<TextField, string>> = {
    name: readText(r, 'name'),
    venue: readText(r, 'venue'),
    city: readText(r, 'city'),
    state: readText(r, 'state'),
    country: readText(r, 'country'),
    category: readText(r, 'category'),
  };
  const name = label(r, 'name');
  if (texts.name === undefined && !r.keep.has('name') && !r.problems.some((p) => p.startsWith(`${name}:`)))
    r.problems.push(`${name}: is empty`);
  return texts;
}

/** A text cell, trimmed; undefined when empty, unreadable (kept) or invalid (kept, or a problem for the name). */
function readText(r: RecordReading, f: TextField): string | undefined {
  if (!(f in r.record)) return undefined;
  const v = readable(r, f);
  if (v === undefined && hasContent(r, f)) {
    r.keep.add(f);
    return undefined;
  }
  const parsed = TEXT_FIELDS[f].safeParse(v);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'is not valid';
  if (f === 'name') r.problems.push(`${label(r, f)}: ${message}`);
  else {
    note(r, f, 'invalid', `${message}: the stored value is kept`);
    r.keep.add(f);
  }
  return undefined;
}

function readCapacity(r: RecordReading): number | undefined {
  if (!('capacity' in r.record)) return undefined;
  const v = readable(r, 'capacity');
  if (v === undefined && hasContent(r, 'capacity')) {
    r.keep.add('capacity');
    return undefined;
  }
  const parsed = capacityCell.safeParse(v);
  if (parsed.success) return parsed.data;
  note(r, 'capacity', 'invalid', `"${String(v)}" ${parsed.error.issues[0]?.message ?? 'is not valid'}: the stored value is kept`);
  r.keep.add('capacity');
  return undefined;
}

/** The tracked flag: true without a Tracked column; a value that is no boolean is a problem. */
function readTracked(r: RecordReading): boolean {
  if (!('tracked' in r.record)) return true;
  const v = readable(r, 'tracked');
  if (v === undefined && hasContent(r, 'tracked')) {
    r.keep.add('tracked');
    return true;
  }
  const b = parseBoolean(v);
  if (b !== undefined) return b;
  r.problems.push(
    `${label(r, 'tracked')}: must be TRUE/FALSE (or WAHR/FALSCH, VRAI/FAUX, VERDADERO/FALSO, WAAR/ONWAAR), yes/no, x or 1/0, not "${String(v)}"`,
  );
  return true;
}

interface RowIds {
  /** In MARKETPLACE_NAMES order. */
  marketplaceIds: EventMarketplaceId[];
  /** Marketplaces whose id cell could not be read (their stored ids are kept). */
  keptIds: MarketplaceName[];
}

/** Every marketplace id column; a row with no id, read or kept, is a problem. */
function readMarketplaceIds(r: RecordReading): RowIds {
  const marketplaceIds: EventMarketplaceId[] = [];
  for (const marketplace of MARKETPLACE_NAMES) {
    const id = readMarketplaceId(r, marketplace);
    if (id) marketplaceIds.push(id);
  }
  const keptIds = MARKETPLACE_NAMES.filter((m) => r.keep.has(m));
  if (marketplaceIds.length === 0 && keptIds.length === 0) {
    const headers = r.ctx.headers;
    const columns = MARKETPLACE_NAMES.filter((m) => headers[m] !== undefined).map((m) => columnLabel(m, headers));
    r.problems.push(`no marketplace id: fill at least one of ${(columns.length > 0 ? columns : MARKETPLACE_NAMES).join(', ')}`);
  }
  return { marketplaceIds, keptIds };
}

/** One marketplace's id cell: the id (itself, from a link, or as a spreadsheet wrote it, noted), or undefined. */
function readMarketplaceId(r: RecordReading, marketplace: MarketplaceName): EventMarketplaceId | undefined {
  if (!(marketplace in r.record)) return undefined;
  const v = readable(r, marketplace);
  if (v === undefined) {
    if (hasContent(r, marketplace)) r.keep.add(marketplace);
    return undefined;
  }
  const id = parseMarketplaceId(v, marketplace);
  if (id.kind === 'id') return { marketplace, marketplaceEventId: id.id };
  if (id.kind === 'link') {
    note(r, marketplace, 'link', `id ${id.id} taken from the event link`);
    return { marketplace, marketplaceEventId: id.id };
  }
  if (id.kind === 'normalized') {
    note(
      r,
      marketplace,
      'normalized',
      `"${id.written}" read as id ${id.id} (a spreadsheet or pandas wrote the id as a number with a fraction)`,
    );
    return { marketplace, marketplaceEventId: id.id };
  }
  if (id.kind === 'invalid') {
    note(r, marketplace, 'invalid', `"${String(v).trim()}" ${id.reason}`);
    r.keep.add(marketplace);
  }
  return undefined;
}

/** The row, or why it cannot be used: a problem, or a name or start neither read nor kept. */
function recordResult(
  r: RecordReading,
  read: { texts: Partial<Record<TextField, string>>; capacity: number | undefined; tracked: boolean; ids: RowIds; start: RowStart },
): RecordResult {
  const { rowNumber, problems, cells, keep, ctx } = r;
  const { texts, ids, start } = read;
  if (problems.length > 0 || (texts.name === undefined && !keep.has('name')) || (!start.known && !keep.has('startsAt'))) {
    return {
      ok: false,
      invalid: {
        row: rowNumber,
        reason: problems.join('; '),
        marketplaceIds: ids.marketplaceIds,
        ...(ids.keptIds.length > 0 ? { unreadableIds: true } : {}),
      },
      cells,
    };
  }
  return {
    ok: true,
    cells,
    row: {
      rowNumber,
      name: texts.name ?? '',
      venue: texts.venue ?? null,
      city: texts.city ?? null,
      state: texts.state ?? null,
      country: texts.country ?? null,
      startsAt: start.startsAt,
      startPrecision: start.precision,
      // A kept start keeps its stored zone too (the sync puts it back).
      timezone: start.zone ?? ctx.defaultTimeZone ?? 'UTC',
      category: texts.category ?? null,
      capacity: read.capacity ?? null,
      tracked: read.tracked,
      marketplaceIds: ids.marketplaceIds,
      keep: [...keep],
    },
  };
}
