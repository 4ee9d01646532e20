import type { Command } from 'commander';
import { z } from 'zod';
import { basisOption } from '../../domain/query-options';
import { runTop } from '../../top/run';
import type { TopSnapshot } from '../../top/snapshot';
import { TrackerNotRunningError } from '../../client/tracker-client';
import type { CliContext } from '../context';
import { parseOptions } from '../parse';
import { basisFlag } from './analytics';

const topOptions = z.object({
  interval: z.coerce.number().min(0.5, 'at least 0.5 seconds').max(3600, 'at most 3600 seconds').default(2),
  once: z.boolean().default(false),
  json: z.boolean().default(false),
  rows: z.coerce.number().int().min(1).max(100).default(8),
  basis: basisOption,
});

/** `top`: the live console view of the tracker. */
export function registerTopCommand(program: Command, ctx: CliContext): void {
  program
    .command('top')
    .description(
      'live view: tracker phase, cycle and next wake-up, progress of the running cycle, latest scrapes, moved prices, error rate (q or Ctrl-C quits)',
    )
    .option('--interval <seconds>', 'seconds between frames (default 2)')
    .option('--once', 'draw one frame and exit')
    .option('--json', 'print one frame as JSON and exit')
    .option('--rows <n>', 'rows of latest scrapes and of moved prices (default 8)')
    .addOption(basisFlag())
    .action(async (raw: Record<string, unknown>) => {
      const opts = parseOptions(topOptions, raw);
      const env = ctx.getEnv();
      const db = await ctx.getDb();
      const status = async (): Promise<TopSnapshot['tracker']> => {
        try {
          return { status: await (await ctx.getTemporal()).status() };
        } catch (err) {
          if (err instanceof TrackerNotRunningError) return { unavailable: 'not running (start it with `ticket-tracker tracker start`)' };
          return { unavailable: `no status: ${err instanceof Error ? err.message : String(err)}` };
        }
      };
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await runTop({
          db,
          status,
          intervalSeconds: opts.interval,
          once: opts.once,
          json: opts.json,
          rows: opts.rows,
          basis: opts.basis,
          errorWindowMinutes: 60,
          moveWindowHours: 24,
          graceHours: env.PAST_EVENT_GRACE_HOURS,
          out: process.stdout,
          input: opts.once || opts.json || !process.stdin.isTTY ? undefined : process.stdin,
          signal: stop.signal,
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
