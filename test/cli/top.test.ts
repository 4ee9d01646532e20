import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { Context as ActivityContext } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { listDueEvents } from '../../src/catalog/lifecycle';
import { main } from '../../src/client';
import { fromRoot } from '../../src/config/paths';
import { renderFrame } from '../../src/top/frame';
import { runTop } from '../../src/top/run';
import { readTopSnapshot, type TopSnapshot } from '../../src/top/snapshot';
import { trackerLoop } from '../../src/workflows';
import { scrapeNowSignal, statusQuery } from '../../src/workflows/definitions';
import { startTrackerStack, waitFor, type TrackerStack } from '../helpers/stack';
import { startDevServerEnv } from '../helpers/temporal';

/**
 * `ticket-tracker top` against the dev stack (real Temporal dev server, real workers, real
 * PostgreSQL, the mock marketplace over HTTP): a frame of a cycle that is running, with its
 * progress from the database rows, then of the tracker asleep; the redraw loop and its keys;
 * the command itself.
 */

/** Holds every SeatGeek scrape until `release` is called, so a cycle stays running with some progress. */
function holdSeatGeek(): { factory: (ctx: ActivityContext) => object; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return {
    release,
    factory: (ctx: ActivityContext) => ({
      inbound: {
        async execute(input: { args: unknown[] }, next: (input: never) => Promise<unknown>): Promise<unknown> {
          // Only the scrape activity runs on a marketplace's own task queue.
          if (ctx.info.taskQueue.endsWith('-seatgeek')) await gate;
          return next(input as never);
        },
      },
    }),
  };
}

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const origOut = process.stdout.write.bind(process.stdout);
  const origErr = process.stderr.write.bind(process.stderr);
  const capture = (into: string[], orig: typeof origOut) =>
    ((chunk: string | Uint8Array, ...rest: never[]) =>
      typeof chunk === 'string' ? (into.push(chunk), true) : orig(chunk, ...rest)) as typeof process.stdout.write;
  process.stdout.write = capture(out, origOut);
  process.stderr.write = capture(err, origErr);
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = origOut;
    process.stderr.write = origErr;
  }
}

describe('ticket-tracker top', () => {
  let temporal: TestWorkflowEnvironment;
  let stack: TrackerStack;
  const saved = { ...process.env };
  before(async () => {
    temporal = await startDevServerEnv();
    stack = await startTrackerStack(temporal, { eventsFile: fromRoot('samples', 'events.csv') });
  });
  after(async () => {
    process.env = saved;
    await stack?.close();
    await temporal?.teardown();
  });

  const opts = { rows: 8, errorWindowMinutes: 60, moveWindowHours: 24, graceHours: 6 };

  it('shows the running cycle with its progress, then the tracker asleep, the latest scrapes and the moved prices', async () => {
    const hold = holdSeatGeek();
    const db = stack.database.db;
    await stack.withWorkers(
      async () => {
        try {
          const workflowId = `tracker-${stack.taskQueue}`;
          const handle = await temporal.client.workflow.start(trackerLoop, {
            taskQueue: stack.taskQueue,
            workflowId,
            args: [{ settings: { intervalHours: 12, randomization: 'uniform', minFactor: 0.9, maxFactor: 1.1, fanout: 4 } }],
          });
          const status = async (): Promise<TopSnapshot['tracker']> => ({ status: await handle.query(statusQuery) });
          const snap = () => readTopSnapshot(db, status, new Date(), opts);

          // SeatGeek is held: the cycle runs, the other marketplaces store scrapes.
          const running = await waitFor('progress of the running cycle', async () => {
            const s = await snap();
            return s.running && s.running.marketplaces.some((m) => m.ok >= 2) ? s : undefined;
          });
          const due = (await listDueEvents(db, new Date(), 6)).length;
          assert.ok(due >= 8, `due: ${due}`);
          const r = running.running!;
          assert.ok(r.id.startsWith(`${workflowId}/`), r.id);
          assert.equal(r.eventsDue, due);
          assert.ok(r.eventsDone >= 1 && r.eventsDone <= due, `done ${r.eventsDone} of ${due}`);
          assert.ok(!r.marketplaces.some((m) => m.marketplace === 'seatgeek'), 'nothing of the held marketplace is done');
          const stored = await db.query<{ marketplace: string; n: number }>(
            `SELECT marketplace, count(*)::int AS n FROM scrapes WHERE scrape_key LIKE $1 GROUP BY 1`,
            [`${r.id}/%`],
          );
          for (const m of r.marketplaces) assert.ok(m.ok <= (stored.rows.find((x) => x.marketplace === m.marketplace)?.n ?? 0));
          assert.ok('status' in running.tracker && running.tracker.status.phase === 'scraping', JSON.stringify(running.tracker));
          const frame = renderFrame(running);
          assert.match(frame, /tracker {4}scraping · 0 cycles done · next wake-up -/);
          assert.match(frame, new RegExp(`running {4}${r.id} since .*: ${r.eventsDone} of ${due} events done`));
          for (const m of r.marketplaces) assert.ok(frame.includes(`${m.marketplace} ${m.ok} ok ${m.failed} failed`), frame);

          hold.release();
          await waitFor('the first cycle', async () => (await handle.query(statusQuery)).cycle >= 1, 120_000);
          // A second cycle, so prices can have moved between two scrapes.
          await handle.signal(scrapeNowSignal);
          await waitFor('the second cycle', async () => (await handle.query(statusQuery)).lastCycle?.cycle === 2, 120_000);
          const asleep = await snap();
          assert.equal(asleep.running, null);
          assert.ok('status' in asleep.tracker && asleep.tracker.status.phase === 'sleeping');
          assert.equal(asleep.latestScrapes.length, 8);
          const latest = await db.query<{ max: Date }>('SELECT max(captured_at) AS max FROM scrapes');
          assert.equal(asleep.latestScrapes[0]!.capturedAt.getTime(), latest.rows[0]!.max.getTime());
          assert.equal(asleep.errorRate.failed, 0);
          assert.equal(asleep.errorRate.stored, Number((await db.query('SELECT count(*) AS n FROM scrapes')).rows[0].n));
          assert.equal(asleep.errorRate.percent, 0);

          // The moved prices, computed here from the scrapes themselves: all-in by default.
          assert.equal(asleep.basis, 'all-in');
          const rows = await db.query<{ event_id: string; marketplace: string; lowest_price: string | null }>(
            'SELECT event_id, marketplace, all_in_lowest_price AS lowest_price FROM scrapes WHERE all_in_lowest_price IS NOT NULL ORDER BY captured_at, id',
          );
          const series = new Map<string, number[]>();
          for (const x of rows.rows) {
            const key = `${x.event_id} ${x.marketplace}`;
            series.set(key, [...(series.get(key) ?? []), Number(x.lowest_price)]);
          }
          const expected = [...series]
            .flatMap(([key, prices]) => {
              const [prev, last] = prices.slice(-2);
              return prices.length >= 2 && prev! > 0 && prev !== last ? [{ key, change: ((last! - prev!) / prev!) * 100 }] : [];
            })
            .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
            .slice(0, 8);
          assert.deepEqual(
            asleep.movers.map((m) => `${m.eventId} ${m.marketplace}`),
            expected.map((e) => e.key),
          );
          for (const [i, m] of asleep.movers.entries()) assert.ok(Math.abs(m.changePercent - expected[i]!.change) < 0.006);
          const text = renderFrame(asleep);
          assert.match(text, /tracker {4}sleeping · 2 cycles done · next wake-up \d\d:\d\d:\d\d \(in \d+ h/);
          assert.match(text, /running {4}no cycle running/);
          assert.match(text, /errors {5}0 % in the last 60 min/);
          assert.match(text, /lowest prices \(all-in\) that moved most/);
          assert.match(text, /lowest all-in/);

          // The redraw loop, not on a terminal: frames one after the other; q quits.
          const written: string[] = [];
          const keys = new PassThrough();
          const loop = runTop({
            db,
            status,
            ...opts,
            intervalSeconds: 0.5,
            once: false,
            json: false,
            out: { write: (t: string) => written.push(t), isTTY: false },
            input: keys,
          });
          await waitFor('two frames', async () => written.length >= 2);
          keys.write('q');
          const frames = await loop;
          assert.ok(frames >= 2);
          assert.equal(written.length, frames);
          for (const w of written) {
            assert.ok(w.startsWith('ticket-tracker top · ') && w.endsWith('\n\n'), w.slice(0, 40));
            assert.ok(!w.includes('\x1b'), 'no terminal codes when not on a terminal');
          }
          // On a terminal each frame clears the screen first; an abort (SIGINT in the command) quits too.
          const tty: string[] = [];
          const abort = new AbortController();
          const ttyLoop = runTop({
            db,
            status,
            ...opts,
            intervalSeconds: 60,
            once: false,
            json: false,
            out: { write: (t: string) => tty.push(t), isTTY: true },
            signal: abort.signal,
          });
          await waitFor('a frame', async () => tty.length >= 1);
          abort.abort();
          assert.equal(await ttyLoop, 1);
          assert.ok(tty[0]!.startsWith('\x1b[H\x1b[2Jticket-tracker top'));

          await handle.cancel();
          await handle.result().catch(() => undefined);
        } finally {
          hold.release(); // never leave a held activity behind: the workers' shutdown would wait for it
        }
      },
      { activityInterceptors: [hold.factory] },
    );
  });

  it('the command draws one frame with --once, prints JSON with --json, and names a bad option', async () => {
    process.env.DATABASE_URL = stack.database.url;
    process.env.TEMPORAL_ADDRESS = temporal.address;
    const once = await cli('top', '--once');
    assert.equal(once.code, 0, once.stderr);
    assert.match(once.stdout, /^ticket-tracker top · /);
    assert.match(once.stdout, /tracker {4}not running \(start it with `ticket-tracker tracker start`\)/);
    assert.match(once.stdout, /latest scrapes\ntime/);
    const json = await cli('top', '--json', '--rows', '3');
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as TopSnapshot;
    assert.equal(parsed.latestScrapes.length, 3);
    assert.deepEqual(parsed.tracker, { unavailable: 'not running (start it with `ticket-tracker tracker start`)' });
    const bad = await cli('top', '--interval', '0');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--interval: at least 0\.5 seconds/);
  });
});
