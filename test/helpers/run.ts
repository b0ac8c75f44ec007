import type { Dispatcher } from 'undici';
import { main } from '../../src/main.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output (no TTY, no colour). */
export async function runCli(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; dispatcher?: Dispatcher } = {},
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    isTTY: { stdout: false, stderr: false },
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
  });
  return { code, stdout, stderr };
}

/** `deployadvisor --repo <dir> --format json plan --now <fixed> ...args`, parsed. */
export async function runPlanJson(
  dir: string,
  args: string[] = [],
  options: { env?: Record<string, string> } = {},
): Promise<RunResult & { plan: import('../../src/assess/plan-types.js').Plan }> {
  const result = await runCli(
    ['--repo', dir, '--format', 'json', 'plan', '--now', '2026-11-23T10:00:00Z', ...args],
    options,
  );
  return { ...result, plan: JSON.parse(result.stdout) as import('../../src/assess/plan-types.js').Plan };
}
