import { Option, type Command } from 'commander';
import { isLiveStatus, stoppedReason, type EventStatusState } from '../../domain/event-status';
import { eventStatusStates } from '../../db/event-status';
import { z } from 'zod';
import { availability } from '../../db/analytics/availability';
import { EVENT_FORMS_HELP, EventRefError, resolveEventRef, type ResolvedEvent } from '../../catalog/event-ref';
import { history } from '../../db/analytics/history';
import { latestListings, latestPrices } from '../../db/analytics/latest';
import { daysAgo } from '../../db/analytics/query';
import { sections } from '../../db/analytics/sections';
import { trend } from '../../db/analytics/trend';
import { unknownZone } from '../../db/analytics/zones';
import type { Db } from '../../db/pool';
import { listScrapeErrors } from '../../db/cycles';
import { addCyclesCommand } from './cycles';
import { formatLocalDate, formatWallTime } from '../../domain/local-time';
import { parseBucket } from '../../domain/buckets';
import type { MarketplaceName } from '../../domain/listing';
import {
  basisOption,
  bucketOption,
  daysOption,
  limitOption,
  marketplaceOption,
  MAX_SEATS_TOGETHER,
  quantityOption,
  seatsOption,
  zoneOption,
} from '../../domain/query-options';
import { cheapestSeatsOfEvent } from '../../db/analytics/together';
import { basisLabel, type PriceBasis } from '../../domain/price-basis';
import type { CliContext } from '../context';
import { printObject, printRows, UsageError } from '../output';
import { parseOptions } from '../parse';
import { writeOut } from '../io';

/**
 * Read commands of analysts and operators: listings, history, sections, trend, availability,
 * prices, cycles, errors. Tables by default, JSON with --json. EVENT takes every form of
 * src/catalog/event-ref.ts; the event it resolved to is printed above the table.
 */
const days = daysOption;
const limit = (def: number) => limitOption(def, 100_000);
const marketplace = marketplaceOption;
const zone = zoneOption;
const json = z.boolean().optional();
const bucket = bucketOption;
const quantity = quantityOption;
const basis = basisOption;

/** `--basis all-in|base`: the price basis of every figure shown (all-in: with every mandatory fee). */
export const basisFlag = (): Option =>
  new Option('--basis <basis>', 'price basis: all-in (what the buyer pays, every mandatory fee included) or base (before fees)').default(
    'all-in',
  );

/** A price header naming its basis: "lowest all-in", "lowest before fees". */
const priced = (header: string, b: PriceBasis): string => `${header} ${basisLabel(b)}`;

/** `--marketplace M`: only this marketplace's rows. Read back with marketplaceOf. */
const marketplaceFlag = (): Option => new Option('--marketplace <marketplace>', 'only this marketplace');
/** `--source M`, the option's name before the glossary's: still accepted (scripts pass it), not shown. */
const sourceFlag = (): Option => new Option('--source <marketplace>', 'the same as --marketplace').hideHelp().conflicts('marketplace');

/** The --marketplace option, or its older name --source, validated (both in the schema). */
const marketplaceOptions = { marketplace, source: marketplace };
const marketplaceOf = (o: {
  marketplace?: MarketplaceName | undefined;
  source?: MarketplaceName | undefined;
}): MarketplaceName | undefined => o.marketplace ?? o.source;

/** A usage error (exit 2) for a --zone the event has no figures in, listing its zones; nothing when rows were found. */
async function checkZone(db: Db, eventId: number, zone: string | undefined, rowsFound: number): Promise<void> {
  const zones = await unknownZone(db, eventId, zone, rowsFound);
  if (zones) throw new UsageError(`--zone: the event has no zone "${zone}" (zones: ${zones.join(', ')})`);
}

/**
 * Resolves EVENT and, above a table (not in --json output), says which event it resolved to, so
 * a marketplace id shared by two catalogs or a mistyped id never shows another event's figures
 * unnoticed.
 */
async function eventOf(db: Db, ref: string, opts: { json?: boolean | undefined }): Promise<ResolvedEvent> {
  let event: ResolvedEvent;
  try {
    event = await resolveEventRef(db, ref);
  } catch (err) {
    if (err instanceof EventRefError) throw new UsageError(`EVENT: ${err.message}`);
    throw err;
  }
  if (!opts.json) {
    const state = (await eventStatusStates(db, [event.id])).get(event.id) ?? null;
    writeOut(`${describeEvent(event)}${statusNote(state, event.timezone ?? 'UTC')}\n\n`);
  }
  return event;
}

/** "; cancelled (ticketmaster, ...): no longer scraped", "; rescheduled (ticketmaster): new start ..." or "" (src/db/event-status.ts). */
function statusNote(state: EventStatusState | null, zone: string): string {
  if (state === null || state.status === 'onsale') return '';
  const stopped = stoppedReason(state);
  if (stopped) return `; ${stopped}`;
  if (state.rescheduledStartsAt)
    return `; rescheduled (${state.marketplace}): new start ${formatWallTime(new Date(state.rescheduledStartsAt), zone)} ${zone}`;
  return `; ${state.status} (${state.marketplace})${isLiveStatus(state.status) ? '' : ': prices not live'}`;
}

/** 'event #12 "Name", 2027-03-14 19:30 America/New_York (by stubhub:150337015)' */
export function describeEvent(e: ResolvedEvent): string {
  const zone = e.timezone ?? 'UTC';
  const start =
    e.startPrecision === 'tba' || !e.startsAt
      ? 'start TBA'
      : e.startPrecision === 'date'
        ? `${formatLocalDate(new Date(e.startsAt), zone)} (time TBA) ${zone}`
        : `${formatWallTime(new Date(e.startsAt), zone)} ${zone}`;
  return `event #${e.id} "${e.name}", ${start} (by ${e.via})`;
}

export function registerAnalyticsCommands(program: Command, ctx: CliContext): void {
  program
    .command('listings')
    .description("the listings of each marketplace's latest scrape of EVENT, cheapest first")
    .argument('<event>', EVENT_FORMS_HELP)
    .addOption(marketplaceFlag())
    .addOption(sourceFlag())
    .option('--limit <n>', 'at most this many listings', '50')
    .addOption(basisFlag())
    .option('--json', 'print JSON')
    .action(async (ref: string, raw: unknown) => {
      const o = parseOptions(z.object({ ...marketplaceOptions, limit: limit(50), basis, json }), raw);
      const db = await ctx.getDb();
      const event = await eventOf(db, ref, o);
      const rows = await latestListings(db, event.id, o.limit, marketplaceOf(o), o.basis);
      printRows(
        rows,
        [
          { header: 'marketplace', value: (r) => r.source },
          { header: 'zone', value: (r) => r.zone },
          { header: 'section', value: (r) => r.section },
          { header: 'row', value: (r) => r.row },
          { header: 'qty', value: (r) => r.quantity },
          { header: 'splits', value: (r) => (r.splits.length ? r.splits.join(',') : 'any') },
          // All-in first (16 CFR 464: the total price shown first), then before fees; never the seller's net.
          { header: 'all-in', value: (r) => r.allInPrice },
          { header: 'before fees', value: (r) => r.basePrice },
          { header: 'cur', value: (r) => r.currency },
          { header: 'listing', value: (r) => r.listingId },
          { header: 'captured', value: (r) => r.capturedAt },
        ],
        o,
      );
    });

  program
    .command('history')
    .description('prices of EVENT over time per bucket and marketplace (from rollups when the bucket allows)')
    .argument('<event>', EVENT_FORMS_HELP)
    .option('--days <n>', 'how far back', '30')
    .option('--bucket <interval>', 'bucket width, "5 minutes" to "1 week"', '1 day')
    .option('--zone <zone>', 'one zone (default: the whole event)')
    .addOption(marketplaceFlag())
    .addOption(sourceFlag())
    .option('--quantity <n>', '1: per-ticket prices; 2 or 4: lowest total for that many tickets together', '1')
    .addOption(basisFlag())
    .option('--json', 'print JSON')
    .action(async (ref: string, raw: unknown) => {
      const o = parseOptions(z.object({ days: days(30), bucket, zone, ...marketplaceOptions, quantity, basis, json }), raw);
      const db = await ctx.getDb();
      const event = await eventOf(db, ref, o);
      const now = new Date();
      const rows = await history(db, {
        eventId: event.id,
        from: daysAgo(now, o.days),
        to: now,
        bucket: o.bucket,
        zone: o.zone,
        source: marketplaceOf(o),
        quantity: o.quantity,
        basis: o.basis,
      });
      await checkZone(db, event.id, o.zone, rows.length);
      printRows(
        rows,
        [
          { header: 'bucket', value: (r) => r.bucket },
          { header: 'marketplace', value: (r) => r.source },
          { header: 'zone', value: (r) => r.zone },
          { header: 'qty', value: (r) => r.quantity },
          { header: priced('lowest', o.basis), value: (r) => r.lowest },
          { header: priced('average', o.basis), value: (r) => r.average },
          { header: priced('highest', o.basis), value: (r) => r.highest },
          { header: 'tickets avg', value: (r) => r.ticketsAverage },
          { header: 'tickets peak', value: (r) => r.ticketsPeak },
          { header: 'listings avg', value: (r) => r.listingsAverage },
          { header: 'samples', value: (r) => r.samples },
          { header: 'from', value: (r) => r.resolution },
        ],
        o,
      );
    });

  program
    .command('sections')
    .description('per section of EVENT: lowest, latest, average and highest prices over the period')
    .argument('<event>', EVENT_FORMS_HELP)
    .option('--days <n>', 'how far back', '7')
    .addOption(basisFlag())
    .option('--json', 'print JSON')
    .action(async (ref: string, raw: unknown) => {
      const o = parseOptions(z.object({ days: days(7), basis, json }), raw);
      const db = await ctx.getDb();
      const event = await eventOf(db, ref, o);
      const now = new Date();
      const rows = await sections(db, { eventId: event.id, from: daysAgo(now, o.days), to: now, basis: o.basis });
      printRows(
        rows,
        [
          { header: 'zone', value: (r) => r.zone },
          { header: 'section', value: (r) => r.section },
          { header: 'marketplace', value: (r) => r.source },
          { header: priced('lowest', o.basis), value: (r) => r.lowest },
          { header: priced('latest', o.basis), value: (r) => r.latestLowest },
          { header: priced('average', o.basis), value: (r) => r.average },
          { header: priced('highest', o.basis), value: (r) => r.highest },
          { header: priced('for 2', o.basis), value: (r) => r.lowest2 },
          { header: priced('for 4', o.basis), value: (r) => r.lowest4 },
          { header: 'tickets', value: (r) => r.latestTickets },
          { header: 'samples', value: (r) => r.samples },
          { header: 'last seen', value: (r) => r.lastSeen },
        ],
        o,
      );
    });

  program
    .command('trend')
    .description('lowest price of the first and the last scrape of EVENT in the period per marketplace, change and direction')
    .argument('<event>', EVENT_FORMS_HELP)
    .option('--zone <zone>', 'one zone (default: the whole event)')
    .option('--granularity <g>', 'hourly or daily', 'daily')
    .option('--days <n>', 'how far back (default 2 hourly, 30 daily)')
    .addOption(marketplaceFlag())
    .addOption(sourceFlag())
    .option('--quantity <n>', '1, 2 or 4 tickets together', '1')
    .addOption(basisFlag())
    .option('--json', 'print JSON')
    .action(async (ref: string, raw: unknown) => {
      const o = parseOptions(
        z.object({
          zone,
          granularity: z.enum(['hourly', 'daily'], { error: 'must be hourly or daily' }),
          days: z.coerce.number({ error: 'must be a number' }).positive('must be positive').max(3660).optional(),
          ...marketplaceOptions,
          quantity,
          basis,
          json,
        }),
        raw,
      );
      const db = await ctx.getDb();
      const event = await eventOf(db, ref, o);
      const now = new Date();
      const span = o.days ?? (o.granularity === 'hourly' ? 2 : 30);
      const r = await trend(db, {
        eventId: event.id,
        from: daysAgo(now, span),
        to: now,
        granularity: o.granularity,
        zone: o.zone,
        source: marketplaceOf(o),
        quantity: o.quantity,
        basis: o.basis,
      });
      await checkZone(db, event.id, o.zone, r.series.length);
      if (o.json) return printObject({ event: event.id, ...r } as unknown as Record<string, unknown>, o);
      printRows(
        r.lines,
        [
          { header: 'marketplace', value: (l) => l.source },
          { header: 'zone', value: () => r.zone },
          { header: 'first at', value: (l) => l.firstAt },
          { header: priced('first', o.basis), value: (l) => l.first },
          { header: 'last at', value: (l) => l.lastAt },
          { header: priced('last', o.basis), value: (l) => l.last },
          { header: 'change', value: (l) => l.change },
          { header: '%', value: (l) => l.percentChange },
          { header: 'direction', value: (l) => l.direction },
          { header: 'points', value: (l) => l.points },
          { header: 'of', value: (l) => (l.measuredOn === 'observations' ? 'first and last scrape' : 'lowest of first and last bucket') },
        ],
        o,
      );
    });

  program
    .command('availability')
    .description('tickets and listings on offer for EVENT over time, and the share of capacity when known')
    .argument('<event>', EVENT_FORMS_HELP)
    .option('--days <n>', 'how far back', '7')
    .option('--bucket <interval>', 'bucket width (default: 1 hour up to 3 days, else 1 day)')
    .option('--zone <zone>', 'one zone (default: the whole event)')
    .addOption(marketplaceFlag())
    .addOption(sourceFlag())
    .option('--json', 'print JSON')
    .action(async (ref: string, raw: unknown) => {
      const o = parseOptions(z.object({ days: days(7), bucket: bucket.optional(), zone, ...marketplaceOptions, json }), raw);
      const db = await ctx.getDb();
      const event = await eventOf(db, ref, o);
      const now = new Date();
      const rows = await availability(db, {
        eventId: event.id,
        from: daysAgo(now, o.days),
        to: now,
        bucket: o.bucket ?? parseBucket(o.days <= 3 ? '1 hour' : '1 day'),
        capacity: event.capacity,
        zone: o.zone,
        source: marketplaceOf(o),
      });
      await checkZone(db, event.id, o.zone, rows.length);
      printRows(
        rows,
        [
          { header: 'bucket', value: (r) => r.bucket },
          { header: 'marketplace', value: (r) => r.source },
          { header: 'tickets avg', value: (r) => r.ticketsAverage },
          { header: 'tickets peak', value: (r) => r.ticketsPeak },
          { header: 'listings avg', value: (r) => r.listingsAverage },
          { header: 'listings peak', value: (r) => r.listingsPeak },
          { header: '% of capacity', value: (r) => r.shareOfCapacityPct },
        ],
        o,
      );
    });

  program
    .command('together')
    .description(
      "the cheapest way to buy N seats together for EVENT, across every marketplace's latest scrape: total, per ticket, marketplace, section and row; and the supply with the same seats counted once",
    )
    .argument('<event>', EVENT_FORMS_HELP)
    .option('--seats <n,...>', `party sizes, comma-separated whole numbers from 1 to ${MAX_SEATS_TOGETHER}`, '1,2,4')
    .addOption(basisFlag())
    .option('--json', 'print JSON')
    .action(async (ref: string, raw: unknown) => {
      const o = parseOptions(z.object({ seats: seatsOption, basis, json }), raw);
      const db = await ctx.getDb();
      const event = await eventOf(db, ref, o);
      const r = await cheapestSeatsOfEvent(db, event.id, o.seats, o.basis);
      if (o.json) return printObject({ event: event.id, ...r } as unknown as Record<string, unknown>, o);
      const rows = r.together.flatMap((c) => c.sizes.map((s) => ({ currency: c.currency, n: s.n, figure: s.figure })));
      printRows(
        rows,
        [
          { header: 'seats', value: (x) => x.n },
          { header: priced('total', o.basis), value: (x) => x.figure?.total ?? null },
          { header: priced('per ticket', o.basis), value: (x) => x.figure?.perTicket ?? null },
          { header: 'cur', value: (x) => x.currency },
          { header: 'marketplace', value: (x) => x.figure?.marketplace ?? 'no listing sells that many together' },
          { header: 'section', value: (x) => x.figure?.section ?? null },
          { header: 'row', value: (x) => x.figure?.row ?? null },
          { header: 'listing', value: (x) => x.figure?.listingId ?? null },
        ],
        o,
      );
      const s = r.supply;
      const per = Object.entries(s.perMarketplace)
        .map(([m, c]) => `${m} ${c.listings}/${c.tickets}`)
        .join(', ');
      writeOut(
        `\ndistinct supply: ${s.distinctListings} listings / ${s.distinctTickets} tickets (${s.listings} / ${s.tickets} counted per marketplace: ${per || 'none'}; ${s.links.length} listed on more than one marketplace)\n`,
      );
      const noPrice = r.together[0]?.sizes.find((x) => x.figure !== null)?.figure?.leftOut.noPriceOnBasis ?? 0;
      if (noPrice > 0)
        writeOut(`left out: ${noPrice} listing(s) that give no price ${basisLabel(o.basis)} (never priced on the other basis)\n`);
      if (r.withoutListings.length > 0)
        writeOut(
          `not in these figures (no listings in their latest scrape): ${r.withoutListings.map((w) => `${w.marketplace} (${w.kind === 'summary' ? 'summary only' : 'none found'})`).join(', ')}\n`,
        );
      if (rows.length === 0) writeOut('no marketplace of this event has listings yet\n');
    });

  program
    .command('prices')
    .description("latest prices of EVENT per zone and marketplace (each marketplace's latest scrape)")
    .argument('<event>', EVENT_FORMS_HELP)
    .addOption(marketplaceFlag())
    .addOption(sourceFlag())
    .addOption(basisFlag())
    .option('--json', 'print JSON')
    .action(async (ref: string, raw: unknown) => {
      const o = parseOptions(z.object({ ...marketplaceOptions, basis, json }), raw);
      const db = await ctx.getDb();
      const event = await eventOf(db, ref, o);
      const rows = await latestPrices(db, event.id, marketplaceOf(o), o.basis);
      printRows(
        rows,
        [
          { header: 'zone', value: (r) => r.zone },
          { header: 'marketplace', value: (r) => r.source },
          { header: priced('lowest', o.basis), value: (r) => r.lowest },
          { header: priced('average', o.basis), value: (r) => r.average },
          { header: priced('highest', o.basis), value: (r) => r.highest },
          { header: priced('for 2', o.basis), value: (r) => r.lowest2 },
          { header: priced('for 4', o.basis), value: (r) => r.lowest4 },
          { header: 'tickets', value: (r) => r.tickets },
          { header: 'listings', value: (r) => r.listings },
          { header: 'cur', value: (r) => r.currency },
          { header: 'captured', value: (r) => r.capturedAt },
          { header: 'mark', value: (r) => r.mark },
          // A cancelled or postponed event's figures are its last seen, not a live price.
          { header: 'event status', value: (r) => (r.eventStatus ? `${r.eventStatus}${r.live ? '' : ': not a live price'}` : null) },
        ],
        o,
      );
    });

  addCyclesCommand(program, ctx).aliases(['jobs', 'runs']);

  program
    .command('errors')
    .description('scrape errors of the last hours, newest first')
    .option('--hours <n>', 'how far back', '24')
    .option('--json', 'print JSON')
    .action(async (raw: unknown) => {
      const o = parseOptions(
        z.object({
          hours: z.coerce
            .number({ error: 'must be a number' })
            .positive('must be positive')
            .max(24 * 3660)
            .default(24),
          json,
        }),
        raw,
      );
      const rows = await listScrapeErrors(await ctx.getDb(), new Date(Date.now() - o.hours * 3_600_000));
      printRows(
        rows,
        [
          { header: 'at', value: (r) => r.occurredAt },
          { header: 'event', value: (r) => r.eventId },
          { header: 'marketplace', value: (r) => r.marketplace },
          { header: 'attempt', value: (r) => r.attempt },
          { header: 'cycle', value: (r) => r.cycleId },
          { header: 'message', value: (r) => r.message },
        ],
        o,
      );
    });
}
