import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

const BIN = join(import.meta.dirname, '../../bin/deployadvisor.js');
/** More than a command and its spinner frames ever write; the bug wrote gigabytes. */
export const BYTE_CAP = 1_000_000;

/**
 * Runs the built binary under a real pseudo-terminal (util-linux `script`) whose width is set with
 * `stty cols`, so stdout and stderr are a TTY and the progress spinner draws. Killed past BYTE_CAP
 * bytes or 20 s. The environment is bare (no CI variable: ora draws nothing when it sees one):
 * PATH, TERM=xterm, TZ=UTC, NO_COLOR=1, then `env` (an undefined value removes a variable).
 */
export function runOnTerminal(
  columns: number,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; bytes: number; output: string; killed: boolean }> {
  const quoted = args.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const command = `stty cols ${columns} rows 24; exec '${process.execPath}' '${BIN}' ${quoted}`;
  const merged: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TERM: 'xterm',
    NO_COLOR: '1',
    TZ: 'UTC',
    ...env,
  };
  const bare = Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: bare,
    });
    let bytes = 0;
    let output = '';
    let killed = false;
    const decoder = new StringDecoder('utf8');
    const kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // One decoder for the stream: a character split between two chunks is not garbled.
      if (output.length < BYTE_CAP) output += decoder.write(chunk);
      if (bytes > BYTE_CAP) kill();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, bytes, output, killed });
    });
  });
}

const ESC = String.fromCharCode(27);
/** Colour codes (SGR: ESC [ ... m). */
export const SGR = new RegExp(`${ESC}\\[[0-9;]*m`);
/** Every terminal control sequence: CSI (colours, cursor, clearing) and the lone ESC forms. */
const CONTROL = new RegExp(`${ESC}\\[[0-?]*[ -/]*[@-~]|${ESC}[@-_]`, 'g');

/** What a terminal transcript shows as lines: control sequences removed, CR LF made LF. */
export function screenLines(output: string): string[] {
  return (
    output
      // Cursor to column 1 or clear the line (how a spinner takes its frame away): the line starts over.
      .replace(new RegExp(`${ESC}\\[[0-9;]*[GK]`, 'g'), '\r')
      .replace(CONTROL, '')
      .split(/\r?\n/)
      .map((line) => line.slice(line.lastIndexOf('\r') + 1))
  );
}
