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
