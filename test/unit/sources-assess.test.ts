import { describe, expect, it } from 'vitest';
import { assessSources, type SourceFacts, type SourceOutcome } from '../../src/assess/sources.js';
import { sourcesSchema } from '../../src/config/sources-schema.js';
import { parsePolicy } from '../../src/config/parse.js';

const FILE = { kind: 'file', path: '.deployadvisor.yml', ref: null, blobSha: null } as const;

/** Pure: facts + the policy's onError / onNoData / required → source rows and gates. */

const policy = sourcesSchema.parse({
  ci: { provider: 'github', repo: 'acme/web', tokenEnv: 'GITHUB_TOKEN', onError: 'wait' },
  metrics: [
    {
      name: 'error-rate',
      provider: 'prometheus',
      url: 'http://p:9090',
      query: 'q',
      max: 0.02,
      onError: 'inconclusive',
      onNoData: 'wait',
    },
    { name: 'rps', provider: 'prometheus', url: 'http://p:9090', query: 'r', max: 1000, role: 'load' },
    {
      name: 'apdex',
      provider: 'prometheus',
      url: 'http://p:9090',
      query: 'a',
      min: 0.9,
      onError: 'ignore',
      onNoData: 'ignore',
    },
    {
      name: 'must',
      provider: 'prometheus',
      url: 'http://p:9090',
      query: 'm',
      max: 1,
      onError: 'ignore',
      required: true,
    },
    { name: 'hard', provider: 'prometheus', url: 'http://p:9090', query: 'h', max: 1, onError: 'block' },
  ],
  alerts: [
    {
      name: 'critical-alerts',
      provider: 'alertmanager',
      url: 'http://am:9093',
      matchers: ['severity="critical"'],
    },
  ],
});

function facts(name: string, outcome: SourceOutcome, kind: SourceFacts['kind'] = 'metric'): SourceFacts {
  return { name, kind, query: 'q', latencyMs: 12, outcome };
}

const cases: Array<{
  title: string;
  fact: SourceFacts;
  risky?: boolean;
  status: string;
  gate: string | null;
}> = [
  {
    title: 'metric within threshold',
    fact: facts('error-rate', { status: 'metric', value: 0.01, detail: '' }),
    status: 'ok',
    gate: null,
  },
  {
    title: 'health breach waits',
    fact: facts('error-rate', { status: 'metric', value: 0.031, detail: '' }),
    status: 'ok',
    gate: 'wait',
  },
  {
    title: 'min breach waits',
    fact: facts('apdex', { status: 'metric', value: 0.5, detail: '' }),
    status: 'ok',
    gate: 'wait',
  },
  {
    title: 'load breach, risky change: waits',
    fact: facts('rps', { status: 'metric', value: 1500, detail: '' }),
    risky: true,
    status: 'ok',
    gate: 'wait',
  },
  {
    title: 'load breach, small change: no gate',
    fact: facts('rps', { status: 'metric', value: 1500, detail: '' }),
    risky: false,
    status: 'ok',
    gate: null,
  },
  {
    title: 'outage under onError: inconclusive',
    fact: facts('error-rate', { status: 'unavailable', reason: 'down' }),
    status: 'unavailable',
    gate: 'inconclusive',
  },
  {
    title: 'outage under onError: block',
    fact: facts('hard', { status: 'unavailable', reason: 'down' }),
    status: 'unavailable',
    gate: 'block',
  },
  {
    title: 'outage under onError: ignore is shown, no gate',
    fact: facts('apdex', { status: 'unavailable', reason: 'down' }),
    status: 'unavailable',
    gate: null,
  },
  {
    title: 'required raises ignore to inconclusive',
    fact: facts('must', { status: 'unavailable', reason: 'down' }),
    status: 'unavailable',
    gate: 'inconclusive',
  },
  {
    title: 'no data under onNoData: wait',
    fact: facts('error-rate', { status: 'no-data', reason: 'no series' }),
    status: 'degraded',
    gate: 'wait',
  },
  {
    title: 'no data under onNoData: ignore',
    fact: facts('apdex', { status: 'no-data', reason: 'no series' }),
    status: 'degraded',
    gate: null,
  },
  {
    title: 'skipped (--offline), not required: no gate',
    fact: facts('error-rate', { status: 'skipped', reason: '--offline' }),
    status: 'skipped',
    gate: null,
  },
  {
    title: 'skipped (--offline), required: inconclusive',
    fact: facts('must', { status: 'skipped', reason: '--offline' }),
    status: 'skipped',
    gate: 'inconclusive',
  },
  {
    title: 'no alert firing',
    fact: facts('critical-alerts', { status: 'alerts', firing: [] }, 'alerts'),
    status: 'ok',
    gate: null,
  },
  {
    title: 'an alert firing waits',
    fact: facts(
      'critical-alerts',
      { status: 'alerts', firing: [{ name: 'HighErrorRate', severity: 'critical' }] },
      'alerts',
    ),
    status: 'ok',
    gate: 'wait',
  },
  {
    title: 'target CI failing blocks',
    fact: facts(
      'ci',
      { status: 'ci', ci: { runs: 10, succeeded: 10, target: 'failure', targetDetail: null } },
      'ci',
    ),
    status: 'ok',
    gate: 'block',
  },
  {
    title: 'target CI pending waits',
    fact: facts(
      'ci',
      { status: 'ci', ci: { runs: 10, succeeded: 10, target: 'pending', targetDetail: null } },
      'ci',
    ),
    status: 'ok',
    gate: 'wait',
  },
  {
    title: 'main-branch CI below minSuccessRate waits',
    fact: facts(
      'ci',
      { status: 'ci', ci: { runs: 10, succeeded: 7, target: 'success', targetDetail: null } },
      'ci',
    ),
    status: 'ok',
    gate: 'wait',
  },
  {
    title: 'main-branch CI healthy',
    fact: facts(
      'ci',
      { status: 'ci', ci: { runs: 10, succeeded: 9, target: 'success', targetDetail: null } },
      'ci',
    ),
    status: 'ok',
    gate: null,
  },
];

describe('assessSources', () => {
  it.each(cases)('$title', ({ fact, risky, status, gate }) => {
    const { results, gates } = assessSources(policy, [fact], risky ?? true);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: fact.name, kind: fact.kind, status, latencyMs: 12, query: 'q' });
    expect(gates.map((g) => g.level)).toEqual(gate === null ? [] : [gate]);
    for (const g of gates) {
      expect(g.kind).toBe('source');
      expect(`${g.title} ${g.reason}`).toContain(fact.name);
    }
  });

  it('names the firing alerts and the breaching value', () => {
    const { gates, results } = assessSources(
      policy,
      [
        facts(
          'critical-alerts',
          {
            status: 'alerts',
            firing: [
              { name: 'DiskFull', severity: 'critical' },
              { name: 'HighErrorRate', severity: 'critical' },
            ],
          },
          'alerts',
        ),
        facts('error-rate', { status: 'metric', value: 0.031234, detail: '' }),
      ],
      true,
    );
    expect(gates[0]?.title).toBe('Alerts firing: DiskFull, HighErrorRate');
    expect(results[0]?.value).toBe('2 firing: DiskFull, HighErrorRate');
    expect(results[1]?.value).toBe('0.03123');
    expect(gates[1]?.reason).toContain('0.03123 is above max 0.02');
  });

  it('an outage never ends in silence: every unavailable source is a row, and a gate unless ignored', () => {
    const names = ['error-rate', 'rps', 'apdex', 'must', 'hard'];
    const { results, gates } = assessSources(
      policy,
      names.map((name) => facts(name, { status: 'unavailable', reason: 'ECONNREFUSED' })),
      false,
    );
    expect(results.map((r) => r.status)).toEqual(names.map(() => 'unavailable'));
    expect(gates.map((g) => [g.id, g.title]).sort()).toEqual([
      ['source-unavailable', 'Source error-rate unavailable'],
      ['source-unavailable', 'Source hard unavailable'],
      ['source-unavailable', 'Source must unavailable'],
      ['source-unavailable', 'Source rps unavailable'],
    ]);
  });
});

describe('policy sources section', () => {
  it('accepts the documented shape with its defaults', () => {
    const parsed = parsePolicy(
      [
        'sources:',
        '  timeoutMs: 10000',
        '  ci: { provider: github, repo: acme/web, url: https://api.github.com, branch: main, tokenEnv: GITHUB_TOKEN, minSuccessRate: 0.9, onError: wait }',
        '  metrics:',
        '    - { name: error-rate, provider: prometheus, url: http://prometheus:9090, query: "sum(rate(x[5m]))", max: 0.02, role: health, onError: inconclusive, onNoData: wait }',
        '  alerts:',
        '    - { name: critical-alerts, provider: alertmanager, url: http://alertmanager:9093, matchers: [\'severity="critical"\'], onError: wait }',
        '',
      ].join('\n'),
      FILE,
    );
    expect(parsed.sources.ci).toMatchObject({ name: 'ci', runs: 20, onNoData: 'wait', required: false });
    expect(parsed.sources.metrics[0]).toMatchObject({ role: 'health', max: 0.02, required: false });
    expect(parsed.sources.alerts[0]?.matchers).toEqual(['severity="critical"']);
  });

  it.each([
    [
      'a token in place of a variable name',
      'metrics: [{ name: m, provider: prometheus, url: http://p, query: q, max: 1, tokenEnv: "ghp_abc-123" }]',
      /tokenEnv.*NAME of an environment variable/s,
    ],
    [
      'a metric without a threshold',
      'metrics: [{ name: m, provider: prometheus, url: http://p, query: q }]',
      /threshold: max, min or both/,
    ],
    [
      'an unknown onError',
      'alerts: [{ name: a, provider: alertmanager, url: http://am, onError: retry }]',
      /onError/,
    ],
    [
      'a duplicate name',
      'metrics: [{ name: m, provider: prometheus, url: http://p, query: q, max: 1 }]\n  alerts: [{ name: m, provider: alertmanager, url: http://am }]',
      /duplicate source name "m"/,
    ],
  ])('rejects %s', (_title, yaml, message) => {
    expect(() => parsePolicy(`sources:\n  ${yaml}\n`, FILE)).toThrow(message);
  });

  it('suggests the right key for a misspelt one', () => {
    let caught: unknown;
    try {
      parsePolicy(
        'sources:\n  alerts: [{ name: a, provider: alertmanager, url: http://am, matcher: [x] }]\n',
        FILE,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      message: expect.stringContaining('unknown key "sources.alerts[0].matcher"') as unknown,
      hint: expect.stringContaining('Did you mean "sources.alerts[0].matchers"?') as unknown,
    });
  });
});
