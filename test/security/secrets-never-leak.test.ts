import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseEnv } from '../../src/config';
import { ENV_VARS, SECRET_VARS, type EnvVarName } from '../../src/config/schema';
import { freePort } from '../../src/embedded/ports';
import { startMockMarketplace, type MockMarketplace } from '../../src/mock-marketplace';
import { MARKETPLACES } from '../../src/sources/marketplaces/registry';
import { fromRoot } from '../../src/tools/paths';
import { startSheetsServer, type SheetsServer } from '../catalog/helpers/sheets-server';
import { runCli, type CliRun } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Secrets never leak (issue 16, item 5): every setting the schema marks secret (and every
 * marketplace's credentials, which its descriptor marks so) gets a recognizable unique value; a
 * full `ticket-tracker dev` (what `npm start` runs) runs a cycle with them at LOG_LEVEL=debug,
 * reading its catalog from a Google Sheet with a service-account key file; then every command of
 * `ticket-tracker --help` runs, with --json where it has it and in a failing form. No line of any
 * of it may hold a secret, URL-encoded, base64-encoded, or as a Basic credential pair. Nothing
 * leaves the machine: marketplace base URLs point at the local mock, webhooks at a local server,
 * the sheet and its token exchange at a local Sheets server.
 */
const SA_EMAIL = 'tracker@leak-test.iam.gserviceaccount.com';
const SHEET = 'leak-test-sheet';
/** Commands that run until stopped: started as processes for a few seconds, then SIGTERM. */
const LONG_RUNNING = new Set(['dev', 'worker', 'mock-marketplace', 'dashboard', 'top', 'run']);

/** A token no real text contains, with characters that URL-encoding and base64 change. */
const token = (name: string): string => `lk-${name.toLowerCase().replace(/_/g, '-')}-${randomBytes(6).toString('hex')}+/=`;

/** A local server that answers 200 to anything and counts requests (webhooks, proxies' targets). */
async function startSink(): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Every form of a secret that would give it away in text. */
function forms(secret: string): string[] {
  const out = new Set([
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
  ]);
  // A form shorter than the secret's own length is not one that names it (e.g. base64 padding aside).
  return [...out].filter((f) => f.length >= 8);
}

describe('secrets never leak: npm start with every secret set, and every command', () => {
  let t: TestDatabase;
  let mock: MockMarketplace;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let sheets: SheetsServer;
  let tmp: string;
  const secrets = new Map<string, string>();
  let env: Record<string, string>;
  let dev: ChildProcess | undefined;
  let devOut = '';
  const outputs: { what: string; text: string }[] = [];

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tt-leak-'));
    chmodSync(tmp, 0o755);
    t = await createTestDatabase();
    mock = await startMockMarketplace({ port: 0, seed: 5, host: '127.0.0.1' });
    sink = await startSink();

    // The database password: a role of its own, with a password that needs URL-encoding.
    const dbPassword = token('db-password');
    secrets.set('database password', dbPassword);
    await t.db.query(`CREATE ROLE leak_user LOGIN SUPERUSER PASSWORD '${dbPassword.replace(/'/g, "''")}'`);
    const dbUrl = new URL(t.url);
    dbUrl.username = 'leak_user';
    dbUrl.password = encodeURIComponent(dbPassword);

    // A service account whose private key signs the sheet's requests (checked by the Sheets server).
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // Each line of the key's body is secret on its own.
    pem
      .split('\n')
      .filter((l) => l.length > 40 && !l.startsWith('-----'))
      .forEach((l, i) => secrets.set(`private key line ${i + 1}`, l));
    const keyFile = path.join(tmp, 'service-account.json');
    const privateKeyId = token('private-key-id');
    secrets.set('private_key_id', privateKeyId);
    writeFileSync(
      keyFile,
      JSON.stringify({
        type: 'service_account',
        project_id: 'leak-test',
        private_key_id: privateKeyId,
        private_key: pem,
        client_email: SA_EMAIL,
        client_id: '100000000000000000009',
        token_uri: `${sink.url}/token`,
      }),
    );
    sheets = await startSheetsServer({
      spreadsheets: {
        [SHEET]: {
          Events: [
            [
              'Event Name',
              'Venue',
              'City',
              'State',
              'Country',
              'Event Date (Local)',
              'Time Zone',
              'viagogoID',
              'Vivid Seats ID',
              'SeatGeek ID',
              'Ticketmaster ID',
              'is_tracked',
            ],
            [
              'Knicks vs Celtics',
              'Madison Square Garden',
              'New York',
              'NY',
              'US',
              '2027-02-12 19:30',
              'America/New_York',
              153928471,
              5124873,
              7093311,
              '3B00612D9C4B1F2A',
              'TRUE',
            ],
            [
              'Arsenal vs Chelsea',
              'Emirates Stadium',
              'London',
              '',
              'GB',
              '2027-04-24 17:30',
              'Europe/London',
              154000001,
              5200001,
              7140263,
              '',
              'TRUE',
            ],
          ],
        },
      },
      serviceAccount: { clientEmail: SA_EMAIL, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    });

    // Every secret setting of the schema, with a value of the form it accepts.
    const secretSettings: Record<string, string> = {};
    for (const name of SECRET_VARS) {
      if (name === 'DATABASE_URL') {
        secretSettings[name] = dbUrl.toString();
        continue;
      }
      const value = token(name);
      const candidates =
        name === 'HTTP_PROXIES'
          ? [] // a proxy would carry every marketplace request: tested in test/sources/proxy-and-cli.test.ts
          : [value, `${sink.url}/hooks/${encodeURIComponent(value)}`, `smtp://leak:${encodeURIComponent(value)}@127.0.0.1:9`];
      const accepted = candidates.find((c) => {
        try {
          parseEnv({ [name]: c });
          return true;
        } catch {
          return false;
        }
      });
      if (accepted === undefined) continue;
      secretSettings[name] = accepted;
      secrets.set(name, value);
    }
    // Credentials are secret by their descriptor's kind; all of them are in SECRET_VARS already.
    for (const m of MARKETPLACES)
      for (const s of m.settings) if (s.kind === 'credential') assert.ok(SECRET_VARS.includes(s.name as EnvVarName), `${s.name} is secret`);

    const baseUrls = Object.fromEntries(
      MARKETPLACES.flatMap((m) => m.settings.filter((s) => s.kind === 'base-url').map((s) => [s.name, mock.url])),
    );
    const temporalPort = await freePort();
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...secretSettings,
      ...baseUrls,
      MOCK_MARKETPLACE: 'false',
      GOOGLE_SHEET_ID: SHEET,
      GOOGLE_APPLICATION_CREDENTIALS: keyFile,
      GOOGLE_SHEETS_ROOT_URL: sheets.rootUrl,
      DATA_DIR: path.join(tmp, 'data'),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      MOCK_MARKETPLACE_PORT: String(await freePort()),
      DASHBOARD_PORT: String(await freePort()),
      METRICS_PORT: '0',
      SCRAPE_INTERVAL_HOURS: '0.01',
      MIN_RANDOM_FACTOR: '0.5',
      MAX_RANDOM_FACTOR: '1',
      ERROR_ALERT_THRESHOLD: '1',
      LOG_LEVEL: 'debug',
    };
    assert.ok(Object.keys(ENV_VARS).length > 0);
  });

  after(async () => {
    if (dev && dev.exitCode === null) {
      dev.kill('SIGTERM');
      await new Promise((r) => dev!.once('exit', r));
    }
    await sheets?.stop();
    await sink?.close();
    await mock?.close();
    await t?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A command in-process; string writes that bypass the io seam are captured too. */
  async function command(argv: string[]): Promise<CliRun> {
    const stray: string[] = [];
    const origOut = process.stdout.write.bind(process.stdout);
    const origErr = process.stderr.write.bind(process.stderr);
    const capture = (orig: typeof origOut) =>
      ((chunk: string | Uint8Array, ...rest: never[]) =>
        typeof chunk === 'string' ? (stray.push(chunk), true) : orig(chunk, ...rest)) as typeof process.stdout.write;
    process.stdout.write = capture(origOut);
    process.stderr.write = capture(origErr);
    try {
      const r = await runCli(argv, env, tmp);
      outputs.push({ what: `ticket-tracker ${argv.join(' ')} (exit ${r.code})`, text: r.stdout + r.stderr + stray.join('') });
      return r;
    } finally {
      process.stdout.write = origOut;
      process.stderr.write = origErr;
    }
  }

  /** A long-running command as a process for `ms`, then SIGTERM; its whole output. */
  async function briefly(argv: string[], ms: number): Promise<void> {
    const child = spawn(process.execPath, [fromRoot('bin', 'ticket-tracker.js'), ...argv], {
      env,
      cwd: tmp,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    await Promise.race([exited, new Promise((r) => setTimeout(r, ms))]);
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    outputs.push({ what: `ticket-tracker ${argv.join(' ')} (process)`, text });
  }

  it('runs npm start (ticket-tracker dev) through a cycle, then every command, and no output holds a secret', async (ctx) => {
    dev = spawn(process.execPath, [fromRoot('bin', 'ticket-tracker.js'), 'dev'], { env, cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    dev.stdout!.on('data', (c: Buffer) => (devOut += c.toString()));
    dev.stderr!.on('data', (c: Buffer) => (devOut += c.toString()));
    const deadline = Date.now() + 180_000;
    while (!devOut.includes('Press Ctrl-C') && dev.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.ok(devOut.includes('Press Ctrl-C'), `dev stack did not come up:\n${devOut.slice(-3000)}`);

    // A cycle with every marketplace, scraped from the sheet's events.
    let cycles: { status?: string }[] = [];
    while (Date.now() < deadline) {
      const r = await command(['jobs', '--json']);
      if (r.code === 0) cycles = JSON.parse(r.stdout) as { status?: string }[];
      if (cycles.some((c) => c.status !== 'running')) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(cycles.length > 0, `no cycle recorded:\n${devOut.slice(-3000)}`);
    assert.ok(sheets.requests.length > 0, 'the catalog was read from the sheet');
    // The sheet's bearer tokens (JWTs signed with the private key) are credentials too.
    for (const r of sheets.requests) if (r.authorization) secrets.set('sheet bearer token', r.authorization.replace(/^Bearer /, ''));

    // Every command of --help, its sub-commands, with --json and in a failing form.
    const leaves: { path: string[]; usage: string; json: boolean }[] = [];
    const walk = async (prefix: string[]): Promise<void> => {
      const help = (await command([...prefix, '--help'])).stdout;
      const section = /\nCommands:\n([\s\S]*?)(\n\n|$)/.exec(help)?.[1];
      if (!section || prefix.length > 2) {
        leaves.push({ path: prefix, usage: /^Usage: (.*)$/m.exec(help)?.[1] ?? '', json: /--json/.test(help) });
        return;
      }
      for (const line of section.split('\n')) {
        const name = /^ {2}([a-z][\w-]*)/.exec(line)?.[1];
        if (name && name !== 'help') await walk([...prefix, name]);
      }
    };
    await walk([]);
    assert.ok(leaves.length >= 20, `commands found: ${leaves.map((l) => l.path.join(' ')).join(', ')}`);
    const fixture = fromRoot('test', 'fixtures', 'sources', 'vividseats', 'listings.json');
    const argFor = (placeholder: string): string => {
      const p = placeholder.toLowerCase();
      if (p.includes('event')) return '1';
      if (p.includes('source') || p.includes('marketplace')) return 'vividseats';
      if (p.includes('file')) return fixture;
      if (p.includes('id')) return '5124873';
      if (p.includes('channel')) return 'webhook';
      return 'x';
    };
    // The tracker's own commands last: stop and pause change what the others see.
    leaves.sort((a, b) => Number(a.path[0] === 'tracker') - Number(b.path[0] === 'tracker'));
    for (const leaf of leaves) {
      if (LONG_RUNNING.has(leaf.path[0]!)) {
        if (leaf.path[0] !== 'dev' && leaf.path[0] !== 'run') await briefly(leaf.path, 8_000);
        continue;
      }
      const args = [...leaf.usage.matchAll(/<([^>]+)>|\[([a-z][^\]]*?)(\.\.\.)?\]/gi)]
        .filter((m) => m[1] !== undefined || (m[2] !== undefined && m[2] !== 'options'))
        .map((m) => argFor(m[1] ?? m[2]!));
      await command([...leaf.path, ...args]);
      if (leaf.json) await command([...leaf.path, ...args, '--json']);
      // Failing: arguments that name nothing (past the parser, into the command), and an unknown option.
      if (args.length > 0) await command([...leaf.path, ...args.map(() => 'no-such-thing')]);
      await command([...leaf.path, ...args, '--no-such-option']);
    }
    // Every marketplace fetched once with its credentials (to the mock, through its base URL).
    for (const m of MARKETPLACES) await command(['sources', 'probe', m.name, '5124873', '--json']);
    // Failing on the way out: a database that refuses (wrong port, same password), an unreachable
    // Temporal, and a bad setting beside the secrets.
    const refused = new URL(env.DATABASE_URL!);
    refused.port = '1';
    const saved = env;
    env = { ...saved, DATABASE_URL: refused.toString(), TEMPORAL_ADDRESS: '127.0.0.1:1' };
    for (const argv of [
      ['events', 'list'],
      ['db', 'status'],
      ['tracker', 'status'],
      ['prices', '1'],
    ])
      await command(argv);
    env = { ...saved, RETENTION_RAW_DAYS: 'soon', DATABASE_URL: 'nonsense' };
    for (const argv of [['config'], ['events', 'list']]) await command(argv);
    env = saved;
    outputs.push({ what: 'dev (npm start)', text: devOut });

    const all = [...secrets].flatMap(([name, value]) => forms(value).map((form) => ({ name, form })));
    const values = [...secrets.values()];
    for (const a of values)
      for (const b of values) if (a !== b) all.push({ name: 'a Basic credential pair', form: Buffer.from(`${a}:${b}`).toString('base64') });
    const leaks: string[] = [];
    for (const { what, text } of outputs) {
      for (const { name, form } of all) {
        const at = text.indexOf(form);
        if (at >= 0) leaks.push(`${name} in ${what}: ...${text.slice(Math.max(0, at - 80), at + form.length + 20)}...`);
      }
    }
    ctx.diagnostic(
      `${secrets.size} secrets, ${all.length} forms, checked in ${outputs.length} outputs: ${outputs.map((o) => o.what).join('; ')}`,
    );
    assert.deepEqual(leaks, [], `secrets leaked:\n${leaks.join('\n')}`);
    assert.ok(outputs.length > 40, `${outputs.length} outputs checked`);
  });
});
