import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startDashboard, type RunningDashboard } from '../../src/dashboard/server';
import { fromRoot } from '../../src/config/paths';
import { MARKETPLACES } from '../../src/marketplaces/registry';
import { ensureChromium, launchBrowser, testOutputDir } from '../helpers/browser';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { skipOrFail } from '../helpers/skip';
import { seedDashboardData } from './seed';
import { storeTogetherCaptures, TOGETHER_FIGURES } from '../fixtures/db/together-captures';

/**
 * The dashboard in a real browser (Debian's chromium through playwright-core) over a real
 * database holding the sample catalog and three days of scrapes. Screenshots go to the run's
 * output folder (printed) for a person to look at.
 */
describe('dashboard in a browser', () => {
  let t: TestDatabase;
  let dash: RunningDashboard;
  let browser: Browser | undefined;
  let skip: string | null = null;
  let shots: string;
  let eventId: number;
  let togetherId: number;
  const UI = { baseUrl: 'http://127.0.0.1:8233', namespace: 'default' };

  before(async () => {
    const chromium = await ensureChromium();
    if ('skipped' in chromium) {
      skip = chromium.skipped;
      process.stdout.write(`dashboard browser tests skipped: ${skip}\n`);
      return;
    }
    t = await createTestDatabase();
    const seeded = await seedDashboardData(t.db);
    eventId = seeded.eventIds[0]!;
    // The 5th event: real captures alone (test/fixtures/db/together-captures.ts), for the cheapest seats together.
    togetherId = seeded.eventIds[4]!;
    await storeTogetherCaptures(t.db, togetherId, new Date(Date.now() - 1_800_000));
    dash = await startDashboard({ db: t.db, port: 0, temporalUi: UI });
    browser = await launchBrowser(chromium.path);
    shots = testOutputDir('dashboard');
    process.stdout.write(`dashboard screenshots: ${shots}\n`);
  });
  after(async () => {
    await browser?.close();
    await dash?.close();
    await t?.drop();
  });

  const open = async (route: string): Promise<Page> => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(dash.url + route);
    (page as Page & { errors?: string[] }).errors = errors;
    return page;
  };
  const cli = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [fromRoot('bin', 'ticket-tracker.js'), ...args],
        { cwd: fromRoot(), env: { ...process.env, DATABASE_URL: t.url, LOG_LEVEL: 'warn' } },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });

  it('the events page lists every tracked event with its prices', async (c) => {
    if (skip) return skipOrFail(c, skip);
    const page = await open('/events');
    await page.waitForSelector('tr[data-event-id]');
    const names = await page.$$eval('tr[data-event-id] td:first-child a', (as) => as.map((a) => a.textContent));
    const api = (await (await fetch(`${dash.url}/api/events`)).json()) as {
      events: { name: string; marketplaces: { lowest: number | null }[] }[];
    };
    assert.ok(api.events.length >= 4, `events: ${api.events.length}`);
    assert.deepEqual([...names].sort(), api.events.map((e) => e.name).sort());
    assert.ok(names.includes('New York Knicks vs. Boston Celtics'));
    // Prices of the scraped events are shown (not "–").
    const firstRow = await page.textContent(`tr[data-event-id="${eventId}"]`);
    assert.match(firstRow ?? '', /\$\d+\.\d\d/);
    // Each marketplace's column is headed by its label, from the server (/api/marketplaces).
    const heads = await page.$$eval('#events-table th[title]', (ths) =>
      ths.map((t) => [t.getAttribute('title'), t.querySelector('.label')?.textContent]),
    );
    assert.ok(heads.length >= 2, `marketplace columns: ${heads.length}`);
    for (const [name, label] of heads) assert.equal(label, MARKETPLACES.find((m) => m.name === name)?.label, `${name}`);
    await page.fill('#filter', 'Hamilton');
    assert.equal(await page.$$eval('tr[data-event-id]', (r) => r.length), 1);
    // The placeholder promises marketplace ids: samples/events.csv's first row's StubHub id.
    await page.fill('#filter', '153928471');
    assert.deepEqual(await page.$$eval('tr[data-event-id]', (r) => r.map((x) => x.getAttribute('data-event-id'))), [String(eventId)]);
    await page.fill('#filter', '');
    await page.screenshot({ path: path.join(shots, 'events.png'), fullPage: true });
    assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
    await page.close();
  });

  it('the event page draws a price chart whose points are those of `history --json`, and a zone switch redraws it', async (c) => {
    if (skip) return skipOrFail(c, skip);
    const page = await open(`/events/${eventId}?days=7&bucket=1%20hour`);
    await page.waitForSelector('#history-chart[data-state="drawn"]');
    type Drawn = { labels: string[]; data: (number | null)[][]; zone: string | undefined };
    const drawn = (): Promise<Drawn> =>
      page.evaluate(() => {
        const w = globalThis as unknown as {
          ttCharts: { history: { series: { label: string }[]; data: (number | null)[][] } };
          document: { getElementById(id: string): { dataset: Record<string, string | undefined> } };
        };
        const el = w.document.getElementById('history-chart');
        return { labels: w.ttCharts.history.series.map((s) => s.label), data: w.ttCharts.history.data, zone: el.dataset.zone };
      });
    const compare = async (chart: Drawn, zone?: string): Promise<number> => {
      const r = await cli('history', String(eventId), '--days', '7', '--bucket', '1 hour', ...(zone ? ['--zone', zone] : []), '--json');
      assert.equal(r.code, 0, r.stderr);
      const rows = JSON.parse(r.stdout) as { bucket: string; source: string; lowest: number | null; average: number | null }[];
      assert.ok(rows.length > 10, `history rows: ${rows.length}`);
      let checked = 0;
      for (const row of rows) {
        const x = chart.data[0]!.indexOf(Date.parse(row.bucket) / 1000);
        assert.ok(x >= 0, `bucket ${row.bucket} is not on the chart`);
        for (const [field, value] of [
          ['lowest', row.lowest],
          ['average', row.average],
        ] as const) {
          const s = chart.labels.indexOf(`${row.source} ${field}`);
          assert.ok(s > 0, `series "${row.source} ${field}" is not on the chart (${chart.labels.join(', ')})`);
          assert.equal(chart.data[s]![x], value, `${row.source} ${field} at ${row.bucket}`);
          checked++;
        }
      }
      // Nothing drawn that history does not have.
      assert.equal(chart.data[0]!.length, new Set(rows.map((r) => r.bucket)).size);
      return checked;
    };
    // Each marketplace's card: its label, in its colour (both from the server, /api/marketplaces).
    const cards = await page.$$eval('.cards .card', (cs) =>
      cs.map((c) => [c.querySelector('.muted')?.getAttribute('title'), c.querySelector('.muted')?.textContent, c.getAttribute('style')]),
    );
    assert.ok(cards.length >= 2, `cards: ${cards.length}`);
    for (const [name, label, style] of cards) {
      const m = MARKETPLACES.find((x) => x.name === name);
      assert.ok(m, `card of ${name}`);
      assert.equal(label, m.label);
      assert.equal(style, `border-top: 3px solid ${m.color}`);
    }
    const whole = await drawn();
    assert.equal(whole.zone, 'ALL');
    assert.ok((await compare(whole)) > 20);
    await page.screenshot({ path: path.join(shots, 'event.png') });
    await page.screenshot({ path: path.join(shots, 'event-full.png'), fullPage: true });

    const zones = await page.$$eval('#zone option', (os) => os.map((o) => (o as unknown as { value: string }).value).filter(Boolean));
    assert.ok(zones.includes('Floor'), `zones: ${zones.join(', ')}`);
    await page.selectOption('#zone', 'Floor');
    await page.waitForSelector('#history-chart[data-state="drawn"][data-zone="Floor"]');
    const floor = await drawn();
    assert.notDeepEqual(floor.data, whole.data);
    await compare(floor, 'Floor');
    await page.waitForSelector('#availability-chart[data-state="drawn"]');
    await page.screenshot({ path: path.join(shots, 'event-zone-floor.png') });
    await page.waitForSelector('#changes');
    const changeCells = await page.$$eval('#changes tr td:nth-child(6) span', (s) => s.map((x) => [x.textContent, x.className]));
    assert.ok(changeCells.length > 0, 'the seeded scrapes recorded price changes');
    for (const [text, cls] of changeCells) {
      assert.notEqual(text, '-0.0%');
      if (text === '0.0%') assert.equal(cls, 'flat', 'a change rounding to zero is neutral');
    }
    assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
    await page.close();
  });

  /** Headers that hold no price (the rest must name their basis). */
  const NOT_PRICES = new Set([
    'Event',
    'Date',
    'Venue',
    'Last scrape',
    'Seats',
    'Marketplace',
    'Zone',
    'Section',
    'Row',
    'Qty',
    'Splits',
    'Tickets',
    'Last seen',
    'Captured',
    // The alerts' part: price changes and the alerts fired (an alert's message names its rule's basis).
    'At',
    'Change',
    'Rule',
    'Message',
    'Deliveries',
  ]);
  /**
   * The headers of the page's tables that hold prices yet name no basis, or name another one than
   * `basis` (the listings' "All-in" and "Before fees" name theirs and are both allowed), the price
   * changes of #event-extra included (recorded per basis, read on the page's).
   */
  const unlabelled = async (page: Page, basis: 'all-in' | 'base'): Promise<string[]> => {
    const heads = await page.$$eval('main table.grid th', (ths) =>
      ths.map((t) => [t.textContent ?? '', t.closest('#listings') ? 'listings' : ''] as const),
    );
    assert.ok(heads.length > 5, `headers: ${heads.length}`);
    const mine = basis === 'all-in' ? /all-in/i : /before fees/i;
    return heads
      .filter(
        ([text, where]) => !NOT_PRICES.has(text) && !(where === 'listings' && /^(All-in|Before fees)$/.test(text)) && !mine.test(text),
      )
      .map(([text]) => text);
  };

  it('the event page opens on the cheapest seats together, all-in, and every price header, card and axis names its basis; the switch changes all of them', async (c) => {
    if (skip) return skipOrFail(c, skip);
    const label = (name: string): string => MARKETPLACES.find((m) => m.name === name)!.label;
    const page = await open(`/events/${togetherId}`);
    await page.waitForSelector('#together tr[data-seats="2"]');
    await page.waitForSelector('#history-chart[data-state="drawn"]');
    await page.waitForSelector('#listings table');
    assert.equal(await page.$eval('#basis', (s) => (s as unknown as { value: string }).value), 'all-in');
    const h2 = await page.$$eval('main h2', (hs) => hs.map((x) => x.textContent));
    assert.equal(h2[0], 'Cheapest seats together');
    const seatsRow = (n: number): Promise<string[]> =>
      page.$$eval(`#together tr[data-seats="${n}"] td`, (tds) => tds.map((td) => td.textContent ?? ''));
    // 215.33 × 2 = 430.66, StubHub 7421193318 (test/fixtures/db/together-captures.ts).
    const two = TOGETHER_FIGURES.allInUsd[1];
    assert.deepEqual(await seatsRow(2), ['2 together', '$430.66', '$215.33', label(two.marketplace), two.section, '–']);
    assert.deepEqual((await seatsRow(4)).slice(0, 3), ['4 together', '$1156.68', '$289.17']);
    const supply = (await page.textContent('#supply')) ?? '';
    assert.match(supply, /distinct supply: 21 listings \/ 57 tickets \(1 listed on more than one marketplace\)/);
    assert.ok(supply.includes(`${label('vividseats')}: 18 listings / 49 tickets`), supply);
    assert.ok(supply.includes(`${label('stubhub')}: 4 listings / 12 tickets`), supply);
    assert.match((await page.textContent('#without-listings')) ?? '', new RegExp(`${label('seatgeek')} \\(summary only\\)`));
    assert.deepEqual(await unlabelled(page, 'all-in'), []);
    // The listings show all-in first, then before fees; never the seller's net proceeds.
    const listHeads = await page.$$eval('#listings th', (ths) => ths.map((t) => t.textContent));
    assert.ok(
      listHeads.indexOf('All-in') >= 0 && listHeads.indexOf('All-in') + 1 === listHeads.indexOf('Before fees'),
      listHeads.join(' | '),
    );
    const cards = await page.$$eval('.cards .card .basis', (cs) => cs.map((x) => x.textContent));
    assert.ok(cards.length >= 2, `cards: ${cards.length}`);
    for (const t of cards) assert.equal(t, 'Lowest, all-in');
    const axis = (): Promise<string | undefined> =>
      page.evaluate(
        () => (globalThis as unknown as { ttCharts: { history: { axes: { label?: string }[] } } }).ttCharts.history.axes[1]?.label,
      );
    assert.equal(await axis(), 'Lowest per ticket, all-in');
    await page.screenshot({ path: path.join(shots, 'event-together.png') });

    // Before fees: kept in the URL, every figure again (Vivid Seats VT000003, 220.35 × 2 = 440.70).
    await page.selectOption('#basis', 'base');
    await page.waitForSelector('#history-chart[data-state="drawn"][data-basis="base"]');
    await page.waitForFunction(`document.querySelector('#together tr[data-seats="2"] td:nth-child(2)')?.textContent === '$440.70'`);
    assert.match(page.url(), /[?&]basis=base/);
    await page.waitForSelector('#listings table');
    assert.deepEqual(await unlabelled(page, 'base'), []);
    for (const t of await page.$$eval('.cards .card .basis', (cs) => cs.map((x) => x.textContent))) assert.equal(t, 'Lowest, before fees');
    // StubHub gives no price before fees: its card says so (with the reason on hover), not a bare dash.
    const stubHubCard = await page.$$eval('.cards .card', (cs) =>
      cs.filter((c) => c.querySelector('.muted')?.getAttribute('title') === 'stubhub').map((c) => c.querySelector('.big')?.textContent),
    );
    assert.deepEqual(stubHubCard, ['not given']);
    assert.equal(await axis(), 'Lowest per ticket, before fees');
    // A reload keeps the basis (from the URL).
    await page.reload();
    await page.waitForSelector('#together tr[data-seats="2"]');
    assert.equal(await page.$eval('#basis', (s) => (s as unknown as { value: string }).value), 'base');
    assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
    await page.close();

    // The Events page: the same switch, its price headers on the basis.
    const events = await open('/events?basis=base');
    await events.waitForSelector('tr[data-event-id]');
    assert.equal(await events.$eval('#basis', (s) => (s as unknown as { value: string }).value), 'base');
    assert.deepEqual(await unlabelled(events, 'base'), []);
    await events.selectOption('#basis', 'all-in');
    await events.waitForFunction(`document.querySelector('#events-table th[title] .small')?.textContent === 'lowest, all-in'`);
    assert.deepEqual(await unlabelled(events, 'all-in'), []);
    assert.doesNotMatch(events.url(), /basis=/);
    assert.deepEqual((events as Page & { errors?: string[] }).errors, []);
    await events.close();
  });

  it('the cycles page draws its chart and the alerts page opens', async (c) => {
    if (skip) return skipOrFail(c, skip);
    const page = await open('/cycles');
    await page.waitForSelector('#cycles-chart[data-state="drawn"]');
    const headings = await page.$$eval('h1, h2', (hs) => hs.map((x) => x.textContent));
    assert.deepEqual(headings.slice(0, 2), ['Cycles', 'Cycles and failures per hour, last 7 days']);
    assert.ok(headings.includes('Latest cycles'), headings.join(' | '));
    assert.deepEqual(
      await page.evaluate(() =>
        (globalThis as unknown as { ttCharts: { cycles: { series: { label: string }[] } } }).ttCharts.cycles.series.map((s) => s.label),
      ),
      ['time', 'cycles', 'failures'],
    );
    await page.screenshot({ path: path.join(shots, 'cycles.png'), fullPage: true });
    const alerts = await open('/alerts');
    await alerts.waitForSelector('h2');
    const text = (await alerts.textContent('main')) ?? '';
    const api = (await (await fetch(`${dash.url}/api/alerts`)).json()) as { rules: { name: string; firings: number }[]; log: unknown[] };
    assert.deepEqual(api.rules.map((r) => r.name).sort(), ['cheap-seats', 'knicks-drop']);
    assert.ok(api.log.length > 0, 'the seeded scrapes fired alerts');
    for (const r of api.rules) assert.ok(text.includes(r.name), r.name);
    assert.doesNotMatch(text, /null|undefined/, 'an optional section left out prints nothing');
    assert.ok(api.rules.some((r) => r.firings > 0));
    await alerts.screenshot({ path: path.join(shots, 'alerts.png'), fullPage: true });
    assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
    assert.deepEqual((alerts as Page & { errors?: string[] }).errors, []);
    await page.close();
    await alerts.close();
  });

  it('an API call with a bad parameter answers 400 naming it; an unknown event 404', async (c) => {
    if (skip) return skipOrFail(c, skip);
    const get = async (u: string): Promise<{ status: number; body: { error: string; parameter?: string } }> => {
      const r = await fetch(dash.url + u);
      return { status: r.status, body: (await r.json()) as { error: string; parameter?: string } };
    };
    const answers = {
      bucket: await get(`/api/events/${eventId}/history?bucket=3%20seconds`),
      quantity: await get(`/api/events/${eventId}/history?quantity=3`),
      unknown: await get(`/api/events/${eventId}/history?colour=red`),
      event: await get('/api/events/999999/history'),
      badRef: await get(`/api/events/${encodeURIComponent('ebay:1')}`),
    };
    // EVENT takes every form the CLI takes: here the StubHub id of samples/events.csv's first row.
    const byMarketplaceId = await fetch(`${dash.url}/api/events/${encodeURIComponent('stubhub:153928471')}`);
    assert.equal(byMarketplaceId.status, 200);
    assert.equal(((await byMarketplaceId.json()) as { event: { id: number } }).event.id, eventId);
    assert.equal(answers.badRef.status, 400);
    assert.equal(answers.badRef.body.parameter, 'event');
    assert.equal(answers.bucket.status, 400);
    assert.equal(answers.bucket.body.parameter, 'bucket');
    assert.match(answers.bucket.body.error, /bucket.*"3 seconds"/);
    assert.equal(answers.quantity.status, 400);
    assert.match(answers.quantity.body.error, /quantity.*must be 1, 2 or 4/);
    assert.equal(answers.unknown.status, 400);
    assert.equal(answers.unknown.body.parameter, 'colour');
    assert.equal(answers.event.status, 404);
    // An unknown zone is not an empty period: 404 naming it, with the zones the event has.
    for (const route of ['history', 'availability']) {
      const r = await fetch(`${dash.url}/api/events/${eventId}/${route}?zone=Nope`);
      const body = (await r.json()) as { error: string; parameter: string; zones: string[] };
      assert.equal(r.status, 404, route);
      assert.equal(body.parameter, 'zone');
      assert.match(body.error, /"Nope"/);
      assert.ok(body.zones.includes('ALL') && body.zones.includes('Floor'), body.zones.join(', '));
    }
    const floor = await fetch(`${dash.url}/api/events/${eventId}/history?zone=Floor&days=1`);
    assert.equal(floor.status, 200);
  });
});
