import { UserError } from '../errors.js';
import { actorOf, ciRunUrl } from '../ledger/context.js';
import { assertCorrectable, findRecord, standings, type RecordStanding } from '../ledger/corrections.js';
import { RECORD_TYPES, type LedgerRecord, type RecordBody } from '../ledger/record.js';
import { appendRecord, readLedger, verifyChain } from '../ledger/store.js';
import { compareWithRemote, pullLedger, pushLedger, remoteProblems } from '../ledger/sync.js';
import { sinceOption } from './instants.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { allLedgerRecords, openWorkspace } from './workspace.js';

export interface LedgerListRequest extends WorkspaceRequest {
  env?: string | undefined;
  type?: string | undefined;
  since?: string | undefined;
}

export interface LedgerListing {
  records: LedgerRecord[];
  /** Every record's standing, from the whole ledger (a filter may hide the void that decides it). */
  standing: ReadonlyMap<string, RecordStanding>;
}

/** `ledger list`: the records that match the filters, oldest first, voided and corrected ones marked. */
export async function listRecords(ports: AppPorts, request: LedgerListRequest): Promise<LedgerListing> {
  const workspace = await openWorkspace(ports, request);
  if (request.type !== undefined && !(RECORD_TYPES as readonly string[]).includes(request.type)) {
    throw new UserError(`--type ${request.type}: expected one of ${RECORD_TYPES.join(', ')}.`);
  }
  const since =
    request.since === undefined
      ? null
      : Date.parse(sinceOption(request.since, ports.clock.now(), workspace.loaded.policy.timezone));
  const all = await allLedgerRecords(workspace);
  const records = all.filter(
    (r) =>
      (request.env === undefined || r.env === request.env) &&
      (request.type === undefined || r.type === request.type) &&
      (since === null || Date.parse(r.at) >= since),
  );
  return { records, standing: standings(all) };
}

/** `ledger export`: every record, oldest first. */
export async function exportRecords(ports: AppPorts, request: WorkspaceRequest): Promise<LedgerRecord[]> {
  return allLedgerRecords(await openWorkspace(ports, request));
}

export interface LedgerVoidRequest extends WorkspaceRequest {
  record: string;
  reason?: string | undefined;
}

/**
 * `ledger void <record> --reason`: appends a `void` record naming it, so every reader ignores it from
 * now on; the chain is only appended to, never rewritten.
 */
export async function voidRecord(
  ports: AppPorts,
  request: LedgerVoidRequest,
): Promise<{ void: LedgerRecord; target: LedgerRecord }> {
  const workspace = await openWorkspace(ports, request);
  const reason = request.reason?.trim();
  if (reason === undefined || reason === '') {
    throw new UserError(
      `ledger void ${request.record} needs --reason: say why the record is wrong ("wrong --sha", "recorded twice").`,
    );
  }
  const all = await allLedgerRecords(workspace);
  const target = findRecord(all, request.record, 'ledger void');
  assertCorrectable(all, target, 'ledger void');
  const now = new Date(ports.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body: RecordBody = {
    schema: 'deployadvisor.record/1',
    type: 'void',
    env: target.env,
    sha: target.sha,
    base: null,
    at: now,
    backfilled: false,
    recordedAt: now,
    actor: await actorOf(workspace.git, ports.env),
    ciRunUrl: ciRunUrl(ports.env),
    plan: null,
    planId: null,
    reason,
    corrects: target.id,
  };
  return { void: await appendRecord(workspace.git, workspace.loaded.policy.ledger.ref, body), target };
}

export interface LedgerVerifyRequest extends WorkspaceRequest {
  remote?: string | undefined;
}

export interface LedgerVerification {
  ok: boolean;
  ref: string;
  remote: string;
  integrity: ReturnType<typeof verifyChain>;
  /** Null when no remote was compared (none named, none configured by that name). */
  completeness: Awaited<ReturnType<typeof compareWithRemote>> | null;
  /** What makes completeness fail, in words; empty when it passes or was not checked. */
  problems: string[];
}

/** `ledger verify`: integrity of the chain, and completeness against a remote when there is one. */
export async function verifyLedger(
  ports: AppPorts,
  request: LedgerVerifyRequest,
): Promise<LedgerVerification> {
  const workspace = await openWorkspace(ports, request);
  const { ref, remote: configured } = workspace.loaded.policy.ledger;
  const integrity = verifyChain(await readLedger(workspace.git, ref));
  const remote = request.remote ?? configured;
  const remotes = (await workspace.git.run(['remote'])).stdout.split('\n').filter(Boolean);
  const isLocation = /[/:]/.test(remote);
  let completeness: LedgerVerification['completeness'] = null;
  const problems: string[] = [];
  if (request.remote !== undefined || isLocation || remotes.includes(remote)) {
    completeness = await compareWithRemote(workspace.git, remote, ref);
    if (completeness.remoteOnly > 0)
      problems.push(
        `${remote} has ${completeness.remoteOnly} record(s) this clone lacks (run \`deployadvisor ledger pull\`; if they were deleted here, the local ledger was truncated)`,
      );
    problems.push(...remoteProblems(completeness, remote));
  }
  return { ok: integrity.ok && problems.length === 0, ref, remote, integrity, completeness, problems };
}

export interface LedgerSyncRequest extends WorkspaceRequest {
  direction: 'push' | 'pull';
  remote?: string | undefined;
}

export type LedgerSync =
  | { direction: 'pull'; ref: string; remote: string; result: Awaited<ReturnType<typeof pullLedger>> }
  | { direction: 'push'; ref: string; remote: string; result: Awaited<ReturnType<typeof pushLedger>> };

/** `ledger push|pull`: sync with a remote without losing a record on either side. */
export async function syncLedger(ports: AppPorts, request: LedgerSyncRequest): Promise<LedgerSync> {
  const workspace = await openWorkspace(ports, request);
  const { ref, remote: configured } = workspace.loaded.policy.ledger;
  const remote = request.remote ?? configured;
  if (request.direction === 'pull')
    return { direction: 'pull', ref, remote, result: await pullLedger(workspace.git, remote, ref) };
  return { direction: 'push', ref, remote, result: await pushLedger(workspace.git, remote, ref) };
}
