import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/** The unprivileged account PostgreSQL runs as when we are root (it refuses to run as root). */
export interface Account {
  uid: number;
  gid: number;
}

/**
 * Where the cluster and binaries go when the account cannot reach them in place (a clone in a
 * 0700 folder, as `mktemp -d` and most home folders are, while we run as root). Outside any
 * user's private tree, owned by root, readable by all: the folders the user made stay as they are.
 */
export const DEFAULT_REACHABLE_ROOT = '/var/lib/ticket-tracker';

/**
 * True when `account` can open `target` with the given access (`x`: search a folder or run a
 * binary; `w`: write). Asks the kernel (`test` run as that account) instead of re-deriving the
 * permission rules (ACLs, groups) ourselves. A path that does not exist yet is judged by its
 * nearest existing ancestor, which we would create it under with the default mode.
 */
export function canReach(account: Account, target: string, access: 'x' | 'w' = 'x'): boolean {
  let p = path.resolve(target);
  while (!existsSync(p)) {
    const parent = path.dirname(p);
    if (parent === p) break;
    p = parent;
    access = 'x';
  }
  const r = spawnSync('test', [`-${access}`, p], { uid: account.uid, gid: account.gid, stdio: 'ignore' });
  return r.status === 0;
}

/** Our own folder under the reachable root: open for search whatever the umask. */
function openFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
}

function slug(dir: string): string {
  const hash = createHash('sha256').update(dir).digest('hex').slice(0, 12);
  return `${path.basename(dir).replace(/[^A-Za-z0-9._-]/g, '_')}-${hash}`;
}

/**
 * The folder PostgreSQL's cluster lives in. In place when the account can reach it; else a
 * folder under `root` named after the requested path (stable across restarts, so data survives),
 * and the requested path becomes a symlink to it so `ls .data` still shows where the data is.
 */
export function reachableDataDir(dir: string, account: Account | undefined, root = DEFAULT_REACHABLE_ROOT): string {
  const wanted = path.resolve(dir);
  if (!account) return wanted;
  const existing = linkTarget(wanted);
  if (existing) return existing;
  if (canReach(account, path.dirname(wanted))) return wanted;
  const relocated = path.join(root, 'clusters', slug(wanted));
  // A cluster already there (made by a run as another user) is never replaced by an empty one.
  if (existsSync(path.join(wanted, 'PG_VERSION'))) {
    throw new Error(
      `${wanted} holds a PostgreSQL cluster that the postgres account cannot reach (a folder above it is private); ` +
        `move it to ${relocated} and leave a symlink in its place, or set DATA_DIR to a folder outside the private one`,
    );
  }
  openFolder(root);
  openFolder(path.dirname(relocated));
  mkdirSync(path.dirname(wanted), { recursive: true });
  if (!existsSync(wanted)) symlinkSync(relocated, wanted);
  return relocated;
}

function linkTarget(p: string): string | undefined {
  try {
    if (!lstatSync(p).isSymbolicLink()) return undefined;
    return path.resolve(path.dirname(p), readlinkSync(p));
  } catch {
    return undefined;
  }
}

/**
 * A PostgreSQL installation folder (holding bin/, lib/, share/, which the binaries find relative
 * to themselves) that `account` can run. In place when it can; else a copy under `root`, made once
 * per source folder and file date, written beside and renamed so a killed copy is never used.
 */
export function reachableInstallDir(installDir: string, account: Account | undefined, root = DEFAULT_REACHABLE_ROOT): string {
  const source = path.resolve(installDir);
  if (!account || canReach(account, path.join(source, 'bin', 'postgres'))) return source;
  const stamp = `${source}@${statSync(path.join(source, 'bin', 'postgres')).mtimeMs}`;
  const target = path.join(root, 'postgres', slug(stamp));
  if (existsSync(path.join(target, 'bin', 'postgres'))) return target;
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  openFolder(root);
  openFolder(path.dirname(target));
  // Relative library symlinks (libpq.so -> libpq.so.5.17) must stay relative to the copy.
  cpSync(source, partial, { recursive: true, verbatimSymlinks: true });
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
  return target;
}
