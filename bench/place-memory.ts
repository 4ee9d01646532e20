/**
 * Child of `npm run bench -- sync`: what the place look-up adds to a process's memory. Loads the
 * modules first (as a worker has), measures, then looks up every distinct place of the catalog
 * file given (as a sync without a zone column does) and measures again, each after a full GC.
 * Prints one JSON line: rss and heap used before and after, in MB, and the look-up time.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { lookUpPlace } from '../src/catalog/places';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const mb = (n: number): number => Math.round((n / 1e6) * 10) / 10;
const measure = (): { rss: number; heap: number } => {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
};
const records = parse(readFileSync(process.argv[2]!, 'utf8'), { columns: true }) as Record<string, string>[];
const before = measure();
const started = process.hrtime.bigint();
let placed = 0;
for (const r of records) if ((lookUpPlace({ city: r.City, state: r.State, country: r.Country })?.candidates.length ?? 0) > 0) placed++;
const lookupMs = Number(process.hrtime.bigint() - started) / 1e6;
const after = measure();
console.log(
  JSON.stringify({
    rows: records.length,
    placed,
    lookup_ms: Math.round(lookupMs),
    rss_before_mb: mb(before.rss),
    rss_after_mb: mb(after.rss),
    rss_added_mb: mb(after.rss - before.rss),
    heap_added_mb: mb(after.heap - before.heap),
  }),
);
