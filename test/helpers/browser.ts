import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { fromRoot } from '../../src/tools/paths';

/**
 * A real browser for the dashboard tests: Debian's chromium driven by playwright-core.
 * CHROMIUM_PATH, else /usr/bin/chromium; when missing and we are root with apt-get, it is
 * installed (`apt-get install -y chromium`, once; a no-op when present). Where it cannot be
 * had, the reason is returned and the tests skip with it (printed, never silent).
 */
export const TEST_OUTPUT_VAR = 'TEST_OUTPUT_DIR';

let found: Promise<{ path: string } | { skipped: string }> | undefined;

export function ensureChromium(): Promise<{ path: string } | { skipped: string }> {
  found ??= Promise.resolve().then(() => {
    const wanted = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
    if (existsSync(wanted)) return { path: wanted };
    if (process.env.CHROMIUM_PATH) return { skipped: `CHROMIUM_PATH=${wanted} does not exist` };
    if (process.getuid?.() !== 0)
      return { skipped: `${wanted} is missing and only root can install it: run \`apt-get install -y chromium\`` };
    if (!existsSync('/usr/bin/apt-get')) return { skipped: `${wanted} is missing and there is no apt-get to install it` };
    process.stderr.write('installing chromium for the browser tests (apt-get install -y chromium) ...\n');
    const install = (): void =>
      void execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    try {
      install();
    } catch {
      try {
        execFileSync('apt-get', ['update'], { stdio: 'inherit' });
        install();
      } catch (err) {
        return { skipped: `could not install chromium with apt-get: ${(err as Error).message.split('\n')[0]}` };
      }
    }
    return existsSync(wanted) ? { path: wanted } : { skipped: `apt-get installed chromium but ${wanted} is still missing` };
  });
  return found;
}

/** Launches headless chromium (no sandbox when root: chromium refuses to run sandboxed as root). */
export async function launchBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/**
 * The folder for this test run's outputs (screenshots): TEST_OUTPUT_DIR set by scripts/run-tests.ts,
 * else test-output/<time> of the project for a file run on its own. Created on first use.
 */
export function testOutputDir(sub: string): string {
  let base = process.env[TEST_OUTPUT_VAR];
  if (!base) {
    base = fromRoot('test-output', new Date().toISOString().replace(/[:.]/g, '-'));
    process.env[TEST_OUTPUT_VAR] = base;
  }
  const dir = path.join(base, sub);
  mkdirSync(dir, { recursive: true });
  return dir;
}
