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
  // Dependencies stay external: they load lazily from node_modules, which keeps `--version` fast.
  skipNodeModulesBundle: true,
  define: { __DEPLOYADVISOR_VERSION__: JSON.stringify(version) },
});
