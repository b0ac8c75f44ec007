import { makeRepo, type TestRepo } from './repo.js';

/** The policy most scenario tests use: one critical zone, peak, preferred, avoid, a holiday freeze. */
export const SCENARIO_POLICY = `version: 1
timezone: America/Los_Angeles
defaultEnvironment: production
environments:
  production:
    branch: main
    deployedRef: "deploy/production/*"
    deployMinutes: 20
    rollback:
      command: "kubectl rollout undo deployment/web --to-revision={previousSha}"
riskZones:
  - name: payments
    paths: ["src/payments/**"]
    risk: critical
    owners: ["@acme/payments"]
    requireReview: true
windows:
  peak:      [{ days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }]
  preferred: [{ days: mon-thu, from: "20:00", to: "22:00" }]
  avoid:     [{ days: [fri], from: "12:00", to: "24:00", reason: "Friday afternoon" }]
  freezes:   [{ name: holiday, from: 2026-12-20, to: 2027-01-02, level: block, reason: "Holiday freeze" }]
thresholds: { waitAt: 50, blockAt: 80 }
`;

/** Monday 23 Nov 2026, 20:30 in Los Angeles: off-peak, inside the preferred window. */
export const OFF_PEAK = '2026-11-23T20:30:00-08:00';
/** Monday 23 Nov 2026, 11:00 in Los Angeles: peak traffic. */
export const PEAK = '2026-11-23T11:00:00-08:00';
/** Tuesday 22 Dec 2026, 20:30 in Los Angeles: inside the holiday freeze. */
export const IN_FREEZE = '2026-12-22T20:30:00-08:00';

export const CLAUDE = 'Co-authored-by: Claude <noreply@anthropic.com>';

/** A repo with the scenario policy, a payments zone file and a deploy tag on its first commit. */
export function scenarioBase(prefix?: string): TestRepo {
  const repo = makeRepo(prefix);
  repo.write('.deployadvisor.yml', SCENARIO_POLICY);
  repo.writeLines('src/app.ts', 40);
  repo.writeLines('src/payments/charge.ts', 20);
  repo.write('README.md', '# app\n');
  repo.commit('initial', { trailers: ['Reviewed-by: Rita <rita@example.com>'] });
  repo.git('tag', 'deploy/production/2026-11-01', 'HEAD');
  return repo;
}

/** The three scenarios the issue names: docs only; AI-assisted 300 lines in a critical zone; the same, reviewed. */
export function scenarioRepos(prefix?: string): { docs: TestRepo; ai: TestRepo; aiReviewed: TestRepo } {
  const docs = scenarioBase(prefix);
  docs.write('README.md', '# app\n\nHow to run it.\n');
  docs.writeLines('docs/guide.md', 30);
  docs.commit('docs: explain setup');
  const ai = scenarioBase(prefix);
  ai.writeLines('src/payments/charge.ts', 320, 'charge');
  ai.commit('payments: new charge flow', { trailers: [CLAUDE] });
  const aiReviewed = scenarioBase(prefix);
  aiReviewed.writeLines('src/payments/charge.ts', 320, 'charge');
  aiReviewed.commit('payments: new charge flow', {
    trailers: [CLAUDE, 'Reviewed-by: Rita <rita@example.com>'],
  });
  return { docs, ai, aiReviewed };
}
