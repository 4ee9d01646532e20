import { EXIT_OK } from './output';

/**
 * `ticket-tracker ... | head`: once the reader has gone, a write to stdout (or stderr) fails with
 * EPIPE, which Node raises as an unhandled 'error' event and a stack trace. The reader wanted no
 * more, so we stop quietly: a long-running command that stops in order on SIGTERM (dev, worker)
 * gets SIGTERM, so its children are stopped too; any other command exits 0 at once.
 */
export function exitQuietlyOnBrokenPipe(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  let stopping = false;
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      if (stopping) return;
      stopping = true;
      if (process.listenerCount('SIGTERM') > 0) process.kill(process.pid, 'SIGTERM');
      else process.exit(EXIT_OK);
    });
  }
}
