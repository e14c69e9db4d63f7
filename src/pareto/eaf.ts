import { pareto } from '../wasm/pareto.ts';
import { readF64, readU8, withScratch, type Scratch } from '../wasm/call.ts';
import {
  checkDim, checkOptions, checkPoints, objectiveSigns,
  type ObjectiveOptions, type PointData,
} from './validate.ts';

export interface EafOptions extends ObjectiveOptions {
  /** Attainment levels to compute, each an integer in 1..nRuns, in the order wanted (default: all, 1..nRuns). */
  levels?: ArrayLike<number>;
  /** Percentiles in (0, 100] instead of levels, mapped to levels as moocore does (see eafPercentileLevel). */
  percentiles?: ArrayLike<number>;
  /** Also return, per surface point, which runs attain it (default false). */
  attained?: boolean;
}

/** One attainment surface of an EAF. */
export interface EafSurface {
  /** k: the surface bounds the objective vectors attained by at least k runs. */
  level: number;
  /** The percentile asked for, or 100 k / nRuns when levels were given. */
  percentile: number;
  /** The surface's minimal points, row-major (nObj columns), in the order described at eaf(). */
  points: Float64Array;
  /** With options.attained: per point, nRuns flags (1 = that run attains the point), runs in ascending label order. */
  attained?: Uint8Array;
}

/**
 * moocore's map from a percentile p in (0, 100] to an attainment level of n runs: the level is
 * n p / 100 rounded up, except that a value within sqrt(2^-52) above an integer is rounded down;
 * at least 1.
 */
export function eafPercentileLevel(p: number, nRuns: number): number {
  const x = (nRuns * p) / 100;
  const level = x - Math.floor(x) <= Math.sqrt(Number.EPSILON) ? Math.floor(x) : Math.ceil(x);
  return Math.max(1, level);
}

/** moocore's percentile of a level: 100 k / n, exactly 100 at k = n. */
function levelPercentile(level: number, nRuns: number): number {
  return level === nRuns ? 100 : (level * 100) / nRuns;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? (x as object).constructor?.name ?? 'an object' : typeof x;
}

/** Run labels -> run indices 0..nRuns-1 (distinct labels in ascending order). */
function checkRuns(fn: string, arg: string, runs: unknown, n: number): { index: Int32Array; nRuns: number } {
  if (!Array.isArray(runs) && !ArrayBuffer.isView(runs)) {
    throw new TypeError(`${fn}: ${arg} must be an array of ${n} run labels (one per point), got ${describe(runs)}`);
  }
  const r = runs as ArrayLike<unknown>;
  if (r.length !== n) throw new RangeError(`${fn}: ${arg} has length ${r.length}, expected one label per point (${n})`);
  const labels = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = r[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${fn}: ${arg}[${i}] must be a finite number, got ${String(v)}`);
    }
    labels[i] = v;
  }
  const distinct = Float64Array.from(new Set(labels)).sort();
  const rank = new Map<number, number>();
  distinct.forEach((v, k) => rank.set(v, k));
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = rank.get(labels[i])!;
  return { index, nRuns: distinct.length };
}

function checkNumbers(fn: string, arg: string, v: unknown): number[] {
  if (!Array.isArray(v) && !ArrayBuffer.isView(v)) throw new TypeError(`${fn}: ${arg} must be an array of numbers, got ${describe(v)}`);
  const a = Array.from(v as ArrayLike<unknown>);
  if (a.length === 0) throw new RangeError(`${fn}: ${arg} is empty`);
  a.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${fn}: ${arg}[${i}] must be a finite number, got ${String(x)}`);
  });
  return a as number[];
}

/** The levels (and their percentiles) an EafOptions asks for. */
function requestedLevels(fn: string, opts: EafOptions, nRuns: number): { levels: number[]; percentiles: number[] } {
  if (opts.levels !== undefined && opts.percentiles !== undefined) {
    throw new RangeError(`${fn}: give options.levels or options.percentiles, not both`);
  }
  if (opts.percentiles !== undefined) {
    const ps = checkNumbers(fn, 'options.percentiles', opts.percentiles);
    ps.forEach((p, i) => {
      if (!(p > 0 && p <= 100)) throw new RangeError(`${fn}: options.percentiles[${i}] must be in (0, 100], got ${p}`);
    });
    return { levels: ps.map((p) => eafPercentileLevel(p, nRuns)), percentiles: ps };
  }
  if (opts.levels !== undefined) {
    const ls = checkNumbers(fn, 'options.levels', opts.levels);
    ls.forEach((k, i) => {
      if (!Number.isInteger(k) || k < 1 || k > nRuns) {
        throw new RangeError(`${fn}: options.levels[${i}] must be an integer in 1..${nRuns} (the number of runs), got ${k}`);
      }
    });
    return { levels: ls, percentiles: ls.map((k) => levelPercentile(k, nRuns)) };
  }
  const all = Array.from({ length: nRuns }, (_, k) => k + 1);
  return { levels: all, percentiles: all.map((k) => levelPercentile(k, nRuns)) };
}

function copyI32(s: Scratch, data: ArrayLike<number>): number {
  const p = s.alloc(data.length * 4);
  new Int32Array(pareto.memory.buffer, p, data.length).set(data);
  return p;
}

/**
 * Empirical attainment function: for each level k, the attainment surface of a collection of
 * runs, i.e. the minimal objective vectors among those attained (weakly dominated) by at least
 * k of the runs. Computes the same surfaces as moocore's `eaf` (ties and duplicates included).
 *
 * Points of a 2-D surface are ordered by the first objective ascending (as moocore prints
 * them); of a 3-D surface by the third objective ascending, then the first ascending (moocore's
 * 3-D order differs: compare 3-D surfaces as sets). Orders refer to the minimised values.
 *
 * Algorithm (minimisation after flipping maximised objectives): 2-D: one sweep in the first
 * objective keeping each run's best second objective in a sorted array, O(n log n + n (r + L))
 * for n points, r runs and L levels; 3-D: sweep in the third objective over per-run 2-D
 * staircases, re-sweeping only the interval a new point changes, O(n^2 (r + L)) at worst.
 *
 * @param points row-major Float64Array of n points x nObj objectives, all runs together
 * @param nObj number of objectives, 2 or 3
 * @param runs one run label per point (any numbers; each distinct value is one run, runs are
 *   ordered by label)
 * @param options levels or percentiles (default: every level 1..nRuns), maximise, attained
 * @returns one surface per requested level, in the order requested
 * @throws RangeError/TypeError naming the argument for empty, ragged or non-finite points, nObj
 *   not 2 or 3, runs of the wrong length, levels outside 1..nRuns, percentiles outside (0, 100]
 * @example
 * eaf(fromRows([[1, 2], [2, 1], [1.5, 1.5]]), 2, [0, 0, 1], { levels: [2] })
 * // [{ level: 2, percentile: 100, points: Float64Array [1.5, 2, 2, 1.5] }]
 */
export function eaf(points: PointData, nObj: number, runs: ArrayLike<number>, options?: EafOptions): EafSurface[] {
  const fn = 'eaf';
  const d = checkDim(fn, nObj);
  if (d !== 2 && d !== 3) throw new RangeError(`${fn}: nObj must be 2 or 3, got ${d}`);
  const n = checkPoints(fn, 'points', points, d);
  const { index, nRuns } = checkRuns(fn, 'runs', runs, n);
  const opts = checkOptions<EafOptions>(fn, options);
  if (opts.attained !== undefined && typeof opts.attained !== 'boolean') {
    throw new TypeError(`${fn}: options.attained must be a boolean, got ${String(opts.attained)}`);
  }
  const sign = objectiveSigns(fn, opts.maximise, d);
  const { levels, percentiles } = requestedLevels(fn, opts, nRuns);
  const L = levels.length;
  const withFlags = opts.attained === true;
  return withScratch(pareto, (s) => {
    const p = s.f64(points, sign, d);
    const r = copyI32(s, index);
    const lv = copyI32(s, levels);
    const res = pareto.eafCompute(p, r, n, d, nRuns, lv, L, withFlags ? 1 : 0) >>> 0;
    try {
      const header = new Uint32Array(pareto.memory.buffer, res, L + 1);
      const total = header[0];
      const counts = Array.from(header.subarray(1));
      const hdr = ((L + 1) * 4 + 7) & ~7;
      const all = readF64(pareto, res + hdr, total * d);
      if (sign !== undefined) for (let i = 0; i < all.length; i++) all[i] *= sign[i % d];
      const flags = withFlags ? readU8(pareto, res + hdr + total * d * 8, total * nRuns) : undefined;
      let at = 0;
      return levels.map((level, l) => {
        const m = counts[l];
        const surface: EafSurface = { level, percentile: percentiles[l], points: all.slice(at * d, (at + m) * d) };
        if (flags) surface.attained = flags.slice(at * nRuns, (at + m) * nRuns);
        at += m;
        return surface;
      });
    } finally {
      pareto.dealloc(res);
    }
  });
}

/**
 * EAF differences of two collections of runs A and B (2 objectives): the regions where the
 * fraction of A's runs attaining a point differs from the fraction of B's, as rectangles
 * [xmin, ymin, xmax, ymax, diff] with diff = (fraction of A's runs attaining the rectangle's
 * points) - (fraction of B's), never 0. The rectangles do not overlap and together cover
 * exactly the points where the EAFs differ; xmax, ymax may be Infinity (-Infinity for xmin,
 * ymin of a maximised objective). A rectangle contains its lower edges and not its upper ones
 * (minimised objectives: [xmin, xmax) x [ymin, ymax)); a maximised objective's interval is
 * (min, max] instead. Each rectangle spans the widest range of the first objective over which
 * one maximal vertical piece of equal diff persists. Rows are sorted by xmin, then ymin.
 * moocore's `eafdiff(A, B, rectangles=True)` reports, for equal numbers of runs, diff times the
 * number of runs and a different (overlapping, zero-valued included) set of rectangles for the
 * same function.
 *
 * Algorithm: sweep in the first objective, the step function of the second objective of each
 * column read from the runs' best values, merged with the open rectangles of the previous
 * column; O(n log n + n (rA + rB)).
 *
 * @param pointsA row-major Float64Array of the points of A (2 columns)
 * @param runsA one run label per point of A
 * @param pointsB row-major Float64Array of the points of B (2 columns)
 * @param runsB one run label per point of B
 * @param nObj number of objectives, must be 2
 * @returns row-major Float64Array, 5 columns per rectangle
 * @throws RangeError/TypeError naming the argument for empty, ragged or non-finite points, runs
 *   of the wrong length, nObj not 2, bad options
 * @example
 * eafDiff(fromRows([[1, 1]]), [0], fromRows([[2, 2]]), [0], 2)
 * // Float64Array [1, 1, 2, Infinity, 1,  2, 1, Infinity, 2, 1]
 */
export function eafDiff(
  pointsA: PointData, runsA: ArrayLike<number>, pointsB: PointData, runsB: ArrayLike<number>, nObj: number,
  options?: ObjectiveOptions,
): Float64Array {
  const fn = 'eafDiff';
  const d = checkDim(fn, nObj);
  if (d !== 2) throw new RangeError(`${fn}: nObj must be 2, got ${d}`);
  const nA = checkPoints(fn, 'pointsA', pointsA, d);
  const A = checkRuns(fn, 'runsA', runsA, nA);
  const nB = checkPoints(fn, 'pointsB', pointsB, d);
  const B = checkRuns(fn, 'runsB', runsB, nB);
  const sign = objectiveSigns(fn, checkOptions<ObjectiveOptions>(fn, options).maximise, d);
  const rows = withScratch(pareto, (s) => {
    const p = s.alloc((nA + nB) * d * 8);
    const view = new Float64Array(pareto.memory.buffer, p, (nA + nB) * d);
    view.set(pointsA);
    view.set(pointsB, nA * d);
    if (sign !== undefined) for (let i = 0; i < view.length; i++) view[i] *= sign[i % d];
    const runs = new Int32Array(nA + nB);
    runs.set(A.index);
    for (let i = 0; i < nB; i++) runs[nA + i] = A.nRuns + B.index[i];
    const r = copyI32(s, runs);
    const res = pareto.eafDiff2d(p, r, nA + nB, A.nRuns, B.nRuns) >>> 0;
    try {
      const m = new Uint32Array(pareto.memory.buffer, res, 1)[0];
      return readF64(pareto, res + 8, m * 5);
    } finally {
      pareto.dealloc(res);
    }
  });
  if (sign === undefined) return rows;
  // Back to the caller's space: a maximised objective's [lo, hi) becomes (-hi, -lo].
  const m = rows.length / 5;
  const flipped: number[][] = [];
  for (let k = 0; k < m; k++) {
    const q = Array.from(rows.subarray(k * 5, k * 5 + 5));
    for (let j = 0; j < 2; j++) {
      if (sign[j] < 0) {
        const lo = q[j], hi = q[j + 2];
        q[j] = -hi;
        q[j + 2] = -lo;
      }
    }
    flipped.push(q);
  }
  flipped.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return Float64Array.from(flipped.flat());
}
