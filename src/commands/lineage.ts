import { VERSION } from '../version.js';
import { assessLineage } from '../assess/lineage.js';
import { readAiNotes } from '../collect/ai-notes.js';
import { blameFiles } from '../collect/blame.js';
import { collectCoverage } from '../collect/coverage/index.js';
import { collectGitFacts, resolveCommit } from '../collect/git-facts.js';
import type { GitRunner } from '../collect/git-runner.js';
import { EXIT, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { readRecords } from '../ledger/store.js';
import type { GlobalOptions } from '../main.js';
import { renderLineageJson } from '../render/lineage-json.js';
import { renderLineageMarkdown } from '../render/lineage-markdown.js';
import { renderLineageText } from '../render/lineage-text.js';
import { emit, environmentOf, ledgerBaseOf, openWorkspace, styleFor } from './shared.js';

export interface LineageOptions {
  range?: string | undefined;
  env?: string;
  from?: string;
  coverage?: string[];
}

/** `A..B`, `A...B` (from their merge-base), `A..` (to HEAD), `..B` (from HEAD) or one ref (the target). */
export function parseRange(range: string | undefined): {
  from: string | undefined;
  target: string;
  symmetric: boolean;
} {
  if (range === undefined || range === '') return { from: undefined, target: 'HEAD', symmetric: false };
  // Git forbids `..` inside ref names, so the first `..` (or `...`) is the separator.
  const at = range.indexOf('..');
  if (at === -1) return { from: undefined, target: range, symmetric: false };
  const symmetric = range.startsWith('...', at);
  const left = range.slice(0, at);
  const right = range.slice(at + (symmetric ? 3 : 2));
  return { from: left === '' ? 'HEAD' : left, target: right === '' ? 'HEAD' : right, symmetric };
}

async function mustResolve(git: GitRunner, range: string, ref: string): Promise<string> {
  const sha = await resolveCommit(git, ref);
  if (sha === null) {
    throw new UserError(`lineage ${range}: "${ref}" is not a commit in this repository.`, {
      hint: 'Pass a branch, tag or sha that exists here (see `git log --oneline`); in CI, fetch it first.',
    });
  }
  return sha;
}

export async function runLineage(io: Io, options: GlobalOptions, lineage: LineageOptions): Promise<number> {
  const workspace = await openWorkspace(io, options);
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
  const targetSha = await mustResolve(git, label, range.target);
  let from = range.from ?? lineage.from;
  if (from !== undefined) {
    const fromSha = await mustResolve(git, label, from);
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
    from === undefined ? await ledgerBaseOf(git, await readRecords(git, policy.ledger.ref), env) : undefined;
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
      cwd: io.cwd,
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
  switch (options.format) {
    case 'json':
      await emit(io, options, renderLineageJson(report));
      break;
    case 'markdown':
    case 'github':
      await emit(io, options, renderLineageMarkdown(report));
      break;
    case 'text':
      await emit(io, options, renderLineageText(report, await styleFor(io, options)));
      break;
  }
  return EXIT.go;
}
