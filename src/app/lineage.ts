import { assessLineage } from '../assess/lineage.js';
import type { LineageReport } from '../assess/lineage-types.js';
import { readAiNotes } from '../collect/ai-notes.js';
import { blameFiles } from '../collect/blame.js';
import { collectCoverage } from '../collect/coverage/index.js';
import { collectGitFacts } from '../collect/git-facts.js';
import { UserError } from '../errors.js';
import { inEffect } from '../ledger/corrections.js';
import { readRecords } from '../ledger/store.js';
import { VERSION } from '../version.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { ledgerBaseOf, mustResolve, parseRange } from './range.js';
import { environmentOf, openWorkspace } from './workspace.js';

export interface LineageRequest extends WorkspaceRequest {
  range?: string | undefined;
  env?: string | undefined;
  from?: string | undefined;
  coverage?: string[] | undefined;
}

/** `lineage [range]`: AI attribution per commit, file and tool, with review and coverage evidence. */
export async function lineageOf(ports: AppPorts, lineage: LineageRequest): Promise<LineageReport> {
  const workspace = await openWorkspace(ports, lineage);
  const { git, loaded, repoRoot, layout } = workspace;
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
  const facts = await collectGitFacts(git, { target: range.target, from, env, policy, layout, ledgerBase });
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
    blameFiles(git, facts.base.sha, facts.target.sha, paths),
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
