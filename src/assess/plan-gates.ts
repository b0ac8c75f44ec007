import type { Policy } from '../config/schema.js';
import type { ZoneTouch } from './context.js';
import { DEPLOYED_COMMIT_MISSING } from './facts.js';
import type { PolicyFindings } from './factors/registry.js';
import { pathMatcher } from './path-globs.js';
import type { PlanInput } from './plan-input.js';
import type { Gate } from './plan-types.js';
import { listSome, short } from './text.js';

export function policyGates(
  policy: Policy,
  { review, migrations, tests }: PolicyFindings,
  zones: readonly ZoneTouch[],
): Gate[] {
  const gates: Gate[] = [];
  const hard = new Set(policy.thresholds.hardGates);
  for (const violation of review.violations) {
    gates.push({
      id: 'review-required',
      kind: 'policy',
      level: hard.has('review') ? 'block' : 'wait',
      title: `Review required in ${violation.zone}`,
      reason: `Zone ${violation.zone} requires review, and ${violation.commits.length} commit(s) touching it have none (${violation.commits.map((sha) => sha.slice(0, 10)).join(', ')}).`,
      until: null,
    });
  }
  if (hard.has('migrations')) {
    for (const migration of migrations.irreversible) {
      gates.push({
        id: 'irreversible-migration',
        kind: 'policy',
        level: 'block',
        title: 'Irreversible migration',
        reason: `${migration.path} cannot be rolled back (${migration.reason}); thresholds.hardGates lists migrations.`,
        until: null,
      });
    }
  }
  if (hard.has('tests')) {
    for (const zone of tests.belowMin) {
      gates.push({
        id: 'coverage-below-min',
        kind: 'policy',
        level: 'block',
        title: `Coverage below minimum in ${zone.name}`,
        reason:
          zone.measured === 0
            ? `No coverage report measures the ${zone.changed} changed line(s) in ${zone.name}, so its minPatchCoverage of ${zone.min ?? 0}% is not shown to be met; thresholds.hardGates lists tests.`
            : `${zone.covered} of ${zone.measured} changed lines in ${zone.name} ran under test, below its minPatchCoverage of ${zone.min ?? 0}%; thresholds.hardGates lists tests.`,
        until: null,
      });
    }
  }
  if (hard.has('zones')) {
    for (const touch of zones.filter((t) => t.risk >= 100)) {
      gates.push({
        id: 'critical-zone',
        kind: 'policy',
        level: 'block',
        title: `Critical zone ${touch.zone.name}`,
        reason: `The change touches the critical zone ${touch.zone.name} (${listSome(touch.files, 2)}); thresholds.hardGates lists zones, so a person decides.`,
        until: null,
      });
    }
  }
  return gates;
}

export function evidenceGates(input: PlanInput): Gate[] {
  const { facts, policy } = input;
  const gates: Gate[] = [];
  const missing = facts.diagnostics.find((d) => d.id === DEPLOYED_COMMIT_MISSING);
  if (missing !== undefined) {
    gates.push({
      id: DEPLOYED_COMMIT_MISSING,
      kind: 'evidence',
      level: 'inconclusive',
      title: 'Deployed commit missing from this clone',
      reason: `${missing.message} ${missing.remedy ?? ''}`.trim(),
      until: null,
    });
  }
  if (facts.shallow.rangeTruncated && policy.git.shallow === 'inconclusive') {
    const diagnostic = facts.diagnostics.find((d) => d.id === 'shallow-clone');
    gates.push({
      id: 'shallow-history',
      kind: 'evidence',
      level: 'inconclusive',
      title: 'Shallow clone',
      reason: `${diagnostic?.message ?? 'The history is cut off.'} ${diagnostic?.remedy ?? ''}`.trim(),
      until: null,
    });
  }
  return gates;
}

/**
 * A target that lacks commits running now takes them out: a downgrade (a rollback in disguise) or a
 * diverged target (a hotfix deployed from a branch the target lacks). Either needs a person.
 */
export function droppedGates(input: PlanInput): Gate[] {
  const { facts, policy, env } = input;
  const dropped = facts.dropped;
  if (dropped === undefined || facts.base.sha === null) return [];
  const runs = short(facts.base.sha);
  const target = short(facts.target.sha);
  const where =
    facts.base.source === 'ledger'
      ? `the ledger's last successful deploy`
      : facts.base.source === 'from'
        ? `--from ${facts.base.ref ?? ''}`
        : facts.base.ref;
  const listed = dropped.commits.map((commit) => `${short(commit.sha)} "${commit.subject}"`);
  const commits =
    dropped.total > listed.length
      ? `${listed.join(', ')}, +${dropped.total - listed.length} more`
      : listed.join(', ');
  const isMigration = pathMatcher(policy.migrations.paths);
  const migrations = facts.diff
    .filter((file) => file.status === 'deleted' && isMigration(file.path))
    .map((file) => file.path);
  const applied =
    migrations.length === 0
      ? ''
      : ` Migrations that shipped with them stay applied (${listSome(migrations)}): the target's code must work with them.`;
  const gate = (id: 'downgrade' | 'drops-deployed-commits', title: string, reason: string): Gate => ({
    id,
    kind: 'policy',
    level: 'block',
    title,
    reason,
    until: null,
  });
  return [
    dropped.kind === 'downgrade'
      ? gate(
          'downgrade',
          `Downgrade: ${target} is older than what runs`,
          `${target} is an ancestor of ${runs} (${where}), which runs in ${env}: deploying it takes out ${dropped.total} commit(s): ${commits}.${applied} If this is a rollback, follow the rollback plan and record it (deployadvisor record rolled-back); else deploy a commit that contains what runs, or --override with the reason.`,
        )
      : gate(
          'drops-deployed-commits',
          `Target lacks ${dropped.total} deployed commit(s)`,
          `${target} does not contain ${dropped.total} commit(s) that run in ${env} (${where}, ${runs}): ${commits}. Deploying it takes them out.${applied} Merge them into the target first, or --override with the reason.`,
        ),
  ];
}

/** Worst first: block, then inconclusive, then wait (a stable sort keeps each level's order). */
export function gateRank(level: Gate['level']): number {
  return level === 'block' ? 3 : level === 'inconclusive' ? 2 : 1;
}
