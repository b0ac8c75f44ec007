import type { Explanation } from '../app/explain.js';
import type { RenderContext, Rendered, RendererTable } from './formats.js';
import { metricNumber, pValue } from '../assess/verify.js';
import { mdInline } from './markdown.js';
import { cleanDeep } from './safe-text.js';
import { wrap } from './style.js';

/** More than a minute between the instant a record is about and its writing (`--at`, `plan --now`). */
function recordedLater(at: string, recordedAt: string): boolean {
  return Math.abs(Date.parse(recordedAt) - Date.parse(at)) > 60_000;
}

/** What `verify --record` saw, under its outcome record: the window and each metric's medians and p. */
function verificationLines(
  r: Explanation['environments'][number]['records'][number],
  records: Explanation['environments'][number]['records'],
  li: string,
  t: (text: string) => string,
): string[] {
  const v = r.verification;
  if (v === null) return [];
  const started = records.find((other) => other.id === r.deployId);
  const value = (n: number | null) => (n === null ? '-' : metricNumber(n));
  return [
    `${li}    verify ${v.verdict} over ${v.window.from} to ${v.window.to}${started === undefined ? '' : `, the deploy started in #${started.seq}`}:`,
    ...v.metrics.map(
      (m) =>
        `${li}      ${t(m.name)} ${m.status}, median ${value(m.baseline)} → ${value(m.after)}` +
        (m.relativeShift === null
          ? ''
          : ` (${m.relativeShift >= 0 ? '+' : ''}${Math.round(m.relativeShift * 1000) / 10}%)`) +
        (m.p === null ? '' : `, ${pValue(m.p)}`),
    ),
  ];
}

/** What a void or a correction names, after the type: `of #2`, `(corrects #2)`. */
function targetText(r: Explanation['environments'][number]['records'][number]): string {
  if (r.corrects === null) return r.standing === 'void' ? ' of a record not in this ledger' : '';
  return r.type === 'void' ? ` of #${r.corrects}` : ` (corrects #${r.corrects})`;
}

/** A voided or corrected record stays listed, marked: every reader ignores it. */
function standingMark(r: Explanation['environments'][number]['records'][number]): string {
  if (r.standing === 'voided') return ` [VOID by #${r.standingBy ?? '?'}: ignored]`;
  if (r.standing === 'corrected') return ` [CORRECTED by #${r.standingBy ?? '?'}: ignored]`;
  return '';
}

/** Text lines wrapped to `width`, continuation lines 4 columns further in than their own. */
function wrapLines(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => wrap(line, width, ' '.repeat((/^\s*/.exec(line)?.[0].length ?? 0) + 4)))
    .join('\n');
}

export function renderExplanation(e: Explanation, markdown: boolean, width?: number): string {
  const h = (text: string) => (markdown ? `## ${mdInline(text)}` : text.toUpperCase());
  // Values from git and the ledger; in markdown they cannot open a link or HTML.
  const t = markdown ? mdInline : (text: string) => text;
  const li = markdown ? '- ' : '  ';
  const out: string[] = [];
  out.push(
    markdown
      ? `# Commit \`${e.commit.sha.slice(0, 12)}\` — ${t(e.commit.subject)}`
      : `commit ${e.commit.sha}  ${e.commit.subject}`,
    '',
  );
  out.push(
    `${li}author    ${t(`${e.commit.author.name} <${e.commit.author.email}>, ${e.commit.author.date}`)}`,
  );
  out.push(
    `${li}committer ${t(`${e.commit.committer.name} <${e.commit.committer.email}>, ${e.commit.committer.date}`)}`,
  );
  out.push(
    `${li}AI        ${e.commit.ai.length === 0 ? 'no AI-attribution marker' : t(e.commit.ai.map((m) => `${m.tool} (${m.marker})`).join('; '))}`,
  );
  out.push(
    `${li}review    ${e.commit.review.length === 0 ? 'no review evidence in the commit' : t(e.commit.review.map((r) => `${r.key}: ${r.value}`).join('; '))}`,
    '',
  );
  for (const env of e.environments) {
    out.push(h(env.env));
    out.push(
      env.shipped === null
        ? `${li}not shipped: no successful deploy in the ledger carried it`
        : `${li}shipped ${env.shipped.at} in ${env.shipped.sha.slice(0, 12)} (record #${env.shipped.seq}); lead time ${env.leadTimeHours ?? '?'} h from authoring`,
    );
    for (const r of env.records) {
      const plan =
        r.verdict === null
          ? ''
          : ` ${r.overriddenFrom === null ? r.verdict : `${r.overriddenFrom} → OVERRIDDEN to ${r.verdict}`} score ${r.score ?? '?'}`;
      const top = r.factors
        .filter((f) => f.points > 0)
        .slice(0, 3)
        .map((f) => `${f.id} ${f.points}/${f.max}`)
        .join(', ');
      out.push(
        `${li}#${r.seq}${standingMark(r)} ${r.at}${r.backfilled ? ' (backfilled)' : ''}${recordedLater(r.at, r.recordedAt) ? ` (recorded ${r.recordedAt})` : ''} ${r.type}${targetText(r)}${plan} by ${t(r.actor)} at ${r.sha.slice(0, 12)}` +
          (top === '' ? '' : ` — ${top}`) +
          (r.reason === null ? '' : ` — reason: "${t(r.reason)}"`) +
          (r.policyBlob === null ? '' : ` — policy ${r.policyBlob.slice(0, 12)}`) +
          (r.ciRunUrl === null ? '' : ` — ${t(r.ciRunUrl)}`),
      );
      out.push(...verificationLines(r, env.records, li, t));
    }
    out.push('');
  }
  if (e.retrospective !== null) {
    out.push(h('Retrospective assessment (computed now — no ledger record carries this commit)'));
    out.push(
      `${li}computed ${e.retrospective.computedAt}: ${e.retrospective.verdict}, score ${e.retrospective.score}/100, for this commit alone with today's policy`,
    );
    for (const f of e.retrospective.factors.filter((factor) => factor.points > 0))
      out.push(`${li}${f.id} ${f.points}/${f.max}: ${t(f.summary)}`);
    out.push('');
  }
  const body = out.join('\n');
  return `${width === undefined ? body : wrapLines(body, width)}\n`;
}

const text = (stdout: string): Rendered => ({ stdout });
const explanationText = (e: Explanation, context: RenderContext) =>
  text(renderExplanation(cleanDeep(e), false, context.width));

/** `explain`: JSON, markdown, else text. */
export const EXPLAIN_RENDERERS = {
  text: explanationText,
  json: (e: Explanation) => text(`${JSON.stringify(e, null, 2)}\n`),
  markdown: (e: Explanation) => text(renderExplanation(cleanDeep(e), true)),
  github: explanationText,
} satisfies RendererTable<Explanation>;
