import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What a keyed cache is for: every field must be equal for the value to be used. */
export type CacheKey = Readonly<Record<string, string | number>>;

/**
 * One JSON file under `<git-dir>/deployadvisor/` holding the value computed for one key (the ledger's
 * records for a tip, the change profile for a base): the value when the stored key equals `key` field
 * by field, else undefined. Deleting it only costs time; a damaged file reads as absent.
 */
export async function readKeyed(gitDir: string, file: string, key: CacheKey): Promise<unknown> {
  try {
    const stored = JSON.parse(await readFile(join(gitDir, 'deployadvisor', file), 'utf8')) as {
      key?: Record<string, unknown>;
      value?: unknown;
    };
    const keys = Object.keys(key);
    const same =
      stored.key !== undefined &&
      Object.keys(stored.key).length === keys.length &&
      keys.every((name) => stored.key?.[name] === key[name]);
    return same ? stored.value : undefined;
  } catch {
    return undefined;
  }
}

/** Written whole and renamed into place: a reader never sees half a file. Read-only: nothing to do. */
export async function writeKeyed(gitDir: string, file: string, key: CacheKey, value: unknown): Promise<void> {
  const dir = join(gitDir, 'deployadvisor');
  const path = join(dir, file);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temporary, JSON.stringify({ key, value }));
    await rename(temporary, path);
  } catch {
    await rm(temporary, { force: true }).catch(() => {});
  }
}
