import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { notARegularFile } from '../collect/file-kind.js';
import type { GitRunner } from '../collect/git-runner.js';
import type { RepoLayout } from '../collect/repo-layout.js';
import { cachedPolicy } from './policy-cache.js';
import type { Policy } from './schema.js';
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
  /**
   * The repository's layout, when known: the parsed policy is then cached in its git directory, and in
   * a SHA-1 repository a blob id is computed here instead of by a git process.
   */
  layout?: Pick<RepoLayout, 'gitDir' | 'head'> | undefined;
  /** false: parse and check the text even when the cache holds its policy (`config check`). */
  cache?: boolean;
}

/** The git blob id of `text`, as `git hash-object --stdin` gives it. */
async function blobIdOf(git: GitRunner, text: string, layout: LoadPolicyOptions['layout']): Promise<string> {
  // A SHA-1 repository (HEAD's id has 40 digits): the id is the SHA-1 of a header and the bytes.
  if (layout?.head?.sha.length === 40) {
    const bytes = Buffer.from(text, 'utf8');
    return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  }
  return (await git.run(['hash-object', '--stdin'], { input: text })).stdout.trim();
}

/** The validated policy of `text` (null: the embedded defaults); the schema loads only on a cache miss. */
function policyOf(text: string | null, source: PolicySource, options: LoadPolicyOptions): Promise<Policy> {
  const gitDir = options.cache === false ? undefined : options.layout?.gitDir;
  return cachedPolicy(gitDir, text, async () =>
    text === null
      ? (await import('./schema.js')).policySchema.parse({})
      : (await import('./parse.js')).parsePolicy(text, source),
  );
}

const DEFAULTS: PolicySource = { kind: 'defaults', path: null, ref: null, blobSha: null };

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
    return {
      path: relative(options.repoRoot, file),
      blobSha: await blobIdOf(options.git, text, options.layout),
    };
  }
  return null;
}

/** The policy at a git ref (--policy-ref): the file must be there, and be a file. */
async function loadAtRef(options: LoadPolicyOptions & { policyRef: string }): Promise<LoadedPolicy> {
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
    return { policy: await policyOf(text, source, options), source, text };
  }
  if (options.defaultsWhenAbsentAtRef === true) {
    return { policy: await policyOf(null, DEFAULTS, options), source: { ...DEFAULTS } };
  }
  throw new ConfigError(
    `--policy-ref ${options.policyRef}: no ${names.join(' or ')} at that ref.`,
    'Commit the policy on that branch, fetch the ref, or drop --policy-ref to use the working tree.',
  );
}

/** Finds and loads the policy: --policy-ref, --config, the repo's file, or embedded defaults. */
export async function loadPolicy(options: LoadPolicyOptions): Promise<LoadedPolicy> {
  // The YAML parser and the schemas load only when there is policy text to parse that the cache does
  // not hold: without a policy file, only for the defaults' first plan.
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
    if (size > MAX_POLICY_BYTES) {
      (await import('./parse.js')).parsePolicy('x'.repeat(MAX_POLICY_BYTES + 1), source);
    }
    const text = await readFile(file, 'utf8');
    const policy = await policyOf(text, source, options);
    source.blobSha = await blobIdOf(options.git, text, options.layout);
    return { policy, source, text };
  }
  return { policy: await policyOf(null, DEFAULTS, options), source: { ...DEFAULTS } };
}
