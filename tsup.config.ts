import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * zod's `locales` namespaces (`z.locales`, `z.core.locales`) pull every translation of its messages
 * into the bundle: 370 KB of the 755 KB zod chunk, parsed on every run. No message of zod's reaches
 * the user (policy errors are our own sentences) and nothing here switches locale, so both keep English
 * only, which is also what zod registers by default.
 */
const zodEnglishOnly: EsbuildPlugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](?:classic[\\/]external|core[\\/]index)\.js$/.test(args.importer)
        ? { path: 'zod-locales-en', namespace: 'zod-english-only', pluginData: args.resolveDir }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from '../locales/en.js';",
      resolveDir: args.pluginData as string,
      loader: 'js',
    }));
  },
};

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
  esbuildPlugins: [zodEnglishOnly],
  define: { __DEPLOYADVISOR_VERSION__: JSON.stringify(version) },
});
