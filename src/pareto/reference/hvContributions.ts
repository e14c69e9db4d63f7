// Reference twin (pure TypeScript, deliberately naive) of the exclusive hypervolume
// contributions, for testing the WASM kernels. It shares no code with the kernels: the space
// below the reference point is cut into the grid of cells spanned by the points' coordinates,
// and each cell is checked against every point. Cost O(m^d * m * d) for m points strictly
// inside the reference box: small inputs only. All objectives minimised.

interface Grid {
  /** Sorted distinct coordinates per dimension, the reference value last. */
  cuts: number[][];
  /** For each kept point, per dimension, the index of its coordinate in `cuts`. */
  at: Int32Array;
  /** Original row of each kept point. */
  rows: number[];
}

function grid(points: ArrayLike<number>, d: number, ref: ArrayLike<number>): Grid {
  const n = Math.floor(points.length / d);
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    let inside = true;
    for (let k = 0; k < d; k++) if (!(points[i * d + k] < ref[k])) inside = false;
    if (inside) rows.push(i);
  }
  const cuts: number[][] = [];
  for (let k = 0; k < d; k++) {
    const vals = new Set<number>(rows.map((i) => points[i * d + k] + 0)); // +0 folds -0 into 0
    cuts.push([...vals].sort((a, b) => a - b).concat([ref[k]]));
  }
  const at = new Int32Array(rows.length * d);
  rows.forEach((i, j) => {
    for (let k = 0; k < d; k++) at[j * d + k] = cuts[k].indexOf(points[i * d + k] + 0);
  });
  return { cuts, at, rows };
}

/**
 * Visit every cell of the grid below the reference point with its volume and the kept points
 * (indices into `rows`) whose box contains it; `visit` gets (volume, count, lastCovering).
 */
function eachCell(g: Grid, d: number, visit: (volume: number, count: number, who: number) => void): void {
  const m = g.rows.length;
  if (m === 0) return;
  const cell = new Int32Array(d);
  for (;;) {
    let volume = 1;
    for (let k = 0; k < d; k++) volume *= g.cuts[k][cell[k] + 1] - g.cuts[k][cell[k]];
    let count = 0;
    let who = -1;
    for (let j = 0; j < m; j++) {
      let covers = true;
      for (let k = 0; k < d && covers; k++) covers = g.at[j * d + k] <= cell[k];
      if (covers) {
        count++;
        who = j;
      }
    }
    visit(volume, count, who);
    // Next cell (odometer over cell indices 0 .. cuts[k].length - 2).
    let k = 0;
    while (k < d && ++cell[k] === g.cuts[k].length - 1) cell[k++] = 0;
    if (k === d) return;
  }
}

/**
 * Exclusive contributions HV(S) - HV(S \ {i}): the volume of the cells covered by point i only.
 * @param points row-major, n x d, minimised
 */
export function hvContributionsReference(points: ArrayLike<number>, d: number, ref: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.floor(points.length / d));
  const g = grid(points, d, ref);
  eachCell(g, d, (volume, count, who) => {
    if (count === 1) out[g.rows[who]] += volume;
  });
  return out;
}
