import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A Debian program a test needs (chromium for the dashboard, docker-compose to parse the production
 * compose file): its path,
 * installed with `apt-get install -y PACKAGE` when missing and we are root with apt-get (once; a
 * no-op when present); else the reason it cannot be had, for the test to skip with (printed).
 */
export function ensureAptProgram(path: string, pkg: string): { path: string } | { skipped: string } {
  if (existsSync(path)) return { path };
  if (process.getuid?.() !== 0) return { skipped: `${path} is missing and only root can install it: run \`apt-get install -y ${pkg}\`` };
  if (!existsSync('/usr/bin/apt-get')) return { skipped: `${path} is missing and there is no apt-get to install it` };
  process.stderr.write(`installing ${pkg} for the tests (apt-get install -y ${pkg}) ...\n`);
  const install = (): void =>
    void execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    install();
  } catch {
    try {
      execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'] });
      install();
    } catch (err) {
      return { skipped: `could not install ${pkg} with apt-get: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  return existsSync(path) ? { path } : { skipped: `apt-get installed ${pkg} but ${path} is still missing` };
}
