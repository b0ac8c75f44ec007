/**
 * The policy's default values that code outside `config/` uses, kept apart from the zod schemas: a plan
 * whose policy comes from the cache (policy-cache.ts) never builds them, and building them takes ~15 ms
 * of start-up. The schema's defaults are these values (test/unit/config-defaults.test.ts holds them
 * together).
 */

export const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type DayName = (typeof DAY_NAMES)[number];

export const DEFAULT_BRANCH = 'main';
export const DEFAULT_DEPLOY_MINUTES = 15;

/** An environment the policy does not spell out: the schema's defaults (branch main, 15-min deploys). */
export const DEFAULT_ENVIRONMENT: Readonly<{ branch: string; deployMinutes: number }> = {
  branch: DEFAULT_BRANCH,
  deployMinutes: DEFAULT_DEPLOY_MINUTES,
};

export const DEFAULT_MIGRATION_PATHS = [
  'db/migrations/**',
  'migrations/**',
  '**/migrations/**',
  'prisma/migrations/**',
  'db/migrate/**',
  'alembic/versions/**',
  '**/db/changelog/**',
  'src/main/resources/db/migration/**',
];

export const DEFAULT_LOW_RISK_PATHS = [
  '**/*.md',
  '**/*.mdx',
  '**/*.rst',
  '**/*.adoc',
  'docs/**',
  'LICENSE*',
  'CHANGELOG*',
  '**/*.{png,jpg,jpeg,gif,svg,ico,webp}',
  '.github/ISSUE_TEMPLATE/**',
  // Lock files are generated: their line counts say nothing about review or test effort.
  '**/package-lock.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/Cargo.lock',
  '**/go.sum',
  '**/poetry.lock',
  '**/Gemfile.lock',
];
