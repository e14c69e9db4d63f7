// Loads build/paretonas.wasm once per realm (top-level await), the same way on every platform.
import { readPackageFile } from '../platform/index.ts';

/** Raw exports of the kernel module (pointers are byte offsets into `memory`). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  dealloc(ptr: number): void;
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
  /** Bytes of the workspace of gpLml / gpLmlGrad for n points in d dimensions. */
  gpWorkspaceBytes(n: number, d: number): number;
  /**
   * GP log marginal likelihood at θ (f64[d+3]); NaN when not positive definite even with jitter.
   * profileMean != 0: the mean is its GLS optimum clamped to [meanLo, meanHi], written into θ[0].
   */
  gpLml(x: number, y: number, n: number, d: number, theta: number, ws: number, maxTries: number, profileMean: number, meanLo: number, meanHi: number): number;
  /** Gradient (f64[d+3]) at the θ of the last gpLml on ws; returns 0, or -1 after a failed gpLml. */
  gpLmlGrad(n: number, d: number, ws: number, grad: number): number;
  /** Jitter the last gpLml on ws added (-1: failed). */
  gpJitter(ws: number, n: number, d: number): number;
  gpModelBytes(n: number, d: number): number;
  gpPredictScratchBytes(n: number, d: number, m: number): number;
  /** Build a model block from ws after a successful gpLml; returns 0 or -1. */
  gpFinalize(n: number, d: number, ws: number, model: number): number;
  /** Posterior mean (and variance when variance != 0) at m points. */
  gpPredict(model: number, xq: number, m: number, mean: number, variance: number, withNoise: number, scratch: number): void;
  gpKernelMatrix(x1: number, n1: number, x2: number, n2: number, d: number, theta: number, out: number): void;
  /** Cholesky with jitter escalation into out; returns the jitter added or -1. */
  gpCholesky(a: number, n: number, maxTries: number, out: number): number;
  [name: string]: unknown;
}

const WASM_URL = new URL('../../build/paretonas.wasm', import.meta.url);

async function instantiate(): Promise<KernelExports> {
  let bytes: Uint8Array;
  try {
    bytes = await readPackageFile(WASM_URL);
  } catch (err) {
    throw new Error(
      `paretonas: the WebAssembly kernels are missing (${WASM_URL.href}); build them with \`npm run build:wasm\``,
      { cause: err },
    );
  }
  const imports = {
    env: {
      abort(_msg: number, _file: number, line: number, col: number): never {
        throw new Error(`paretonas: WebAssembly kernel aborted at ${line}:${col}`);
      },
    },
  };
  const { instance } = await WebAssembly.instantiate(bytes as BufferSource, imports);
  return instance.exports as unknown as KernelExports;
}

/** The kernel module of this realm. */
export const wasm: KernelExports = await instantiate();
