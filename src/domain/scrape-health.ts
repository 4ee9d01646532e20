import { countSkipped, type DeclaredCounts, type SkippedRecord } from './listing';

/**
 * Whether a scrape can be believed: pure rules over what a scrape held, stored and skipped, so
 * that a scrape which lost its listings is never recorded as a plain success.
 *
 * - "format-drift": more than `maxSkippedShare` of the payload's items were skipped, or the
 *   marketplace's own declared listing count differs from what was parsed by more than
 *   `maxDeclaredGap` of the declared count. The marketplace changed its format (a renamed or
 *   re-purposed field); the scrape is a failure with examples.
 * - "empty": 0 listings where the previous scrape of the same event on the same marketplace
 *   stored at least `emptyAfter`. Possibly a sell-out, possibly a silent block: marked, not hidden.
 */
export interface ScrapeHealthSettings {
  /** Share of skipped items above which a scrape is format drift (0.2 = 20 %). */
  maxSkippedShare: number;
  /** Share of the declared listing count by which the parsed count may differ (0.2 = 20 %). */
  maxDeclaredGap: number;
  /** A scrape with 0 listings is marked "empty" when the previous one stored at least this many. */
  emptyAfter: number;
}

/** The settings from the configuration (SCRAPE_DRIFT_MAX_SKIPPED_SHARE, SCRAPE_DRIFT_MAX_DECLARED_GAP, SCRAPE_EMPTY_AFTER_LISTINGS). */
export function scrapeHealthSettings(env: {
  SCRAPE_DRIFT_MAX_SKIPPED_SHARE: number;
  SCRAPE_DRIFT_MAX_DECLARED_GAP: number;
  SCRAPE_EMPTY_AFTER_LISTINGS: number;
}): ScrapeHealthSettings {
  return {
    maxSkippedShare: env.SCRAPE_DRIFT_MAX_SKIPPED_SHARE,
    maxDeclaredGap: env.SCRAPE_DRIFT_MAX_DECLARED_GAP,
    emptyAfter: env.SCRAPE_EMPTY_AFTER_LISTINGS,
  };
}

export const DEFAULT_SCRAPE_HEALTH: ScrapeHealthSettings = { maxSkippedShare: 0.2, maxDeclaredGap: 0.2, emptyAfter: 10 };

export type ScrapeHealthStatus = 'ok' | 'format-drift' | 'empty';

export interface ScrapeHealth {
  status: ScrapeHealthStatus;
  /** Why, in a sentence an operator reads; null when ok. */
  reason: string | null;
  /** The first skipped records (drift), with their paths. */
  examples: SkippedRecord[];
}

export interface ScrapeCounts {
  kind: 'listings' | 'summary';
  /** Listing items in the payload (parsed + skipped by the parser). */
  items: number;
  /** Listings the parser produced (before storage's own checks). */
  parsed: number;
  /** Listings stored. */
  stored: number;
  /** Everything skipped: by the parser and by storage's validation. */
  skipped: readonly SkippedRecord[];
  declared?: DeclaredCounts | undefined;
  /** Fields the real format always carries that the payload lacks; any is format drift. */
  missing?: readonly SkippedRecord[] | undefined;
  /** Listings the previous scrape of this event on this marketplace stored; null when none. */
  previousStored: number | null;
}

const pct = (x: number): string => `${Math.round(x * 1000) / 10} %`;
export const MAX_HEALTH_EXAMPLES = 5;

export function assessScrape(c: ScrapeCounts, s: ScrapeHealthSettings = DEFAULT_SCRAPE_HEALTH): ScrapeHealth {
  // Summaries (SeatGeek, Ticketmaster) follow the same rules over their figures: `items` is the
  // figures or price ranges the payload gave.
  const missing = c.missing ?? [];
  const examples = [...missing, ...c.skipped].slice(0, MAX_HEALTH_EXAMPLES);
  const reasons: string[] = [];
  if (missing.length > 0) reasons.push(`missing ${missing.map((m) => m.path).join(', ')} (${missing[0]!.reason})`);
  const skipped = c.skipped.length;
  if (c.items > 0 && skipped / c.items > s.maxSkippedShare) {
    const kinds = countSkipped(c.skipped);
    const top =
      kinds
        .slice(0, 3)
        .map((k) => `${k.count} × ${k.kind}`)
        .join('; ') + (kinds.length > 3 ? `; and ${kinds.length - 3} more kind${kinds.length > 4 ? 's' : ''}` : '');
    reasons.push(`${skipped} of ${c.items} items skipped (${pct(skipped / c.items)}, over ${pct(s.maxSkippedShare)}): ${top}`);
  }
  const declared = c.declared?.listings;
  if (declared !== null && declared !== undefined && declared > 0) {
    const gap = Math.abs(declared - c.parsed) / declared;
    if (gap > s.maxDeclaredGap)
      reasons.push(`the marketplace declares ${declared} listings, ${c.parsed} parsed (${pct(gap)} apart, over ${pct(s.maxDeclaredGap)})`);
  }
  if (reasons.length > 0) return { status: 'format-drift', reason: `format drift: ${reasons.join('; ')}`, examples };
  if (c.kind === 'listings' && c.stored === 0 && c.previousStored !== null && c.previousStored >= s.emptyAfter) {
    return { status: 'empty', reason: `0 listings where the previous scrape stored ${c.previousStored}`, examples: [] };
  }
  return { status: 'ok', reason: null, examples: [] };
}
