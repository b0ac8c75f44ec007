import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';

/** Why writing `path` failed, in words for the failures people meet (a missing folder, a folder). */
function whyNotWritten(path: string, error: unknown): string {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'ENOENT':
      return `the directory ${dirname(path)} does not exist`;
    case 'ENOTDIR':
      return `a parent of ${path} is not a directory`;
    case 'EISDIR':
      return `${path} is a directory, not a file`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EEXIST':
      return `${path} already exists`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Writes (or with `flag: 'a'` appends) a file the user named; a failure is a usage error (exit 2)
 * that names where the path came from (`label`: `--output x`, `GITHUB_STEP_SUMMARY`) and the path.
 */
export async function writeUserFile(
  label: string,
  path: string,
  text: string,
  flag: 'w' | 'a' | 'wx' = 'w',
): Promise<void> {
  try {
    await writeFile(path, text, { flag });
  } catch (error) {
    throw new UserError(`${label}: cannot write ${path}: ${whyNotWritten(path, error)}.`, {
      hint: 'Point it at a file in a directory that exists and is writable.',
    });
  }
}
