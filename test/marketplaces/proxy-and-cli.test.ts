import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseEnv } from '../../src/config/index';
import { startMockMarketplace, type MockMarketplace } from '../../src/mock-marketplace/index';
import { createMarketplaceAdapters } from '../../src/marketplaces/index';
import { runCli, type CliRun } from '../helpers/cli';

/** A minimal CONNECT proxy on loopback that counts the tunnels it opens. */
async function startConnectProxy(): Promise<{ url: string; tunnels: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    count++;
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels: () => count,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('HTTP_PROXIES', () => {
  let mock: MockMarketplace;
  let proxies: Awaited<ReturnType<typeof startConnectProxy>>[];
  before(async () => {
    mock = await startMockMarketplace({ port: 0, seed: 3 });
    proxies = [await startConnectProxy(), await startConnectProxy()];
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await mock.close();
  });

  it('rotates requests across the listed proxies', async () => {
    const env = parseEnv({ MARKETPLACES: 'vividseats', VIVIDSEATS_BASE_URL: mock.url, HTTP_PROXIES: proxies.map((p) => p.url).join(',') });
    const set = createMarketplaceAdapters(env);
    try {
      for (let i = 0; i < 4; i++) assert.equal((await set.adapters.vividseats!.fetchPrices(`p-${i}`)).kind, 'listings');
      assert.ok(proxies[0]!.tunnels() >= 1, 'first proxy used');
      assert.ok(proxies[1]!.tunnels() >= 1, 'second proxy used');
    } finally {
      await set.close();
    }
  });
});

describe('ticket-tracker sources parse', () => {
  const fixtures = path.join(__dirname, '..', 'fixtures', 'marketplaces');
  // In-process through main(argv, io): the command's output and exit status are the point, not the process.
  const run = (...args: string[]): Promise<CliRun> => runCli(args, { ...process.env });
  /** With only these settings: the local server it talks to runs in this process. */
  const runWith = (env: Record<string, string>, ...args: string[]): Promise<CliRun> =>
    runCli(args, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env });

  it('prints a short table by default: listings parsed, skipped by reason, lowest, highest, tickets, all-in and named so', async () => {
    const file = path.join(fixtures, 'vividseats', 'case-real-key-layout.json');
    const r = await run('sources', 'parse', 'vividseats', file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^listings parsed\s+4$/m);
    assert.match(r.stdout, /^skipped\s+1$/m);
    assert.match(r.stdout, /^basis\s+all-in \(every mandatory fee included\)$/m);
    // allInPricePerTicket of VB900003 (80.64) and VB900004 (516.92); 4 together: VB900003 (6, splits 1-4,6), 4 x 80.64.
    assert.match(r.stdout, /^lowest all-in\s+80\.64 USD$/m);
    assert.match(r.stdout, /^highest all-in\s+516\.92 USD$/m);
    assert.match(r.stdout, /^lowest for 4 together all-in \(total\)\s+322\.56 USD$/m);
    assert.match(r.stdout, /^tickets\s+13$/m);
    assert.match(r.stdout, /^\s*1\s+tickets\[\]\.p: not a number$/m);
    // Before fees: p of the same tickets, 64.00 and 410.25; 4 x 64.00.
    const base = await run('sources', 'parse', 'vividseats', file, '--basis', 'base');
    assert.match(base.stdout, /^lowest before fees\s+64\.00 USD$/m);
    assert.match(base.stdout, /^highest before fees\s+410\.25 USD$/m);
    assert.match(base.stdout, /^lowest for 4 together before fees \(total\)\s+256\.00 USD$/m);
    const bad = await run('sources', 'parse', 'vividseats', file, '--basis', 'net');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /basis.*all-in, base/);
  });

  it('exits 2 after printing the report when a scrape of the payload would be format drift', async () => {
    const r = await run('sources', 'parse', 'vividseats', path.join(fixtures, 'trial', 'vs_mut_rename_p.json'));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /^health\s+format-drift: 18 of 18 items skipped/m);
    assert.match(r.stdout, /^\s*18\s+tickets\[\]\.p: missing$/m);
    assert.match(r.stderr, /vs_mut_rename_p\.json: format-drift/);
    const summary = await run('sources', 'parse', 'seatgeek', path.join(fixtures, 'trial', 'sg_mut_rename_stats.json'), '--json');
    assert.equal(summary.code, 2, summary.stderr);
    assert.equal((JSON.parse(summary.stdout) as { healthy: boolean }).healthy, false);
  });

  it('prints the report as JSON with --json, and the normalized listings with --listings', async () => {
    const r = await run('sources', 'parse', 'seatgeek', path.join(fixtures, 'seatgeek', 'event.json'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { kind: string; basis: string; lowest: number; declaredListings: number };
    // SeatGeek's lowest_price (fees included) is the all-in; lowest_sg_base_price the price before fees.
    assert.deepEqual([parsed.kind, parsed.basis, parsed.lowest, parsed.declaredListings], ['summary', 'all-in', 98, 1284]);
    const base = JSON.parse(
      (await run('sources', 'parse', 'seatgeek', path.join(fixtures, 'seatgeek', 'event.json'), '--json', '--basis', 'base')).stdout,
    ) as { basis: string; lowest: number };
    assert.deepEqual([base.basis, base.lowest], ['base', 74]);
    const vivid = path.join(fixtures, 'vividseats', 'listings.json');
    const full = JSON.parse((await run('sources', 'parse', 'vividseats', vivid, '--json', '--listings')).stdout) as {
      basis: string;
      lowestFor2: number;
      result: { listings: unknown[] };
    };
    // 2 together, all in: VB2840011874 (2, splits 2) at 275.40 a ticket = 550.80, below VB2840011902's 2 x 311.85.
    assert.deepEqual([full.basis, full.lowestFor2], ['all-in', 550.8]);
    assert.equal(full.result.listings.length, 9);
    // Before fees the same listing: 2 x 204.00.
    const fullBase = JSON.parse((await run('sources', 'parse', 'vividseats', vivid, '--json', '--basis', 'base')).stdout) as {
      lowestFor2: number;
    };
    assert.equal(fullBase.lowestFor2, 408);
  });

  it('exits 2 naming the field path when the payload does not parse', async () => {
    const r = await run('sources', 'parse', 'vividseats', path.join(fixtures, 'vividseats', 'renamed-tickets.json'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /field tickets/);
  });

  it('probe fetches one event once from a marketplace, saves the raw answer and prints what it parsed', async () => {
    const mock = await startMockMarketplace({ port: 0, seed: 3 });
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-probe-'));
      const file = path.join(dir, 'vivid.json');
      const r = await runWith(
        { VIVIDSEATS_BASE_URL: mock.url, MARKETPLACES: 'vividseats' },
        'sources',
        'probe',
        'vividseats',
        'evt-77',
        '--save',
        file,
        '--json',
      );
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { parsed: number; declaredListings: number; skipped: number };
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { tickets: unknown[] };
      assert.equal(report.parsed, saved.tickets.length);
      assert.equal(report.declaredListings, saved.tickets.length);
      assert.equal(report.skipped, 0);
      // The saved answer parses to the same report.
      const again = await run('sources', 'parse', 'vividseats', file, '--json');
      assert.deepEqual(JSON.parse(again.stdout), report);
      // A marketplace changed its format: the raw answer is still saved, and the exit status is 2 naming the field.
      mock.setFault({ marketplace: 'vividseats', fault: { kind: 'rename-field', from: 'tickets', to: 'listings' } });
      const bad = await runWith(
        { VIVIDSEATS_BASE_URL: mock.url, MARKETPLACES: 'vividseats' },
        'sources',
        'probe',
        'vividseats',
        'evt-78',
        '--save',
        file,
      );
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /field tickets/);
      assert.ok('listings' in (JSON.parse(readFileSync(file, 'utf8')) as object));
      // A body that is not JSON (a block page) is saved as received, and the exit status is 2.
      mock.clearFaults();
      mock.setFault({ marketplace: 'vividseats', fault: { kind: 'malformed' } });
      const html = await runWith(
        { VIVIDSEATS_BASE_URL: mock.url, MARKETPLACES: 'vividseats' },
        'sources',
        'probe',
        'vividseats',
        'evt-79',
        '--save',
        file,
      );
      assert.equal(html.code, 2);
      assert.match(html.stderr, /is not JSON.*saved to/);
      assert.equal(readFileSync(file, 'utf8'), '<html><body>Access Denied</body></html>');
      // Without the marketplace's credential: exit 2 naming the setting.
      const off = await runWith({ SEATGEEK_BASE_URL: mock.url }, 'sources', 'probe', 'seatgeek', 'evt-1');
      assert.equal(off.code, 2);
      assert.match(off.stderr, /SEATGEEK_CLIENT_ID/);
    } finally {
      await mock.close();
    }
  });

  it('exits 2 for an unknown source', async () => {
    const r = await run('sources', 'parse', 'eventbrite', path.join(fixtures, 'seatgeek', 'event.json'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /MARKETPLACE "eventbrite" is not one of/);
  });
});
