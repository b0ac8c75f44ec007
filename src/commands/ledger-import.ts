import { EXIT } from '../errors.js';
import { formatsOf } from '../render/formats.js';
import { LEDGER_IMPORT_RENDERERS } from '../render/ledger-import.js';
import { appPorts, renderAndEmit, workspaceOf } from './context.js';
import { defineCommand } from './spec.js';

interface LedgerImportOptions {
  env?: string;
  service?: string;
  tags?: string;
  githubDeployments?: boolean;
  githubReleases?: boolean;
  gitlabDeployments?: boolean;
  forgeRepo?: string;
  forgeEnv?: string;
  apiUrl?: string;
  tokenEnv?: string;
  dryRun?: boolean;
}

export const ledgerImportCommand = defineCommand<object, LedgerImportOptions>({
  path: ['ledger', 'import'],
  description:
    'backfill past deploys from tags, GitHub deployments or releases, GitLab deployments (idempotent)',
  args: {},
  options: {
    env: { value: '<name>', description: 'environment the deploys went to (default: defaultEnvironment)' },
    service: { value: '<name>', description: 'the policy service they deployed (monorepos)' },
    tags: { value: '<pattern>', description: "tags matching a glob ('v*'): each a succeeded deploy" },
    githubDeployments: { description: 'GitHub Deployments of the environment and their statuses' },
    githubReleases: { description: 'published GitHub Releases (their tags must be in this clone)' },
    gitlabDeployments: { description: 'GitLab deployments of the environment' },
    forgeRepo: { value: '<repo>', description: 'owner/name or GitLab project (default: sources.ci.repo)' },
    forgeEnv: { value: '<name>', description: "the environment's name on the forge (default: --env)" },
    apiUrl: { value: '<url>', description: 'API base URL (default: sources.ci.url, else the public API)' },
    tokenEnv: {
      value: '<NAME>',
      description: 'environment variable holding the token (default: sources.ci.tokenEnv)',
    },
    dryRun: { description: 'read and report; append nothing' },
  },
  formats: formatsOf(LEDGER_IMPORT_RENDERERS),
  async run(context, request) {
    const { importDeploys } = await import('../app/ledger-import.js');
    const result = await importDeploys(appPorts(context.io, context.global), {
      ...workspaceOf(context.global),
      ...request,
    });
    await renderAndEmit(context, LEDGER_IMPORT_RENDERERS, result);
    return EXIT.go;
  },
});
