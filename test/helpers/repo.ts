import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CommitOptions {
  /** ISO-8601 date for author and committer. */
  date?: string;
  author?: string;
  email?: string;
  trailers?: string[];
  body?: string;
}

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  write(path: string, content: string): void;
  /** Writes `lines` numbered lines to path. */
  writeLines(path: string, lines: number, prefix?: string): void;
  commit(subject: string, options?: CommitOptions): string;
  cleanup(): void;
}

let clock = Date.parse('2026-01-05T10:00:00Z');

/** A real git repository in a temp dir: fixed identity, fixed dates, no gc, no user config. */
export function makeRepo(prefix = 'da-test-'): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    HOME: dir,
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Author',
    GIT_COMMITTER_EMAIL: 'author@example.com',
  };
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  git('config', 'gc.auto', '0');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    write(path, content) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    },
    writeLines(path, lines, prefix = 'line') {
      this.write(path, Array.from({ length: lines }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n');
    },
    commit(subject, options = {}) {
      clock += 3_600_000;
      const date = options.date ?? new Date(clock).toISOString();
      const message = [subject, options.body, options.trailers?.join('\n')]
        .filter((part) => part !== undefined && part !== '')
        .join('\n\n');
      git('add', '-A');
      execFileSync('git', ['commit', '-q', '--allow-empty', '-F', '-'], {
        cwd: dir,
        input: message,
        env: {
          ...env,
          GIT_AUTHOR_DATE: date,
          GIT_COMMITTER_DATE: date,
          ...(options.author === undefined
            ? {}
            : { GIT_AUTHOR_NAME: options.author, GIT_COMMITTER_NAME: options.author }),
          ...(options.email === undefined
            ? {}
            : { GIT_AUTHOR_EMAIL: options.email, GIT_COMMITTER_EMAIL: options.email }),
        },
      });
      return git('rev-parse', 'HEAD').trim();
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
