#!/usr/bin/env node
// The CLI is built into dist/ (`npm run build`; npm's prepare runs it on `npm ci` and on an install
// from git). A checkout that is not built, or whose dependencies are not installed, gets a sentence
// saying which and what to run instead of a stack trace, and exit code 2.
const cli = new URL('../dist/cli.js', import.meta.url);
try {
  await import(cli.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.stderr.write(
    existsSync(cli)
      ? `deployadvisor: a dependency is not installed (${error.message.split('\n')[0]}); run \`npm ci\` in ${root}.\n`
      : `deployadvisor: ${fileURLToPath(cli)} is missing: this checkout is not built; run \`npm run build\` in ${root} (\`npm ci\` builds too).\n`,
  );
  process.exitCode = 2;
}
