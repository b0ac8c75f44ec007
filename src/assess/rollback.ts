import { DEFAULT_ENVIRONMENT } from '../config/defaults.js';
import type { Policy } from '../config/schema.js';
import type { Rollback, RollbackMigration } from './plan-types.js';
import type { ZoneTouch } from './context.js';
import { listSome } from './text.js';

export interface RollbackInput {
  policy: Policy;
  env: string;
  targetSha: string;
  previousSha: string | null;
  migrations: RollbackMigration[];
  zones: ZoneTouch[];
  riskiestFiles: string[];
}

/** Fills {sha} and {previousSha}; null when the command needs a previous deploy nobody knows. */
export function fillPlaceholders(
  command: string,
  values: { sha: string; previousSha: string | null },
): string | null {
  if (values.previousSha === null && command.includes('{previousSha}')) return null;
  return command.replaceAll('{sha}', values.sha).replaceAll('{previousSha}', values.previousSha ?? '');
}

export function planRollback(input: RollbackInput): Rollback {
  const envPolicy = input.policy.environments[input.env];
  const configured = envPolicy?.rollback?.command;
  const command =
    configured === undefined
      ? null
      : fillPlaceholders(configured, { sha: input.targetSha, previousSha: input.previousSha });
  const steps: string[] = [];
  const reversed = [...input.migrations].reverse();
  const irreversible = reversed.filter((m) => !m.reversible);
  if (irreversible.length > 0) {
    steps.push(
      `Before deploying: back up the data touched by ${irreversible.map((m) => m.path).join(', ')}; rolling back cannot restore it.`,
    );
  }
  if (command !== null) steps.push(`Run: ${command}`);
  else if (configured !== undefined)
    steps.push(
      `The rollback command needs {previousSha}, but no previous deploy is known: run "${configured}" with the commit to return to filled in by hand.`,
    );
  else if (input.previousSha !== null)
    steps.push(
      `Redeploy ${input.previousSha.slice(0, 12)} (the commit deployed before this one) with your usual deploy job.`,
    );
  else
    steps.push(
      'No previous deploy is known: roll back by redeploying the last good build by hand, or set environments.<env>.deployedRef.',
    );
  for (const migration of reversed) {
    steps.push(
      migration.reversible
        ? `Roll back migration ${migration.path} with its down step (${migration.down ?? 'down'}), newest first.`
        : `Migration ${migration.path} is irreversible (${migration.reason}): restore from backup or fix forward.`,
    );
  }
  if (envPolicy?.rollback?.notes !== undefined) steps.push(envPolicy.rollback.notes);

  const watch: string[] = [];
  for (const touch of input.zones.slice(0, 3)) {
    const owners = touch.zone.owners.length > 0 ? ` (owners ${touch.zone.owners.join(' ')})` : '';
    watch.push(`${touch.zone.name}${owners}: errors and latency from ${listSome(touch.files, 2)}`);
  }
  if (input.riskiestFiles.length > 0)
    watch.push(`Logs and errors from the largest changes: ${listSome(input.riskiestFiles, 3)}`);
  if (input.migrations.length > 0)
    watch.push('Database: migration duration, locks and failed queries while they run.');
  watch.push(
    `Error rate and latency for ${Math.max(15, (envPolicy ?? DEFAULT_ENVIRONMENT).deployMinutes * 2)} min after the deploy finishes.`,
  );

  return { targetSha: input.previousSha, command, steps, migrations: input.migrations, watch };
}
