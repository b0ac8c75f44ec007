// GitHub workflow commands (annotations): one escaping, one shape, for every renderer that writes them.
import type { PolicyIssue } from '../errors.js';
import { mdCode, mdInline } from './markdown.js';

/** GitHub workflow-command escaping for the message. */
export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** The same for a property (file=, title=): also `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

export type AnnotationLevel = 'notice' | 'warning' | 'error';

/** `::error file=a,line=3,col=5,title=t::message`; properties left out where unknown. */
export function annotation(
  level: AnnotationLevel,
  properties: {
    file?: string | undefined;
    line?: number | undefined;
    endLine?: number | undefined;
    col?: number | undefined;
    title?: string | undefined;
  },
  message: string,
): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${level}${props === '' ? '' : ` ${props}`}::${escapeData(message)}`;
}

/** The file a policy issue names, as the repository knows it (`origin/main:.deployadvisor.yml` → the path). */
function repoPath(file: string): string {
  const colon = file.lastIndexOf(':');
  return colon === -1 ? file : file.slice(colon + 1);
}

/** Policy problems as annotations on their lines. */
export function policyAnnotations(issues: readonly PolicyIssue[]): string {
  return issues
    .map((issue) =>
      annotation(
        issue.level === 'warning' ? 'warning' : 'error',
        {
          file: issue.file === '' ? undefined : repoPath(issue.file),
          line: issue.line,
          col: issue.col,
          title: `deployadvisor: policy ${issue.level === 'warning' ? 'warning' : 'error'}`,
        },
        `${issue.message}${issue.hint === undefined ? '' : ` ${issue.hint}`}`,
      ),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** Policy problems as a step-summary section (markdown). */
export function policySummary(issues: readonly PolicyIssue[]): string {
  const errors = issues.filter((issue) => issue.level !== 'warning').length;
  const rows = issues.map((issue) => {
    const at = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.col ?? 1}`;
    const where = at === '' ? '' : ` at ${mdCode(at)}`;
    const text = `${issue.message}${issue.hint === undefined ? '' : ` ${issue.hint}`}`;
    return `- ${issue.level === 'warning' ? 'warning' : 'error'}${where}: ${mdInline(text)}`;
  });
  const head =
    errors > 0
      ? `## deployadvisor: policy error\n\nThe policy file has ${errors} error(s); no plan was made (exit 2).\n`
      : '## deployadvisor: policy check\n';
  return `${head}\n${rows.join('\n')}\n`;
}
