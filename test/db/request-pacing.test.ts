import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createPool, type Db } from '../../src/db/pool';
import { pacedRatePerSecond, pacingSpacingMs, RequestPacer, takeRequestSlot } from '../../src/db/request-pacing';
import { parseEnv } from '../../src/config/index';
import { createLogger } from '../../src/logging/logger';
import { startMockMarketplace } from '../../src/mock-marketplace/index';
import { createMarketplaceAdapters } from '../../src/marketplaces/index';
import { requestPacing, taskQueueDispatchRate } from '../../src/worker';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const NO_DEADLINE = (): number => Date.now() + 60_000;

/** The database's clock now, epoch ms with microseconds as a fraction. */
async function dbNowMs(db: Db): Promise<number> {
  const { rows } = await db.query<{ ms: number }>(`SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::double precision AS ms`);
  return rows[0]!.ms;
}

/** Request pacing (issue 16): requests to one marketplace spaced across every worker, by PostgreSQL's clock. */
describe('request pacing', () => {
  let t: TestDatabase;
  const pools: Db[] = [];
  /** A pool of its own, as another worker process would have. */
  const worker = (): Db => {
    const p = createPool(t.url, 3);
    pools.push(p);
    return p;
  };

  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    await t?.drop();
  });

  it('spaces slots by (1000 ms + allowance) / rate, and asks Temporal for that average', () => {
    assert.equal(pacingSpacingMs(4, 150), 287.5);
    assert.ok(Math.abs(pacedRatePerSecond(4, 150) - 4 / 1.15) < 1e-9);
    assert.equal(taskQueueDispatchRate(5), pacedRatePerSecond(5));
    assert.throws(() => pacingSpacingMs(0), /must be positive/);
  });

  it('gives concurrent claimers from three pools slots at least the spacing apart, each sent no earlier than its slot', async () => {
    const spacingMs = 30;
    const workers = [worker(), worker(), worker()];
    const pacers = workers.map((db) => new RequestPacer({ db, marketplace: 'stubhub', spacingMs, outageDeadline: NO_DEADLINE }));
    const claims = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const pacer = pacers[i % 3]!;
        const slot = await pacer.pace();
        // When the request would go out, by the database's clock.
        const sentAtMs = await dbNowMs(workers[i % 3]!);
        return { ...slot, sentAtMs };
      }),
    );
    const slots = claims.map((c) => c.slotAtMs).sort((a, b) => a - b);
    for (let i = 1; i < slots.length; i++) {
      // 1 µs: the precision of timestamptz, seen through a double.
      assert.ok(slots[i]! - slots[i - 1]! >= spacingMs - 0.001, `slots ${i - 1} and ${i} are ${slots[i]! - slots[i - 1]!} ms apart`);
    }
    for (const c of claims) assert.ok(c.sentAtMs >= c.slotAtMs, `a request went out ${c.slotAtMs - c.sentAtMs} ms before its slot`);
    const { rows } = await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM marketplace_request_pacing WHERE marketplace = 'stubhub'`);
    assert.equal(rows[0]!.n, '1', 'one row per marketplace');
  });

  it('makes a claim right after another wait for the spacing; other marketplaces are not held up', async () => {
    const spacingMs = 60_000;
    const first = await takeRequestSlot(worker(), 'seatgeek', spacingMs);
    const second = await takeRequestSlot(worker(), 'seatgeek', spacingMs);
    assert.equal(second.slotAtMs - first.slotAtMs, spacingMs);
    assert.ok(second.waitMs > 0 && second.waitMs <= spacingMs, `waits ${second.waitMs} ms`);
    const other = await takeRequestSlot(worker(), 'vividseats', spacingMs);
    assert.equal(other.waitMs, 0);
  });

  it('stops waiting for its slot when the activity is cancelled', async () => {
    const spacingMs = 60_000;
    const db = worker();
    const first = await takeRequestSlot(db, 'ticketmaster', spacingMs);
    const cancel = new AbortController();
    const waiting = new RequestPacer({ db: worker(), marketplace: 'ticketmaster', spacingMs, outageDeadline: NO_DEADLINE }).pace(
      cancel.signal,
    );
    // Cancelled once it holds the next slot (the row says so), i.e. while it waits for it.
    for (;;) {
      const { rows } = await db.query<{ ms: number }>(
        `SELECT (EXTRACT(EPOCH FROM last_slot_at) * 1000)::double precision AS ms FROM marketplace_request_pacing WHERE marketplace = 'ticketmaster'`,
      );
      if (rows[0]!.ms > first.slotAtMs) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    cancel.abort(new Error('activity cancelled'));
    await assert.rejects(waiting, /activity cancelled/);
  });

  it("is awaited before each of the HTTP client's requests: a request is not sent until it is paced", async () => {
    let requests = 0;
    const mock = await startMockMarketplace({ port: 0, seed: 7, host: '127.0.0.1', onRequest: () => requests++ });
    const env = parseEnv({ MOCK_MARKETPLACE: 'true', MARKETPLACES: 'vividseats' });
    try {
      const refused = createMarketplaceAdapters(env, {
        mockUrl: mock.url,
        pacing: () => () => Promise.reject(new Error('no slot')),
      });
      await assert.rejects(refused.adapters.vividseats!.fetchPrices('evt-2002'), /no slot/);
      await refused.close();
      assert.equal(requests, 0, 'nothing reached the marketplace');

      // The workers' pacing (requestPacing): the request took a slot in the database.
      const paced = createMarketplaceAdapters(env, { mockUrl: mock.url, pacing: requestPacing(t.db, env, createLogger('error')) });
      await paced.adapters.vividseats!.fetchPrices('evt-2002');
      await paced.close();
      assert.equal(requests, 1);
      const { rows } = await t.db.query(`SELECT 1 FROM marketplace_request_pacing WHERE marketplace = 'vividseats'`);
      assert.equal(rows.length, 1);
    } finally {
      await mock.close();
    }
  });

  it('waits out an unreachable database, and gives up at the deadline', async () => {
    // The database behind a TCP relay that is not listening yet: connections are refused, as
    // while PostgreSQL is stopped, until the relay opens.
    const target = new URL(t.url);
    const port = await freePort();
    const relayed = new URL(t.url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(port);
    const db = createPool(relayed.toString(), 2);
    pools.push(db);
    const relay = net.createServer((inbound) => {
      const outbound = net.connect(Number(target.port || 5432), target.hostname);
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    try {
      await assert.rejects(
        new RequestPacer({ db, marketplace: 'stubhub', spacingMs: 1, outageDeadline: () => Date.now() }).pace(),
        /ECONNREFUSED/,
        'past the deadline the outage is the error',
      );
      const waited: number[] = [];
      const pacing = new RequestPacer({
        db,
        marketplace: 'stubhub',
        spacingMs: 1,
        outageDeadline: NO_DEADLINE,
        onWaitingForDatabase: (ms) => {
          waited.push(ms);
          if (waited.length === 1) relay.listen(port, '127.0.0.1');
        },
      }).pace();
      const slot = await pacing;
      assert.ok(waited.length >= 1, 'told it was waiting (the activity heartbeats there)');
      assert.ok(slot.slotAtMs > 0);
    } finally {
      await db.end().catch(() => undefined);
      await new Promise((r) => relay.close(r));
    }
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
