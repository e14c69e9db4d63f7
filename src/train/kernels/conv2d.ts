// 2-D convolution of the paper's CNNs (METHODS.md §4.1: Conv2d k×k, stride 1, padding
// (k−1)/2, bias) on WebGPU, NCHW float32, weights [Cout, Cin, K, K] as PyTorch.
// Each function validates its arguments and returns a pure description of the dispatches
// (DispatchSpec[]): shapes travel as uniforms, tilings as override constants, so one
// pipeline per (shader, tiling) serves every layer. The WGSL lives in shaders/conv2d-*.wgsl;
// the CPU twin in src/train/reference/conv2d.ts.
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';

/** The shaders the dispatches below use (load them into the GpuRuntime). */
export const CONV2D_SHADERS = [
  'conv2d-forward',
  'conv2d-grad-input',
  'conv2d-grad-weight',
  'conv2d-grad-weight-reduce',
  'conv2d-grad-bias',
] as const;

/** A convolution layer applied to a batch: x [N, Cin, H, W] → y [N, Cout, H, W]. */
export interface Conv2dShape {
  /** N, images in the batch */
  batch: number;
  /** Cin */
  inChannels: number;
  /** Cout */
  outChannels: number;
  /** H */
  height: number;
  /** W */
  width: number;
  /** K, odd (3, 5, 7 in the paper; 1 allowed): padding (K−1)/2 keeps H×W */
  kernelSize: number;
}

export interface Conv2dOptions {
  /** the device's maxComputeWorkgroupsPerDimension (default 65535, the WebGPU minimum) */
  maxWorkgroupsPerDimension?: number;
}

export interface Conv2dGradWeightOptions extends Conv2dOptions {
  /**
   * Slices of the N·H·W reduction (default: chosen from the shape so that the GPU has
   * about GW_TARGET_WORKGROUPS workgroups). More than one needs `scratch`; the count is
   * lowered to what `scratch` holds.
   */
  splits?: number;
}

/**
 * A tiling of the implicit GEMMs: WG_X × WG_Y threads, each a 4×4 register block, so the
 * output tile is (4·WG_Y rows) × (4·WG_X columns); TK reduction steps staged per chunk.
 * Workgroup memory: TK·(4·WG_Y+1) + TK·(4·WG_X+1) floats plus 16-byte entries for the
 * tile's pixels or taps (4·WG_X) and two chunks of the reduction index (2·TK).
 */
export interface Conv2dTiling {
  WG_X: number;
  WG_Y: number;
  TK: number;
}

/**
 * The tilings a layer chooses from (see chooseTiling). Workgroup memory ≤ 13.1 KiB for all.
 */
export const CONV2D_TILINGS: readonly Conv2dTiling[] = [
  { WG_X: 16, WG_Y: 16, TK: 16 }, // 64 × 64: wide layers
  { WG_X: 32, WG_Y: 8, TK: 16 }, // 32 × 128: 17..32 rows
  { WG_X: 8, WG_Y: 32, TK: 16 }, // 128 × 32: dW of the first layer (Cin·K² = 9..75 columns)
  { WG_X: 64, WG_Y: 4, TK: 8 }, // 16 × 256: 5..16 rows
  { WG_X: 64, WG_Y: 1, TK: 8 }, // 4 × 256, 64 threads: dx of the first layer (Cin = 1 or 3)
];

/**
 * The cost of staging one operand element in workgroup memory (index decoding, padding test,
 * global load, shared store), in multiply-adds: chooseTiling weighs padded work against loads.
 */
export const TILE_LOAD_COST = 12;

/** Workgroups conv2d-grad-weight aims at by splitting its reduction (enough for large GPUs). */
export const GW_TARGET_WORKGROUPS = 512;
/** The least number of TK-pixel chunks per slice of a split grad-weight reduction. */
export const GW_MIN_CHUNKS_PER_SPLIT = 8;

const REDUCE_WG = 256;
const BIAS_WG = 256;
const I32_MAX = 2 ** 31 - 1;

/**
 * Nominal floating-point operations of each of forward, grad-input and grad-weight:
 * 2·N·H·W·Cout·Cin·K² (one multiply-add = 2 FLOPs, padding taps included, bias ignored).
 * @example conv2dFlops({ batch: 128, inChannels: 3, outChannels: 128, height: 16, width: 16, kernelSize: 5 }) // 629145600
 */
export function conv2dFlops(shape: Conv2dShape): number {
  const { batch, inChannels, outChannels, height, width, kernelSize } = shape;
  return 2 * batch * height * width * outChannels * inChannels * kernelSize * kernelSize;
}

/**
 * Forward convolution y = conv(x, W) + b, as dispatches.
 * @param buffers x [N,Cin,H,W], w [Cout,Cin,K,K], b [Cout] (read); y [N,Cout,H,W] (written)
 * @throws RangeError naming the argument when a size is not a positive integer, K is even,
 *   a buffer is too small or aliases the output, or the grid exceeds the device limits
 */
export function conv2dForward(
  shape: Conv2dShape,
  buffers: { x: GPUBuffer; w: GPUBuffer; b: GPUBuffer; y: GPUBuffer },
  options: Conv2dOptions = {},
): DispatchSpec[] {
  const fn = 'conv2dForward';
  const s = checkShape(fn, shape);
  checkBuffer(fn, 'buffers.x', buffers.x, s.n * s.cin * s.hw);
  checkBuffer(fn, 'buffers.w', buffers.w, s.cout * s.cin * s.kk);
  checkBuffer(fn, 'buffers.b', buffers.b, s.cout);
  checkBuffer(fn, 'buffers.y', buffers.y, s.n * s.cout * s.hw);
  checkNoAlias(fn, { 'buffers.y': buffers.y }, { 'buffers.x': buffers.x, 'buffers.w': buffers.w, 'buffers.b': buffers.b });
  const red = s.cin * s.kk;
  const tiling = chooseTiling(s.cout, s.pixels);
  const { workgroups, tiles } = pixelGrid(fn, s.pixels, s.cout, tiling, maxDim(fn, options));
  return [{
    shader: 'conv2d-forward',
    constants: { ...tiling },
    uniforms: packUniforms([s.n, s.cin, s.cout, s.h, s.w, s.k, s.pad, s.hw, s.kk, red, s.pixels, tiles]),
    buffers: [buffers.x, buffers.w, buffers.b, buffers.y],
    workgroups,
  }];
}

/**
 * Gradient of the loss with respect to the input: dx = full correlation of dy with the
 * flipped kernel (the adjoint of conv2dForward in x), as dispatches.
 * @param buffers dy [N,Cout,H,W], w [Cout,Cin,K,K] (read); dx [N,Cin,H,W] (written)
 * @throws RangeError naming the argument, as conv2dForward
 */
export function conv2dGradInput(
  shape: Conv2dShape,
  buffers: { dy: GPUBuffer; w: GPUBuffer; dx: GPUBuffer },
  options: Conv2dOptions = {},
): DispatchSpec[] {
  const fn = 'conv2dGradInput';
  const s = checkShape(fn, shape);
  checkBuffer(fn, 'buffers.dy', buffers.dy, s.n * s.cout * s.hw);
  checkBuffer(fn, 'buffers.w', buffers.w, s.cout * s.cin * s.kk);
  checkBuffer(fn, 'buffers.dx', buffers.dx, s.n * s.cin * s.hw);
  checkNoAlias(fn, { 'buffers.dx': buffers.dx }, { 'buffers.dy': buffers.dy, 'buffers.w': buffers.w });
  const red = s.cout * s.kk;
  const tiling = chooseTiling(s.cin, s.pixels);
  const { workgroups, tiles } = pixelGrid(fn, s.pixels, s.cin, tiling, maxDim(fn, options));
  return [{
    shader: 'conv2d-grad-input',
    constants: { ...tiling },
    uniforms: packUniforms([s.n, s.cin, s.cout, s.h, s.w, s.k, s.pad, s.hw, s.kk, red, s.pixels, tiles]),
    buffers: [buffers.dy, buffers.w, buffers.dx],
    workgroups,
  }];
}

/**
 * Bytes of `scratch` conv2dGradWeight uses for its split reduction with these options
 * (0 when it does not split). Allocate this once per layer and pass it in.
 */
export function conv2dGradWeightScratchBytes(shape: Conv2dShape, options: Conv2dGradWeightOptions = {}): number {
  const s = checkShape('conv2dGradWeightScratchBytes', shape);
  const plan = planGradWeight('conv2dGradWeightScratchBytes', s, options, Infinity);
  return plan.splits > 1 ? plan.splits * s.cout * s.cin * s.kk * 4 : 0;
}

/**
 * Gradients with respect to the weights and the bias, written (not accumulated):
 * dW[co,ci,kh,kw] = Σ_{n,h,w} dy[n,co,h,w]·x[n,ci,h+kh−p,w+kw−p], db[co] = Σ_{n,h,w} dy[n,co,h,w].
 * The N·H·W reduction is split into slices (partial dW in `scratch`, then added in a fixed
 * order) when `scratch` is given and the layer has few dW tiles; the result is deterministic.
 * @param buffers x [N,Cin,H,W], dy [N,Cout,H,W] (read); dw [Cout,Cin,K,K], db [Cout] (written);
 *   scratch (optional) of conv2dGradWeightScratchBytes(shape) bytes
 * @throws RangeError naming the argument, as conv2dForward, or when options.splits is not
 *   a positive integer
 */
export function conv2dGradWeight(
  shape: Conv2dShape,
  buffers: { x: GPUBuffer; dy: GPUBuffer; dw: GPUBuffer; db: GPUBuffer; scratch?: GPUBuffer },
  options: Conv2dGradWeightOptions = {},
): DispatchSpec[] {
  const fn = 'conv2dGradWeight';
  const s = checkShape(fn, shape);
  const red = s.cin * s.kk;
  const len = s.cout * red;
  checkBuffer(fn, 'buffers.x', buffers.x, s.n * s.cin * s.hw);
  checkBuffer(fn, 'buffers.dy', buffers.dy, s.n * s.cout * s.hw);
  checkBuffer(fn, 'buffers.dw', buffers.dw, len);
  checkBuffer(fn, 'buffers.db', buffers.db, s.cout);
  const reads = { 'buffers.x': buffers.x, 'buffers.dy': buffers.dy };
  const writes: Record<string, GPUBuffer> = { 'buffers.dw': buffers.dw, 'buffers.db': buffers.db };
  if (buffers.scratch) writes['buffers.scratch'] = buffers.scratch;
  checkNoAlias(fn, writes, reads);
  const capacity = buffers.scratch ? Math.floor(buffers.scratch.size / (4 * len)) : 1;
  const plan = planGradWeight(fn, s, options, capacity);
  const max = maxDim(fn, options);
  if (plan.tilesR > max || plan.tilesM > max) {
    throw new RangeError(`${fn}: shape gives a grid of ${plan.tilesR} × ${plan.tilesM} workgroups, past the limit of ${max} per dimension`);
  }
  const split = plan.splits > 1;
  const gemm: DispatchSpec = {
    shader: 'conv2d-grad-weight',
    constants: { ...plan.tiling },
    uniforms: packUniforms([s.n, s.cin, s.cout, s.h, s.w, s.k, s.pad, s.hw, s.kk, red, s.pixels, plan.tilesR, plan.perSplit, plan.splits]),
    buffers: [buffers.x, buffers.dy, split ? buffers.scratch! : buffers.dw],
    workgroups: [plan.tilesR, plan.tilesM, plan.splits],
  };
  const specs = [gemm];
  if (split) {
    specs.push({
      shader: 'conv2d-grad-weight-reduce',
      constants: { WG: REDUCE_WG },
      uniforms: packUniforms([len, plan.splits]),
      buffers: [buffers.scratch!, buffers.dw],
      workgroups: grid(fn, Math.ceil(len / REDUCE_WG), max),
    });
  }
  specs.push({
    shader: 'conv2d-grad-bias',
    constants: { WG: BIAS_WG },
    uniforms: packUniforms([s.cout, s.hw, s.pixels]),
    buffers: [buffers.dy, buffers.db],
    workgroups: grid(fn, s.cout, max),
  });
  return specs;
}

// ---------------------------------------------------------------------------------------

interface Sizes {
  n: number; cin: number; cout: number; h: number; w: number; k: number;
  pad: number; hw: number; kk: number; pixels: number;
}

function checkShape(fn: string, shape: Conv2dShape): Sizes {
  if (typeof shape !== 'object' || shape === null) throw new TypeError(`${fn}: shape must be an object`);
  for (const key of ['batch', 'inChannels', 'outChannels', 'height', 'width', 'kernelSize'] as const) {
    const v = shape[key];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${fn}: shape.${key} must be a positive integer, got ${v}`);
  }
  const { batch: n, inChannels: cin, outChannels: cout, height: h, width: w, kernelSize: k } = shape;
  if (k % 2 === 0) throw new RangeError(`${fn}: shape.kernelSize must be odd ("same" padding (K−1)/2), got ${k}`);
  // the shaders mark out-of-range pixels and taps with a coordinate of −2^20
  if (h >= 1 << 20 || w >= 1 << 20) throw new RangeError(`${fn}: shape.height and shape.width must be below 2^20, got ${h}×${w}`);
  // 32-bit indices in the shaders
  const biggest = Math.max(n * cin * h * w, n * cout * h * w, cout * cin * k * k);
  if (biggest > I32_MAX) {
    throw new RangeError(`${fn}: shape gives ${biggest} elements in one tensor, past the 32-bit indexing of the kernels`);
  }
  return { n, cin, cout, h, w, k, pad: (k - 1) / 2, hw: h * w, kk: k * k, pixels: n * h * w };
}

function checkBuffer(fn: string, name: string, buf: GPUBuffer, floats: number): void {
  if (typeof buf !== 'object' || buf === null || typeof buf.size !== 'number') {
    throw new TypeError(`${fn}: ${name} must be a GPUBuffer`);
  }
  if (buf.size < floats * 4) {
    throw new RangeError(`${fn}: ${name} holds ${buf.size} bytes, the shape needs ${floats * 4} (${floats} float32)`);
  }
}

/** A buffer written by a dispatch must not be bound twice (WebGPU forbids writable aliasing). */
function checkNoAlias(fn: string, writes: Record<string, GPUBuffer>, reads: Record<string, GPUBuffer>): void {
  const all = Object.entries({ ...reads, ...writes });
  for (const [wn, wb] of Object.entries(writes)) {
    for (const [on, ob] of all) {
      if (on !== wn && ob === wb) throw new RangeError(`${fn}: ${wn} must not be the same buffer as ${on}`);
    }
  }
}

function maxDim(fn: string, options: Conv2dOptions): number {
  const max = options.maxWorkgroupsPerDimension ?? 65535;
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(`${fn}: options.maxWorkgroupsPerDimension must be a positive integer, got ${max}`);
  }
  return max;
}

/**
 * The tiling of a rows × cols output with the least estimated work per reduction step:
 * tiles · (TM·TN multiply-adds, padding included, + TILE_LOAD_COST · (TM + TN) staged loads);
 * ties go to the earlier tiling.
 */
function chooseTiling(rows: number, cols: number): Conv2dTiling {
  let best = CONV2D_TILINGS[0];
  let bestCost = Infinity;
  for (const t of CONV2D_TILINGS) {
    const tm = 4 * t.WG_Y, tn = 4 * t.WG_X;
    const cost = Math.ceil(rows / tm) * Math.ceil(cols / tn) * (tm * tn + TILE_LOAD_COST * (tm + tn));
    if (cost < bestCost) {
      best = t;
      bestCost = cost;
    }
  }
  return best;
}

/** Pixel tiles along x (folded into z past the limit), channel tiles along y. */
function pixelGrid(fn: string, pixels: number, rows: number, t: Conv2dTiling, max: number): { workgroups: [number, number, number]; tiles: number } {
  const tiles = Math.ceil(pixels / (4 * t.WG_X));
  const tilesM = Math.ceil(rows / (4 * t.WG_Y));
  const x = Math.min(tiles, max);
  const z = Math.ceil(tiles / x);
  if (z > max || tilesM > max) {
    throw new RangeError(`${fn}: shape gives ${tiles} × ${tilesM} tiles, past the limit of ${max} workgroups per dimension`);
  }
  return { workgroups: [x, tilesM, z], tiles };
}

/** A 1-D grid of `count` workgroups as x × y within the per-dimension limit. */
function grid(fn: string, count: number, max: number): [number, number] {
  const x = Math.min(count, max);
  const y = Math.ceil(count / x);
  if (y > max) throw new RangeError(`${fn}: ${count} workgroups exceed the limit of ${max} per dimension squared`);
  return [x, y];
}

interface GradWeightPlan {
  tiling: Conv2dTiling;
  tilesR: number;
  tilesM: number;
  splits: number;
  perSplit: number;
}

function planGradWeight(fn: string, s: Sizes, options: Conv2dGradWeightOptions, capacity: number): GradWeightPlan {
  const red = s.cin * s.kk;
  const tiling = chooseTiling(s.cout, red);
  const tilesR = Math.ceil(red / (4 * tiling.WG_X));
  const tilesM = Math.ceil(s.cout / (4 * tiling.WG_Y));
  const chunks = Math.ceil(s.pixels / tiling.TK);
  let splits: number;
  if (options.splits !== undefined) {
    if (!Number.isInteger(options.splits) || options.splits < 1) {
      throw new RangeError(`${fn}: options.splits must be a positive integer, got ${options.splits}`);
    }
    splits = options.splits;
  } else {
    const wanted = Math.ceil(GW_TARGET_WORKGROUPS / (tilesR * tilesM));
    splits = Math.min(wanted, Math.floor(chunks / GW_MIN_CHUNKS_PER_SPLIT));
  }
  // within the scratch, the grid limit and the 32-bit indexing of the partial sums
  splits = Math.max(1, Math.min(splits, chunks, capacity, maxDim(fn, options), Math.floor(I32_MAX / (s.cout * red))));
  if (splits < 2) return { tiling, tilesR, tilesM, splits: 1, perSplit: s.pixels };
  const perSplit = Math.ceil(chunks / splits) * tiling.TK;
  return { tiling, tilesR, tilesM, splits: Math.ceil(s.pixels / perSplit), perSplit };
}
