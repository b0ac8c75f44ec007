import { createRequire } from 'node:module';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { servicesSchemaOf } from './services-schema.js';
import { sourcesSchema } from './sources-schema.js';
import { verifySchema } from './verify-schema.js';

/**
 * The policy file `.deployadvisor.yml`. This schema is the single source of the config types, of the
 * JSON Schema (`deployadvisor config schema`) and of the key descriptions in the docs.
 */

export const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type DayName = (typeof DAY_NAMES)[number];

export const RISK_LEVELS = ['critical', 'high', 'medium', 'low'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const FACTOR_IDS = ['zones', 'size', 'ai', 'tests', 'review', 'migrations', 'history'] as const;
export type FactorId = (typeof FACTOR_IDS)[number];

export const HARD_GATES = ['review', 'migrations', 'zones', 'tests'] as const;
export type HardGate = (typeof HARD_GATES)[number];

const CLOCK = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DAY_SPEC = /^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?$/;

const daySpec = z.string().regex(DAY_SPEC, 'expected a day or a day range such as "mon" or "mon-fri"');
const dayList = z
  .union([daySpec, z.array(daySpec).min(1)], {
    error: 'expected a day list such as [mon, tue] or a range such as "mon-fri"',
  })
  .describe('Days the window applies to: a list such as [mon, tue] or a range such as "mon-fri".');

const clock = (what: string) =>
  z.string().regex(CLOCK, `expected a wall-clock time "HH:MM" (00:00-24:00)`).describe(what);

const timeZone = z
  .string()
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'expected an IANA time zone such as "America/Los_Angeles" or "UTC"')
  .describe('IANA time zone, for example "Europe/Berlin".');

export const windowSchema = z
  .strictObject({
    days: dayList,
    from: clock('Start, wall-clock time in the window\'s zone ("09:00").'),
    to: clock('End, wall-clock time ("17:00"; "24:00" is midnight). Earlier than `from` means overnight.'),
    tz: timeZone.optional().describe('Time zone of this window; defaults to the top-level `timezone`.'),
    reason: z.string().optional().describe('Shown when the window decides the verdict.'),
  })
  .describe('A weekly wall-clock window. DST-safe: 09:00 stays 09:00 local across clock changes.');
export type WindowSpec = z.infer<typeof windowSchema>;

const DATE_OR_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

export const freezeSchema = z
  .strictObject({
    name: z.string().min(1).describe('Name of the freeze, shown in the plan.'),
    from: z
      .string()
      .regex(DATE_OR_TIME, 'expected a date (2026-12-20) or date-time (2026-12-20T17:00)')
      .describe('First day (or instant) of the freeze.'),
    to: z
      .string()
      .regex(DATE_OR_TIME, 'expected a date (2027-01-02) or date-time (2027-01-02T09:00)')
      .describe('Last day of the freeze (a date includes that whole day), or the instant it ends.'),
    tz: timeZone.optional().describe('Zone for dates without an offset; defaults to `timezone`.'),
    level: z.enum(['wait', 'block']).default('block').describe('What the freeze does to a deploy.'),
    reason: z.string().optional().describe('Why, shown in the plan.'),
  })
  .superRefine((freeze, ctx) => {
    // Dates are checked here, in the policy's terms, so a typo never silently disables a freeze.
    const parse = (text: string) => DateTime.fromISO(text.replace(' ', 'T'), { zone: freeze.tz ?? 'UTC' });
    const from = parse(freeze.from);
    const to = parse(freeze.to);
    if (!from.isValid)
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: `expected a real date or date-time, got "${freeze.from}"`,
      });
    if (!to.isValid)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `expected a real date or date-time, got "${freeze.to}"`,
      });
    if (from.isValid && to.isValid && to < from) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the freeze ends (${freeze.to}) before it starts (${freeze.from})`,
      });
    }
  })
  .describe('A deploy freeze between two dates or instants.');
export type FreezeSpec = z.infer<typeof freezeSchema>;

const environmentSchema = z
  .strictObject({
    branch: z.string().min(1).default('main').describe('Branch deploys to this environment come from.'),
    deployedRef: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Ref or tag glob marking what is deployed now ("deploy/production/*": the newest matching tag is the base).',
      ),
    deployMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(15)
      .describe('How long a deploy takes; a deploy that would not finish inside the window waits.'),
    rollback: z
      .strictObject({
        command: z
          .string()
          .optional()
          .describe('Rollback command; {sha} is the deployed commit, {previousSha} the one to return to.'),
        notes: z.string().optional().describe('Extra rollback instructions printed with the plan.'),
      })
      .optional()
      .describe('How to undo a deploy to this environment.'),
  })
  .describe('One deploy target.');

/** An environment the policy does not spell out: the schema's defaults (branch main, 15-min deploys). */
export const DEFAULT_ENVIRONMENT: z.infer<typeof environmentSchema> = environmentSchema.parse({});

/** Longest policy glob. */
export const MAX_GLOB_LENGTH = 500;

/** Most `*` wildcards one path segment of a glob may hold (each one multiplies the matching work). */
export const MAX_SEGMENT_STARS = 3;

/**
 * Why a glob could make matching slow, or null. picomatch compiles `*a*a*a*b` to one backtracking
 * regex whose time grows as the segment length to the power of its stars (seconds at four stars on a
 * 200-character name, forever at ten), and extglobs such as `+(a|aa)` nest repetitions.
 */
export function slowGlob(glob: string): string | null {
  if (/[*+@!?]\(/.test(glob)) return 'extglob groups such as +(…) or *(…) can nest repetitions';
  for (const segment of glob.split('/')) {
    if (segment === '**') continue;
    const stars = segment.replace(/\*\*/g, '*').split('*').length - 1;
    if (stars > MAX_SEGMENT_STARS)
      return `the segment "${segment}" has ${stars} * wildcards; at most ${MAX_SEGMENT_STARS} per segment keep matching fast`;
  }
  return null;
}

/** A policy glob (picomatch), checked when the policy loads: short, and cheap to match on any path. */
const glob = (what: string) =>
  z
    .string()
    .min(1)
    .max(MAX_GLOB_LENGTH, `expected a glob of at most ${MAX_GLOB_LENGTH} characters`)
    .superRefine((value, ctx) => {
      const why = slowGlob(value);
      if (why !== null)
        ctx.addIssue({ code: 'custom', message: `glob "${value}" could take very long to match: ${why}` });
    })
    .describe(what);

const riskZoneSchema = z
  .strictObject({
    name: z.string().min(1).describe('Zone name used in the plan.'),
    paths: z
      .array(glob('A glob (picomatch).'))
      .min(1)
      .describe('Globs (picomatch) of the files in this zone.'),
    risk: z
      .union([z.enum(RISK_LEVELS), z.number().min(0).max(100)], {
        error: 'expected critical | high | medium | low, or a number from 0 to 100',
      })
      .describe('critical | high | medium | low, or 0-100.'),
    owners: z.array(z.string()).default([]).describe('Who to page or ask for review.'),
    minPatchCoverage: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe('Percent of changed lines in this zone that tests must run.'),
    requireReview: z
      .boolean()
      .default(false)
      .describe('Every commit touching this zone needs review evidence.'),
  })
  .describe('A part of the code base that carries more risk.');
export type RiskZone = z.infer<typeof riskZoneSchema>;

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'i');
    return true;
  } catch {
    return false;
  }
}

/** Longest user pattern: a marker or a migration rule is a few words, not a program. */
export const MAX_PATTERN_LENGTH = 500;

let safeRegex: ((pattern: string) => boolean) | undefined;

/**
 * False for a pattern that can backtrack catastrophically (ReDoS): a repetition inside a repetition
 * such as `(a+)+$` (star height above 1), or more than 25 repetitions. safe-regex2 decides; it loads
 * the first time a policy has a pattern, so startup without one does not pay for it.
 */
function linear(pattern: string): boolean {
  safeRegex ??= createRequire(import.meta.url)('safe-regex2') as (pattern: string) => boolean;
  return !compiles(pattern) || safeRegex(pattern);
}

/**
 * A user-supplied regular expression, checked when the policy loads rather than ignored later (so
 * `config check` and `plan` both refuse it): valid, short, and free of nested repetition.
 */
const regex = (what: string) =>
  z
    .string()
    .min(1)
    .max(MAX_PATTERN_LENGTH, `expected a regular expression of at most ${MAX_PATTERN_LENGTH} characters`)
    .refine(compiles, 'expected a valid regular expression (JavaScript syntax)')
    .refine(linear, {
      error: (issue) =>
        `pattern "${String(issue.input)}" can take exponential time on some inputs (ReDoS: a repetition inside a repetition, or more than 25 repetitions); expected one without nested repetition, e.g. a+$ rather than (a+)+$`,
    })
    .describe(what);

const aiMarkerSchema = z.union(
  [
    regex('A regular expression (case-insensitive) matched against trailers, author and body.'),
    z.strictObject({
      pattern: regex('Regular expression, case-insensitive.'),
      tool: z.string().min(1).optional().describe('Tool name to report; defaults to "custom".'),
      in: z
        .enum(['trailer', 'author', 'body', 'any'])
        .default('any')
        .describe('What to match: trailer lines, author/committer "Name <email>", body, or any.'),
    }),
  ],
  { error: 'expected a regular expression string or { pattern, tool, in }' },
);

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

/** A section whose keys all have defaults: absent means every default applies. */
const section = <T extends z.ZodType>(schema: T) => schema.prefault({} as never);

export const policySchema = z
  .strictObject({
    version: z.literal(1).default(1).describe('Policy format version. Always 1.'),
    timezone: timeZone.default('UTC').describe('Zone for windows and freezes that name none.'),
    defaultEnvironment: z
      .string()
      .min(1)
      .default('production')
      .describe('Environment used when --env is absent.'),
    environments: z
      .record(z.string().min(1), environmentSchema)
      .default({ production: DEFAULT_ENVIRONMENT })
      .describe('Deploy targets by name.'),
    services: servicesSchemaOf(glob),
    riskZones: z.array(riskZoneSchema).default([]).describe('Risky parts of the code base.'),
    lowRiskPaths: z
      .array(glob('A glob (picomatch).'))
      .default(DEFAULT_LOW_RISK_PATHS)
      .describe('Globs of files that add no risk (docs, images): excluded from size, AI, tests and review.'),
    windows: section(
      z
        .strictObject({
          peak: z.array(windowSchema).default([]).describe('Peak traffic: risky changes wait until it ends.'),
          preferred: z
            .array(windowSchema)
            .default([])
            .describe('Preferred deploy windows: changes scoring at or above waitAt ship only inside them.'),
          avoid: z.array(windowSchema).default([]).describe('Times to avoid for every change.'),
          staffed: z
            .array(windowSchema)
            .default([])
            .describe('Hours someone can respond; risky changes outside them wait.'),
          freezes: z.array(freezeSchema).default([]).describe('Deploy freezes.'),
        })
        .describe('When to deploy.'),
    ),
    thresholds: section(
      z
        .strictObject({
          waitAt: z
            .number()
            .min(0)
            .max(100)
            .default(50)
            .describe(
              'Score at which a deploy waits for a preferred window (default 50: about the riskiest 5% of deploy-sized units in the corpus of docs/model.md).',
            ),
          blockAt: z
            .number()
            .min(0)
            .max(100)
            .default(75)
            .describe('Score at which a deploy is blocked (default 75: about the riskiest 1%).'),
          riskyAt: z
            .number()
            .min(0)
            .max(100)
            .default(30)
            .describe(
              'Score from which a change is "risky": it waits out peak traffic and unstaffed hours (default 30: about the riskiest 13%).',
            ),
          hardGates: z
            .array(z.enum(HARD_GATES))
            .default([])
            .describe(
              'Findings that BLOCK on their own: review (a requireReview zone without review), migrations (an irreversible migration), zones (a critical zone), tests (a zone below its minPatchCoverage).',
            ),
        })
        .describe('Where the score turns into WAIT and BLOCK.'),
    ),
    weights: z
      .partialRecord(z.enum(FACTOR_IDS), z.number().int().min(0).max(100))
      .default({})
      .describe(
        'Maximum points per factor, replacing the defaults (zones 30, size 20, ai 20, tests 15, review 15, migrations 30, history 15).',
      ),
    model: section(
      z
        .strictObject({
          hotfixDays: z
            .number()
            .int()
            .min(1)
            .max(365)
            .default(30)
            .describe(
              'Hotfix window in days: a change whose lines a later fix commit changed within this many days counts as failed (SZZ labels in backtest and calibrate).',
            ),
          weights: z
            .partialRecord(z.enum(FACTOR_IDS), z.number().int().min(0).max(100))
            .optional()
            .describe(
              'Maximum points per factor as fitted; they replace weights and the defaults for the factors named.',
            ),
          intercept: z.number().optional().describe('Fitted intercept of the change model (log-odds).'),
          coefficients: z
            .record(z.string(), z.number())
            .optional()
            .describe(
              'Fitted change-history coefficients (log-odds per percentile), replacing the shipped prior.',
            ),
          deploy: z
            .strictObject({
              a: z
                .number()
                .describe('Intercept: logit(P deploy) = a + b · logit(1 − Π(1 − p of each change)).'),
              b: z.number().min(0).describe('Slope on the naive deploy log-odds.'),
              units: z
                .enum(['ledger', 'tags', 'days'])
                .describe(
                  "The deploy-sized units it was fitted on: the ledger's deploys, release tags, or days.",
                ),
              count: z.number().int().min(0).optional().describe('How many units.'),
              failedShare: z
                .number()
                .min(0)
                .max(1)
                .optional()
                .describe(
                  'The share of those units that needed a rollback or fix (this repository’s base rate).',
                ),
            })
            .optional()
            .describe(
              "Deploy-level calibration fitted by calibrate on this repository's own deploy-sized units, replacing the prior's (fitted on a day's changes across the corpus).",
            ),
          fittedAt: z.string().min(1).optional().describe('When calibrate fitted them (YYYY-MM-DD).'),
          range: z
            .string()
            .min(1)
            .optional()
            .describe('The history they were fitted on (the backtest range).'),
          changes: z.number().int().min(0).optional().describe('Changes in that history.'),
          heldOutAuc: z
            .number()
            .min(0)
            .max(1)
            .nullable()
            .optional()
            .describe('ROC AUC of the fitted model on the newer, held-out part of the history.'),
          defaultAuc: z
            .number()
            .min(0)
            .max(1)
            .nullable()
            .optional()
            .describe('ROC AUC of the model before calibration (the prior) on the same held-out changes.'),
          baselineAuc: z
            .number()
            .min(0)
            .max(1)
            .nullable()
            .optional()
            .describe('ROC AUC of lines added alone on the same held-out changes.'),
        })
        .describe(
          'The risk model: the hotfix window, and what `deployadvisor calibrate --write` fitted to this repository (plan uses it and says so).',
        ),
    ),
    migrations: section(
      z
        .strictObject({
          paths: z
            .array(glob('A glob (picomatch).'))
            .default(DEFAULT_MIGRATION_PATHS)
            .describe('Globs of migration files.'),
          irreversiblePatterns: z
            .array(regex('Regular expression (case-insensitive) marking a migration irreversible.'))
            .default([])
            .describe('Extra regular expressions that mark a migration irreversible (case-insensitive).'),
        })
        .describe('Database migrations.'),
    ),
    ai: section(
      z
        .strictObject({
          markers: z
            .array(aiMarkerSchema)
            .default([])
            .describe('Extra patterns that mark a commit AI-assisted.'),
          ignore: z
            .array(regex('A tool name or a regular expression matched against the marker text.'))
            .default([])
            .describe('Tools (e.g. "copilot") or regular expressions whose markers are ignored.'),
        })
        .describe('AI attribution.'),
    ),
    review: section(
      z
        .strictObject({
          trailers: z
            .array(z.string().min(1))
            .default(['Reviewed-by', 'Acked-by', 'Approved-by', 'Reviewed-on'])
            .describe('Trailer keys that count as review evidence.'),
        })
        .describe('Review evidence.'),
    ),
    coverage: section(
      z
        .strictObject({
          reports: z
            .array(z.string().min(1))
            .default([])
            .describe(
              'Globs (relative to the repository) of coverage reports to read; --coverage overrides. Empty: well-known paths such as coverage/lcov.info.',
            ),
          pathMap: z
            .array(
              z.strictObject({
                from: z
                  .string()
                  .min(1)
                  .describe('Path prefix as the report writes it ("/app/", "C:\\build\\").'),
                to: z.string().describe('What to put instead ("" for the repository root, "services/api/").'),
              }),
            )
            .default([])
            .describe('Rewrites report paths to repository paths; the first matching rule applies.'),
        })
        .describe(
          'Coverage reports: LCOV, Cobertura, JaCoCo, Clover, Istanbul JSON, Go coverprofile, SimpleCov.',
        ),
    ),
    ledger: section(
      z
        .strictObject({
          ref: z
            .string()
            .regex(
              /^refs\/[A-Za-z0-9._/-]+$/,
              'expected a ref under refs/, such as refs/deployadvisor/ledger',
            )
            .default('refs/deployadvisor/ledger')
            .describe('The git ref whose commits are the ledger records.'),
          remote: z
            .string()
            .min(1)
            .default('origin')
            .describe('Remote that `ledger push`, `ledger pull` and `ledger verify` compare with.'),
        })
        .describe("The deploy ledger kept in this repository's git."),
    ),
    sources: section(sourcesSchema),
    verify: section(verifySchema),
    git: section(
      z
        .strictObject({
          shallow: z
            .enum(['inconclusive', 'warn'])
            .default('inconclusive')
            .describe(
              'What a shallow clone that cuts the deploy range does: INCONCLUSIVE, or only a warning.',
            ),
        })
        .describe('Git history settings.'),
    ),
  })
  .describe('deployadvisor policy (.deployadvisor.yml)');

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
