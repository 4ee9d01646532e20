import { CommanderError, type Command } from 'commander';
import { ConfigError } from './config';
import { redact } from './config/redact';
import { expandSeedAlias } from './cli/aliases';
import { exitQuietlyOnBrokenPipe } from './cli/broken-pipe';
import { CliContext } from './cli/context';
import { processIo, withCliIo, type CliIo } from './cli/io';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './cli/output';
import { buildProgram } from './cli/program';

/**
 * Makes every command (and sub-command) turn commander's usage errors into exceptions, and write
 * its help and usage messages to the run's io.
 */
function configureEverywhere(cmd: Command, io: CliIo): void {
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) });
  for (const sub of cmd.commands) configureEverywhere(sub, io);
}

/**
 * Runs the CLI; resolves to the exit status (0 done, 1 failed, 2 bad usage or input) and never
 * exits the process. `io` (default: the process's stdout, stderr, environment and working
 * folder) is where everything the run writes goes and what it reads its settings from: tests
 * pass their own to run a command in-process.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  return withCliIo(io, async () => {
    const ctx = new CliContext(io);
    const program = buildProgram(ctx);
    configureEverywhere(program, io);
    try {
      await program.parseAsync(expandSeedAlias(argv), { from: 'user' });
      return EXIT_OK;
    } catch (err) {
      if (err instanceof CommanderError) {
        // --help and --version end through here with exit code 0.
        return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      }
      if (err instanceof ConfigError || err instanceof UsageError) {
        io.err(redact(`ticket-tracker: ${err.message}`) + '\n');
        return EXIT_USAGE;
      }
      const message = err instanceof Error ? err.message : String(err);
      io.err(redact(`ticket-tracker: ${message}`) + '\n');
      if (io.env.LOG_LEVEL === 'debug' && err instanceof Error && err.stack) io.err(redact(err.stack) + '\n');
      return EXIT_FAILED;
    } finally {
      await ctx.close();
    }
  });
}

export type { CliIo };
export { exitQuietlyOnBrokenPipe };

if (require.main === module) {
  exitQuietlyOnBrokenPipe();
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
