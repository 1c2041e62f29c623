// ESLint: typescript-eslint's recommended type-checked rules and React's hooks rules, run by
// `npm test` before the tests. `any` is an error in engine/ code outside tests: scripts/lint.mjs
// refuses it there whatever the baseline says (bar its short ANY_DEBT list); elsewhere it is
// counted and may not grow. Every eslint-disable needs a reason.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', '.tsbuild/', 'artifacts/', 'test-results/', '.bench/', '**/gen/', '**/*.mjs', '**/*.js'],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: [
          './engine/apimachinery/tsconfig.json',
          './engine/tsconfig.json',
          './electron/host/tsconfig.json',
          './electron/shell/tsconfig.json',
          './renderer/tsconfig.test.json',
          './test/tsconfig.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // node:test's test() and describe() return promises the runner itself awaits.
    files: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.tsx', 'renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
