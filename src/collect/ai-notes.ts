import type { GitRunner } from './git-runner.js';
import { batchObjects } from './git-objects.js';

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
  // A missing object (or one that is not a blob) reads as if there were no note.
  batchObjects(bytes, wanted.length).forEach((object, i) => {
    const commit = wanted[i]?.commit;
    if (object?.type === 'blob' && commit !== undefined) texts.set(commit, object.data.toString('utf8'));
  });
  return { ref, present, texts };
}
