import type { Dispatcher } from 'undici';
import type { Clock } from '../collect/clock.js';
import type { Agent } from '../ledger/context.js';

/** A progress indicator (a spinner on a terminal, nothing elsewhere): what the use cases may show. */
export interface Progress {
  update(text: string): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { update() {}, stop() {} };

/**
 * What a use case may touch of the outside world besides the repository: passed in by the command, so
 * a use case never reads argv, process.env or the terminal itself.
 */
export interface AppPorts {
  env: Record<string, string | undefined>;
  /** The directory relative paths (--repo, --config, --coverage) are read from. */
  cwd: string;
  clock: Clock;
  /** Starts a progress indicator with this text. */
  progress(text: string): Promise<Progress>;
  /** --verbose: a line about what is run (git commands); absent when quiet. */
  log?: ((line: string) => void) | undefined;
  /** undici dispatcher for live sources: tests pass a MockAgent. */
  dispatcher?: Dispatcher | undefined;
  /** An AI agent calling through the MCP server: records name it as the actor. */
  agent?: Agent | undefined;
}

/** Where the repository and its policy are: the global options every use case reads. */
export interface WorkspaceRequest {
  repo?: string | undefined;
  config?: string | undefined;
  policyRef?: string | undefined;
}
