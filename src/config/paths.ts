import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder holding the project's package.json, whether running from src/ (tsx) or dist/. */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = parent;
  }
}

export function fromRoot(...parts: string[]): string {
  return path.join(projectRoot(), ...parts);
}
