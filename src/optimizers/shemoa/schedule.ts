// SH-EMOA's fidelity schedule: the budget of every rung and the number of steady-state steps
// spent in it (docs/methods.md#shemoa-ladder, docs/methods.md#shemoa-evaluations, docs/methods.md#odd-12–13).

/** Rung budgets (smallest first) and the steps (children) evaluated in each rung. */
export interface ShemoaSchedule {
  /** budget of each rung, increasing; `[undefined]` when the problem has no fidelity */
  readonly budgets: readonly (number | undefined)[];
  /** steps (one child each) per rung, aligned with `budgets` */
  readonly steps: readonly number[];
  /** evaluations the schedule asks for when nothing fails: N + Σ steps + N·(rungs − 1) */
  readonly evaluations: number;
}

function evaluationsOf(populationSize: number, steps: readonly number[]): number {
  return populationSize + steps.reduce((s, x) => s + x, 0) + populationSize * (steps.length - 1);
}

/**
 * The paper's `get_budgets` ladder [AS-IS]: b = bmax, then b = ceil(b / eta) while b > bmin;
 * bmin itself is never a rung (5/25/eta 2 gives [7, 13, 25], docs/methods.md#odd-12).
 * Two guards the reference lacks (it would crash or loop): an empty ladder (bmin >= bmax) is
 * [bmax], and the loop stops once ceil() no longer shrinks b (bmin < 1 would loop forever at 1).
 * @returns rung budgets, smallest first
 */
export function paperBudgets(minBudget: number, maxBudget: number, eta: number): number[] {
  const out: number[] = [];
  let b = maxBudget;
  while (b > minBudget) {
    out.push(b);
    const next = Math.ceil(b / eta);
    if (next >= b) break;
    b = next;
  }
  if (out.length === 0) out.push(maxBudget);
  return out.reverse();
}

/**
 * The paper's steps per rung [AS-IS]: per = ceil((maxEvaluations − N) / Σ_{i<R} eta^i) and rung
 * r (smallest budget first) gets per·eta^(R−1−r) steps. Re-evaluations at rung changes are not
 * counted, and the ceil overshoots, so the run makes more evaluations than asked (docs/methods.md#shemoa-evaluations, docs/methods.md#odd-13):
 * Flowers (N = 100, 15000) [8516, 4258, 2129] → 15203 evaluations.
 */
export function paperSteps(maxEvaluations: number, populationSize: number, eta: number, rungs: number): number[] {
  let sum = 0;
  for (let i = 0; i < rungs; i++) sum += eta ** i;
  const per = Math.max(0, Math.ceil((maxEvaluations - populationSize) / sum));
  // per·eta^i is an integer for the paper's integer eta; round() only matters for a fractional eta
  return Array.from({ length: rungs }, (_, r) => Math.round(per * eta ** (rungs - 1 - r)));
}

/**
 * The repaired ladder (docs/methods.md#odd-12): geometric from bmin to bmax, both included, with
 * R = 1 + floor(log_eta(bmax / bmin)) rungs, so consecutive rungs differ by a factor >= eta
 * (5/25/eta 2: [5, 11.18, 25] → [5, 11, 25]). Interior rungs are rounded to integers when
 * both ends are integers (epochs); rungs that rounding merges are dropped.
 */
export function fixedBudgets(minBudget: number, maxBudget: number, eta: number): number[] {
  if (!(maxBudget > minBudget)) return [maxBudget];
  const rungs = 1 + Math.floor(Math.log(maxBudget / minBudget) / Math.log(eta) + 1e-9);
  if (rungs === 1) return [maxBudget];
  const integral = Number.isInteger(minBudget) && Number.isInteger(maxBudget);
  const out: number[] = [];
  for (let r = 0; r < rungs; r++) {
    let b = r === 0 ? minBudget : r === rungs - 1 ? maxBudget : minBudget * (maxBudget / minBudget) ** (r / (rungs - 1));
    if (integral) b = Math.round(b);
    if (out.length === 0 || b > out[out.length - 1]) out.push(b);
  }
  return out;
}

/**
 * The repaired step allocation (docs/methods.md#odd-13): the run makes exactly `maxEvaluations` evaluations
 * (init and re-evaluations included) when nothing fails. The S = maxEvaluations − N·R steps
 * are shared in proportion to bmax / b_r, i.e. equal compute per rung — which is what the
 * paper's eta^(R−1−r) weights amount to on its own ladder — by largest remainder.
 * @throws RangeError when maxEvaluations < N·R (not even the initial population and one
 *   re-evaluation per rung fit)
 */
export function fixedSteps(maxEvaluations: number, populationSize: number, budgets: readonly (number | undefined)[]): number[] {
  const rungs = budgets.length;
  const total = maxEvaluations - populationSize * rungs;
  if (total < 0) {
    throw new RangeError(
      `SH-EMOA: maxEvaluations = ${maxEvaluations} cannot hold the initial population and its re-evaluation at every rung ` +
        `(populationSize ${populationSize} × ${rungs} rungs = ${populationSize * rungs}); raise maxEvaluations or lower populationSize`,
    );
  }
  const top = budgets[rungs - 1];
  const w = budgets.map((b) => (b === undefined || top === undefined ? 1 : top / b));
  const wsum = w.reduce((s, x) => s + x, 0);
  const exact = w.map((x) => (total * x) / wsum);
  const steps = exact.map(Math.floor);
  let left = total - steps.reduce((s, x) => s + x, 0);
  // largest remainders first; ties to the smaller budget (it is the cheaper one)
  const order = exact.map((x, r) => r).sort((a, b) => exact[b] - steps[b] - (exact[a] - steps[a]) || a - b);
  for (let i = 0; left > 0; i = (i + 1) % rungs, left--) steps[order[i]]++;
  return steps;
}

/** The whole schedule of one variant. `budgets` undefined: the problem has no fidelity (one rung). */
export function shemoaSchedule(
  variant: 'paper' | 'fixed',
  populationSize: number,
  maxEvaluations: number,
  eta: number,
  range: { minBudget: number; maxBudget: number } | undefined,
): ShemoaSchedule {
  const budgets: (number | undefined)[] = range === undefined
    ? [undefined]
    : variant === 'paper' ? paperBudgets(range.minBudget, range.maxBudget, eta) : fixedBudgets(range.minBudget, range.maxBudget, eta);
  const steps = variant === 'paper' ? paperSteps(maxEvaluations, populationSize, eta, budgets.length) : fixedSteps(maxEvaluations, populationSize, budgets);
  return { budgets, steps, evaluations: evaluationsOf(populationSize, steps) };
}
