import type { Dispatcher } from 'undici';

/** What commands may touch of the outside world, passed in so tests need no process. */
export interface Io {
  /** `workflowCommands`: the text is our own GitHub annotations, which the output guard lets through. */
  stdout(text: string, options?: { workflowCommands?: boolean }): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  isTTY: { stdout: boolean; stderr: boolean };
  /** The terminal's width when stdout is one (text output follows it; 80 otherwise). */
  columns?: number | undefined;
  /** The terminal stream progress spinners draw on (only used when stderr is a TTY). */
  progressStream?: NodeJS.WriteStream;
  /** undici dispatcher for live sources: tests pass a MockAgent; never set by the CLI itself. */
  dispatcher?: Dispatcher;
  /** The clock port: tests pass one that neither reads the time nor waits; never set by the CLI itself. */
  clock?: { now(): number; monotonic(): number; sleep(ms: number): Promise<void> };
  /** The raw standard streams, for a protocol spoken over them (`mcp`); absent in tests of other commands. */
  stdio?: { stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream };
}
