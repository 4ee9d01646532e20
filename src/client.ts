import { CommanderError } from 'commander';
import { ConfigError } from './config';
import { redact } from './config/redact';
import { expandSeedAlias } from './cli/aliases';
import { exitQuietlyOnBrokenPipe } from './cli/broken-pipe';
import { CliContext } from './cli/context';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './cli/output';
import { buildProgram } from './cli/program';

/** Makes every command (and sub-command) turn commander's usage errors into exceptions. */
function exitOverrideEverywhere(cmd: ReturnType<typeof buildProgram>): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) exitOverrideEverywhere(sub);
}

/** Runs the CLI; resolves to the exit status (0 done, 1 failed, 2 bad usage or input). */
export async function main(argv: string[]): Promise<number> {
  const ctx = new CliContext();
  const program = buildProgram(ctx);
  exitOverrideEverywhere(program);
  try {
    await program.parseAsync(expandSeedAlias(argv), { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(redact(`ticket-tracker: ${err.message}`) + '\n');
      return EXIT_USAGE;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(redact(`ticket-tracker: ${message}`) + '\n');
    if (process.env.LOG_LEVEL === 'debug' && err instanceof Error && err.stack) process.stderr.write(redact(err.stack) + '\n');
    return EXIT_FAILED;
  } finally {
    await ctx.close();
  }
}

export { exitQuietlyOnBrokenPipe };

if (require.main === module) {
  exitQuietlyOnBrokenPipe();
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
