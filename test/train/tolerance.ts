// One float32 tolerance for every training-kernel test (GPU vs CPU twin vs tfjs), and the
// shared set-up that opens the real WebGPU adapter or says why the tests are skipped.
import { afterEach, expect } from 'vitest';
import { acquireGpu, type Gpu } from '../../src/gpu/device.ts';
import { GpuRuntime } from '../../src/gpu/runtime.ts';
import { missingKernelLimits } from '../../src/train/kernels/kernel-args.ts';

/** float32 machine epsilon (2^-23). */
export const F32_EPS = 2 ** -23;

export interface CloseOptions {
  /** terms summed into each value (reductions): the tolerance grows like √terms */
  terms?: number;
  /** multiples of F32_EPS before the √terms factor (default 16: rounding, exp/log, FMA contraction) */
  ulps?: number;
  /** absolute floor added to |expected|: default max|expected| (errors relative to the tensor's scale) */
  scale?: number;
  label?: string;
}

/** Relative float32 tolerance for values accumulated from `terms` terms. */
export function f32Tolerance(terms = 1, ulps = 16): number {
  return ulps * F32_EPS * Math.sqrt(Math.max(1, terms));
}

/**
 * Expect |actual_i − expected_i| ≤ tol·(|expected_i| + scale) for every i, with tol from
 * f32Tolerance and scale = max|expected| unless given; NaN never passes. The failure message
 * names the worst element.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions = {}): void {
  const label = opts.label ?? 'values';
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
  const scale = opts.scale ?? maxAbs;
  const tol = f32Tolerance(opts.terms, opts.ulps);
  let worst = -1, worstRatio = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const bound = tol * (Math.abs(expected[i]) + scale) + Number.MIN_VALUE;
    const ratio = Number.isNaN(err) ? Infinity : err / bound;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
    }
  }
  if (worstRatio > 1) {
    expect.fail(
      `${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
        `(error ${Math.abs(actual[worst] - expected[worst]).toExponential(3)} is ${worstRatio.toFixed(1)}× the tolerance ${tol.toExponential(2)}·(|e| + ${scale.toExponential(2)}))`,
    );
  }
}

/** Expect exact equality (integer outputs, copies, selections). */
export function expectEqual(actual: ArrayLike<number>, expected: ArrayLike<number>, label = 'values'): void {
  expect(Array.from(actual), label).toEqual(Array.from(expected));
}

export interface GpuEnv {
  gpu: Gpu;
  rt: GpuRuntime;
  close(): void;
}

/**
 * The real WebGPU adapter (hardware, else the software one) with the named shaders loaded, or
 * the reason the GPU tests of a file are skipped (printed once).
 */
export async function openGpu(shaders: readonly string[]): Promise<{ env?: GpuEnv; skip?: string }> {
  let gpu: Gpu;
  try {
    gpu = await acquireGpu();
  } catch (err) {
    // CI installs the software adapters: there a missing adapter is a failure, not a skip.
    if (process.env.CI) throw err;
    const skip = `skipped: no WebGPU adapter (${(err as Error).message})`;
    console.warn(skip);
    return { skip };
  }
  const missing = missingKernelLimits(gpu.device);
  if (missing.length) {
    gpu.dispose();
    const skip = `skipped: the adapter ${gpu.adapter} lacks the limits the kernels need: ${missing.join(', ')}`;
    console.warn(skip);
    return { skip };
  }
  // A validation error skips the dispatch and leaves outputs stale: fail the test that caused it.
  const errors: string[] = [];
  gpu.device.addEventListener('uncapturederror', (e) => errors.push((e as GPUUncapturedErrorEvent).error.message));
  afterEach(() => {
    if (errors.length) throw new Error(`WebGPU errors during the test:\n${errors.splice(0).join('\n')}`);
  });
  const rt = await GpuRuntime.create(gpu, shaders);
  return { env: { gpu, rt, close: () => { rt.destroy(); gpu.dispose(); } } };
}

/** Upload f32 values (converted from any numbers). */
export function upF32(rt: GpuRuntime, values: ArrayLike<number>): GPUBuffer {
  return rt.upload(Float32Array.from(values));
}

/** Upload u32 values. */
export function upU32(rt: GpuRuntime, values: ArrayLike<number>): GPUBuffer {
  return rt.upload(Uint32Array.from(values));
}

/** A zeroed storage buffer of n 32-bit elements. */
export function zeros(rt: GpuRuntime, n: number): GPUBuffer {
  return rt.upload(new Float32Array(Math.max(1, n)));
}

/** Read n u32 values. */
export async function readU32(rt: GpuRuntime, b: GPUBuffer, n: number): Promise<Uint32Array> {
  return new Uint32Array(await rt.read(b, n * 4));
}

/** Round to float32 element-wise (inputs the GPU sees exactly). */
export function f32(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values);
}
