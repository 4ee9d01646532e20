import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
              group: ['**/db/**', '**/marketplaces/**', '**/sheets/**', '**/dashboard/**', '**/cli/**', '**/config/index', '**/config'],
              message: 'workflows import only types and domain/',
            },
          ],
        },
      ],
    },
  },
);
