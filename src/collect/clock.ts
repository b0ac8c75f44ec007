/** The clock port: the one place that reads the time. Pure code gets the instant as a value. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
