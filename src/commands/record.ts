import { EXIT } from '../errors.js';
import { appPorts, workspaceOf } from './context.js';
import { SERVICE_OPTION, TEXT_FORMATS } from './global.js';
import { defineCommand } from './spec.js';

interface RecordArgs {
  event: string;
}

interface RecordOptions {
  env?: string;
  service?: string;
  sha?: string;
  reason?: string;
  plan?: string;
  at?: string;
  corrects?: string;
}

export const recordCommand = defineCommand<RecordArgs, RecordOptions>({
  path: ['record'],
  description: 'append a deploy event to the ledger: started, succeeded, failed, rolled-back',
  args: { event: { syntax: '<event>', description: 'started | succeeded | failed | rolled-back' } },
  options: {
    env: { value: '<name>', description: 'environment (default: defaultEnvironment)' },
    service: SERVICE_OPTION,
    sha: {
      value: '<ref>',
      description: 'the deployed commit; for rolled-back, the one rolled back (default: HEAD)',
    },
    reason: { value: '<text>', description: 'why (required for failed and rolled-back)' },
    plan: { value: '<id>', description: 'the plan record this deploy carried out (id or prefix)' },
    at: {
      value: '<iso-8601>',
      description: 'when it happened, to backfill past deploys (marked as backfilled)',
    },
    corrects: {
      value: '<record>',
      description:
        'replace a wrong record (#number or id prefix); --env, --sha, --at, --reason, --plan default to its',
    },
  },
  formats: TEXT_FORMATS,
  async run({ io, global }, request) {
    const { recordEvent } = await import('../app/record.js');
    const { env, sha, record } = await recordEvent(appPorts(io, global), {
      ...workspaceOf(global),
      ...request,
    });
    io.stdout(
      `Recorded ${record.type} #${record.seq} for ${env} at ${sha.slice(0, 12)}${record.backfilled ? ` (backfilled to ${record.at})` : ''}${record.corrects === undefined ? '' : `, correcting ${record.corrects.slice(0, 12)}`}, id ${record.id.slice(0, 12)}.\n`,
    );
    return EXIT.go;
  },
});
