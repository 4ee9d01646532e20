import { z } from 'zod';
import { MARKETPLACES, type MarketplaceName } from '../../marketplaces/registry';

/**
 * Single catalog cells as people and spreadsheet programs write them: error values, localized
 * booleans, marketplace ids and event links pasted in their place, text and capacities (zod
 * schemas). Pure functions.
 */

/** A cell as a source hands it over: Sheets' unformatted values, CSV text, JSON scalars. */
export type CellValue = string | number | boolean | null;

/** Empty: no cell, null, or only spaces. */
export function isBlank(v: CellValue | undefined): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

/**
 * Error values of Excel, Google Sheets and LibreOffice Calc (#N/A, #REF!, ...). A cell holding
 * one was not readable when the sheet was exported: it says nothing about the event.
 */
const SPREADSHEET_ERROR =
  /^#(?:N\/A|REF!|VALUE!|NAME\?|DIV\/0!|NUM!|NULL!|ERROR!|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|GETTING_DATA)$/i;

export function spreadsheetError(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return SPREADSHEET_ERROR.test(s) ? s.toUpperCase() : undefined;
}

/**
 * TRUE/FALSE as spreadsheet programs write them in English, German, French, Spanish, Dutch
 * (and Italian, Portuguese), plus yes/no, x, ✓, 1/0 and checkbox values. An empty cell is false.
 */
const TRUE_WORDS = new Set([
  'true',
  'wahr',
  'vrai',
  'verdadero',
  'waar',
  'vero',
  'verdadeiro',
  'yes',
  'y',
  'ja',
  'j',
  'oui',
  'si',
  'sí',
  'sim',
  'x',
  '✓',
  '✔',
  '☑',
  '☒',
  '1',
  'on',
  'tracked',
  'track',
]);
const FALSE_WORDS = new Set([
  'false',
  'falsch',
  'faux',
  'falso',
  'onwaar',
  'no',
  'n',
  'nein',
  'non',
  'nee',
  'não',
  'nao',
  '0',
  '',
  '☐',
  '-',
  'off',
  'untracked',
]);

export function parseBoolean(v: unknown): boolean | undefined {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  const s = String(v).trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return undefined;
}

const EMPTY_ID = new Set(['', '-', '--', 'n/a', 'na', 'none', 'null', 'tbd', 'tba', '?']);
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** Every marketplace's event page links (each descriptor's `eventLinks`, forms from public code: test/fixtures/catalog/README.md). */
const LINKS: { marketplace: MarketplaceName; host: RegExp; id: RegExp; notAnId?: { code: RegExp; reason: string } }[] =
  MARKETPLACES.flatMap((m) => m.eventLinks.map((l) => ({ marketplace: m.name, ...l })));

export type IdCell =
  | { kind: 'empty' }
  | { kind: 'id'; id: string }
  | { kind: 'link'; id: string; marketplace: MarketplaceName }
  /** A whole number as a spreadsheet or pandas wrote it ("5640001.0", "5.640001E+06"): the id, and what was written. */
  | { kind: 'normalized'; id: string; written: string }
  | { kind: 'invalid'; reason: string };

/**
 * A marketplace id cell: the id itself, a link to the event's page on that marketplace (its id
 * taken from the link), or nothing. A link to another marketplace, or to a page that is not an
 * event, is refused with the reason.
 */
export function parseMarketplaceId(v: unknown, marketplace: MarketplaceName): IdCell {
  if (v === null || v === undefined || typeof v === 'boolean') return { kind: 'empty' };
  if (typeof v === 'number')
    return Number.isSafeInteger(v) && v > 0
      ? { kind: 'id', id: String(v) }
      : { kind: 'invalid', reason: `${v} is not a marketplace event id` };
  const s = String(v).trim();
  if (EMPTY_ID.has(s.toLowerCase())) return { kind: 'empty' };
  const number = spreadsheetNumber(s);
  if (number) return number;
  if (/^(https?:\/\/|www\.)/i.test(s) || /^[a-z0-9.-]+\.(com|ca|co\.uk|de|fr|es|nl|ie|com\.au)\//i.test(s))
    return idFromLink(s, marketplace);
  if (ID.test(s)) return { kind: 'id', id: s };
  return { kind: 'invalid', reason: 'is not a marketplace event id (letters, digits and . _ : - only, at most 100), nor an event link' };
}

/**
 * An id cell that a spreadsheet program or pandas turned into a number's text: "5640001.0"
 * (pandas writes a column with a blank as floats), "5640001,0", "5.640001E+06" or "5.640001E6"
 * (scientific notation of a narrow column). A zero fraction is the id; any other fraction is not
 * an id. Scientific notation is read only when its digits give the whole id: "5.64E+06" may be
 * 5640001 rounded for display, so it is refused. Undefined when the cell is not such a number
 * (a Ticketmaster id such as "10006152E3A91B44" is not: it has letters after the exponent).
 */
function spreadsheetNumber(s: string): IdCell | undefined {
  const decimal = /^(\d+)[.,](\d+)$/.exec(s);
  if (decimal) {
    if (/^0+$/.test(decimal[2]!) && /^[1-9]\d{0,15}$/.test(decimal[1]!)) return { kind: 'normalized', id: decimal[1]!, written: s };
    return { kind: 'invalid', reason: 'is not a whole number: a marketplace event id has no fraction' };
  }
  const scientific = /^([1-9])(?:[.,](\d+))?[eE]\+?(\d{1,2})$/.exec(s);
  if (!scientific) return undefined;
  const digits = scientific[1]! + (scientific[2] ?? '').replace(/0+$/, '');
  const exponent = Number(scientific[3]);
  if (digits.length - 1 > exponent) return { kind: 'invalid', reason: 'is not a whole number: a marketplace event id has no fraction' };
  const id = digits + '0'.repeat(exponent - (digits.length - 1));
  if (exponent > digits.length - 1)
    return {
      kind: 'invalid',
      reason: `is written in scientific notation that may have rounded the id (it reads ${id}, but its last digits may have been cut): format the column as plain text and export again`,
    };
  return { kind: 'normalized', id, written: s };
}

function idFromLink(text: string, marketplace: MarketplaceName): IdCell {
  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return { kind: 'invalid', reason: `is not a marketplace event id nor a readable link` };
  }
  const host = url.hostname.toLowerCase();
  const known = LINKS.filter((l) => l.host.test(host));
  if (known.length === 0) return { kind: 'invalid', reason: `is a link to ${host}, not to an event page of this marketplace` };
  if (!known.some((l) => l.marketplace === marketplace)) {
    return { kind: 'invalid', reason: `is a link to ${host}, which is another marketplace: move it to that marketplace's column` };
  }
  for (const l of known) {
    const m = l.id.exec(url.pathname);
    if (m && l.marketplace === marketplace && l.notAnId?.code.test(m[1]!))
      return { kind: 'invalid', reason: `is a link whose code ${m[1]} ${l.notAnId.reason}` };
    if (m) return { kind: 'link', id: m[1]!, marketplace };
  }
  return { kind: 'invalid', reason: `is a link to ${host} but not to an event page (no event id in ${url.pathname})` };
}

/** Text cells: trimmed; empty means absent. Numbers and booleans are written as text. */
export const textCell = (max: number) =>
  z.preprocess(
    (v) => {
      if (v === null || v === undefined) return undefined;
      const s = String(v).trim();
      return s === '' ? undefined : s;
    },
    z.string().max(max, `is longer than ${max} characters`).optional(),
  );

/** A capacity cell: a positive whole number up to 2,000,000, thousands separators allowed ("12,000", "12.000", "12 000"). */
export const capacityCell = z.preprocess(
  (v) => {
    if (v === null || v === undefined) return undefined;
    if (typeof v === 'number') return v;
    const s = String(v)
      .trim()
      .replace(/[,.\s_']/g, '');
    if (s === '') return undefined;
    return /^\d+$/.test(s) ? Number(s) : v;
  },
  z
    .number({ error: 'is not a whole number' })
    .int('is not a whole number')
    .positive('must be positive')
    .max(2_000_000, 'is too large')
    .optional(),
);
