import { VERSION } from './version.js';

/**
 * The only file that touches argv, stdout/stderr and exit codes. `--version` answers before the
 * commands initialise.
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

/**
 * Runs the command line and sets the exit code; answers the command that ran (`ledger-import`), or null
 * when none did (`--version`, `--help`, a usage error). bin/deployadvisor.js calls it.
 */
export async function run(argv: readonly string[] = process.argv.slice(2)): Promise<string | null> {
  const stdout = quietOnClosedPipe(process.stdout);
  const stderr = quietOnClosedPipe(process.stderr);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    stdout(`${VERSION}\n`);
    return null;
  }
  const { main } = await import('./main.js');
  let command: string | null = null;
  process.exitCode = await main(
    argv,
    {
      stdout,
      stderr,
      env: process.env,
      cwd: process.cwd(),
      isTTY: { stdout: process.stdout.isTTY, stderr: process.stderr.isTTY },
      columns: process.stdout.isTTY ? process.stdout.columns : undefined,
      progressStream: process.stderr,
      stdio: { stdin: process.stdin, stdout: process.stdout },
    },
    {
      onCommand: (path) => {
        command = path.join('-');
      },
    },
  );
  return command;
}
