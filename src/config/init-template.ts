/** The commented policy file `init` writes, from what it detected in the repository. */

/** What init could tell about the repository. */
export interface Detected {
  branch: string;
  ciProvider: 'github' | 'gitlab' | 'circleci' | null;
  migrationDirs: string[];
  coverageReports: string[];
  zones: Array<{ name: string; path: string; risk: 'critical' | 'high' | 'medium' }>;
}

const q = (text: string) => JSON.stringify(text);

/**
 * The windows init writes. Preferred lies after peak and inside staffed hours: a change scoring from
 * waitAt must be in a preferred window, and (being over riskyAt) outside peak and inside staffed hours.
 */
export const INIT_WINDOWS = {
  peak: '{ days: mon-fri, from: "09:00", to: "17:00" }',
  preferred: '{ days: mon-thu, from: "17:00", to: "19:00" }',
  avoid: '{ days: [fri], from: "15:00", to: "24:00", reason: "Friday afternoon" }',
  staffed: '{ days: mon-fri, from: "08:00", to: "19:00" }',
} as const;

/** The windows section, with why it leaves every score below blockAt a time to ship. */
function windowLines(): string[] {
  return [
    '# Every score below blockAt can ship within a week (`config check` holds the file to that):',
    '#   scores 0-29 (below riskyAt): any time outside the avoid window;',
    '#   scores 30-49 (riskyAt): staffed hours outside peak, weekdays 08:00-09:00 and 17:00-19:00;',
    '#   scores 50-74 (waitAt): also inside a preferred window, Mon-Thu 17:00-19:00: after peak, while',
    '#   people are still there. A preferred window inside peak would leave those scores no time at all.',
    'windows:',
    `  peak: [${INIT_WINDOWS.peak}]      # risky changes wait out peak traffic`,
    `  preferred: [${INIT_WINDOWS.preferred}] # scores from waitAt ship only in these`,
    `  avoid: [${INIT_WINDOWS.avoid}]`,
    `  staffed: [${INIT_WINDOWS.staffed}]`,
  ];
}

/** The commented policy init writes. It always parses; a test holds it to that. */
export function renderInitPolicy(found: Detected, timezone: string): string {
  const lines: string[] = [];
  lines.push(
    '# deployadvisor policy. `deployadvisor config schema` describes every key;',
    '# `deployadvisor config check` validates this file after each edit.',
    `# Written by \`deployadvisor init\` from what it saw in this repository; review before committing.`,
    'version: 1',
    `timezone: ${q(timezone)}          # zone for windows and freezes that name none`,
    'defaultEnvironment: production',
    '',
    'environments:',
    '  production:',
    `    branch: ${q(found.branch)}            # detected default branch`,
    `    deployedRef: "deploy/production/*"   # tag each deploy (git tag deploy/production/<date> <sha>) so plans start there`,
    '    deployMinutes: 15',
    '    # rollback:',
    '    #   command: "kubectl rollout undo deployment/web"   # {sha} and {previousSha} are filled in',
    '',
  );
  if (found.zones.length > 0) {
    lines.push('# Risk zones guessed from directory names; adjust risk and owners.', 'riskZones:');
    for (const zone of found.zones) {
      lines.push(
        `  - name: ${q(zone.name)}`,
        `    paths: [${q(`${zone.path}/**`)}]`,
        `    risk: ${zone.risk}`,
        '    owners: []',
        '    requireReview: true',
      );
    }
  } else {
    lines.push(
      '# No risky directories recognised; declare yours, for example:',
      'riskZones: []',
      '#  - name: payments',
      '#    paths: ["src/payments/**"]',
      '#    risk: critical        # critical | high | medium | low | 0-100',
      '#    owners: ["@acme/payments"]',
      '#    requireReview: true',
    );
  }
  lines.push(
    '',
    ...windowLines(),
    '  freezes: []   # - { name: holiday, from: 2026-12-20, to: 2027-01-02, level: block, reason: "Holiday freeze" }',
    '',
    'thresholds: { waitAt: 50, blockAt: 75, riskyAt: 30, hardGates: [] }',
    '',
    'migrations:',
  );
  if (found.migrationDirs.length > 0) {
    lines.push(`  paths: [${found.migrationDirs.map((dir) => q(`${dir}/**`)).join(', ')}]   # detected`);
  } else {
    lines.push(
      '  irreversiblePatterns: []   # no migration folders found: the default paths (db/migrations/**, migrations/**, ...) apply',
    );
  }
  lines.push(
    '',
    'ai:',
    '  markers: []   # extra regular expressions that mark a commit AI-assisted',
    '  ignore: []',
  );
  lines.push(
    '',
    `# CI provider: ${found.ciProvider ?? 'none detected'}. Coverage reports seen: ${found.coverageReports.length > 0 ? found.coverageReports.join(', ') : 'none'}.`,
  );
  if (found.ciProvider === 'github') {
    lines.push('# In GitHub Actions: deployadvisor plan --format github (checkout with fetch-depth: 0).');
  }
  return `${lines.join('\n')}\n`;
}
