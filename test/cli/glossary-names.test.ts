import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { recordCycleEnd, recordCycleStart } from '../../src/db/cycles';
import { persistScrape } from '../../src/scrape/store';
import { fromRoot } from '../../src/config/paths';
import { runCli, type CliRun } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createEvent, makeListings } from '../fixtures/db/data';

/**
 * One word per concept (docs/glossary.md): `cycles` lists cycles and `marketplaces` groups the
 * marketplace payload commands, `--marketplace` filters by marketplace; the names they had before
 * (`jobs`, `runs`, `tracker cycles`; `sources`; `--source`) still answer the same.
 */
describe('the glossary names on the command line, and the names before them as aliases', () => {
  let t: TestDatabase;
  let eventId: number;
  let env: NodeJS.ProcessEnv;
  const cli = (...argv: string[]): Promise<CliRun> => runCli(argv, env);
  /** Both commands exit 0 and print the same; returns the output. */
  const same = async (alias: string[], ours: string[]): Promise<CliRun> => {
    const a = await cli(...alias);
    const b = await cli(...ours);
    assert.equal(b.code, 0, `${ours.join(' ')}: ${b.stderr}`);
    assert.deepEqual(a, b, `${alias.join(' ')} vs ${ours.join(' ')}`);
    return b;
  };

  before(async () => {
    t = await createTestDatabase();
    // LOG_LEVEL: no log line on stderr; TEMPORAL_ADDRESS: nothing listens, no command here needs Temporal.
    env = { DATABASE_URL: t.url, LOG_LEVEL: 'error', TEMPORAL_ADDRESS: '127.0.0.1:1', PATH: process.env.PATH ?? '' };
    await recordCycleEnd(t.db, {
      cycleId: 'tracker/2026-04-01T10:00:00.000Z',
      status: 'partial',
      eventsScraped: 2,
      errors: 0,
      finishedAt: new Date('2026-04-01T10:00:30Z'),
      durationMs: 30_000,
      details: { marketplacesEmpty: 1 },
    });
    await recordCycleStart(t.db, { cycleId: 'scrape-7/2026-04-01T11:00:00.000Z', startedAt: new Date('2026-04-01T11:00:00Z') });
    eventId = await createEvent(t.db, 'glossary');
    const capturedAt = new Date(Date.now() - 3_600_000);
    for (const [i, marketplace] of (['stubhub', 'vividseats'] as const).entries()) {
      await persistScrape(t.db, {
        scrapeId: `c/${eventId}/${marketplace}`,
        eventId,
        marketplace,
        capturedAt,
        fetched: { kind: 'listings', listings: makeListings(5, i + 1), skipped: [] },
      });
    }
  });
  after(async () => t?.drop());

  it('cycles: the latest cycles newest first, by cycle id, with status and marks', async () => {
    const listed = await cli('cycles', '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const json = JSON.parse(listed.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      json.map((c) => [c.cycleId, c.status, c.eventsScraped, c.durationMs]),
      [
        ['scrape-7/2026-04-01T11:00:00.000Z', 'running', 0, null],
        ['tracker/2026-04-01T10:00:00.000Z', 'partial', 2, 30_000],
      ],
    );
    const table = (await cli('cycles')).stdout.split('\n');
    assert.match(table[0]!, /^cycle\s+status\s+started\s+finished\s+events\s+errors\s+marks\s+duration s$/);
    assert.match(table[3]!, /^tracker\/2026-04-01T10:00:00\.000Z\s+partial\s.*\s1 empty\s+30$/);
  });

  it('jobs, runs and tracker cycles answer as cycles', async () => {
    for (const args of [[], ['--limit', '1'], ['--json'], ['--limit', '1', '--json']]) {
      await same(['jobs', ...args], ['cycles', ...args]);
      await same(['runs', ...args], ['cycles', ...args]);
      await same(['tracker', 'cycles', ...args], ['cycles', ...args]);
    }
    const bad = await cli('jobs', '--limit', '0');
    assert.equal(bad.code, 2);
    assert.deepEqual(bad, await cli('cycles', '--limit', '0'));
  });

  it('--help shows the new names: cycles and marketplaces, with their aliases after them', async () => {
    const help = (await cli('--help')).stdout;
    assert.match(help, /^ {2}cycles\|jobs \[options\]/m);
    assert.match(help, /^ {2}marketplaces\|sources\s/m);
    assert.doesNotMatch(help, /^ {2}(jobs|sources)\b/m);
    assert.match((await cli('tracker', '--help')).stdout, /^ {2}cycles \[options\]/m);
    const listings = (await cli('listings', '--help')).stdout;
    assert.match(listings, /--marketplace <marketplace>\s+only this marketplace/);
    assert.doesNotMatch(listings, /--source/);
  });

  it('marketplaces parse answers as sources parse', async () => {
    const fixture = fromRoot('test', 'fixtures', 'marketplaces', 'seatgeek', 'event.json');
    const parsed = await same(['sources', 'parse', 'seatgeek', fixture], ['marketplaces', 'parse', 'seatgeek', fixture]);
    assert.match(parsed.stdout, /^marketplace\s+seatgeek \(summary\)$/m);
    await same(['sources', 'parse', 'seatgeek', fixture, '--json'], ['marketplaces', 'parse', 'seatgeek', fixture, '--json']);
    const unknown = await cli('marketplaces', 'parse', 'eventbrite', path.basename(fixture));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /MARKETPLACE "eventbrite" is not one of stubhub, vividseats, seatgeek, ticketmaster/);
  });

  it('--marketplace filters by marketplace; --source, its name before, does the same; both at once is refused', async () => {
    const id = `id:${eventId}`;
    for (const command of ['listings', 'prices', 'history', 'availability', 'trend']) {
      const ours = await same([command, id, '--source', 'vividseats', '--json'], [command, id, '--marketplace', 'vividseats', '--json']);
      const rows = JSON.parse(ours.stdout) as Record<string, unknown>[] | { lines: Record<string, unknown>[] };
      const marketplaces = new Set((Array.isArray(rows) ? rows : rows.lines).map((r) => r.source));
      assert.deepEqual([...marketplaces], ['vividseats'], `${command} --marketplace vividseats`);
      await same([command, id, '--source', 'vividseats'], [command, id, '--marketplace', 'vividseats']);
    }
    const all = JSON.parse((await cli('listings', id, '--json')).stdout) as { source: string }[];
    assert.deepEqual([...new Set(all.map((r) => r.source))].sort(), ['stubhub', 'vividseats']);
    const bad = await cli('listings', id, '--marketplace', 'eventbrite');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--marketplace: must be one of/);
    const both = await cli('listings', id, '--marketplace', 'stubhub', '--source', 'stubhub');
    assert.equal(both.code, 2, both.stderr);
    assert.match(both.stderr, /--source.*cannot be used with.*--marketplace/);
  });
});
