import { stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { notARegularFile } from '../collect/file-kind.js';
import { createGitRunner } from '../collect/git-runner.js';
import { detect, exists } from '../collect/repo-detect.js';
import { renderInitPolicy, type Detected } from '../config/init-template.js';
import { parsePolicy } from '../config/parse.js';
import { POLICY_FILE_NAMES } from '../config/source.js';
import { UserError } from '../errors.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { writeUserFile } from './user-file.js';
import { repoDirectory } from './workspace.js';

export interface InitResult {
  /** The policy file written. */
  path: string;
  found: Detected;
}

/** `init`: detect what the repository shows and write a commented policy file (never over one). */
export async function initPolicy(ports: AppPorts, options: WorkspaceRequest): Promise<InitResult> {
  const dir = await repoDirectory(ports, options);
  const root = (await createGitRunner(dir).run(['rev-parse', '--show-toplevel'])).stdout.trim();
  const git = createGitRunner(root);
  const target =
    options.config === undefined ? join(root, POLICY_FILE_NAMES[0]) : resolve(ports.cwd, options.config);
  const info = await stat(target).catch(() => null);
  const kind = info === null ? null : notARegularFile(info);
  if (kind !== null) {
    throw new UserError(
      `${options.config === undefined ? relative(ports.cwd, target) || target : `--config ${options.config}`}: expected the policy file to write, found ${kind} (${target}).`,
      { hint: 'Name a file, for example --config deploy/.deployadvisor.yml.' },
    );
  }
  for (const name of options.config === undefined ? POLICY_FILE_NAMES.map((n) => join(root, n)) : [target]) {
    if (await exists(name)) {
      throw new UserError(`${relative(ports.cwd, name) || name} already exists; init never overwrites it.`, {
        hint: 'Edit it, or check it with `deployadvisor config check`.',
      });
    }
  }
  const found = await detect(git, root);
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const text = renderInitPolicy(found, timezone);
  parsePolicy(text, { kind: 'file', path: target, ref: null, blobSha: null });
  await writeUserFile(
    options.config === undefined ? 'init' : `init --config ${options.config}`,
    target,
    text,
    'wx',
  );
  return { path: target, found };
}
