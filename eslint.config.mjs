import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/**
 * The layers of src, lowest first: a file may import from its own layer and the layers below it,
 * never from a layer above (docs/architecture.md). Pure descriptors sit low so that the
 * configuration can list every marketplace's and channel's settings.
 */
const LAYERS = [
  // The vocabulary: pure logic and types, the marketplaces' and channels' descriptors and the
  // pure helpers they use. The configuration (layer 1) lists every marketplace's and channel's settings.
  [
    'src/domain',
    'src/config/paths.ts',
    'src/config/redact.ts',
    'src/config/setting-schemas.ts',
    'src/marketplaces/descriptor.ts',
    'src/marketplaces/registry.ts',
    'src/marketplaces/errors.ts',
    'src/marketplaces/*/descriptor.ts',
    'src/alerts/message.ts',
    'src/alerts/http.ts',
    'src/alerts/text.ts',
    'src/alerts/channels',
  ],
  ['src/config', 'src/logging'],
  ['src/marketplaces', 'src/mock-marketplace', 'src/catalog', 'src/db', 'src/alerts', 'src/embedded', 'src/observability'],
  ['src/scrape'],
  ['src/workflows', 'src/activities'],
  ['src/worker', 'src/worker.ts', 'src/client', 'src/top', 'src/dashboard', 'src/cli', 'src/dev.ts'],
  ['src/client.ts'],
];
// A layer entry is a folder, a file, or "folder/*/file" expanded over the folder's subfolders.
function expand(entry) {
  if (!entry.includes('*')) return [entry];
  const [dir, file] = entry.split('/*/');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, file)))
    .map((d) => `${dir}/${d.name}/${file}`);
}
const LAYER_PATHS = LAYERS.map((layer) => layer.flatMap(expand));
const LAYER_ZONES = LAYER_PATHS.flatMap((layer, i) =>
  LAYER_PATHS.slice(i + 1).flatMap((higher) =>
    higher.flatMap((from) => {
      // Files of this layer or a lower one that sit inside a higher layer's folder stay importable.
      const below = LAYER_PATHS.slice(0, i + 1).flat();
      const except = below.filter((p) => p.startsWith(from + '/')).map((p) => `./${path.relative(from, p)}`);
      return layer.map((target) => ({
        target: `./${target}`,
        from: `./${from}`,
        except,
        message: `${target} is in a lower layer than ${from} (docs/architecture.md, Layers)`,
      }));
    }),
  ),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', '.tools/**', 'bin/**', 'scripts/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware rules: a promise nobody awaits in a worker is a write that can be lost silently.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The dashboard's front end: ES modules in the browser, with uPlot loaded by its own script tag.
    files: ['src/dashboard/static/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'Node', 'fetch', 'performance', 'location', 'history', 'URLSearchParams', 'uPlot'].map((g) => [
          g,
          'readonly',
        ]),
      ),
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Workflow code is bundled and replayed: it may import only workflow-safe modules.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net'],
              message: 'workflow code must stay deterministic: no Node APIs',
            },
            {
              group: ['pg', 'undici', 'googleapis', '@temporalio/worker', '@temporalio/client', '@temporalio/activity'],
              message: 'workflow code must not do I/O',
            },
            {
              group: [
                '**/db/**',
                '**/marketplaces/**',
                '**/catalog/**',
                '**/scrape/**',
                '**/dashboard/**',
                '**/cli/**',
                '**/config/index',
                '**/config',
              ],
              message: 'workflows import only types and domain/',
            },
          ],
        },
      ],
    },
  },

  {
    // Temporal lives in the design's homes (../shared/DESIGN.md, Shape): workflows, activities, the
    // worker and the Temporal client. Everything else reaches Temporal through src/client.
    files: ['src/**/*.ts'],
    ignores: ['src/workflows/**', 'src/activities/**', 'src/worker.ts', 'src/worker/**', 'src/client/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/*'],
              message:
                'Temporal code lives in src/workflows, src/activities, src/worker(.ts|/) and src/client/; call src/client/tracker-client.ts',
            },
          ],
        },
      ],
    },
  },
  {
    // No import cycle, and no import from a lower layer back up to a higher one (docs/architecture.md, Layers).
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: LAYER_ZONES }],
    },
  },
);
