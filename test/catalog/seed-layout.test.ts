import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFileReader } from '../../src/catalog/read/file-reader';
import { fromRoot } from '../../src/config/paths';

/**
 * The events sheet exactly as the seed tracker's README lays it out ("Adding New Events": Name,
 * Venue, City, Country, Date as YYYY-MM-DD HH:MM:SS, viagogoID; is_tracked 7th), no time zone
 * column, with 52 arenas of 24 countries taken from public venue lists (Wikipedia's lists of
 * indoor arenas and concert venues), several zones of the US, Canada, Australia, Brazil and
 * Mexico among them. Each expected zone is the venue's as a person would look it up; each
 * instant is the local 20:00 minus that zone's offset on the day (the offset beside it; DST in
 * the northern summer, standard time in the southern winter), checked with Python's zoneinfo.
 */
const EXPECTED: [city: string, zone: string, startsAt: string][] = [
  ['New York', 'America/New_York', '2027-07-02T00:00:00.000Z'], // UTC-04:00
  ['Los Angeles', 'America/Los_Angeles', '2027-07-03T03:00:00.000Z'], // UTC-07:00
  ['Chicago', 'America/Chicago', '2027-07-04T01:00:00.000Z'], // UTC-05:00
  ['Denver', 'America/Denver', '2027-07-05T02:00:00.000Z'], // UTC-06:00
  ['Phoenix', 'America/Phoenix', '2027-07-06T03:00:00.000Z'], // UTC-07:00
  ['Indianapolis', 'America/Indiana/Indianapolis', '2027-07-07T00:00:00.000Z'], // UTC-04:00
  ['Morrison, CO', 'America/Denver', '2027-07-08T02:00:00.000Z'], // UTC-06:00
  ['Honolulu', 'Pacific/Honolulu', '2027-07-09T06:00:00.000Z'], // UTC-10:00
  ['Seattle', 'America/Los_Angeles', '2027-07-10T03:00:00.000Z'], // UTC-07:00
  ['Portland, OR', 'America/Los_Angeles', '2027-07-11T03:00:00.000Z'], // UTC-07:00
  ['Toronto', 'America/Toronto', '2027-07-12T00:00:00.000Z'], // UTC-04:00
  ['Vancouver', 'America/Vancouver', '2027-07-13T03:00:00.000Z'], // UTC-07:00
  ['Calgary', 'America/Edmonton', '2027-07-14T02:00:00.000Z'], // UTC-06:00
  ['Montréal', 'America/Toronto', '2027-07-15T00:00:00.000Z'], // UTC-04:00
  ['Halifax', 'America/Halifax', '2027-07-15T23:00:00.000Z'], // UTC-03:00
  ['Winnipeg', 'America/Winnipeg', '2027-07-17T01:00:00.000Z'], // UTC-05:00
  ["St. John's", 'America/St_Johns', '2027-07-17T22:30:00.000Z'], // UTC-02:30
  ['Sydney', 'Australia/Sydney', '2027-07-18T10:00:00.000Z'], // UTC+10:00
  ['Melbourne', 'Australia/Melbourne', '2027-07-19T10:00:00.000Z'], // UTC+10:00
  ['Perth', 'Australia/Perth', '2027-07-20T12:00:00.000Z'], // UTC+08:00
  ['Brisbane', 'Australia/Brisbane', '2027-07-21T10:00:00.000Z'], // UTC+10:00
  ['Adelaide', 'Australia/Adelaide', '2027-07-22T10:30:00.000Z'], // UTC+09:30
  ['São Paulo', 'America/Sao_Paulo', '2027-07-23T23:00:00.000Z'], // UTC-03:00
  ['Rio de Janeiro', 'America/Sao_Paulo', '2027-07-24T23:00:00.000Z'], // UTC-03:00
  ['Manaus', 'America/Manaus', '2027-07-26T00:00:00.000Z'], // UTC-04:00
  ['Mexico City', 'America/Mexico_City', '2027-07-27T02:00:00.000Z'], // UTC-06:00
  ['Monterrey', 'America/Monterrey', '2027-07-28T02:00:00.000Z'], // UTC-06:00
  ['Zapopan', 'America/Mexico_City', '2027-07-29T02:00:00.000Z'], // UTC-06:00
  ['Tijuana', 'America/Tijuana', '2027-07-30T03:00:00.000Z'], // UTC-07:00
  ['London', 'Europe/London', '2027-07-30T19:00:00.000Z'], // UTC+01:00
  ['Manchester', 'Europe/London', '2027-07-31T19:00:00.000Z'], // UTC+01:00
  ['Glasgow', 'Europe/London', '2027-08-01T19:00:00.000Z'], // UTC+01:00
  ['Amsterdam', 'Europe/Amsterdam', '2027-08-02T18:00:00.000Z'], // UTC+02:00
  ['Paris', 'Europe/Paris', '2027-08-03T18:00:00.000Z'], // UTC+02:00
  ['Berlin', 'Europe/Berlin', '2027-08-04T18:00:00.000Z'], // UTC+02:00
  ['Cologne', 'Europe/Berlin', '2027-08-05T18:00:00.000Z'], // UTC+02:00
  ['Madrid', 'Europe/Madrid', '2027-08-06T18:00:00.000Z'], // UTC+02:00
  ['Barcelona', 'Europe/Madrid', '2027-08-07T18:00:00.000Z'], // UTC+02:00
  ['Milan', 'Europe/Rome', '2027-08-08T18:00:00.000Z'], // UTC+02:00
  ['Dublin', 'Europe/Dublin', '2027-08-09T19:00:00.000Z'], // UTC+01:00
  ['Stockholm', 'Europe/Stockholm', '2027-08-10T18:00:00.000Z'], // UTC+02:00
  ['Copenhagen', 'Europe/Copenhagen', '2027-08-11T18:00:00.000Z'], // UTC+02:00
  ['Zürich', 'Europe/Zurich', '2027-08-12T18:00:00.000Z'], // UTC+02:00
  ['Kraków', 'Europe/Warsaw', '2027-08-13T18:00:00.000Z'], // UTC+02:00
  ['Antwerp', 'Europe/Brussels', '2027-08-14T18:00:00.000Z'], // UTC+02:00
  ['Tokyo', 'Asia/Tokyo', '2027-08-15T11:00:00.000Z'], // UTC+09:00
  ['Seoul', 'Asia/Seoul', '2027-08-16T11:00:00.000Z'], // UTC+09:00
  ['Singapore', 'Asia/Singapore', '2027-08-17T12:00:00.000Z'], // UTC+08:00
  ['Auckland', 'Pacific/Auckland', '2027-08-18T08:00:00.000Z'], // UTC+12:00
  ['Buenos Aires', 'America/Argentina/Buenos_Aires', '2027-08-19T23:00:00.000Z'], // UTC-03:00
  ['Dubai', 'Asia/Dubai', '2027-08-20T16:00:00.000Z'], // UTC+04:00
  ['Johannesburg', 'Africa/Johannesburg', '2027-08-21T18:00:00.000Z'], // UTC+02:00
];

describe("the seed README's sheet layout, no time zone column", () => {
  it('places every venue a careful person could place, at the right instant, and says so per row', async () => {
    const catalog = await createFileReader({ file: fromRoot('test', 'fixtures', 'catalog', 'seed-layout', 'world-venues.csv') }).read();
    assert.deepEqual(
      catalog.rows.map((r) => [r.city, r.timezone, r.startsAt?.toISOString()]),
      EXPECTED,
    );
    const zoneNotes = catalog.cells.filter((c) => c.kind === 'zone');
    assert.equal(zoneNotes.length, EXPECTED.length);
    assert.ok(zoneNotes.every((c) => c.column === 'City' && /^zone from (city|state|country): /.test(c.message)));
    // Antwerp is "Antwerpen" in GeoNames: Belgium has one zone, and the note says the country gave it.
    assert.match(catalog.cells.find((c) => c.row === 46)!.message, /^zone from country: Europe\/Brussels/);
  });

  it('refuses what cannot be placed, naming the candidates', async () => {
    const catalog = await createFileReader({ file: fromRoot('test', 'fixtures', 'catalog', 'seed-layout', 'world-venues.csv') }).read();
    assert.deepEqual(
      catalog.invalid.map((i) => i.row),
      [54, 55, 56],
    );
    const [portland, columbia, unknown] = catalog.invalid.map((i) => i.reason);
    assert.match(
      portland!,
      /^City \(no zone written\): "Portland, US" is in several time zones: Portland, OR, US \(America\/Los_Angeles\), Portland, ME, US \(America\/New_York\)/,
    );
    assert.match(
      columbia!,
      /"Columbia, US" is in several time zones: Columbia, SC, US \(America\/New_York\), Columbia, MO, US \(America\/Chicago\)/,
    );
    assert.match(unknown!, /no place called "Smallvillez" in CA is in GeoNames' list.*CA has several time zones: .*America\/Toronto/);
  });

  it('reads a pandas export (index column, ids as floats because a column has a blank) and says what it normalized', async () => {
    const catalog = await createFileReader({ file: fromRoot('test', 'fixtures', 'catalog', 'seed-layout', 'pandas-export.csv') }).read();
    // Nashville is Central time (CDT, UTC-5 in September), Chicago too; Portland, ME Eastern (EDT, UTC-4).
    assert.deepEqual(
      catalog.rows.map((r) => [
        r.rowNumber,
        r.timezone,
        r.startsAt?.toISOString(),
        r.marketplaceIds.map((m) => `${m.marketplace}:${m.marketplaceEventId}`),
      ]),
      [
        [2, 'America/Chicago', '2027-09-11T00:30:00.000Z', ['stubhub:5640001', 'vividseats:5520001']],
        [3, 'America/Chicago', '2027-09-12T00:30:00.000Z', ['stubhub:5640002']],
        [5, 'America/New_York', '2027-09-13T23:30:00.000Z', ['vividseats:5520004']],
      ],
    );
    const notes = catalog.cells.filter((c) => c.kind !== 'zone').map((c) => [c.row, c.column, c.kind, c.message]);
    assert.deepEqual(notes, [
      [
        2,
        'viagogoID (StubHub id)',
        'normalized',
        '"5640001.0" read as id 5640001 (a spreadsheet or pandas wrote the id as a number with a fraction)',
      ],
      [
        2,
        'Vivid Seats ID',
        'normalized',
        '"5520001.0" read as id 5520001 (a spreadsheet or pandas wrote the id as a number with a fraction)',
      ],
      [
        3,
        'viagogoID (StubHub id)',
        'normalized',
        '"5640002.0" read as id 5640002 (a spreadsheet or pandas wrote the id as a number with a fraction)',
      ],
      [
        4,
        'viagogoID (StubHub id)',
        'normalized',
        '"5640003.0" read as id 5640003 (a spreadsheet or pandas wrote the id as a number with a fraction)',
      ],
      [
        4,
        'Vivid Seats ID',
        'normalized',
        '"5520003.0" read as id 5520003 (a spreadsheet or pandas wrote the id as a number with a fraction)',
      ],
      [5, 'viagogoID (StubHub id)', 'invalid', '"5640004.5" is not a whole number: a marketplace event id has no fraction'],
      [
        5,
        'Vivid Seats ID',
        'normalized',
        '"5520004.0" read as id 5520004 (a spreadsheet or pandas wrote the id as a number with a fraction)',
      ],
    ]);
    assert.deepEqual(
      catalog.invalid.map((i) => i.row),
      [4],
    );
    assert.match(
      catalog.invalid[0]!.reason,
      /"Portland, US" is in several time zones: Portland, OR, US \(America\/Los_Angeles\), Portland, ME, US \(America\/New_York\)/,
    );
  });
});
