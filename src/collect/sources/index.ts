import type { SourceFacts } from '../../assess/sources.js';
import type { SourcesPolicy } from '../../config/sources-schema.js';
import { createHttpClient, type HttpClient } from '../http.js';
import { collectAlertmanager } from './alertmanager.js';
import { collectDatadog } from './datadog.js';
import { collectHttpJson } from './http-json.js';
import { collectCircleci } from './ci-circleci.js';
import { collectGithub } from './ci-github.js';
import { collectGitlab } from './ci-gitlab.js';
import { collectPrometheus } from './prometheus.js';
import { systemClock } from '../clock.js';

/**
 * Asks every configured source concurrently under one overall deadline (sources.timeoutMs). Loaded
 * lazily by `plan` (it pulls in undici). Never throws for an endpoint problem: each source ends as facts.
 */

export interface CollectSourcesOptions {
  env: Record<string, string | undefined>;
  offline: boolean;
  /** The commit being deployed: CI sources report its own status. */
  targetSha?: string;
  /** undici dispatcher for tests (MockAgent); production uses the global one. */
  dispatcher?: import('undici').Dispatcher;
  /** Called with a source's name as soon as that source has its answer (for progress display). */
  onSettled?: (name: string) => void;
}

type Probe = Omit<SourceFacts, 'name' | 'kind' | 'query'>;

/** Credential headers from the variable named by tokenEnv; null with a reason when it is unset. */
export function authFrom(
  tokenEnv: string | undefined,
  env: CollectSourcesOptions['env'],
  header: (token: string) => Record<string, string>,
): { auth: Record<string, string> } | { missing: string } {
  if (tokenEnv === undefined) return { auth: {} };
  const token = env[tokenEnv];
  if (token === undefined || token === '')
    return { missing: `environment variable ${tokenEnv} (tokenEnv) is not set` };
  return { auth: header(token) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Job {
  name: string;
  kind: SourceFacts['kind'];
  query: string | null;
  run: (http: HttpClient) => Promise<Probe>;
}

function ciJob(ci: NonNullable<SourcesPolicy['ci']>, options: CollectSourcesOptions): Job {
  return {
    name: ci.name,
    kind: 'ci',
    query:
      ci.provider === 'circleci'
        ? `${ci.repo} ${ci.branch}, insights workflows`
        : `${ci.repo} ${ci.branch}, last ${ci.runs} runs`,
    run: async (http) => {
      const header =
        ci.provider === 'github'
          ? bearer
          : ci.provider === 'gitlab'
            ? (token: string) => ({ 'private-token': token })
            : (token: string) => ({ 'circle-token': token });
      const credentials = authFrom(ci.tokenEnv, options.env, header);
      if ('missing' in credentials)
        return { latencyMs: null, outcome: { status: 'unavailable', reason: credentials.missing } };
      if (ci.provider === 'github') return collectGithub(http, ci, credentials.auth, options.targetSha);
      if (ci.provider === 'gitlab') return collectGitlab(http, ci, credentials.auth, options.targetSha);
      return collectCircleci(http, ci, credentials.auth);
    },
  };
}

function metricJob(metric: SourcesPolicy['metrics'][number], options: CollectSourcesOptions): Job {
  return {
    name: metric.name,
    kind: 'metric',
    query: metric.query ?? null,
    run: async (http) => {
      const credentials =
        metric.provider === 'datadog'
          ? authFrom(metric.tokenEnv, options.env, (key) => ({ 'DD-API-KEY': key }))
          : authFrom(metric.tokenEnv, options.env, bearer);
      if ('missing' in credentials)
        return { latencyMs: null, outcome: { status: 'unavailable', reason: credentials.missing } };
      if (metric.provider === 'prometheus') return collectPrometheus(http, metric, credentials.auth);
      if (metric.provider === 'http-json') return collectHttpJson(http, metric, credentials.auth);
      const appKey = authFrom(metric.appKeyEnv, options.env, (key) => ({ 'DD-APPLICATION-KEY': key }));
      if ('missing' in appKey)
        return {
          latencyMs: null,
          outcome: { status: 'unavailable', reason: appKey.missing.replace('(tokenEnv)', '(appKeyEnv)') },
        };
      return collectDatadog(http, metric, { ...credentials.auth, ...appKey.auth });
    },
  };
}

function alertJob(alert: SourcesPolicy['alerts'][number], options: CollectSourcesOptions): Job {
  return {
    name: alert.name,
    kind: 'alerts',
    query: alert.matchers.length === 0 ? '(all alerts)' : alert.matchers.join(', '),
    run: async (http) => {
      const credentials = authFrom(alert.tokenEnv, options.env, bearer);
      if ('missing' in credentials)
        return { latencyMs: null, outcome: { status: 'unavailable', reason: credentials.missing } };
      return collectAlertmanager(http, alert, credentials.auth);
    },
  };
}

/** Runs the jobs concurrently under the policy's one overall deadline; a probe per job, in order. */
async function runJobs(
  jobs: readonly Job[],
  policy: SourcesPolicy,
  options: CollectSourcesOptions,
): Promise<Array<Probe | undefined>> {
  const timeoutFor = (name: string): number | undefined =>
    [policy.ci, ...policy.metrics, ...policy.alerts].find((s) => s?.name === name)?.timeoutMs;
  // One deadline for all: each source gets its own client (its own per-request timeout) on a shared clock.
  const started = systemClock.monotonic();
  return Promise.all(
    jobs.map(async (job) => {
      const http = createHttpClient({
        timeoutMs: Math.min(timeoutFor(job.name) ?? policy.timeoutMs, policy.timeoutMs),
        deadlineMs: Math.max(0, policy.timeoutMs - (systemClock.monotonic() - started)),
        ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      });
      try {
        return await job.run(http);
      } finally {
        options.onSettled?.(job.name);
      }
    }),
  );
}

export async function collectSources(
  policy: SourcesPolicy,
  options: CollectSourcesOptions,
): Promise<SourceFacts[]> {
  const jobs: Job[] = [];
  if (policy.ci !== undefined) jobs.push(ciJob(policy.ci, options));
  for (const metric of policy.metrics) jobs.push(metricJob(metric, options));
  for (const alert of policy.alerts) jobs.push(alertJob(alert, options));
  if (options.offline) {
    return jobs.map((job) => ({
      name: job.name,
      kind: job.kind,
      query: job.query,
      latencyMs: null,
      outcome: { status: 'skipped', reason: '--offline: not asked' },
    }));
  }
  const probes = await runJobs(jobs, policy, options);
  return jobs.map((job, i) => ({
    name: job.name,
    kind: job.kind,
    query: job.query,
    ...(probes[i] ?? { latencyMs: null, outcome: { status: 'unavailable' as const, reason: 'not run' } }),
  }));
}
