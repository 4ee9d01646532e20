import { parseEnv } from '../src/config';
import { median, round, timeRuns, type Benchmark } from './harness';

/** Start-up cost of validating the environment (every command pays it once). */
export const benchmark: Benchmark = {
  name: 'config',
  description: 'parse and validate the full environment with zod',
  async run() {
    const env = { DATABASE_URL: 'postgres://u:p@localhost:5432/db', MARKETPLACES: 'stubhub,seatgeek', SCRAPE_INTERVAL_HOURS: '6' };
    const runs = await timeRuns(200, async () => parseEnv(env), 20);
    return { runs: runs.length, parse_ms_median: round(median(runs), 4) };
  },
};
