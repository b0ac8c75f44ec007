// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What makes a module impure: these may not appear in src/assess or src/render. */
const pureRestrictions = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { regex: '^node:', message: 'assess/ and render/ are pure: no node:* modules.' },
        {
          regex: '^(fs|path|os|child_process|http|https|net|process|url|crypto|util)$',
          message: 'assess/ and render/ are pure: no Node built-ins.',
        },
        {
          regex: '^(execa|undici|ora|chalk)$',
          message: 'assess/ and render/ are pure: no process, network, terminal or colour libraries.',
        },
        { regex: '/collect/', message: 'assess/ and render/ may not import collectors.' },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'Pure code gets its inputs as values.' },
    { name: 'fetch', message: 'Pure code fetches nothing.' },
    { name: 'setTimeout', message: 'Pure code has no clock.' },
    { name: 'setInterval', message: 'Pure code has no clock.' },
    { name: 'performance', message: 'Pure code has no clock.' },
    { name: 'console', message: 'Renderers return strings; they do not print.' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'Pure code has no clock: time enters as a value (--now).',
    },
    {
      selector: "MemberExpression[object.name='Date'][property.name='now']",
      message: 'Pure code has no clock: time enters as a value (--now).',
    },
    {
      selector: 'MemberExpression[object.name=/^(DateTime|Settings)$/][property.name=/^(now|local)$/]',
      message: 'Pure code has no clock: time enters as a value (--now).',
    },
    {
      selector: "MemberExpression[object.name='Math'][property.name='random']",
      message: 'Pure code is deterministic.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'fixtures/**',
      '.bench/**',
      '.scratch/**',
      '.cache/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `const { seq: _seq, ...body } = record` is how a field is dropped from a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, varsIgnorePattern: '^_', argsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['scripts/**', 'bin/**'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
  },
  { files: ['src/assess/**/*.ts', 'src/render/**/*.ts'], rules: pureRestrictions },
  {
    // Small files and functions (docs/architecture.md): past these a file or a function wants splitting.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
);
