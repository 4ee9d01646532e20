import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBoolean, parseMarketplaceId, spreadsheetError } from '../../src/catalog/parse/cells';

describe('catalog cells: spreadsheet error values', () => {
  it('recognises the error values of Excel, Sheets and Calc, and nothing else', () => {
    for (const v of ['#N/A', '#REF!', '#VALUE!', '#NAME?', '#DIV/0!', '#NUM!', '#NULL!', '#ERROR!', '#SPILL!', ' #n/a ']) {
      assert.ok(spreadsheetError(v), v);
    }
    for (const v of ['N/A', '#1 Fan Night', '#', 'REF!', 42, null]) assert.equal(spreadsheetError(v), undefined, String(v));
  });
});

describe('catalog cells: localized booleans', () => {
  it('reads TRUE/FALSE in English, German, French, Spanish and Dutch, yes/no, x, 1/0 and checkboxes', () => {
    const yes = ['TRUE', 'WAHR', 'VRAI', 'VERDADERO', 'WAAR', 'yes', 'Ja', 'oui', 'sí', 'x', 'X', '1', 1, true, '✓'];
    const no = ['FALSE', 'FALSCH', 'FAUX', 'FALSO', 'ONWAAR', 'no', 'Nein', 'non', 'nee', '0', 0, false, '', null];
    for (const v of yes) assert.equal(parseBoolean(v), true, String(v));
    for (const v of no) assert.equal(parseBoolean(v), false, String(v));
    for (const v of ['maybe', 2, 'WAHRSCHEINLICH']) assert.equal(parseBoolean(v), undefined, String(v));
  });
});

describe('catalog cells: marketplace ids and pasted event links', () => {
  const id = (v: unknown, m: Parameters<typeof parseMarketplaceId>[1]) => parseMarketplaceId(v, m);

  it('takes the id from each marketplace event link form', () => {
    assert.deepEqual(id('https://www.stubhub.com/hollow-pines-nashville-tickets-3-13-2027/event/170000001/?quantity=2', 'stubhub'), {
      kind: 'link',
      id: '170000001',
      marketplace: 'stubhub',
    });
    assert.deepEqual(id('https://www.stubhub.com/event/170000009/?quantity=0', 'stubhub'), {
      kind: 'link',
      id: '170000009',
      marketplace: 'stubhub',
    });
    assert.deepEqual(id('https://www.viagogo.com/Concert-Tickets/Hollow-Pines-Tickets/E-170000002?quantity=1', 'stubhub'), {
      kind: 'link',
      id: '170000002',
      marketplace: 'stubhub',
    });
    assert.deepEqual(
      id('https://www.vividseats.com/hollow-pines-tickets-riverside-arena-3-13-2027--concerts-rock/production/5520001', 'vividseats'),
      { kind: 'link', id: '5520001', marketplace: 'vividseats' },
    );
    assert.deepEqual(
      id('https://seatgeek.com/hollow-pines-tickets/3-13-2027-nashville-tennessee-riverside-arena/concert/7000001', 'seatgeek'),
      { kind: 'link', id: '7000001', marketplace: 'seatgeek' },
    );
    // The page's 16-hex event code is not the Discovery id the adapter calls with (a real
    // Discovery capture has url .../event/2D00570ED8EE6BA8 beside id G5eVZ4YDbDJmI): refused.
    const pageCode = id('https://www.ticketmaster.com/hollow-pines-nashville-tennessee-03-13-2027/event/1B00612D9C4B1F2A', 'ticketmaster');
    assert.equal(pageCode.kind, 'invalid');
    assert.match(
      (pageCode as { reason: string }).reason,
      /code 1B00612D9C4B1F2A is the page's 16-hex event code, not the Discovery API event id .*paste the event's Discovery id/,
    );
    assert.deepEqual(
      id('https://www.ticketmaster.com/hollow-pines-los-angeles-california-03-08-2027/event/Z7r9jZ1AeqbGa', 'ticketmaster'),
      { kind: 'link', id: 'Z7r9jZ1AeqbGa', marketplace: 'ticketmaster' },
    );
    assert.deepEqual(id('www.ticketmaster.ca/hollow-pines-toronto-ontario-05-31-2027/event/Z7r9jZ1A7-6od', 'ticketmaster'), {
      kind: 'link',
      id: 'Z7r9jZ1A7-6od',
      marketplace: 'ticketmaster',
    });
  });

  it('refuses a link to another marketplace, to a page that is no event, or to another site, saying which', () => {
    const reason = (v: string, m: Parameters<typeof parseMarketplaceId>[1]): string => {
      const r = id(v, m);
      return r.kind === 'invalid' ? r.reason : `accepted as ${JSON.stringify(r)}`;
    };
    assert.match(reason('https://www.vividseats.com/x/production/5520001', 'stubhub'), /another marketplace/);
    assert.match(reason('https://www.stubhub.com/hollow-pines-tickets/performer/123', 'stubhub'), /not to an event page/);
    assert.match(reason('https://example.com/event/1', 'seatgeek'), /link to example\.com/);
    assert.match(reason('170 000 001', 'stubhub'), /not a marketplace event id/);
  });

  it('keeps plain ids (numbers from sheets too) and reads placeholders as empty', () => {
    assert.deepEqual(id(170000001, 'stubhub'), { kind: 'id', id: '170000001' });
    assert.deepEqual(id(' G5vYZ4pLk1a8Q ', 'ticketmaster'), { kind: 'id', id: 'G5vYZ4pLk1a8Q' });
    for (const v of ['', 'n/a', 'TBD', '-', null]) assert.deepEqual(id(v, 'seatgeek'), { kind: 'empty' }, String(v));
  });

  it('reads ids that a spreadsheet or pandas wrote as numbers when the number is exactly the id, and refuses any other fraction', () => {
    // pandas writes an integer column that has a blank as float64: 5640001 becomes "5640001.0".
    assert.deepEqual(id('5640001.0', 'vividseats'), { kind: 'normalized', id: '5640001', written: '5640001.0' });
    assert.deepEqual(id('5640001,00', 'vividseats'), { kind: 'normalized', id: '5640001', written: '5640001,00' });
    // Scientific notation of a narrow column, read only when its digits carry the whole id.
    assert.deepEqual(id('5.640001E6', 'stubhub'), { kind: 'normalized', id: '5640001', written: '5.640001E6' });
    assert.deepEqual(id('5.640001E+06', 'stubhub'), { kind: 'normalized', id: '5640001', written: '5.640001E+06' });
    const rounded = id('5.64E+06', 'stubhub');
    assert.equal(rounded.kind, 'invalid');
    assert.match(rounded.kind === 'invalid' ? rounded.reason : '', /scientific notation that may have rounded the id \(it reads 5640000/);
    for (const v of ['5640001.5', '5.6400015E6', '0.0']) {
      const r = id(v, 'seatgeek');
      assert.equal(r.kind, 'invalid', v);
    }
    assert.equal(id(5640001.5, 'seatgeek').kind, 'invalid');
    // Ticketmaster's hexadecimal ids hold an E among digits: they are ids, not numbers.
    assert.deepEqual(id('10006152E3A91B44', 'ticketmaster'), { kind: 'id', id: '10006152E3A91B44' });
    assert.deepEqual(id('3B00612D9C4B1F2A', 'ticketmaster'), { kind: 'id', id: '3B00612D9C4B1F2A' });
  });
});
