import type { GitRunner } from '../collect/git-runner.js';

/** An AI agent recording through `deployadvisor mcp`: the client's name and version from the handshake. */
export interface Agent {
  name: string;
  version: string;
}

/** One line, no control characters, at most 100 characters: the client names itself, untrusted. */
function agentName(agent: Agent): string {
  const line = `${agent.name} ${agent.version}`.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').trim();
  return `${line.slice(0, 100)} (MCP agent)`;
}

/**
 * Who is recording: the git identity and, in CI, the CI user; an agent recording through the MCP
 * server is named as the actor (the git identity is whose machine it ran on).
 */
export async function actorOf(
  git: GitRunner,
  env: Record<string, string | undefined>,
  agent?: Agent,
): Promise<{ name: string; email: string; ci: string | null }> {
  const get = async (key: string) => {
    const result = await git.run(['config', '--get', key], { okExitCodes: [0, 1] });
    return result.exitCode === 0 ? result.stdout.trim() : '';
  };
  const ci = env.GITHUB_ACTOR ?? env.GITLAB_USER_LOGIN ?? env.CIRCLE_USERNAME ?? null;
  if (agent !== undefined) return { name: agentName(agent), email: await get('user.email'), ci };
  return {
    name: (await get('user.name')) || env.GITHUB_ACTOR || env.GITLAB_USER_NAME || env.USER || 'unknown',
    email: await get('user.email'),
    ci,
  };
}

/** The CI run that is recording, from GitHub Actions, GitLab CI or CircleCI variables. */
export function ciRunUrl(env: Record<string, string | undefined>): string | null {
  if (env.GITHUB_RUN_ID !== undefined && env.GITHUB_REPOSITORY !== undefined) {
    return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  if (env.CI_JOB_URL !== undefined) return env.CI_JOB_URL;
  if (env.CI_PIPELINE_URL !== undefined) return env.CI_PIPELINE_URL;
  if (env.CIRCLE_BUILD_URL !== undefined) return env.CIRCLE_BUILD_URL;
  return null;
}
