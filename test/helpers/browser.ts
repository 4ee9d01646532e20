import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { fromRoot } from '../../src/config/paths';
import { ensureAptProgram } from './apt';

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
    if (process.env.CHROMIUM_PATH && !existsSync(wanted)) return { skipped: `CHROMIUM_PATH=${wanted} does not exist` };
    return ensureAptProgram(wanted, 'chromium');
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
