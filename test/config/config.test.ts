import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, describeEnv, enabledMarketplaces, loadEnv, parseEnv } from '../../src/config/index';
import { README_BEGIN, README_END, renderConfigTable, renderEnvExample } from '../../src/config/docs';
import { redact } from '../../src/config/redact';
import { fromRoot } from '../../src/config/paths';
import { runCli as runInProcess, type CliRun } from '../helpers/cli';

/** The CLI in-process with only `env` (and PATH) as its environment, in a folder without a .env. */
function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runInProcess(args, { PATH: process.env.PATH ?? '', ...env }, os.tmpdir());
}

describe('configuration', () => {
  it('gives every setting a default that validates', () => {
    const env = parseEnv({});
    assert.equal(env.TEMPORAL_ADDRESS, '127.0.0.1:7233');
    assert.equal(env.TEMPORAL_UI_PORT, 8233);
    assert.equal(env.RANDOMIZATION_STRATEGY, 'poisson');
    assert.equal(env.DATABASE_URL, undefined);
  });

  it('derives TEMPORAL_ADDRESS from TEMPORAL_PORT unless it is set (top, CLI and worker find the dev server alike)', () => {
    assert.equal(parseEnv({ TEMPORAL_PORT: '27233' }).TEMPORAL_ADDRESS, '127.0.0.1:27233');
    assert.equal(parseEnv({ TEMPORAL_PORT: '27233', TEMPORAL_ADDRESS: ' ' }).TEMPORAL_ADDRESS, '127.0.0.1:27233');
    assert.equal(parseEnv({ TEMPORAL_PORT: '27233', TEMPORAL_ADDRESS: 'temporal:7233' }).TEMPORAL_ADDRESS, 'temporal:7233');
  });

  it('names every bad variable and why, in one error', () => {
    assert.throws(
      () =>
        parseEnv({ DATABASE_URL: 'nonsense', SCRAPE_INTERVAL_HOURS: '-2', RANDOMIZATION_STRATEGY: 'gaussian', MOCK_MARKETPLACE: 'maybe' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems.map((p) => p.variable).sort(), [
          'DATABASE_URL',
          'MOCK_MARKETPLACE',
          'RANDOMIZATION_STRATEGY',
          'SCRAPE_INTERVAL_HOURS',
        ]);
        assert.match(err.message, /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
        return true;
      },
    );
  });

  it('checks settings against each other', () => {
    assert.throws(
      () => parseEnv({ MIN_RANDOM_FACTOR: '1.5', MAX_RANDOM_FACTOR: '1.2' }),
      /MIN_RANDOM_FACTOR: must not exceed MAX_RANDOM_FACTOR/,
    );
    assert.throws(() => parseEnv({ MARKETPLACES: 'stubhub,ebay' }), /unknown marketplace "ebay"/);
    assert.throws(() => parseEnv({ DEFAULT_EVENT_TIMEZONE: 'Mars/Olympus' }), /unknown time zone/);
  });

  it('reads .env under the real environment, which wins', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-env-'));
    writeFileSync(path.join(dir, '.env'), 'SCRAPE_INTERVAL_HOURS=3\nLOG_LEVEL=debug\n');
    const env = loadEnv({ LOG_LEVEL: 'warn' }, dir);
    assert.equal(env.SCRAPE_INTERVAL_HOURS, 3);
    assert.equal(env.LOG_LEVEL, 'warn');
  });

  it('masks secrets when the configuration is described', () => {
    const env = parseEnv({
      DATABASE_URL: 'postgres://app:hunter22@db:5432/tt',
      TICKETMASTER_API_KEY: 'tm-key-123456',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/XYZ',
    });
    const shown = JSON.stringify(describeEnv(env));
    assert.ok(!shown.includes('hunter22'));
    assert.ok(!shown.includes('tm-key-123456'));
    assert.ok(!shown.includes('XYZ'));
    assert.ok(shown.includes('postgres://app:***@db:5432/tt'));
  });

  it('redacts registered secrets and URL passwords from any text', () => {
    parseEnv({ SEATGEEK_CLIENT_ID: 'sg-client-abcdef' });
    assert.equal(redact('GET /events?client_id=sg-client-abcdef failed'), 'GET /events?client_id=*** failed');
    assert.equal(redact('connect postgres://u:pw@h/db'), 'connect postgres://u:***@h/db');
  });

  it('disables a marketplace whose credential is missing, with the reason, and keeps the others', () => {
    const { enabled, disabled } = enabledMarketplaces(parseEnv({ SEATGEEK_CLIENT_ID: 'sg-client-abcdef' }));
    assert.deepEqual(enabled.sort(), ['seatgeek', 'vividseats']);
    assert.deepEqual(disabled.map((d) => d.marketplace).sort(), ['stubhub', 'ticketmaster']);
    assert.match(disabled.find((d) => d.marketplace === 'ticketmaster')!.reason, /TICKETMASTER_API_KEY/);
    assert.equal(enabledMarketplaces(parseEnv({ MOCK_MARKETPLACE: 'true' })).enabled.length, 4);
  });
});

describe('ticket-tracker command line', () => {
  it('exits 2 with one message naming the bad variable, and prints no secret', async () => {
    const r = await runCli(['config'], { DATABASE_URL: 'nonsense', TICKETMASTER_API_KEY: 'tm-secret-987654', RETENTION_RAW_DAYS: 'soon' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /DATABASE_URL/);
    assert.match(r.stderr, /RETENTION_RAW_DAYS/);
    assert.ok(!r.stderr.includes('tm-secret-987654') && !r.stdout.includes('tm-secret-987654'));
    assert.equal(r.stderr.trim().split('\n')[0], 'ticket-tracker: Invalid configuration (2 problems):');
  });

  it('prints the configuration with secrets masked', async () => {
    const r = await runCli(['config', '--json'], {
      DATABASE_URL: 'postgres://a:topsecretpw@h:5432/d',
      // Not the value above: secrets registered by one in-process run would be masked in the next anyway.
      TICKETMASTER_API_KEY: 'tm-secret-123456',
    });
    assert.equal(r.code, 0);
    const rows = JSON.parse(r.stdout) as { variable: string; value: string }[];
    assert.equal(rows.find((x) => x.variable === 'TICKETMASTER_API_KEY')?.value, '***');
    assert.ok(!r.stdout.includes('topsecretpw'));
  });

  it('exits 2 on an unknown command and 0 on --help', async () => {
    assert.equal((await runCli(['frobnicate'], {})).code, 2);
    const help = await runCli(['db', '--help'], {});
    assert.equal(help.code, 0);
    assert.match(help.stdout, /migrate/);
  });
});

describe('generated documentation', () => {
  it('.env.example lists every variable (run `npm run docs` after changing the schema)', () => {
    assert.equal(readFileSync(fromRoot('.env.example'), 'utf8'), renderEnvExample());
  });

  it('docs/configuration.md: its table matches the schema (run `npm run docs`)', () => {
    const readme = readFileSync(fromRoot('docs', 'configuration.md'), 'utf8');
    const table = readme.slice(readme.indexOf(README_BEGIN) + README_BEGIN.length, readme.indexOf(README_END)).trim();
    assert.equal(table, renderConfigTable());
  });
});
