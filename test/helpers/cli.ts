import { main } from '../../src/client';
import { fromRoot } from '../../src/config/paths';

/** What one run of the CLI gave: its exit status and everything it wrote. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `ticket-tracker ARGV` run in this process through `main(argv, io)`: the exit status and what
 * it wrote to stdout and stderr, with `env` as its whole environment (nothing of this process's
 * own leaks in unless passed) and `cwd` (default: the checkout) as its working folder.
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, cwd = fromRoot()): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main([...argv], {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    env: { ...env },
    cwd,
  });
  return { code, stdout, stderr };
}
