import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { z } from 'zod';
import { MARKETPLACE_NAMES, type FetchedPrices, type MarketplaceName } from '../../domain/listing';
import { startMockMarketplace, type MockRequestLogEntry } from '../../mock-marketplace';
import { appendFileSync } from 'node:fs';
import { createMarketplaceAdapters, MarketplaceError, PAYLOAD_PARSERS, PayloadShapeError } from '../../marketplaces/index';
import { describeParse, type ParseReport } from '../../marketplaces/describe';
import type { CliContext } from '../context';
import { printObject, renderTable, UsageError } from '../output';
import { parseOptions } from '../parse';
import { basisLabel } from '../../domain/price-basis';
import { basisOption } from '../../domain/query-options';
import { writeOut, writeErr } from '../io';

/** The report of a parse: key/value lines and the skipped reasons as a table, or JSON. */
function printReport(report: ParseReport, json: boolean, write: (s: string) => void = (t) => writeOut(t + '\n')): void {
  if (json) {
    write(JSON.stringify(report, null, 2));
    return;
  }
  const money = (v: number | null): string | null => (v === null ? null : `${v.toFixed(2)}${report.currency ? ` ${report.currency}` : ''}`);
  const lines: Record<string, string | number | null> = {
    marketplace: `${report.marketplace} (${report.kind})`,
    ...(report.kind === 'listings' ? { items: report.items, 'listings parsed': report.parsed } : {}),
    skipped: report.skipped,
    'declared listings': report.declaredListings,
    'declared tickets': report.declaredTickets,
    basis: `${report.basis} (${report.basis === 'all-in' ? 'every mandatory fee included' : 'before fees'})`,
    [`lowest ${basisLabel(report.basis)}`]: money(report.lowest),
    [`highest ${basisLabel(report.basis)}`]: money(report.highest),
    [`average ${basisLabel(report.basis)}`]: money(report.average),
    ...(report.kind === 'listings'
      ? {
          [`lowest for 2 together ${basisLabel(report.basis)} (total)`]: money(report.lowestFor2),
          [`lowest for 4 together ${basisLabel(report.basis)} (total)`]: money(report.lowestFor4),
        }
      : {}),
    ...(report.noPriceOnBasis ? { [`no price ${basisLabel(report.basis)} (left out)`]: report.noPriceOnBasis } : {}),
    tickets: report.tickets,
    ...(report.otherCurrency > 0 ? { 'in another currency (left out)': report.otherCurrency } : {}),
    ...(report.eventStatus !== null ? { 'event status': statusLine(report.eventStatus, report.eventStartsAt) } : {}),
    ...(report.eventStatus === 'rescheduled' && report.eventStartsAt ? { 'new start': report.eventStartsAt } : {}),
    health: report.health,
  };
  for (const m of report.missing) lines[`missing ${m.path}`] = m.reason;
  // A handful per payload (a summary's figures); for listings the first few, then a count.
  const shown = report.notGiven.slice(0, 5);
  for (const m of shown) lines[`not given ${m.path}`] = m.reason;
  if (report.notGiven.length > shown.length) lines['not given (more)'] = `${report.notGiven.length - shown.length} more`;
  printObject(lines, {}, write);
  const { skippedByReason } = report;
  if (skippedByReason.length > 0) {
    write('');
    write(
      renderTable(skippedByReason, [
        { header: 'skipped', value: (r) => r.count },
        { header: 'reason', value: (r) => r.kind },
      ]),
    );
  }
}

/** The stated status with what a scrape of it leads to. */
function statusLine(status: string, startsAt: string | null): string {
  if (status === 'cancelled')
    return 'cancelled: figures kept, not a live price, no alerts; the event is no longer scraped after this check';
  if (status === 'postponed') return 'postponed: figures kept, not a live price, no alerts; still scraped';
  if (status === 'rescheduled')
    return startsAt ? 'rescheduled: the event takes the new start below' : 'rescheduled, but no new start given: the event keeps its start';
  return status;
}

/** Exit 2 after the report when a scrape of the payload would not be recorded as ok (format drift). */
function refuseUnhealthy(report: ParseReport, where: string): void {
  if (!report.healthy) throw new UsageError(`${where}: ${report.health}`);
}

function parseFailure(name: MarketplaceName, where: string, err: unknown): never {
  if (err instanceof PayloadShapeError)
    throw new UsageError(`${where} is not a ${name} payload: ${err.path ? `field ${err.path}: ` : ''}${err.reason}`);
  if (err instanceof MarketplaceError && err.kind === 'bad-payload')
    throw new UsageError(`${where} is not a ${name} payload: field ${err.path ?? '(root)'}: ${err.message}`);
  throw err;
}

const marketplaceArg = z.enum(MARKETPLACE_NAMES, { error: `must be one of ${MARKETPLACE_NAMES.join(', ')}` });

/** The MARKETPLACE argument (positional: its error names it as such, not as an option). */
function marketplaceArgument(value: string): MarketplaceName {
  const r = marketplaceArg.safeParse(value);
  if (r.success) return r.data;
  throw new UsageError(`MARKETPLACE "${value}" is not one of ${MARKETPLACE_NAMES.join(', ')}`);
}

/**
 * marketplaces parse, marketplaces probe, mock-marketplace: debugging marketplace formats and
 * running the mock alone. `sources`, the group's name before the glossary's, is an alias.
 */
export function registerMarketplacesCommands(program: Command, ctx: Pick<CliContext, 'getEnv'>): void {
  const marketplaces = program
    .command('marketplaces')
    .alias('sources')
    .description('marketplace payloads: parse a saved one, probe a live one');
  marketplaces
    .command('parse')
    .description(
      `normalize a saved marketplace payload: listings parsed, skipped by reason, lowest, highest, tickets (MARKETPLACE: ${MARKETPLACE_NAMES.join(', ')})`,
    )
    .argument('<marketplace>', 'marketplace the payload came from')
    .argument('<file>', "the marketplace's saved JSON response (as `marketplaces probe --save FILE` writes it)")
    .option('--json', 'print JSON: the counts and figures, and with --listings the normalized listings')
    .option('--listings', 'with --json, include every normalized listing and skipped record')
    .option('--basis <basis>', 'price basis of the figures: all-in (every mandatory fee included) or base (before fees)', 'all-in')
    .action(async (marketplace: string, file: string, raw: { json?: boolean; listings?: boolean; basis?: string }) => {
      const name = marketplaceArgument(marketplace);
      const { basis } = parseOptions(z.object({ basis: basisOption }), { basis: raw.basis });
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
      }
      let payload: unknown;
      try {
        // A byte-order mark (Windows editors save one) is not part of the JSON.
        payload = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch (err) {
        throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
      }
      let fetched: FetchedPrices;
      try {
        fetched = PAYLOAD_PARSERS[name](payload);
      } catch (err) {
        parseFailure(name, file, err);
      }
      const report = describeParse(name, fetched, undefined, basis);
      if (raw.json && raw.listings) writeOut(JSON.stringify({ ...report, result: fetched }, null, 2) + '\n');
      else printReport(report, raw.json === true);
      refuseUnhealthy(report, file);
    });

  marketplaces
    .command('probe')
    .description('fetch one event once from a marketplace with the configured credentials, save the raw answer, and print what it parsed')
    .argument('<marketplace>', `marketplace (${MARKETPLACE_NAMES.join(', ')})`)
    .argument('<id>', "the marketplace's own id of the event")
    .option('--save <file>', 'write the raw response (JSON) to this file')
    .option('--basis <basis>', 'price basis of the figures: all-in (every mandatory fee included) or base (before fees)', 'all-in')
    .option('--json', 'print JSON')
    .action(async (marketplace: string, id: string, raw: { save?: string; json?: boolean; basis?: string }) => {
      const o = parseOptions(
        z.object({
          marketplace: marketplaceArg,
          id: z.string().trim().min(1, 'must not be empty'),
          save: z.string().min(1).optional(),
          basis: basisOption,
          json: z.boolean().optional(),
        }),
        { marketplace, id, ...raw },
      );
      // No request pacing: one request by hand, which needs no database (probe works without
      // one, e.g. on a laptop checking a credential). It can still land within the spacing of a
      // running worker's request: an operator's single probe is accepted as that exception.
      const set = createMarketplaceAdapters(ctx.getEnv());
      try {
        const adapter = set.adapters[o.marketplace];
        if (!adapter) {
          const why = set.disabled.find((d) => d.marketplace === o.marketplace)?.reason ?? 'not enabled';
          throw new UsageError(`${o.marketplace} is disabled: ${why}`);
        }
        let payload: unknown;
        try {
          payload = await adapter.fetchPayload(o.id);
        } catch (err) {
          // A body that is not JSON (a block page, a changed format) is kept as received, then refused.
          if (err instanceof MarketplaceError && err.kind === 'bad-payload' && err.body !== undefined && o.save) {
            await writeFile(o.save, err.body);
            throw new UsageError(`${err.message} (the response is saved to ${o.save})`);
          }
          if (err instanceof MarketplaceError && err.kind === 'bad-payload') throw new UsageError(err.message);
          throw err;
        }
        if (o.save) {
          await writeFile(o.save, JSON.stringify(payload, null, 2) + '\n');
          writeErr(`saved the raw response to ${o.save}\n`);
        }
        let fetched: FetchedPrices;
        try {
          fetched = adapter.parse(payload, o.id);
        } catch (err) {
          parseFailure(o.marketplace, `the response of ${o.marketplace} for ${o.id}${o.save ? ` (saved to ${o.save})` : ''}`, err);
        }
        const report = describeParse(o.marketplace, fetched, undefined, o.basis);
        printReport(report, o.json === true);
        refuseUnhealthy(report, `${o.marketplace} ${o.id}`);
      } finally {
        await set.close();
      }
    });

  program
    .command('mock-marketplace')
    .description('run the mock marketplace alone (all four formats, faults via POST /__mock/faults)')
    .option('--port <port>', 'port to listen on (default MOCK_MARKETPLACE_PORT)')
    .option('--seed <seed>', 'seed of the generated data (default MOCK_MARKETPLACE_SEED)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--pool-size <n>', 'listings each event ever has (load tests); by default 80 to 300')
    .option('--request-log <file>', 'append one JSON line per marketplace request (at, marketplace, eventId, status, items, fault)')
    .action(async (raw: { port?: string; seed?: string; host: string; poolSize?: string; requestLog?: string }) => {
      const env = ctx.getEnv();
      const opts = parseOptions(
        z.object({
          port: z.coerce.number().int().min(0).max(65535).default(env.MOCK_MARKETPLACE_PORT),
          seed: z.coerce.number().int().min(0).default(env.MOCK_MARKETPLACE_SEED),
          host: z.string().min(1),
          poolSize: z.coerce.number().int().min(1).max(100_000).optional(),
          requestLog: z.string().min(1).optional(),
        }),
        raw,
      );
      const { requestLog, ...mockOpts } = opts;
      // One synchronous append per request: the line is on disk even if this process is killed.
      const logLine = requestLog ? (e: MockRequestLogEntry) => appendFileSync(requestLog, JSON.stringify(e) + '\n') : undefined;
      const mock = await startMockMarketplace({ ...mockOpts, ...(logLine ? { onRequest: logLine } : {}) });
      writeOut(`mock marketplace on ${mock.url} (seed ${opts.seed}); Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await mock.close();
    });
}
