import { deploysFrom, type Deploy } from '../assess/deploys.js';
import { resolveCommit } from '../collect/git-facts.js';
import { suggestKey } from '../config/suggest.js';
import { UserError } from '../errors.js';
import { actorOf, ciRunUrl } from '../ledger/context.js';
import { assertCorrectable, findRecord, inEffect } from '../ledger/corrections.js';
import { lastSucceeded } from '../ledger/queries.js';
import {
  DEPLOY_EVENTS,
  type DeployEvent,
  type DeployTraits,
  type LedgerRecord,
  type RecordBody,
} from '../ledger/record.js';
import { traitsOf } from './deploy-traits.js';
import { appendRecord } from '../ledger/store.js';
import { instantOption } from './instants.js';
import { recordsOfService, serviceOf } from './services.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { allLedgerRecords, environmentOf, openWorkspace, type Workspace } from './workspace.js';

/** How far ahead of this machine's clock `record --at` may be: clock skew between machines, not a plan. */
export const MAX_FUTURE_SKEW_MINUTES = 5;

export interface RecordRequest extends WorkspaceRequest {
  event: string;
  env?: string | undefined;
  /** A service of the policy (monorepos): the record carries it. */
  service?: string | undefined;
  sha?: string | undefined;
  reason?: string | undefined;
  plan?: string | undefined;
  at?: string | undefined;
  /** The record (number or id prefix) this one replaces: a mistyped --at, a wrong --sha. */
  corrects?: string | undefined;
}

export interface RecordResult {
  env: string;
  sha: string;
  record: LedgerRecord;
}

/** Appends a record to the workspace's ledger. */
export async function appendTo(workspace: Workspace, body: RecordBody): Promise<LedgerRecord> {
  return appendRecord(workspace.git, workspace.loaded.policy.ledger.ref, body);
}

function parseAt(text: string | undefined, zone: string, now: number): string | null {
  if (text === undefined) return null;
  const parsed = instantOption('--at', text, zone, '2026-11-20T17:05:00Z');
  const iso = parsed.toUTC().toISO({ suppressMilliseconds: true }) ?? text;
  if (parsed.toMillis() > now + MAX_FUTURE_SKEW_MINUTES * 60_000) {
    throw new UserError(
      `--at "${text}" (${iso}) is in the future: this machine's clock says ${new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')}. --at records a past event; up to ${MAX_FUTURE_SKEW_MINUTES} minutes ahead is accepted for clock skew.`,
    );
  }
  return iso;
}

/** The plan record `--plan <id prefix>` names, or an error naming it. */
function planIdOf(records: readonly LedgerRecord[], prefix: string | undefined): string | null {
  if (prefix === undefined) return null;
  const plan = records.find(
    (record) => record.id.startsWith(prefix) && (record.type === 'plan' || record.type === 'override'),
  );
  if (plan === undefined) throw new UserError(`--plan ${prefix}: no plan record with that id in the ledger.`);
  return plan.id;
}

/**
 * What a deploy event's deploy shipped (the record's `traits`), after the env's deploys recorded before
 * it; none for a rollback, which ships nothing.
 */
async function eventTraits(
  workspace: Workspace,
  records: readonly LedgerRecord[],
  body: RecordBody,
): Promise<DeployTraits | null> {
  if (body.type === 'rolled-back') return null;
  const earlier = deploysFrom(
    records.filter((record) => record.at <= body.at),
    body.env,
  );
  const deploy: Deploy = {
    env: body.env,
    sha: body.sha,
    base: body.base,
    at: body.at,
    endedAt: body.at,
    outcome: body.type === 'failed' ? 'failed' : 'succeeded',
    restoredAt: null,
    reason: body.reason,
  };
  const [traits] = await traitsOf(workspace.git, workspace.loaded.policy, {
    earlier,
    deploys: [deploy],
    head: body.sha,
    gitDir: workspace.layout.gitDir,
    shallow: workspace.layout.isShallow,
  });
  return traits ?? null;
}

/** `record <event>`: a deploy event for an environment, appended to the ledger. */
export async function recordEvent(ports: AppPorts, request: RecordRequest): Promise<RecordResult> {
  const { event } = request;
  if (!(DEPLOY_EVENTS as readonly string[]).includes(event)) {
    const suggestion = suggestKey(event, DEPLOY_EVENTS);
    throw new UserError(
      `record ${event}: expected one of ${DEPLOY_EVENTS.join(', ')}.`,
      suggestion === null ? {} : { hint: `Did you mean \`record ${suggestion}\`?` },
    );
  }
  const workspace = await openWorkspace(ports, request);
  const { policy } = workspace.loaded;
  const all = await allLedgerRecords(workspace);
  // --corrects: what is not given again is taken from the record corrected.
  const corrected = request.corrects === undefined ? null : findRecord(all, request.corrects, '--corrects');
  if (corrected !== null) assertCorrectable(all, corrected, '--corrects');
  if (corrected !== null && !(DEPLOY_EVENTS as readonly string[]).includes(corrected.type)) {
    throw new UserError(
      `--corrects #${corrected.seq}: that is a ${corrected.type} record; record corrects deploy events (${DEPLOY_EVENTS.join(', ')}).`,
      { hint: `Use \`deployadvisor ledger void ${corrected.seq} --reason "..."\` to take it out.` },
    );
  }
  const env = environmentOf(workspace, request.env ?? corrected?.env);
  const service = serviceOf(workspace, request.service ?? corrected?.service ?? undefined, env);
  const reason = request.reason?.trim() ?? corrected?.reason ?? undefined;
  if ((event === 'failed' || event === 'rolled-back') && (reason === undefined || reason === '')) {
    throw new UserError(
      `record ${event} needs --reason: say what went wrong ("error rate 4% after deploy", "INC-123").`,
    );
  }
  const target = request.sha ?? corrected?.sha ?? 'HEAD';
  const sha = await resolveCommit(workspace.git, target);
  if (sha === null) throw new UserError(`--sha ${target}: not a commit in this repository.`);
  const records = recordsOfService(inEffect(all), service).filter((record) => record.id !== corrected?.id);
  const clock = ports.clock.now();
  const at = parseAt(request.at, policy.timezone, clock) ?? (corrected === null ? null : corrected.at);
  const now = new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  // The base is what ran before this commit, so explain can tell which records carried it.
  const previous = lastSucceeded(records, env, at ?? undefined, sha);
  const planId = request.plan === undefined ? (corrected?.planId ?? null) : planIdOf(records, request.plan);
  const body: RecordBody = {
    schema: 'deployadvisor.record/1',
    type: event as DeployEvent,
    env,
    sha,
    base: previous?.sha ?? null,
    at: at ?? now,
    backfilled: at !== null,
    recordedAt: now,
    actor: await actorOf(workspace.git, ports.env, ports.agent),
    ciRunUrl: ciRunUrl(ports.env),
    plan: null,
    planId,
    reason: reason === undefined || reason === '' ? null : reason,
    ...(corrected === null ? {} : { corrects: corrected.id }),
    ...(service === null ? {} : { service }),
  };
  const traits = await eventTraits(workspace, records, body);
  return {
    env,
    sha,
    record: await appendTo(workspace, traits === null ? body : { ...body, traits }),
  };
}
