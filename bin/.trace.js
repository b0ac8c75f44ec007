#!/usr/bin/env node
// The CLI is built into dist/cli.cjs (`npm run build`; npm's prepare runs it on `npm ci` and on an
// install from git). A checkout that is not built, or whose dependencies are not installed, gets a
// sentence saying which and what to run instead of a stack trace, and exit code 2.
//
// Start-up: the bundle is compiled through node:vm with V8's code cache, kept per build, command and
// Node version under .cache/v8/ in this package. A plan then skips most of the parsing and compiling
// of its modules; Node 20 has no compile cache of its own for this. V8 checks only a cache's header, and
// code read from a cache runs as it is, so the launcher checks the rest:
// - each file carries the SHA-256 of its data, checked before V8 sees it (a damaged file once crashed
//   Node on every run); a file that fails is ignored and written again;
// - a cache is used only when neither it nor the directories above it, up to the package, can be
//   written by anyone but their owner, and that owner is the user running it or the package's owner;
//   the launcher writes them 0755/0644 whatever the umask;
// - only runs that did their work write (not exit 1 or 2), and a command's cache is written once.
// NODE_DISABLE_COMPILE_CACHE=1, Node's own switch for its cache, turns this one off.
import { isAscii } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  constants as fsConstants,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, Script } from 'node:vm';

const NO_COMMAND = 'none';
const DIGEST_BYTES = 32;
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

const sha256 = (data) => createHash('sha256').update(data).digest();

/**
 * Whether a path may be trusted with code: on POSIX, writable by its owner only, and owned by the user
 * running this or by the package's owner. (Windows reports no such modes; its ACLs are the install's.)
 */
function trusted(path, owners) {
  if (process.platform === 'win32') return true;
  const info = statSync(path);
  return (info.mode & 0o022) === 0 && owners.has(info.uid);
}

/** Where this build's caches live, and the one for the command argv names, if one is usable. */
function findCache(bytes) {
  const disabled = process.env.NODE_DISABLE_COMPILE_CACHE;
  if (disabled !== undefined && disabled !== '') return null;
  const build = createHash('sha1').update(bytes).digest('hex').slice(0, 16);
  const base = join(root, '.cache', 'v8');
  const dir = join(base, build);
  // V8's cache is only good for the V8 that wrote it: one file per command, Node version and arch.
  const suffix = `.${process.version}-${process.arch}.bin`;
  const cache = { base, dir, build, suffix, names: new Set(), command: null, data: undefined, usable: true };
  const owners = new Set([process.getuid?.(), statSync(file).uid]);
  for (const path of [join(root, '.cache'), base, dir]) {
    try {
      // Someone else can write there: neither read nor write a cache.
      if (!trusted(path, owners)) return { ...cache, usable: false };
    } catch {
      return cache; // Not made yet: nothing to read, and the first write makes it.
    }
  }
  try {
    for (const name of readdirSync(dir))
      if (name.endsWith(suffix)) cache.names.add(name.slice(0, -suffix.length));
    // The command is the first argument that names a cached one (an option's value may collide; that
    // run is only slower). Names are commands the CLI reported, so the set stays small.
    const argv = process.argv.slice(2);
    for (let i = 0; i < argv.length && cache.command === null; i++) {
      const joined = `${argv[i]}-${argv[i + 1] ?? ''}`;
      if (cache.names.has(joined)) cache.command = joined;
      else if (cache.names.has(argv[i])) cache.command = argv[i];
    }
    // Runs of no command (--version, --help, a usage error) share one.
    if (cache.command === null && cache.names.has(NO_COMMAND)) cache.command = NO_COMMAND;
    if (cache.command === null) return cache;
    const path = join(dir, `${cache.command}${suffix}`);
    if (!trusted(path, owners)) return cache;
    const stored = readFileSync(path);
    const data = stored.subarray(DIGEST_BYTES);
    if (sha256(data).equals(stored.subarray(0, DIGEST_BYTES))) cache.data = data;
  } catch {
    // No cache for this build yet, or not readable: compile from source.
  }
  return cache;
}

/** Writes the code cache for `command` (new file, renamed into place), then drops older builds'. */
function writeCache(cache, command, script) {
  try {
    mkdirSync(cache.dir, { recursive: true, mode: 0o755 });
    accessSync(cache.dir, fsConstants.W_OK);
  } catch {
    return; // Not writable (a system-wide install run by another user): nothing to do.
  }
  const target = join(cache.dir, `${command}${cache.suffix}`);
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const data = script.createCachedData();
    writeFileSync(temporary, Buffer.concat([sha256(data), data]), { mode: 0o644, flag: 'wx' });
    renameSync(temporary, target);
  } catch {
    rmSync(temporary, { force: true });
  }
  for (const entry of readdirSync(cache.base)) {
    try {
      if (entry !== cache.build) rmSync(join(cache.base, entry), { recursive: true, force: true });
    } catch {
      // Another user's: it stays, and costs only its disk space.
    }
  }
}

const T=[];const M=(l)=>T.push([performance.now(),l]);process.on('exit',()=>{M('exit');process.stderr.write(T.map(([t,l])=>t.toFixed(1)+' '+l).join('; ')+'\n')});globalThis.__M=M;M('launcher');
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
  M('read+cache');
  const script = new Script(Module.wrap(source), {
    filename: file,
    ...(cache?.data === undefined ? {} : { cachedData: cache.data }),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  M('compiled');
  const module = { exports: {} };
  let command = null;
  try {
    script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
    M('init');
    command = await module.exports.run();
    M('run done');
  } catch (error) {
    explain(error);
  }
  // A run that failed (an internal error, a usage or input error) may have compiled little: only a run
  // that did its work writes, and only when this command has no usable cache yet.
  const key = command ?? NO_COMMAND;
  const worked = process.exitCode === undefined || ![1, 2].includes(Number(process.exitCode));
  const missing =
    cache !== null && (!cache.names.has(key) || (cache.command === key && cache.data === undefined));
  const rejected = cache?.command === key && script.cachedDataRejected === true;
  if (cache?.usable === true && worked && (missing || rejected) && /^[a-z][a-z-]{0,40}$/.test(key))
    writeCache(cache, key, script);
}
