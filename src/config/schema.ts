import { z } from 'zod';
import {
  DEFAULT_BRANCH,
  DEFAULT_DEPLOY_MINUTES,
  DEFAULT_ENVIRONMENT,
  DEFAULT_LOW_RISK_PATHS,
  DEFAULT_MIGRATION_PATHS,
} from './defaults.js';
import { FACTOR_IDS, modelSchema } from './model-schema.js';
import { glob, regex } from './pattern-schema.js';
import { servicesSchemaOf } from './services-schema.js';
import { sourcesSchema } from './sources-schema.js';
import { freezeSchema, timeZone, windowSchema } from './time-schema.js';
import { verifySchema } from './verify-schema.js';

/**
 * The policy file `.deployadvisor.yml`. This schema is the single source of the config types, of the
 * JSON Schema (`deployadvisor config schema`) and of the key descriptions in the docs.
 */

export const RISK_LEVELS = ['critical', 'high', 'medium', 'low'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const HARD_GATES = ['review', 'migrations', 'zones', 'tests'] as const;
export type HardGate = (typeof HARD_GATES)[number];

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

const environmentSchema = z
  .strictObject({
    branch: z
      .string()
      .min(1)
      .default(DEFAULT_BRANCH)
      .describe('Branch deploys to this environment come from.'),
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
      .default(DEFAULT_DEPLOY_MINUTES)
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
    model: section(modelSchema),
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
