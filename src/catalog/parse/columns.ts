import { byMarketplace, MARKETPLACE_NAMES } from '../../domain/listing';

/**
 * The catalog's columns: the fields a row may have and the header names that find them. Pure.
 *
 * Columns are found by header name, never by position. Header names are compared loosely
 * (case, spaces and punctuation ignored), so "Event Date (Local)", "event_date_local" and
 * "EVENT DATE LOCAL" are the same column.
 */

export const CATALOG_FIELDS = [
  'name',
  'venue',
  'city',
  'state',
  'country',
  'startsAt',
  'startTime',
  'timezone',
  'category',
  'capacity',
  'tracked',
  ...MARKETPLACE_NAMES,
] as const;
export type CatalogField = (typeof CATALOG_FIELDS)[number];

/**
 * Accepted header spellings per field, already normalized (lower case, letters and digits only).
 * The marketplace rows are the one place the marketplaces' sheet headers are listed.
 */
const HEADER_ALIASES: Record<CatalogField, readonly string[]> = {
  // English, German, French, Spanish, Dutch (accents folded by normalizeHeader).
  name: [
    'eventname',
    'name',
    'event',
    'title',
    'eventtitle',
    'veranstaltung',
    'veranstaltungsname',
    'titel',
    'evenement',
    'nom',
    'nomevenement',
    'nomdelevenement',
    'titre',
    'evento',
    'nombre',
    'nombreevento',
    'nombredelevento',
    'titulo',
    'naam',
    'evenementnaam',
    'naamevenement',
  ],
  venue: [
    'venue',
    'venuename',
    'spielort',
    'ort',
    'veranstaltungsort',
    'halle',
    'spielstatte',
    'lieu',
    'salle',
    'nomdelasalle',
    'lugar',
    'recinto',
    'sede',
    'locatie',
    'zaal',
    'podium',
  ],
  city: ['city', 'venuecity', 'stadt', 'ville', 'ciudad', 'stad', 'plaats', 'woonplaats'],
  state: ['state', 'region', 'province', 'stateprovince', 'venuestate', 'bundesland', 'etat', 'estado', 'provincia', 'provincie'],
  country: ['country', 'venuecountry', 'land', 'pays', 'pais'],
  startsAt: [
    'eventdatelocal',
    'date',
    'eventdate',
    'datelocal',
    'datetime',
    'eventdatetime',
    'localdatetime',
    'startslocal',
    'startsat',
    'start',
    'startdate',
    'datum',
    'fecha',
    'showdate',
    'dateetheure',
    'datumuhrzeit',
    'fechayhora',
    'datumentijd',
  ],
  // A separate time-of-day column beside the date ("Date" + "Time").
  startTime: [
    'time',
    'eventtime',
    'starttime',
    'showtime',
    'localtime',
    'timelocal',
    'eventtimelocal',
    'uhrzeit',
    'beginn',
    'heure',
    'heurededebut',
    'hora',
    'horadeinicio',
    'tijd',
    'aanvang',
    'begintijd',
  ],
  timezone: [
    'timezone',
    'tz',
    'timezoneiana',
    'venuetimezone',
    'eventtimezone',
    'localtimezone',
    'timezonelocal',
    'ianazone',
    'ianatimezone',
    'timezonename',
    'zone',
    'zeitzone',
    'fuseauhoraire',
    'fuseau',
    'zonahoraria',
    'husohorario',
    'tijdzone',
  ],
  category: ['category', 'eventcategory', 'type', 'eventtype', 'genre', 'kategorie', 'art', 'categorie', 'categoria', 'tipo'],
  capacity: ['capacity', 'venuecapacity', 'kapazitat', 'capacite', 'capacidad', 'aforo', 'capaciteit'],
  tracked: [
    'istracked',
    'tracked',
    'track',
    'tracking',
    'aktiv',
    'aktiviert',
    'verfolgt',
    'verfolgen',
    'beobachten',
    'suivi',
    'suivre',
    'actif',
    'active',
    'seguimiento',
    'seguir',
    'activo',
    'volgen',
    'gevolgd',
    'actief',
  ],
  // Each marketplace's id column: the aliases its descriptor lists (src/marketplaces).
  ...byMarketplace((m) => m.headerAliases),
};

const FIELD_BY_ALIAS = new Map<string, CatalogField>(
  CATALOG_FIELDS.flatMap((field) => HEADER_ALIASES[field].map((alias) => [alias, field] as const)),
);

/**
 * Lower case, accents folded (NFD, combining marks removed: "Événement" -> "evenement",
 * "Kapazität" -> "kapazitat"), then letters and digits only.
 */
export function normalizeHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const FIELD_WORDS: Record<CatalogField, string> = Object.fromEntries(CATALOG_FIELDS.map((f) => [f, f])) as Record<CatalogField, string>;
Object.assign(FIELD_WORDS, { startsAt: 'date', startTime: 'time', timezone: 'time zone', ...byMarketplace((m) => `${m.label} id`) });

/**
 * The field an unknown header probably means (it holds, or is part of, a known header name of
 * at least four letters: "Veranstaltungsort (Halle)", "Aktiviert?"), so that such a column is
 * not ignored without a word.
 */
function lookalikeField(header: string): CatalogField | undefined {
  const h = normalizeHeader(header);
  let best: { alias: string; field: CatalogField } | undefined;
  for (const [alias, field] of FIELD_BY_ALIAS) {
    const like = alias.length >= 4 && (h.includes(alias) || (h.length >= 4 && alias.startsWith(h)));
    if (like && (!best || alias.length > best.alias.length)) best = { alias, field };
  }
  return best?.field;
}

/**
 * A column as a message names it: the header as the user wrote it, with what the product reads
 * it as beside it when the header does not say so itself ("viagogoID (StubHub id)",
 * "Veranstaltung (name)"; "Event Date (Local)" alone).
 */
export function columnLabel(field: CatalogField, headers: Partial<Record<CatalogField, string>>): string {
  const header = headers[field];
  const meaning = FIELD_WORDS[field];
  if (header === undefined) return field === 'timezone' ? 'Time Zone (no such column)' : meaning;
  return normalizeHeader(header).includes(normalizeHeader(meaning)) ? header : `${header} (${meaning})`;
}

/** The header to suggest for a field. */
const HEADER_EXAMPLE: Record<CatalogField, string> = {
  name: 'Event Name',
  venue: 'Venue',
  city: 'City',
  state: 'State',
  country: 'Country',
  startsAt: 'Date',
  startTime: 'Time',
  timezone: 'Time Zone',
  category: 'Category',
  capacity: 'Capacity',
  tracked: 'Tracked',
  ...byMarketplace((m) => m.header),
};

/** Raised when the rows as a whole cannot be a catalog (no header, a required column missing). */
export class CatalogFormatError extends Error {
  override name = 'CatalogFormatError';
}

export interface ColumnMap {
  /** Index of each recognised field's column. */
  index: Partial<Record<CatalogField, number>>;
  /** The header as written in the source, per field, for messages. */
  header: Partial<Record<CatalogField, string>>;
  /** Headers that name no field, or name one a column further left already names. */
  ignored: string[];
}

function missingColumns(map: ColumnMap): string[] {
  const missing: string[] = [];
  if (map.index.name === undefined) missing.push('an event name column ("Event Name" or "Name")');
  if (map.index.startsAt === undefined && map.index.startTime === undefined) missing.push('a date column ("Event Date (Local)" or "Date")');
  if (!MARKETPLACE_NAMES.some((m) => map.index[m] !== undefined)) {
    missing.push(`a marketplace id column (${Object.values(byMarketplace((m) => `"${m.header}"`)).join(', ')})`);
  }
  return missing;
}

/** Finds each field's column by header. The leftmost column wins when two name the same field. */
export function mapColumns(headers: readonly string[]): ColumnMap {
  const map: ColumnMap = { index: {}, header: {}, ignored: [] };
  headers.forEach((raw, i) => {
    const header = raw.trim();
    if (header === '') return;
    const field = FIELD_BY_ALIAS.get(normalizeHeader(header));
    if (field && map.index[field] !== undefined) {
      map.ignored.push(`${header} (a second ${FIELD_WORDS[field]} column: "${map.header[field]}" is read)`);
      return;
    }
    if (!field) {
      const like = lookalikeField(header);
      map.ignored.push(
        like
          ? `${header} (looks like the ${FIELD_WORDS[like]} column but is not a header this reader knows: rename it "${HEADER_EXAMPLE[like]}")`
          : header,
      );
      return;
    }
    map.index[field] = i;
    map.header[field] = header;
  });
  // A lone "Start Time" column holding whole dates and times is the date column.
  if (map.index.startsAt === undefined && map.index.startTime !== undefined) {
    map.index.startsAt = map.index.startTime;
    map.header.startsAt = map.header.startTime;
    delete map.index.startTime;
    delete map.header.startTime;
  }
  const missing = missingColumns(map);
  if (missing.length > 0) {
    throw new CatalogFormatError(
      `the header row lacks ${missing.join('; ')} (headers found: ${
        headers
          .filter((h) => h.trim())
          .map((h) => `"${h}"`)
          .join(', ') || 'none'
      })`,
    );
  }
  return map;
}

/** True when the headers name every column a catalog needs (how the header row is told from a title above it). */
export function namesNeededColumns(headers: readonly string[]): boolean {
  const map: ColumnMap = { index: {}, header: {}, ignored: [] };
  headers.forEach((h, col) => {
    const f = FIELD_BY_ALIAS.get(normalizeHeader(h));
    if (f && map.index[f] === undefined) map.index[f] = col;
  });
  return missingColumns(map).length === 0;
}
