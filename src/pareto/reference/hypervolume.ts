// Obviously-correct pure-TypeScript hypervolume, the test oracle for the WebAssembly kernels.
// Shares no code with them: two textbook methods, both exact up to floating-point rounding.
// Minimisation throughout; points are given as rows.

/** The rows that strictly dominate the reference point (the only ones that add volume). */
function insideReference(rows: readonly (readonly number[])[], ref: readonly number[]): number[][] {
  return rows.filter((p) => p.every((v, j) => v < ref[j])).map((p) => p.slice());
}

/**
 * Inclusion–exclusion: the volume of a union of boxes [p, ref) is the alternating sum over all
 * non-empty subsets of the volume of their intersection (the box of the coordinate-wise maximum).
 * O(2^n * d); refuses n > 20.
 */
export function hypervolumeInclusionExclusion(rows: readonly (readonly number[])[], ref: readonly number[]): number {
  const pts = insideReference(rows, ref);
  const n = pts.length;
  if (n > 20) throw new RangeError(`hypervolumeInclusionExclusion: n = ${n} is too large`);
  const d = ref.length;
  let positive = 0;
  let negative = 0;
  for (let mask = 1; mask < 1 << n; mask++) {
    const corner = new Array<number>(d).fill(-Infinity);
    let size = 0;
    for (let i = 0; i < n; i++) {
      if ((mask >> i) & 1) {
        size++;
        for (let j = 0; j < d; j++) corner[j] = Math.max(corner[j], pts[i][j]);
      }
    }
    let vol = 1;
    for (let j = 0; j < d; j++) vol *= ref[j] - corner[j];
    if (size % 2 === 1) positive += vol;
    else negative += vol;
  }
  return positive - negative;
}

/**
 * Cell-grid decomposition: cut space along every distinct coordinate value of the last objective;
 * between two consecutive cuts the dominated region is a prism whose cross-section is the region
 * dominated, in the remaining objectives, by the points at or below the lower cut. Recursing down
 * to one objective visits every cell of the grid spanned by the distinct coordinates.
 * O(n^d / d!) cells; fine for small n.
 */
export function hypervolumeGrid(rows: readonly (readonly number[])[], ref: readonly number[]): number {
  const pts = insideReference(rows, ref);
  return gridVolume(pts, ref.length - 1, ref);
}

function gridVolume(pts: number[][], dim: number, ref: readonly number[]): number {
  if (pts.length === 0) return 0;
  if (dim === 0) {
    let lo = Infinity;
    for (const p of pts) lo = Math.min(lo, p[0]);
    return ref[0] - lo;
  }
  const cuts = [...new Set(pts.map((p) => p[dim]))].sort((a, b) => a - b);
  let vol = 0;
  for (let k = 0; k < cuts.length; k++) {
    const lo = cuts[k];
    const hi = k + 1 < cuts.length ? cuts[k + 1] : ref[dim];
    const below = pts.filter((p) => p[dim] <= lo);
    vol += (hi - lo) * gridVolume(below, dim - 1, ref);
  }
  return vol;
}

/**
 * Reference hypervolume of row-major `points` (n x d) w.r.t. `ref`, minimisation: inclusion–
 * exclusion when it is the cheaper method, the cell grid otherwise.
 */
export function hypervolumeReference(points: ArrayLike<number>, d: number, ref: readonly number[]): number {
  const rows: number[][] = [];
  for (let i = 0; i + d <= points.length; i += d) rows.push(Array.from({ length: d }, (_, j) => points[i + j]));
  const inside = insideReference(rows, ref).length;
  if (inside <= 12) return hypervolumeInclusionExclusion(rows, ref);
  return hypervolumeGrid(rows, ref);
}
