import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * An append-only cache of answers that never change for a commit (blame of a fix, a commit's files),
 * one JSON line each, under `<git-dir>/deployadvisor/`. Deleting it only costs time.
 */
export class JsonlCache<T> {
  private readonly path: string;

  constructor(
    private readonly gitDir: string,
    file: string,
    private readonly keyOf: (entry: T) => string,
    private readonly valid: (entry: unknown) => entry is T,
  ) {
    this.path = join(gitDir, 'deployadvisor', file);
  }

  async read(): Promise<Map<string, T>> {
    const entries = new Map<string, T>();
    const text = await readFile(this.path, 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const entry: unknown = JSON.parse(line);
        if (this.valid(entry)) entries.set(this.keyOf(entry), entry);
      } catch {
        // A torn last line (an interrupted run) is computed again.
      }
    }
    return entries;
  }

  /** Appends entries; a clone that cannot be written (read-only) keeps right answers, only slower. */
  async append(entries: readonly T[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await mkdir(join(this.gitDir, 'deployadvisor'), { recursive: true });
      await appendFile(this.path, `${entries.map((entry) => JSON.stringify(entry)).join('\n')}\n`);
    } catch {
      // Read-only: nothing to do.
    }
  }
}
