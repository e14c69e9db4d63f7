// Which configurations of a finished successive-halving stage go on to the next budget
// (docs/methods.md#mobohb-promotion, `_advance_to_next_stage`).
import { ndsort } from '../../pareto/ndsort.ts';
import { frontsThatFit, greedyHvSelect, hvReference } from './split.ts';
import type { MobohbVariant } from './types.ts';

/**
 * The configurations to promote, given the losses of a stage's completed configurations
 * (failed ones are left out by the caller) and the next stage's size k.
 * Whole non-dominated fronts (docs/methods.md#pareto-ndsort) are taken while they fit into k; then
 *  - 'paper' [AS-IS, docs/methods.md#odd-18]: the front that overflows k is added whole, so more than k are
 *    promoted whenever more than k exist;
 *  - 'fixed': the overflowing front is truncated by greedy hypervolume contribution (the
 *    selection the reference code has commented out) so that exactly k are promoted.
 * With at most k configurations all are promoted (the reference code loops forever, docs/methods.md#odd-18).
 *
 * @param losses row-major n x nObj, minimised
 * @returns promoted row indices, ascending
 */
export function promote(losses: Float64Array, nObj: number, k: number, variant: MobohbVariant): number[] {
  const n = losses.length / nObj;
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  const { taken, next } = frontsThatFit(ndsort(losses, nObj), k);
  const keep = taken;
  if (variant === 'paper') {
    for (const i of next) keep.push(i);
  } else if (keep.length < k) {
    for (const i of greedyHvSelect(losses, nObj, next, k - keep.length, hvReference(losses, nObj, 'fixed'))) keep.push(i);
  }
  return keep.sort((a, b) => a - b);
}
