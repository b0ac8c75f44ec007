import type { ImportResult } from '../app/ledger-import.js';
import type { Rendered, RendererTable } from './formats.js';
import { cleanDeep } from './safe-text.js';
import { wrapBlock } from './style.js';

/** The most skipped items listed one per line; the rest are counted. */
const MAX_SKIPPED_LISTED = 10;

function importText(raw: ImportResult): string {
  const result = cleanDeep(raw);
  const scope = `${result.env}${result.service === null ? '' : `, service ${result.service}`}`;
  const lines = result.read.map((read) => `Read ${read.label}: ${read.found} deploy(s).`);
  const verb = result.dryRun ? 'Would import' : 'Imported';
  lines.push(
    `${verb} ${result.added.length} deploy(s) into ${scope}; ${result.already} already in the ledger, ${result.skipped.length} skipped.`,
  );
  for (const record of result.added.slice(0, MAX_SKIPPED_LISTED)) {
    const what = record.imported === undefined ? '' : `${record.imported.source} ${record.imported.id}`;
    lines.push(`  ${record.at}  ${record.type.padEnd(9)} ${record.sha.slice(0, 10)}  ${what}`);
  }
  if (result.added.length > MAX_SKIPPED_LISTED)
    lines.push(`  ... and ${result.added.length - MAX_SKIPPED_LISTED} more`);
  for (const skip of result.skipped.slice(0, MAX_SKIPPED_LISTED))
    lines.push(`  skipped ${skip.source} ${skip.id}: ${skip.why}`);
  if (result.skipped.length > MAX_SKIPPED_LISTED)
    lines.push(`  ... and ${result.skipped.length - MAX_SKIPPED_LISTED} more skipped`);
  if (result.notInClone.length > 0)
    lines.push(
      `Warning: ${result.notInClone.length} imported commit(s) are not in this clone (${result.notInClone
        .slice(0, 3)
        .map((sha) => sha.slice(0, 10))
        .join(', ')}); fetch the full history (git fetch --unshallow) so plan and insights can read them.`,
    );
  return `${wrapBlock(lines.join('\n'), 80)}\n`;
}

const text = (result: ImportResult): Rendered => ({ stdout: importText(result) });
const json = (result: ImportResult): Rendered => ({ stdout: `${JSON.stringify(result, null, 2)}\n` });

/** `ledger import`: what was read, imported and skipped. */
export const LEDGER_IMPORT_RENDERERS = {
  text,
  json,
  markdown: text,
  github: text,
} satisfies RendererTable<ImportResult>;
