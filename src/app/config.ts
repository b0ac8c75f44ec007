import { unmatchedGlobs, unshippableBands, type PolicyFinding } from '../assess/policy-check.js';
import { trackedFiles } from '../collect/repo-detect.js';
import type { LoadedPolicy } from '../config/load.js';
import { dotted, inLineOrder, policyError } from '../config/issue-text.js';
import type { PolicyIssue } from '../errors.js';
import type { AppPorts, WorkspaceRequest } from './ports.js';
import { openWorkspace } from './workspace.js';

/** `config check|print`: the policy as loaded (validated; defaults filled in). */
export async function loadedPolicy(ports: AppPorts, request: WorkspaceRequest): Promise<LoadedPolicy> {
  return (await openWorkspace(ports, request, { history: false })).loaded;
}

/** What `config check` found: the policy, and the warnings that do not stop it. */
export interface PolicyCheck {
  loaded: LoadedPolicy;
  warnings: PolicyIssue[];
}

/**
 * `config check`: the schema, then what only the repository and the calendar show: scores that could
 * never ship (error), globs that match no tracked file (warning). Errors throw a ConfigError listing
 * every problem, warnings included, in line order.
 */
export async function checkPolicy(ports: AppPorts, request: WorkspaceRequest): Promise<PolicyCheck> {
  // The text is parsed and checked here, never taken from the policy cache: checking is the point.
  const { loaded, git } = await openWorkspace(ports, request, { history: false, policyCache: false });
  const text = loaded.text;
  if (loaded.source.kind === 'defaults' || text === undefined) return { loaded, warnings: [] };
  const { policyLocator } = await import('../config/parse.js');
  const locate = policyLocator(text);
  const file =
    loaded.source.ref === null
      ? (loaded.source.path ?? '')
      : `${loaded.source.ref}:${loaded.source.path ?? ''}`;
  const findings: PolicyFinding[] = [
    ...unshippableBands(loaded.policy, ports.clock.now()),
    ...unmatchedGlobs(loaded.policy, await trackedFiles(git), (path) => locate(path) !== null),
  ];
  const issues: PolicyIssue[] = findings.map((finding) => ({
    file,
    ...(locate(finding.path) ?? {}),
    level: finding.level,
    message: `"${dotted(finding.path)}": ${finding.message}`,
    ...(finding.hint === undefined ? {} : { hint: finding.hint }),
  }));
  if (issues.some((issue) => issue.level === 'error')) throw policyError(issues);
  return { loaded, warnings: inLineOrder(issues) };
}
