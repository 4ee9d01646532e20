/**
 * Every process the chaos suite starts, each in its own process group, so that a kill reaches
 * its children too (PostgreSQL's backends, the worker's tsx). Nothing outlives the suite: it
 * kills every group it made on the way out, and counts those still alive afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';

export interface Started {
  name: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

/** True while any process of the group `pgid` exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export class ProcessSet {
  private readonly groups = new Set<number>();

  /** Registers a process started elsewhere (detached, so its pid is its group id). */
  adopt(child: ChildProcess): void {
    if (child.pid) this.groups.add(child.pid);
  }

  /** Starts `command` detached, with stdout and stderr appended to `logFile`. */
  spawn(name: string, command: string, args: string[], opts: { env: NodeJS.ProcessEnv; logFile: string; cwd?: string }): Started {
    const fd = openSync(opts.logFile, 'a');
    try {
      const child = spawn(command, args, { env: opts.env, cwd: opts.cwd, detached: true, stdio: ['ignore', fd, fd] });
      this.adopt(child);
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        child.once('exit', () => resolve());
        child.once('error', () => resolve());
      });
      return { name, child, exited };
    } finally {
      closeSync(fd);
    }
  }

  /** SIGKILL to the whole group of `child`; resolves when the leader has exited. */
  async kill(started: { child: ChildProcess; exited?: Promise<void> }): Promise<void> {
    const pid = started.child.pid;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    if (started.exited) await started.exited;
    await this.waitGone(pid, 10_000);
  }

  /** SIGTERM to the whole group of `child` (a graceful stop), SIGKILL if it is still there after `graceMs`. */
  async terminate(started: { child: ChildProcess; exited: Promise<void> }, graceMs = 30_000): Promise<void> {
    const pid = started.child.pid;
    if (!pid) return;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    if (!(await this.waitGone(pid, graceMs))) await this.kill(started);
    await started.exited;
  }

  /** Waits until no process of group `pgid` is left (or `timeoutMs` passed). */
  async waitGone(pgid: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (groupAlive(pgid)) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
    return true;
  }

  /** SIGKILL to every group ever started; the number of groups still alive 10 s later. */
  async killAll(): Promise<number> {
    for (const g of this.groups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    let left = 0;
    for (const g of this.groups) if (!(await this.waitGone(g, 10_000))) left++;
    return left;
  }

  /** Synchronous last resort (process 'exit' handler): SIGKILL every group. */
  killAllSync(): void {
    for (const g of this.groups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }

  /** Groups with a live process right now. */
  alive(): number {
    return [...this.groups].filter(groupAlive).length;
  }
}
