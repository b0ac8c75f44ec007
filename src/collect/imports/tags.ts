import type { GitRunner } from '../git-runner.js';
import { fullSha, instantOf, type FoundDeploy, type ImportRead, type SkippedDeploy } from './found.js';

/**
 * Tags matching a pattern (git's for-each-ref globs, as deployedRef uses them) as succeeded deploys of
 * the commits they tag, at the annotated tag's date, else the commit's.
 */
export async function readTagDeploys(git: GitRunner, pattern: string): Promise<ImportRead> {
  const glob = pattern.startsWith('refs/tags/') ? pattern : `refs/tags/${pattern}`;
  const { stdout } = await git.run([
    'for-each-ref',
    '--format=%(refname)%00%(objecttype)%00%(taggerdate:iso-strict)%00%(committerdate:iso-strict)',
    glob,
  ]);
  const rows = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref = '', type = '', tagged = '', committed = ''] = line.split('\0');
      return { ref, type, tagged, committed };
    });
  if (rows.length === 0) return { status: 'ok', found: [], skipped: [] };
  // One batch for every tag's commit: `<ref>^{commit}` peels annotated tags (and tags of tags).
  const peeled = (
    await git.run(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
      input: `${rows.map((row) => `${row.ref}^{commit}`).join('\n')}\n`,
    })
  ).stdout.split('\n');
  const commits = rows.map((_, i) => {
    const [object = '', type = ''] = (peeled[i] ?? '').split(' ');
    return type === 'commit' ? fullSha(object) : null;
  });
  const dates = await commitDates(
    git,
    commits.filter((sha): sha is string => sha !== null),
  );
  const found: FoundDeploy[] = [];
  const skipped: SkippedDeploy[] = [];
  for (const [i, row] of rows.entries()) {
    const name = row.ref.replace(/^refs\/tags\//, '');
    const sha = commits[i] ?? null;
    if (sha === null) {
      skipped.push({ source: 'tag', id: name, why: 'does not tag a commit' });
      continue;
    }
    const at = instantOf(
      row.type === 'tag' && row.tagged !== '' ? row.tagged : (dates.get(sha) ?? row.committed),
    );
    if (at === null) {
      skipped.push({ source: 'tag', id: name, why: 'no date' });
      continue;
    }
    found.push({ source: 'tag', id: name, outcome: 'succeeded', sha, at, what: `tag ${name}`, reason: null });
  }
  return { status: 'ok', found, skipped };
}

/** Committer dates (ISO-8601) of these commits, in one git call. */
async function commitDates(git: GitRunner, shas: readonly string[]): Promise<Map<string, string>> {
  if (shas.length === 0) return new Map();
  const { stdout } = await git.run(['log', '--no-walk=unsorted', '--format=%H %cI', '--stdin'], {
    input: `${[...new Set(shas)].join('\n')}\n`,
  });
  return new Map(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
}
