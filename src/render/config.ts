import type { PolicyCheck } from '../app/config.js';
import type { LoadedPolicy } from '../config/load.js';
import { locatedText } from '../config/issue-text.js';
import type { Rendered, RendererTable } from './formats.js';
import { policyAnnotations } from './github-commands.js';

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

/** The OK line, then each warning with its line and hint. */
const checkText = ({ loaded, warnings }: PolicyCheck) =>
  text(
    renderConfigCheck(loaded) +
      warnings.map((w) => `${locatedText(w)}${w.hint === undefined ? '' : ` ${w.hint}`}\n`).join(''),
  );

/** In a GitHub job the warnings are annotations on their lines. */
const checkGithub = (check: PolicyCheck): Rendered => ({
  stdout: `${renderConfigCheck(check.loaded)}${policyAnnotations(check.warnings)}`,
  workflowCommands: true,
});

export const CONFIG_CHECK_RENDERERS = {
  text: checkText,
  json: checkText,
  markdown: checkText,
  github: checkGithub,
} satisfies RendererTable<PolicyCheck>;

/** `config print`: the effective policy as YAML, or as JSON. */
const printYaml = async ({ policy }: LoadedPolicy) => text((await import('yaml')).stringify(policy));
export const CONFIG_PRINT_RENDERERS = {
  text: printYaml,
  json: ({ policy }: LoadedPolicy) => text(`${JSON.stringify(policy, null, 2)}\n`),
  markdown: printYaml,
  github: printYaml,
} satisfies RendererTable<LoadedPolicy>;
