#!/usr/bin/env node
// Fits the shipped prior (src/assess/risk-prior.ts) on the public histories in model/corpus.json.
//
//   npm run build && node scripts/train-prior.mjs --work /tmp/corpus [--source 'https://github.com/{repo}.git']
//
// Each repository is cloned (no checkout) into --work, and `deployadvisor backtest <commit> --format json`
// gives every change's history features and labels (reverted, or hot-fixed within model.hotfixDays by
// SZZ). A logistic regression is fitted on all of them; its honest figure is leave-one-repository-out
// (each repository scored by a model fitted on the others only). Deploy-level figures are calibrated on
// deploy-sized units: each repository's changes grouped by UTC day. Nothing cloned is committed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { fitLogistic, predictLogit, rocAuc, aucInterval, CHANGE_FEATURES } = await import(
  join(root, 'dist/training.cjs')
);

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const work = resolve(flag('--work', '/tmp/deployadvisor-corpus'));
const source = flag('--source', 'https://github.com/{repo}.git');
const dryRun = args.includes('--dry-run');
const corpus = JSON.parse(readFileSync(join(root, 'model/corpus.json'), 'utf8'));
const L2 = 1;
const sigmoid = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const logit = (p) => {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
};
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

mkdirSync(work, { recursive: true });
const histories = [];
for (const entry of corpus.repositories) {
  const dir = join(work, entry.repo.replace('/', '+'));
  if (!existsSync(dir)) {
    const url = source
      .replace('{repo}', entry.repo)
      .replace('{owner}', entry.repo.split('/')[0])
      .replace('{name}', entry.repo.split('/')[1]);
    execFileSync('git', ['clone', '-q', '--no-checkout', url, dir], { stdio: 'inherit' });
  }
  const cached = join(work, `${entry.repo.replace('/', '+')}.backtest.json`);
  if (!existsSync(cached)) {
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'bin/deployadvisor.js'),
        'backtest',
        entry.commit,
        '--repo',
        dir,
        '--format',
        'json',
        '--quiet',
      ],
      { maxBuffer: 1 << 30, encoding: 'utf8' },
    );
    if (run.status !== 0) {
      console.error(`${entry.repo}: backtest failed (${run.status}): ${run.stderr}`);
      process.exit(1);
    }
    writeFileSync(cached, run.stdout);
    console.error(`${entry.repo}: backtest in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const result = JSON.parse(readFileSync(cached, 'utf8'));
  const changes = result.changes.map((c) => ({
    x: CHANGE_FEATURES.map((f) => c.features[f]),
    failed: c.labels.includes('revert') || c.labels.includes('hotfix'),
    revert: c.labels.includes('revert'),
    hotfix: c.labels.includes('hotfix'),
    day: c.at.slice(0, 10),
    linesAdded: c.linesAdded,
  }));
  histories.push({ repo: entry.repo, commit: entry.commit, changes, diagnostics: result.diagnostics });
}

const fit = (list) =>
  fitLogistic(
    list.flatMap((h) => h.changes.map((c) => c.x)),
    list.flatMap((h) => h.changes.map((c) => c.failed)),
    { l2: L2 },
  );

// Leave one repository out: the only figures worth printing about a prior.
const outOfFold = new Map();
const report = [];
for (const held of histories) {
  const model = fit(histories.filter((h) => h !== held));
  const p = held.changes.map((c) => sigmoid(predictLogit(model, c.x)));
  outOfFold.set(held.repo, p);
  const auc = (label) => {
    const labels = held.changes.map((c) => c[label]);
    const value = rocAuc(p, labels);
    const n1 = labels.filter(Boolean).length;
    return { auc: value, interval: aucInterval(value, n1, labels.length - n1), n: n1 };
  };
  const lines = rocAuc(
    held.changes.map((c) => c.linesAdded),
    held.changes.map((c) => c.failed),
  );
  report.push({
    repo: held.repo,
    changes: held.changes.length,
    any: auc('failed'),
    hotfix: auc('hotfix'),
    revert: auc('revert'),
    linesAdded: lines,
  });
}

// Deploy-sized units: a day's changes. logit(P unit) = a + b·logit(1 − Π(1 − pᵢ)), on out-of-fold pᵢ.
const units = [];
for (const h of histories) {
  const p = outOfFold.get(h.repo);
  const byDay = new Map();
  h.changes.forEach((c, i) => {
    const unit = byDay.get(c.day) ?? { none: 1, failed: false, n: 0 };
    unit.none *= 1 - p[i];
    unit.failed ||= c.failed;
    unit.n += 1;
    byDay.set(c.day, unit);
  });
  for (const unit of byDay.values())
    units.push({ repo: h.repo, u: logit(1 - unit.none), failed: unit.failed });
}
const deployFit = fitLogistic(
  units.map((u) => [u.u]),
  units.map((u) => u.failed),
  { l2: 0 },
);
const deploy = { a: deployFit.intercept, b: deployFit.coefficients[0] };
const unitScores = units
  .map((u) => Math.round(100 * sigmoid(deploy.a + deploy.b * u.u)))
  .sort((x, y) => x - y);
const thresholds = {
  riskyAt: quantile(unitScores, 0.87),
  waitAt: quantile(unitScores, 0.95),
  blockAt: quantile(unitScores, 0.99),
};
const unitAuc = rocAuc(
  units.map((u) => u.u),
  units.map((u) => u.failed),
);

const final = fit(histories);
const all = histories.flatMap((h) => h.changes);
const pooledP = histories.flatMap((h) => outOfFold.get(h.repo));
const pooled = rocAuc(
  pooledP,
  all.map((c) => c.failed),
);
const baseRate = all.filter((c) => c.failed).length / all.length;
const coefficients = Object.fromEntries(
  CHANGE_FEATURES.map((f, i) => [f, Number(final.coefficients[i].toFixed(4))]),
);
const day = new Date().toISOString().slice(0, 10);

console.log('Leave-one-repository-out (each scored by a model fitted on the other nine):');
for (const r of report) {
  const fmt = (k) =>
    k.auc === null
      ? 'n/a'
      : `${k.auc.toFixed(3)} [${k.interval[0].toFixed(2)}–${k.interval[1].toFixed(2)}] (${k.n})`;
  console.log(
    `  ${r.repo.padEnd(22)} ${String(r.changes).padStart(6)} changes  any ${fmt(r.any)}  hotfix ${fmt(r.hotfix)}  revert ${fmt(r.revert)}  lines-added ${r.linesAdded?.toFixed(3)}`,
  );
}
console.log(
  `Pooled out-of-fold AUC ${pooled.toFixed(3)}; base rate ${(baseRate * 100).toFixed(1)}% of ${all.length} changes.`,
);
console.log(
  `Day units: ${units.length}, AUC ${unitAuc.toFixed(3)}; calibration a=${deploy.a.toFixed(3)} b=${deploy.b.toFixed(3)}; thresholds ${JSON.stringify(thresholds)}.`,
);
console.log(`Coefficients: ${JSON.stringify(coefficients)} intercept ${final.intercept.toFixed(4)}`);

const text = `import type { RiskPrior } from './risk-model.js';

/**
 * The shipped prior, written by scripts/train-prior.mjs on ${day} from the public histories in
 * model/corpus.json (${histories.length} repositories, ${all.length} changes, ${(baseRate * 100).toFixed(1)}% reverted or hot-fixed
 * within ${corpus.hotfixDays} days). Leave-one-repository-out AUC, pooled: ${pooled.toFixed(3)}. Day units: ${units.length}
 * (AUC ${unitAuc.toFixed(3)}); the 87th/95th/99th percentiles of their scores are ${thresholds.riskyAt}/${thresholds.waitAt}/${thresholds.blockAt}.
 * Do not edit by hand: re-run the script.
 */
export const RISK_PRIOR: RiskPrior = ${JSON.stringify(
  {
    model: { intercept: Number(final.intercept.toFixed(4)), coefficients },
    deploy: { a: Number(deploy.a.toFixed(4)), b: Number(deploy.b.toFixed(4)), units: 'days' },
    hotfixDays: corpus.hotfixDays,
    baseRate: Number(baseRate.toFixed(4)),
    corpus: histories.map((h) => ({ repo: h.repo, commit: h.commit })),
    fittedAt: day,
    crossValidatedAuc: Number(pooled.toFixed(4)),
  },
  null,
  2,
)};

`;
if (!dryRun) {
  writeFileSync(join(root, 'src/assess/risk-prior.ts'), text);
  writeFileSync(
    join(root, 'model/training-report.json'),
    `${JSON.stringify({ fittedAt: day, report, pooled, baseRate, units: units.length, unitAuc, deploy, thresholds }, null, 2)}\n`,
  );
  console.log('Wrote src/assess/risk-prior.ts and model/training-report.json.');
}
