// Hyperband's bracket schedule as MO-BOHB runs it (docs/methods.md#mobohb-brackets, hpbandster's
// get_next_iteration), and the budgets a stage trains with and records (docs/methods.md#mobohb-budgets, docs/methods.md#mobohb-sampler, docs/methods.md#odd-16–17).
import type { MobohbVariant } from './types.ts';

/** One successive-halving bracket. */
export interface BracketPlan {
  /** bracket index t (0 = the initial design when init is on) */
  index: number;
  /** number of halvings s (stages = s + 1) */
  s: number;
  /** configurations per stage */
  ns: number[];
  /** budget of every stage, in the problem's units (before any rounding, see trainingBudget) */
  budgets: number[];
  /** the initial-design bracket: N_init random configurations at the maximum budget */
  init: boolean;
}

/**
 * Number of rungs S = -int(ln(min/max) / ln eta) + 1.
 * 'fixed' tolerates rounding in the logarithms (max/min = eta^k gives k + 1 rungs even when
 * ln(min/max)/ln(eta) evaluates to -(k - 1e-16)); 'paper' truncates as Python's int() does.
 */
export function numRungs(minBudget: number, maxBudget: number, eta: number, variant: MobohbVariant): number {
  const r = Math.log(minBudget / maxBudget) / Math.log(eta);
  return variant === 'paper' ? -Math.trunc(r) + 1 : Math.floor(-r + 1e-9) + 1;
}

/** The rung budgets max · eta^-(S-1), ..., max · eta^0, smallest first. */
export function rungBudgets(rungs: number, maxBudget: number, eta: number): number[] {
  return Array.from({ length: rungs }, (_, i) => maxBudget * Math.pow(eta, -(rungs - 1 - i)));
}

/**
 * Bracket t of the schedule. With `init`, bracket 0 is one stage of nInit configurations at the
 * maximum budget (the paper hard-codes 25 = its maximum budget, docs/methods.md#odd-17) and consumes index 0.
 * Otherwise s = S - 1 - (t mod S), n0 = int(floor(S / (s + 1)) · eta^s),
 * ns[i] = max(int(n0 · eta^-i), 1), budgets = the last s + 1 rung budgets.
 */
export function bracketPlan(t: number, rungs: number, maxBudget: number, eta: number, init: boolean, nInit: number): BracketPlan {
  if (init && t === 0) return { index: 0, s: 0, ns: [nInit], budgets: [maxBudget], init: true };
  const s = rungs - 1 - (t % rungs);
  const n0 = Math.trunc(Math.floor(rungs / (s + 1)) * Math.pow(eta, s));
  const ns = Array.from({ length: s + 1 }, (_, i) => Math.max(Math.trunc(n0 * Math.pow(eta, -i)), 1));
  const all = rungBudgets(rungs, maxBudget, eta);
  return { index: t, s, ns, budgets: all.slice(rungs - 1 - s), init: false };
}

/**
 * The budget a stage's trials are run with, within [minBudget, maxBudget]:
 *  - 'paper': the worker's int() truncation (6.25 -> 6, 12.5 -> 12, 25 -> 25), raised to
 *    minBudget if truncation falls below it (not an issue for the paper's 5..25 epochs).
 *  - 'fixed' (docs/methods.md#odd-16): with integer budgets (epochs), the ceiling, which is also what the model
 *    records (7, 13, 25, the same ladder as SH-EMOA's); with real budgets, the budget itself.
 */
export function trainingBudget(b: number, variant: MobohbVariant, integerBudgets: boolean, minBudget: number, maxBudget: number): number {
  let v: number;
  if (variant === 'paper') v = Math.trunc(b);
  else v = integerBudgets ? Math.ceil(b - 1e-9) : b;
  return Math.min(maxBudget, Math.max(minBudget, v));
}

/**
 * The budget under which the config generator files a result (docs/methods.md#mobohb-sampler): 'paper' min(ceil(b), 50)
 * of the scheduled budget b (7, 13, 25 while 6, 12, 25 epochs were trained); 'fixed' the
 * budget the trial actually ran with.
 */
export function historyBudget(b: number, variant: MobohbVariant, trained: number): number {
  return variant === 'paper' ? Math.min(Math.ceil(b), 50) : trained;
}
