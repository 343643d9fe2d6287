import oclif from 'eslint-config-oclif'

export default [
  {ignores: ['dist/', 'node_modules/', 'bench/results/']},
  ...oclif,
  {
    rules: {
      // Commands exit with named codes through the base command; the daemon entry point is the one
      // place that ends the process itself.
      'n/no-process-exit': 'off',
      'unicorn/no-process-exit': 'off',
      // DuckDB and the IPC protocol speak snake_case column and key names.
      camelcase: 'off',
      'perfectionist/sort-objects': 'off',
      'perfectionist/sort-classes': 'off',
      'perfectionist/sort-object-types': 'off',
      'perfectionist/sort-interfaces': 'off',
      'perfectionist/sort-union-types': 'off',
      'perfectionist/sort-modules': 'off',
      'no-await-in-loop': 'off',
      'unicorn/prefer-top-level-await': 'off',
      'n/no-unsupported-features/node-builtins': 'off',
      // TypeScript needs resolve(undefined) for Promise<T | undefined>.
      'unicorn/no-useless-undefined': 'off',
      'unicorn/import-style': 'off',
      'jsdoc/require-yields': 'off',
      // Metric and PRNG arithmetic and file modes read better without forced parentheses.
      '@stylistic/no-mixed-operators': 'off',
      'no-bitwise': 'off',
      // Tests use node:test, not mocha; small local helpers read better next to their use.
      'mocha/max-top-level-suites': 'off',
      'unicorn/consistent-function-scoping': 'off',
      complexity: ['warn', 25],
    },
  },
  {
    // A function longer than a screen does more than one thing: split it, or say why it cannot be
    // (`// eslint-disable-next-line max-lines-per-function -- <why>`).
    files: ['src/**/*.ts'],
    rules: {'max-lines-per-function': ['error', {max: 80}]},
  },
]
