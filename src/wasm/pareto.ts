// Loads build/pareto.wasm (hypervolume, contributions, non-dominated sorting, indicators,
// attainment functions, archives) once per realm (top-level await). It imports nothing else
// from the package, so `paretonas/pareto` ships this module alone.
import { loadKernels, type KernelMemory } from './load.ts';

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
  [name: string]: unknown;
}

/** The Pareto kernel module of this realm. */
export const pareto: ParetoExports = await loadKernels<ParetoExports>(new URL('../../build/pareto.wasm', import.meta.url));
