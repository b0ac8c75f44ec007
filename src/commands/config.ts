import { EXIT } from '../errors.js';
import { CONFIG_CHECK_RENDERERS, CONFIG_PRINT_RENDERERS } from '../render/config.js';
import { formatsOf } from '../render/formats.js';
import { appPorts, renderAndEmit, workspaceOf } from './context.js';
import { TEXT_FORMATS } from './global.js';
import { emit } from './output.js';
import { defineCommand } from './spec.js';

export const configCheckCommand = defineCommand<object, object>({
  path: ['config', 'check'],
  description: 'validate the policy file; exit 2 with file, line and key on a mistake',
  args: {},
  options: {},
  formats: formatsOf(CONFIG_CHECK_RENDERERS),
  async run(context) {
    const { checkPolicy } = await import('../app/config.js');
    const check = await checkPolicy(appPorts(context.io, context.global), workspaceOf(context.global));
    await renderAndEmit(context, CONFIG_CHECK_RENDERERS, check);
    return EXIT.go;
  },
});

export const configPrintCommand = defineCommand<object, object>({
  path: ['config', 'print'],
  description: 'print the effective policy, defaults filled in',
  args: {},
  options: {},
  formats: formatsOf(CONFIG_PRINT_RENDERERS),
  async run(context) {
    const { loadedPolicy } = await import('../app/config.js');
    const loaded = await loadedPolicy(appPorts(context.io, context.global), workspaceOf(context.global));
    await renderAndEmit(context, CONFIG_PRINT_RENDERERS, loaded);
    return EXIT.go;
  },
});

export const configSchemaCommand = defineCommand<object, object>({
  path: ['config', 'schema'],
  description: 'print the JSON Schema of the policy file',
  args: {},
  options: {},
  formats: TEXT_FORMATS,
  async run({ io, global }) {
    const { policyJsonSchema } = await import('../config/json-schema.js');
    await emit(io, global, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
    return EXIT.go;
  },
});
