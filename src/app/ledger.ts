import { UserError } from '../errors.js';
import { RECORD_TYPES, type LedgerRecord } from '../ledger/record.js';
import { readLedger, verifyChain } from '../ledger/store.js';
import { compareWithRemote, pullLedger, pushLedger, remoteProblems } from '../ledger/sync.js';
import { sinceOption } from './instants.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { ledgerRecords, openWorkspace } from './workspace.js';

export interface LedgerListRequest extends WorkspaceRequest {
  env?: string | undefined;
  type?: string | undefined;
  since?: string | undefined;
}

/** `ledger list`: the records that match the filters, oldest first. */
export async function listRecords(ports: AppPorts, request: LedgerListRequest): Promise<LedgerRecord[]> {
  const workspace = await openWorkspace(ports, request);
  if (request.type !== undefined && !(RECORD_TYPES as readonly string[]).includes(request.type)) {
    throw new UserError(`--type ${request.type}: expected one of ${RECORD_TYPES.join(', ')}.`);
  }
  const since =
    request.since === undefined
      ? null
      : Date.parse(sinceOption(request.since, ports.clock.now(), workspace.loaded.policy.timezone));
  return (await ledgerRecords(workspace)).filter(
    (r) =>
      (request.env === undefined || r.env === request.env) &&
      (request.type === undefined || r.type === request.type) &&
      (since === null || Date.parse(r.at) >= since),
  );
}

/** `ledger export`: every record, oldest first. */
export async function exportRecords(ports: AppPorts, request: WorkspaceRequest): Promise<LedgerRecord[]> {
  return ledgerRecords(await openWorkspace(ports, request));
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
