import { assessLineage } from '../assess/lineage.js';
import type { LineageReport } from '../assess/lineage-types.js';
import { readAiNotes } from '../collect/ai-notes.js';
import { blameFiles } from '../collect/blame.js';
import { replayedBlame, replayHistory, type ReplayedHistory } from '../collect/replay-blame.js';
import type { BlameOutcome } from '../assess/lineage-types.js';
import type { GitRunner } from '../collect/git-runner.js';
import { collectCoverage } from '../collect/coverage/index.js';
import { collectGitFacts, type LedgerBase } from '../collect/git-facts.js';
import { UserError } from '../errors.js';
import { inEffect } from '../ledger/corrections.js';
import { readRecords } from '../ledger/store.js';
import { VERSION } from '../version.js';
import type { AppPorts, Progress, WorkspaceRequest } from './ports.js';
import { ledgerBaseOf, mustResolve, parseRange } from './range.js';
import { environmentOf, openWorkspace, type Workspace } from './workspace.js';

export interface LineageRequest extends WorkspaceRequest {
  range?: string | undefined;
  env?: string | undefined;
  from?: string | undefined;
  coverage?: string[] | undefined;
}

/**
 * Blame of the paths at the target. A range from the root (the default where no deploy is known) is
 * the whole history: the replayed `git log -p` (started as soon as the base was known) answers for it
 * in seconds where a `git blame` per file took minutes; what the replay cannot answer for, and every
 * shorter range, `git blame` answers.
 */
async function blameOf(
  git: GitRunner,
  range: { base: string | null; target: string; replay: Promise<ReplayedHistory> | null },
  paths: readonly string[],
  progress: Progress,
): Promise<BlameOutcome[]> {
  if (range.replay === null || range.base !== null || paths.length === 0) {
    progress.update(`Blaming ${paths.length} file(s)`);
    return blameFiles(git, range.base, range.target, paths);
  }
  const replayed = await replayedBlame(git, await range.replay, paths);
  progress.update(`Blaming ${replayed.unresolved.length} file(s) the history replay left`);
  const blamed = new Map(
    (await blameFiles(git, null, range.target, replayed.unresolved)).map((outcome) => [
      outcome.path,
      outcome,
    ]),
  );
  return paths.flatMap((path) => {
    const outcome = replayed.outcomes.get(path) ?? blamed.get(path);
    return outcome === undefined ? [] : [outcome];
  });
}

/** `lineage [range]`: AI attribution per commit, file and tool, with review and coverage evidence. */
export async function lineageOf(ports: AppPorts, lineage: LineageRequest): Promise<LineageReport> {
  const workspace = await openWorkspace(ports, lineage);
  const { git, loaded } = workspace;
  const { policy } = loaded;
  const env = environmentOf(workspace, lineage.env);
  const label = lineage.range ?? 'HEAD';
  const range = parseRange(lineage.range);
  if (range.from !== undefined && lineage.from !== undefined) {
    throw new UserError(
      `lineage ${label} --from ${lineage.from}: the range already names its base; pass one.`,
    );
  }
  const targetSha = await mustResolve(git, 'lineage', label, range.target);
  let from = range.from ?? lineage.from;
  if (from !== undefined) {
    const fromSha = await mustResolve(git, 'lineage', label, from);
    if (range.symmetric) {
      const base = await git.run(['merge-base', fromSha, targetSha], { okExitCodes: [0, 1] });
      if (base.exitCode !== 0)
        throw new UserError(
          `lineage ${label}: ${range.from ?? ''} and ${range.target} have no common ancestor.`,
        );
      from = base.stdout.trim();
    }
  }

  // As for plan: the env's last successful deploy in the ledger is the base when none is given.
  const ledgerBase =
    from === undefined
      ? await ledgerBaseOf(git, inEffect(await readRecords(git, policy.ledger.ref)), env)
      : undefined;
  const progress = await ports.progress('Reading git history');
  try {
    return await lineageReport(
      ports,
      lineage,
      { workspace, env, label, range, from, ledgerBase, targetSha },
      progress,
    );
  } finally {
    progress.stop();
  }
}

async function lineageReport(
  ports: AppPorts,
  lineage: LineageRequest,
  read: {
    workspace: Workspace;
    env: string;
    label: string;
    range: ReturnType<typeof parseRange>;
    from: string | undefined;
    ledgerBase: LedgerBase | undefined;
    targetSha: string;
  },
  progress: Progress,
): Promise<LineageReport> {
  const { workspace, env, label, range, from, ledgerBase, targetSha } = read;
  const { git, loaded, repoRoot, layout } = workspace;
  const { policy } = loaded;
  let replay: Promise<ReplayedHistory> | null = null;
  let commits = 0;
  const facts = await collectGitFacts(git, {
    target: range.target,
    from,
    env,
    policy,
    layout,
    ledgerBase,
    onBase: (baseSha) => {
      if (baseSha !== null) return;
      // From the root: the history replay runs alongside the log and the diff.
      replay = replayHistory(git, targetSha, () => {
        commits += 1;
        if (commits % 500 === 0) progress.update(`Reading history: ${commits} commits`);
      });
      replay.catch(() => {});
    },
  });
  const candidates = facts.diff
    .filter((file) => file.status !== 'deleted' && file.added !== null && file.addedRanges.length > 0)
    .map((file) => file.path);
  // Submodules (gitlinks, mode 160000) have no lines to blame.
  const gitlinks = new Set<string>();
  if (candidates.length > 0) {
    const tree = await git.run(['ls-tree', '-z', '--end-of-options', facts.target.sha, '--', ...candidates]);
    for (const entry of tree.stdout.split('\0')) {
      const tab = entry.indexOf('\t');
      if (entry.startsWith('160000 ') && tab !== -1) gitlinks.add(entry.slice(tab + 1));
    }
  }
  const paths = candidates.filter((path) => !gitlinks.has(path));
  const [notes, blame, coverage] = await Promise.all([
    readAiNotes(git, new Set(facts.commits.map((commit) => commit.sha))),
    blameOf(git, { base: facts.base.sha, target: facts.target.sha, replay }, paths, progress),
    collectCoverage({
      git,
      repoRoot,
      cwd: ports.cwd,
      targetSha,
      explicit: lineage.coverage ?? [],
      globs: policy.coverage.reports,
      pathMap: policy.coverage.pathMap,
      wanted: new Set(paths),
    }),
  ]);
  const base = range.from === undefined ? facts.base : { ...facts.base, note: `the range ${label}` };
  const report = assessLineage({
    facts: { ...facts, base, diagnostics: [...workspace.diagnostics, ...facts.diagnostics] },
    policy,
    notes,
    blame,
    coverage,
    toolVersion: VERSION,
  });
  return report;
}
