import { suggestKey } from '../config/suggest.js';
import { UserError } from '../errors.js';
import type { LedgerRecord } from '../ledger/record.js';
import type { Workspace } from './workspace.js';

/**
 * The service `--service` names (null without one), checked against the policy's `services`: an
 * unknown name is an error with a did-you-mean, and a service that lists its environments must list
 * `env` when one is given.
 */
export function serviceOf(workspace: Workspace, name: string | undefined, env?: string): string | null {
  if (name === undefined) return null;
  const { policy, source } = workspace.loaded;
  const where = source.path ?? 'the policy (defaults)';
  // Own keys only: `--service __proto__` must not find Object.prototype's members.
  const service = Object.hasOwn(policy.services, name) ? policy.services[name] : undefined;
  if (service === undefined) {
    const known = Object.keys(policy.services);
    const suggestion = suggestKey(name, known);
    throw new UserError(
      known.length === 0
        ? `--service ${name}: ${where} declares no services (add services: { ${name}: { paths: ["${name}/**"] } }).`
        : `--service ${name}: no such service in ${where}; known: ${known.join(', ')}.`,
      suggestion === null ? {} : { hint: `Did you mean --service ${suggestion}?` },
    );
  }
  if (env !== undefined && service.environments !== undefined && !service.environments.includes(env)) {
    throw new UserError(
      `--service ${name} --env ${env}: services.${name}.environments in ${where} lists ${service.environments.join(', ')}, not ${env}.`,
    );
  }
  return name;
}

/** The globs of a service named by serviceOf. */
export function servicePaths(workspace: Workspace, service: string): string[] {
  return workspace.loaded.policy.services[service]?.paths ?? [];
}

/**
 * The records of one deployable: a service's (`service` set to it), or, without --service, the
 * repository's as a whole (records that name no service). A deploy of packages/web is never the base,
 * history or outcome of packages/api.
 */
export function recordsOfService(records: readonly LedgerRecord[], service: string | null): LedgerRecord[] {
  return records.filter((record) => (record.service ?? null) === service);
}
