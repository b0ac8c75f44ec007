import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlameOutcome } from '../../src/assess/lineage-types.js';
import { blameFiles } from '../../src/collect/blame.js';
import { createGitRunner } from '../../src/collect/git-runner.js';
import { replayBlame } from '../../src/collect/replay-blame.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`);
const text = (rows: string[]) => `${rows.join('\n')}\n`;

/** Each line of the target: [line, commit, path in that commit, line in that commit]. */
function perLine(outcome: BlameOutcome | undefined): Array<[number, string, string, number]> {
  if (outcome?.status !== 'ok') return [];
  return outcome.runs
    .flatMap((run) =>
      Array.from({ length: run.count }, (_, i): [number, string, string, number] => [
        run.finalStart + i,
        run.sha,
        run.origPath,
        run.origStart + i,
      ]),
    )
    .sort((a, b) => a[0] - b[0]);
}

describe('replayBlame answers as git blame does', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = makeRepo();
    repo.write('src/a.ts', text(lines('a', 30)));
    repo.write('src/gone.ts', text(lines('gone', 3)));
    repo.write('logo.bin', '\0\x01\x02binary\0');
    repo.commit('first');
    const a = lines('a', 30);
    a.splice(5, 3, 'edited 6', 'edited 7');
    a.splice(20, 0, 'inserted', 'inserted again');
    repo.write('src/a.ts', text(a));
    repo.write('docs/read me é.md', text(lines('doc', 4)));
    repo.commit('edit a, add a doc with a space and an accent');
    repo.git('mv', 'src/a.ts', 'src/renamed.ts');
    a.push('after the rename');
    repo.write('src/renamed.ts', text(a));
    rmSync(join(repo.dir, 'src/gone.ts'));
    repo.commit('rename a, delete gone');
    repo.write('src/gone.ts', text(['back', 'again']));
    repo.write('big.txt', text(lines('big', 12_000)));
    repo.write('logo.bin', 'now text\n');
    repo.commit('gone comes back; a big file; the binary becomes text');
    // A side branch merged with a merge commit: its lines must go to the side's commits.
    repo.git('checkout', '-q', '-b', 'side');
    const side = [...a];
    side.splice(1, 1, 'from the side');
    repo.write('src/renamed.ts', text(side));
    repo.write('side.ts', text(lines('side', 5)));
    repo.commit('side work');
    repo.git('checkout', '-q', 'main');
    repo.write(
      'big.txt',
      text([...lines('big', 12_000).slice(0, 100), 'main edit', ...lines('big', 12_000).slice(101)]),
    );
    repo.commit('main work');
    repo.git('merge', '--no-ff', '-q', '-m', 'merge side', 'side');
    writeFileSync(join(repo.dir, 'src/renamed.ts'), text([...side, 'after the merge']));
    repo.commit('after the merge');
  });
  afterAll(() => {
    repo.cleanup();
  });

  it('gives every line of every file the commit, path and line number blame gives', async () => {
    const git = createGitRunner(repo.dir);
    const paths = repo.git('ls-files', '-z').split('\0').filter(Boolean);
    const replayed = await replayBlame(git, 'HEAD', paths);
    // The file that was binary is left to blame; every other file is answered by the replay.
    expect(replayed.unresolved).toEqual(['logo.bin']);
    const blamed = await blameFiles(git, null, 'HEAD', paths);
    for (const outcome of blamed) {
      if (outcome.path === 'logo.bin') continue;
      expect(perLine(replayed.outcomes.get(outcome.path)), outcome.path).toEqual(perLine(outcome));
    }
    const renamed = perLine(replayed.outcomes.get('src/renamed.ts'));
    expect(renamed.find(([line]) => line === 2)?.[2]).toBe('src/renamed.ts');
    expect(renamed.find(([line]) => line === 1)?.[2]).toBe('src/a.ts');
  });
});
