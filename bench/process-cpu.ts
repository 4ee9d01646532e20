import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds a process tree has used, from Linux /proc (proc(5)): the root's utime + stime +
 * cutime + cstime (children it already reaped, e.g. PostgreSQL backends that ended) plus utime +
 * stime of every live descendant. Ticks are USER_HZ, 100 on Linux.
 */
const USER_HZ = 100;

function stat(pid: number): { ppid: number; ticks: number; childTicks: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // gone between the listing and the read
  }
  // Fields after the command name (which may hold spaces) in parentheses; see proc(5).
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) };
}

/** CPU seconds of `root` and its live descendants. @throws when `root` does not exist. */
export function treeCpuSeconds(root: number): number {
  const self = stat(root);
  if (!self) throw new Error(`no process ${root}`);
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (!s) continue;
    ticks.set(Number(name), s.ticks);
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(name)]);
  }
  let total = self.ticks + self.childTicks;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    total += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total / USER_HZ;
}
