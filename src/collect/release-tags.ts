import type { GitRunner } from './git-runner.js';
import { existingCommits } from './history.js';

/**
 * A tag that names a release: its name ends in a version (`v1.2.3`, `1.2`, `vite@5.0.0-beta.1`,
 * `release-2.0`, `pkg/v1.4.0`).
 */
const RELEASE_TAG = /(?:^|[@/_-])v?\d+\.\d+(?:\.\d+)?(?:[-+.][0-9A-Za-z][0-9A-Za-z.+-]*)?$/;

export interface ReleaseTag {
  name: string;
  /** The commit the tag names (annotated tags peeled). */
  sha: string;
  /** When the release was made: the annotated tag's date, else its commit's (epoch ms). */
  at: number;
}

export function isReleaseTag(name: string): boolean {
  return RELEASE_TAG.test(name);
}

/** The release tags of the repository, oldest first (ties by name). Tags on non-commits are left out. */
export async function readReleaseTags(git: GitRunner): Promise<ReleaseTag[]> {
  const out = await git.run([
    'for-each-ref',
    '--format=%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(creatordate:unix)%00%(refname:strip=2)',
    'refs/tags',
  ]);
  const tags: ReleaseTag[] = [];
  for (const line of out.stdout.split('\n')) {
    const [type, object, peeledType, peeled, date, name] = line.split('\0');
    if (name === undefined || !isReleaseTag(name)) continue;
    const sha = type === 'commit' ? object : peeledType === 'commit' ? peeled : undefined;
    const at = Number(date) * 1000;
    if (sha === undefined || sha === '' || !Number.isFinite(at)) continue;
    tags.push({ name, sha, at });
  }
  return tags.sort((a, b) => a.at - b.at || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The parents of every commit reachable from `tips` but not from `exclude` (one `git rev-list
 * --parents --stdin`): the graph deploy units are claimed over. Names not in this clone are left out.
 */
export async function readParents(
  git: GitRunner,
  tips: readonly string[],
  exclude: readonly string[],
): Promise<Map<string, string[]>> {
  const parents = new Map<string, string[]>();
  const present = await existingCommits(git, [...tips, ...exclude]);
  const keep = [...new Set(tips)].filter((sha) => present.has(sha));
  if (keep.length === 0) return parents;
  const not = [...new Set(exclude)].filter((sha) => present.has(sha)).map((sha) => `^${sha}`);
  const input = `${[...keep, ...not].join('\n')}\n`;
  for await (const line of git.stream(['rev-list', '--parents', '--stdin'], '\n', { input })) {
    const [sha, ...rest] = line.split(' ');
    if (sha !== undefined && sha !== '') parents.set(sha, rest);
  }
  return parents;
}
