// MO-SH-BANANAS's successive halving and iteration count (docs/methods.md#mobananas-loop, docs/methods.md#odd-35).

/** What one run does when nothing fails. */
export interface MobananasSchedule {
  /** budgets of the halving rungs, smallest first; `[undefined]` when the problem has no fidelity */
  readonly budgets: readonly (number | undefined)[];
  /** members evaluated in each rung of an iteration (the first = the children chosen) */
  readonly sizes: readonly number[];
  /** members of the last rung that enter the archive */
  readonly survivors: number;
  /** iterations after the initial sample */
  readonly iterations: number;
  /** evaluations of the whole run: nInit + iterations · Σ sizes */
  readonly evaluations: number;
}

/**
 * The halving ladder as coded: b = bmax, then b = ceil(b / eta) while b > bmin, used smallest
 * first (5..25 with eta 3 → [9, 25]; bmin itself is never a rung). With non-integer ends the
 * division is exact instead of ceil ('fixed' only: the reference has epochs). Guards the
 * reference lacks: an empty ladder is [bmax], and the loop stops once b no longer shrinks.
 */
export function halvingBudgets(minBudget: number, maxBudget: number, eta: number, ceil = true): number[] {
  const out: number[] = [];
  let b = maxBudget;
  while (b > minBudget) {
    out.push(b);
    const next = ceil ? Math.ceil(b / eta) : b / eta;
    if (next >= b) break;
    b = next;
  }
  if (out.length === 0) out.push(maxBudget);
  return out.reverse();
}

/**
 * Members per rung, starting from `first` chosen children. 'paper': each rung keeps
 * floor(len / 3) of the sorted members for the next (so a rung may end up empty); 'fixed':
 * floor(len / eta) but at least one.
 */
export function rungSizes(variant: 'paper' | 'fixed', first: number, rungs: number, eta: number): number[] {
  const sizes = [first];
  for (let r = 1; r < rungs; r++) {
    const prev = sizes[r - 1];
    sizes.push(variant === 'paper' ? Math.floor(prev / 3) : Math.max(Math.min(prev, 1), Math.floor(prev / eta)));
  }
  return sizes;
}

/**
 * Members of the last rung that enter the archive: 'paper' cuts to floor(len / 3) after the
 * last rung too (10 → 3 → 1 on [9, 25], docs/methods.md#odd-35); 'fixed' keeps every member evaluated at the
 * top budget.
 */
export function lastRungSurvivors(variant: 'paper' | 'fixed', last: number): number {
  return variant === 'paper' ? Math.floor(last / 3) : last;
}

/**
 * The whole schedule. 'paper': successive halving with eta hard-coded to 3 and the iteration
 * count (functionEvaluations − nInit) // (selectModels // eta) as coded (Fashion: 130 iterations
 * of 13 evaluations = 1700, not 400); 'fixed': halving with `eta`, and as many iterations as
 * fit the total. A plan in which nobody survives the last rung is an error, not a run whose
 * archive never grows. Without successive halving (plain MO-BANANAS) every chosen child is evaluated
 * once at the top budget and all enter the archive; iterations (total − nInit) // selectModels.
 */
export function mobananasSchedule(
  variant: 'paper' | 'fixed',
  o: {
    nInit: number; functionEvaluations: number; selectModels: number; eta: number; successiveHalving: boolean;
    range: { minBudget: number; maxBudget: number } | undefined;
  },
): MobananasSchedule {
  const room = o.functionEvaluations - o.nInit;
  if (!o.successiveHalving) {
    const iterations = Math.floor(room / o.selectModels);
    return {
      budgets: [o.range?.maxBudget],
      sizes: [o.selectModels],
      survivors: o.selectModels,
      iterations,
      evaluations: o.nInit + iterations * o.selectModels,
    };
  }
  const shEta = variant === 'paper' ? 3 : o.eta;
  const budgets: (number | undefined)[] = o.range === undefined
    ? [undefined]
    : halvingBudgets(o.range.minBudget, o.range.maxBudget, shEta,
      variant === 'paper' || (Number.isInteger(o.range.minBudget) && Number.isInteger(o.range.maxBudget)));
  const sizes = rungSizes(variant, o.selectModels, budgets.length, shEta);
  const survivors = lastRungSurvivors(variant, sizes[sizes.length - 1]);
  if (survivors < 1) {
    throw new RangeError(
      `MO-SH-BANANAS ('${variant}'): successive halving of ${o.selectModels} chosen children over the rungs [${budgets.join(', ')}] ` +
        `keeps [${sizes.join(', ')}] and then ${survivors}, so no member would ever enter the archive; ` +
        `use fewer rungs (a larger minBudget: the paper's range is 5..25 epochs) or a larger selectModels`,
    );
  }
  const perIteration = sizes.reduce((a, b) => a + b, 0);
  const iterations = variant === 'paper' ? Math.floor(room / Math.floor(o.selectModels / o.eta)) : Math.floor(room / perIteration);
  return {
    budgets,
    sizes,
    survivors,
    iterations,
    evaluations: o.nInit + iterations * perIteration,
  };
}
