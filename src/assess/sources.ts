import type { OnError, SourcesPolicy } from '../config/sources-schema.js';
import type { Gate, ReviewEvidence, SourceKind, SourceResult } from './plan-types.js';

/**
 * Live sources → source results and gates. Pure: collectors report what they saw (facts), and this
 * decides what it means under the policy's onError / onNoData / required. An outage is never a
 * silent GO: it is a gate, or (onError: ignore) a visible "unavailable" row.
 */

export interface AlertFact {
  name: string;
  severity: string | null;
}

export interface CiFact {
  /** Completed main-branch runs counted, and how many of them succeeded. */
  runs: number;
  succeeded: number;
  /** The target commit's own CI state. */
  target: 'success' | 'failure' | 'pending' | 'none';
  targetDetail: string | null;
  /** Further evidence in plain words (PR review evidence, what the provider cannot tell); shown in the reason. */
  notes?: string[];
  /** The target commit's pull request review evidence, when the provider reports it. */
  review?: ReviewEvidence;
}

/** What a collector saw. `value` is set for ok outcomes of the matching kind. */
export type SourceOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'unavailable'; reason: string }
  | { status: 'no-data'; reason: string }
  | { status: 'metric'; value: number; detail: string }
  | { status: 'alerts'; firing: AlertFact[] }
  | { status: 'ci'; ci: CiFact };

export interface SourceFacts {
  name: string;
  kind: SourceKind;
  query: string | null;
  latencyMs: number | null;
  outcome: SourceOutcome;
}

export interface SourcesAssessment {
  results: SourceResult[];
  gates: Gate[];
}

const LEVEL_RANK = { ignore: 0, wait: 1, inconclusive: 2, block: 3 } as const;

/** The gate level for missing evidence: the policy's choice, raised to inconclusive when required. */
function missingLevel(choice: OnError, isRequired: boolean): Gate['level'] | null {
  const level: OnError = isRequired && LEVEL_RANK[choice] < LEVEL_RANK.inconclusive ? 'inconclusive' : choice;
  return level === 'ignore' ? null : level;
}

interface SourceRule {
  onError: OnError;
  onNoData: OnError;
  required: boolean;
  role?: 'health' | 'load';
  max?: number | undefined;
  min?: number | undefined;
  minSuccessRate?: number;
}

function rulesOf(policy: SourcesPolicy): Map<string, SourceRule> {
  const rules = new Map<string, SourceRule>();
  if (policy.ci !== undefined) rules.set(policy.ci.name, policy.ci);
  for (const metric of policy.metrics) rules.set(metric.name, metric);
  for (const alert of policy.alerts) rules.set(alert.name, alert);
  return rules;
}

export function formatNumber(value: number): string {
  // As Prometheus writes them.
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** Stable gate ids (docs/plan.schema.json enumerates them); the title names the source. */
export const SOURCE_GATE_IDS = [
  'source-unhealthy',
  'source-load',
  'source-alerts',
  'source-unavailable',
  'source-no-data',
  'source-skipped',
  'ci-target-failing',
  'ci-target-pending',
  'ci-main-unhealthy',
] as const;
export type SourceGateId = (typeof SOURCE_GATE_IDS)[number];

function gate(id: SourceGateId, level: Gate['level'], title: string, reason: string): Gate {
  return { id, kind: 'source', level, title, reason, until: null };
}

/** One source's fact under its rule: `row` adds its result row, `gates` collects what it fires. */
interface Reading {
  fact: SourceFacts;
  rule: SourceRule;
  /** " (query ...)", or nothing: gate reasons name the whole query. */
  asked: string;
  row: (
    status: SourceResult['status'],
    value: string | null,
    reason: string,
    review?: ReviewEvidence,
  ) => void;
  gates: Gate[];
}

/** An outage follows onError, an empty answer onNoData; both are "evidence missing". */
function readMissing(reading: Reading, outcome: { status: 'unavailable' | 'no-data'; reason: string }): void {
  const { fact, rule, asked, row } = reading;
  const missing =
    outcome.status === 'unavailable'
      ? ({
          key: 'onError',
          choice: rule.onError,
          status: 'unavailable',
          id: 'source-unavailable',
          title: 'unavailable',
        } as const)
      : ({
          key: 'onNoData',
          choice: rule.onNoData,
          status: 'degraded',
          id: 'source-no-data',
          title: 'has no data',
        } as const);
  const level = missingLevel(missing.choice, rule.required);
  row(missing.status, null, `${outcome.reason}${level === null ? ` (${missing.key}: ignore)` : ''}`);
  if (level !== null)
    reading.gates.push(
      gate(
        missing.id,
        level,
        `Source ${fact.name} ${missing.title}`,
        `${outcome.reason}${asked}; ${missing.key}: ${missing.choice}${rule.required ? ', required' : ''}.`,
      ),
    );
}

function readMetric(reading: Reading, outcome: { value: number; detail: string }, risky: boolean): void {
  const { fact, rule, asked, row } = reading;
  const value = formatNumber(outcome.value);
  // A non-finite value reaches here only when the source treats it as a breach (nonFinite).
  const finite = Number.isFinite(outcome.value);
  const above = rule.max !== undefined && outcome.value > rule.max;
  const below = rule.min !== undefined && outcome.value < rule.min;
  if (finite && !above && !below) {
    row('ok', value, `within threshold (${thresholdText(rule)})`);
    return;
  }
  const breach = !finite
    ? `${value} is not a finite number, a breach of ${thresholdText(rule)}`
    : above
      ? `${value} is above max ${formatNumber(rule.max ?? 0)}`
      : `${value} is below min ${formatNumber(rule.min ?? 0)}`;
  if (rule.role === 'load' && !risky) {
    row('ok', value, `${breach}, but the change is not risky`);
    return;
  }
  row('ok', value, `${breach}${outcome.detail === '' ? '' : ` (${outcome.detail})`}`);
  reading.gates.push(
    rule.role === 'load'
      ? gate(
          'source-load',
          'wait',
          `High load: ${fact.name}`,
          `${breach}${asked}; risky changes wait until load drops.`,
        )
      : gate(
          'source-unhealthy',
          'wait',
          `Unhealthy production: ${fact.name}`,
          `${breach}${asked}; deploys wait until it recovers.`,
        ),
  );
}

function readAlerts(reading: Reading, outcome: { firing: AlertFact[] }): void {
  const { fact, row } = reading;
  const names = [...new Set(outcome.firing.map((alert) => alert.name))].sort();
  if (names.length === 0) {
    row('ok', '0 firing', 'no matching alert is firing');
    return;
  }
  const list =
    names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', ');
  row('ok', `${outcome.firing.length} firing: ${list}`, `${outcome.firing.length} matching alert(s) firing`);
  reading.gates.push(
    gate(
      'source-alerts',
      'wait',
      `Alerts firing: ${list}`,
      `${outcome.firing.length} alert(s) matching ${fact.query ?? 'the filter'} are firing in ${fact.name}; deploys wait until they resolve.`,
    ),
  );
}

function readCi(reading: Reading, outcome: { ci: CiFact }): void {
  const { fact, rule, row } = reading;
  const ci = outcome.ci;
  const rate = ci.runs === 0 ? null : ci.succeeded / ci.runs;
  const rateText =
    rate === null
      ? 'no completed runs'
      : `${ci.succeeded}/${ci.runs} main-branch runs succeeded (${Math.round(rate * 100)}%)`;
  const value = `${rateText}; target ${ci.target}`;
  const low = rate !== null && rate < (rule.minSuccessRate ?? 0.9);
  row(
    rate === null ? 'degraded' : 'ok',
    value,
    [
      low ? `below minSuccessRate ${rule.minSuccessRate ?? 0.9}` : 'CI evidence read',
      ...(ci.notes ?? []),
    ].join('; '),
    ci.review,
  );
  if (ci.target === 'failure')
    reading.gates.push(
      gate(
        'ci-target-failing',
        'block',
        `Target commit fails CI (${fact.name})`,
        `${ci.targetDetail ?? 'CI reports a failure for the target commit'}.`,
      ),
    );
  else if (ci.target === 'pending')
    reading.gates.push(
      gate(
        'ci-target-pending',
        'wait',
        `Target commit CI still running (${fact.name})`,
        `${ci.targetDetail ?? 'CI has not finished for the target commit'}; wait for it.`,
      ),
    );
  if (low)
    reading.gates.push(
      gate(
        'ci-main-unhealthy',
        'wait',
        `Main branch CI unhealthy (${fact.name})`,
        `${rateText}, below minSuccessRate ${rule.minSuccessRate ?? 0.9}.`,
      ),
    );
  if (rate === null) {
    const level = missingLevel(rule.onNoData, rule.required);
    if (level !== null)
      reading.gates.push(
        gate(
          'source-no-data',
          level,
          `Source ${fact.name} has no data`,
          `No completed ${fact.query ?? ''} runs; onNoData: ${rule.onNoData}.`,
        ),
      );
  }
}

/** Turns the collected facts into the plan's source rows and the gates they fire. */
export function assessSources(
  policy: SourcesPolicy,
  facts: readonly SourceFacts[],
  risky: boolean,
): SourcesAssessment {
  const rules = rulesOf(policy);
  const results: SourceResult[] = [];
  const gates: Gate[] = [];
  for (const fact of facts) {
    const rule = rules.get(fact.name) ?? { onError: 'wait', onNoData: 'wait', required: false };
    const row = (
      status: SourceResult['status'],
      value: string | null,
      reason: string,
      review?: ReviewEvidence,
    ): void => {
      results.push({
        name: fact.name,
        kind: fact.kind,
        status,
        latencyMs: fact.latencyMs,
        query: fact.query,
        value,
        reason,
        ...(review === undefined ? {} : { review }),
      });
    };
    const outcome = fact.outcome;
    // Gate titles name the source, and reasons its whole query: the summary shows the first gate's
    // title and reason, and a reader must be able to tell which of several similar queries fired.
    const asked = fact.query === null ? '' : ` (query ${fact.query})`;
    const reading: Reading = { fact, rule, asked, row, gates };
    switch (outcome.status) {
      case 'skipped': {
        row('skipped', null, outcome.reason);
        if (rule.required)
          gates.push(
            gate(
              'source-skipped',
              'inconclusive',
              `Required source ${fact.name} not asked`,
              `${outcome.reason}${asked}; it is required.`,
            ),
          );
        break;
      }
      case 'unavailable':
      case 'no-data':
        readMissing(reading, outcome);
        break;
      case 'metric':
        readMetric(reading, outcome, risky);
        break;
      case 'alerts':
        readAlerts(reading, outcome);
        break;
      case 'ci':
        readCi(reading, outcome);
        break;
    }
  }
  return { results, gates };
}

function thresholdText(rule: SourceRule): string {
  const parts: string[] = [];
  if (rule.min !== undefined) parts.push(`min ${formatNumber(rule.min)}`);
  if (rule.max !== undefined) parts.push(`max ${formatNumber(rule.max)}`);
  return parts.join(', ');
}
