import type { Plan } from '../assess/plan-types.js';
import type { Policy } from '../config/schema.js';
import { PLAN_RENDERERS } from '../render/renderers.js';
import { guardOutput } from '../render/safe-text.js';
import { UserError } from '../errors.js';
import { appPorts } from './context.js';
import type { CommandContext } from './spec.js';

/**
 * `plan --comment`: the markdown plan as the pull request's sticky comment. Returns what went wrong,
 * in one paragraph, or null; the caller decides the exit code (docs/ci.md).
 */
export async function commentPlan(
  { io, global }: CommandContext,
  policy: Policy,
  env: string,
  plan: Plan,
): Promise<string | null> {
  const { commentTarget, commentOnPullRequest } = await import('../app/pr-comment.js');
  const ports = appPorts(io, global);
  let target;
  try {
    target = await commentTarget(ports, policy);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return `${error.message}${error.hint === undefined ? '' : ` ${error.hint}`}`;
  }
  if (target.kind === 'none') {
    if (global.quiet !== true) io.stderr(`deployadvisor: --comment: no comment, ${target.reason}.\n`);
    return null;
  }
  const markdown = (await PLAN_RENDERERS.markdown(plan)).stdout;
  const outcome = await commentOnPullRequest(ports, target, env, guardOutput(markdown));
  if (!outcome.ok) return `--comment: ${outcome.reason}`;
  if (global.quiet !== true) {
    io.stderr(
      `deployadvisor: ${outcome.action} the plan comment on pull request #${target.pr.number}: ${outcome.url}\n`,
    );
  }
  return null;
}
