import { z } from 'zod';
import { jsonPathProblem } from './json-path.js';

/**
 * The `sources` section of the policy: live evidence from CI, metrics and alerts (SPEC 4.4, 4.5).
 * Secrets never live in the policy: `tokenEnv` names the environment variable that holds the token.
 */

export const ON_ERROR = ['block', 'wait', 'inconclusive', 'ignore'] as const;
export type OnError = (typeof ON_ERROR)[number];

export const CI_PROVIDERS = ['github', 'gitlab', 'circleci'] as const;
export const METRIC_PROVIDERS = ['prometheus', 'datadog', 'http-json'] as const;
export const METRIC_ROLES = ['health', 'load'] as const;

const onError = z
  .enum(ON_ERROR)
  .default('wait')
  .describe(
    'What an outage of this source does to the verdict: block, wait, inconclusive, or ignore (shown, no gate).',
  );
const onNoData = z
  .enum(ON_ERROR)
  .default('wait')
  .describe('What an answer without data (no series, no runs) does to the verdict; same choices as onError.');
const required = z
  .boolean()
  .default(false)
  .describe(
    'Evidence the verdict cannot do without: when it is missing (outage, no data, --offline) the plan is at least INCONCLUSIVE.',
  );
const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+/, 'expected an http:// or https:// URL such as http://prometheus:9090')
  .describe('Base URL of the endpoint.');
const tokenEnv = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the NAME of an environment variable, such as GITHUB_TOKEN')
  .optional()
  .describe(
    'Name of the environment variable holding the token (the token itself never goes in the policy).',
  );
const timeoutMs = z
  .number()
  .int()
  .min(1)
  .max(120_000)
  .optional()
  .describe(
    'Per-request timeout for this source, in ms; the overall deadline (sources.timeoutMs) still applies.',
  );
const name = z.string().min(1).describe('Name shown in the plan and the ledger.');

export const ciSourceSchema = z
  .strictObject({
    name: name.default('ci'),
    provider: z.enum(CI_PROVIDERS).describe('github (Actions), gitlab (pipelines) or circleci (insights).'),
    repo: z
      .string()
      .min(1)
      .describe('Repository or project: "acme/web" (GitHub, GitLab), "gh/acme/web" (CircleCI).'),
    url: httpUrl.optional().describe("API base URL; defaults to the provider's public API."),
    branch: z.string().min(1).default('main').describe('Main branch whose success rate is measured.'),
    runs: z.number().int().min(1).max(100).default(20).describe('How many recent main-branch runs to count.'),
    tokenEnv,
    timeoutMs,
    minSuccessRate: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe('Main-branch success rate (0-1) below which CI health counts against the deploy.'),
    onError,
    onNoData,
    required,
  })
  .describe("CI: main-branch success rate and the target commit's own status.");

export const metricSourceSchema = z
  .strictObject({
    name,
    provider: z
      .enum(METRIC_PROVIDERS)
      .describe('prometheus (instant query), datadog (metric query) or http-json.'),
    url: httpUrl
      .optional()
      .describe(
        'Base URL (prometheus; datadog, default https://api.datadoghq.com) or the full URL to GET (http-json).',
      ),
    query: z
      .string()
      .min(1)
      .optional()
      .describe('PromQL or Datadog query; for http-json, a JSON path such as $.data.errorRate.'),
    max: z.number().optional().describe('Breach when the value is above this.'),
    min: z.number().optional().describe('Breach when the value is below this.'),
    nonFinite: z
      .enum(['breach', 'ignore'])
      .default('breach')
      .describe(
        'What a +Inf, -Inf or NaN value means: breach (default: a breach of max or min, as histogram_quantile answers +Inf for the worst latencies) or ignore (left out; only such values is no data).',
      ),
    role: z
      .enum(METRIC_ROLES)
      .default('health')
      .describe('health: a breach makes every deploy WAIT; load: a breach makes risky changes WAIT.'),
    tokenEnv,
    appKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected the NAME of an environment variable, such as DD_APP_KEY')
      .optional()
      .describe(
        'datadog only: name of the environment variable holding the application key (DD-APPLICATION-KEY); tokenEnv holds the API key (DD-API-KEY).',
      ),
    timeoutMs,
    onError,
    onNoData,
    required,
  })
  .superRefine((metric, ctx) => {
    if (metric.url === undefined && metric.provider !== 'datadog') {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `the ${metric.provider} source needs a url`,
      });
    }
    if (metric.provider === 'datadog' && metric.tokenEnv === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['tokenEnv'],
        message: 'the datadog source needs tokenEnv: the environment variable holding the API key',
      });
    }
    if (metric.appKeyEnv !== undefined && metric.provider !== 'datadog') {
      ctx.addIssue({
        code: 'custom',
        path: ['appKeyEnv'],
        message: 'appKeyEnv is for the datadog source only',
      });
    }
    if (metric.provider === 'http-json' && metric.query !== undefined) {
      const problem = jsonPathProblem(metric.query);
      if (problem !== null) ctx.addIssue({ code: 'custom', path: ['query'], message: problem });
    }
    if (metric.max === undefined && metric.min === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['max'],
        message: 'a metric needs a threshold: max, min or both',
      });
    }
    if (metric.query === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['query'],
        message: `the ${metric.provider} source needs a query`,
      });
    }
  })
  .describe('A production metric with a threshold.');

export const alertSourceSchema = z
  .strictObject({
    name,
    provider: z.literal('alertmanager').describe('Alertmanager (/api/v2/alerts).'),
    url: httpUrl,
    matchers: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Alertmanager filter matchers such as severity="critical"; firing alerts matching all of them WAIT.',
      ),
    tokenEnv,
    timeoutMs,
    onError,
    onNoData,
    required,
  })
  .describe('Firing alerts that make a deploy wait.');

export const sourcesSchema = z
  .strictObject({
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(300_000)
      .default(10_000)
      .describe('One overall deadline for all sources, in ms; they are asked concurrently.'),
    ci: ciSourceSchema.optional(),
    metrics: z.array(metricSourceSchema).default([]).describe('Production metrics.'),
    alerts: z.array(alertSourceSchema).default([]).describe('Alert sources.'),
  })
  .superRefine((sources, ctx) => {
    const seen = new Set<string>();
    const names = [
      ...(sources.ci === undefined ? [] : [{ path: ['ci', 'name'], name: sources.ci.name }]),
      ...sources.metrics.map((m, i) => ({ path: ['metrics', i, 'name'], name: m.name })),
      ...sources.alerts.map((a, i) => ({ path: ['alerts', i, 'name'], name: a.name })),
    ];
    for (const entry of names) {
      if (seen.has(entry.name))
        ctx.addIssue({ code: 'custom', path: entry.path, message: `duplicate source name "${entry.name}"` });
      seen.add(entry.name);
    }
  })
  .describe('Live evidence: CI, production metrics and alerts. --offline skips them all.');

export type SourcesPolicy = z.output<typeof sourcesSchema>;
export type CiSource = z.output<typeof ciSourceSchema>;
export type MetricSource = z.output<typeof metricSourceSchema>;
export type AlertSource = z.output<typeof alertSourceSchema>;
