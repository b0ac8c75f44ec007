import type { Plan } from '../assess/plan-types.js';
import { annotation } from './github-commands.js';
import { renderMarkdown } from './plan-markdown.js';

export interface GithubOutput {
  /** Workflow commands for the log (annotations). */
  stdout: string;
  /** Markdown for $GITHUB_STEP_SUMMARY. */
  summary: string;
}

/** At most this many uncovered changed-line ranges are annotated, so a big change does not flood the log. */
const MAX_UNCOVERED = 10;

/**
 * Annotations on the riskiest files plus a step summary. A verdict that fails the job (per --fail-on:
 * exit code not 0) is an error, and so are the gates that make it fail; file annotations carry a line where one
 * is known (uncovered changed lines).
 */
export function renderGithub(plan: Plan): GithubOutput {
  const fails = plan.exitCode !== 0;
  const level = fails ? 'error' : plan.verdict === 'GO' ? 'notice' : 'warning';
  const lines: string[] = [
    annotation(level, { title: `deployadvisor: ${plan.verdict} (score ${plan.score}/100)` }, plan.summary),
  ];
  const annotated = new Set<string>();
  for (const zone of plan.zones) {
    for (const file of zone.files.slice(0, 5)) {
      if (annotated.has(file)) continue;
      annotated.add(file);
      const owners = zone.owners.length > 0 ? ` Owners: ${zone.owners.join(' ')}.` : '';
      lines.push(
        annotation(
          level === 'notice' ? 'notice' : 'warning',
          { file, title: `Risk zone ${zone.name}` },
          `This file is in risk zone ${zone.name} (risk ${zone.risk}).${owners}`,
        ),
      );
    }
  }
  const uncovered = plan.coverage.files.flatMap((file) =>
    file.uncovered.map(([from, to]) => ({ file: file.path, from, to })),
  );
  for (const range of uncovered.slice(0, MAX_UNCOVERED)) {
    lines.push(
      annotation(
        'warning',
        { file: range.file, line: range.from, endLine: range.to, title: 'Changed lines not covered' },
        range.from === range.to
          ? `Changed line ${range.from} is not run by any test in the coverage reports.`
          : `Changed lines ${range.from}-${range.to} are not run by any test in the coverage reports.`,
      ),
    );
  }
  for (const migration of plan.rollback.migrations.filter((m) => !m.reversible)) {
    lines.push(
      annotation(
        'error',
        { file: migration.path, line: migration.line, title: 'Irreversible migration' },
        migration.reason,
      ),
    );
  }
  // A wait gate is an error when it is what fails the job (a WAIT under --fail-on wait).
  const waitFails = fails && plan.verdict === 'WAIT';
  for (const gate of plan.gates) {
    const gateLevel = gate.level !== 'wait' || waitFails ? 'error' : 'warning';
    lines.push(annotation(gateLevel, { title: gate.title }, gate.reason));
  }
  return { stdout: `${lines.join('\n')}\n`, summary: renderMarkdown(plan) };
}
