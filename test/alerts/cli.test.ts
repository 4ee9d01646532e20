import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fromRoot } from '../../src/config/paths';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createEvent } from '../fixtures/db/data';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('ticket-tracker alerts … and changes', () => {
  let t: TestDatabase;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-alerts-cli-'));
  before(async () => {
    t = await createTestDatabase();
    await createEvent(t.db, 'cli-alerts', { marketplaceIds: { vividseats: '4455667' } });
  });
  after(async () => t?.drop());

  const cli = (...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: t.url,
        LOG_LEVEL: 'warn',
        DISCORD_WEBHOOK_URL: 'http://127.0.0.1:9/api/webhooks/1/x',
      };
      for (const k of ['SLACK_WEBHOOK_URL', 'ALERT_WEBHOOK_URL', 'SMTP_URL', 'ALERT_EMAIL_TO']) delete env[k];
      execFile(process.execPath, [fromRoot('bin', 'ticket-tracker.js'), ...args], { cwd: fromRoot(), env }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });

  it('apply FILE syncs the rules by name, idempotently; the sample file applies as it is', async () => {
    const first = await cli('alerts', 'apply', fromRoot('samples', 'alerts.yaml'));
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /6 added, 0 changed, 0 unchanged, 0 removed/);
    assert.match(first.stderr, /channel slack is not configured here/);
    const again = await cli('alerts', 'apply', fromRoot('samples', 'alerts.yaml'), '--json');
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as { added: string[]; changed: string[]; unchanged: string[]; removed: string[] };
    assert.deepEqual([report.added.length, report.changed.length, report.unchanged.length, report.removed.length], [0, 0, 6, 0]);

    const file = path.join(dir, 'one.json');
    writeFileSync(
      file,
      JSON.stringify({ rules: [{ name: 'lowest ever', event: 'vividseats:4455667', condition: 'new-low', channels: ['discord'] }] }),
    );
    const synced = await cli('alerts', 'apply', file);
    assert.match(synced.stdout, /0 added, 1 changed, 0 unchanged, 5 removed/);
    const list = JSON.parse((await cli('alerts', 'list', '--json')).stdout) as { name: string; eventId: number }[];
    assert.deepEqual(
      list.map((r) => r.name),
      ['lowest ever'],
    );
    assert.ok(list[0]!.eventId > 0);
  });

  it('bad rules are refused with the field path or line (exit 2) and change nothing', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'rules:\n  - name: a\n    condition: drop\n    channels: [discord]\n  - name: b\n    condition: below 10\n    channels: [pager]\n',
    );
    const r = await cli('alerts', 'apply', bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /rules\.0\.condition: "drop": drop needs a positive percent/);
    const unknown = path.join(dir, 'unknown.yaml');
    writeFileSync(unknown, 'rules:\n  - name: b\n    condition: below 10\n    channels: [pager]\n');
    const u = await cli('alerts', 'apply', unknown);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /rules\.0\.channels: unknown channel pager/);
    // Every mistake of a file in one run, each with its path (issue 14: the unknown channel and
    // the duplicate name showed only once the rest was clean).
    const many = path.join(dir, 'many.yaml');
    writeFileSync(
      many,
      [
        'rules:',
        '  - name: a',
        '    condition: drop 250%',
        '    channels: [discord]',
        '  - name: b',
        '    condition: below 10',
        '    channels: [pager]',
        '  - name: a',
        '    condition: new-low',
        '    channels: [discord]',
        '  - name: c',
        '    event: stubhub:999',
        '    condition: drop -5%',
        '    channels: [discord]',
        '  - name: d',
        '    event: stubhub:999',
        '    condition: new-low',
        '    channels: [discord]',
        '',
      ].join('\n'),
    );
    const m = await cli('alerts', 'apply', many);
    assert.equal(m.code, 2);
    assert.match(m.stderr, /rules\.0\.condition: "drop 250%": a drop cannot exceed 100 %/);
    assert.match(m.stderr, /rules\.1\.channels: unknown channel pager/);
    assert.match(m.stderr, /rules\.2\.name: "a" is also rules\.0\.name/);
    assert.match(m.stderr, /rules\.3\.condition: "drop -5%": drop needs a positive percent/);
    assert.match(m.stderr, /rules\.4\.event: /);
    assert.equal((await cli('alerts', 'list', '--json')).stdout.includes('"d"'), false);
    const yamlError = path.join(dir, 'broken.yaml');
    writeFileSync(yamlError, 'rules:\n  - name: a\n   condition: [\n');
    assert.equal((await cli('alerts', 'apply', yamlError)).code, 2);
    const noEvent = await cli('alerts', 'add', 'x', '--condition', 'below 5', '--channels', 'discord', '--event', 'stubhub:999');
    assert.equal(noEvent.code, 2);
    assert.match(noEvent.stderr, /--event: /);
    assert.equal((await cli('alerts', 'list', '--json')).stdout.includes('"x"'), false);
  });

  it('add, pause, resume, remove by name; history and changes answer on an empty log', async () => {
    const add = await cli('alerts', 'add', 'cheap', '--condition', 'cheaper-elsewhere 15%', '--channels', 'discord', '--zone', 'Floor');
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /condition\s+cheaper-elsewhere 15%/);
    assert.match(add.stdout, /basis\s+all-in/);
    const pairs = await cli('alerts', 'add', 'pairs', '--condition', '2 together under 400', '--basis', 'base', '--channels', 'discord');
    assert.equal(pairs.code, 0, pairs.stderr);
    assert.match((await cli('alerts', 'list')).stdout, /pairs .*2 together under 400 +before fees/);
    assert.equal((await cli('alerts', 'add', 'bad', '--condition', 'new-low', '--basis', 'net', '--channels', 'discord')).code, 2);
    assert.equal((await cli('alerts', 'remove', 'pairs')).code, 0);
    assert.equal((await cli('alerts', 'add', 'cheap', '--condition', 'new-low', '--channels', 'discord')).code, 2);
    assert.equal((await cli('alerts', 'pause', 'cheap')).code, 0);
    assert.match((await cli('alerts', 'list')).stdout, /cheap .*paused/);
    assert.equal((await cli('alerts', 'resume', 'cheap')).code, 0);
    assert.equal((await cli('alerts', 'remove', 'cheap', 'nope')).code, 2);
    assert.equal((await cli('alerts', 'remove', 'cheap')).code, 0);
    const history = await cli('alerts', 'history', '--days', '3');
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /\(none\)/);
    const changes = await cli('changes', 'vividseats:4455667', '--min-percent', '5');
    assert.equal(changes.code, 0, changes.stderr);
    assert.match(changes.stdout, /event #\d+ "Event cli-alerts".*\nprices all-in\n\n.*from all-in +to all-in/);
    assert.match((await cli('changes', 'vividseats:4455667', '--basis', 'base')).stdout, /prices before fees/);
    assert.equal((await cli('changes', 'vividseats:4455667', '--basis', 'net')).code, 2);
    assert.equal((await cli('changes', 'vividseats:4455667', '--min-percent', 'lots')).code, 2);
    // Discord is set to a port nobody answers: the channel's answer is printed, and the exit status is 1.
    const refused = await cli('alerts', 'test', 'discord');
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stdout, /status\s+(retry|permanent|failed)/);
    assert.match(refused.stderr, /discord did not accept the sample alert/);
    const test = await cli('alerts', 'test', 'slack');
    assert.equal(test.code, 2);
    assert.match(test.stderr, /slack is not configured/);
  });
});
