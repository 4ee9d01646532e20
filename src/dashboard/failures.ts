/**
 * Kinds of failure for the Cycles page. Pure; no I/O. scrape_errors keeps the message of each failed
 * attempt, not its kind, so the kind is read back from the wording the fetch activity and
 * src/marketplaces/errors.ts give their messages; scrapes marked by their health are failures of kind
 * 'format-drift' or 'empty' (src/domain/scrape-health.ts).
 */
export const FAILURE_KINDS = [
  'rate-limited',
  'unavailable',
  'rejected',
  'bad-payload',
  'storage',
  'format-drift',
  'empty',
  'other',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export function failureKindOf(message: string): FailureKind {
  const m = message.toLowerCase();
  if (m.includes('storing the scrape failed')) return 'storage';
  if (m.includes('format drift') || m.includes('format-drift')) return 'format-drift';
  if (m.includes('payload does not match') || m.includes('bad payload') || m.includes('not json')) return 'bad-payload';
  if (/\b429\b|rate.?limit/.test(m)) return 'rate-limited';
  if (/\b5\d\d\b|unavailable|timed? ?out|timeout|econnrefused|econnreset|socket|network/.test(m)) return 'unavailable';
  if (/\b4\d\d\b|rejected|forbidden|unauthori[sz]ed|not found/.test(m)) return 'rejected';
  return 'other';
}

export interface FailureCount {
  marketplace: string;
  kind: FailureKind;
  count: number;
}

/** Counts failures by marketplace and kind, most frequent first. */
export function countFailures(items: readonly { marketplace: string | null; kind: FailureKind }[]): FailureCount[] {
  const counts = new Map<string, FailureCount>();
  for (const it of items) {
    const marketplace = it.marketplace ?? '(none)';
    const key = `${marketplace}\u0000${it.kind}`;
    const c = counts.get(key) ?? { marketplace, kind: it.kind, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  return [...counts.values()].sort(
    (a, b) => b.count - a.count || a.marketplace.localeCompare(b.marketplace) || a.kind.localeCompare(b.kind),
  );
}
