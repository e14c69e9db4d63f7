// Shared host-side helpers of the training kernels outside conv2d: tensor references with
// element offsets (so that every parameter and gradient of a network can live in one flat
// buffer, updated by one Adam dispatch) and 1-D dispatches split over a 2-D grid.

/** Workgroup size of the element-wise and row kernels (≤ 256 invocations, WebGPU's default limit). */
export const WG = 256;

/** Most workgroups along one dispatch dimension (WebGPU's default maxComputeWorkgroupsPerDimension). */
export const MAX_GROUPS_PER_DIM = 65535;

/**
 * A float32 (or u32) tensor on the GPU: a buffer, or a buffer and an offset in 32-bit elements
 * (not bytes). Offsets travel as uniforms, so they need no 256-byte binding alignment.
 */
export type TensorRef = GPUBuffer | { buffer: GPUBuffer; offset: number };

export function bufferOf(t: TensorRef): GPUBuffer {
  return 'offset' in t ? t.buffer : t;
}

export function offsetOf(t: TensorRef): number {
  return 'offset' in t ? t.offset : 0;
}

/**
 * Workgroup counts covering `groups` workgroups with x ≤ 65535: [x, y] with x·y ≥ groups.
 * Shaders recover the linear index with `linear_index` (shaders/common.wgsl); invocations past
 * the end return early.
 * @example grid1d(70000) // → [35000, 2]
 */
export function grid1d(groups: number): [number, number] {
  if (groups <= 0) return [0, 1];
  if (groups <= MAX_GROUPS_PER_DIM) return [groups, 1];
  const y = Math.ceil(groups / MAX_GROUPS_PER_DIM);
  const x = Math.ceil(groups / y);
  if (y > MAX_GROUPS_PER_DIM) throw new RangeError(`grid1d: ${groups} workgroups exceed a 65535×65535 grid`);
  return [x, y];
}

/** Workgroups for one invocation per element, `wg` invocations per workgroup, on a 2-D grid. */
export function gridFor(elements: number, wg = WG): [number, number] {
  return grid1d(Math.ceil(elements / wg));
}

/** Smallest power of two ≥ n (n ≥ 1), capped at `cap`. */
export function pow2AtLeast(n: number, cap: number): number {
  let p = 1;
  while (p < n && p < cap) p *= 2;
  return p;
}

/**
 * Invocations per row for the row-segmented reductions (global average pooling, softmax,
 * accuracy): a power of two near the row length, at most 32 so that short rows do not leave most
 * of a workgroup idle; the rest of the 256 invocations take further rows.
 */
export function lanesFor(rowLength: number): number {
  return pow2AtLeast(Math.max(1, Math.ceil(rowLength / 2)), 32);
}

/** Throw a RangeError naming the function and argument unless `v` is an integer in [min, max]. */
export function checkInt(fn: string, name: string, v: number, min = 1, max = 0xffffffff): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${fn}: ${name} must be an integer in [${min}, ${max}], got ${v}`);
  }
}

/**
 * Device limits the kernels of this folder (outside conv2d) rely on. Core WebGPU's defaults
 * meet them; compatibility-mode defaults (128 invocations, 4 storage buffers) do not, so
 * acquireGpu() requests the adapter's own limits.
 */
export const KERNEL_LIMITS = {
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 16,
  maxComputeWorkgroupStorageSize: 8448,
  maxStorageBuffersPerShaderStage: 6,
} as const;

/** The limits of `device` below KERNEL_LIMITS, described ("maxStorageBuffersPerShaderStage 4 < 6"); empty when all are met. */
export function missingKernelLimits(device: GPUDevice): string[] {
  const lim = device.limits as unknown as Record<string, number>;
  return Object.entries(KERNEL_LIMITS)
    .filter(([k, v]) => !(lim[k] >= v))
    .map(([k, v]) => `${k} ${lim[k]} < ${v}`);
}

/**
 * Throw a RangeError naming the function and argument unless the tensor holds `elements`
 * 32-bit elements past its offset (WebGPU's robust access would otherwise clamp or drop the
 * out-of-range accesses silently).
 */
export function checkSize(fn: string, name: string, t: TensorRef, elements: number): void {
  const need = 4 * (offsetOf(t) + elements);
  const have = bufferOf(t).size;
  if (have < need) throw new RangeError(`${fn}: ${name} holds ${have} bytes, needs ${need} (${elements} elements at offset ${offsetOf(t)})`);
}

/**
 * Throw a RangeError naming the arguments when an output buffer is also bound as an input or
 * as another output (WebGPU rejects a buffer bound writable and read-only, or writable twice
 * over overlapping ranges, in one dispatch).
 */
export function checkDistinct(fn: string, outputs: Record<string, TensorRef | undefined>, inputs: Record<string, TensorRef | undefined> = {}): void {
  const seen = new Map<GPUBuffer, string>();
  for (const [name, t] of Object.entries(outputs)) {
    if (!t) continue;
    const b = bufferOf(t);
    const prev = seen.get(b);
    if (prev) throw new RangeError(`${fn}: ${name} and ${prev} must be different buffers`);
    seen.set(b, name);
  }
  for (const [name, t] of Object.entries(inputs)) {
    if (!t) continue;
    const prev = seen.get(bufferOf(t));
    if (prev) throw new RangeError(`${fn}: ${name} and ${prev} must be different buffers (${prev} is written)`);
  }
}
