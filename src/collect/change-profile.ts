import type { CommitFacts } from '../assess/facts.js';
import type { GitRunner } from './git-runner.js';
import { LOG_FORMAT, parseLog } from './git-log.js';
import { JsonlCache } from './jsonl-cache.js';

/** How many earlier changes the plan reads to place a deploy among the repository's own changes. */
export const PROFILE_CHANGES = 1000;

const CACHE_FILE = 'changes-v1.jsonl';

/** What the risk model reads of a past commit; a commit never changes, so it is cached by sha. */
type Cached = Omit<CommitFacts, 'body'>;

function isCached(entry: unknown): entry is Cached {
  const e = entry as Partial<Cached> | null;
  return typeof e?.sha === 'string' && Array.isArray(e.files);
}

/**
 * The repository's changes before a deploy (newest first, with their files): what the risk model's
 * percentiles and file histories are measured against. `git rev-list` names them; their files come from
 * a cache under `<git-dir>/deployadvisor/` (a commit's files never change), and `git log --numstat` reads
 * only the ones not cached yet, so the first plan in a clone pays for the history and later ones do not.
 */
export async function readPriorChanges(
  git: GitRunner,
  gitDir: string,
  before: string | null,
  max = PROFILE_CHANGES,
): Promise<CommitFacts[]> {
  if (before === null) return [];
  const listed = await git.run([
    'rev-list',
    '--no-merges',
    `--max-count=${max}`,
    '--end-of-options',
    before,
    '--',
  ]);
  const shas = listed.stdout.split('\n').filter((sha) => sha !== '');
  const store = new JsonlCache<Cached>(gitDir, CACHE_FILE, (entry) => entry.sha, isCached);
  const cache = await store.read();
  const missing = shas.filter((sha) => !cache.has(sha));
  if (missing.length > 0) {
    const args = [
      'log',
      '-z',
      '--numstat',
      '-M',
      '--no-walk=unsorted',
      '--stdin',
      '--no-ext-diff',
      '--no-textconv',
      `--format=${LOG_FORMAT}`,
      '--',
    ];
    const fresh: Cached[] = [];
    for await (const commit of parseLog(git.batches(args, '\0', { input: `${missing.join('\n')}\n` }))) {
      const { body: _body, ...kept } = commit;
      cache.set(commit.sha, kept);
      fresh.push(kept);
    }
    await store.append(fresh);
  }
  return shas.flatMap((sha) => {
    const commit = cache.get(sha);
    return commit === undefined ? [] : [{ ...commit, body: '' }];
  });
}
