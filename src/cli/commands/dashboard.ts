import type { Command } from 'commander';
import { z } from 'zod';
import { DashboardBindError, requiredToken } from '../../dashboard/access';
import { startDashboard } from '../../dashboard/server';
import { temporalUiOf } from '../../dashboard/temporal-links';
import type { CliContext } from '../context';
import { UsageError } from '../output';
import { writeOut } from '../io';
import { parseOptions } from '../parse';

/** `ticket-tracker dashboard [--host H] [--port P]`: the read-only web dashboard, until Ctrl-C. */
export function registerDashboardCommand(program: Command, ctx: CliContext): void {
  program
    .command('dashboard')
    .description('read-only web dashboard (127.0.0.1 by default; another address needs DASHBOARD_TOKEN)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port (default DASHBOARD_PORT; 0 picks a free one)')
    .action(async (raw: unknown) => {
      const env = ctx.getEnv();
      const o = parseOptions(
        z.object({
          host: z.string().min(1, 'must not be empty'),
          port: z.coerce
            .number({ error: 'must be a number' })
            .int('must be a whole number')
            .min(0)
            .max(65535, 'must be at most 65535')
            .optional(),
        }),
        raw,
      );
      let dashboard;
      try {
        requiredToken(o.host, env.DASHBOARD_TOKEN); // before connecting: a refused bind needs no database
        dashboard = await startDashboard({
          db: await ctx.getDb(),
          host: o.host,
          port: o.port ?? env.DASHBOARD_PORT,
          token: env.DASHBOARD_TOKEN,
          temporalUi: temporalUiOf(env),
          logger: ctx.logger(),
        });
      } catch (err) {
        if (err instanceof DashboardBindError) throw new UsageError(err.message);
        throw err;
      }
      writeOut(`Dashboard: ${dashboard.url}${env.DASHBOARD_TOKEN ? '  (token required: DASHBOARD_TOKEN)' : ''}\nPress Ctrl-C to stop.\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await dashboard.close();
    });
}
