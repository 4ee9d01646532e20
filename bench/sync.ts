import { auth as googleAuth } from '@googleapis/sheets';
import { catalogReader } from '../src/catalog/read/open-reader';
import { syncEvents } from '../src/catalog/sync';
import { parseEnv } from '../src/config';
import type { CellValue } from '../src/catalog/parse/cells';
import { startPostgresForTests } from '../test/helpers/infra';
import { startSheetsServer } from '../test/catalog/helpers/sheets-server';
import { median, round, type Benchmark } from './harness';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFileReader } from '../src/catalog/read/file-reader';
import { fromRoot } from '../src/config/paths';
import { createThrowawayDatabase } from '../test/helpers/throwaway-database';

const ROWS = 5000;
const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Phoenix',
  'Europe/London',
  'America/Toronto',
];
const HEADER = [
  'Event Name',
  'Venue',
  'City',
  'State',
  'Country',
  'Event Date (Local)',
  'Time Zone',
  'viagogoID',
  'Vivid Seats ID',
  'SeatGeek ID',
  'Ticketmaster ID',
  'Category',
  'Capacity',
  'is_tracked',
];

/** A 5,000-row events sheet as the Sheets API returns it: serial dates, numeric ids, checkboxes. */
function sheet(version: number): CellValue[][] {
  const rows: CellValue[][] = [HEADER];
  for (let i = 0; i < ROWS; i++) {
    // 10% of the rows change between versions: a new time for the event.
    const minutes = i % 10 === 0 ? version * 15 : 0;
    const serial = 46388 + (i % 700) + (19 * 60 + 30 + minutes) / 1440; // 2027 onwards, 19:30 local
    rows.push([
      `Event ${i} – Tour ${i % 37}`,
      `Venue ${i % 400}`,
      `City ${i % 150}`,
      'NY',
      'US',
      serial,
      ZONES[i % ZONES.length]!,
      150_000_000 + i,
      i % 5 === 0 ? '' : 5_000_000 + i,
      7_000_000 + i,
      `TM${(0x1000_0000 + i).toString(16).toUpperCase()}`,
      i % 3 === 0 ? 'Sports' : 'Concerts',
      1000 + (i % 50_000),
      i % 50 !== 0,
    ]);
  }
  return rows;
}

/**
 * 5,000 rows in the seed README's layout without a time zone column: the placeable venues of
 * test/fixtures/catalog/seed-layout/world-venues.csv (52 cities of 24 countries) over and over,
 * each row its own event.
 */
function noZoneCatalog(): string {
  const lines = readFileSync(fromRoot('test', 'fixtures', 'catalog', 'seed-layout', 'world-venues.csv'), 'utf8')
    .trim()
    .split('\n');
  const header = lines[0]!;
  const venues = lines.slice(1, 53);
  const out = [header];
  for (let i = 0; i < ROWS; i++) {
    const cells = venues[i % venues.length]!;
    // Name,Venue,City,Country,Date,viagogoID,is_tracked: a new name and id per row.
    out.push(cells.replace(/^[^,]+/, `Event ${i}`).replace(/,\d+,TRUE$/, `,${190_000_000 + i},TRUE`));
  }
  return out.join('\n') + '\n';
}

/** `npm run bench -- sync --json`: a 5,000-row sheet synced end to end (googleapis -> local Sheets server -> PostgreSQL). */
export const benchmark: Benchmark = {
  name: 'sync',
  description: `catalog sync of a ${ROWS}-row Google Sheet, end to end against a local Sheets v4 server and PostgreSQL`,
  async run() {
    const token = 'bench-token';
    const server = await startSheetsServer({ spreadsheets: { BENCH: { Events: sheet(0) } }, accessToken: token });
    const pgServer = await startPostgresForTests();
    const database = await createThrowawayDatabase(pgServer.adminUrl, { prefix: 'tt_bench', layout: 'plain', poolMax: 4 });
    const db = database.db;
    try {
      const auth = new googleAuth.OAuth2();
      auth.setCredentials({ access_token: token });
      const env = parseEnv({ GOOGLE_SHEET_ID: 'BENCH', GOOGLE_SHEETS_ROOT_URL: server.rootUrl });
      const source = catalogReader(env, { auth });
      const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> => {
        const t = process.hrtime.bigint();
        const result = await fn();
        return { ms: Number(process.hrtime.bigint() - t) / 1e6, result };
      };

      let noZoneFigures: Record<string, number> = {};
      const cold = await timed(() => syncEvents(db, source)); // first run: cold caches and JIT
      const fresh: number[] = [];
      let report = cold.result;
      for (let i = 0; i < 3; i++) {
        await db.query('TRUNCATE events RESTART IDENTITY CASCADE');
        const r = await timed(() => syncEvents(db, source));
        fresh.push(r.ms);
        report = r.result;
      }
      const unchanged: number[] = [];
      for (let i = 0; i < 3; i++) unchanged.push((await timed(() => syncEvents(db, source))).ms);
      const changed: number[] = [];
      let changedReport = report;
      for (let v = 1; v <= 3; v++) {
        server.setRows('BENCH', 'Events', sheet(v));
        const r = await timed(() => syncEvents(db, source));
        changed.push(r.ms);
        changedReport = r.result;
      }
      const readOnly: number[] = [];
      for (let i = 0; i < 3; i++) readOnly.push((await timed(() => source.read())).ms);

      // The seed README's layout (no time zone column): the zone of each row from its city.
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-bench-sync-'));
      try {
        const file = path.join(dir, 'no-zone.csv');
        writeFileSync(file, noZoneCatalog());
        const noZone = createFileReader({ file });
        await db.query('TRUNCATE events RESTART IDENTITY CASCADE');
        const coldNoZone = await timed(() => syncEvents(db, noZone)); // loads the places on first use
        const noZoneRuns: number[] = [];
        for (let i = 0; i < 3; i++) {
          await db.query('TRUNCATE events RESTART IDENTITY CASCADE');
          noZoneRuns.push((await timed(() => syncEvents(db, noZone))).ms);
        }
        // What the look-up adds to a process (a child, so this one's heap does not blur it).
        const memory = JSON.parse(
          execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fromRoot('bench', 'place-memory.ts'), file], {
            cwd: fromRoot(),
            encoding: 'utf8',
          }).trim(),
        ) as { rss_added_mb: number; heap_added_mb: number; lookup_ms: number };
        noZoneFigures = {
          no_zone_rows: ROWS,
          no_zone_added: coldNoZone.result.added,
          no_zone_invalid: coldNoZone.result.invalid.length,
          no_zone_sync_first_ms: round(coldNoZone.ms),
          no_zone_sync_ms: round(median(noZoneRuns)),
          no_zone_target_ms: 2000,
          place_lookup_rss_added_mb: memory.rss_added_mb,
          place_lookup_heap_added_mb: memory.heap_added_mb,
          place_lookup_memory_target_mb: 50,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return {
        rows: ROWS,
        ms: round(median(fresh)),
        added: report.added,
        untracked: report.untracked,
        first_run_ms: round(cold.ms),
        resync_unchanged_ms: round(median(unchanged)),
        resync_10pct_changed_ms: round(median(changed)),
        updated_per_changed_sync: changedReport.updated,
        read_and_parse_ms: round(median(readOnly)),
        target_ms: 2000,
        ...noZoneFigures,
      };
    } finally {
      await database.drop().catch(() => undefined);
      await pgServer.stop();
      await server.stop();
    }
  },
};
