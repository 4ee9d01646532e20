import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where one run of the CLI writes and what it reads: its stdout, its stderr, its environment and
 * working folder. `main(argv)` uses the process's own; a test passes its own to `main(argv, io)`
 * and gets the output and the exit status without a child process. Commands write through
 * `writeOut` / `writeErr` (and `printRows` / `printObject`, which use them), so they need nothing
 * else to run in-process.
 */
export interface CliIo {
  /** Command output (text as written, newlines included). */
  out(text: string): void;
  /** Messages and log lines (text as written, newlines included). */
  err(text: string): void;
  /** The environment settings are read from (with `.env` in `cwd` under it). */
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The process's own streams, environment and working folder. */
export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

const current = new AsyncLocalStorage<CliIo>();

/** Runs `fn` with `io` as the CLI's io for everything it calls, awaited or not. */
export function withCliIo<T>(io: CliIo, fn: () => Promise<T>): Promise<T> {
  return current.run(io, fn);
}

/** The io of the CLI run in progress (the process's own outside `main`). */
export function cliIo(): CliIo {
  return current.getStore() ?? processIo();
}

/** Writes command output to the current run's stdout. */
export function writeOut(text: string): void {
  cliIo().out(text);
}

/** Writes a message to the current run's stderr. */
export function writeErr(text: string): void {
  cliIo().err(text);
}
