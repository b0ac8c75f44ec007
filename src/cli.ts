import { VERSION } from './version.js';

/**
 * The only file that touches argv, stdout/stderr and exit codes. `--version` answers before anything
 * else loads, so it starts about as fast as Node itself.
 */

/**
 * A reader that stops early (`deployadvisor plan | head -1`) closes the pipe: then writing stops,
 * quietly (no EPIPE stack trace), and the exit code stays the command's own.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): (text: string) => void {
  let open = true;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    open = false;
  });
  return (text) => {
    if (open && !stream.destroyed) stream.write(text);
  };
}

const stdout = quietOnClosedPipe(process.stdout);
const stderr = quietOnClosedPipe(process.stderr);
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  stdout(`${VERSION}\n`);
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(argv, {
    stdout,
    stderr,
    env: process.env,
    cwd: process.cwd(),
    isTTY: { stdout: process.stdout.isTTY, stderr: process.stderr.isTTY },
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    progressStream: process.stderr,
    stdio: { stdin: process.stdin, stdout: process.stdout },
  });
}
