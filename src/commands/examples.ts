/**
 * Two or three real invocations per command, shown at the end of its --help (keyed by the command's
 * words). A test runs through every command and holds each to 2-3 examples that use only options
 * the command accepts.
 */
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  plan: [
    'deployadvisor plan',
    'deployadvisor plan v2.3.0 --env staging --from deploy/staging/2026-11-20',
    'deployadvisor plan --record --format github --fail-on block',
  ],
  record: [
    'deployadvisor record started --env production',
    'deployadvisor record succeeded --env production --sha v2.3.0',
    'deployadvisor record rolled-back --reason "error rate doubled"',
  ],
  verify: [
    'deployadvisor verify --env production',
    'deployadvisor verify --sha v2.3.0 --watch --record',
    'deployadvisor verify --format json --output verify.json',
  ],
  mcp: ['deployadvisor mcp --repo .', 'deployadvisor mcp --repo /srv/app --allow-record'],
  'ledger list': ['deployadvisor ledger list', 'deployadvisor ledger list --env production --since 30d'],
  'ledger export': ['deployadvisor ledger export', 'deployadvisor ledger export --output ledger.jsonl'],
  'ledger verify': ['deployadvisor ledger verify', 'deployadvisor ledger verify origin'],
  'ledger push': ['deployadvisor ledger push', 'deployadvisor ledger push upstream'],
  'ledger pull': ['deployadvisor ledger pull', 'deployadvisor ledger pull upstream'],
  'ledger void': [
    'deployadvisor ledger void 7 --reason "recorded twice by the retried deploy job"',
    'deployadvisor ledger void 3f2a9c --reason "wrong environment"',
  ],
  'ledger import': [
    "deployadvisor ledger import --env production --tags 'v*'",
    'deployadvisor ledger import --env production --github-deployments --dry-run',
    'deployadvisor ledger import --env production --gitlab-deployments --service api',
  ],
  insights: [
    'deployadvisor insights',
    'deployadvisor insights --since 12w --env production',
    'deployadvisor insights --format html --output insights.html',
  ],
  backtest: ['deployadvisor backtest', 'deployadvisor backtest v2.0.0..HEAD --format json'],
  calibrate: ['deployadvisor calibrate', 'deployadvisor calibrate --write'],
  explain: ['deployadvisor explain HEAD', 'deployadvisor explain 3f2a9c1 --format markdown'],
  lineage: [
    'deployadvisor lineage',
    'deployadvisor lineage v2.2.0..v2.3.0 --all --coverage coverage/lcov.info',
    'deployadvisor lineage --format json --output lineage.json',
  ],
  init: ['deployadvisor init', 'deployadvisor init --config deploy/policy.yml'],
  'config check': ['deployadvisor config check', 'deployadvisor config check --policy-ref origin/main'],
  'config print': ['deployadvisor config print', 'deployadvisor config print --format json'],
  'config schema': [
    'deployadvisor config schema',
    'deployadvisor config schema --output .deployadvisor.schema.json',
  ],
};

/** The examples as a help section. */
export function examplesHelp(path: readonly string[]): string {
  const examples = EXAMPLES[path.join(' ')] ?? [];
  return examples.length === 0 ? '' : `\nExamples:\n${examples.map((line) => `  $ ${line}`).join('\n')}\n`;
}
