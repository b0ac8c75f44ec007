// What `config check` finds beyond the schema: a policy that parses but cannot work as meant. Pure:
// the tracked paths and the instant come in as values.
import type { Policy } from '../config/schema.js';
import type { WindowSpec } from '../config/time-schema.js';
import { suggestKey } from '../config/suggest.js';
import { pathMatcher } from './path-globs.js';
import { assessTiming } from './timing.js';

/** One finding, at a key path of the policy (the caller turns the path into a file line). */
export interface PolicyFinding {
  level: 'error' | 'warning';
  path: Array<string | number>;
  message: string;
  hint?: string;
}

/** A run of scores that share timing rules: [from, to] inclusive. */
interface Band {
  from: number;
  to: number;
  risky: boolean;
  needsPreferred: boolean;
}

/** The scores below blockAt, cut where riskyAt and waitAt change what timing asks of a change. */
export function scoreBands(thresholds: Policy['thresholds']): Band[] {
  const { riskyAt, waitAt, blockAt } = thresholds;
  const cuts = [...new Set([0, riskyAt, waitAt].filter((cut) => cut < blockAt))].sort((a, b) => a - b);
  return cuts.map((from, i) => ({
    from: Math.ceil(from),
    to: Math.ceil(cuts[i + 1] ?? blockAt) - 1,
    risky: from >= riskyAt,
    needsPreferred: from >= waitAt,
  }));
}

function describeWindows(kind: string, windows: readonly WindowSpec[]): string {
  return windows
    .map((w) => `${kind} ${typeof w.days === 'string' ? w.days : w.days.join(',')} ${w.from}-${w.to}`)
    .join(', ');
}

/** What a band's change must find, naming the windows (the rules of assess/timing.ts). */
function needs(policy: Policy, band: Band, deployMinutes: number): string {
  const { peak, preferred, avoid, staffed } = policy.windows;
  const parts: string[] = [];
  if (band.needsPreferred)
    parts.push(
      preferred.length === 0
        ? 'a preferred window (none is configured)'
        : `inside ${describeWindows('preferred', preferred)}`,
    );
  if (band.risky && staffed.length > 0) parts.push(`inside ${describeWindows('staffed', staffed)}`);
  if (band.risky && peak.length > 0) parts.push(`outside ${describeWindows('peak', peak)}`);
  if (avoid.length > 0) parts.push(`outside ${describeWindows('avoid', avoid)}`);
  return `${deployMinutes} min ${parts.join(', ')}`;
}

/**
 * Scores below blockAt that no week lets ship: the real timing rules, freezes aside (they end), run
 * from `now` over the 28-day horizon; a weekly pattern with no opening in that time has none ever.
 */
export function unshippableBands(policy: Policy, now: number): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const weekly: Policy = { ...policy, windows: { ...policy.windows, freezes: [] } };
  const minutes = [...new Set(Object.values(policy.environments).map((env) => env.deployMinutes))];
  for (const band of scoreBands(policy.thresholds)) {
    for (const deployMinutes of minutes) {
      const { timing } = assessTiming({ policy: weekly, now, deployMinutes, ...band });
      if (timing.nextWindow !== null) continue;
      const envs = Object.entries(policy.environments)
        .filter(([, env]) => env.deployMinutes === deployMinutes)
        .map(([name]) => name);
      findings.push({
        level: 'error',
        path: band.needsPreferred
          ? ['windows', 'preferred']
          : band.risky
            ? ['windows', 'peak']
            : ['windows', 'avoid'],
        message: `a change scoring ${band.from}-${band.to} can never deploy to ${envs.join(', ')}: it needs ${needs(policy, band, deployMinutes)}, and no week has such a time, so it would WAIT (exit 3) forever.`,
        hint: band.needsPreferred
          ? 'Put a preferred window where peak is over and someone is staffed (for example after peak ends, within staffed hours), or raise waitAt.'
          : 'Leave some staffed time outside peak and avoid windows.',
      });
    }
  }
  return findings;
}

/** Every prefix of every tracked path with `depth` segments (directories, or whole files). */
function prefixes(tracked: readonly string[], depth: number): string[] {
  const found = new Set<string>();
  for (const path of tracked) {
    const parts = path.split('/');
    if (parts.length >= depth) found.add(parts.slice(0, depth).join('/'));
  }
  return [...found];
}

/** A glob close to `glob` that matches tracked files: its literal leading segments corrected. */
export function suggestGlob(glob: string, tracked: readonly string[]): string | null {
  const parts = glob.split('/');
  const literal = parts.findIndex((part) => /[*?[\]{}()!+@]/.test(part));
  const depth = literal === -1 ? parts.length : literal;
  if (depth === 0) return null;
  const head = parts.slice(0, depth).join('/');
  const candidate = suggestKey(head, prefixes(tracked, depth));
  if (candidate === null || candidate === head) return null;
  const fixed = [candidate, ...parts.slice(depth)].join('/');
  const matches = pathMatcher(fixed);
  return tracked.some((path) => matches(path)) ? fixed : null;
}

function unmatched(
  globs: readonly string[],
  at: Array<string | number>,
  what: string,
  tracked: readonly string[],
): PolicyFinding[] {
  return globs.flatMap((glob, i) => {
    const matches = pathMatcher(glob);
    if (tracked.some((path) => matches(path))) return [];
    const suggestion = suggestGlob(glob, tracked);
    return [
      {
        level: 'warning' as const,
        path: [...at, i],
        message: `${what} "${glob}" matches no tracked file.`,
        ...(suggestion === null ? {} : { hint: `Did you mean "${suggestion}"?` }),
      },
    ];
  });
}

/** Zone and migration globs that match nothing in the repository, with a did-you-mean on real paths. */
export function unmatchedGlobs(
  policy: Policy,
  tracked: readonly string[],
  written: (path: Array<string | number>) => boolean,
): PolicyFinding[] {
  const zones = policy.riskZones.flatMap((zone, i) =>
    unmatched(zone.paths, ['riskZones', i, 'paths'], `zone "${zone.name}": glob`, tracked),
  );
  const migrations = written(['migrations', 'paths'])
    ? unmatched(policy.migrations.paths, ['migrations', 'paths'], 'glob', tracked)
    : [];
  return [...zones, ...migrations];
}
