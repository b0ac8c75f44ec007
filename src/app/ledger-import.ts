import { deploysFrom } from '../assess/deploys.js';
import { resolveCommit } from '../collect/git-facts.js';
import type { GitRunner } from '../collect/git-runner.js';
import type { FoundDeploy, SkippedDeploy } from '../collect/imports/found.js';
import { UserError } from '../errors.js';
import { appendRecords } from '../ledger/append-many.js';
import { actorOf, ciRunUrl } from '../ledger/context.js';
import { lastSucceeded } from '../ledger/queries.js';
import type { LedgerRecord, RecordBody } from '../ledger/record.js';
import { traitsOf } from './deploy-traits.js';
import { importJobs, type ImportSelection } from './import-sources.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { recordsOfService, serviceOf } from './services.js';
import { environmentOf, ledgerRecords, openWorkspace, type Workspace } from './workspace.js';

/** How long one import may spend asking the forge, all pages and statuses together. */
const IMPORT_DEADLINE_MS = 300_000;

export interface ImportRequest extends WorkspaceRequest, ImportSelection {
  env?: string | undefined;
  service?: string | undefined;
  /** Read and report, append nothing. */
  dryRun?: boolean | undefined;
}

export interface ImportResult {
  env: string;
  service: string | null;
  dryRun: boolean;
  /** What was read, per source label. */
  read: Array<{ label: string; found: number }>;
  /** The records appended (the bodies, for a dry run), oldest first. */
  added: Array<LedgerRecord | RecordBody>;
  /** Found but already in the ledger (same source, id, env and service), or listed twice. */
  already: number;
  skipped: SkippedDeploy[];
  /** Commits of added records that this clone lacks. */
  notInClone: string[];
}

const keyOf = (source: string, id: string, env: string, service: string | null) =>
  JSON.stringify([source, id, env, service ?? '']);

/** A release's tag name, when it can only be a tag name (no revision syntax such as `v1~1`). */
function plainTagName(tag: string): boolean {
  const control = Array.from({ length: tag.length }, (_, i) => tag.charCodeAt(i)).some(
    (code) => code < 0x20 || code === 0x7f,
  );
  return (
    tag !== '' &&
    tag.length <= 255 &&
    !control &&
    !/[\s~^:?*[\\]|\.\.|@\{|^-|^\/|\/$|\.lock$|\/\.|^\./.test(tag)
  );
}

/** Resolves releases' tags against this clone; ones without a local tag are skipped with the remedy. */
async function withCommits(
  git: GitRunner,
  found: readonly FoundDeploy[],
  skipped: SkippedDeploy[],
): Promise<Array<FoundDeploy & { sha: string }>> {
  const out: Array<FoundDeploy & { sha: string }> = [];
  for (const deploy of found) {
    if (deploy.sha !== null) {
      out.push({ ...deploy, sha: deploy.sha });
      continue;
    }
    const tag = deploy.tag ?? '';
    const sha = plainTagName(tag) ? await resolveCommit(git, `refs/tags/${tag}`) : null;
    if (sha === null)
      skipped.push({
        source: deploy.source,
        id: deploy.id,
        why: `tag ${JSON.stringify(tag)} is not in this clone (git fetch --tags)`,
      });
    else out.push({ ...deploy, sha });
  }
  return out;
}

/** Runs every read; one source that cannot answer stops the import before anything is appended. */
async function readAll(
  jobs: Awaited<ReturnType<typeof importJobs>>,
  ports: AppPorts,
): Promise<{ read: ImportResult['read']; found: FoundDeploy[]; skipped: SkippedDeploy[] }> {
  const { createHttpClient } = await import('../collect/http.js');
  const http = createHttpClient({
    deadlineMs: IMPORT_DEADLINE_MS,
    ...(ports.dispatcher === undefined ? {} : { dispatcher: ports.dispatcher }),
  });
  const read: ImportResult['read'] = [];
  const skipped: SkippedDeploy[] = [];
  const found: FoundDeploy[] = [];
  for (const job of jobs) {
    const answer = await job.run(http);
    if (answer.status === 'unavailable') {
      throw new UserError(`ledger import: ${job.label}: ${answer.reason}. Nothing was imported.`);
    }
    read.push({ label: job.label, found: answer.found.length });
    found.push(...answer.found);
    skipped.push(...answer.skipped);
  }
  return { read, found, skipped };
}

/** `ledger import`: past deploys from tags and the forge, appended once each, oldest first. */
export async function importDeploys(ports: AppPorts, request: ImportRequest): Promise<ImportResult> {
  const workspace = await openWorkspace(ports, request);
  const { git, loaded } = workspace;
  const env = environmentOf(workspace, request.env);
  const service = serviceOf(workspace, request.service, env);
  const jobs = await importJobs(git, request, { env, ci: loaded.policy.sources.ci, vars: ports.env });
  const { read, found, skipped } = await readAll(jobs, ports);
  const records = await ledgerRecords(workspace);
  const known = new Set(
    records.flatMap((r) =>
      r.imported === undefined ? [] : [keyOf(r.imported.source, r.imported.id, r.env, r.service ?? null)],
    ),
  );
  // Not in the ledger yet, and once each: a server may list an item on two pages.
  const fresh = found.filter((deploy) => {
    const key = keyOf(deploy.source, deploy.id, env, service);
    if (known.has(key)) return false;
    known.add(key);
    return true;
  });
  const deploys = (await withCommits(git, fresh, skipped)).sort((a, b) =>
    a.at < b.at
      ? -1
      : a.at > b.at
        ? 1
        : a.source < b.source
          ? -1
          : a.source > b.source
            ? 1
            : a.id < b.id
              ? -1
              : 1,
  );
  const actor = await actorOf(git, ports.env);
  const recordedAt = new Date(ports.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  // The base of each is what ran before it, among this service's records and the ones imported before it.
  const scope = recordsOfService(records, service);
  const bodies: RecordBody[] = [];
  for (const deploy of deploys) {
    const previous = lastSucceeded([...scope, ...bodies.map(asRecord)], env, deploy.at, deploy.sha);
    bodies.push({
      schema: 'deployadvisor.record/1',
      type: deploy.outcome,
      env,
      sha: deploy.sha,
      base: previous?.sha ?? null,
      at: deploy.at,
      backfilled: true,
      recordedAt,
      actor,
      ciRunUrl: ciRunUrl(ports.env),
      plan: null,
      planId: null,
      reason: deploy.reason,
      ...(service === null ? {} : { service }),
      imported: { source: deploy.source, id: deploy.id },
    });
  }
  const present = await presentCommits(
    git,
    bodies.map((b) => b.sha),
  );
  const notInClone = [...new Set(bodies.map((b) => b.sha).filter((sha) => !present.has(sha)))];
  const traced = await withTraits(workspace, { scope, bodies, present, env });
  const added = request.dryRun === true ? traced : await appendRecords(git, loaded.policy.ledger.ref, traced);
  return {
    env,
    service,
    dryRun: request.dryRun === true,
    read,
    added,
    already: found.length - fresh.length,
    skipped,
    notInClone,
  };
}

/**
 * The bodies with what each deploy shipped (`traits`), counted in one `git log --numstat` over them all.
 * Only when they all come after the env's recorded deploys: one imported between two recorded ones would
 * change what the later one shipped, so then none get traits and plans count from git as before.
 */
async function withTraits(
  workspace: Workspace,
  input: { scope: readonly LedgerRecord[]; bodies: RecordBody[]; present: Set<string>; env: string },
): Promise<RecordBody[]> {
  const { bodies, env } = input;
  const first = bodies[0];
  const earlier = deploysFrom(input.scope, env);
  if (first === undefined || earlier.some((deploy) => deploy.at > first.at)) return bodies;
  const deploys = deploysFrom(bodies.map(asRecord), env).filter((deploy) => input.present.has(deploy.sha));
  const last = deploys.at(-1);
  if (last === undefined) return bodies;
  const traits = await traitsOf(workspace.git, workspace.loaded.policy, {
    earlier,
    deploys,
    head: last.sha,
    gitDir: workspace.layout.gitDir,
    shallow: workspace.layout.isShallow,
  });
  const byEvent = new Map(deploys.map((deploy, index) => [`${deploy.sha}@${deploy.endedAt}`, traits[index]]));
  return bodies.map((body) => {
    const found = byEvent.get(`${body.sha}@${body.at}`);
    return found === undefined ? body : { ...body, traits: found };
  });
}

/** A body as a record for lastSucceeded (which reads type, env, sha, at and seq). */
function asRecord(body: RecordBody, index: number): LedgerRecord {
  return { ...body, seq: Number.MAX_SAFE_INTEGER - 1_000_000 + index, id: '', prev: null };
}

/** Which of these commits this clone has (one `cat-file --batch-check`). */
async function presentCommits(git: GitRunner, shas: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(shas)];
  if (unique.length === 0) return new Set();
  const { stdout } = await git.run(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    input: `${unique.join('\n')}\n`,
  });
  return new Set(
    stdout
      .split('\n')
      .filter((line) => line.endsWith(' commit'))
      .map((line) => line.split(' ')[0] ?? ''),
  );
}
