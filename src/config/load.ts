import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { notARegularFile } from '../collect/file-kind.js';
import type { GitRunner } from '../collect/git-runner.js';
import { policySchema, type Policy } from './schema.js';
import { MAX_POLICY_BYTES, POLICY_FILE_NAMES, type PolicySource } from './source.js';

export interface LoadedPolicy {
  policy: Policy;
  source: PolicySource;
  /** The policy text as read (absent for the embedded defaults), for locating findings in it. */
  text?: string;
}

export interface LoadPolicyOptions {
  repoRoot: string;
  /** --config: a path relative to the working directory. */
  configPath?: string | undefined;
  /** --policy-ref: read the policy from this git ref instead of the working tree. */
  policyRef?: string | undefined;
  /** With policyRef: a ref without a policy file gives the embedded defaults instead of an error. */
  defaultsWhenAbsentAtRef?: boolean;
  git: GitRunner;
  cwd: string;
}

async function blobIdOf(git: GitRunner, text: string): Promise<string> {
  return (await git.run(['hash-object', '--stdin'], { input: text })).stdout.trim();
}

/**
 * The working-tree policy file's path and git blob id, without parsing it (to compare with the policy
 * at a ref); null when there is none.
 */
export async function workingTreePolicyBlob(
  options: Omit<LoadPolicyOptions, 'policyRef'>,
): Promise<{ path: string; blobSha: string } | null> {
  const candidates =
    options.configPath === undefined
      ? POLICY_FILE_NAMES.map((name) => resolve(options.repoRoot, name))
      : [resolve(options.cwd, options.configPath)];
  for (const file of candidates) {
    let text: string;
    try {
      if (!(await stat(file)).isFile()) continue;
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    return { path: relative(options.repoRoot, file), blobSha: await blobIdOf(options.git, text) };
  }
  return null;
}

/** The policy at a git ref (--policy-ref): the file must be there, and be a file. */
async function loadAtRef(options: LoadPolicyOptions & { policyRef: string }): Promise<LoadedPolicy> {
  const parser = () => import('./parse.js');
  const names =
    options.configPath === undefined
      ? POLICY_FILE_NAMES
      : [relative(options.repoRoot, resolve(options.cwd, options.configPath))];
  for (const name of names) {
    const spec = `${options.policyRef}:${name}`;
    const probe = await options.git.run(['rev-parse', '--verify', '--quiet', '--end-of-options', spec], {
      okExitCodes: [0, 1, 128],
    });
    if (probe.exitCode !== 0) continue;
    // A tree (a directory at that ref) is no blob: said so, not git's "bad file".
    const blob = await options.git.run(['cat-file', 'blob', probe.stdout.trim()], { okExitCodes: [0, 128] });
    if (blob.exitCode !== 0) {
      throw new ConfigError(
        `--policy-ref ${options.policyRef}: ${name} is a directory at that ref, not a policy file.`,
        'Point --config at the policy file itself, for example .deployadvisor.yml.',
      );
    }
    const text = blob.stdout;
    const source: PolicySource = {
      kind: 'ref',
      path: name,
      ref: options.policyRef,
      blobSha: probe.stdout.trim(),
    };
    const { parsePolicy } = await parser();
    return { policy: parsePolicy(text, source), source, text };
  }
  if (options.defaultsWhenAbsentAtRef === true) {
    return {
      policy: policySchema.parse({}),
      source: { kind: 'defaults', path: null, ref: null, blobSha: null },
    };
  }
  throw new ConfigError(
    `--policy-ref ${options.policyRef}: no ${names.join(' or ')} at that ref.`,
    'Commit the policy on that branch, fetch the ref, or drop --policy-ref to use the working tree.',
  );
}

/** Finds and loads the policy: --policy-ref, --config, the repo's file, or embedded defaults. */
export async function loadPolicy(options: LoadPolicyOptions): Promise<LoadedPolicy> {
  // The YAML parser loads only when there is policy text to parse: without a policy file, never.
  const parser = () => import('./parse.js');
  if (options.policyRef !== undefined) return loadAtRef({ ...options, policyRef: options.policyRef });
  const candidates =
    options.configPath === undefined
      ? POLICY_FILE_NAMES.map((name) => resolve(options.repoRoot, name))
      : [resolve(options.cwd, options.configPath)];
  for (const file of candidates) {
    let size: number;
    try {
      const info = await stat(file);
      const kind = notARegularFile(info);
      if (kind !== null) {
        throw new ConfigError(
          `${options.configPath === undefined ? file : `--config ${options.configPath}`}: expected a policy file, found ${kind} (${file}).`,
        );
      }
      size = info.size;
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      if (options.configPath !== undefined) {
        throw new ConfigError(
          `--config ${options.configPath}: file not found (${file}).`,
          'Check the path, or run `deployadvisor init` to write one.',
        );
      }
      continue;
    }
    // Inside the repository the path is repo-relative, so plans do not depend on where it is checked out.
    const shown = relative(options.repoRoot, file);
    const source: PolicySource = {
      kind: 'file',
      path: shown === '' || shown.startsWith('..') ? file : shown,
      ref: null,
      blobSha: null,
    };
    const { parsePolicy } = await parser();
    if (size > MAX_POLICY_BYTES) parsePolicy('x'.repeat(MAX_POLICY_BYTES + 1), source);
    const text = await readFile(file, 'utf8');
    const policy = parsePolicy(text, source);
    source.blobSha = await blobIdOf(options.git, text);
    return { policy, source, text };
  }
  return {
    policy: policySchema.parse({}),
    source: { kind: 'defaults', path: null, ref: null, blobSha: null },
  };
}
