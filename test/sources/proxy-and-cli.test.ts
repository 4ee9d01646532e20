import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseEnv } from '../../src/config';
import { startMockMarketplace, type MockMarketplace } from '../../src/mock-marketplace';
import { createMarketplaceAdapters } from '../../src/sources';

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
  const fixtures = path.join(__dirname, '..', 'fixtures', 'sources');
  // The command alone, in a child process, with the CLI's exit-status rule (UsageError -> 2).
  const script = `
    const { Command } = require('commander');
    const { registerSourcesCommands } = require(${JSON.stringify(path.resolve(__dirname, '../../src/cli/commands/sources'))});
    const { UsageError } = require(${JSON.stringify(path.resolve(__dirname, '../../src/cli/output'))});
    const program = new Command('ticket-tracker').exitOverride();
    registerSourcesCommands(program, {});
    program.parseAsync(process.argv.slice(1), { from: 'user' }).then(
      () => { process.exitCode = 0; },
      (err) => { process.stderr.write(err.message + '\\n'); process.exitCode = err instanceof UsageError ? 2 : 1; },
    );`;
  function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, ...args], { encoding: 'utf8', cwd: path.resolve(__dirname, '../..') });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('prints the normalized JSON of a saved payload', () => {
    const r = run('sources', 'parse', 'seatgeek', path.join(fixtures, 'seatgeek', 'event.json'));
    assert.equal(r.status, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { kind: string; summary: { lowest: number } };
    assert.equal(parsed.kind, 'summary');
    assert.equal(parsed.summary.lowest, 98);
  });

  it('exits 2 naming the field path when the payload does not parse', () => {
    const r = run('sources', 'parse', 'vividseats', path.join(fixtures, 'vividseats', 'renamed-tickets.json'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /field tickets/);
  });

  it('exits 2 for an unknown source', () => {
    const r = run('sources', 'parse', 'eventbrite', path.join(fixtures, 'seatgeek', 'event.json'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--source/);
  });
});
