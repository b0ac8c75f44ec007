import type { LoadedPolicy } from '../config/load.js';
import type { Rendered, RendererTable } from './formats.js';

const text = (stdout: string): Rendered => ({ stdout });

/** `config check`: one line saying what was validated and what it holds. */
export function renderConfigCheck({ policy, source }: LoadedPolicy): string {
  const where =
    source.kind === 'defaults'
      ? 'no policy file; the embedded defaults'
      : source.ref === null
        ? source.path
        : `${source.ref}:${source.path ?? ''}`;
  const windows = Object.values(policy.windows).reduce((sum, list) => sum + list.length, 0);
  return `OK: ${where} is valid: ${Object.keys(policy.environments).length} environment(s), ${policy.riskZones.length} risk zone(s), ${windows} window(s) and freeze(s).\n`;
}

const checkText = (loaded: LoadedPolicy) => text(renderConfigCheck(loaded));

export const CONFIG_CHECK_RENDERERS = {
  text: checkText,
  json: checkText,
  markdown: checkText,
  github: checkText,
} satisfies RendererTable<LoadedPolicy>;

/** `config print`: the effective policy as YAML, or as JSON. */
const printYaml = async ({ policy }: LoadedPolicy) => text((await import('yaml')).stringify(policy));
export const CONFIG_PRINT_RENDERERS = {
  text: printYaml,
  json: ({ policy }: LoadedPolicy) => text(`${JSON.stringify(policy, null, 2)}\n`),
  markdown: printYaml,
  github: printYaml,
} satisfies RendererTable<LoadedPolicy>;
