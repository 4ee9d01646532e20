import { listScrapableEvents } from '../db/event-status';
import { num } from '../db/analytics/query';
import type { Db } from '../db/pool';
import { basisColumnPrefix, DEFAULT_PRICE_BASIS, type PriceBasis } from '../domain/price-basis';
import type { TrackerStatus } from '../domain/tracker';

/**
 * What one frame of `ticket-tracker top` shows, read from the tracker's status query and the
 * database. Plain data: the frame is drawn from it by a pure function (top/frame.ts).
 */
export interface TopSnapshot {
  at: Date;
  /** The tracker's status query; `unavailable` says why there is none (not running, Temporal down). */
  tracker: { status: TrackerStatus } | { unavailable: string };
  /** The cycle running now (cycles status 'running'), with its progress so far; null when none. */
  running: RunningCycle | null;
  /** The basis of every price of the frame (latest scrapes' lowest, movers). */
  basis: PriceBasis;
  latestScrapes: LatestScrape[];
  /** Lowest prices (whole event, on `basis`) whose latest scrape moved most against the scrape before it. */
  movers: PriceMove[];
  errorRate: ErrorRate;
}

export interface RunningCycle {
  /** The cycle id (cycles.cycle_id): `<workflow id>/<start instant>`. */
  id: string;
  startedAt: Date;
  /** Events with at least one stored scrape or failed attempt in this cycle. */
  eventsDone: number;
  /** Events tracked and not past now (what the tracker's cycle lists as due). */
  eventsDue: number;
  /** Per marketplace: scrapes stored, and event/marketplace pairs with a failed attempt and no scrape (failed or retrying). */
  marketplaces: { marketplace: string; ok: number; failed: number }[];
}

export interface LatestScrape {
  capturedAt: Date;
  eventId: number;
  event: string;
  marketplace: string;
  listings: number;
  lowest: number | null;
  health: string;
}

export interface PriceMove {
  eventId: number;
  event: string;
  marketplace: string;
  previous: number;
  latest: number;
  capturedAt: Date;
  /** (latest - previous) / previous, in percent, rounded to 0.01. */
  changePercent: number;
}

export interface ErrorRate {
  windowMinutes: number;
  /** Failed attempts (scrape_errors) and stored scrapes in the window. */
  failed: number;
  stored: number;
  /** failed / (failed + stored) in percent, rounded to 0.1; null when nothing ran. */
  percent: number | null;
}

export interface TopOptions {
  /** Rows of latest scrapes and of movers. */
  rows: number;
  /** Window of the error rate and of the price moves' latest scrapes, in minutes. */
  errorWindowMinutes: number;
  moveWindowHours: number;
  /** PAST_EVENT_GRACE_HOURS, for the due count. */
  graceHours: number;
  /** The basis of the prices shown; all-in when not given. */
  basis?: PriceBasis;
}

const RUNNING = `SELECT cycle_id, started_at FROM cycles WHERE status = 'running' ORDER BY started_at DESC LIMIT 1`;

/** Progress of a cycle from its rows: its scrapes' keys start with `<cycle id>/` (scrapeIdFor). */
const PROGRESS = `
  WITH stored AS (
    SELECT DISTINCT event_id, marketplace FROM scrapes
     WHERE persisted_at >= $2 AND left(scrape_key, length($1::text) + 1) = $1::text || '/'
  ), failed AS (
    SELECT DISTINCT e.event_id, e.marketplace FROM scrape_errors e
     WHERE e.cycle_id = $1::text AND e.event_id IS NOT NULL AND e.marketplace IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM stored s WHERE s.event_id = e.event_id AND s.marketplace = e.marketplace)
  )
  SELECT marketplace, count(*) FILTER (WHERE ok)::int AS ok, count(*) FILTER (WHERE NOT ok)::int AS failed,
         array_agg(DISTINCT event_id) AS events
    FROM (SELECT event_id, marketplace, true AS ok FROM stored UNION ALL SELECT event_id, marketplace, false FROM failed) x
   GROUP BY marketplace ORDER BY marketplace`;

/** The latest scrapes with their lowest price on a basis (scrapes.lowest_price or all_in_lowest_price, by basisColumnPrefix). */
const latestSql = (basis: PriceBasis): string => {
  const p = basisColumnPrefix(basis);
  return `SELECT s.captured_at, s.event_id, e.name, s.marketplace, s.listings_stored, s.${p}lowest_price AS lowest_price, s.health
  FROM scrapes s JOIN events e ON e.id = s.event_id ORDER BY s.captured_at DESC, s.id DESC LIMIT $1`;
};

/** The biggest moves of the lowest price on a basis, each marketplace's latest scrape against the one before it with a price on that basis. */
const moversSql = (basis: PriceBasis): string => {
  const col = `${basisColumnPrefix(basis)}lowest_price`;
  return `
  WITH latest AS (
    SELECT DISTINCT ON (event_id, marketplace) id, event_id, marketplace, captured_at, ${col} AS lowest_price FROM scrapes
     WHERE captured_at >= $1 AND ${col} IS NOT NULL ORDER BY event_id, marketplace, captured_at DESC, id DESC
  )
  SELECT l.event_id, e.name, l.marketplace, p.lowest_price AS previous, l.lowest_price AS latest, l.captured_at,
         round((l.lowest_price - p.lowest_price) / p.lowest_price * 100, 2) AS change
    FROM latest l
    JOIN events e ON e.id = l.event_id
    CROSS JOIN LATERAL (
      SELECT ${col} AS lowest_price FROM scrapes p WHERE p.event_id = l.event_id AND p.marketplace = l.marketplace
         AND p.${col} IS NOT NULL AND (p.captured_at, p.id) < (l.captured_at, l.id)
       ORDER BY p.captured_at DESC, p.id DESC LIMIT 1
    ) p
   WHERE p.lowest_price > 0 AND p.lowest_price <> l.lowest_price
   ORDER BY abs(l.lowest_price - p.lowest_price) / p.lowest_price DESC, l.event_id, l.marketplace LIMIT $2`;
};

const ERRORS = `SELECT (SELECT count(*)::int FROM scrape_errors WHERE occurred_at >= $1) AS failed,
  (SELECT count(*)::int FROM scrapes WHERE captured_at >= $1) AS stored`;

/**
 * Reads one frame's data. `status` asks the tracker (statusQuery) and resolves to why it cannot
 * when it cannot; the database parts are plain SELECTs (about 5 ms on the query bench's data).
 */
export async function readTopSnapshot(
  db: Db,
  status: () => Promise<TopSnapshot['tracker']>,
  now: Date,
  opts: TopOptions,
): Promise<TopSnapshot> {
  const basis = opts.basis ?? DEFAULT_PRICE_BASIS;
  const [tracker, running, latest, movers, errors] = await Promise.all([
    status(),
    readRunning(db, now, opts.graceHours),
    db.query<{
      captured_at: Date;
      event_id: string;
      name: string;
      marketplace: string;
      listings_stored: number;
      lowest_price: string | null;
      health: string;
    }>(latestSql(basis), [opts.rows]),
    db.query<{
      event_id: string;
      name: string;
      marketplace: string;
      previous: string;
      latest: string;
      captured_at: Date;
      change: string;
    }>(moversSql(basis), [new Date(now.getTime() - opts.moveWindowHours * 3_600_000), opts.rows]),
    db.query<{ failed: number; stored: number }>(ERRORS, [new Date(now.getTime() - opts.errorWindowMinutes * 60_000)]),
  ]);
  const e = errors.rows[0] ?? { failed: 0, stored: 0 };
  const attempts = e.failed + e.stored;
  return {
    at: now,
    tracker,
    running,
    basis,
    latestScrapes: latest.rows.map((r) => ({
      capturedAt: r.captured_at,
      eventId: Number(r.event_id),
      event: r.name,
      marketplace: r.marketplace,
      listings: r.listings_stored,
      lowest: num(r.lowest_price),
      health: r.health,
    })),
    movers: movers.rows.map((r) => ({
      eventId: Number(r.event_id),
      event: r.name,
      marketplace: r.marketplace,
      previous: Number(r.previous),
      latest: Number(r.latest),
      capturedAt: r.captured_at,
      changePercent: Number(r.change),
    })),
    errorRate: {
      windowMinutes: opts.errorWindowMinutes,
      failed: e.failed,
      stored: e.stored,
      percent: attempts === 0 ? null : Math.round((e.failed / attempts) * 1000) / 10,
    },
  };
}

async function readRunning(db: Db, now: Date, graceHours: number): Promise<RunningCycle | null> {
  const running = await db.query<{ cycle_id: string; started_at: Date }>(RUNNING);
  const r = running.rows[0];
  if (!r) return null;
  const due = await listScrapableEvents(db, now, graceHours);
  return readCycleProgress(db, { id: r.cycle_id, startedAt: r.started_at }, due.length);
}

/**
 * Progress of one cycle from its database rows (its scrapes and failed attempts), for `top` and
 * the progress line of a one-off `scrape`. `eventsDue` is the caller's: the cycle's own list is
 * in its workflow, not in the database.
 */
export async function readCycleProgress(db: Db, cycle: { id: string; startedAt: Date }, eventsDue: number): Promise<RunningCycle> {
  const progress = await db.query<{ marketplace: string; ok: number; failed: number; events: string[] }>(PROGRESS, [
    cycle.id,
    cycle.startedAt,
  ]);
  const events = new Set(progress.rows.flatMap((p) => p.events.map(Number)));
  return {
    id: cycle.id,
    startedAt: cycle.startedAt,
    eventsDone: events.size,
    eventsDue,
    marketplaces: progress.rows.map((p) => ({ marketplace: p.marketplace, ok: p.ok, failed: p.failed })),
  };
}

/** The cycle a workflow started (its cycle id, cycles.cycle_id, is `<workflow id>/<start instant>`), once it is recorded. */
export async function findCycleOf(db: Db, workflowId: string): Promise<{ id: string; startedAt: Date } | null> {
  const res = await db.query<{ cycle_id: string; started_at: Date }>(
    `SELECT cycle_id, started_at FROM cycles WHERE left(cycle_id, length($1::text) + 1) = $1::text || '/' ORDER BY started_at DESC LIMIT 1`,
    [workflowId],
  );
  const r = res.rows[0];
  return r ? { id: r.cycle_id, startedAt: r.started_at } : null;
}

/** "12 of 40 events done · stubhub 10 ok 1 failed · ...": one line of a cycle's progress. */
export function progressLine(p: RunningCycle): string {
  const per = p.marketplaces.map((m) => `${m.marketplace} ${m.ok} ok ${m.failed} failed`).join(' · ');
  return `${p.eventsDone} of ${p.eventsDue} events done${per ? ` · ${per}` : ''}`;
}
