import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server';
import { recordCycleStart, recordScrapeError } from '../../src/db/cycles';
import { MARKETPLACES } from '../../src/marketplaces/registry';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedDashboardData } from './seed';

/** The dashboard's routes without a browser: old names still answer, the front end's modules are served. */
describe('dashboard routes', () => {
  let t: TestDatabase;
  let dash: RunningDashboard;
  const UI = { baseUrl: 'http://127.0.0.1:8233', namespace: 'default' };
  before(async () => {
    t = await createTestDatabase();
    const { eventIds } = await seedDashboardData(t.db);
    // A cycle and a failure of it, so that both answers below have something to show.
    const cycleId = `tracker/${new Date(Date.now() - 3_600_000).toISOString()}`;
    await recordCycleStart(t.db, { cycleId, startedAt: new Date(Date.now() - 3_600_000) });
    await recordScrapeError(t.db, {
      cycleId,
      eventId: eventIds[0]!,
      marketplace: MARKETPLACES[0].name,
      attempt: 1,
      message: 'HTTP 503 from the marketplace',
      at: new Date(Date.now() - 3_000_000),
    });
    dash = await startDashboard({ db: t.db, port: 0, temporalUi: UI });
  });
  after(async () => {
    await dash?.close();
    await t?.drop();
  });

  it('the Cycles page is /cycles; /runs, its old address, redirects there with its query', async () => {
    const page = await fetch(`${dash.url}/cycles`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<title>Cycles · Ticket Tracker<\/title>/);
    assert.match(html, /data-page="cycles"/);
    assert.match(html, /<a href="\/cycles" class="current">Cycles<\/a>/);
    assert.doesNotMatch(html, /Runs/);
    for (const [from, to] of [
      ['/runs', '/cycles'],
      ['/runs?hours=24', '/cycles?hours=24'],
    ]) {
      const old = await fetch(dash.url + from, { redirect: 'manual' });
      assert.equal(old.status, 301, from);
      assert.equal(old.headers.get('location'), to, from);
    }
    assert.equal((await fetch(`${dash.url}/runs`)).url, `${dash.url}/cycles`);
  });

  it('/api/cycles answers the cycles under `cycles`; /api/runs, its old name, the same under `runs`', async () => {
    const get = async (route: string): Promise<Record<string, unknown>> => {
      const r = await fetch(dash.url + route);
      assert.equal(r.status, 200, route);
      return (await r.json()) as Record<string, unknown>;
    };
    const cycles = await get('/api/cycles?limit=50&hours=240');
    const runs = await get('/api/runs?limit=50&hours=240');
    assert.deepEqual(Object.keys(cycles), ['cycles', 'failures', 'byMarketplaceAndKind']);
    assert.deepEqual(Object.keys(runs), ['runs', 'failures', 'byMarketplaceAndKind']);
    assert.equal((cycles.cycles as unknown[]).length, 1);
    assert.equal((cycles.failures as unknown[]).length, 1);
    const { cycles: list, ...rest } = cycles;
    assert.deepEqual({ runs: list, ...rest }, runs);
    for (const route of ['/api/cycles?hours=0', '/api/runs?colour=red']) assert.equal((await fetch(dash.url + route)).status, 400, route);
  });

  it("/api/marketplaces gives each marketplace's label, colour and price bases from its descriptor", async () => {
    const r = (await (await fetch(`${dash.url}/api/marketplaces`)).json()) as { marketplaces: unknown[] };
    assert.deepEqual(
      r.marketplaces,
      MARKETPLACES.map((m) => ({ name: m.name, label: m.label, color: m.color, priceBases: m.priceBases })),
    );
  });

  it('every module of the front end is served as JavaScript, from app.js along its imports; uPlot keeps its own script tag', async () => {
    const html = await (await fetch(`${dash.url}/events`)).text();
    assert.match(html, /<script src="\/static\/uplot\.js"><\/script>\s*<script type="module" src="\/static\/app\.js"><\/script>/);
    const seen = new Set<string>();
    const queue = ['/static/app.js'];
    while (queue.length > 0) {
      const route = queue.shift()!;
      if (seen.has(route)) continue;
      seen.add(route);
      const res = await fetch(dash.url + route);
      assert.equal(res.status, 200, route);
      assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8', route);
      const text = await res.text();
      for (const m of text.matchAll(/^import\s[^'"]*'([^']+)'/gm)) queue.push(new URL(m[1]!, `http://x${route}`).pathname);
    }
    assert.ok(seen.has('/static/pages/cycles.js') && seen.size >= 8, [...seen].join(', '));
    for (const route of ['/static/uplot.js', '/static/style.css', '/static/uplot.css']) {
      assert.equal((await fetch(dash.url + route)).status, 200, route);
    }
    assert.equal((await fetch(`${dash.url}/static/nope.js`)).status, 404);
  });
});
