#!/usr/bin/env node
// The CLI is built into dist/cli.cjs (`npm run build`; npm's prepare runs it on `npm ci` and on an
// install from git). A checkout that is not built, or whose dependencies are not installed, gets a
// sentence saying which and what to run instead of a stack trace, and exit code 2.
//
// Start-up: the bundle is compiled through node:vm with V8's code cache, kept per build, command and
// Node version under .cache/v8/ in this package (beside the code it caches, so it is trusted exactly as
// far as that code is). A plan then skips most of the parsing and compiling that was a third of its
// fixed cost; Node 20 has no compile cache of its own for this. A cache V8 rejects (another Node, a
// damaged file) is only slower: the script compiles from source and the cache is written again.
// NODE_DISABLE_COMPILE_CACHE=1, Node's own switch for its cache, turns this one off too.
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, Script } from 'node:vm';

const NO_COMMAND = 'none';
const root = fileURLToPath(new URL('..', import.meta.url));
const file = join(root, 'dist', 'cli.cjs');

/** The "not built" / "not installed" sentence, exit 2; anything else is rethrown. */
function explain(error) {
  const missingBundle = error?.code === 'ENOENT' && error.path === file;
  if (!missingBundle && error?.code !== 'MODULE_NOT_FOUND' && error?.code !== 'ERR_MODULE_NOT_FOUND')
    throw error;
  process.stderr.write(
    missingBundle
      ? `deployadvisor: ${file} is missing: this checkout is not built; run \`npm run build\` in ${root} (\`npm ci\` builds too).\n`
      : `deployadvisor: a dependency is not installed (${error.message.split('\n')[0]}); run \`npm ci\` in ${root}.\n`,
  );
  process.exitCode = 2;
}

/** Where this build's caches live, and the one for the command argv names, if one was written. */
function findCache(bytes) {
  const disabled = process.env.NODE_DISABLE_COMPILE_CACHE;
  if (disabled !== undefined && disabled !== '') return null;
  // A key, not a defence: the cache sits beside the bundle with the same permissions.
  const build = createHash('sha1').update(bytes).digest('hex').slice(0, 16);
  const base = join(root, '.cache', 'v8');
  const dir = join(base, build);
  // V8's cache is only good for the V8 that wrote it: one file per command, Node version and arch.
  const suffix = `.${process.version}-${process.arch}.bin`;
  let names = [];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(suffix));
  } catch {
    // No cache for this build yet.
  }
  // The command is the first argument that names a cached one (an option's value may collide; that
  // run is only slower). Names are commands the CLI reported, so the set stays small.
  const cached = new Set(names.map((name) => name.slice(0, -suffix.length)));
  const argv = process.argv.slice(2);
  let command = null;
  for (let i = 0; i < argv.length && command === null; i++) {
    const joined = `${argv[i]}-${argv[i + 1] ?? ''}`;
    if (cached.has(joined)) command = joined;
    else if (cached.has(argv[i])) command = argv[i];
  }
  // Runs of no command (--version, --help, a usage error) share one.
  if (command === null && cached.has(NO_COMMAND)) command = NO_COMMAND;
  let data;
  if (command !== null) {
    try {
      data = readFileSync(join(dir, `${command}${suffix}`));
    } catch {
      command = null;
    }
  }
  return { base, dir, build, suffix, command, data };
}

/** Writes the code cache for `command` atomically; a read-only install only stays slower. */
function writeCache(cache, command, script) {
  try {
    const data = script.createCachedData();
    mkdirSync(cache.dir, { recursive: true });
    // Older builds' caches go: one build's worth stays on disk.
    for (const entry of readdirSync(cache.base)) {
      if (entry !== cache.build) rmSync(join(cache.base, entry), { recursive: true, force: true });
    }
    const target = join(cache.dir, `${command}${cache.suffix}`);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, data);
    renameSync(temporary, target);
  } catch {
    // Not writable (a system-wide install run by another user): nothing to do.
  }
}

let bytes;
try {
  bytes = readFileSync(file);
} catch (error) {
  explain(error);
}
if (bytes !== undefined) {
  const cache = findCache(bytes);
  // The build writes ASCII only (tsup.config.ts): then the bytes are the characters, and decoding them
  // as UTF-8 (2 MB, ~7 ms) is skipped.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  const script = new Script(Module.wrap(source), {
    filename: file,
    ...(cache?.data === undefined ? {} : { cachedData: cache.data }),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  let command = null;
  try {
    script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
    command = await module.exports.run();
  } catch (error) {
    explain(error);
  }
  const key = command ?? NO_COMMAND;
  const fresh = cache !== null && (cache.command !== key || script.cachedDataRejected === true);
  if (fresh && typeof key === 'string' && /^[a-z][a-z-]{0,40}$/.test(key)) writeCache(cache, key, script);
}
