import type { LedgerListing, LedgerSync, LedgerVerification } from '../app/ledger.js';
import type { RecordStanding } from '../ledger/corrections.js';
import type { LedgerRecord } from '../ledger/record.js';
import type { RenderContext, Rendered, RendererTable } from './formats.js';
import { cleanDeep } from './safe-text.js';
import { wrap } from './style.js';

/** What a record's standing adds to its line: nothing when it is in effect. */
function standingNote(record: LedgerRecord, standing: RecordStanding | undefined): string {
  if (standing?.status === 'voided') return ` [VOID by #${standing.by.seq}]`;
  if (standing?.status === 'corrected') return ` [CORRECTED by #${standing.by.seq}]`;
  return '';
}

/**
 * One line per record, not a table: it stays readable at narrow widths with long env names and
 * reasons. The number, time and type are padded, so columns line up past #9.
 */
function ledgerListText(listing: LedgerListing, width: number): string {
  const { records, standing } = listing;
  if (records.length === 0) return 'No ledger records match.\n';
  const bySeq = new Map(records.map((r) => [r.id, r.seq]));
  const numberWidth = Math.max(...records.map((r) => `#${r.seq}`.length));
  // cleanDeep: a newline in a --reason (or an env name, an actor) cannot start a row of its own.
  const lines = records.map((record) => {
    const r = cleanDeep(record);
    const plan =
      r.plan === null
        ? ''
        : ` ${r.plan.overriddenFrom === null ? r.plan.verdict : `${r.plan.overriddenFrom}→GO`} ${r.plan.score}`;
    const when = r.at.replace('T', ' ').replace(/:\d\dZ$/, 'Z');
    const target =
      r.corrects === undefined
        ? ''
        : ` ${r.type === 'void' ? 'voids' : 'corrects'} ${targetName(r.corrects, bySeq, standing)}`;
    const reason = r.reason === null ? '' : ` — ${r.reason}`;
    return `${`#${r.seq}`.padEnd(numberWidth)}  ${when}  ${`${r.type}${r.backfilled ? '*' : ''}`.padEnd(12)} ${r.env}  ${r.sha.slice(0, 10)}${plan}  ${r.actor.ci ?? r.actor.name}${target}${standingNote(r, standing.get(r.id))}${reason}`;
  });
  const hanging = ' '.repeat(numberWidth + 2);
  const note = records.some((r) => r.backfilled) ? '* backfilled with record --at\n' : '';
  return `${lines.map((line) => wrap(line, width, hanging)).join('\n')}\n${note}`;
}

/** `#5` for a record of the ledger (listed or not: the standing map holds its corrector's number). */
function targetName(
  id: string,
  listed: ReadonlyMap<string, number>,
  standing: ReadonlyMap<string, RecordStanding>,
): string {
  const seq = listed.get(id);
  if (seq !== undefined) return `#${seq}`;
  return standing.has(id) ? `record ${id.slice(0, 12)}` : `${id.slice(0, 12)} (not in this ledger)`;
}

const text = (stdout: string): Rendered => ({ stdout });
const listJson = (listing: LedgerListing) => text(`${JSON.stringify(listing.records, null, 2)}\n`);
const listText = (listing: LedgerListing, context: RenderContext) =>
  text(ledgerListText(listing, context.width));

/** `ledger list`: JSON, else one line per record. */
export const LEDGER_LIST_RENDERERS = {
  text: listText,
  json: listJson,
  markdown: listText,
  github: listText,
} satisfies RendererTable<LedgerListing>;

/** `ledger export`: canonical JSON, one record per line, whatever the format. */
const exportJsonl = async (records: readonly LedgerRecord[]) => {
  // Loaded when used: the record module brings zod.
  const { canonicalJson } = await import('../ledger/record.js');
  return text(records.map((record) => `${canonicalJson(record)}\n`).join(''));
};
export const LEDGER_EXPORT_RENDERERS = {
  text: exportJsonl,
  json: exportJsonl,
  markdown: exportJsonl,
  github: exportJsonl,
} satisfies RendererTable<readonly LedgerRecord[]>;

function verifyLines(v: LedgerVerification): string[] {
  const lines: string[] = [];
  const chain = v.integrity;
  if (chain.ok)
    lines.push(
      `integrity: OK — ${chain.count} record(s), chain intact, every record well formed (${v.ref}).`,
    );
  else {
    const bad = chain.firstBad;
    lines.push(
      bad?.seq === null || bad === null
        ? `integrity: FAILED — ${bad?.problem ?? v.ref}.`
        : `integrity: FAILED at record ${bad.seq} (commit ${bad.commit.slice(0, 12)}): ${bad.problem}.`,
    );
  }
  const completeness = v.completeness;
  if (completeness === null) {
    lines.push(
      `completeness: not checked — no remote "${v.remote}" (a chain alone cannot show that records were cut off the end; compare with a remote).`,
    );
  } else if (v.problems.length > 0) {
    lines.push(`completeness: FAILED — ${v.problems.join('; ')}.`);
  } else {
    lines.push(
      `completeness: OK against ${v.remote} (${completeness.remoteCount} record(s) there)${completeness.unpushed > 0 ? `; ${completeness.unpushed} local record(s) not pushed yet` : ''}.`,
    );
  }
  return lines;
}

const verifyText = (v: LedgerVerification) => text(`${verifyLines(v).join('\n')}\n`);

/** `ledger verify`: integrity and completeness, in words or as JSON. */
export const LEDGER_VERIFY_RENDERERS = {
  text: verifyText,
  json: (v: LedgerVerification) =>
    text(`${JSON.stringify({ ok: v.ok, integrity: v.integrity, completeness: v.completeness }, null, 2)}\n`),
  markdown: verifyText,
  github: verifyText,
} satisfies RendererTable<LedgerVerification>;

/** What `ledger push|pull` did, in one line. */
export function renderLedgerSync(sync: LedgerSync): string {
  if (sync.direction === 'pull') {
    const { result } = sync;
    return result.remote === null
      ? `${sync.remote} has no ledger yet.\n`
      : `Pulled ${sync.ref} from ${sync.remote}: ${result.outcome}${result.reappended > 0 ? `, ${result.reappended} local record(s) re-appended on top` : ''}.\n`;
  }
  const { result } = sync;
  return result.pushed
    ? `Pushed ${sync.ref} to ${sync.remote}${result.attempts > 1 ? ` after ${result.attempts} attempts` : ''}${result.reappended > 0 ? `; ${result.reappended} record(s) re-appended on top of the remote's` : ''}.\n`
    : 'The ledger is empty; nothing to push.\n';
}
