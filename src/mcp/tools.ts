import { z } from 'zod';
import { FAIL_ON } from '../assess/plan-types.js';
import type { AppPorts, WorkspaceRequest } from '../app/ports.js';
import { EXPLAIN_RENDERERS } from '../render/explain.js';
import { LEDGER_VERIFY_RENDERERS } from '../render/ledger.js';
import { INSIGHTS_RENDERERS, PLAN_RENDERERS } from '../render/renderers.js';
import { PLAIN } from '../render/style.js';
import { PIPE_WIDTH, type RendererTable } from '../render/formats.js';

/**
 * The tools `deployadvisor mcp` offers an agent: each a JSON Schema (from zod), a description an agent
 * can follow, and a run that calls the same use case and JSON renderer as the CLI command.
 */

const workspace = {
  repo: z.string().optional().describe('repository directory (default: the one the server was started in)'),
  config: z.string().optional().describe('policy file (default: .deployadvisor.yml in the repository)'),
  policyRef: z.string().optional().describe('read the policy from this git ref instead of the working tree'),
};

const instant = z
  .string()
  .optional()
  .describe('evaluate at this ISO-8601 instant instead of the clock (e.g. 2026-12-03T14:00:00Z)');

export const PLAN_INPUT = z.strictObject({
  ...workspace,
  target: z.string().optional().describe('commit, branch or tag to deploy (default: HEAD)'),
  env: z.string().optional().describe('environment (default: defaultEnvironment from the policy)'),
  from: z.string().optional().describe('base of the range (default: last deploy, deployedRef, merge-base)'),
  now: instant,
  failOn: z.enum(FAIL_ON).optional().describe('lowest verdict that counts as failing (default: wait)'),
  coverage: z.array(z.string()).optional().describe('coverage report files'),
  offline: z.boolean().optional().describe('ask no network endpoints (CI, metrics, alerts)'),
  record: z
    .boolean()
    .optional()
    .describe('store the plan in the ledger (only when the server was started with --allow-record)'),
});

export const EXPLAIN_INPUT = z.strictObject({
  ...workspace,
  sha: z.string().min(1).describe('the commit to explain'),
});

export const RECORD_INPUT = z.strictObject({
  ...workspace,
  event: z.enum(['started', 'succeeded', 'failed', 'rolled-back']).describe('the deploy event'),
  env: z.string().optional().describe('environment (default: defaultEnvironment)'),
  sha: z
    .string()
    .optional()
    .describe('the deployed commit; for rolled-back, the one rolled back (default: HEAD)'),
  reason: z.string().optional().describe('why (required for failed and rolled-back)'),
  plan: z.string().optional().describe('id (or prefix) of the plan record this deploy carried out'),
});

export const INSIGHTS_INPUT = z.strictObject({
  ...workspace,
  since: z.string().optional().describe('window start: a duration such as 90d, or a date (default: 90d)'),
  env: z.string().optional().describe('environment (default: defaultEnvironment)'),
  now: instant,
  offline: z.boolean().optional().describe('ask no CI source'),
});

export const LEDGER_VERIFY_INPUT = z.strictObject({
  ...workspace,
  remote: z.string().optional().describe('remote to compare with (default: ledger.remote)'),
});

export const DESCRIPTIONS = {
  plan:
    'Assess deploying a commit to an environment and return the deploy plan as JSON (verdict GO, WAIT, ' +
    'BLOCK or INCONCLUSIVE, a 0-100 risk score by factor, timing, rollback). Call plan before any deploy; ' +
    'do not deploy unless the verdict is GO. On WAIT, tell the user when the next window opens (timing); ' +
    'on BLOCK or INCONCLUSIVE, report the gates and diagnostics to a human and do not deploy.',
  explain:
    'Audit view of one commit as JSON: its origin (AI attribution, review), and every plan and deploy ' +
    'in the ledger that carried it. Use it to answer "why did this ship?".',
  record:
    'Append a deploy event (started, succeeded, failed, rolled-back) to the ledger, with you as the actor. ' +
    'Call it after you deploy: started before, succeeded or failed (with a reason) after. Only available ' +
    'when the server was started with --allow-record.',
  insights:
    'DORA four keys and failure rates (by weekday, hour, zone, AI share) from the ledger, as JSON. Use it ' +
    'to pick a low-risk time or to report delivery health.',
  ledger_verify:
    'Check the ledger: integrity of the chain and completeness against the remote, as JSON. ok=false ' +
    'names the first bad record; report it to a human.',
} as const;

/** The same JSON the CLI writes with --format json. */
export async function asJson<T>(table: RendererTable<T>, value: T): Promise<string> {
  const json = table.json;
  if (json === undefined) throw new Error('no JSON renderer');
  return (await json(value, { style: PLAIN, width: PIPE_WIDTH })).stdout;
}

/** What every tool call gets: the server's ports and its defaults. */
export interface ToolContext {
  ports: AppPorts;
  defaults: WorkspaceRequest;
  allowRecord: boolean;
}

const place = (context: ToolContext, input: WorkspaceRequest): WorkspaceRequest => ({
  repo: input.repo ?? context.defaults.repo,
  config: input.config ?? context.defaults.config,
  policyRef: input.policyRef ?? context.defaults.policyRef,
});

export const READ_ONLY =
  'this deployadvisor MCP server is read-only: ask the user to start it with `deployadvisor mcp --allow-record` to record.';

export async function runPlan(context: ToolContext, input: z.infer<typeof PLAN_INPUT>): Promise<string> {
  if (input.record === true && !context.allowRecord) throw new ReadOnlyError();
  const { planDeploy } = await import('../app/plan.js');
  const { appendTo } = await import('../app/record.js');
  const {
    workspace: opened,
    plan,
    record,
  } = await planDeploy(context.ports, {
    ...place(context, input),
    target: input.target ?? 'HEAD',
    env: input.env,
    from: input.from,
    now: input.now,
    failOn: input.failOn ?? 'wait',
    coverage: input.coverage,
    offline: input.offline,
    record: input.record === true,
  });
  if (record !== null) await appendTo(opened, record);
  return asJson(PLAN_RENDERERS, plan);
}

export async function runExplain(
  context: ToolContext,
  input: z.infer<typeof EXPLAIN_INPUT>,
): Promise<string> {
  const { explainCommit } = await import('../app/explain.js');
  return asJson(
    EXPLAIN_RENDERERS,
    await explainCommit(context.ports, { ...place(context, input), sha: input.sha }),
  );
}

export async function runRecord(context: ToolContext, input: z.infer<typeof RECORD_INPUT>): Promise<string> {
  if (!context.allowRecord) throw new ReadOnlyError();
  const { recordEvent } = await import('../app/record.js');
  const { record } = await recordEvent(context.ports, { ...input, ...place(context, input) });
  return `${JSON.stringify(record, null, 2)}\n`;
}

export async function runInsights(
  context: ToolContext,
  input: z.infer<typeof INSIGHTS_INPUT>,
): Promise<string> {
  const { insightsOf } = await import('../app/insights.js');
  const insights = await insightsOf(context.ports, {
    ...place(context, input),
    since: input.since ?? '90d',
    env: input.env,
    now: input.now,
    offline: input.offline,
  });
  return asJson(INSIGHTS_RENDERERS, insights);
}

export async function runLedgerVerify(
  context: ToolContext,
  input: z.infer<typeof LEDGER_VERIFY_INPUT>,
): Promise<string> {
  const { verifyLedger } = await import('../app/ledger.js');
  const verification = await verifyLedger(context.ports, { ...place(context, input), remote: input.remote });
  return asJson(LEDGER_VERIFY_RENDERERS, verification);
}

/** A record asked of a read-only server: a tool error the agent can relay. */
export class ReadOnlyError extends Error {
  constructor() {
    super(READ_ONLY);
    this.name = 'ReadOnlyError';
  }
}
