import type { DiffFile } from '../assess/facts.js';
import type { GitRunner } from './git-runner.js';

const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/**
 * Reads the range diff in one git call: `--numstat -z` gives the file list (renames, binaries), and the
 * `-U0` patch that follows lists the same files in the same order, from which the new-side line numbers
 * of every hunk are taken.
 */
export async function readRangeDiff(git: GitRunner, base: string, target: string): Promise<DiffFile[]> {
  const args = [
    'diff',
    '--numstat',
    '--patch',
    '-U0',
    '-z',
    // Renames and copies (also from unchanged files): a file moved or copied out of a risk zone keeps
    // its old path, which counts for zones and migrations like the new one.
    '-M',
    '-C',
    '--find-copies-harder',
    '--no-ext-diff',
    '--no-textconv',
    '--no-color',
    '--end-of-options',
    base,
    target,
    '--',
  ];
  return parseRangeDiff(git.batches(args, '\n'));
}

/** Parses the output of `git diff --numstat --patch -U0 -z`, fed as batches of newline-separated lines. */
export async function parseRangeDiff(batches: AsyncIterable<readonly string[]>): Promise<DiffFile[]> {
  const files: DiffFile[] = [];
  let inPatch = false;
  let index = -1;
  let numstat = '';
  for await (const batch of batches)
    for (const line of batch) {
      if (!inPatch) {
        // The numstat part is NUL-separated and ends with an empty token, then the patch begins.
        numstat += `${line}\n`;
        const end = numstat.indexOf('\0\0');
        if (end === -1 && !numstat.startsWith('\0')) continue;
        const rest = end === -1 ? numstat.slice(1) : numstat.slice(end + 2);
        parseNumstat(end === -1 ? '' : numstat.slice(0, end + 1), files);
        inPatch = true;
        for (const patchLine of rest.split('\n')) index = patchLineInto(patchLine, files, index);
        continue;
      }
      index = patchLineInto(line, files, index);
    }
  if (!inPatch) parseNumstat(numstat.replace(/\n$/, ''), files);
  return files;
}

function parseNumstat(text: string, files: DiffFile[]): void {
  const tokens = text.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    const parts = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(token);
    if (parts === null) continue;
    const added = parts[1] === '-' ? null : Number(parts[1]);
    const deleted = parts[2] === '-' ? null : Number(parts[2]);
    const path = parts[3] ?? '';
    if (path === '') {
      const oldPath = tokens[i + 1] ?? '';
      const newPath = tokens[i + 2] ?? '';
      i += 2;
      files.push({ path: newPath, oldPath, added, deleted, status: 'renamed', addedRanges: [] });
    } else {
      files.push({ path, added, deleted, status: 'modified', addedRanges: [] });
    }
  }
}

function patchLineInto(line: string, files: DiffFile[], index: number): number {
  if (line.startsWith('diff --git ')) return index + 1;
  const file = files[index];
  if (file === undefined) return index;
  if (line.startsWith('new file mode')) file.status = 'added';
  else if (line.startsWith('deleted file mode')) file.status = 'deleted';
  else if (line.startsWith('copy from ')) file.status = 'copied';
  else if (line.startsWith('@@')) {
    const hunk = HUNK.exec(line);
    if (hunk !== null) {
      const start = Number(hunk[1]);
      const length = hunk[2] === undefined ? 1 : Number(hunk[2]);
      if (length > 0) file.addedRanges.push([start, start + length - 1]);
    }
  }
  return index;
}
