import { median, round, timeRuns, type Benchmark } from './harness';
import { forEachLayout } from './database';
import { generate } from './query';
import { loadEventsOverview } from '../src/dashboard/data';
import { listEvents } from '../src/catalog/lifecycle';
import { history } from '../src/db/analytics/history';
import { latestPrices } from '../src/db/analytics/latest';
import { daysAgo } from '../src/db/analytics/query';
import { parseBucket } from '../src/domain/buckets';
import { startDashboard } from '../src/dashboard/server';
import { ensureChromium, launchBrowser } from '../test/helpers/browser';

/**
 * The dashboard over the query bench's ~10M-row data set (100 events x 90 days): the JSON API's
 * history read as the event page makes it (7 days, 1-hour buckets) and over 90 days in daily
 * buckets, the Events page's data for 100 events (/api/events, timed at the client over
 * loopback, so server time plus a local round trip; and recomputed, as after a new scrape), and in headless Chromium the time from
 * navigation start to the first chart drawn on the event page (performance.now() when uPlot has drawn).
 */
const RUNS = 30;

export const benchmark: Benchmark = {
  name: 'dashboard',
  description: 'dashboard API and pages over the query bench data set (~10M rows, 100 events), in each storage layout',
  async run() {
    const chromium = await ensureChromium();
    return forEachLayout(async (db, info) => {
      const now = new Date();
      const gen = await generate(db, now);
      const dash = await startDashboard({ db, port: 0, temporalUi: { baseUrl: 'http://127.0.0.1:8233', namespace: 'default' } });
      try {
        const get = async (path: string): Promise<unknown> => {
          const res = await fetch(dash.url + path);
          if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
          return res.json();
        };
        let i = 0;
        const eventId = (): number => 1 + ((i++ * 37) % 100);
        const history7d = await timeRuns(RUNS, () => get(`/api/events/${eventId()}/history?days=7&bucket=1%20hour`), 3);
        const history90d = await timeRuns(RUNS, () => get(`/api/events/${eventId()}/history?days=90&bucket=1%20day`), 3);
        // As served: a version check, then the last answer while no scrape has landed since.
        const events = await timeRuns(15, () => get('/api/events'), 2);
        // Recomputed (what the first request after a scrape costs), in the server, without HTTP.
        const eventsUncached = await timeRuns(5, () => loadEventsOverview(db, { all: false }), 1);
        // The same figures read the way the page did before historyOfEvents (two reads per event), for comparison under the same load.
        const tracked = await listEvents(db, { all: false, now });
        const perEvent = await timeRuns(
          5,
          () =>
            Promise.all(
              tracked.map((e) =>
                Promise.all([
                  latestPrices(db, e.id),
                  history(db, { eventId: e.id, from: daysAgo(now, 8), to: now, bucket: parseBucket('1 hour') }),
                ]),
              ),
            ),
          1,
        );
        const listed = ((await get('/api/events')) as { events: unknown[] }).events.length;
        const figures: Record<string, number | string> = {
          server: info.server,
          rows: gen.listings,
          api_history_ms_median: round(median(history7d), 2),
          api_history_90d_daily_ms_median: round(median(history90d), 2),
          events_page_ms_median: round(median(events), 2),
          events_page_uncached_ms_median: round(median(eventsUncached), 2),
          events_page_uncached_per_event_reads_ms_median: round(median(perEvent), 2),
          events_listed: listed,
        };
        if ('skipped' in chromium) {
          figures.first_chart_ms = `n/a: ${chromium.skipped}`;
          return figures;
        }
        const browser = await launchBrowser(chromium.path);
        try {
          const times: number[] = [];
          for (let k = 0; k < 7; k++) {
            const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
            await page.goto(`${dash.url}/events/${eventId()}`);
            await page.waitForSelector('#history-chart[data-state="drawn"]', { timeout: 30_000 });
            times.push(await page.evaluate(() => (globalThis as unknown as { ttFirstChartMs: number }).ttFirstChartMs));
            await page.close();
          }
          figures.first_chart_ms_cold = round(times[0]!, 1);
          figures.first_chart_ms = round(median(times), 1);
        } finally {
          await browser.close();
        }
        return figures;
      } finally {
        await dash.close();
      }
    });
  },
};
