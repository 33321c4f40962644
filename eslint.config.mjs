// Flat config: Next's rules, typed typescript-eslint rules, and the import boundaries of STYLE.md.
import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import tseslint from 'typescript-eslint';

const noDomainInUi = {
  patterns: [
    {
      group: [
        '@/lib/db',
        '@/generated/*',
        '@/lib/graph/*',
        '@/lib/vault/*',
        '@/lib/rotation/*',
        '@/lib/tenants/*',
        '@/lib/campaigns/*',
        '@/lib/detection/*',
      ],
      message:
        'components never import the database, Graph, the vault or use cases: pass data in as props (STYLE.md boundaries).',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      '.next/**',
      '.next-*/**',
      'bench/out/**',
      'q-tmp.mjs',
      'node_modules/**',
      'generated/**',
      '.data/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
      'scripts/dev/**',
    ],
  },
  ...nextCoreWebVitals,
  ...nextTs,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  { files: ['components/**'], rules: { 'no-restricted-imports': ['error', noDomainInUi] } },
  {
    files: ['sim/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/lib/*', '../lib/*', '../../lib/*'],
              message: "sim/ stands in for Microsoft and must not share Rekey's code or assumptions.",
            },
          ],
        },
      ],
      'no-console': 'off',
    },
  },
  {
    files: ['lib/certs/**', 'lib/status/**', 'lib/rotation/machine.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/lib/db', '@/lib/graph/*', 'next/*', '@/generated/*'],
              message: 'pure modules: no database, Graph or Next (STYLE.md).',
            },
          ],
        },
      ],
    },
  },
  { files: ['cli/**', 'scripts/**', 'bench/**', 'e2e/**', '**/*.test.ts'], rules: { 'no-console': 'off' } },
);
