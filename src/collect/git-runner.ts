import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { GitError } from '../errors.js';
import { splitBatches } from './split-stream.js';

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
  // Block-buffer stdout even into a pipe (git flushes after every record otherwise).
  GIT_FLUSH: '0',
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
  /** The same records a chunk's worth at a time, for readers of many small ones (logs, patches). */
  batches(args: readonly string[], separator: string, options?: GitRunOptions): AsyncGenerator<string[]>;
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
  const missing = /unable to read ([0-9a-f]{40,64})|missing (?:blob|tree|commit) ([0-9a-f]{40,64})/i.exec(
    text,
  );
  if (missing !== null) {
    return new GitError(
      `${cwd} is missing git object ${missing[1] ?? missing[2] ?? ''} (a partial, filtered or damaged clone), so git could not read the history it needs.`,
      'Use a complete clone (git clone without --filter; or git fetch --refetch), or limit the range to history whose objects are present.',
    );
  }
  return new GitError(`git ${args.join(' ')} failed in ${cwd}: ${text || 'no message'}`);
}

function gitNotFound(): GitError {
  return new GitError('git was not found on PATH.', 'Install git 2.30 or newer and try again.');
}

/** How a child ended: its exit code (-1 when killed by a signal), or the error that stopped it starting. */
interface Exit {
  code: number;
  spawnError: boolean;
}

interface RunningGit {
  child: ChildProcess | null;
  stdout: Readable | null;
  /** Everything git wrote to stderr; never rejects. */
  stderr: Promise<string>;
  /** Settles once the child has exited and its stdio is closed; never rejects. */
  exit: Promise<Exit>;
}

/** Starts one git in `cwd`; a failure to start is in `exit`, never thrown. */
function startGit(
  cwd: string,
  log: ((line: string) => void) | undefined,
  args: readonly string[],
  options: GitRunOptions,
): RunningGit {
  {
    log?.(`git ${args.map((arg) => (/[\s"']/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}`);
    let child: ChildProcess;
    try {
      child = spawn('git', [...SAFE_CONFIG, ...args], {
        cwd,
        env: { ...process.env, ...SAFE_ENV },
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch {
      // Some failures to start (a --repo that is a file: ENOTDIR) throw instead of emitting 'error'.
      const exit = Promise.resolve({ code: -1, spawnError: true });
      return { child: null, stdout: null, stderr: Promise.resolve(''), exit };
    }
    const exit = new Promise<Exit>((resolve) => {
      child.once('error', () => {
        // Failed to start (ENOENT: no git, or no such --repo directory); later errors (a failed
        // kill) change nothing, and 'close' still reports the exit.
        if (child.pid === undefined) resolve({ code: -1, spawnError: true });
      });
      child.once('close', (code: number | null) => {
        resolve({ code: code ?? -1, spawnError: child.pid === undefined });
      });
    });
    const stderrChunks: Buffer[] = [];
    const stderr = new Promise<string>((resolve) => {
      const done = () => {
        resolve(Buffer.concat(stderrChunks).toString('utf8'));
      };
      child.stderr?.on('data', (chunk: Buffer) => stderrChunks.push(chunk));
      child.stderr?.once('end', done).once('close', done).on('error', done);
    });
    if (child.stdin !== null) {
      // git may exit before reading all of its input (EPIPE); its exit code tells what happened.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
    child.stdout?.on('error', () => {});
    return { child, stdout: child.stdout, stderr, exit };
  }
}

export function createGitRunner(cwd: string, log?: (line: string) => void): GitRunner {
  const start = (args: readonly string[], options: GitRunOptions): RunningGit =>
    startGit(cwd, log, args, options);

  async function check(
    running: RunningGit,
    args: readonly string[],
    options: GitRunOptions,
  ): Promise<number> {
    const { code, spawnError } = await running.exit;
    if (spawnError) throw gitNotFound();
    if (!(options.okExitCodes ?? [0]).includes(code)) {
      throw explainGitFailure(cwd, args, await running.stderr);
    }
    return code;
  }

  async function* batches(
    args: readonly string[],
    separator: string,
    options: GitRunOptions = {},
  ): AsyncGenerator<string[]> {
    const running = start(args, options);
    const { child } = running;
    try {
      if (running.stdout !== null) yield* splitBatches(running.stdout, separator);
    } finally {
      // The consumer stopped early (or threw): do not leave git running.
      if (child !== null && child.exitCode === null && child.signalCode === null) child.kill();
    }
    await check(running, args, options);
  }

  async function* stream(
    args: readonly string[],
    separator: string,
    options: GitRunOptions = {},
  ): AsyncGenerator<string> {
    for await (const batch of batches(args, separator, options)) yield* batch;
  }

  async function runBytes(args: readonly string[], options: GitRunOptions = {}) {
    const running = start(args, options);
    const chunks: Buffer[] = [];
    if (running.stdout !== null) for await (const chunk of running.stdout) chunks.push(chunk as Buffer);
    const exitCode = await check(running, args, options);
    return { stdout: Buffer.concat(chunks), exitCode };
  }

  return {
    cwd,
    stream,
    batches,
    async runBytes(args, options) {
      return (await runBytes(args, options)).stdout;
    },
    async run(args, options) {
      const { stdout, exitCode } = await runBytes(args, options);
      return { stdout: stdout.toString('utf8'), exitCode };
    },
  };
}
