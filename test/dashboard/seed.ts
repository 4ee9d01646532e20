import { evaluateScrape } from '../../src/scrape/evaluate';
import { applyRules, ruleInputOf } from '../../src/alerts/rules/store';
import { ruleSpecSchema } from '../../src/alerts/rules/types';
import { createFileReader } from '../../src/catalog/read/file-reader';
import { listEvents } from '../../src/catalog/lifecycle';
import { syncEvents } from '../../src/catalog/sync';
import { persistScrape } from '../../src/scrape/store';
import { ensurePartitions } from '../../src/db/partitions';
import type { Db } from '../../src/db/pool';
import { rollupDaily, rollupHourly } from '../../src/db/rollup';
import { storageModeOf } from '../../src/db/storage-mode';
import type { MarketplaceName } from '../../src/domain/listing';
import { fromRoot } from '../../src/config/paths';
import { makeListings } from '../fixtures/db/data';

/**
 * Dashboard test data: the events of samples/events.csv (what `npm start` tracks), each scraped
 * on stubhub and vividseats every 3 hours over the last 3 days (listings from the storage
 * fixtures' generator), under cycle-shaped scrape keys, then rolled up like the schedules do.
 */
export async function seedDashboardData(db: Db, now = new Date()): Promise<{ eventIds: number[] }> {
  await syncEvents(db, createFileReader({ file: fromRoot('samples', 'events.csv'), defaultTimeZone: 'UTC' }));
  const events = await listEvents(db, { all: true });
  const hours = 72;
  const from = new Date(now.getTime() - hours * 3_600_000);
  if ((await storageModeOf(db)) === 'plain') {
    const client = await db.connect();
    try {
      await ensurePartitions(client, { from, to: new Date(now.getTime() + 86_400_000) });
    } finally {
      client.release();
    }
  }
  // Two rules as an analyst writes them (`alerts apply`): one on the first event, one on every event.
  await applyRules(db, [
    ruleInputOf(
      ruleSpecSchema.parse({ name: 'knicks-drop', event: events[0]!.id, condition: 'drop 10%', channels: 'webhook', cooldown: 'none' }),
      events[0]!.id,
    ),
    ruleInputOf(ruleSpecSchema.parse({ name: 'cheap-seats', condition: 'below 25', channels: ['discord', 'slack'], cooldown: 60 }), null),
  ]);
  let seed = 1;
  for (let h = hours; h >= 1; h -= 3) {
    const at = new Date(now.getTime() - h * 3_600_000);
    const cycleId = `tracker/${at.toISOString()}`;
    for (const e of events.slice(0, 4)) {
      for (const marketplace of ['stubhub', 'vividseats'] as MarketplaceName[]) {
        const scrapeId = `${cycleId}/${e.id}/${marketplace}`;
        await persistScrape(db, {
          scrapeId,
          eventId: e.id,
          marketplace,
          capturedAt: at,
          fetched: { kind: 'listings', listings: makeListings(40, seed++, `${marketplace}-`), skipped: [] },
        });
        // What the scrapeEvent workflow does next: price changes recorded, rules evaluated.
        await evaluateScrape(db, scrapeId);
      }
    }
  }
  await rollupHourly(db, { from, to: now });
  await rollupDaily(db, { from, to: now });
  return { eventIds: events.map((e) => e.id) };
}
