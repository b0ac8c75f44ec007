import { verifyReason } from '../assess/verify.js';
import type { VerifyResult } from '../assess/verify-types.js';
import { resolveCommit } from '../collect/git-facts.js';
import { UserError } from '../errors.js';
import { actorOf, ciRunUrl } from '../ledger/context.js';
import type { LedgerRecord, RecordBody } from '../ledger/record.js';
import { parseNow } from './instants.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { appendTo } from './record.js';
import { judgeRound, verifyTargets, windowsOf, type Round } from './verify-metrics.js';
import { environmentOf, ledgerRecords, openWorkspace, type Workspace } from './workspace.js';

export interface VerifyRequest extends WorkspaceRequest {
  env?: string | undefined;
  sha?: string | undefined;
  now?: string | undefined;
  watch?: boolean | undefined;
  record?: boolean | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const OUTCOMES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'rolled-back']);

/** The deploy to verify: the env's newest `started` record (of --sha) known at `now`. */
async function startedRecord(
  workspace: Workspace,
  records: readonly LedgerRecord[],
  request: { env: string; sha: string | undefined; now: number },
): Promise<LedgerRecord> {
  let sha: string | null = null;
  if (request.sha !== undefined) {
    sha = await resolveCommit(workspace.git, request.sha);
    if (sha === null) throw new UserError(`--sha ${request.sha}: not a commit in this repository.`);
  }
  const found = records
    .filter((r) => r.type === 'started' && r.env === request.env && (sha === null || r.sha === sha))
    .filter((r) => Date.parse(r.at) <= request.now)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq))
    .at(-1);
  if (found === undefined) {
    const which = sha === null ? '' : ` of ${sha.slice(0, 12)}`;
    throw new UserError(
      `no deploy${which} to verify: ${workspace.loaded.policy.ledger.ref} has no \`started\` record${which} for ${request.env} at or before ${iso(request.now)}.`,
      {
        hint: 'Record the deploy as it starts (`deployadvisor record started --env <env> --sha <sha>`), then run verify after it.',
      },
    );
  }
  return found;
}

/** The outcome already recorded for this deploy, if any: --record never writes a second one. */
function outcomeOf(records: readonly LedgerRecord[], started: LedgerRecord): LedgerRecord | null {
  return (
    records.find(
      (r) =>
        OUTCOMES.has(r.type) &&
        r.env === started.env &&
        (r.deployId === started.id || (r.sha === started.sha && r.seq > started.seq)),
    ) ?? null
  );
}

/** The ledger record of a finished verification: succeeded or failed, linked to its `started` record. */
async function outcomeRecord(
  ports: AppPorts,
  workspace: Workspace,
  started: LedgerRecord,
  result: VerifyResult,
): Promise<RecordBody> {
  const verdict = result.verdict === 'PASS' ? 'PASS' : 'FAIL';
  return {
    schema: 'deployadvisor.record/1',
    type: verdict === 'PASS' ? 'succeeded' : 'failed',
    env: started.env,
    sha: started.sha,
    base: started.base,
    at: result.window.until,
    backfilled: false,
    recordedAt: iso(ports.clock.now()),
    actor: await actorOf(workspace.git, ports.env),
    ciRunUrl: ciRunUrl(ports.env),
    plan: null,
    planId: started.planId,
    reason: verifyReason(result),
    deployId: started.id,
    verification: {
      verdict,
      window: { from: result.window.from, to: result.window.until },
      metrics: result.metrics.map((m) => ({
        name: m.name,
        status: m.status,
        baseline: m.median.baseline,
        after: m.median.after,
        relativeShift: m.relativeShift,
        p: m.p,
      })),
    },
  };
}

/** Judges until the verdict is final: the window closed, or a critical metric failed. */
async function watch(ports: AppPorts, round: Round, first: VerifyResult): Promise<VerifyResult> {
  const interval = round.policy.verify.watchIntervalSeconds * 1000;
  if (first.window.complete || first.failedFast) return first;
  const progress = await ports.progress(
    `Watching ${round.targets.length} metric(s) until ${first.window.to}`,
  );
  let result = first;
  try {
    while (!result.window.complete && !result.failedFast) {
      const now = ports.clock.now();
      const next = Math.min(round.windows.closesAt, Math.max(now + interval, round.windows.afterFrom));
      const pending = result.metrics.filter((m) => m.status !== 'pass').map((m) => `${m.name} ${m.status}`);
      progress.update(
        `Watching ${round.targets.length} metric(s) until ${result.window.to}${pending.length === 0 ? '' : `; ${pending.join(', ')}`}`,
      );
      await ports.clock.sleep(Math.max(0, next - now));
      const rounds = result.rounds + 1;
      result = { ...(await judgeRound(ports, round, ports.clock.now())), rounds };
    }
  } finally {
    progress.stop();
  }
  return result;
}

/** `verify`: judge the deploy from its metrics (watching with --watch), and record the outcome with --record. */
export async function verifyDeploy(ports: AppPorts, request: VerifyRequest): Promise<VerifyResult> {
  if (request.watch === true && request.now !== undefined) {
    throw new UserError(
      '--watch and --now do not go together: --watch follows the clock, --now fixes one instant.',
    );
  }
  const workspace = await openWorkspace(ports, request);
  const { policy, source } = workspace.loaded;
  const env = environmentOf(workspace, request.env);
  const targets = verifyTargets(policy, source.path ?? 'the policy');
  if (targets.length === 0) {
    throw new UserError(
      `${source.path ?? 'the policy (defaults)'}: no metric to verify: sources.metrics has no prometheus or datadog health metric, and verify.metrics names none.`,
      { hint: 'Add a metric under sources.metrics (see docs/verify.md).' },
    );
  }
  const now = request.now === undefined ? ports.clock.now() : parseNow(request.now, policy.timezone);
  const records = await ledgerRecords(workspace);
  const started = await startedRecord(workspace, records, { env, sha: request.sha, now });
  const existing = request.record === true ? outcomeOf(records, started) : null;
  if (existing !== null) {
    throw new UserError(
      `--record: the deploy of ${started.sha.slice(0, 12)} started at ${started.at} (record #${started.seq}) already has an outcome: ${existing.type} #${existing.seq} (id ${existing.id.slice(0, 12)}); verify records one outcome per deploy.`,
      { hint: 'Run verify without --record to see the metrics.' },
    );
  }
  const deployMinutes = policy.environments[env]?.deployMinutes ?? 0;
  const round: Round = {
    env,
    started,
    deployMinutes,
    windows: windowsOf(started, deployMinutes, policy.verify),
    targets,
    policy,
  };
  let result = await judgeRound(ports, round, now);
  if (request.watch === true) result = await watch(ports, round, result);
  if (request.record !== true) return result;
  if (result.verdict === 'INCONCLUSIVE') {
    return {
      ...result,
      recorded: { skipped: 'INCONCLUSIVE: nothing recorded; the ledger learns only a PASS or a FAIL' },
    };
  }
  const stored = await appendTo(workspace, await outcomeRecord(ports, workspace, started, result));
  return {
    ...result,
    recorded: { type: stored.type === 'succeeded' ? 'succeeded' : 'failed', seq: stored.seq, id: stored.id },
  };
}
