// Loads build/pareto.wasm (hypervolume, contributions, non-dominated sorting, indicators,
// attainment functions, archives) once per realm (top-level await). It imports nothing else
// from the package, so `paretonas/pareto` ships this module alone.
import { loadKernels, type KernelMemory } from './load.ts';
import { packageFile } from '../platform/package-file.ts';

/** Raw exports of the Pareto kernels (pointers are byte offsets into `memory`). */
export interface ParetoExports extends KernelMemory {
  /** Exact hypervolume; points not strictly dominating `ref` are ignored. */
  hypervolume(pts: number, n: number, d: number, ref: number): number;
  /** Exclusive contribution of each point into out (f64[n]); returns 0 on success. */
  hvContributions(pts: number, n: number, d: number, ref: number, out: number): number;
  /** Pareto rank of each point into out (i32[n], 0 = non-dominated); returns the number of fronts. */
  ndsort(pts: number, n: number, d: number, out: number): number;
  /** out[i] (u8) = 1 when point i is non-dominated (duplicates: all kept or only the first); returns the count. */
  nonDominated(pts: number, n: number, d: number, keepDuplicates: number, out: number): number;
  /** NSGA-II crowding distance of each point into out (f64[n]). */
  crowdingDistance(pts: number, n: number, d: number, out: number): void;
  igd(pts: number, n: number, refset: number, m: number, d: number): number;
  igdPlus(pts: number, n: number, refset: number, m: number, d: number): number;
  epsilonAdditive(pts: number, n: number, refset: number, m: number, d: number): number;
  /**
   * Approximate hypervolume from nSamples directions of method (1 Monte Carlo with seed, 2
   * Hua-Wang, 3 Rphi-FWE+), 2 <= d <= 31; out (f64[2]) = [standard error (method 1, else NaN),
   * points strictly dominating ref].
   */
  hvApprox(pts: number, n: number, d: number, ref: number, nSamples: number, method: number, seed: number, out: number): number;
  /**
   * EAF attainment surfaces (d = 2, 3) of runs i32[n] (0..nruns-1) at levels i32[L]; returns a
   * kernel-allocated block (free with dealloc): u32 total T, u32[L] counts, then at
   * (4 + 4 L rounded up to 8) f64[T*d] points, then u8[T*nruns] attainment flags when flags != 0.
   */
  eafCompute(pts: number, runs: number, n: number, d: number, nruns: number, levels: number, L: number, flags: number): number;
  /**
   * 2-D EAF difference of runs 0..nA-1 (A) and nA..nA+nB-1 (B); returns a kernel-allocated block
   * (free with dealloc): u32 count m, then at byte 8 f64[m*5] rows [xmin, ymin, xmax, ymax, diff].
   */
  eafDiff2d(pts: number, runs: number, n: number, nA: number, nB: number): number;
  /** New incremental Pareto archive for d objectives, reference f64[d] copied; returns a handle (0 when d < 1). */
  archiveCreate(d: number, ref: number): number;
  /** Release an archive's memory. */
  archiveFree(h: number): void;
  /** Offer a point f64[d]; returns its id (>= 0) when it entered, -1 when rejected, -2 when out of ids. */
  archiveInsert(h: number, point: number): number;
  /** Remove an archived point by id; returns 1 when it was archived, else 0. */
  archiveRemove(h: number, id: number): number;
  /** Number of archived points. */
  archiveSize(h: number): number;
  /** Hypervolume of the archived points, maintained incrementally. */
  archiveHypervolume(h: number): number;
  /** Archived points into out (f64[size*d]) and ids into ids (i32[size]); 0 skips either. */
  archiveFront(h: number, out: number, ids: number): void;
  /** Ids dropped by the last successful insert into out (i32[count], 0 skips); returns the count. */
  archiveDropped(h: number, out: number): number;
  /** Exclusive contribution of each archived point (front order) into out (f64[size]). */
  archiveContributions(h: number, out: number): void;
  [name: string]: unknown;
}

/** The Pareto kernel module of this realm. */
export const pareto: ParetoExports = await loadKernels<ParetoExports>(packageFile('build/pareto.wasm'));
