import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readPriorChanges } from '../collect/change-profile.js';
import { collectCoverage } from '../collect/coverage/index.js';
import { assessPlan } from '../assess/plan.js';
import { createClassifier } from '../assess/context.js';
import { deployCounts } from '../assess/deploy-history.js';
import { deploysFrom } from '../assess/deploys.js';
import type { HistoryCounts } from '../assess/factors/history.js';
import type { GitRunner } from '../collect/git-runner.js';
import type { Policy } from '../config/schema.js';
import type { LedgerRecord } from '../ledger/record.js';
import { FAIL_ON, type FailOn } from '../assess/plan-types.js';
import type { SourceFacts } from '../assess/sources.js';
import type { SourcesPolicy } from '../config/sources-schema.js';
import { systemClock } from '../collect/clock.js';
import { collectGitFacts } from '../collect/git-facts.js';
import { actorOf, ciRunUrl } from '../ledger/context.js';
import { appendRecord, readRecords } from '../ledger/store.js';
import { UserError } from '../errors.js';
import type { Io } from '../io.js';
import type { GlobalOptions } from '../main.js';
import { renderGithub } from '../render/plan-github.js';
import { renderJson } from '../render/plan-json.js';
import { renderMarkdown } from '../render/plan-markdown.js';
import { renderText } from '../render/plan-text.js';
import { cleanDeep, cleanText, guardOutput } from '../render/safe-text.js';
import { VERSION } from '../version.js';
import { pastDeploys } from './past-deploys.js';
import {
  emit,
  environmentOf,
  instantOption,
  ledgerBaseOf,
  openWorkspace,
  styleFor,
  writeUserFile,
} from './shared.js';

/** The newest deploys the history factor reads (older ones matter less, and cost time). */
const MAX_HISTORY_DEPLOYS = 300;

export interface PlanOptions {
  target: string;
  env?: string;
  from?: string;
  now?: string;
  failOn?: string;
  override?: string;
  offline?: boolean;
  coverage?: string[];
  dryRun?: boolean;
  record?: boolean;
}

/**
 * Past deploys of the env, as cohort counts for the history factor; null when the ledger has none. As
 * of `now`: ledger records and reverts after it are not known yet (a --now in the past).
 */
async function readPlanHistory(
  git: GitRunner,
  records: readonly LedgerRecord[],
  env: string,
  head: string,
  policy: Policy,
  now: number,
): Promise<HistoryCounts | null> {
  const known = records.filter((record) => Date.parse(record.at) <= now);
  const deploys = deploysFrom(known, env).slice(-MAX_HISTORY_DEPLOYS);
  if (deploys.length === 0) return null;
  const { history } = await pastDeploys(git, policy, { deploys, readFor: deploys, head, now });
  return deployCounts(history, policy.riskZones);
}

/** Parses --now: an ISO-8601 instant; without an offset it is wall-clock time in the policy's zone. */
export function parseNow(text: string, zone: string): number {
  return instantOption('--now', text, zone, '2026-11-23T14:00:00Z or 2026-11-23T06:00-08:00').toMillis();
}

interface Spinner {
  update(text: string): void;
  stop(): void;
}

const NO_SPINNER: Spinner = { update() {}, stop() {} };

/**
 * A width ora can divide by. ora counts the lines to clear as width / columns: a terminal that
 * reports 0 columns (`stty cols 0`, some serial consoles) made that Infinity, and ora wrote escape
 * codes forever. Undefined is fine (ora takes 80); 1 and huge widths give a finite count.
 */
function usableWidth(stream: NodeJS.WriteStream): boolean {
  const columns: number | undefined = stream.columns;
  return columns === undefined || (Number.isFinite(columns) && columns >= 1);
}

export async function spinner(io: Io, options: GlobalOptions, text: string): Promise<Spinner> {
  const stream = io.progressStream;
  if (
    !io.isTTY.stderr ||
    stream === undefined ||
    options.quiet === true ||
    options.format === 'github' ||
    !usableWidth(stream)
  ) {
    return NO_SPINNER;
  }
  const { default: ora } = await import('ora');
  const spin = ora({ text, stream }).start();
  // A resize to an unusable width stops the spinner before its next frame: Node sets the new size
  // and emits 'resize' in one step, so no frame is drawn in between.
  const onResize = () => {
    if (!usableWidth(stream)) stop();
  };
  const stop = () => {
    stream.off('resize', onResize);
    spin.stop();
  };
  stream.on('resize', onResize);
  return {
    update: (next) => {
      spin.text = next;
    },
    stop,
  };
}

/** The names of the configured sources, in the order collectSources asks them. */
function sourceNames(sources: SourcesPolicy): string[] {
  return [
    ...(sources.ci === undefined ? [] : [sources.ci.name]),
    ...sources.metrics.map((m) => m.name),
    ...sources.alerts.map((a) => a.name),
  ];
}

export async function runPlan(io: Io, options: GlobalOptions, planOptions: PlanOptions): Promise<number> {
  const workspace = await openWorkspace(io, options, { pullRequestPolicy: true });
  const { git, loaded, repoRoot, layout } = workspace;
  const { policy, source } = loaded;
  const env = environmentOf(workspace, planOptions.env);
  const failOn = (planOptions.failOn ?? 'wait') as FailOn;
  if (!FAIL_ON.includes(failOn))
    throw new UserError(`--fail-on ${failOn}: expected one of ${FAIL_ON.join(', ')}.`);
  if (planOptions.override !== undefined && planOptions.override.trim() === '') {
    throw new UserError('--override needs a reason: --override "hotfix for INC-123, approved by on-call".');
  }
  const now = planOptions.now === undefined ? systemClock.now() : parseNow(planOptions.now, policy.timezone);

  // The env's last successful deploy in the ledger is the base of the range (SPEC 3, rule 1).
  const records = await readRecords(git, policy.ledger.ref);
  const ledgerBase = await ledgerBaseOf(git, records, env);

  const spin = await spinner(io, options, 'Reading git history');
  let facts;
  try {
    facts = await collectGitFacts(git, {
      target: planOptions.target,
      from: planOptions.from,
      env,
      policy,
      layout,
      ledgerBase,
    });
  } finally {
    spin.stop();
  }
  const sourcesPolicy = policy.sources;
  const configured =
    sourcesPolicy.ci !== undefined || sourcesPolicy.metrics.length > 0 || sourcesPolicy.alerts.length > 0;
  // Loaded only when sources are configured: it pulls in undici.
  const askSources = async (): Promise<SourceFacts[]> => {
    const { collectSources } = await import('../collect/sources/index.js');
    const offline = planOptions.offline === true;
    const pending = sourceNames(sourcesPolicy);
    const label = () => `Asking sources: ${pending.join(', ')}`;
    // --offline asks nobody: nothing to wait for, so no spinner.
    const sourcesSpin = offline ? NO_SPINNER : await spinner(io, options, label());
    try {
      return await collectSources(sourcesPolicy, {
        env: io.env,
        offline,
        targetSha: facts.target.sha,
        ...(io.dispatcher === undefined ? {} : { dispatcher: io.dispatcher }),
        onSettled: (name) => {
          const at = pending.indexOf(name);
          if (at >= 0) pending.splice(at, 1);
          if (pending.length > 0) sourcesSpin.update(label());
        },
      });
    } finally {
      sourcesSpin.stop();
    }
  };
  const sourcesPromise: Promise<SourceFacts[]> = configured ? askSources() : Promise.resolve([]);
  const { isLowRiskChange } = createClassifier(policy);
  // Coverage and sources run side by side; Promise.all so neither can leave a rejection unhandled.
  const coveragePromise = collectCoverage({
    git,
    repoRoot,
    cwd: io.cwd,
    targetSha: facts.target.sha,
    explicit: planOptions.coverage ?? [],
    globs: policy.coverage.reports,
    pathMap: policy.coverage.pathMap,
    wanted: new Set(
      facts.diff
        .filter((file) => file.addedRanges.length > 0 && !isLowRiskChange(file))
        .map((file) => file.path),
    ),
  });
  const historyPromise = readPlanHistory(git, records, env, facts.target.sha, policy, now);
  const priorPromise = readPriorChanges(git, layout.gitDir, facts.base.sha);
  const [coverage, sources, history, priorChanges] = await Promise.all([
    coveragePromise,
    sourcesPromise,
    historyPromise,
    priorPromise,
  ]);
  const reportStamps = await Promise.all(
    coverage.reports.map(async (report) => {
      const info = await stat(resolve(repoRoot, report.path));
      return [report.path, info.size, info.mtimeMs];
    }),
  );
  const inputsDigest = createHash('sha256')
    .update(
      JSON.stringify([
        VERSION,
        env,
        facts.target.sha,
        facts.base.sha,
        source.blobSha ?? 'defaults',
        now,
        failOn,
        planOptions.override ?? null,
        reportStamps,
        // Latency varies run to run; what the sources said is the input.
        sources.map(({ latencyMs: _latency, ...said }) => said),
        // The history factor reads the ledger: a new record is a new input.
        records.at(-1)?.id ?? null,
      ]),
    )
    .digest('hex');
  const plan = assessPlan({
    // What loading the policy noticed comes first: it was found first.
    facts: { ...facts, diagnostics: [...workspace.diagnostics, ...facts.diagnostics] },
    coverage,
    policy,
    policySource: { source: source.kind, path: source.path, ref: source.ref, blobSha: source.blobSha },
    env,
    now,
    failOn,
    override: planOptions.override,
    toolVersion: VERSION,
    inputsDigest,
    sources,
    history,
    priorChanges,
  });

  // JSON carries the exact strings (escaped by JSON itself); every other format gets one-line values.
  const shown = options.format === 'json' ? plan : cleanDeep(plan);
  let summaryError: UserError | null = null;
  switch (options.format) {
    case 'json':
      await emit(io, options, renderJson(plan));
      break;
    case 'markdown':
      await emit(io, options, renderMarkdown(shown));
      break;
    case 'github': {
      const out = renderGithub(shown);
      await emit(io, options, out.stdout, { workflowCommands: true });
      const summaryFile = io.env.GITHUB_STEP_SUMMARY;
      let summaryWritten = false;
      if (summaryFile !== undefined && summaryFile !== '') {
        try {
          await writeUserFile(
            'GITHUB_STEP_SUMMARY',
            resolve(io.cwd, summaryFile),
            guardOutput(out.summary),
            'a',
          );
          summaryWritten = true;
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          // The error (exit 2) waits until the plan is printed and, with --record, recorded.
          summaryError = error;
        }
      }
      // Without a step summary the plan goes to stdout: it is never lost.
      if (!summaryWritten) await emit(io, { ...options, output: undefined }, out.summary);
      break;
    }
    case 'text':
      await emit(io, options, renderText(shown, await styleFor(io, options)));
      break;
  }
  if (planOptions.override !== undefined && plan.overridden === null) {
    io.stderr(
      plan.verdict === 'INCONCLUSIVE'
        ? 'deployadvisor: --override cannot turn INCONCLUSIVE into GO: supply the missing evidence (see the plan).\n'
        : `deployadvisor: --override ignored: the verdict is already ${plan.verdict}.\n`,
    );
  }
  if (planOptions.record === true && planOptions.dryRun !== true) {
    const record = await appendRecord(git, policy.ledger.ref, {
      schema: 'deployadvisor.record/1',
      type: plan.overridden === null ? 'plan' : 'override',
      env,
      sha: facts.target.sha,
      base: facts.base.sha,
      at: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      backfilled: false,
      recordedAt: new Date(systemClock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      actor: await actorOf(git, io.env),
      ciRunUrl: ciRunUrl(io.env),
      plan: {
        verdict: plan.verdict,
        overriddenFrom: plan.overridden === null ? null : plan.overridden.from === 'WAIT' ? 'WAIT' : 'BLOCK',
        score: plan.score,
        factors: plan.factors.map(({ id, points, max, summary }) => ({ id, points, max, summary })),
        gates: plan.gates.map(({ id, level, title }) => ({ id, level, title })),
        policyBlob: source.blobSha,
        policySource: source.kind,
        inputsDigest: plan.inputsDigest,
        sources: plan.sources.map(({ name, status }) => ({ name, status })),
      },
      planId: null,
      reason: plan.overridden?.reason ?? null,
    });
    if (options.quiet !== true) {
      io.stderr(
        `deployadvisor: recorded ${record.type} #${record.seq} for ${env} (id ${record.id.slice(0, 12)}) in ${policy.ledger.ref}\n`,
      );
    }
  }
  if (plan.overridden !== null && options.format !== 'text') {
    io.stderr(
      `deployadvisor: OVERRIDE: ${plan.overridden.from} turned into GO. Reason: "${cleanText(plan.overridden.reason)}"\n`,
    );
  }
  if (summaryError !== null) throw summaryError;
  return plan.exitCode;
}
