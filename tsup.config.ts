import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/**
 * The sources' digest: caches of derived data (the change profile, the ledger's records) are keyed by
 * it as well as by the version, so a build whose code reads or folds differently never trusts what
 * another build stored, without anyone having to remember to bump a cache's file name.
 */
function sourceDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(`${path}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}

export default defineConfig({
  entry: { cli: 'src/cli.ts', training: 'src/assess/training.ts' },
  // One CommonJS file per entry (dist/cli.cjs): bin/deployadvisor.js compiles it through node:vm with
  // V8's code cache, which Node 20 offers for scripts only (its ES-module loader has no compile cache).
  // Without splitting, esbuild keeps each lazily imported command's module uninitialised until first
  // use, so a run still only initialises what it needs.
  format: ['cjs'],
  target: 'node20',
  platform: 'node',
  splitting: false,
  sourcemap: true,
  clean: true,
  // `import.meta.url` (createRequire of the dependencies loaded on demand) in a CommonJS file, as a
  // file URL that escapes the path (tsup's shim wrote `file:${__filename}`: a `#` in the install path
  // cut it short).
  inject: ['scripts/import-meta-url.js'],
  // What every command loads is bundled: zod alone is ~95 files, and resolving, reading and linking
  // them was a good part of a plan's fixed cost. The heavy modules only some runs need (undici, ora,
  // saxes, stream-json) stay external and load lazily from node_modules.
  noExternal: ['zod', 'commander', 'picomatch', 'cli-table3', 'luxon', 'yaml', 'tinyglobby'],
  esbuildPlugins: [zodEnglishOnly],
  // A dynamic import() in a script compiled from V8's code cache fails on Node 20 ("a dynamic import
  // callback was not specified"), so none is left in the bundle: the source's own become lazy module
  // initialisers, and the ES-module-only dependencies loaded on demand (ora, chalk) are loaded with
  // createRequire, which Node 20.19 and later allow for ES modules.
  //
  // ASCII only (non-ASCII characters escaped, comments dropped), so the launcher can hand V8 the file's
  // bytes as a one-byte string without decoding 2 MB of UTF-8 (it checks, and decodes when not).
  esbuildOptions(options) {
    options.supported = { ...options.supported, 'dynamic-import': false };
    options.charset = 'ascii';
    options.legalComments = 'none';
    options.minifyWhitespace = true;
  },
  define: {
    __DEPLOYADVISOR_VERSION__: JSON.stringify(version),
    __DEPLOYADVISOR_BUILD__: JSON.stringify(sourceDigest('src')),
    'import.meta.url': 'importMetaUrl',
  },
});
