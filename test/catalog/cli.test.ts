import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromRoot } from '../../src/config/paths';
import { runCli, type CliRun } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

describe('ticket-tracker events …', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });

  // In-process (main(argv, io)): the process boundary is not what these tests are about.
  const cli = (...args: string[]): Promise<CliRun> => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: 'warn' };
    delete env.GOOGLE_SHEET_ID;
    return runCli(args, env);
  };

  it('events sync --file prints the report with invalid rows by number; a missing file is bad input (exit 2)', async () => {
    const r = await cli('events', 'sync', '--file', fromRoot('test', 'fixtures', 'catalog', 'messy.csv'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^added\s+2$/m);
    assert.match(r.stdout, /^untracked\s+1$/m);
    assert.match(r.stdout, /^\s*5\s+invalid\s+Date: "2027-13-01 20:00" is not a valid date/m);
    assert.match(r.stdout, /^\s*6\s+invalid\s+no marketplace id/m);
    assert.match(r.stdout, /^\s*7\s+duplicate\s+viagogoID \(StubHub id\) 153928471 is already on row 2/m);

    const missing = await cli('events', 'sync', '--file', 'no/such/events.csv');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read file no\/such\/events\.csv: no such file/);
  });

  it('every command names an event the same ways; an ambiguous or unknown reference is bad usage (exit 2)', async () => {
    for (const ref of [
      'stubhub:153928471',
      'viagogo:153928471',
      '7093311',
      'id:1',
      'https://www.vividseats.com/knicks-tickets/production/5124873',
    ]) {
      const r = await cli('prices', ref);
      assert.equal(r.code, 0, `${ref}: ${r.stderr}`);
    }
    // Each names, above its table, the event it resolved to: id, name, local start and the matching form.
    for (const command of ['listings', 'history', 'sections', 'prices', 'trend', 'availability']) {
      const r = await cli(command, '7093311');
      assert.equal(r.code, 0, `${command}: ${r.stderr}`);
      assert.match(r.stdout, /^event #1 "Knicks vs\. Celtics", 2027-02-12 19:30 America\/New_York \(by seatgeek:7093311\)\n\n/, command);
      if (command === 'listings' || command === 'trend') {
        const json = await cli(command, '7093311', '--json');
        assert.doesNotThrow(() => JSON.parse(json.stdout), `${command} --json stays JSON`);
      }
      const help = await cli(command, '--help');
      assert.match(
        help.stdout.replace(/\s+/g, ' '),
        /internal id \(42 or id:42\), any marketplace id .*MARKETPLACE:ID .*event link/,
        `${command} --help`,
      );
    }
    const unknown = await cli('history', 'seatgeek:153928471');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /EVENT: no event has seatgeek id "153928471"/);
    // A zone the event has no figures in is bad usage too, not an empty table.
    for (const command of ['history', 'trend', 'availability']) {
      const zone = await cli(command, '7093311', '--zone', 'Nope');
      assert.equal(zone.code, 2, command);
      assert.match(zone.stderr, /--zone: the event has no zone "Nope" \(zones: ALL\)/, command);
    }
  });

  it('a file that cannot be understood is bad input (exit 2) and changes nothing', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-cli-'));
    const bytes = Buffer.concat([Buffer.from('Event Name,Date,viagogoID\nA'), Buffer.from([0x81]), Buffer.from(',2027-05-01 20:00,1\n')]);
    writeFileSync(path.join(dir, 'bytes.csv'), bytes);
    writeFileSync(path.join(dir, 'headers.csv'), 'Artist,When\nA,B\n');
    for (const [file, message] of [
      ['bytes.csv', /byte 27 is 0x81/],
      ['headers.csv', /lacks an event name column/],
    ] as const) {
      const r = await cli('events', 'sync', '--file', path.join(dir, file));
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    }
  });

  it('events list shows marketplaces, tracked state and last scrape; --json for scripts', async () => {
    await t.db.query(
      `UPDATE event_sources SET last_scraped_at = '2026-11-20T10:00:00Z', last_success_at = '2026-11-20T10:00:00Z' WHERE marketplace_event_id = '153928471'`,
    );
    const table = await cli('events', 'list');
    assert.equal(table.code, 0, table.stderr);
    assert.match(
      table.stdout,
      /Knicks vs\. Celtics .* 2027-02-12 19:30 America\/New_York\s+yes\s+seatgeek:7093311 stubhub:153928471 ticketmaster:3B00612D9C4B1F2A vividseats:5124873\s+2026-11-20 10:00:00Z\s+2026-11-20 10:00:00Z$/m,
    );
    assert.doesNotMatch(table.stdout, /Fest/, 'never imported: its row is not tracked');
    const json = JSON.parse((await cli('events', 'list', '--all', '--json')).stdout) as {
      name: string;
      tracked: boolean;
      marketplaceIds: unknown[];
    }[];
    assert.deepEqual(
      json.map((e) => e.name),
      ['Knicks vs. Celtics', 'Hamilton, Matinee'],
    );
  });

  it('events cleanup-untracked: dry run by default, --delete needs --yes, --delete --yes deletes', async () => {
    // Hamilton is no longer in the catalog.
    assert.equal((await cli('events', 'sync', '--file', fromRoot('test', 'fixtures', 'catalog', 'messy.json'))).code, 0);
    const dry = await cli('events', 'cleanup-untracked');
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /Hamilton, Matinee .*no longer in the catalog.*mark untracked/);
    assert.match(dry.stdout, /dry run, nothing changed: --apply would mark 1 event\(s\) untracked/);

    const noYes = await cli('events', 'cleanup-untracked', '--delete');
    assert.equal(noYes.code, 2);
    assert.match(noYes.stderr, /add --yes/);

    const deleted = await cli('events', 'cleanup-untracked', '--delete', '--yes');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /deleted 1 event\(s\)/);
    const left = await t.db.query<{ name: string }>('SELECT name FROM events ORDER BY id');
    assert.deepEqual(
      left.rows.map((r) => r.name),
      ['Knicks vs. Celtics', 'Arsenal vs. Chelsea'],
    );
  });

  it('events list shows a start to be announced as such, and the sync report names unreadable cells, links and the date order', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tt-cli-')), 'tba.csv');
    writeFileSync(
      file,
      'Event Name,Venue,Country,Date,Time Zone,viagogoID,Vivid Seats ID,Tracked\n' +
        'Knicks vs. Celtics,Madison Square Garden,US,02/12/2027 7:30 PM,America/New_York,153928471,#N/A,TRUE\n' +
        'Spring Tour,The Fillmore,US,TBA,America/Los_Angeles,185000001,https://www.vividseats.com/spring-tour-tickets/production/5700001,TRUE\n' +
        'Summer Night,Hollywood Bowl,US,08/15/2027,America/Los_Angeles,185000002,,TRUE\n',
    );
    const sync = await cli('events', 'sync', '--file', file);
    assert.equal(sync.code, 0, sync.stderr);
    assert.match(sync.stdout, /^date order\s+month-first \(MM\/DD\/YYYY\): row 4 \(08\/15\/2027\) can only be month-first$/m);
    assert.match(sync.stdout, /^\s*2\s+Vivid Seats ID\s+unreadable\s+#N\/A \(a spreadsheet error value\): the stored value is kept$/m);
    assert.match(sync.stdout, /^\s*3\s+Vivid Seats ID\s+link\s+id 5700001 taken from the event link$/m);
    const list = await cli('events', 'list');
    assert.match(list.stdout, /Spring Tour .* TBA\s+yes\s+stubhub:185000001 vividseats:5700001/);
    assert.match(list.stdout, /Summer Night .* 2027-08-15 \(time TBA\) America\/Los_Angeles/);
    // The row with the #N/A cell still names its event: in the catalog, tracked.
    assert.match(list.stdout, /Knicks vs\. Celtics .* 2027-02-12 19:30 America\/New_York\s+yes\s+stubhub:153928471/);
  });
});
