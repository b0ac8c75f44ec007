import type { Factor, RollbackMigration } from '../plan-types.js';
import type { Context } from '../context.js';
import { classifyMigration, isDownStep, isMigrationSupportFile } from '../migration-files.js';

export interface MigrationFindings {
  factor: Factor;
  migrations: RollbackMigration[];
  irreversible: RollbackMigration[];
  alreadyApplied: string[];
}

/** 6 points per new migration (up to 12) and 20 per irreversible one, out of 30, scaled to `max`. */
export function migrationPoints(count: number, irreversible: number, max: number): number {
  return Math.round(Math.min(max, ((Math.min(12, 6 * count) + 20 * irreversible) * max) / 30));
}

/** New migrations, irreversible ones most of all: a deploy that cannot simply be rolled back. */
export const MIGRATIONS = {
  id: 'migrations',
  title: 'Database migrations',
  kind: 'policy',
  assess: (evidence: { ctx: Context }) => migrationsFactor(evidence.ctx),
  measure: (commit: { ctx: Context; isMigration: (path: string) => boolean }) => {
    const count = commit.ctx.facts.diff.filter(
      (file) =>
        (file.added ?? 0) > 0 &&
        [file.path, file.oldPath].some(
          (path) =>
            path !== undefined &&
            commit.isMigration(path) &&
            !isMigrationSupportFile(path) &&
            !isDownStep(path),
        ),
    ).length;
    // Content is not read per commit, so irreversibility is unknown: counted as reversible.
    return migrationPoints(count, 0, commit.ctx.weights.migrations);
  },
} as const;

export function migrationsFactor(ctx: Context): MigrationFindings {
  const max = ctx.weights.migrations;
  const alreadyApplied = ctx.facts.migrations
    .filter((file) => file.presentInDeployedTree)
    .map((file) => file.path);
  const pending = ctx.facts.migrations.filter((file) => !file.presentInDeployedTree);
  const migrations = pending.map((file): RollbackMigration => {
    const verdict = classifyMigration(
      file.path,
      file.content,
      file.downFile,
      ctx.policy.migrations.irreversiblePatterns,
    );
    const edited =
      file.oldPath !== undefined && file.status !== 'copied'
        ? ` (moved from ${file.oldPath}: environments that already ran it may run it again, or never)`
        : file.status !== 'added' && file.status !== 'copied'
          ? ' (edits an existing migration: environments that already ran it will not run it again)'
          : '';
    return {
      path: file.path,
      reversible: verdict.reversible,
      down: verdict.down,
      reason: verdict.reason + edited,
      ...(verdict.line === undefined ? {} : { line: verdict.line }),
    };
  });
  const irreversible = migrations.filter((migration) => !migration.reversible);
  const points = migrationPoints(migrations.length, irreversible.length, max);
  const irreversiblePoints = points - migrationPoints(migrations.length, 0, max);
  const evidence = [
    ...migrations.map((m) => `${m.path}: ${m.reversible ? 'reversible' : 'IRREVERSIBLE'} (${m.reason})`),
    ...alreadyApplied.map((path) => `${path}: already applied (present in the deployed tree), skipped`),
  ];
  const factor: Factor = {
    id: MIGRATIONS.id,
    title: MIGRATIONS.title,
    max,
    points,
    summary:
      migrations.length === 0
        ? alreadyApplied.length > 0
          ? `No new migrations; ${alreadyApplied.length} already applied in the deployed tree.`
          : 'No database migrations in the range.'
        : `${migrations.length} new migration(s), ${irreversible.length} irreversible.`,
    evidence,
    advice:
      irreversible.length > 0
        ? `Make ${irreversible.map((m) => m.path).join(', ')} reversible (add a down step; split destructive changes into expand-then-contract deploys).`
        : migrations.length > 0
          ? 'Deploy the migrations on their own, before the code that needs them, so either can be rolled back alone.'
          : null,
    savings: irreversible.length > 0 ? irreversiblePoints : 0,
  };
  return { factor, migrations, irreversible, alreadyApplied };
}
