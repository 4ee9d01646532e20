import { Command } from 'commander';
import { seedAliasHelp } from './aliases';
import { registerAlertsCommands } from './commands/alerts';
import { registerAnalyticsCommands } from './commands/analytics';
import { registerCoreCommands } from './commands/core';
import { registerDashboardCommand } from './commands/dashboard';
import { registerEventsCommands } from './commands/events';
import { registerMarketplacesCommands } from './commands/marketplaces';
import { registerTopCommand } from './commands/top';
import { registerTrackerCommands } from './commands/tracker';
import type { CliContext } from './context';

/** The whole command tree of `ticket-tracker`; each area registers its own commands. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('ticket-tracker')
    .description('Track secondary-market ticket prices over time with Temporal and PostgreSQL')
    .showHelpAfterError('(add --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', seedAliasHelp());
  registerCoreCommands(program, ctx);
  registerAnalyticsCommands(program, ctx);
  registerEventsCommands(program, ctx);
  registerMarketplacesCommands(program, ctx);
  registerTrackerCommands(program, ctx);
  registerAlertsCommands(program, ctx);
  registerTopCommand(program, ctx);
  registerDashboardCommand(program, ctx);
  return program;
}
