/**
 * L2-regularised logistic regression for learning how much each risk factor contributes to deploy failure.
 *
 * Method: Newton's method (IRLS) from β = 0 with a backtracking (Armijo) line search, solving the small
 * (d+1)×(d+1) Newton system by Gaussian elimination with partial pivoting. With d ≲ 10 features one
 * iteration is a single O(n·d²) pass, and Newton converges in a handful of iterations to machine
 * precision, so the fit is fast, exact and deterministic (no random starts, no learning rate). It stops
 * when the Newton decrement gᵀH⁻¹g — a measure of distance to the optimum that does not depend on feature
 * units — is negligible, after one last full step.
 *
 * With `nonNegative`, this is projected Newton (Bertsekas): coefficients sitting at 0 whose gradient pushes
 * them negative are held at 0, the Newton step is taken in the remaining free variables, and the step is
 * projected back onto w ≥ 0 along the line search. Each line-searched step decreases the objective, and the result
 * satisfies the bound-constrained optimality (KKT) conditions. The intercept is never constrained.
 *
 * Pure: no clock, no randomness.
 */

/** A fitted model: log-odds = intercept + Σ coefficients[j]·x[j]. */
export interface LogisticModel {
  intercept: number;
  coefficients: number[];
  /** Newton iterations taken. */
  iterations: number;
  /** Whether the optimality conditions were met within the iteration budget. */
  converged: boolean;
}

/** Options for {@link fitLogistic}. */
export interface LogisticOptions {
  /**
   * Strength of the Gaussian prior on the coefficients: the penalty (l2/2)·Σw² is added to the SUMMED
   * negative log-likelihood, so it acts like a N(0, 1/l2) prior whose influence fades as data grows. The
   * intercept is not penalised. Must be >= 0; with 0 and separable data there is no finite optimum and the
   * coefficients grow until the remaining loss is negligible.
   */
  l2: number;
  /** Constrain every coefficient to be >= 0 (features are risk factors; a risk must not lower the score). */
  nonNegative?: boolean;
  /** Newton iteration cap (default 100; convergence normally takes under 15). */
  iterations?: number;
  /**
   * A fixed log-odds per row added to the linear predictor (a prior model's prediction): the fit then
   * learns the departure from it, and the L2 penalty shrinks toward that prior instead of toward 0.
   */
  offsets?: ArrayLike<number>;
}

const DEFAULT_ITERATIONS = 100;
/** Stop when half the Newton decrement (predicted remaining decrease) is below this, relative to the objective. */
const DECREMENT_TOLERANCE = 1e-12;
/** A line search that cannot move still counts as converged if the decrement is below this. */
const STALLED_TOLERANCE = 1e-8;
/** Armijo sufficient-decrease constant. */
const ARMIJO = 1e-4;
const MAX_HALVINGS = 60;
/** Relative ridge on the unit-diagonal Newton system. */
const RIDGE = 1e-12;

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** The data of one fit, flattened: n rows × d features in `x`, p = d + 1 parameters (0 is the intercept). */
interface Problem {
  n: number;
  d: number;
  p: number;
  x: Float64Array;
  y: Float64Array;
  offsets: ArrayLike<number> | undefined;
  l2: number;
  nonNegative: boolean;
}

function checkInput(n: number, labels: ArrayLike<boolean>, options: LogisticOptions, maxIterations: number) {
  const { l2, offsets } = options;
  if (offsets !== undefined && offsets.length !== n)
    throw new RangeError(`fitLogistic: ${n} rows but ${offsets.length} offsets`);
  if (labels.length !== n) throw new RangeError(`fitLogistic: ${n} rows but ${labels.length} labels`);
  if (!Number.isFinite(l2) || l2 < 0) throw new RangeError(`fitLogistic: l2 must be >= 0, got ${l2}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new RangeError(`fitLogistic: iterations must be a non-negative integer, got ${maxIterations}`);
  }
}

/** Copies the rows into one flat array: fast to scan, and validated once. */
function flatten(rows: ReadonlyArray<ArrayLike<number>>, labels: ArrayLike<boolean>, d: number) {
  const n = rows.length;
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (row?.length !== d) {
      throw new RangeError(`fitLogistic: row ${i} has ${row?.length} features, not ${d}`);
    }
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (v === undefined || !Number.isFinite(v)) {
        throw new RangeError(`fitLogistic: row ${i} feature ${j} is not a finite number`);
      }
      x[i * d + j] = v;
    }
    if (labels[i] === true) {
      y[i] = 1;
      positives++;
    }
  }
  return { x, y, positives };
}

/** The penalised negative log-likelihood at `b`, given its linear predictor. */
function objective({ n, p, y, l2 }: Problem, b: Float64Array, linear: Float64Array): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const e = linear[i] ?? 0;
    loss += y[i] === 1 ? softplus(-e) : softplus(e);
  }
  let penalty = 0;
  for (let j = 1; j < p; j++) penalty += (b[j] ?? 0) ** 2;
  return loss + (l2 / 2) * penalty;
}

/** The linear predictor of every row at `b`, into `out`. */
function predictor({ n, d, x, offsets }: Problem, b: Float64Array, out: Float64Array): void {
  const b0 = b[0] ?? 0;
  for (let i = 0; i < n; i++) {
    let e = b0 + (offsets?.[i] ?? 0);
    const base = i * d;
    for (let j = 0; j < d; j++) e += (b[j + 1] ?? 0) * (x[base + j] ?? 0);
    out[i] = e;
  }
}

/** Gradient and Hessian of the penalised negative log-likelihood, over [1, x], into `grad` and `hess`. */
function derivatives(
  { n, d, p, x, y, l2 }: Problem,
  beta: Float64Array,
  eta: Float64Array,
  grad: Float64Array,
  hess: Float64Array,
): void {
  grad.fill(0);
  hess.fill(0);
  for (let i = 0; i < n; i++) {
    const mu = 1 / (1 + Math.exp(-(eta[i] ?? 0)));
    const r = mu - (y[i] ?? 0);
    const w = mu * (1 - mu);
    const base = i * d;
    grad[0] = (grad[0] ?? 0) + r;
    hess[0] = (hess[0] ?? 0) + w;
    for (let j = 0; j < d; j++) {
      const xj = x[base + j] ?? 0;
      grad[j + 1] = (grad[j + 1] ?? 0) + r * xj;
      const wx = w * xj;
      hess[j + 1] = (hess[j + 1] ?? 0) + wx; // row 0 (intercept × feature)
      const rowOffset = (j + 1) * p;
      for (let k = 0; k <= j; k++) {
        hess[rowOffset + k + 1] = (hess[rowOffset + k + 1] ?? 0) + wx * (x[base + k] ?? 0);
      }
    }
  }
  for (let j = 1; j < p; j++) {
    grad[j] = (grad[j] ?? 0) + l2 * (beta[j] ?? 0);
    hess[j * p + j] = (hess[j * p + j] ?? 0) + l2;
  }
  for (let j = 1; j < p; j++) {
    hess[j * p] = hess[j] ?? 0; // row 0 (intercept × feature) into column 0
    for (let k = j + 1; k < p; k++) hess[j * p + k] = hess[k * p + j] ?? 0; // mirror the lower triangle
  }
}

/**
 * Backtracking along the (projected) Newton path β(t) = P(β − t·step). Moves `beta` and `eta` and returns
 * the new objective, or null when no representable step decreases it.
 */
function backtrack(
  problem: Problem,
  current: { beta: Float64Array; eta: Float64Array; value: number },
  grad: Float64Array,
  step: Float64Array,
  /** Room for the trial point and its linear predictor (p and n long), reused across iterations. */
  scratch: { trial: Float64Array; trialEta: Float64Array },
): number | null {
  const { p, nonNegative } = problem;
  const { beta, eta, value } = current;
  const { trial, trialEta } = scratch;
  let t = 1;
  for (let halving = 0; halving <= MAX_HALVINGS; halving++, t /= 2) {
    let change = 0; // gᵀ(β(t) − β), negative for a descent step
    let largest = 0;
    for (let j = 0; j < p; j++) {
      let b = (beta[j] ?? 0) - t * (step[j] ?? 0);
      if (nonNegative && j > 0 && b < 0) b = 0;
      trial[j] = b;
      const delta = b - (beta[j] ?? 0);
      change += (grad[j] ?? 0) * delta;
      largest = Math.max(largest, Math.abs(delta));
    }
    if (largest === 0) break; // the step has shrunk to nothing representable
    predictor(problem, trial, trialEta);
    const next = objective(problem, trial, trialEta);
    if (next <= value + ARMIJO * change) {
      beta.set(trial);
      eta.set(trialEta);
      return next;
    }
  }
  return null;
}

/**
 * Fits an L2-regularised logistic regression of `labels` on `rows` (n rows × d features; all rows the same
 * length). Deterministic: starts from all zeros. If every label is the same class the likelihood has no
 * finite optimum, so the model is intercept-only with coefficients 0 and the intercept is the log-odds of
 * the class rate with a 0.5 continuity correction (finite, and the right sign).
 */
export function fitLogistic(
  rows: ReadonlyArray<ArrayLike<number>>,
  labels: ArrayLike<boolean>,
  options: LogisticOptions,
): LogisticModel {
  const { l2, nonNegative = false, iterations: maxIterations = DEFAULT_ITERATIONS, offsets } = options;
  const n = rows.length;
  checkInput(n, labels, options, maxIterations);
  const d = rows[0]?.length ?? 0;
  const p = d + 1; // parameter 0 is the intercept
  const { x, y, positives } = flatten(rows, labels, d);

  if ((positives === 0 || positives === n) && offsets === undefined) {
    return {
      intercept: Math.log((positives + 0.5) / (n - positives + 0.5)),
      coefficients: new Array<number>(d).fill(0),
      iterations: 0,
      converged: true,
    };
  }
  const problem: Problem = { n, d, p, x, y, offsets, l2, nonNegative };

  const beta = new Float64Array(p);
  const eta = new Float64Array(n); // current linear predictor
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  const step = new Float64Array(p);
  const scratch = { trial: new Float64Array(p), trialEta: new Float64Array(n) };
  const free = new Uint8Array(p);

  if (offsets !== undefined) for (let i = 0; i < n; i++) eta[i] = offsets[i] ?? 0;
  let value = objective(problem, beta, eta); // eta matches beta = 0 (the offsets alone)
  let iteration = 0;
  let converged: boolean;
  for (;;) {
    derivatives(problem, beta, eta, grad, hess);

    // Free variables: all, except (with nonNegative) coefficients held at 0 by a gradient pushing them below.
    for (let j = 0; j < p; j++) {
      const atBound = nonNegative && j > 0 && (beta[j] ?? 0) <= 0;
      free[j] = atBound && (grad[j] ?? 0) > 0 ? 0 : 1;
    }
    newtonStep(hess, grad, free, p, step);

    // Newton decrement gᵀH⁻¹g (over the free variables): twice the predicted distance to the optimum of the
    // objective, invariant to feature scaling. Zero exactly when the (bound-constrained) optimum is reached.
    let decrement = 0;
    for (let j = 0; j < p; j++) decrement += (grad[j] ?? 0) * (step[j] ?? 0);
    const small = decrement / 2 <= DECREMENT_TOLERANCE * Math.max(1, Math.abs(value));
    if (decrement <= 0 || iteration >= maxIterations) {
      converged = small;
      break;
    }
    iteration++;
    if (small) {
      // Converged, but take this last full step anyway: deep in Newton's quadratic regime it squares the
      // remaining error, leaving the optimum to rounding. It is taken without a line search because the
      // decrease it makes is below what the summed objective can resolve in floating point.
      for (let j = 0; j < p; j++) {
        const b = (beta[j] ?? 0) - (step[j] ?? 0);
        beta[j] = nonNegative && j > 0 && b < 0 ? 0 : b;
      }
      converged = true;
      break;
    }
    const next = backtrack(problem, { beta, eta, value }, grad, step, scratch);
    // No representable step decreases the objective: we are at the optimum to floating-point precision,
    // or (only conceivable with nonNegative) stuck; report convergence honestly by the decrement.
    if (next === null) {
      converged = decrement / 2 <= STALLED_TOLERANCE * Math.max(1, Math.abs(value));
      break;
    }
    value = next;
  }

  return {
    intercept: beta[0] ?? 0,
    coefficients: Array.from(beta.subarray(1)),
    iterations: iteration,
    converged,
  };
}

/**
 * Solves H_FF·s_F = g_F for the free variables (s = 0 elsewhere) by Gaussian elimination with partial
 * pivoting, after scaling H to unit diagonal. A tiny ridge on that diagonal keeps a numerically singular
 * system (a constant or duplicated feature with l2 = 0) solvable; it only perturbs the direction, not the
 * point where the gradient vanishes.
 */
function newtonStep(hess: Float64Array, grad: Float64Array, free: Uint8Array, p: number, out: Float64Array) {
  const index: number[] = [];
  for (let j = 0; j < p; j++) if (free[j] === 1) index.push(j);
  const m = index.length;
  // Jacobi scaling (unit diagonal) makes the solve, and the ridge, independent of feature units.
  const scale = new Float64Array(m);
  for (let r = 0; r < m; r++) {
    const jr = index[r] ?? 0;
    const diag = hess[jr * p + jr] ?? 0;
    scale[r] = diag > 0 ? 1 / Math.sqrt(diag) : 1;
  }

  // Augmented matrix [S·H_FF·S + ridge·I | S·g_F], m × (m + 1).
  const w = m + 1;
  const a = new Float64Array(m * w);
  for (let r = 0; r < m; r++) {
    const jr = index[r] ?? 0;
    const sr = scale[r] ?? 1;
    for (let c = 0; c < m; c++) a[r * w + c] = sr * (hess[jr * p + (index[c] ?? 0)] ?? 0) * (scale[c] ?? 1);
    a[r * w + r] = (a[r * w + r] ?? 0) + RIDGE;
    a[r * w + m] = sr * (grad[jr] ?? 0);
  }
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++) {
      if (Math.abs(a[r * w + col] ?? 0) > Math.abs(a[pivot * w + col] ?? 0)) pivot = r;
    }
    if (pivot !== col) {
      for (let c = col; c < w; c++) {
        const tmp = a[col * w + c] ?? 0;
        a[col * w + c] = a[pivot * w + c] ?? 0;
        a[pivot * w + c] = tmp;
      }
    }
    const diag = a[col * w + col] ?? 0;
    if (diag === 0) continue; // cannot happen with the ridge; leaves this direction at 0
    for (let r = col + 1; r < m; r++) {
      const factor = (a[r * w + col] ?? 0) / diag;
      if (factor === 0) continue;
      for (let c = col; c < w; c++) a[r * w + c] = (a[r * w + c] ?? 0) - factor * (a[col * w + c] ?? 0);
    }
  }
  out.fill(0);
  const solved = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = a[r * w + m] ?? 0;
    for (let c = r + 1; c < m; c++) s -= (a[r * w + c] ?? 0) * (solved[c] ?? 0);
    const diag = a[r * w + r] ?? 0;
    solved[r] = diag === 0 ? 0 : s / diag;
  }
  for (let r = 0; r < m; r++) out[index[r] ?? 0] = (scale[r] ?? 1) * (solved[r] ?? 0);
}

/** The model's log-odds for one row (apply the logistic function for a probability). */
export function predictLogit(
  model: Pick<LogisticModel, 'intercept' | 'coefficients'>,
  row: ArrayLike<number>,
): number {
  const { intercept, coefficients } = model;
  if (row.length < coefficients.length) {
    throw new RangeError(`predictLogit: row has ${row.length} features, model has ${coefficients.length}`);
  }
  let logit = intercept;
  for (let j = 0; j < coefficients.length; j++) logit += (coefficients[j] ?? 0) * (row[j] ?? 0);
  return logit;
}
