import { execa } from 'execa';
import { GitError } from '../errors.js';

/**
 * The one way this tool talks to git: no shell, output streamed (no maxBuffer), paths unquoted,
 * signatures, colours, external diff drivers and prompts off, C locale. It never writes git config.
 */
const SAFE_CONFIG = [
  '-c',
  'core.quotePath=false',
  '-c',
  'log.showSignature=false',
  '-c',
  'color.ui=never',
  '-c',
  'diff.renames=true',
  '-c',
  'core.fsmonitor=false',
];

const SAFE_ENV = {
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
  LANG: 'C',
  GIT_OPTIONAL_LOCKS: '0',
  GIT_PAGER: 'cat',
  GIT_EXTERNAL_DIFF: '',
} as const;

export interface GitRunOptions {
  /** Text written to git's stdin (for `cat-file --batch`). */
  input?: string;
  /** Exit codes that are answers, not failures (for example 1 from `merge-base --is-ancestor`). */
  okExitCodes?: readonly number[];
}

export interface GitRunner {
  readonly cwd: string;
  /** Runs git and returns its whole stdout (for small answers). */
  run(args: readonly string[], options?: GitRunOptions): Promise<{ stdout: string; exitCode: number }>;
  /** Runs git and returns its stdout as bytes (for `cat-file --batch`, whose sizes are in bytes). */
  runBytes(args: readonly string[], options?: GitRunOptions): Promise<Buffer>;
  /** Runs git and yields its stdout split on `separator`, as it arrives. */
  stream(args: readonly string[], separator: string, options?: GitRunOptions): AsyncGenerator<string>;
}

/** Splits a byte stream into records on a one-character separator, decoding UTF-8 across chunk edges. */
export async function* splitStream(
  chunks: AsyncIterable<Uint8Array | string>,
  separator: string,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let at = pending.indexOf(separator);
    let start = 0;
    while (at !== -1) {
      yield pending.slice(start, at);
      start = at + separator.length;
      at = pending.indexOf(separator, start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.length > 0) yield pending;
}

/** Turns git's stderr into a diagnostic a person can act on. */
export function explainGitFailure(cwd: string, args: readonly string[], stderr: string): GitError {
  const text = stderr.trim();
  if (/dubious ownership/i.test(text)) {
    return new GitError(
      `git refuses to read ${cwd}: the repository is owned by another user ("dubious ownership").`,
      `If you trust this repository, allow it for this one command with \`git -c safe.directory=${cwd} ...\`, ` +
        `or permanently with \`git config --global --add safe.directory ${cwd}\`. ` +
        'In a container, run as the owner of the checkout. deployadvisor never changes your git config.',
    );
  }
  if (/not a git repository/i.test(text)) {
    return new GitError(
      `${cwd} is not a git repository (or any of its parents).`,
      'Run deployadvisor inside a git checkout, or pass --repo <dir>.',
    );
  }
  return new GitError(`git ${args.join(' ')} failed in ${cwd}: ${text || 'no message'}`);
}

export function createGitRunner(cwd: string, log?: (line: string) => void): GitRunner {
  const spawn = (args: readonly string[], options: GitRunOptions) => {
    log?.(`git ${args.map((arg) => (/[\s"']/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}`);
    return execa('git', [...SAFE_CONFIG, ...args], {
      cwd,
      env: SAFE_ENV,
      extendEnv: true,
      buffer: false,
      reject: false,
      stdin: options.input === undefined ? 'ignore' : 'pipe',
      stripFinalNewline: false,
      encoding: 'buffer',
    });
  };

  async function collectStderr(child: ReturnType<typeof spawn>): Promise<string> {
    let text = '';
    for await (const part of splitStream(child.stderr, '\n')) text += `${part}\n`;
    return text;
  }

  async function* stream(
    args: readonly string[],
    separator: string,
    options: GitRunOptions = {},
  ): AsyncGenerator<string> {
    const child = spawn(args, options);
    if (options.input !== undefined) child.stdin?.end(options.input);
    const stderr = collectStderr(child);
    try {
      yield* splitStream(child.stdout, separator);
    } finally {
      if (child.exitCode === null) child.kill();
    }
    const result = await child;
    const ok = options.okExitCodes ?? [0];
    if (!ok.includes(result.exitCode ?? -1)) {
      if (result.exitCode === undefined) {
        throw new GitError('git was not found on PATH.', 'Install git 2.30 or newer and try again.');
      }
      throw explainGitFailure(cwd, args, await stderr);
    }
  }

  async function runBytes(args: readonly string[], options: GitRunOptions = {}) {
    const child = spawn(args, options);
    if (options.input !== undefined) child.stdin?.end(options.input);
    const stderr = collectStderr(child);
    const chunks: Buffer[] = [];
    for await (const chunk of child.stdout) chunks.push(Buffer.from(chunk as Uint8Array));
    const result = await child;
    const exitCode = result.exitCode ?? -1;
    if (!(options.okExitCodes ?? [0]).includes(exitCode)) {
      if (result.exitCode === undefined) {
        throw new GitError('git was not found on PATH.', 'Install git 2.30 or newer and try again.');
      }
      throw explainGitFailure(cwd, args, await stderr);
    }
    return { stdout: Buffer.concat(chunks), exitCode };
  }

  return {
    cwd,
    stream,
    async runBytes(args, options) {
      return (await runBytes(args, options)).stdout;
    },
    async run(args, options) {
      const { stdout, exitCode } = await runBytes(args, options);
      return { stdout: stdout.toString('utf8'), exitCode };
    },
  };
}
