// The real WebGPU adapter for the GPU kernel tests (hardware, else the software one), and the
// small buffer helpers they share. A test file skips its GPU tests only when no adapter can be
// had, or the adapter lacks a limit the kernels need, and says which; in CI (where the software
// adapters are installed) a missing adapter fails instead.
import { afterEach } from 'vitest';
import { acquireGpu, type Gpu } from '../../src/gpu/device.ts';
import { GpuRuntime } from '../../src/gpu/runtime.ts';
import { missingKernelLimits } from '../../src/train/kernels/kernel-args.ts';

export interface GpuEnv {
  gpu: Gpu;
  rt: GpuRuntime;
  close(): void;
}

/**
 * The real WebGPU adapter with the named shaders loaded, or the reason the GPU tests of a file
 * are skipped (printed once). WebGPU validation errors fail the test during which they occur
 * (a failed dispatch leaves outputs stale, which could otherwise pass).
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
