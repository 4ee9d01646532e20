/**
 * Progress of a long command on stderr: on a terminal one line redrawn in place, elsewhere (with
 * --progress) one line per change. Never on stdout, so it never mixes with a command's output
 * or its --json.
 */
export interface Progress {
  /** Shows `text` (ignored when it did not change, or when progress is off). */
  update(text: string): void;
  /** Ends the progress line. */
  done(): void;
}

export interface ProgressTarget {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Progress is shown when asked (--progress) or, without --json, when stderr is a terminal.
 * `target` is process.stderr unless a test gives its own.
 */
export function createProgress(opts: { progress?: boolean; json?: boolean }, target: ProgressTarget = process.stderr): Progress {
  const enabled = opts.progress === true || (opts.json !== true && target.isTTY === true);
  let last = '';
  let drawn = false;
  return {
    update(text) {
      if (!enabled || text === last) return;
      last = text;
      if (target.isTTY) {
        // Carriage return, the text, erase to the end of the line (ANSI EL).
        target.write(`\r${text}\x1b[K`);
        drawn = true;
      } else target.write(`${text}\n`);
    },
    done() {
      if (drawn) target.write('\n');
      drawn = false;
    },
  };
}
