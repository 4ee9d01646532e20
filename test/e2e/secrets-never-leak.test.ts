import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Connection, WorkflowClient } from '@temporalio/client';
import { SMTPServer } from 'smtp-server';
import { parseEnv } from '../../src/config/index';
import { ENV_VARS, SECRET_VARS, type EnvVarName } from '../../src/config/schema';
import { freePort } from '../../src/embedded/ports';
import { startMockMarketplace, type MockMarketplace } from '../../src/mock-marketplace/index';
import { MARKETPLACES } from '../../src/marketplaces/registry';
import { fromRoot } from '../../src/config/paths';
import { startSheetsServer, type SheetsServer } from '../catalog/helpers/sheets-server';
import { runCli, type CliRun } from '../helpers/cli';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Secrets never leak (issue 16, item 5; issue 28, item 1): every setting the schema marks secret
 * (and every marketplace's credentials, which its descriptor marks so) gets a recognizable unique
 * value, in an environment where each is valid with its companions (SECRET_CASES: one case per
 * secret setting, or the test fails). A full `ticket-tracker dev` (what `npm start` runs) runs a
 * cycle with them at LOG_LEVEL=debug, reading its catalog from a Google Sheet with a
 * service-account key file, its marketplace requests through an authenticating proxy; then every
 * command of `ticket-tracker --help` runs, with --json where it has it and in a failing form.
 * Then the failure paths where a secret travels: every marketplace answering 401 and 500 with the
 * credentials it received repeated in the body, resetting the connection and never answering
 * (a timeout), from `sources probe` and from the worker's retried scrape (Temporal failures);
 * PostgreSQL and the SMTP server refusing the credentials (the SMTP server repeats them); every
 * alert channel's webhook answering 4xx with its URL repeated. No line of any output, log,
 * Temporal history (failures and payloads) or dashboard page may hold a secret, URL-encoded,
 * base64-encoded, or as a Basic credential pair; and each secret must have been exercised (seen
 * by the server it is for), their number equal to the number of secret settings.
 *
 * What removing a secret's redaction does (tried by hand, issue 28): with its registration
 * (registerSecretValue, src/config/index.ts) removed, each of the marketplace credentials
 * (STUBHUB_CLIENT_ID, _CLIENT_SECRET, _PRO_TOKEN, SEATGEEK_CLIENT_ID, _CLIENT_SECRET,
 * TICKETMASTER_API_KEY), the webhook URLs (ALERT_WEBHOOK_URL, DISCORD_WEBHOOK_URL,
 * SLACK_WEBHOOK_URL) and the SMTP passwords (SMTP_URL, SMTP_PASSWORD) reaches the outputs through
 * the servers that repeat them here, and this test fails. The other four reach no output by
 * construction:
 * - DATABASE_URL's password only ever travels inside the URL, which redact() masks whatever its
 *   value (its URL-password rule); PostgreSQL's refusal never repeats it. With that rule removed
 *   too, the dev stack's log shows it and this test fails.
 * - HTTP_PROXIES' password only goes to the proxy (Proxy-Authorization); undici's proxy errors do
 *   not repeat it; `config` masks it (describeEnv); no output held it with the registration and
 *   the URL rule both removed.
 * - ALERT_WEBHOOK_SECRET is only an HMAC key (src/alerts/channels/webhook/signature.ts; this test
 *   checks the signature it makes) and `config` masks it.
 * - DASHBOARD_TOKEN is only compared with what a request carries (src/dashboard/server.ts,
 *   access.ts) and `config` masks it.
 * With describeEnv's masking removed, `config` shows every secret and this test fails.
 * Nothing leaves the machine: every server is local.
 */
const SA_EMAIL = 'tracker@leak-test.iam.gserviceaccount.com';
const SHEET = 'leak-test-sheet';
/** Commands that run until stopped: started as processes for a few seconds, then SIGTERM. */
const LONG_RUNNING = new Set(['dev', 'worker', 'mock-marketplace', 'dashboard', 'top', 'run']);

/** A token no real text contains, with characters that URL-encoding and base64 change. */
const token = (name: string): string => `lk-${name.toLowerCase().replace(/_/g, '-')}-${randomBytes(6).toString('hex')}+/=`;

/**
 * The alert channels' receiver (and the service account's token URI): 204 to anything; with
 * `refuse`, the channels' hooks (/hooks/...) get 401 with their own URL repeated in the answer, as
 * a receiver that says which hook it does not know would. Counts requests per hook and keeps the
 * webhook signatures it was sent.
 */
async function startHooks(): Promise<{
  url: string;
  refuse: boolean;
  readonly requests: number;
  hits: Map<string, number>;
  signed: { signature: string; body: string }[];
  close(): Promise<void>;
}> {
  const hits = new Map<string, number>();
  const signed: { signature: string; body: string }[] = [];
  const state = { refuse: false, requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests++;
    const url = req.url ?? '';
    const kind = /^\/hooks\/([a-z]+)\//.exec(url)?.[1];
    if (kind) hits.set(kind, (hits.get(kind) ?? 0) + 1);
    const signature = req.headers['x-ticket-tracker-signature'];
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (typeof signature === 'string') signed.push({ signature, body: Buffer.concat(chunks).toString() });
      if (kind && state.refuse) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: `401: Unknown Webhook ${url}`, code: 10015 }));
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get refuse() {
      return state.refuse;
    },
    set refuse(v: boolean) {
      state.refuse = v;
    },
    get requests() {
      return state.requests;
    },
    hits,
    signed,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

type GateMode = 'pass' | '401' | '500' | 'reset' | 'timeout';

/**
 * In front of the mock marketplace (every marketplace's base URL): in `pass` mode forwards each
 * request; otherwise answers 401 or 500 with the credentials the request carried repeated in the
 * body (the query string, a Basic pair decoded, a bearer token, a cookie, a form body), resets
 * the connection, or never answers. Records, per mode, what each request carried.
 */
async function startGate(target: string): Promise<{
  url: string;
  mode: GateMode;
  seen: { mode: GateMode; path: string; carried: string[] }[];
  close(): Promise<void>;
}> {
  const state = { mode: 'pass' as GateMode };
  const seen: { mode: GateMode; path: string; carried: string[] }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      const carried: string[] = [];
      const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
      if (query) carried.push(query);
      const auth = req.headers.authorization ?? '';
      if (/^Basic /i.test(auth)) carried.push(...Buffer.from(auth.slice(6), 'base64').toString().split(':'));
      else if (/^Bearer /i.test(auth)) carried.push(auth.slice(7));
      if (req.headers.cookie) carried.push(req.headers.cookie);
      if (body.length > 0) carried.push(body.toString());
      const mode = state.mode;
      seen.push({ mode, path: url.split('?')[0]!, carried });
      if (mode === 'pass') {
        const headers = { ...req.headers };
        delete headers.host;
        const upstream = http.request(new URL(url, target), { method: req.method, headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.on('error', () => res.destroy());
        upstream.end(body);
      } else if (mode === '401' || mode === '500') {
        const error = mode === '401' ? 'invalid credentials' : 'internal error';
        res.writeHead(Number(mode), { 'content-type': 'application/json' }).end(JSON.stringify({ error, received: carried.join(' ') }));
      } else if (mode === 'reset') {
        req.socket.resetAndDestroy();
      }
      // 'timeout': never answered (the client gives up after HTTP_TIMEOUT_MS).
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get mode() {
      return state.mode;
    },
    set mode(m: GateMode) {
      state.mode = m;
    },
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A CONNECT proxy that tunnels only requests carrying its Basic credentials (407 otherwise). */
async function startProxy(user: string, password: string): Promise<{ port: number; tunnels: () => number; close(): Promise<void> }> {
  let tunnels = 0;
  const sockets = new Set<net.Socket>();
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.on('close', () => sockets.delete(client));
    if (req.headers['proxy-authorization'] !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="leak"\r\n\r\n');
      return;
    }
    tunnels++;
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => sockets.delete(upstream));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    tunnels: () => tunnels,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** An SMTP server that refuses every login, repeating the user and password it was given in its 535. */
async function startRefusingSmtp(): Promise<{ port: number; passwords: string[]; close(): Promise<void> }> {
  const passwords: string[] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      passwords.push(auth.password ?? '');
      callback(
        Object.assign(new Error(`5.7.8 Authentication failed for ${auth.username} with password ${auth.password ?? ''}`), {
          responseCode: 535,
        }),
      );
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.server.address() as AddressInfo).port,
    passwords,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** One secret setting: the environment it is valid in on its own, and the secret in its value. */
interface SecretCase {
  /** The secret itself (a URL's token or password, a key as it is). */
  secret: string;
  settings: Record<string, string>;
  /** What it needs beside it to be valid (ALERT_WEBHOOK_SECRET needs ALERT_WEBHOOK_URL, SMTP_URL needs ALERT_EMAIL_TO). */
  companions: Record<string, string>;
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
  let sink: Awaited<ReturnType<typeof startHooks>>;
  let gate: Awaited<ReturnType<typeof startGate>>;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let smtp: Awaited<ReturnType<typeof startRefusingSmtp>>;
  /** The database role that exists with another password than the secret one: PostgreSQL refuses the secret. */
  let refusedDbUrl: string;
  /** The secret settings' cases (one per setting the schema marks secret), by setting. */
  const cases = new Map<EnvVarName, SecretCase>();
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
    sink = await startHooks();
    gate = await startGate(mock.url);
    smtp = await startRefusingSmtp();
    const proxyPassword = token('HTTP_PROXIES');
    proxy = await startProxy('leak', proxyPassword);

    // The database password: a role of its own, with a password that needs URL-encoding.
    const dbPassword = token('db-password');
    secrets.set('database password', dbPassword);
    await t.db.query(`CREATE ROLE leak_user LOGIN SUPERUSER PASSWORD '${dbPassword.replace(/'/g, "''")}'`);
    const dbUrl = new URL(t.url);
    dbUrl.username = 'leak_user';
    dbUrl.password = encodeURIComponent(dbPassword);
    // The same password for a role that has another one: PostgreSQL refuses it.
    await t.db.query(`CREATE ROLE leak_refused LOGIN PASSWORD 'not-the-secret-${randomBytes(4).toString('hex')}'`);
    const refused = new URL(dbUrl);
    refused.username = 'leak_refused';
    refusedDbUrl = refused.toString();

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

    // Every secret setting of the schema: a case each, valid with its companions on its own.
    const v = (name: string): string => token(name);
    const hook = (kind: string, value: string): string => `${sink.url}/hooks/${kind}/${encodeURIComponent(value)}`;
    const one = (name: EnvVarName, value: string, setting: string, companions: Record<string, string> = {}): void =>
      void cases.set(name, { secret: value, settings: { [name]: setting }, companions });
    const plain = (name: EnvVarName): void => {
      const value = v(name);
      one(name, value, value);
    };
    one('DATABASE_URL', dbPassword, dbUrl.toString());
    for (const name of ['STUBHUB_CLIENT_ID', 'STUBHUB_CLIENT_SECRET', 'STUBHUB_PRO_TOKEN'] as const) plain(name);
    for (const name of ['SEATGEEK_CLIENT_ID', 'SEATGEEK_CLIENT_SECRET', 'TICKETMASTER_API_KEY'] as const) plain(name);
    one('HTTP_PROXIES', proxyPassword, `http://leak:${encodeURIComponent(proxyPassword)}@127.0.0.1:${proxy.port}`);
    const webhookToken = v('ALERT_WEBHOOK_URL');
    one('ALERT_WEBHOOK_URL', webhookToken, hook('webhook', webhookToken));
    for (const [name, kind] of [
      ['DISCORD_WEBHOOK_URL', 'discord'],
      ['SLACK_WEBHOOK_URL', 'slack'],
    ] as const) {
      const value = v(name);
      one(name, value, hook(kind, value));
    }
    plain('ALERT_WEBHOOK_SECRET');
    cases.get('ALERT_WEBHOOK_SECRET')!.companions = { ALERT_WEBHOOK_URL: hook('webhook', webhookToken) };
    const smtpPassword = v('SMTP_URL');
    one('SMTP_URL', smtpPassword, `smtp://leak:${encodeURIComponent(smtpPassword)}@127.0.0.1:${smtp.port}`, {
      ALERT_EMAIL_TO: 'ops@leak-test.example',
    });
    // Used when SMTP_URL carries no password (the URL's wins: src/alerts/channels/email/channel.ts), as in its own case.
    plain('SMTP_PASSWORD');
    cases.get('SMTP_PASSWORD')!.companions = {
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      SMTP_USER: 'leak',
      ALERT_EMAIL_TO: 'ops@leak-test.example',
    };
    plain('DASHBOARD_TOKEN');
    // A secret setting without a case here fails the test: it would not be checked.
    assert.deepEqual([...cases.keys()].sort(), [...SECRET_VARS].sort(), 'every setting the schema marks secret has a case');
    const secretSettings: Record<string, string> = { ALERT_EMAIL_TO: 'ops@leak-test.example' };
    for (const [name, c] of cases) {
      // Each case is a complete valid environment on its own: the secret with its companions.
      assert.doesNotThrow(() => parseEnv({ ...c.settings, ...c.companions }), `${name} with its companions parses`);
      Object.assign(secretSettings, c.settings);
      secrets.set(name, c.secret);
    }
    const baseUrls = Object.fromEntries(
      MARKETPLACES.flatMap((m) => m.settings.filter((s) => s.kind === 'base-url').map((s) => [s.name, gate.url])),
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
      HTTP_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'debug',
    };
    // The whole environment is valid too (every secret at once).
    assert.doesNotThrow(() => parseEnv(env));
    assert.ok(Object.keys(ENV_VARS).length > 0);
    // Credentials are secret by their descriptor's kind; all of them are in SECRET_VARS already.
    for (const m of MARKETPLACES)
      for (const st of m.settings)
        if (st.kind === 'credential') assert.ok(SECRET_VARS.includes(st.name as EnvVarName), `${st.name} is secret`);
  });

  after(async () => {
    if (dev && dev.exitCode === null) {
      dev.kill('SIGTERM');
      await new Promise((r) => dev!.once('exit', r));
    }
    await sheets?.stop();
    await sink?.close();
    await gate?.close();
    await proxy?.close();
    await smtp?.close();
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
    const fixture = fromRoot('test', 'fixtures', 'marketplaces', 'vividseats', 'listings.json');
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
    outputs.push({ what: 'dev (npm start) so far', text: devOut });
    assertNoLeak(ctx);
    assert.ok(outputs.length > 40, `${outputs.length} outputs checked`);
  });

  /** Every output so far against every form of every secret (and every Basic pair of two of them). */
  function assertNoLeak(ctx: { diagnostic(message: string): void }): void {
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
    ctx.diagnostic(`${secrets.size} secrets, ${all.length} forms, checked in ${outputs.length} outputs`);
    assert.deepEqual(leaks, [], `secrets leaked:\n${leaks.join('\n')}`);
  }

  /** Waits for `probe` to be truthy (polling), failing with `what` after `ms`. */
  async function until<T>(what: string, probe: () => T | Promise<T>, ms = 90_000): Promise<NonNullable<T>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('failure paths (401, 500, reset, timeout; PostgreSQL and SMTP refusing; webhooks 4xx) leak no secret into outputs, logs, Temporal histories or the dashboard', async (ctx) => {
    assert.ok(dev && dev.exitCode === null, 'the dev stack of the test before is still running');
    const startedAt = new Date();
    const marketplaceOf = (p: string): string | undefined =>
      p.startsWith('/hermes/') ? 'vividseats' : p.startsWith('/2/') ? 'seatgeek' : p.startsWith('/discovery/') ? 'ticketmaster' : 'stubhub';

    // 1. Each marketplace fetched from the CLI while it answers 401 and 500 (repeating the
    // credentials it got), resets the connection, and never answers.
    // StubHub without the Pro token takes the Catalog API with an OAuth token (STUBHUB_CLIENT_ID and
    // _SECRET as a Basic pair): once through, then in every failure too.
    const withPro = env;
    const withoutPro = { ...env };
    delete withoutPro.STUBHUB_PRO_TOKEN;
    env = withoutPro;
    assert.equal((await command(['sources', 'probe', 'stubhub', '5124873', '--json'])).code, 0, 'StubHub through OAuth');
    env = withPro;
    for (const mode of ['401', '500', 'reset', 'timeout'] as const) {
      gate.mode = mode;
      for (const m of MARKETPLACES) {
        const r = await command(['sources', 'probe', m.name, '5124873', '--json']);
        assert.notEqual(r.code, 0, `sources probe ${m.name} fails while the marketplace answers ${mode}`);
      }
      env = withoutPro;
      const oauth = await command(['sources', 'probe', 'stubhub', '5124873']);
      assert.notEqual(oauth.code, 0, `StubHub through OAuth fails while it answers ${mode}`);
      // The client id and secret travelled into the message (repeated by the server); the leak check below
      // holds that they arrive masked.
      if (mode === '401') assert.match(oauth.stderr, /HTTP 401 from \/oauth2\/token[^\n]*received/, 'the OAuth credentials were repeated');
      env = withPro;
    }
    // What the 401s repeated is in the messages: the credentials did travel this path (masked: the check at the end).
    const probed401 = outputs.filter((o) => /^ticket-tracker sources probe .* --json/.test(o.what) && o.text.includes('HTTP 401'));
    assert.equal(probed401.length, MARKETPLACES.length, 'every marketplace failed with 401 once');
    for (const m of MARKETPLACES.filter((d) => d.settings.some((st) => st.kind === 'credential'))) {
      const o = probed401.find((p) => p.what.startsWith(`ticket-tracker sources probe ${m.name} `))!;
      assert.match(o.text, /"received":"[^"]+"/, `${o.what}: the repeated credentials are in the message`);
    }

    // 2. The worker's scrape of event 1 on Temporal: every attempt fails another way (500, reset,
    // timeout), then 401 (not retried): the failures go to the logs, scrape_errors and the histories.
    sink.refuse = true;
    const scrape = command(['scrape', '1']);
    for (const mode of ['500', 'reset', 'timeout'] as const) {
      const from = gate.seen.length;
      gate.mode = mode;
      await until(`an attempt of every marketplace while it answers ${mode}`, () => {
        const hit = new Set(gate.seen.slice(from).map((r) => marketplaceOf(r.path)));
        return MARKETPLACES.every((m) => hit.has(m.name));
      });
    }
    gate.mode = '401';
    await scrape;
    const errorsRows = await t.db.query<{ message: string }>(`SELECT message FROM scrape_errors WHERE occurred_at >= $1`, [startedAt]);
    for (const m of MARKETPLACES)
      assert.ok(
        errorsRows.rows.some((r) => r.message.includes(`${m.name} event`) && r.message.includes('HTTP 401')),
        `a 401 of ${m.name} was recorded: ${errorsRows.rows.map((r) => r.message).join('\n')}`,
      );

    // 3. PostgreSQL refusing the credentials (a role whose password is another).
    const saved = env;
    env = { ...saved, DATABASE_URL: refusedDbUrl };
    for (const argv of [['events', 'list'], ['db', 'status'], ['errors'], ['prices', '1']]) {
      const r = await command(argv);
      assert.notEqual(r.code, 0, `${argv.join(' ')} fails when PostgreSQL refuses the password`);
    }
    await briefly(['worker'], 5_000);
    env = saved;

    // 4. Alerts through the worker while every hook answers 401 (repeating its URL) and the SMTP
    // server refuses the login (repeating it): a rule that fires on the next scrape.
    gate.mode = 'pass';
    const added = await command(['alerts', 'add', 'leak-check', '--condition', 'below 99999', '--channels', 'discord,slack,webhook,email']);
    assert.equal(added.code, 0, added.stderr);
    await command(['scrape', '1']);
    // The positive signal: every channel's delivery of the rule's alert reached a final state.
    const finals = await until('a final delivery outcome on every channel', async () => {
      const r = await t.db.query<{ channel: string; outcome: string; detail: string | null }>(
        `SELECT d.channel, d.outcome, d.detail FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id
          JOIN alert_rules r ON r.id = a.rule_id WHERE r.name = 'leak-check' AND d.outcome IN ('permanent', 'skipped', 'delivered')`,
      );
      return ['discord', 'slack', 'webhook', 'email'].every((c) => r.rows.some((d) => d.channel === c)) ? r.rows : null;
    });
    for (const c of ['discord', 'slack', 'webhook'])
      assert.ok(
        // Refused, or skipped as broken by the refusal of an earlier alert (the error-rate one of step 2).
        finals.some((d) => d.channel === c && d.detail?.includes('answered 401')),
        `${c}: refused for good: ${JSON.stringify(finals)}`,
      );

    // 5. The channels from the CLI: 401 with the hook's URL repeated, 535 with the login repeated;
    // then SMTP_PASSWORD as the password (SMTP_URL without one, its own case).
    for (const channel of ['discord', 'slack', 'webhook', 'email']) await command(['alerts', 'test', channel]);
    env = { ...saved, ...cases.get('SMTP_PASSWORD')!.settings, ...cases.get('SMTP_PASSWORD')!.companions };
    const viaPassword = await command(['alerts', 'test', 'email', '--json']);
    assert.match(viaPassword.stdout + viaPassword.stderr, /535/, 'the SMTP server refused SMTP_PASSWORD');
    env = saved;
    for (const argv of [
      ['alerts', 'history'],
      ['alerts', 'history', '--json'],
      ['errors'],
      ['errors', '--json'],
      ['jobs', '--json'],
      ['config'],
      ['config', '--json'],
    ])
      await command(argv);

    // 6. The dashboard of the dev stack: every page and the API behind them.
    const dashboard = `http://127.0.0.1:${env.DASHBOARD_PORT}`;
    const authorization = `Bearer ${cases.get('DASHBOARD_TOKEN')!.secret}`;
    assert.equal((await fetch(`${dashboard}/api/events`)).status, 401, 'the dashboard refuses a request without the token');
    for (const route of [
      '/events',
      '/events/1',
      '/cycles',
      '/runs',
      '/alerts',
      '/api/events',
      '/api/events/1',
      '/api/events/1/prices',
      '/api/events/1/listings',
      '/api/events/1/sections',
      '/api/events/1/history',
      '/api/events/1/availability',
      '/api/events/1/alerts',
      '/api/alerts',
      '/api/cycles',
      '/api/runs',
      '/api/marketplaces',
    ]) {
      const res = await fetch(dashboard + route, { headers: { authorization } });
      const text = await res.text();
      assert.equal(res.status, 200, `${route}: ${text.slice(0, 300)}`);
      outputs.push({ what: `dashboard ${route}`, text });
    }
    const cycles = outputs.find((o) => o.what === 'dashboard /api/cycles')!.text;
    assert.match(cycles, /HTTP 401/, 'the cycles page shows the 401 failures');

    // 7. Every workflow's history (failures, their stacks and causes, payloads decoded) and the
    // pending activities' last failures.
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
    try {
      const client = new WorkflowClient({ connection });
      const decoded = (_k: string, value: unknown): unknown =>
        value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : typeof value === 'bigint' ? String(value) : value;
      let histories = 0;
      let failures = 0;
      for await (const wf of client.list()) {
        const handle = client.getHandle(wf.workflowId, wf.runId);
        const history = JSON.stringify(await handle.fetchHistory(), decoded);
        failures += history.split('"failure"').length - 1;
        outputs.push({ what: `Temporal history of ${wf.workflowId}`, text: history });
        outputs.push({ what: `Temporal description of ${wf.workflowId}`, text: JSON.stringify((await handle.describe()).raw, decoded) });
        histories++;
      }
      assert.ok(histories > 5 && failures > 0, `${histories} histories, ${failures} failures read`);
      const failed = outputs.filter((o) => o.what.startsWith('Temporal history') && o.text.includes('HTTP 401'));
      assert.ok(failed.length > 0, 'the 401s are in the histories');
    } finally {
      await connection.close();
    }

    // Every secret was exercised: seen by the server it is for.
    const carried = gate.seen.flatMap((r) => r.carried).join(' ');
    const secretOf = (name: EnvVarName): string => cases.get(name)!.secret;
    const webhookSecret = secretOf('ALERT_WEBHOOK_SECRET');
    const evidence: Record<EnvVarName, boolean> = {
      DATABASE_URL: /Press Ctrl-C/.test(devOut),
      STUBHUB_CLIENT_ID: carried.includes(secretOf('STUBHUB_CLIENT_ID')),
      STUBHUB_CLIENT_SECRET: carried.includes(secretOf('STUBHUB_CLIENT_SECRET')),
      STUBHUB_PRO_TOKEN: carried.includes(secretOf('STUBHUB_PRO_TOKEN')),
      SEATGEEK_CLIENT_ID: carried.includes(encodeURIComponent(secretOf('SEATGEEK_CLIENT_ID'))),
      SEATGEEK_CLIENT_SECRET: carried.includes(encodeURIComponent(secretOf('SEATGEEK_CLIENT_SECRET'))),
      TICKETMASTER_API_KEY: carried.includes(encodeURIComponent(secretOf('TICKETMASTER_API_KEY'))),
      HTTP_PROXIES: proxy.tunnels() > 0,
      ALERT_WEBHOOK_URL: (sink.hits.get('webhook') ?? 0) > 0,
      DISCORD_WEBHOOK_URL: (sink.hits.get('discord') ?? 0) > 0,
      SLACK_WEBHOOK_URL: (sink.hits.get('slack') ?? 0) > 0,
      ALERT_WEBHOOK_SECRET: sink.signed.some(
        ({ signature, body }) =>
          signature.split(',v1=')[1] ===
          createHmac('sha256', webhookSecret)
            .update(`${signature.split(',')[0]!.slice(2)}.${body}`)
            .digest('hex'),
      ),
      SMTP_URL: smtp.passwords.includes(secretOf('SMTP_URL')),
      SMTP_PASSWORD: smtp.passwords.includes(secretOf('SMTP_PASSWORD')),
      DASHBOARD_TOKEN: outputs.some((o) => o.what === 'dashboard /api/events'),
    } as Record<EnvVarName, boolean>;
    const exercised = SECRET_VARS.filter((name) => evidence[name] === true);
    assert.deepEqual(
      SECRET_VARS.filter((name) => !exercised.includes(name)),
      [],
      'secrets set but never seen by the server they are for',
    );
    assert.equal(exercised.length, SECRET_VARS.length, 'secrets exercised = secret settings of the schema');

    outputs.push({ what: 'dev (npm start), failure paths', text: devOut });
    assertNoLeak(ctx);
  });
});
