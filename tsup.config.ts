import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  entry: { cli: 'src/cli.ts', training: 'src/assess/training.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  sourcemap: true,
  clean: true,
  // What every command loads is bundled: zod alone is ~95 files, and resolving, reading and linking
  // them was a good part of a plan's fixed cost (Node 20 has no compile cache). The heavy modules only
  // some runs need (undici, ora, saxes, stream-json) stay external and load lazily from node_modules.
  noExternal: ['zod', 'commander', 'picomatch', 'cli-table3', 'luxon', 'yaml', 'tinyglobby'],
  // Bundled CommonJS (commander, cli-table3, picomatch) calls require; ESM has none, so give it one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  define: { __DEPLOYADVISOR_VERSION__: JSON.stringify(version) },
});
