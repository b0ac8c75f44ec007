import { deploysFrom } from '../assess/deploys.js';
import type { Diagnostic } from '../assess/facts.js';
import { AI_HEAVY } from '../assess/factors/history.js';
import { assessInsights } from '../assess/insights.js';
import type { Insights, MainBranchHealth } from '../assess/insights-types.js';
import { mainBranchFromReverts } from '../assess/main-branch.js';
import { readFirstParent } from '../collect/history.js';
import { DEFAULT_ENVIRONMENT } from '../config/defaults.js';
import type { Policy } from '../config/schema.js';
import { UserError } from '../errors.js';
import { VERSION } from '../version.js';
import { parseNow, sinceOption } from './instants.js';
import { pastDeploys } from './past-deploys.js';
import type { AppPorts, Progress, WorkspaceRequest } from './ports.js';
import { envBranch } from './range.js';
import { recordsOfService, serviceOf } from './services.js';
import { environmentOf, ledgerRecords, openWorkspace, type Workspace } from './workspace.js';

export interface InsightsRequest extends WorkspaceRequest {
  since: string;
  env?: string | undefined;
  /** A service of the policy (monorepos): only its ledger records. */
  service?: string | undefined;
  now?: string | undefined;
  offline?: boolean | undefined;
}

/** Main-branch CI success from the configured CI source; null when there is none or it cannot answer. */
async function ciHealth(
  ports: AppPorts,
  policy: Policy,
  branch: string,
  sha: string,
): Promise<MainBranchHealth | null> {
  if (policy.sources.ci === undefined) return null;
  const { collectSources } = await import('../collect/sources/index.js');
  const facts = await collectSources(
    { ...policy.sources, metrics: [], alerts: [] },
    {
      env: ports.env,
      offline: false,
      targetSha: sha,
      ...(ports.dispatcher === undefined ? {} : { dispatcher: ports.dispatcher }),
    },
  );
  const ci = facts.find((fact) => fact.kind === 'ci');
  if (ci?.outcome.status !== 'ci' || ci.outcome.ci.runs === 0) return null;
  const { runs, succeeded } = ci.outcome.ci;
  return {
    source: 'ci',
    branch,
    successRate: succeeded / runs,
    total: runs,
    failed: runs - succeeded,
    summary: `${succeeded} of ${runs} completed ${branch} runs succeeded (CI source ${ci.name}).`,
  };
}

/** `insights`: DORA keys and failure rates over a window, from the ledger and git (and CI when asked). */
export async function insightsOf(ports: AppPorts, insightsOptions: InsightsRequest): Promise<Insights> {
  const workspace = await openWorkspace(ports, insightsOptions);
  const { policy } = workspace.loaded;
  const env = environmentOf(workspace, insightsOptions.env);
  const envPolicy = policy.environments[env] ?? DEFAULT_ENVIRONMENT;
  const now =
    insightsOptions.now === undefined ? ports.clock.now() : parseNow(insightsOptions.now, policy.timezone);
  const sinceText = insightsOptions.since;
  const sinceIso = sinceOption(sinceText, now, policy.timezone);
  const since = Date.parse(sinceIso);
  if (since >= now) {
    throw new UserError(
      `--since "${sinceText}": the window must start before now (${new Date(now).toISOString()}).`,
    );
  }

  const progress = await ports.progress(`Reading the ledger and git history of ${env}`);
  try {
    return await assembleInsights(
      ports,
      workspace,
      {
        env,
        envPolicy,
        now,
        since,
        sinceIso,
        offline: insightsOptions.offline === true,
        service: insightsOptions.service,
      },
      progress,
    );
  } finally {
    progress.stop();
  }
}

/** The report itself, once the request is checked: ledger, git history, CI, assessed. */
async function assembleInsights(
  ports: AppPorts,
  workspace: Workspace,
  request: {
    env: string;
    envPolicy: typeof DEFAULT_ENVIRONMENT;
    now: number;
    since: number;
    sinceIso: string;
    offline: boolean;
    service: string | undefined;
  },
  progress: Progress,
): Promise<Insights> {
  const { env, envPolicy, now, since, sinceIso } = request;
  const { policy } = workspace.loaded;
  // As of `now`: ledger records and commits after it are not known yet (a --now in the past).
  const service = serviceOf(workspace, request.service, env);
  const records = recordsOfService(await ledgerRecords(workspace), service).filter(
    (record) => Date.parse(record.at) <= now,
  );
  const deploys = deploysFrom(records, env);
  const branch = await envBranch(workspace.git, envPolicy.branch);
  // Git history is read only for the deploys in the window: the first one's base (the deploy before the
  // window) bounds the read, so a long ledger does not make a 90-day report read years of history.
  const inWindow = deploys.filter((deploy) => Date.parse(deploy.at) >= since);
  const firstParent = (await readFirstParent(workspace.git, branch.sha, sinceIso)).filter(
    (commit) => Date.parse(commit.committer.date) <= now,
  );
  const { history, read, reverts } = await pastDeploys(workspace.git, policy, {
    deploys,
    readFor: inWindow,
    head: branch.sha,
    now,
    extra: firstParent,
    gitDir: workspace.layout.gitDir,
  });

  const diagnostics: Diagnostic[] = [...workspace.diagnostics];
  if (deploys.length === 0) {
    diagnostics.push({
      id: 'no-deploys',
      level: 'warning',
      message: `The ledger (${policy.ledger.ref}) has no deploys for ${env}${service === null ? '' : ` of service ${service}`}, so the DORA keys and failure rates are empty.`,
      remedy: `Record deploys with \`deployadvisor record succeeded --env ${env}\` (and failed / rolled-back), or backfill past ones with --at.`,
    });
  }
  if (read.missing.length > 0) {
    diagnostics.push({
      id: 'deploys-not-in-clone',
      level: 'warning',
      message: `${read.missing.length} deployed commit(s) are not in this clone (${read.missing
        .slice(0, 3)
        .map((sha) => sha.slice(0, 10))
        .join(', ')}), so what they shipped is unknown.`,
      remedy: 'Fetch the full history (git fetch --unshallow, or fetch-depth: 0 in CI).',
    });
  }
  if (workspace.layout.isShallow) {
    diagnostics.push({
      id: 'shallow-clone',
      level: 'warning',
      message: 'This is a shallow clone: commits and reverts older than its depth are not seen.',
      remedy: 'Fetch the full history (git fetch --unshallow, or fetch-depth: 0 in CI).',
    });
  }

  if (!request.offline) progress.update('Asking CI about the main branch');
  const ci = request.offline ? null : await ciHealth(ports, policy, branch.ref, branch.sha);
  const insights = assessInsights({
    history,
    env,
    since,
    until: now,
    timezone: policy.timezone,
    aiShareThreshold: AI_HEAVY,
    mainBranch: ci ?? mainBranchFromReverts(firstParent, reverts, branch, since, now),
    toolVersion: VERSION,
    diagnostics,
  });

  return insights;
}
