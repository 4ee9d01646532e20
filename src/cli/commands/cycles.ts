import type { Command } from 'commander';
import { z } from 'zod';
import { listCycles } from '../../db/cycles';
import { limitOption } from '../../domain/query-options';
import type { CliContext } from '../context';
import { printRows } from '../output';
import { parseOptions } from '../parse';

/**
 * `cycles`: the latest cycles (the tracker's and one-off scrapes), newest first, from the `cycles`
 * table. Added under `parent` and returned, so the caller gives it its aliases: at the top level
 * `jobs` and `runs` (its names before the glossary's), and under `tracker` the same command again.
 * --json prints the CycleRecord rows (src/db/cycles.ts) as they are.
 */
export function addCyclesCommand(parent: Command, ctx: Pick<CliContext, 'getDb'>): Command {
  return parent
    .command('cycles')
    .description('the latest cycles (tracker and one-off scrapes), newest first')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON')
    .action(async (raw: unknown) => {
      const o = parseOptions(z.object({ limit: limitOption(20, 100_000), json: z.boolean().optional() }), raw);
      const rows = await listCycles(await ctx.getDb(), o.limit);
      printRows(
        rows,
        [
          { header: 'cycle', value: (r) => r.cycleId },
          { header: 'status', value: (r) => r.status },
          { header: 'started', value: (r) => r.startedAt },
          { header: 'finished', value: (r) => r.finishedAt },
          { header: 'events', value: (r) => r.eventsScraped },
          { header: 'errors', value: (r) => r.errorsCount },
          { header: 'marks', value: (r) => cycleMarks(r.details) },
          { header: 'duration s', value: (r) => (r.durationMs === null ? null : Math.round(r.durationMs / 100) / 10) },
        ],
        o,
      );
    });
}

/** "2 empty, 1 format-drift" from a cycle's summary: scrapes that must not pass for a plain success. */
function cycleMarks(details: unknown): string | null {
  const parsed = z.object({ marketplacesEmpty: z.number().optional(), marketplacesDrifted: z.number().optional() }).safeParse(details);
  if (!parsed.success) return null;
  const parts = [
    parsed.data.marketplacesEmpty ? `${parsed.data.marketplacesEmpty} empty` : '',
    parsed.data.marketplacesDrifted ? `${parsed.data.marketplacesDrifted} format-drift` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : null;
}
