import type { GitRunner } from './git-runner.js';

/** Where git-ai keeps its authorship logs (Git AI Standard v3.0.0). */
export const AI_NOTES_REF = 'refs/notes/ai';

export interface AiNotesFacts {
  ref: string;
  /** The ref exists and holds at least one note. */
  present: boolean;
  /** Note text by commit sha, for the commits asked about that have one. */
  texts: Map<string, string>;
}

/**
 * Reads the git-ai notes of `commits` in two gits: `git notes list` (the ref may be absent: then no
 * notes), and one `cat-file --batch` for the note blobs of the commits asked about.
 */
export async function readAiNotes(
  git: GitRunner,
  commits: ReadonlySet<string>,
  ref: string = AI_NOTES_REF,
): Promise<AiNotesFacts> {
  const texts = new Map<string, string>();
  const wanted: Array<{ blob: string; commit: string }> = [];
  let present = false;
  for await (const line of git.stream(['notes', `--ref=${ref}`, 'list'], '\n')) {
    const [blob = '', commit = ''] = line.trim().split(' ');
    if (blob === '' || commit === '') continue;
    present = true;
    if (commits.has(commit)) wanted.push({ blob, commit });
  }
  if (wanted.length === 0) return { ref, present, texts };
  const bytes = await git.runBytes(['cat-file', '--batch'], {
    input: `${wanted.map((w) => w.blob).join('\n')}\n`,
  });
  let at = 0;
  for (const { commit } of wanted) {
    const end = bytes.indexOf(0x0a, at);
    if (end === -1) break;
    const header = bytes.subarray(at, end).toString('utf8');
    at = end + 1;
    const match = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (match === null) continue; // missing object: as if there were no note
    const size = Number(match[1]);
    texts.set(commit, bytes.subarray(at, at + size).toString('utf8'));
    at += size + 1;
  }
  return { ref, present, texts };
}
