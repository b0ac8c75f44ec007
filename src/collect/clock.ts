import { setTimeout as wait } from 'node:timers/promises';

/**
 * The clock port: the one place that reads the time and waits. Pure code gets the instant as a value;
 * collectors take a Clock (default: systemClock), so tests can pass one that neither reads nor waits.
 */
export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Monotonic milliseconds, for durations, latencies and deadlines. */
  monotonic(): number;
  /** Waits `ms` milliseconds (a retry's backoff). */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  sleep: async (ms) => {
    await wait(ms);
  },
};
