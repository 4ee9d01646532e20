import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expandSeedAlias, SEED_ALIASES } from '../../src/cli/aliases';
import { fromRoot } from '../../src/config/paths';
import { runCli, type CliRun } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

type Run = CliRun;

/** main(argv, io) in this process, with what it writes to stdout and stderr. */
function cli(...argv: string[]): Promise<Run> {
  return runCli(argv, process.env);
}

/** The alias and our command give the same exit status and the same output. */
async function same(alias: string[], ours: string[]): Promise<Run> {
  const a = await cli(...alias);
  const b = await cli(...ours);
  assert.deepEqual(a, b, `${alias.join(' ')} vs ${ours.join(' ')}`);
  return a;
}

describe("the seeds' command names as aliases", () => {
  let t: TestDatabase;
  const saved = { ...process.env };
  before(async () => {
    t = await createTestDatabase();
    process.env.DATABASE_URL = t.url;
    process.env.EVENTS_FILE = fromRoot('test', 'fixtures', 'catalog', 'messy.csv');
    process.env.LOG_LEVEL = 'error';
    process.env.TEMPORAL_ADDRESS = '127.0.0.1:1'; // nothing listens: commands must fail before Temporal or say so
    delete process.env.GOOGLE_SHEET_ID;
  });
  after(async () => {
    process.env = saved;
    await t?.drop();
  });

  it('maps each name to our command and translates cleanup-untracked-events flags', () => {
    assert.deepEqual(expandSeedAlias(['init-db']), ['db', 'migrate']);
    // The seed's own command for a catalog sync (its cli.py: `sync_events`).
    assert.deepEqual(expandSeedAlias(['sync-events', '--file', 'x.csv']), ['events', 'sync', '--file', 'x.csv']);
    assert.deepEqual(expandSeedAlias(['price-history', '12', '--days', '30', '--bucket', '1 day']), [
      'history',
      '12',
      '--days',
      '30',
      '--bucket',
      '1 day',
    ]);
    assert.deepEqual(expandSeedAlias(['cleanup-untracked-events']), ['events', 'cleanup-untracked']);
    assert.deepEqual(expandSeedAlias(['cleanup-untracked-events', '--no-dry-run']), ['events', 'cleanup-untracked', '--apply']);
    assert.deepEqual(expandSeedAlias(['cleanup-untracked-events', '--no-dry-run', '--delete', '--json']), [
      'events',
      'cleanup-untracked',
      '--delete',
      '--yes',
      '--json',
    ]);
    assert.deepEqual(expandSeedAlias(['cleanup-untracked-events', '--delete']), ['events', 'cleanup-untracked']);
    assert.deepEqual(expandSeedAlias(['events', 'list']), ['events', 'list']);
  });

  it('--help lists every alias with the command it runs', async () => {
    const r = await cli('--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Aliases \(the command names of the Python tracker/);
    for (const a of SEED_ALIASES)
      assert.match(r.stdout, new RegExp(`^  ${a.usage.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+= ${a.command.join(' ')}`, 'm'));
  });

  it('init-db, fetch-events, show-events: migrate, read the catalog, list the events', async () => {
    await same(['init-db', '--json'], ['db', 'migrate', '--json']);
    const fetched = await cli('fetch-events');
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.match(fetched.stdout, /^added\s+2$/m);
    const shown = await same(['show-events', '--json'], ['events', 'list', '--json']);
    assert.equal((JSON.parse(shown.stdout) as unknown[]).length, 2);
  });

  it('show-listings, price-history, section-prices answer like listings, history, sections', async () => {
    const events = JSON.parse((await cli('events', 'list', '--json')).stdout) as { id: number }[];
    const id = String(events[0]!.id);
    await same(['show-listings', id, '--json'], ['listings', id, '--json']);
    await same(
      ['price-history', id, '--days', '30', '--bucket', '1 day', '--json'],
      ['history', id, '--days', '30', '--bucket', '1 day', '--json'],
    );
    await same(['section-prices', id, '--days', '7', '--json'], ['sections', id, '--days', '7', '--json']);
    const bad = await same(['price-history', id, '--bucket', 'fortnight'], ['history', id, '--bucket', 'fortnight']);
    assert.equal(bad.code, 2);
  });

  it('fetch-listings, start-scheduler and run reach scrape, tracker start and dev', async () => {
    const unknown = await same(['fetch-listings', 'seatgeek:999999999'], ['scrape', 'seatgeek:999999999']);
    assert.equal(unknown.code, 2);
    const badInterval = await same(
      ['start-scheduler', '--interval-hours', 'soon', '--randomization', 'poisson'],
      ['tracker', 'start', '--interval-hours', 'soon', '--randomization', 'poisson'],
    );
    assert.equal(badInterval.code, 2);
    const help = await same(['run', '--help'], ['dev', '--help']);
    assert.match(help.stdout, /^Usage: ticket-tracker dev/);
  });

  it('cleanup-untracked-events: a dry run by default, --no-dry-run --delete deletes the event gone from the catalog', async () => {
    // The catalog now holds only its first event: the second is no longer in it.
    const messy = readFileSync(fromRoot('test', 'fixtures', 'catalog', 'messy.csv'), 'utf8').split('\n');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-aliases-'));
    process.env.EVENTS_FILE = path.join(dir, 'events.csv');
    writeFileSync(process.env.EVENTS_FILE, messy.slice(0, 2).join('\n') + '\n');
    assert.equal((await cli('fetch-events')).code, 0);
    rmSync(dir, { recursive: true, force: true });
    const dry = await same(['cleanup-untracked-events', '--json'], ['events', 'cleanup-untracked', '--json']);
    assert.equal((JSON.parse(dry.stdout) as { toDelete: number }).toDelete, 1, dry.stdout);
    const before = JSON.parse((await cli('events', 'list', '--all', '--json')).stdout) as unknown[];
    const deleted = await cli('cleanup-untracked-events', '--no-dry-run', '--delete', '--json');
    assert.equal(deleted.code, 0, deleted.stderr);
    const afterwards = JSON.parse((await cli('events', 'list', '--all', '--json')).stdout) as unknown[];
    assert.equal(afterwards.length, before.length - 1, deleted.stdout);
  });
});
