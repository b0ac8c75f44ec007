import { VERSION } from './version.js';

/**
 * The only file that touches argv, stdout/stderr and exit codes. `--version` answers before anything
 * else loads, so it starts about as fast as Node itself.
 */
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    isTTY: { stdout: process.stdout.isTTY, stderr: process.stderr.isTTY },
    progressStream: process.stderr,
  });
}
