import { systemClock } from '../collect/clock.js';
import { resolveCommit } from '../collect/git-facts.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { actorOf, ciRunUrl } from '../ledger/context.js';
import { lastSucceeded } from '../ledger/queries.js';
import {
  canonicalJson,
  DEPLOY_EVENTS,
  RECORD_TYPES,
  type DeployEvent,
  type LedgerRecord,
  type RecordBody,
} from '../ledger/record.js';
import { appendRecord, readLedger, readRecords, verifyChain } from '../ledger/store.js';
import { compareWithRemote, pullLedger, pushLedger, remoteProblems } from '../ledger/sync.js';
import type { GlobalOptions } from '../main.js';
import { cleanDeep } from '../render/safe-text.js';
import { wrapBlock } from '../render/style.js';
import { emit, environmentOf, instantOption, openWorkspace, sinceOption, type Workspace } from './shared.js';

/** All well-formed records, oldest first. */
export async function ledgerRecords(workspace: Workspace): Promise<LedgerRecord[]> {
  return readRecords(workspace.git, workspace.loaded.policy.ledger.ref);
}

/** How far ahead of this machine's clock `record --at` may be: clock skew between machines, not a plan. */
export const MAX_FUTURE_SKEW_MINUTES = 5;

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

export interface RecordOptions {
  env?: string;
  sha?: string;
  reason?: string;
  plan?: string;
  at?: string;
}

/** `record <event>`: a deploy event for an environment. */
export async function runRecord(
  io: Io,
  options: GlobalOptions,
  event: string,
  recordOptions: RecordOptions,
): Promise<number> {
  if (!(DEPLOY_EVENTS as readonly string[]).includes(event)) {
    throw new UserError(`record ${event}: expected one of ${DEPLOY_EVENTS.join(', ')}.`);
  }
  const workspace = await openWorkspace(io, options);
  const { policy } = workspace.loaded;
  const env = environmentOf(workspace, recordOptions.env);
  const reason = recordOptions.reason?.trim();
  if ((event === 'failed' || event === 'rolled-back') && (reason === undefined || reason === '')) {
    throw new UserError(
      `record ${event} needs --reason: say what went wrong ("error rate 4% after deploy", "INC-123").`,
    );
  }
  const target = recordOptions.sha ?? 'HEAD';
  const sha = await resolveCommit(workspace.git, target);
  if (sha === null) throw new UserError(`--sha ${target}: not a commit in this repository.`);
  const records = await ledgerRecords(workspace);
  const clock = systemClock.now();
  const at = parseAt(recordOptions.at, policy.timezone, clock);
  const now = new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  // The base is what ran before this commit, so explain can tell which records carried it.
  const previous = lastSucceeded(records, env, at ?? undefined, sha);
  let planId: string | null = null;
  if (recordOptions.plan !== undefined) {
    const plan = records.find(
      (record) =>
        record.id.startsWith(recordOptions.plan ?? '') &&
        (record.type === 'plan' || record.type === 'override'),
    );
    if (plan === undefined)
      throw new UserError(`--plan ${recordOptions.plan}: no plan record with that id in the ledger.`);
    planId = plan.id;
  }
  const body: RecordBody = {
    schema: 'deployadvisor.record/1',
    type: event as DeployEvent,
    env,
    sha,
    base: previous?.sha ?? null,
    at: at ?? now,
    backfilled: at !== null,
    recordedAt: now,
    actor: await actorOf(workspace.git, io.env),
    ciRunUrl: ciRunUrl(io.env),
    plan: null,
    planId,
    reason: reason === undefined || reason === '' ? null : reason,
  };
  const record = await appendRecord(workspace.git, policy.ledger.ref, body);
  io.stdout(
    `Recorded ${record.type} #${record.seq} for ${env} at ${sha.slice(0, 12)}${record.backfilled ? ` (backfilled to ${record.at})` : ''}, id ${record.id.slice(0, 12)}.\n`,
  );
  return EXIT.go;
}

export interface LedgerListOptions {
  env?: string;
  type?: string;
  since?: string;
}

export async function runLedgerList(
  io: Io,
  options: GlobalOptions,
  filters: LedgerListOptions,
): Promise<number> {
  const workspace = await openWorkspace(io, options);
  if (filters.type !== undefined && !(RECORD_TYPES as readonly string[]).includes(filters.type)) {
    throw new UserError(`--type ${filters.type}: expected one of ${RECORD_TYPES.join(', ')}.`);
  }
  const since =
    filters.since === undefined
      ? null
      : Date.parse(sinceOption(filters.since, systemClock.now(), workspace.loaded.policy.timezone));
  const records = (await ledgerRecords(workspace)).filter(
    (r) =>
      (filters.env === undefined || r.env === filters.env) &&
      (filters.type === undefined || r.type === filters.type) &&
      (since === null || Date.parse(r.at) >= since),
  );
  if (options.format === 'json') {
    await emit(io, options, `${JSON.stringify(records, null, 2)}\n`);
    return EXIT.go;
  }
  if (records.length === 0) {
    await emit(io, options, 'No ledger records match.\n');
    return EXIT.go;
  }
  // One line per record, not a table: it stays readable at 80 columns with long env names and reasons.
  // cleanDeep: a newline in a --reason (or an env name, an actor) cannot start a row of its own.
  const lines = records.map(cleanDeep).map((r) => {
    const plan =
      r.plan === null
        ? ''
        : ` ${r.plan.overriddenFrom === null ? r.plan.verdict : `${r.plan.overriddenFrom}→GO`} ${r.plan.score}`;
    const when = r.at.replace('T', ' ').replace(/:\d\dZ$/, 'Z');
    const reason = r.reason === null ? '' : ` — ${r.reason}`;
    return `#${r.seq}  ${when}  ${`${r.type}${r.backfilled ? '*' : ''}`.padEnd(12)} ${r.env}  ${r.sha.slice(0, 10)}${plan}  ${r.actor.ci ?? r.actor.name}${reason}`;
  });
  const note = records.some((r) => r.backfilled) ? '* backfilled with record --at\n' : '';
  await emit(io, options, `${wrapBlock(lines.join('\n'), 80)}\n${note}`);
  return EXIT.go;
}

export async function runLedgerExport(io: Io, options: GlobalOptions): Promise<number> {
  const workspace = await openWorkspace(io, options);
  const records = await ledgerRecords(workspace);
  await emit(io, options, records.map((record) => `${canonicalJson(record)}\n`).join(''));
  return EXIT.go;
}

export async function runLedgerVerify(
  io: Io,
  options: GlobalOptions,
  remoteArg: string | undefined,
): Promise<number> {
  const workspace = await openWorkspace(io, options);
  const { ref, remote: configured } = workspace.loaded.policy.ledger;
  const entries = await readLedger(workspace.git, ref);
  const chain = verifyChain(entries);
  const lines: string[] = [];
  let failed = false;
  if (chain.ok)
    lines.push(`integrity: OK — ${chain.count} record(s), chain intact, every record well formed (${ref}).`);
  else {
    failed = true;
    const bad = chain.firstBad;
    lines.push(
      bad?.seq === null || bad === null
        ? `integrity: FAILED — ${bad?.problem ?? ref}.`
        : `integrity: FAILED at record ${bad.seq} (commit ${bad.commit.slice(0, 12)}): ${bad.problem}.`,
    );
  }
  const remote = remoteArg ?? configured;
  const remotes = (await workspace.git.run(['remote'])).stdout.split('\n').filter(Boolean);
  const isLocation = /[/:]/.test(remote);
  let completeness: Awaited<ReturnType<typeof compareWithRemote>> | null = null;
  if (remoteArg === undefined && !isLocation && !remotes.includes(remote)) {
    lines.push(
      `completeness: not checked — no remote "${remote}" (a chain alone cannot show that records were cut off the end; compare with a remote).`,
    );
  } else {
    completeness = await compareWithRemote(workspace.git, remote, ref);
    const problems: string[] = [];
    if (completeness.remoteOnly > 0)
      problems.push(
        `${remote} has ${completeness.remoteOnly} record(s) this clone lacks (run \`deployadvisor ledger pull\`; if they were deleted here, the local ledger was truncated)`,
      );
    problems.push(...remoteProblems(completeness, remote));
    if (problems.length > 0) {
      failed = true;
      lines.push(`completeness: FAILED — ${problems.join('; ')}.`);
    } else {
      lines.push(
        `completeness: OK against ${remote} (${completeness.remoteCount} record(s) there)${completeness.unpushed > 0 ? `; ${completeness.unpushed} local record(s) not pushed yet` : ''}.`,
      );
    }
  }
  if (options.format === 'json') {
    await emit(io, options, `${JSON.stringify({ ok: !failed, integrity: chain, completeness }, null, 2)}\n`);
    return failed ? EXIT.block : EXIT.go;
  }
  await emit(io, options, `${lines.join('\n')}\n`);
  return failed ? EXIT.block : EXIT.go;
}

export async function runLedgerSync(
  io: Io,
  options: GlobalOptions,
  direction: 'push' | 'pull',
  remoteArg: string | undefined,
): Promise<number> {
  const workspace = await openWorkspace(io, options);
  const { ref, remote: configured } = workspace.loaded.policy.ledger;
  const remote = remoteArg ?? configured;
  if (direction === 'pull') {
    const result = await pullLedger(workspace.git, remote, ref);
    io.stdout(
      result.remote === null
        ? `${remote} has no ledger yet.\n`
        : `Pulled ${ref} from ${remote}: ${result.outcome}${result.reappended > 0 ? `, ${result.reappended} local record(s) re-appended on top` : ''}.\n`,
    );
    return EXIT.go;
  }
  const result = await pushLedger(workspace.git, remote, ref);
  io.stdout(
    result.pushed
      ? `Pushed ${ref} to ${remote}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}${result.reappended > 0 ? `; ${result.reappended} record(s) re-appended on top of the remote's` : ''}.\n`
      : 'The ledger is empty; nothing to push.\n',
  );
  return EXIT.go;
}
