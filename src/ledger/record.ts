import { z } from 'zod';

/** Record types (SPEC 7). `void` takes the record its `corrects` names out of effect (docs/audit.md). */
export const RECORD_TYPES = [
  'plan',
  'override',
  'started',
  'succeeded',
  'failed',
  'rolled-back',
  'void',
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
export const DEPLOY_EVENTS = ['started', 'succeeded', 'failed', 'rolled-back'] as const;
export type DeployEvent = (typeof DEPLOY_EVENTS)[number];
/** Where `ledger import` found a past deploy. */
export const IMPORT_SOURCES = ['tag', 'github-deployment', 'github-release', 'gitlab-deployment'] as const;
export type ImportSource = (typeof IMPORT_SOURCES)[number];

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * What a deploy shipped, stored in its record (docs/audit.md, "Deploy traits"). Checked by hand rather
 * than by a zod schema: a ledger holds thousands of commit ids in them, and zod's per-element checks
 * were most of the cost of reading one (~45 ms of a plan on 500 records).
 */
export interface DeployTraits {
  /** Digest of the policy parts that decided zones, code lines, AI share and hotfix links. */
  classifier: string;
  /**
   * The commit of the env's deploy before it that took, when these were counted (null: none). A later
   * void, correction or backdated record changes what came before, and then the traits no longer hold.
   */
  after: string | null;
  /** The commits this deploy shipped first, newest first. */
  shipped: string[];
  /** Lines added and deleted outside low-risk paths, and those of them in AI-assisted commits. */
  lines: number;
  aiLines: number;
  /** The risk zones touched, by name, sorted. */
  zones: string[];
  /** Reverts it shipped: `by` (shipped here) reverted `reverted`, committed `at`, matched `how`. */
  reverts: Array<{ by: string; reverted: string; at: string; how: 'sha' | 'subject' | 'pull-request' }>;
  /** Fix commits it shipped (`by`, committed `at`) and the commits whose lines each changed (SZZ). */
  fixes: Array<{ by: string; at: string; induced: string[] }>;
}

const TRAIT_KEYS = ['classifier', 'after', 'shipped', 'lines', 'aiLines', 'zones', 'reverts', 'fixes'];
const HOW = new Set(['sha', 'subject', 'pull-request']);

function exactKeys(value: unknown, keys: readonly string[]): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}

const isSha = (value: unknown) => typeof value === 'string' && SHA.test(value);
const isCount = (value: unknown) => Number.isInteger(value) && (value as number) >= 0;

function isDeployTraits(value: unknown): boolean {
  if (!exactKeys(value, TRAIT_KEYS)) return false;
  const { classifier, after, shipped, lines, aiLines, zones, reverts, fixes } = value;
  return (
    typeof classifier === 'string' &&
    /^[0-9a-f]{16}$/.test(classifier) &&
    (after === null || isSha(after)) &&
    Array.isArray(shipped) &&
    shipped.every(isSha) &&
    isCount(lines) &&
    isCount(aiLines) &&
    Array.isArray(zones) &&
    zones.every((zone) => typeof zone === 'string') &&
    Array.isArray(reverts) &&
    reverts.every(
      (link) =>
        exactKeys(link, ['by', 'reverted', 'at', 'how']) &&
        isSha(link.by) &&
        isSha(link.reverted) &&
        typeof link.at === 'string' &&
        HOW.has(link.how as string),
    ) &&
    Array.isArray(fixes) &&
    fixes.every(
      (fix) =>
        exactKeys(fix, ['by', 'at', 'induced']) &&
        isSha(fix.by) &&
        typeof fix.at === 'string' &&
        Array.isArray(fix.induced) &&
        fix.induced.every(isSha),
    )
  );
}

/** One ledger record: stored as canonical JSON, one per commit on the ledger ref. */
const buildRecordSchema = (sha = z.string().regex(SHA, 'expected a full commit id')) =>
  z.strictObject({
    schema: z.literal('deployadvisor.record/1'),
    /** 1, 2, 3, ... with no gaps. */
    seq: z.number().int().min(1),
    /** sha256 of the canonical JSON of this record without `id`. */
    id: z.string().regex(/^[0-9a-f]{64}$/),
    /** `id` of the previous record; null for the first. */
    prev: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable(),
    type: z.enum(RECORD_TYPES),
    env: z.string().min(1),
    /** The commit deployed or planned. */
    sha,
    /** The base of the plan's range (what was deployed before), when known. */
    base: sha.nullable(),
    /** When it happened (ISO-8601 UTC). */
    at: z.string(),
    /** True when `record --at` put a past event in afterwards. */
    backfilled: z.boolean(),
    /** When it was written. */
    recordedAt: z.string(),
    actor: z.strictObject({
      name: z.string(),
      email: z.string(),
      /** CI user, when run in CI (GITHUB_ACTOR, GITLAB_USER_LOGIN, CIRCLE_USERNAME). */
      ci: z.string().nullable(),
    }),
    ciRunUrl: z.string().nullable(),
    /** For plan and override records. */
    plan: z
      .strictObject({
        verdict: z.enum(['GO', 'WAIT', 'BLOCK', 'INCONCLUSIVE']),
        /** The verdict before an override. */
        overriddenFrom: z.enum(['WAIT', 'BLOCK']).nullable(),
        score: z.number(),
        factors: z.array(
          z.strictObject({ id: z.string(), points: z.number(), max: z.number(), summary: z.string() }),
        ),
        gates: z.array(z.strictObject({ id: z.string(), level: z.string(), title: z.string() })),
        policyBlob: z.string().nullable(),
        policySource: z.string(),
        inputsDigest: z.string(),
        sources: z.array(z.strictObject({ name: z.string(), status: z.string() })),
      })
      .nullable(),
    /** The plan record (id) a deploy event belongs to. */
    planId: z.string().nullable(),
    /** Required for overrides, failures, rollbacks and voids. */
    reason: z.string().nullable(),
    /** For an outcome `verify --record` wrote: the id of the `started` record of the deploy it judged. */
    deployId: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    /** For an outcome `verify --record` wrote: what the metrics said (docs/verify.md). */
    verification: z
      .strictObject({
        verdict: z.enum(['PASS', 'FAIL']),
        window: z.strictObject({ from: z.string(), to: z.string() }),
        metrics: z.array(
          z.strictObject({
            name: z.string(),
            status: z.string(),
            baseline: z.number().nullable(),
            after: z.number().nullable(),
            relativeShift: z.number().nullable(),
            p: z.number().nullable(),
          }),
        ),
      })
      .optional(),
    /**
     * The `id` of the record this one corrects: a `void` takes it out of effect, a deploy event
     * (`record --corrects`) stands in its place. Absent in records that correct nothing.
     */
    corrects: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    /**
     * 128 random bits drawn when the record is first appended, kept when it is re-appended: two clones
     * recording the same event in the same second still write two records. Absent in records written
     * before it existed, which verify as they are.
     */
    nonce: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
    /** The policy's service (monorepos) the record is about; absent: the repository as a whole. */
    service: z.string().min(1).optional(),
    /**
     * Set by `ledger import`: where the deploy was found and its id there (tag name, deployment or
     * release id), the key that makes a second import add nothing.
     */
    imported: z.strictObject({ source: z.enum(IMPORT_SOURCES), id: z.string().min(1) }).optional(),
    /**
     * What the deploy shipped, as the history factor compares it, stored when the event is recorded or
     * imported so a plan reads it here instead of asking git for every past deploy's line counts
     * (docs/audit.md). Absent in records written before it existed: those are read from git.
     */
    traits: z.custom<DeployTraits>(isDeployTraits, 'expected deploy traits (docs/audit.md)').optional(),
  });
let built: ReturnType<typeof buildRecordSchema> | undefined;

/**
 * The record schema, built on first use: zod schemas take milliseconds to build, and a plan with no
 * ledger, or whose records come from the records cache, validates none.
 */
export function recordSchema(): ReturnType<typeof buildRecordSchema> {
  built ??= buildRecordSchema();
  return built;
}
export type LedgerRecord = z.infer<ReturnType<typeof buildRecordSchema>>;
export type RecordBody = Omit<LedgerRecord, 'id' | 'seq' | 'prev'>;

/** JSON with sorted keys and no insignificant whitespace: the same record always has the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Strings that look like credentials never reach a record (GitHub, GitLab, Slack, AWS, OpenAI, npm, JWTs, ...). */
const SECRETS: readonly RegExp[] = [
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|sk-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{30,})\b/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g,
  /(?<=\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /(?<=\b(?:token|access_token|private_token|api_key|apikey|secret|password|passwd|aws_secret_access_key|client_secret)\s*[=:]\s*["']?)[^\s&"']+/gi,
  /(?<=:\/\/[^/\s:@]+:)[^@\s]+(?=@)/g,
];

export function redact(text: string): string {
  return SECRETS.reduce((out, pattern) => out.replace(pattern, '[redacted]'), text);
}

export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}
