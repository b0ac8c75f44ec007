import type { GitRunner } from '../collect/git-runner.js';
import type { HttpClient } from '../collect/http.js';
import type { ImportRead } from '../collect/imports/found.js';
import type { CiSource } from '../config/sources-schema.js';
import { UserError } from '../errors.js';
import type { AppPorts } from './ports.js';

/** What `ledger import` reads: any of tags, GitHub deployments and releases, GitLab deployments. */
export interface ImportSelection {
  tags?: string | undefined;
  githubDeployments?: boolean | undefined;
  githubReleases?: boolean | undefined;
  gitlabDeployments?: boolean | undefined;
  /** owner/name (GitHub) or the project path or id (GitLab); default: sources.ci.repo. */
  forgeRepo?: string | undefined;
  /** API base URL; default: sources.ci.url, else the public API. */
  apiUrl?: string | undefined;
  /** Name of the environment variable holding the token; default: sources.ci.tokenEnv. */
  tokenEnv?: string | undefined;
  /** The environment's name on the forge; default: --env. */
  forgeEnv?: string | undefined;
}

/** The forge's repository, API and credentials, from the flags, else the matching sources.ci. */
function forgeOf(
  provider: 'github' | 'gitlab',
  flag: string,
  selection: ImportSelection,
  ci: CiSource | undefined,
  env: AppPorts['env'],
): { api: string; repo: string; auth: Record<string, string> } {
  const configured = ci?.provider === provider ? ci : undefined;
  const repo = selection.forgeRepo ?? configured?.repo;
  if (repo === undefined || repo.trim() === '') {
    throw new UserError(
      `${flag} needs the ${provider === 'github' ? 'repository (owner/name)' : 'project (group/name or id)'}: pass --forge-repo, or configure sources.ci with provider ${provider}.`,
    );
  }
  const api =
    selection.apiUrl ??
    configured?.url ??
    (provider === 'github' ? 'https://api.github.com' : 'https://gitlab.com');
  if (!/^https?:\/\/[^\s/]+/.test(api)) {
    throw new UserError(
      `--api-url ${api}: expected an http:// or https:// URL such as https://api.github.com.`,
    );
  }
  const tokenEnv = selection.tokenEnv ?? configured?.tokenEnv;
  if (tokenEnv === undefined) return { api, repo, auth: {} };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv)) {
    throw new UserError(
      `--token-env ${tokenEnv}: expected the NAME of an environment variable, such as GITHUB_TOKEN.`,
    );
  }
  const token = env[tokenEnv];
  if (token === undefined || token === '') {
    throw new UserError(`${flag}: environment variable ${tokenEnv} (the token) is not set.`, {
      hint: `Export ${tokenEnv}, or leave out --token-env/tokenEnv for a public repository.`,
    });
  }
  return {
    api,
    repo,
    auth: provider === 'github' ? { authorization: `Bearer ${token}` } : { 'private-token': token },
  };
}

/** The reads a selection asks for, each a named job; errors in the selection are thrown first. */
export async function importJobs(
  git: GitRunner,
  selection: ImportSelection,
  context: { env: string; ci: CiSource | undefined; vars: AppPorts['env'] },
): Promise<Array<{ label: string; run: (http: HttpClient) => Promise<ImportRead> }>> {
  const jobs: Array<{ label: string; run: (http: HttpClient) => Promise<ImportRead> }> = [];
  const environment = selection.forgeEnv ?? context.env;
  if (selection.tags !== undefined) {
    const pattern = selection.tags;
    if (pattern.trim() === '' || /[\s\0]/.test(pattern)) {
      throw new UserError(`--tags "${pattern}": expected a tag name or glob such as 'v*' or 'release/*'.`);
    }
    const { readTagDeploys } = await import('../collect/imports/tags.js');
    jobs.push({ label: `tags ${pattern}`, run: () => readTagDeploys(git, pattern) });
  }
  if (selection.githubDeployments === true || selection.githubReleases === true) {
    const { readGithubDeployments, readGithubReleases } = await import('../collect/imports/github.js');
    if (selection.githubDeployments === true) {
      const forge = forgeOf('github', '--github-deployments', selection, context.ci, context.vars);
      jobs.push({
        label: `GitHub deployments (${forge.repo}, ${environment})`,
        run: (http) => readGithubDeployments(http, { ...forge, environment }),
      });
    }
    if (selection.githubReleases === true) {
      const forge = forgeOf('github', '--github-releases', selection, context.ci, context.vars);
      jobs.push({ label: `GitHub releases (${forge.repo})`, run: (http) => readGithubReleases(http, forge) });
    }
  }
  if (selection.gitlabDeployments === true) {
    const { readGitlabDeployments } = await import('../collect/imports/gitlab.js');
    const forge = forgeOf('gitlab', '--gitlab-deployments', selection, context.ci, context.vars);
    jobs.push({
      label: `GitLab deployments (${forge.repo}, ${environment})`,
      run: (http) =>
        readGitlabDeployments(http, { api: forge.api, project: forge.repo, environment, auth: forge.auth }),
    });
  }
  if (jobs.length === 0) {
    throw new UserError(
      'ledger import needs at least one of --tags <pattern>, --github-deployments, --github-releases, --gitlab-deployments.',
    );
  }
  return jobs;
}
