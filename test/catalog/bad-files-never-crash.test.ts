import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { parseCatalogFile } from '../../src/catalog/read/file-reader';
import { CatalogReadError } from '../../src/catalog/read/reader';
import { CatalogFormatError } from '../../src/catalog/parse/columns';
import { parseCatalog } from '../../src/catalog/parse/catalog';
import { tableFromRows } from '../../src/catalog/parse/table';
import type { CellValue } from '../../src/catalog/parse/cells';
import type { ParsedCatalog } from '../../src/catalog/parse/parsed';
import { fromRoot } from '../../src/config/paths';
import { runBounded } from '../helpers/bounded';
import { mutate, mutation } from '../helpers/json-mutations';
import { lookUpPlace } from '../../src/catalog/places';

/**
 * Bad input never crashes the catalog reader (issue 16, item 5): random bytes, random rows
 * written as spreadsheet programs write CSV (encodings, BOMs, delimiters, quotes, line ends)
 * with the cells people put in catalogs (formula errors, every date form and broken ones, zones,
 * links, flags, odd Unicode), the real catalog fixtures cut and spliced, mutated JSON catalogs,
 * and random Sheets rows: each gives a parsed catalog whose rows are storable, or a
 * CatalogReadError (CatalogFormatError for rows) naming what was wrong; never another error, never a
 * hang (HANG_MS per case, far above any real catalog's time).
 */
const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 60);
const HANG_MS = 10_000;
const OPTS = { lookUpPlace, defaultTimeZone: 'America/New_York' };

/**
 * The catalog is what sync would store: rows with a name, a real instant (or TBA), a zone; a field
 * in `keep` (its cell unreadable: the stored value stays) holds a placeholder and is not checked.
 */
function assertStorable(catalog: ParsedCatalog): void {
  assert.ok(Array.isArray(catalog.rows) && Array.isArray(catalog.invalid));
  for (const row of catalog.rows) {
    const kept = new Set<string>(row.keep);
    if (!kept.has('name')) assert.ok(row.name.trim().length > 0, `row ${row.rowNumber}: empty name stored`);
    if (row.startsAt !== null) assert.ok(Number.isFinite(row.startsAt.getTime()), `row ${row.rowNumber}: invalid start stored`);
    else if (!kept.has('startsAt'))
      assert.equal(row.startPrecision, 'tba', `row ${row.rowNumber}: no start but precision ${row.startPrecision}`);
    assert.ok(row.timezone.length > 0);
    if (row.capacity !== null) assert.ok(Number.isFinite(row.capacity), `row ${row.rowNumber}: capacity ${row.capacity}`);
    for (const s of row.marketplaceIds) assert.ok(s.marketplaceEventId.length > 0, `row ${row.rowNumber}: empty marketplace id`);
  }
  for (const bad of catalog.invalid) assert.ok(bad.reason.length > 0 && Number.isInteger(bad.row));
}

/** The property for one file: a storable catalog or a CatalogReadError with a message. */
function readsOrRefuses(file: string, bytes: Uint8Array): void {
  let catalog: ParsedCatalog;
  try {
    catalog = runBounded(() => parseCatalogFile(file, bytes, OPTS), HANG_MS);
  } catch (err) {
    if (err instanceof CatalogReadError) {
      assert.ok(err.message.length > `file ${file}: `.length, 'a message naming what was wrong');
      return;
    }
    throw new Error(`catalog reader threw ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
  }
  assertStorable(catalog);
}

const HEADERS = [
  'Event Name',
  'Venue',
  'City',
  'State',
  'Country',
  'Event Date (Local)',
  'Date',
  'Time',
  'Time Zone',
  'viagogoID',
  'Vivid Seats ID',
  'SeatGeek ID',
  'Ticketmaster ID',
  'Capacity',
  'is_tracked',
  'Veranstaltung',
  'Datum',
  'Aktiv',
  'Événement',
  'Unknown Column',
];

/** Cells people write in catalogs, broken ones among them. */
const CELLS = [
  'Knicks vs. Celtics',
  'Madison Square Garden',
  'New York',
  'NY',
  'US',
  'GB',
  'DE',
  'London',
  'Los Angeles',
  '2027-02-12 19:30',
  '2027-02-12T19:30:00-05:00',
  '2027-02-30',
  '2027-13-01 20:00',
  '14/03/2027',
  '05/04/2027',
  '13.03.2027',
  '3.14.2027',
  'Mar 14, 2027 7:30 PM',
  '46000',
  '46000.75',
  '-1',
  '1e308',
  '99999999999',
  'TBA',
  'TBD',
  '7:30 PM',
  '25:00',
  '01:30+01:00',
  '19:30',
  '2026-03-08 02:30',
  'America/New_York',
  'Europe/London',
  'EST',
  'BST',
  '+01:00',
  '+25:00',
  'UTC',
  'Mars/Olympus',
  '#N/A',
  '#REF!',
  '#DIV/0!',
  '#VALUE!',
  '#NAME?',
  '153928471',
  '0',
  '-5',
  '1e5',
  '3B00612D9C4B1F2A',
  'https://www.vividseats.com/knicks-tickets/production/5124873',
  'https://www.ticketmaster.com/event/0B005F4FA2E01234',
  'https://seatgeek.com/x/7093311',
  'javascript:alert(1)',
  'TRUE',
  'FALSE',
  'yes',
  'nein',
  'x',
  '☑',
  '',
  ' ',
  '"',
  '""',
  'a,b',
  'a;b',
  'a\tb',
  'line\nbreak',
  '\uFFFD',
  '\uD800',
  '\u0000',
  '\u202E',
  '=SUM(A1:A2)',
  'x'.repeat(5_000),
];

const cell = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CELLS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);
const rows = fc.tuple(fc.shuffledSubarray(HEADERS, { minLength: 1 }), fc.array(fc.array(cell, { maxLength: 22 }), { maxLength: 25 }));

type Encoding = 'utf8' | 'utf8bom' | 'utf16le' | 'utf16be' | 'win1252';
interface CsvStyle {
  delimiter: string;
  lineEnd: string;
  quote: 'always' | 'needed' | 'never';
  encoding: Encoding;
}
const csvStyle: fc.Arbitrary<CsvStyle> = fc.record({
  delimiter: fc.constantFrom(',', ';', '\t', '|'),
  lineEnd: fc.constantFrom('\n', '\r\n', '\r'),
  quote: fc.constantFrom('always' as const, 'needed' as const, 'never' as const),
  encoding: fc.constantFrom<Encoding>('utf8', 'utf8bom', 'utf16le', 'utf16be', 'win1252'),
});

function toCsv(headers: string[], body: string[][], style: CsvStyle): Uint8Array {
  const q = (v: string): string => {
    const needs = v.includes(style.delimiter) || /["\r\n]/.test(v);
    if (style.quote === 'always' || (style.quote === 'needed' && needs)) return `"${v.replace(/"/g, '""')}"`;
    return v;
  };
  const text = [headers, ...body].map((r) => r.map(q).join(style.delimiter)).join(style.lineEnd) + style.lineEnd;
  switch (style.encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be': {
      const le = Buffer.from(text, 'utf16le');
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
    }
    case 'win1252':
      return iconv.encode(text, 'windows-1252');
  }
  throw new Error(`unknown encoding ${String(style.encoding)}`);
}

/** The real catalog fixtures (origins in test/fixtures/catalog/README.md). */
const FIXTURES = fromRoot('test', 'fixtures', 'catalog');
const fixtureFiles: { name: string; bytes: Buffer }[] = (function walk(dir: string): { name: string; bytes: Buffer }[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    if (statSync(full).isDirectory()) return walk(full);
    return /\.(csv|tsv|json)$/.test(f) ? [{ name: f, bytes: readFileSync(full) }] : [];
  });
})(FIXTURES);

describe('bad catalog files never crash the catalog reader', () => {
  it('random bytes as a .csv, a .json or a file without extension are read or refused', () => {
    fc.assert(
      fc.property(fc.constantFrom('events.csv', 'events.json', 'events'), fc.uint8Array({ maxLength: 400 }), (file, bytes) =>
        readsOrRefuses(file, bytes),
      ),
      { numRuns: RUNS },
    );
  });

  it('random rows of catalog cells, in any encoding, delimiter, quoting and line end, are read or refused', () => {
    fc.assert(
      fc.property(rows, csvStyle, ([headers, body], style) => readsOrRefuses('events.csv', toCsv(headers, body, style))),
      { numRuns: RUNS * 2 },
    );
  });

  it('the real catalog fixtures cut short, with bytes spliced in, are read or refused', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtureFiles),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.uint8Array({ maxLength: 6 }),
        (fixture, cut, at, noise) => {
          const end = Math.floor(fixture.bytes.length * cut);
          const splice = Math.floor(end * at);
          const bytes = Buffer.concat([fixture.bytes.subarray(0, splice), noise, fixture.bytes.subarray(splice, end)]);
          readsOrRefuses(fixture.name, bytes);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('the JSON catalog broken at random places is read or refused', () => {
    const seed = JSON.parse(readFileSync(path.join(FIXTURES, 'messy.json'), 'utf8')) as unknown;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        const doc = mutate(seed, mutations);
        let text: string;
        try {
          text = JSON.stringify(doc) ?? 'null';
        } catch {
          return; // not representable as a file (a cycle cannot happen; a deep nest can exceed the stack)
        }
        readsOrRefuses('events.json', Buffer.from(text, 'utf8'));
      }),
      { numRuns: RUNS },
    );
  });

  it('random Google Sheets rows (text, numbers, booleans, empty cells) are read or refused with a CatalogFormatError', () => {
    const sheetCell = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<CellValue>(...CELLS) },
      { weight: 1, arbitrary: fc.constantFrom<CellValue>(null, true, false, 0, -1, 46000.5, 1e308, Number.NaN, Number.POSITIVE_INFINITY) },
      { weight: 1, arbitrary: fc.double() },
    );
    fc.assert(
      fc.property(
        fc.shuffledSubarray(HEADERS, { minLength: 1 }),
        fc.array(fc.array(sheetCell, { maxLength: 22 }), { maxLength: 25 }),
        (headers, body) => {
          let catalog: ParsedCatalog;
          try {
            catalog = runBounded(() => parseCatalog(tableFromRows('Google Sheet test', [headers, ...body]), OPTS), HANG_MS);
          } catch (err) {
            if (err instanceof CatalogFormatError) return;
            throw new Error(`catalog parser threw ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
          }
          assertStorable(catalog);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});
