// Flat config: Next's rules, typed typescript-eslint rules, and the import boundaries of STYLE.md
// (import cycles: scripts/check-cycles.ts, a step of npm test and npm run lint).
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

const noDbOrGraphInApp = {
  patterns: [
    {
      // lib/graph/permissions is pure data (the permission table Settings › Permissions shows).
      group: ['@/lib/db', '@/lib/graph/*', '!@/lib/graph/permissions', '@/generated/*'],
      message:
        'pages, actions and route handlers call use cases and queries in lib/ (which take the database and Graph from their context), never the database or Graph directly (STYLE.md boundaries).',
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
    // No exceptions: every page, action and route under app/ goes through lib (issue 15).
    files: ['app/**'],
    rules: {
      'no-restricted-imports': ['error', noDbOrGraphInApp],
      // Nor the database handle a context carries: a page passes the whole context to a use case
      // `(ctx, input)`, which takes the database (and the caller's scope) from it.
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='db']",
          message: 'Pass the context to a use case (ctx, input); app/ never takes ctx.db (issue 15).',
        },
        {
          selector: "ObjectPattern > Property[key.name='db']",
          message: 'Pass the context to a use case (ctx, input); app/ never takes ctx.db (issue 15).',
        },
      ],
    },
  },
  {
    files: ['lib/graph/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@/lib/db', '@/generated/*'],
              message:
                'lib/graph talks to Microsoft Graph only; what to store is the caller’s business (STYLE.md boundaries).',
            },
          ],
        },
      ],
    },
  },
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
              group: ['@/lib/db', '@/lib/graph/*', '@/lib/vault/*', '@/lib/jobs/*', 'next/*', '@/generated/*'],
              message: 'pure modules: no database, Graph, vault, jobs or Next (STYLE.md).',
            },
          ],
        },
      ],
    },
  },
  { files: ['cli/**', 'scripts/**', 'bench/**', 'e2e/**', '**/*.test.ts'], rules: { 'no-console': 'off' } },
);
