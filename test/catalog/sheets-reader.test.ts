import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { auth as googleAuth } from '@googleapis/sheets';
import { catalogReader, readCatalog } from '../../src/catalog/read/open-reader';
import { createSheetsReader } from '../../src/catalog/read/sheets-reader';
import { CatalogReadError } from '../../src/catalog/read/reader';
import { syncEvents } from '../../src/catalog/sync';
import { parseEnv } from '../../src/config';
import type { CellValue } from '../../src/catalog/parse/cells';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startSheetsServer, type SheetsServer } from './helpers/sheets-server';

const TOKEN = 'ya29.test-access-token';
const SHEET = '1bQ9vTestSheetIdXYZ';
const SA_EMAIL = 'ticket-tracker@demo-project.iam.gserviceaccount.com';

// What the Sheets API returns with UNFORMATTED_VALUE / SERIAL_NUMBER for a messy, hand-kept sheet:
// a title row above the header, reordered and extra columns, a checkbox column, numbers for ids,
// date cells as serial numbers and text dates, blank rows, bad rows and a duplicate.
const MESSY: CellValue[][] = [
  ['Events we track (keep the header on row 2)'],
  [
    'viagId',
    'Notes',
    'Event Name',
    'Venue',
    'City',
    'State',
    'Country',
    'Event Date (Local)',
    'Time Zone',
    'Ticketmaster ID',
    'SeatGeek ID',
    'Vivid Seats ID',
    'Capacity',
    'is_tracked',
  ],
  [
    153928471,
    'floor seats',
    'Knicks vs Celtics',
    'Madison Square Garden',
    'New York',
    'NY',
    'US',
    46430.8125,
    'America/New_York',
    '3B00612D9C4B1F2A',
    7093311,
    5124873,
    19812,
    true,
  ],
  [
    154230519,
    '',
    'Arsenal vs Chelsea',
    'Emirates Stadium',
    'London',
    '',
    'GB',
    '2027-04-24 17:30',
    'Europe/London',
    '',
    7140263,
    '',
    60704,
    'TRUE',
  ],
  [],
  [
    154689014,
    '',
    'Cubs vs Cardinals',
    'Wrigley Field',
    'Chicago',
    'IL',
    'US',
    '7/10/2027 1:20 PM',
    'America/Chicago',
    '04006177D2E5A3B6',
    '',
    5351287,
    '41,649',
    'yes',
  ],
  [
    154511973,
    '',
    'Glass Harbor',
    'Red Rocks Amphitheatre',
    'Morrison',
    'CO',
    'US',
    'June 18th',
    'America/Denver',
    '',
    '',
    '',
    9525,
    'TRUE',
  ],
  ['', '', 'No ids yet', 'The Fillmore', 'San Francisco', 'CA', 'US', '2027-05-05 20:00', 'America/Los_Angeles', '', '', '', '', 'TRUE'],
  [153928471, 'pasted twice', 'Knicks vs Celtics', 'Madison Square Garden', 'New York', 'NY', 'US', 46430.8125, 'America/New_York'],
  [155003841, '', 'ACL Fest', 'Zilker Park', 'Austin', 'TX', 'US', '2027-10-01 11:00', 'America/Chicago', '', '', '', 75000, false],
  [155140392, '', 'Nova Lights', 'The O2', 'London', '', 'GB', '2027-10-30 20:00', 'Europe/London', 'G5vYZ4pLk1a8Q', '', '', '', 1],
];

describe('Google Sheets source: the real googleapis client against a local Sheets v4 server', () => {
  let server: SheetsServer;
  let t: TestDatabase;
  let tmp: string;
  let keyFile: string;
  const auth = new googleAuth.OAuth2();
  auth.setCredentials({ access_token: TOKEN });

  before(async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tt-sheets-'));
    keyFile = path.join(tmp, 'service-account.json');
    writeFileSync(
      keyFile,
      JSON.stringify({
        type: 'service_account',
        project_id: 'demo-project',
        private_key_id: 'k1',
        private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        client_email: SA_EMAIL,
        client_id: '100000000000000000001',
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );
    server = await startSheetsServer({
      spreadsheets: {
        [SHEET]: {
          Events: MESSY,
          "Mike's tab": [
            ['Name', 'Date', 'viagId'],
            ['Solo', '2027-09-09 21:00', '77'],
          ],
        },
        LOCKED: { Events: [] },
      },
      forbidden: ['LOCKED'],
      accessToken: TOKEN,
      serviceAccount: { clientEmail: SA_EMAIL, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });
    t = await createTestDatabase();
  });
  after(async () => {
    await server?.stop();
    await t?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const source = (over: { spreadsheetId?: string; worksheet?: string } = {}) =>
    createSheetsReader({
      spreadsheetId: over.spreadsheetId ?? SHEET,
      worksheet: over.worksheet ?? 'Events',
      defaultTimeZone: 'America/New_York',
      rootUrl: server.rootUrl,
      auth,
    });

  it('reads a messy sheet: header by name, blank and bad rows reported, the good rows kept', async () => {
    const c = await source().read();
    assert.deepEqual(
      c.rows.map((r) => [r.rowNumber, r.name, r.tracked]),
      [
        [3, 'Knicks vs Celtics', true],
        [4, 'Arsenal vs Chelsea', true],
        [6, 'Cubs vs Cardinals', true],
        [10, 'ACL Fest', false],
        [11, 'Nova Lights', true],
      ],
    );
    assert.deepEqual(
      c.rows.map((r) => r.startsAt!.toISOString()),
      [
        '2027-02-13T00:30:00.000Z', // serial 46430.8125 = 2027-02-12 19:30 in New York
        '2027-04-24T16:30:00.000Z',
        '2027-07-10T18:20:00.000Z',
        '2027-10-01T16:00:00.000Z',
        '2027-10-30T19:00:00.000Z',
      ],
    );
    assert.deepEqual(
      c.rows[0]!.marketplaceIds.map((s) => `${s.marketplace}:${s.marketplaceEventId}`),
      ['stubhub:153928471', 'vividseats:5124873', 'seatgeek:7093311', 'ticketmaster:3B00612D9C4B1F2A'],
    );
    assert.equal(c.rows[2]!.capacity, 41649);
    assert.deepEqual(
      c.invalid.map((i) => i.row),
      [7, 8],
    );
    assert.match(c.invalid[0]!.reason, /Event Date \(Local\): "June 18th" is not a date/);
    assert.match(c.invalid[1]!.reason, /no marketplace id/);
    assert.deepEqual(c.duplicates, [{ row: 9, firstRow: 3, reason: 'viagId (StubHub id) 153928471 is already on row 3' }]);
    assert.equal(c.blank, 1);
    assert.deepEqual(c.ignoredColumns, ['Notes']);
  });

  it("places a sheet in the seed README's layout (no time zone column) by its cities, as a file", async () => {
    // As the Sheets API returns it: a checkbox column, numeric ids, the date typed as text.
    server.setRows(SHEET, 'Seed', [
      ['Name', 'Venue', 'City', 'Country', 'Date', 'viagogoID', 'is_tracked'],
      ['Hollow Pines', 'RAC Arena', 'Perth', 'AU', '2027-07-20 20:00:00', 180000020, true],
      ['The Glass Orchard', 'Ball Arena', 'Denver', 'US', '2027-07-04 20:00:00', 180000004, true],
      ['Northbound Static', 'Moda Center', 'Portland', 'US', '2027-08-22 20:00:00', 180000053, true],
    ]);
    const c = await createSheetsReader({ spreadsheetId: SHEET, worksheet: 'Seed', rootUrl: server.rootUrl, auth }).read();
    // Perth AWST (UTC+8): 12:00Z; Denver MDT (UTC-6): 02:00Z next day. Portland, US: two zones.
    assert.deepEqual(
      c.rows.map((r) => [r.city, r.timezone, r.startsAt?.toISOString()]),
      [
        ['Perth', 'Australia/Perth', '2027-07-20T12:00:00.000Z'],
        ['Denver', 'America/Denver', '2027-07-05T02:00:00.000Z'],
      ],
    );
    assert.deepEqual(
      c.cells.map((n) => [n.row, n.column, n.kind]),
      [
        [2, 'City', 'zone'],
        [3, 'City', 'zone'],
      ],
    );
    assert.match(c.invalid[0]!.reason, /^City \(no zone written\): "Portland, US" is in several time zones/);
  });

  it('asks for unformatted values and serial dates, for the whole worksheet, with the bearer token', async () => {
    const before = server.requests.length;
    await source({ worksheet: "Mike's tab" }).read();
    const req = server.requests[before]!;
    assert.equal(decodeURIComponent(req.path), `/v4/spreadsheets/${SHEET}/values/'Mike''s tab'`);
    assert.equal(req.query.valueRenderOption, 'UNFORMATTED_VALUE');
    assert.equal(req.query.dateTimeRenderOption, 'SERIAL_NUMBER');
    assert.equal(req.authorization, `Bearer ${TOKEN}`);
  });

  it('authenticates with a service-account key file (GOOGLE_APPLICATION_CREDENTIALS) through readCatalog(env)', async () => {
    const env = parseEnv({
      GOOGLE_SHEET_ID: SHEET,
      GOOGLE_SHEET_WORKSHEET: "Mike's tab",
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      GOOGLE_SHEETS_ROOT_URL: server.rootUrl,
      DEFAULT_EVENT_TIMEZONE: 'America/Chicago',
    });
    const c = await readCatalog(env);
    assert.deepEqual(
      c.rows.map((r) => [r.name, r.startsAt!.toISOString()]),
      [['Solo', '2027-09-10T02:00:00.000Z']],
    );
    // The server accepted it only after checking the JWT's signature against the account's public key.
    assert.match(server.requests.at(-1)!.authorization ?? '', /^Bearer eyJ/);
  });

  it('turns Google errors into messages that say what to fix', async () => {
    const fails = async (src: ReturnType<typeof source>, pattern: RegExp): Promise<void> => {
      await assert.rejects(src.read(), (e: unknown) => e instanceof CatalogReadError && pattern.test(e.message));
    };
    await fails(
      source({ spreadsheetId: 'no-such-sheet' }),
      /Google Sheet no-such-sheet was not found \(Requested entity was not found\.\): check GOOGLE_SHEET_ID/,
    );
    await fails(
      source({ spreadsheetId: 'LOCKED' }),
      /no permission to read Google Sheet LOCKED \(The caller does not have permission\): share the sheet/,
    );
    await fails(source({ worksheet: 'Evnets' }), /worksheet "Evnets" was not found .*check GOOGLE_SHEET_WORKSHEET/);
    const wrongToken = new googleAuth.OAuth2();
    wrongToken.setCredentials({ access_token: 'expired' });
    await assert.rejects(
      createSheetsReader({
        spreadsheetId: SHEET,
        worksheet: 'Events',
        defaultTimeZone: 'UTC',
        rootUrl: server.rootUrl,
        auth: wrongToken,
      }).read(),
      (e: unknown) => e instanceof CatalogReadError && /rejected the credentials/.test(e.message),
    );
  });

  it('a sheet without the needed columns cannot be read as a catalog', async () => {
    server.setRows(SHEET, 'Wrong', [
      ['Artist', 'When'],
      ['A', '2027-01-01 10:00'],
    ]);
    await assert.rejects(
      source({ worksheet: 'Wrong' }).read(),
      (e: unknown) =>
        e instanceof CatalogReadError &&
        /worksheet "Wrong": the header row lacks an event name column .*\(headers found: "Artist", "When"\)/.test(e.message),
    );
  });

  it('syncs end to end; a second sync is all unchanged; a sheet that cannot be read leaves the database as it was', async () => {
    const env = parseEnv({ GOOGLE_SHEET_ID: SHEET, GOOGLE_SHEETS_ROOT_URL: server.rootUrl });
    const first = await syncEvents(t.db, catalogReader(env, { auth }));
    assert.deepEqual(
      [first.added, first.updated, first.unchanged, first.untracked, first.invalid.length, first.duplicates.length],
      [4, 0, 0, 1, 2, 1],
    );
    const second = await syncEvents(t.db, catalogReader(env, { auth }));
    assert.deepEqual([second.added, second.updated, second.unchanged, second.untracked], [0, 0, 4, 1]);

    const snapshot = async (): Promise<unknown[]> =>
      (await t.db.query('SELECT e.*, s.* FROM events e JOIN event_sources s ON s.event_id = e.id ORDER BY e.id, s.marketplace')).rows;
    const before = await snapshot();
    for (const broken of [
      { GOOGLE_SHEET_ID: 'no-such-sheet' },
      { GOOGLE_SHEET_ID: 'LOCKED' },
      { GOOGLE_SHEET_ID: SHEET, GOOGLE_SHEET_WORKSHEET: 'Wrong' },
    ]) {
      await assert.rejects(
        syncEvents(t.db, catalogReader(parseEnv({ ...broken, GOOGLE_SHEETS_ROOT_URL: server.rootUrl }), { auth })),
        CatalogReadError,
      );
    }
    assert.deepEqual(await snapshot(), before);
  });

  it('the same treatment as files: serial Date + Time columns, day-first text, abbreviations, links, checkboxes, error cells', async () => {
    const header = ['Event Name', 'Venue', 'City', 'Country', 'Date', 'Time', 'Time Zone', 'viagogoID', 'Vivid Seats ID', 'Tracked'];
    // Values as UNFORMATTED_VALUE sends them: date cells as day serials, time cells as fractions
    // of a day, text typed into a cell as text, checkboxes as booleans, error cells as their code.
    server.setRows(SHEET, 'Tour', [
      header,
      ['Hollow Pines', 'Example Arena', 'London', 'GB', 46482, 0.8125, 'Europe/London', 172000001, '', true],
      [
        'The Glass Orchard',
        'Example Hall',
        'Manchester',
        'GB',
        '14/03/2027',
        '20:00',
        'Europe/London',
        'https://www.stubhub.com/the-glass-orchard-tickets-14-03-2027/event/172000002/?quantity=2',
        '',
        true,
      ],
      ['Northbound Static', 'Example Theatre', 'Glasgow', 'GB', '05/04/2027', 'TBA', 'Europe/London', 172000003, 5530003, 'WAHR'],
      ['Late Signal', 'Example Bowl', 'London', 'GB', '06/04/2027', '19:30', 'BST', 172000004, '', true],
    ]);
    const tour = { GOOGLE_SHEET_ID: SHEET, GOOGLE_SHEET_WORKSHEET: 'Tour', GOOGLE_SHEETS_ROOT_URL: server.rootUrl };
    await t.db.query('TRUNCATE events RESTART IDENTITY CASCADE');
    const report = await syncEvents(t.db, catalogReader(parseEnv(tour), { auth }));
    assert.deepEqual([report.added, report.invalid.map((i) => i.row)], [3, [5]]);
    assert.match(report.invalid[0]!.reason, /"BST" is an abbreviation.*here probably Europe\/London \(from London, England, GB\)/);
    assert.equal(report.dateOrder?.order, 'dmy');
    assert.deepEqual(
      report.cells.map((c) => [c.row, c.column, c.kind]),
      [[3, 'viagogoID (StubHub id)', 'link']],
    );
    const rows = async () =>
      (
        await t.db.query<{ name: string; venue: string; starts_at: Date; start_precision: string; in_catalog: boolean; ids: string }>(
          `SELECT e.name, e.venue, e.starts_at, e.start_precision, e.in_catalog,
                (SELECT string_agg(marketplace || ':' || marketplace_event_id, ' ' ORDER BY marketplace) FROM event_sources s WHERE s.event_id = e.id) AS ids
           FROM events e ORDER BY e.id`,
        )
      ).rows;
    assert.deepEqual(
      (await rows()).map((e) => [e.name, e.starts_at.toISOString(), e.start_precision, e.ids]),
      [
        ['Hollow Pines', '2027-04-05T18:30:00.000Z', 'time', 'stubhub:172000001'], // 46482 = 2027-04-05, 0.8125 = 19:30 BST
        ['The Glass Orchard', '2027-03-14T20:00:00.000Z', 'time', 'stubhub:172000002'],
        ['Northbound Static', '2027-04-04T23:00:00.000Z', 'date', 'stubhub:172000003 vividseats:5530003'], // 5 April, time TBA
      ],
    );

    // Formulas break: error cells keep what was stored, the other cells still apply.
    server.setRows(SHEET, 'Tour', [
      header,
      ['#N/A', '#REF!', 'London', 'GB', 46482, 0.8125, 'Europe/London', 172000001, '', true],
      ['The Glass Orchard', 'New Hall', 'Manchester', 'GB', '14/03/2027', '#VALUE!', 'Europe/London', 172000002, '', true],
      ['Northbound Static', 'Example Theatre', 'Glasgow', 'GB', '05/04/2027', 'TBA', 'Europe/London', '#N/A', 5530003, 'WAHR'],
    ]);
    const broken = await syncEvents(t.db, catalogReader(parseEnv(tour), { auth }));
    assert.deepEqual(broken.invalid, []);
    assert.deepEqual(
      broken.cells.map((c) => [c.row, c.column]),
      [
        [2, 'Event Name'],
        [2, 'Venue'],
        [3, 'Time'],
        [4, 'viagogoID (StubHub id)'],
      ],
    );
    assert.deepEqual(
      (await rows()).map((e) => [e.name, e.venue, e.starts_at.toISOString(), e.in_catalog, e.ids]),
      [
        ['Hollow Pines', 'Example Arena', '2027-04-05T18:30:00.000Z', true, 'stubhub:172000001'],
        ['The Glass Orchard', 'New Hall', '2027-03-14T20:00:00.000Z', true, 'stubhub:172000002'],
        ['Northbound Static', 'Example Theatre', '2027-04-04T23:00:00.000Z', true, 'stubhub:172000003 vividseats:5530003'],
      ],
    );
  });
});
