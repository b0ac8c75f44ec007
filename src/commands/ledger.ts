import { EXIT } from '../errors.js';
import { formatsOf } from '../render/formats.js';
import {
  LEDGER_EXPORT_RENDERERS,
  LEDGER_LIST_RENDERERS,
  LEDGER_VERIFY_RENDERERS,
  renderLedgerSync,
} from '../render/ledger.js';
import { appPorts, renderAndEmit, workspaceOf } from './context.js';
import { TEXT_FORMATS } from './global.js';
import { defineCommand, type AnyCommand } from './spec.js';

interface LedgerListOptions {
  env?: string;
  type?: string;
  since?: string;
}

export const ledgerListCommand = defineCommand<object, LedgerListOptions>({
  path: ['ledger', 'list'],
  description: 'records, oldest first (--format json for JSON)',
  args: {},
  options: {
    env: { value: '<name>', description: 'only this environment' },
    type: { value: '<type>', description: 'only this record type' },
    since: { value: '<when>', description: 'only since a date or a duration such as 90d' },
  },
  formats: formatsOf(LEDGER_LIST_RENDERERS),
  async run(context, request) {
    const { listRecords } = await import('../app/ledger.js');
    const records = await listRecords(appPorts(context.io, context.global), {
      ...workspaceOf(context.global),
      ...request,
    });
    await renderAndEmit(context, LEDGER_LIST_RENDERERS, records);
    return EXIT.go;
  },
});

export const ledgerExportCommand = defineCommand<object, object>({
  path: ['ledger', 'export'],
  description: 'every record as canonical JSON, one per line (JSONL)',
  args: {},
  options: {},
  formats: formatsOf(LEDGER_EXPORT_RENDERERS),
  async run(context) {
    const { exportRecords } = await import('../app/ledger.js');
    const records = await exportRecords(appPorts(context.io, context.global), workspaceOf(context.global));
    await renderAndEmit(context, LEDGER_EXPORT_RENDERERS, records);
    return EXIT.go;
  },
});

export const ledgerVoidCommand = defineCommand<{ record: string }, { reason?: string }>({
  path: ['ledger', 'void'],
  description: 'append a void of a wrong record: every reader ignores it from then on (history is kept)',
  args: { record: { syntax: '<record>', description: 'the record: its number (#12) or an id prefix' } },
  options: { reason: { value: '<text>', description: 'why the record is wrong (required)' } },
  formats: TEXT_FORMATS,
  async run({ io, global }, request) {
    const { voidRecord } = await import('../app/ledger.js');
    const { void: record, target } = await voidRecord(appPorts(io, global), {
      ...workspaceOf(global),
      ...request,
    });
    io.stdout(
      `Recorded void #${record.seq} of #${target.seq} (${target.type} ${target.env} ${target.sha.slice(0, 12)}), id ${record.id.slice(0, 12)}.\n`,
    );
    return EXIT.go;
  },
});

interface RemoteArgs {
  remote?: string;
}

export const ledgerVerifyCommand = defineCommand<RemoteArgs, object>({
  path: ['ledger', 'verify'],
  description:
    'integrity (chain, records) and completeness against a remote; exit 4 names the first bad record',
  args: { remote: { syntax: '[remote]', description: 'remote to compare with (default: ledger.remote)' } },
  options: {},
  formats: formatsOf(LEDGER_VERIFY_RENDERERS),
  async run(context, request) {
    const { verifyLedger } = await import('../app/ledger.js');
    const verification = await verifyLedger(appPorts(context.io, context.global), {
      ...workspaceOf(context.global),
      ...request,
    });
    await renderAndEmit(context, LEDGER_VERIFY_RENDERERS, verification);
    return verification.ok ? EXIT.go : EXIT.block;
  },
});

function syncCommand(direction: 'push' | 'pull'): AnyCommand {
  return defineCommand<RemoteArgs, object>({
    path: ['ledger', direction],
    description:
      direction === 'push'
        ? 'push the ledger without force; re-append on top when the remote moved'
        : 'fetch the remote ledger and merge it in; nothing is lost on either side',
    args: { remote: { syntax: '[remote]', description: 'remote (default: ledger.remote)' } },
    options: {},
    formats: TEXT_FORMATS,
    async run({ io, global }, request) {
      const { syncLedger } = await import('../app/ledger.js');
      const sync = await syncLedger(appPorts(io, global), { ...workspaceOf(global), ...request, direction });
      io.stdout(renderLedgerSync(sync));
      return EXIT.go;
    },
  });
}

export const ledgerPushCommand = syncCommand('push');
export const ledgerPullCommand = syncCommand('pull');
