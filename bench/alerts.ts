import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { evaluateScrape } from '../src/scrape/evaluate';
import { applyRules, ruleInputOf } from '../src/alerts/rules/store';
import { ruleSpecSchema } from '../src/alerts/rules/types';
import { catalogReader } from '../src/catalog/read/open-reader';
import { syncEvents } from '../src/catalog/sync';
import { persistScrape } from '../src/scrape/store';
import type { NormalizedListing } from '../src/domain/listing';
import { scrapeEvent } from '../src/workflows';
import { createEvent, makeListings, ZONES } from '../test/fixtures/db/data';
import { createTestDatabase } from '../test/helpers/db';
import { ADMIN_URL_VAR, TEMPORAL_ADDRESS_VAR, startPostgresForTests, startTemporalForTests } from '../test/helpers/infra';
import { EVENTS_HEADER, startTrackerStack, writeEventsFile } from '../test/helpers/stack';
import { startDevServerEnv } from '../test/helpers/temporal';
import { median, round, type Benchmark } from './harness';

/**
 * Alerts: how long from a scrape's commit to a channel server receiving the alert (through the
 * real path: scrapeEvent on a dev server, evaluateScrape, the deliverAlerts child, deliverAlert,
 * the generic webhook channel posting to a local HTTP server), and how fast the rules of one
 * scrape are evaluated (1,000 rules over a 500-listing scrape, in PostgreSQL).
 */
const SCRAPES = Number(process.env.BENCH_ALERT_SCRAPES ?? 40);
const RULES = 1000;
const LISTINGS = 500;

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

/** A local receiver of the generic webhook that notes when each alert arrived (by dedupe key). */
async function startTimingReceiver(): Promise<{ url: string; arrivals: Map<string, number>; close(): Promise<void> }> {
  const arrivals = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string' && !arrivals.has(key)) arrivals.set(key, at);
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function latency(): Promise<{ p50: number; p95: number; alerts: number }> {
  const receiver = await startTimingReceiver();
  const temporal = await startDevServerEnv();
  const catalog = [EVENTS_HEADER, 'Bench Night,Hall,Austin,TX,US,2027-08-20 20:00,America/Chicago,,830001,,,TRUE'].join('\n');
  const stack = await startTrackerStack(temporal, {
    eventsFile: writeEventsFile(catalog),
    marketplaces: ['vividseats'],
    env: { ALERT_WEBHOOK_URL: receiver.url },
  });
  try {
    const db = stack.database.db;
    await syncEvents(db, catalogReader(stack.env));
    const id = Number((await db.query<{ id: string }>(`SELECT id FROM events WHERE name = 'Bench Night'`)).rows[0]!.id);
    await applyRules(db, [
      ruleInputOf(
        ruleSpecSchema.parse({ name: 'bench drop', event: String(id), condition: 'drop 10', channels: 'webhook', cooldown: 'none' }),
        id,
      ),
    ]);
    const input = (cycleId: string) => ({
      event: {
        id,
        name: 'Bench Night',
        startsAt: null,
        marketplaceIds: [{ marketplace: 'vividseats' as const, marketplaceEventId: '830001' }],
      },
      cycleId,
    });
    await stack.withWorkers(async () => {
      for (let i = 0; i < SCRAPES; i++) {
        // Every other scrape drops 20 %, and the next one comes back up (clearing the rule).
        if (i % 2 === 1) stack.mock.movePrices('830001', { percent: -20 });
        else stack.mock.clearPriceMoves();
        await temporal.client.workflow.execute(scrapeEvent, {
          taskQueue: stack.taskQueue,
          workflowId: `bench-alert-${i}-${stack.taskQueue}`,
          args: [input(`bench-${i}`)],
        });
      }
      const expected = Math.floor(SCRAPES / 2);
      const deadline = Date.now() + 30_000;
      while (receiver.arrivals.size < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    });
    const rows = await db.query<{ dedupe_key: string; committed: Date }>(
      `SELECT a.dedupe_key, s.persisted_at AS committed FROM alerts a JOIN scrapes s ON s.scrape_key = a.scrape_key WHERE a.rule_id IS NOT NULL`,
    );
    const ms = rows.rows.flatMap((r) => {
      const at = receiver.arrivals.get(r.dedupe_key);
      return at === undefined ? [] : [at - r.committed.getTime()];
    });
    if (ms.length < rows.rows.length) throw new Error(`${rows.rows.length - ms.length} alert(s) never reached the receiver`);
    return { p50: round(percentile(ms, 50), 1), p95: round(percentile(ms, 95), 1), alerts: ms.length };
  } finally {
    await stack.close();
    await temporal.teardown();
    await receiver.close();
  }
}

/** 1,000 rules of every condition, zone and group size on one event, evaluated for a 500-listing scrape. */
async function evaluation(): Promise<{ rulesPerSecond: number; msPerScrape: number }> {
  const t = await createTestDatabase({ poolMax: 4 });
  try {
    const eventId = await createEvent(t.db, 'bench-rules', { marketplaceIds: { vividseats: 'B1', stubhub: 'B2' } });
    const conditions = [
      'below 100',
      'drop 10',
      'rise 10',
      'drop 15 over 24h',
      'new-low',
      'sold-out',
      'back-in-stock',
      'cheaper-elsewhere 10',
    ];
    const zones = ['ALL', ...ZONES];
    const rules = Array.from({ length: RULES }, (_, i) =>
      ruleInputOf(
        ruleSpecSchema.parse({
          name: `r${i}`,
          event: String(eventId),
          marketplace: i % 3 === 0 ? 'any' : 'vividseats',
          zone: zones[i % zones.length],
          quantity: [1, 2, 4][i % 3],
          condition: conditions[i % conditions.length],
          channels: 'webhook',
          cooldown: 'none',
        }),
        i % 7 === 0 ? null : eventId,
      ),
    );
    await applyRules(t.db, rules);
    await t.db.query(`UPDATE events SET tracked = true WHERE id = $1`, [eventId]);
    const T0 = Date.parse('2027-02-01T00:00:00Z');
    let n = 0;
    const scrape = async (marketplace: 'vividseats' | 'stubhub', listings: NormalizedListing[]): Promise<string> => {
      const scrapeId = `bench/${++n}/${marketplace}`;
      await persistScrape(t.db, {
        scrapeId,
        eventId,
        marketplace,
        capturedAt: new Date(T0 + n * 3_600_000),
        fetched: { kind: 'listings', listings, skipped: [] },
      });
      return scrapeId;
    };
    const base = makeListings(LISTINGS, 5);
    await scrape('stubhub', base);
    await evaluateScrape(t.db, await scrape('vividseats', base));
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      const factor = i % 2 === 0 ? 0.8 : 1.25;
      const key = await scrape(
        'vividseats',
        base.map((l) => ({ ...l, basePrice: Math.round(l.basePrice! * factor * 100) / 100, allInPrice: null })),
      );
      const started = process.hrtime.bigint();
      const e = await evaluateScrape(t.db, key);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (e.rulesEvaluated !== RULES) throw new Error(`evaluated ${e.rulesEvaluated} rules, expected ${RULES}`);
    }
    const ms = median(times);
    return { rulesPerSecond: Math.round((RULES / ms) * 1000), msPerScrape: round(ms, 1) };
  } finally {
    await t.drop();
  }
}

export const benchmark: Benchmark = {
  name: 'alerts',
  description: `commit-to-channel latency of a drop alert (${SCRAPES} scrapes, every other one a 20 % drop) and ${RULES} rules over a ${LISTINGS}-listing scrape`,
  async run() {
    const [pg, server] = await Promise.all([startPostgresForTests(), startTemporalForTests()]);
    process.env[ADMIN_URL_VAR] = pg.adminUrl;
    process.env[TEMPORAL_ADDRESS_VAR] = server.address;
    try {
      const rules = await evaluation();
      const lat = await latency();
      return {
        alert_latency_ms_p50: lat.p50,
        alert_latency_ms_p95: lat.p95,
        alerts_measured: lat.alerts,
        rules_evaluated_per_s: rules.rulesPerSecond,
        rules_evaluation_ms_per_scrape: rules.msPerScrape,
      };
    } finally {
      await Promise.all([pg.stop(), server.stop()]);
    }
  },
};
