// npm's prepare: builds dist/ on `npm ci`, `npm install` and an install from git, so
// `npx deployadvisor` works from a fresh checkout. An install without dev dependencies
// (--omit=dev) has no tsup to build with: it says so and succeeds.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let tsup;
try {
  const manifest = require.resolve('tsup/package.json');
  tsup = join(dirname(manifest), require(manifest).bin.tsup);
} catch {
  process.stderr.write(
    'deployadvisor: tsup is not installed (dev dependencies omitted), so dist/ is not built; install them and run `npm run build`.\n',
  );
  process.exit(0);
}
const result = spawnSync(process.execPath, [tsup, '--silent'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
