import { relative } from 'node:path';
import { EXIT } from '../errors.js';
import { appPorts, workspaceOf } from './context.js';
import { TEXT_FORMATS } from './global.js';
import { defineCommand } from './spec.js';

export const initCommand = defineCommand<object, object>({
  path: ['init'],
  description: 'write a commented .deployadvisor.yml from what the repository shows (never overwrites)',
  args: {},
  options: {},
  formats: TEXT_FORMATS,
  async run({ io, global }) {
    const { initPolicy } = await import('../app/init.js');
    const { path, found } = await initPolicy(appPorts(io, global), workspaceOf(global));
    io.stdout(
      `Wrote ${relative(io.cwd, path) || path}: branch ${found.branch}, ${found.zones.length} risk zone(s), ${found.migrationDirs.length} migration folder(s), CI ${found.ciProvider ?? 'none'}.\n` +
        'Windows: scores 30-49 ship in staffed hours outside peak (weekdays 08-09, 17-19), scores 50-74 in the preferred window after peak (Mon-Thu 17-19); the file says why.\n',
    );
    return EXIT.go;
  },
});
