import { auth as googleAuth } from '@googleapis/sheets';
import { catalogReader } from '../src/catalog/open-reader';
import { syncEvents } from '../src/catalog/sync';
import { parseEnv } from '../src/config';
import type { CellValue } from '../src/domain/catalog';
import { startPostgresForTests } from '../test/helpers/infra';
import { startSheetsServer } from '../test/catalog/helpers/sheets-server';
import { median, round, type Benchmark } from './harness';
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
      };
    } finally {
      await database.drop().catch(() => undefined);
      await pgServer.stop();
      await server.stop();
    }
  },
};
