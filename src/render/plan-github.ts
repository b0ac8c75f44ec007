import type { Plan } from '../assess/plan-types.js';
import { escapeData, escapeProperty } from './github-commands.js';
import { renderMarkdown } from './plan-markdown.js';

export interface GithubOutput {
  /** Workflow commands for the log (annotations). */
  stdout: string;
  /** Markdown for $GITHUB_STEP_SUMMARY. */
  summary: string;
}

/** Annotations on the riskiest files plus a step summary. */
export function renderGithub(plan: Plan): GithubOutput {
  const level = plan.verdict === 'GO' ? 'notice' : plan.verdict === 'WAIT' ? 'warning' : 'error';
  const lines: string[] = [];
  lines.push(
    `::${level} title=${escapeProperty(`deployadvisor: ${plan.verdict} (score ${plan.score}/100)`)}::${escapeData(plan.summary)}`,
  );
  const annotated = new Set<string>();
  for (const zone of plan.zones) {
    for (const file of zone.files.slice(0, 5)) {
      if (annotated.has(file)) continue;
      annotated.add(file);
      const owners = zone.owners.length > 0 ? ` Owners: ${zone.owners.join(' ')}.` : '';
      lines.push(
        `::${level === 'notice' ? 'notice' : 'warning'} file=${escapeProperty(file)},title=${escapeProperty(`Risk zone ${zone.name}`)}::${escapeData(`This file is in risk zone ${zone.name} (risk ${zone.risk}).${owners}`)}`,
      );
    }
  }
  for (const migration of plan.rollback.migrations.filter((m) => !m.reversible)) {
    lines.push(
      `::error file=${escapeProperty(migration.path)},title=Irreversible migration::${escapeData(migration.reason)}`,
    );
  }
  for (const gate of plan.gates) {
    lines.push(
      `::${gate.level === 'wait' ? 'warning' : 'error'} title=${escapeProperty(gate.title)}::${escapeData(gate.reason)}`,
    );
  }
  return { stdout: `${lines.join('\n')}\n`, summary: renderMarkdown(plan) };
}
