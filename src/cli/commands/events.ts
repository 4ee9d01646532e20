import type { Command } from 'commander';
import { z } from 'zod';
import { catalogReader } from '../../catalog/read/open-reader';
import { cleanupUntracked, type CleanupReport } from '../../catalog/cleanup';
import type { CatalogEvent } from '../../catalog/lifecycle';
import { listEventsByStatus, withEventStatus, type EventStatusFields } from '../../db/event-status';
import { CatalogReadError } from '../../catalog/read/reader';
import { syncEvents, syncProgressLine, type SyncReport } from '../../catalog/sync';
import { createProgress } from '../progress';
import { formatLocalDate, formatWallTime } from '../../domain/local-time';
import type { CliContext } from '../context';
import { printObject, printRows, UsageError } from '../output';
import { parseOptions } from '../parse';
import { writeOut } from '../io';

const syncOptions = z.object({
  file: z.string().min(1, 'needs a path').optional(),
  json: z.boolean().optional(),
  progress: z.boolean().optional(),
});
const listOptions = z.object({ all: z.boolean().optional(), json: z.boolean().optional() });
const cleanupOptions = z.object({
  apply: z.boolean().optional(),
  delete: z.boolean().optional(),
  yes: z.boolean().optional(),
  json: z.boolean().optional(),
});

/** `events sync | list | cleanup-untracked`: the event catalog. */
export function registerEventsCommands(program: Command, ctx: CliContext): void {
  const events = program.command('events').description('the event catalog (Google Sheet or events file) and its tracking state');

  events
    .command('sync')
    .description('read the catalog (the Google Sheet when GOOGLE_SHEET_ID is set, else EVENTS_FILE) into the database')
    .option('--file <path>', 'read this CSV or JSON file instead of the configured catalog')
    .option('--json', 'print JSON')
    .option('--progress', 'show progress on stderr even when it is not a terminal (it is shown on a terminal unless --json)')
    .action(async (raw: unknown) => {
      const opts = parseOptions(syncOptions, raw);
      const env = ctx.getEnv();
      const reader = catalogReader(env, { file: opts.file });
      // A catalog that cannot be read throws before the database is touched: exit 2 when the
      // file or sheet itself is wrong, 1 when the service failed.
      let report: SyncReport;
      try {
        const progress = createProgress(opts);
        try {
          report = await syncEvents(await ctx.getDb(), reader, { onProgress: (p) => progress.update(syncProgressLine(p)) });
        } finally {
          progress.done();
        }
      } catch (err) {
        if (err instanceof CatalogReadError && err.kind === 'input') throw new UsageError(err.message);
        throw err;
      }
      printSyncReport(report, opts.json);
    });

  events
    .command('list')
    .description('events with their marketplaces, tracked state and last scrape (tracked and upcoming unless --all)')
    .option('--all', 'every event: untracked, past and removed from the catalog too')
    .option('--json', 'print JSON')
    .action(async (raw: unknown) => {
      const opts = parseOptions(listOptions, raw);
      const env = ctx.getEnv();
      const db = await ctx.getDb();
      const rows = await withEventStatus(
        db,
        await listEventsByStatus(db, { all: opts.all, now: new Date(), graceHours: env.PAST_EVENT_GRACE_HOURS }),
      );
      printRows(rows, EVENT_COLUMNS, { json: opts.json });
    });

  events
    .command('cleanup-untracked')
    .description(
      'events the catalog no longer tracks: a dry run by default; --apply marks them untracked (keeps data); --delete --yes deletes them with their data',
    )
    .option('--apply', 'mark them untracked; their data is kept')
    .option('--delete', 'delete them and all their data (needs --yes)')
    .option('--yes', 'confirm --delete')
    .option('--json', 'print JSON')
    .action(async (raw: unknown) => {
      const opts = parseOptions(cleanupOptions, raw);
      if (opts.apply && opts.delete) throw new UsageError('--apply and --delete: choose one');
      if (opts.delete && !opts.yes)
        throw new UsageError('--delete deletes events with all their data: add --yes to confirm (run without flags first to see which)');
      if (opts.yes && !opts.delete) throw new UsageError('--yes only confirms --delete');
      const mode = opts.delete ? 'delete' : opts.apply ? 'apply' : 'dry-run';
      const report = await cleanupUntracked(await ctx.getDb(), mode);
      printCleanupReport(report, opts.json);
    });
}

function printSyncReport(report: SyncReport, json: boolean | undefined): void {
  if (json) return printObject(report as unknown as Record<string, unknown>, { json });
  printObject(
    {
      source: report.origin,
      rows: report.rows,
      added: report.added,
      updated: report.updated,
      unchanged: report.unchanged,
      untracked: report.untracked,
      invalid: report.invalid.length,
      duplicates: report.duplicates.length,
      ...(report.blank > 0 ? { 'blank rows': report.blank } : {}),
      ...(report.ignoredColumns.length > 0 ? { 'ignored columns': report.ignoredColumns.join(', ') } : {}),
      ...(report.missingFromCatalog > 0
        ? { 'missing from catalog': `${report.missingFromCatalog} tracked event(s): see \`events cleanup-untracked\`` }
        : {}),
      ...(report.removalCheckSkipped
        ? { 'removal check': 'skipped: some rows could not be told apart (unreadable ids), so no event was flagged as missing' }
        : {}),
      ...(report.dateOrder
        ? {
            'date order': `${report.dateOrder.order === 'dmy' ? 'day-first (DD/MM/YYYY)' : report.dateOrder.order === 'mdy' ? 'month-first (MM/DD/YYYY)' : report.dateOrder.order}: ${report.dateOrder.basis}`,
          }
        : {}),
      ...(report.notes.length > 0 ? { read: report.notes.join('; ') } : {}),
      ...(report.cells.some((c) => c.kind === 'zone')
        ? {
            'zones not written': `${report.cells.filter((c) => c.kind === 'zone').length} row(s) placed by city, state or country, or read in DEFAULT_EVENT_TIMEZONE (each below)`,
          }
        : {}),
      ...(report.cells.some((c) => c.kind !== 'zone')
        ? {
            cells: `${report.cells.filter((c) => c.kind === 'unreadable' || c.kind === 'invalid').length} not used as written, ${report.cells.filter((c) => c.kind === 'check').length} to check, ${report.cells.filter((c) => c.kind === 'link').length} id(s) read from links, ${report.cells.filter((c) => c.kind === 'normalized').length} id(s) written as numbers with a fraction`,
          }
        : {}),
    },
    {},
  );
  if (report.cells.length > 0) {
    writeOut('\n');
    printRows(
      report.cells,
      [
        { header: 'row', value: (c) => c.row, align: 'right' },
        { header: 'column', value: (c) => c.column },
        { header: 'cell', value: (c) => (c.kind === 'link' ? 'link' : c.kind) },
        { header: 'what happened', value: (c) => c.message },
      ],
      {},
    );
  }
  const problems = [
    ...report.invalid.map((i) => ({ row: i.row, problem: 'invalid', reason: i.reason })),
    ...report.duplicates.map((d) => ({ row: d.row, problem: 'duplicate', reason: d.reason })),
  ].sort((a, b) => a.row - b.row);
  if (problems.length > 0) {
    writeOut('\n');
    printRows(
      problems,
      [
        { header: 'row', value: (p) => p.row, align: 'right' },
        { header: 'skipped', value: (p) => p.problem },
        { header: 'reason', value: (p) => p.reason },
      ],
      {},
    );
  }
}

/** The start in the venue's zone; "TBA" parts as the catalog has them. */
function localStart(e: CatalogEvent): string {
  if (e.startPrecision === 'tba' || !e.startsAt) return 'TBA';
  const zone = e.timezone ?? 'UTC';
  const when =
    e.startPrecision === 'date' ? `${formatLocalDate(new Date(e.startsAt), zone)} (time TBA)` : formatWallTime(new Date(e.startsAt), zone);
  return `${when} ${zone}`;
}

function latest(values: (string | null)[]): Date | null {
  const times = values.filter((v): v is string => v !== null).map((v) => new Date(v).getTime());
  return times.length > 0 ? new Date(times.reduce((a, b) => Math.max(a, b))) : null;
}

type ListedEvent = CatalogEvent & EventStatusFields;

const EVENT_COLUMNS = [
  { header: 'id', value: (e: ListedEvent) => e.id, align: 'right' as const },
  { header: 'event', value: (e: ListedEvent) => e.name },
  { header: 'venue', value: (e: ListedEvent) => [e.venue, e.city].filter(Boolean).join(', ') },
  {
    header: 'starts (local)',
    // A marketplace's new start for a rescheduled event; the catalog's start otherwise.
    value: (e: ListedEvent) =>
      e.eventStatus?.rescheduledStartsAt
        ? localStart({ ...e, startsAt: e.eventStatus.rescheduledStartsAt, startPrecision: 'time' })
        : localStart(e),
  },
  // As a marketplace stated it (Ticketmaster); a cancelled event says why it is no longer scraped.
  {
    header: 'status',
    value: (e: ListedEvent) => e.stoppedReason ?? (e.eventStatus ? `${e.eventStatus.status} (${e.eventStatus.marketplace})` : ''),
  },
  {
    header: 'tracked',
    value: (e: CatalogEvent) => (e.tracked ? (e.inCatalog ? 'yes' : 'yes (not in catalog)') : e.inCatalog ? 'no' : 'no (not in catalog)'),
  },
  { header: 'marketplaces', value: (e: CatalogEvent) => e.marketplaceIds.map((s) => `${s.marketplace}:${s.marketplaceEventId}`).join(' ') },
  { header: 'last scrape', value: (e: CatalogEvent) => latest(e.marketplaceIds.map((s) => s.lastScrapedAt)) },
  { header: 'last success', value: (e: CatalogEvent) => latest(e.marketplaceIds.map((s) => s.lastSuccessAt)) },
];

function printCleanupReport(report: CleanupReport, json: boolean | undefined): void {
  if (json) return printObject(report as unknown as Record<string, unknown>, { json });
  printRows(
    report.events,
    [
      { header: 'id', value: (e) => e.id, align: 'right' },
      { header: 'event', value: (e) => e.name },
      { header: 'starts', value: (e) => (e.startsAt ? new Date(e.startsAt) : null) },
      { header: 'why', value: (e) => e.reason },
      { header: report.mode === 'dry-run' ? '--apply would' : 'done', value: (e) => e.action },
    ],
    {},
  );
  const lines: string[] = [];
  if (report.mode === 'dry-run') {
    lines.push(
      `dry run, nothing changed: --apply would mark ${report.toMark} event(s) untracked (data kept); --delete --yes would delete ${report.toDelete} event(s) with their data`,
    );
  } else if (report.mode === 'apply') {
    lines.push(`marked ${report.toMark} event(s) untracked; their data is kept`);
  } else {
    const rows = Object.entries(report.deletedRows ?? {})
      .filter(([, n]) => n > 0)
      .map(([t, n]) => `${n} ${t}`);
    lines.push(`deleted ${report.toDelete} event(s)${rows.length > 0 ? `: ${rows.join(', ')}` : ''}`);
  }
  writeOut('\n' + lines.join('\n') + '\n');
}
