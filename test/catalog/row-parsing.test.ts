import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CatalogFormatError, mapColumns } from '../../src/catalog/parse/columns';
import { parseCatalog } from '../../src/catalog/parse/catalog';
import { tableFromRows } from '../../src/catalog/parse/table';
import type { CellValue } from '../../src/catalog/parse/cells';
import { lookUpPlace } from '../../src/catalog/places';

const NY = 'America/New_York';
const parse = (rows: CellValue[][], defaultTimeZone = NY) =>
  parseCatalog(tableFromRows('test sheet', rows), { lookUpPlace, defaultTimeZone });

describe('catalog rows: columns found by header', () => {
  it("accepts the seeds' headers as they are (Event Name, Event Date (Local), viagId, is_tracked)", () => {
    const c = parse([
      ['Event Name', 'Venue', 'City', 'Country', 'Event Date (Local)', 'viagId', 'is_tracked'],
      ['Knicks vs Celtics', 'Madison Square Garden', 'New York', 'US', '2027-02-12 19:30:00', '153928471', 'TRUE'],
    ]);
    assert.deepEqual(c.invalid, []);
    assert.equal(c.rows.length, 1);
    const r = c.rows[0]!;
    assert.equal(r.rowNumber, 2);
    assert.equal(r.name, 'Knicks vs Celtics');
    assert.equal(r.startsAt!.toISOString(), '2027-02-13T00:30:00.000Z');
    assert.deepEqual(r.marketplaceIds, [{ marketplace: 'stubhub', marketplaceEventId: '153928471' }]);
    assert.equal(r.tracked, true);
    assert.equal(r.timezone, NY);
  });

  it('accepts the other seed spelling (Name, Date, viagogoID) and the extra marketplace columns', () => {
    const c = parse([
      [
        'Name',
        'Venue',
        'Date',
        'viagogoID',
        'Vivid Seats ID',
        'SeatGeek ID',
        'Ticketmaster ID',
        'Category',
        'Capacity',
        'Time Zone',
        'State',
      ],
      [
        'Cubs vs Cardinals',
        'Wrigley Field',
        '2027-07-10 13:20',
        154689014,
        5351287,
        '7201556',
        '04006177D2E5A3B6',
        'Sports',
        '41,649',
        'America/Chicago',
        'IL',
      ],
    ]);
    const r = c.rows[0]!;
    assert.deepEqual(
      r.marketplaceIds.map((s) => `${s.marketplace}:${s.marketplaceEventId}`),
      ['stubhub:154689014', 'vividseats:5351287', 'seatgeek:7201556', 'ticketmaster:04006177D2E5A3B6'],
    );
    assert.equal(r.capacity, 41649);
    assert.equal(r.category, 'Sports');
    assert.equal(r.state, 'IL');
    assert.equal(r.timezone, 'America/Chicago');
    assert.equal(r.startsAt!.toISOString(), '2027-07-10T18:20:00.000Z');
  });

  it('finds columns wherever they are and reports the ones it does not know', () => {
    const c = parse([
      ['Notes', 'viagId', 'is_tracked', 'Event Date (Local)', 'Venue', 'Event Name', 'Venu Capacity'],
      ['call box office', '1', 'yes', '2027-03-01 20:00', 'Ryman', 'Show'],
    ]);
    assert.equal(c.rows[0]!.name, 'Show');
    assert.equal(c.rows[0]!.venue, 'Ryman');
    assert.deepEqual(c.ignoredColumns, [
      'Notes',
      'Venu Capacity (looks like the capacity column but is not a header this reader knows: rename it "Capacity")',
    ]);
  });

  it('refuses a table without a name, a date or any marketplace id column, listing the headers found', () => {
    assert.throws(
      () =>
        parse([
          ['Venue', 'City'],
          ['A', 'B'],
        ]),
      (e: unknown) => e instanceof CatalogFormatError && /event name/.test(e.message) && /"Venue", "City"/.test(e.message),
    );
    assert.throws(
      () =>
        parse([
          ['Name', 'Date'],
          ['A', '2027-01-01 10:00'],
        ]),
      (e: unknown) => e instanceof CatalogFormatError && /marketplace id/.test(e.message),
    );
    assert.throws(() => parse([]), CatalogFormatError);
  });

  it('a table without a tracked column tracks every row', () => {
    assert.equal(
      parse([
        ['Name', 'Date', 'viagId'],
        ['A', '2027-01-01 10:00', '9'],
      ]).rows[0]!.tracked,
      true,
    );
  });
});

describe('catalog rows: messy sheets', () => {
  const header = ['Event Name', 'Venue', 'Event Date (Local)', 'viagId', 'Ticketmaster ID', 'is_tracked'];

  it('reads the tracked flag spelled TRUE, true, yes, 1, a checkbox, and its opposites', () => {
    const flags: CellValue[] = ['TRUE', 'true', 'yes', '1', 1, true, 'Y', 'FALSE', 'false', 'no', '0', 0, false, '', null];
    const c = parse([header, ...flags.map((f, i) => [`E${i}`, 'V', '2027-05-01 19:00', String(100 + i), null, f])]);
    assert.deepEqual(c.invalid, []);
    assert.deepEqual(
      c.rows.map((r) => r.tracked),
      [true, true, true, true, true, true, true, false, false, false, false, false, false, false, false],
    );
  });

  it('refuses a tracked flag it cannot read, naming the column', () => {
    const c = parse([header, ['E', 'V', '2027-05-01 19:00', '5', null, 'maybe']]);
    assert.equal(c.invalid[0]!.row, 2);
    assert.match(c.invalid[0]!.reason, /^is_tracked: must be TRUE\/FALSE/);
  });

  it('skips blank rows and keeps counting rows as the sheet does', () => {
    const c = parse([[], header, ['A', 'V', '2027-05-01 19:00', '1'], [], ['', '  ', null], ['B', 'V', '2027-05-02 19:00', '2']]);
    assert.equal(c.blank, 2);
    assert.deepEqual(
      c.rows.map((r) => r.rowNumber),
      [3, 6],
    );
  });

  it('reports bad dates, missing names and missing ids with the row number, and keeps the good rows', () => {
    const c = parse([
      header,
      ['Good', 'V', '2027-05-01 19:00', '1', 'TM1', 'TRUE'],
      ['Bad date', 'V', '2027-02-30 19:00', '2', null, 'TRUE'],
      ['No time', 'V', '2027-05-01', '3', null, 'TRUE'],
      ['Words', 'V', 'next friday', '4', null, 'TRUE'],
      ['', 'V', '2027-05-01 19:00', '5', null, 'TRUE'],
      ['No ids', 'V', '2027-05-01 19:00', '', 'n/a', 'TRUE'],
      ['Bad id', 'V', '2027-05-01 19:00', 'https://stubhub.com/e/1', 'TM8', 'TRUE'],
      ['Also good', 'V', '5/2/2027 7:30 PM', null, 'TM2', 'yes'],
    ]);
    assert.deepEqual(
      c.rows.map((r) => r.name),
      ['Good', 'No time', 'Bad id', 'Also good'],
    );
    // A date without a time is tracked with the time to be announced.
    assert.equal(c.rows[1]!.startPrecision, 'date');
    // No Country column: the default zone (America/New_York) makes 5/2/2027 month-first.
    assert.equal(c.rows[3]!.startsAt!.toISOString(), '2027-05-02T23:30:00.000Z');
    const reasons = new Map(c.invalid.map((i) => [i.row, i.reason]));
    assert.deepEqual([...reasons.keys()], [3, 5, 6, 7]);
    assert.match(reasons.get(3)!, /Event Date \(Local\): "2027-02-30 19:00" is not a valid date/);
    assert.match(reasons.get(5)!, /"next friday" is not a date/);
    assert.match(reasons.get(6)!, /Event Name: is empty/);
    assert.match(reasons.get(7)!, /no marketplace id: fill at least one of viagId \(StubHub id\), Ticketmaster ID/);
    // One bad id cell never drops the row's valid ids: the row is kept and the cell reported.
    assert.deepEqual(c.rows[2]!.marketplaceIds, [{ marketplace: 'ticketmaster', marketplaceEventId: 'TM8' }]);
    assert.deepEqual(
      c.cells.filter((n) => n.row === 8).map((n) => [n.column, n.kind]),
      // No place on the row: the default zone, and the report says so.
      [
        ['viagId (StubHub id)', 'invalid'],
        ['Time Zone (no such column)', 'zone'],
      ],
    );
    assert.match(c.cells.find((n) => n.row === 8)!.message, /link to stubhub\.com but not to an event page/);
    // A bad row still says which event it is about, so the sync does not take it for removed.
    assert.deepEqual(c.invalid.find((i) => i.row === 3)!.marketplaceIds, [{ marketplace: 'stubhub', marketplaceEventId: '2' }]);
  });

  it('lists every problem of a row at once', () => {
    const c = parse([
      [...header, 'Time Zone'],
      ['X', 'V', 'soon', '1', null, 'perhaps', 'Nowhere/City'],
    ]);
    const reason = c.invalid[0]!.reason;
    assert.match(reason, /Time Zone: unknown time zone "Nowhere\/City"/);
    assert.match(reason, /is_tracked: must be/);
    assert.match(reason, /Event Date \(Local\): "soon"/);
  });

  it('keeps the first of duplicated rows: same marketplace id, or same name, venue and start', () => {
    const c = parse([
      header,
      ['A', 'V', '2027-05-01 19:00', '1', 'TM1', 'TRUE'],
      ['A again', 'V', '2027-05-01 19:00', '9', 'TM1', 'TRUE'],
      ['B', 'Arena', '2027-06-01 19:00', '2', null, 'TRUE'],
      ['b', 'arena', '2027-06-01 19:00', '3', null, 'TRUE'],
    ]);
    assert.deepEqual(
      c.rows.map((r) => r.rowNumber),
      [2, 4],
    );
    assert.deepEqual(c.duplicates, [
      { row: 3, firstRow: 2, reason: 'Ticketmaster ID TM1 is already on row 2' },
      { row: 5, firstRow: 4, reason: 'same event name, venue and start as row 4' },
    ]);
  });

  it("a row without a time zone takes its city's zone, whatever the default zone", () => {
    const c = parse([
      ['Name', 'City', 'Country', 'Date', 'viagId'],
      ['Berlin', 'Berlin', 'DE', '2027-10-02 20:00', '1'],
      ['Montreal', 'Montréal', 'CA', '2027-10-05 20:00', '2'],
      ['Boston', 'Boston', 'US', '2027-10-06 20:00', '3'],
    ]);
    assert.deepEqual(c.invalid, []);
    // CEST (UTC+2) in Berlin, EDT (UTC-4) in Montreal and Boston in early October 2027.
    assert.deepEqual(
      c.rows.map((r) => [r.name, r.timezone, r.startsAt!.toISOString()]),
      [
        ['Berlin', 'Europe/Berlin', '2027-10-02T18:00:00.000Z'],
        ['Montreal', 'America/Toronto', '2027-10-06T00:00:00.000Z'],
        ['Boston', 'America/New_York', '2027-10-07T00:00:00.000Z'],
      ],
    );
  });

  it("reads dates in the row's time zone, else the default one", () => {
    const c = parse(
      [
        ['Name', 'Date', 'viagId', 'Time Zone'],
        ['London', '2027-04-24 17:30', '1', 'Europe/London'],
        ['Default', '2027-04-24 17:30', '2', ''],
      ],
      'America/Los_Angeles',
    );
    assert.deepEqual(
      c.rows.map((r) => [r.startsAt!.toISOString(), r.timezone]),
      [
        ['2027-04-24T16:30:00.000Z', 'Europe/London'],
        ['2027-04-25T00:30:00.000Z', 'America/Los_Angeles'],
      ],
    );
  });
});

describe('event date cells', () => {
  /** The stored instant of one row's start cell in a zone, or the row's reason. */
  const start = (cell: CellValue, tz = 'America/Chicago', country = 'US'): string => {
    const c = parse([
      ['Name', 'Date', 'viagId', 'Time Zone', 'Country'],
      ['E', cell, '1', tz, country],
    ]);
    return c.rows[0]?.startsAt?.toISOString() ?? c.rows[0]?.startPrecision ?? c.invalid[0]!.reason;
  };

  it('reads spreadsheet serial numbers as wall time in the zone (as UNFORMATTED_VALUE sends dates)', () => {
    // 46572 is 2027-07-04; .8125 of a day is 19:30.
    assert.equal(start(46572.8125, 'America/New_York'), '2027-07-04T23:30:00.000Z');
    // A whole serial is a date without a time: tracked with the time to be announced (local midnight stored).
    const c = parse([
      ['Name', 'Date', 'viagId', 'Time Zone'],
      ['E', 46572, '1', 'America/New_York'],
    ]);
    assert.equal(c.rows[0]!.startPrecision, 'date');
    assert.equal(c.rows[0]!.startsAt!.toISOString(), '2027-07-04T04:00:00.000Z');
  });

  it('honours an explicit offset and accepts ISO with T and seconds, and 12-hour US dates', () => {
    assert.equal(start('2027-07-04T19:30:00-04:00'), '2027-07-04T23:30:00.000Z');
    assert.equal(start('2027-07-04T19:30:00Z'), '2027-07-04T19:30:00.000Z');
    assert.equal(start('2027-07-04T19:30:15'), '2027-07-05T00:30:15.000Z');
    assert.equal(start('7/4/2027 12:05 AM'), '2027-07-04T05:05:00.000Z');
    assert.equal(start('7/4/2027 12:05 pm'), '2027-07-04T17:05:00.000Z');
    assert.match(start('7/4/2027 13:05 PM'), /not an hour on a 12-hour clock/);
    assert.match(start('2027-13-01 10:00'), /"2027-13-01 10:00" is not a valid date/);
  });

  it('maps headers loosely: case, spaces and punctuation do not matter', () => {
    const m = mapColumns(['EVENT NAME', 'event_date_local', 'Viagogo ID', 'IS TRACKED', 'ticketmaster-id']);
    assert.deepEqual(m.index, { name: 0, startsAt: 1, stubhub: 2, tracked: 3, ticketmaster: 4 });
  });

  it("reads every field's header in German, French, Spanish and Dutch, accents folded", () => {
    const byLanguage: [string, string[]][] = [
      [
        'de',
        [
          'Veranstaltung',
          'Veranstaltungsort',
          'Stadt',
          'Land',
          'Datum',
          'Uhrzeit',
          'Zeitzone',
          'Kategorie',
          'Kapazität',
          'Verfolgt',
          'viagogoID',
        ],
      ],
      ['fr', ['Nom', 'Salle', 'Ville', 'Pays', 'Date', 'Heure', 'Fuseau horaire', 'Catégorie', 'Capacité', 'Actif', 'viagogoID']],
      [
        'es',
        ['Nombre', 'Recinto', 'Ciudad', 'País', 'Fecha', 'Hora', 'Zona horaria', 'Categoría', 'Capacidad', 'Seguimiento', 'viagogoID'],
      ],
      ['nl', ['Naam', 'Locatie', 'Stad', 'Land', 'Datum', 'Tijd', 'Tijdzone', 'Categorie', 'Capaciteit', 'Volgen', 'viagogoID']],
    ];
    const all = {
      name: 0,
      venue: 1,
      city: 2,
      country: 3,
      startsAt: 4,
      startTime: 5,
      timezone: 6,
      category: 7,
      capacity: 8,
      tracked: 9,
      stubhub: 10,
    };
    for (const [language, headers] of byLanguage) {
      const m = mapColumns(headers);
      assert.deepEqual([m.index, m.ignored], [all, []], language);
    }
    assert.equal(mapColumns(['Événement', 'Lieu', 'Date', 'Suivi', 'viagogoID']).index.name, 0);
    assert.equal(mapColumns(['Evento', 'Lugar', 'Fecha', 'Activo', 'viagogoID']).index.tracked, 3);
    assert.equal(mapColumns(['Name', 'Ort', 'Datum', 'Aktiv', 'viagogoID']).index.venue, 1);
  });

  it('names what an ignored column looks like, and a second column of a field, instead of dropping it silently', () => {
    const m = mapColumns([
      'Name',
      'Date',
      'viagogoID',
      'Veranstaltungsort (Halle)',
      'Aktiviert?',
      'Seguimiento activo',
      'Datum',
      'Comments',
    ]);
    assert.equal(m.index.tracked, 4);
    assert.deepEqual(m.ignored, [
      'Veranstaltungsort (Halle) (looks like the venue column but is not a header this reader knows: rename it "Venue")',
      'Seguimiento activo (looks like the tracked column but is not a header this reader knows: rename it "Tracked")',
      'Datum (a second date column: "Date" is read)',
      'Comments',
    ]);
  });
});
