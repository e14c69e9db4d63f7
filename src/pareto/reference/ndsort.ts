// Reference twin of the ndsort kernel: the textbook definition, O(n^2 d) pairwise dominance
// followed by peeling fronts one at a time. Slow and obviously correct; tests only.
// Points are row-major, every objective minimised.

/** True iff row a dominates row b: a <= b in every objective and a < b in at least one. */
export function dominates(points: ArrayLike<number>, d: number, a: number, b: number): boolean {
  let strictly = false;
  for (let j = 0; j < d; j++) {
    const x = points[a * d + j], y = points[b * d + j];
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

/**
 * Pareto rank of every row: peel the non-dominated rows of what is left, give them the current
 * rank, repeat. Returns the ranks and the number of fronts.
 */
export function ndsortReference(points: ArrayLike<number>, d: number): { ranks: Int32Array; fronts: number } {
  const n = points.length / d;
  // dominatedBy[b] lists every a that dominates b.
  const dominatedBy: number[][] = [];
  for (let b = 0; b < n; b++) {
    const list: number[] = [];
    for (let a = 0; a < n; a++) if (a !== b && dominates(points, d, a, b)) list.push(a);
    dominatedBy.push(list);
  }
  const ranks = new Int32Array(n).fill(-1);
  let left = n;
  let front = 0;
  while (left > 0) {
    const current: number[] = [];
    for (let b = 0; b < n; b++) {
      if (ranks[b] !== -1) continue;
      // Non-dominated among the rows not yet ranked.
      if (dominatedBy[b].every((a) => ranks[a] !== -1)) current.push(b);
    }
    for (const b of current) ranks[b] = front;
    left -= current.length;
    front++;
  }
  return { ranks, fronts: front };
}
