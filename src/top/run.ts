import type { Readable } from 'node:stream';
import type { Db } from '../db/pool';
import { renderFrame } from './frame';
import { readTopSnapshot, type TopOptions, type TopSnapshot } from './snapshot';

export interface TopRun extends TopOptions {
  db: Db;
  status: () => Promise<TopSnapshot['tracker']>;
  /** Seconds between frames. */
  intervalSeconds: number;
  /** One frame, then return. */
  once: boolean;
  /** One frame as JSON (the snapshot), then return; implies once. */
  json: boolean;
  out: { write(text: string): unknown; isTTY?: boolean };
  /** Keys: q or Ctrl-C quit (read in raw mode when it is a terminal). */
  input?: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** Stops the loop too (SIGINT, SIGTERM, a test). */
  signal?: AbortSignal;
  now?: () => Date;
}

/** Clears the terminal and moves the cursor home (ANSI ED 2 + CUP). */
const CLEAR = '\x1b[H\x1b[2J';

/**
 * `ticket-tracker top`: reads a snapshot, draws it, waits, again, until q, Ctrl-C or `signal`.
 * On a terminal each frame replaces the last; elsewhere (a pipe, a file) frames are printed one
 * after the other, separated by a blank line. Resolves to the number of frames drawn.
 */
export async function runTop(r: TopRun): Promise<number> {
  const now = r.now ?? (() => new Date());
  const frame = async (): Promise<TopSnapshot> => readTopSnapshot(r.db, r.status, now(), r);
  if (r.json) {
    r.out.write(JSON.stringify(await frame(), null, 2) + '\n');
    return 1;
  }
  if (r.once) {
    r.out.write(renderFrame(await frame()) + '\n');
    return 1;
  }
  const stop = new AbortController();
  const quit = (): void => stop.abort();
  r.signal?.addEventListener('abort', quit, { once: true });
  const onKey = (chunk: Buffer | string): void => {
    const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (text.includes('q') || text.includes('Q') || text.includes('\u0003')) quit();
  };
  const raw = r.input?.isTTY === true && typeof r.input.setRawMode === 'function';
  if (r.input) {
    if (raw) r.input.setRawMode!(true);
    r.input.on('data', onKey);
    r.input.resume();
  }
  let frames = 0;
  try {
    while (!stop.signal.aborted) {
      const text = renderFrame(await frame(), { intervalSeconds: r.intervalSeconds });
      if (stop.signal.aborted) break;
      r.out.write(r.out.isTTY ? `${CLEAR}${text}\n` : `${text}\n\n`);
      frames++;
      await sleep(r.intervalSeconds * 1000, stop.signal);
    }
  } finally {
    r.signal?.removeEventListener('abort', quit);
    if (r.input) {
      r.input.off('data', onKey);
      if (raw) r.input.setRawMode!(false);
      r.input.pause();
    }
  }
  return frames;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
