// 2-D convolution of the paper's CNNs (docs/methods.md#cnn-architecture: Conv2d k×k, stride 1, padding
// (k−1)/2, bias) on WebGPU, NCHW float32, weights [Cout, Cin, K, K] as PyTorch.
// Each function validates its arguments (kernel-args.ts) and returns a pure description of the
// dispatches (DispatchSpec[]): shapes travel as uniforms, tilings as override constants, so one
// pipeline per (shader, tiling) serves every layer. The WGSL lives in shaders/conv2d-*.wgsl;
// the CPU twin in src/train/reference/conv2d.ts.
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import {
  checkConv2dForward, checkConv2dGradInput, checkConv2dGradWeight, checkConv2dGradWeightOptions, checkConv2dShape, checkGrid, type Conv2dSizes,
} from './kernel-args.ts';

/** The shaders the dispatches below use (load them into the GpuRuntime). */
export const CONV2D_SHADERS = [
  'conv2d-forward',
  'conv2d-grad-input',
  'conv2d-grad-weight',
  'conv2d-grad-weight-reduce',
  'conv2d-grad-bias',
] as const;

/** The shared uniform fields of the forward and grad-input GEMMs. */
const CONV2D_FIELDS = {
  n: 'u32', cin: 'u32', cout: 'u32', h: 'u32',
  w: 'u32', k: 'u32', pad: 'u32', hw: 'u32',
  kk: 'u32', red: 'u32', pixels: 'u32', tiles_p: 'u32',
} as const;

/** The uniform structs of shaders/conv2d-*.wgsl. */
export const CONV2D_FORWARD_UNIFORMS = new UniformStruct('conv2d-forward', 'Params', CONV2D_FIELDS);
export const CONV2D_GRAD_INPUT_UNIFORMS = new UniformStruct('conv2d-grad-input', 'Params', CONV2D_FIELDS);
export const CONV2D_GRAD_WEIGHT_UNIFORMS = new UniformStruct('conv2d-grad-weight', 'Params', {
  n: 'u32', cin: 'u32', cout: 'u32', h: 'u32',
  w: 'u32', k: 'u32', pad: 'u32', hw: 'u32',
  kk: 'u32', red: 'u32', pixels: 'u32', tiles_r: 'u32',
  per_split: 'u32', splits: 'u32', _pad0: 'u32', _pad1: 'u32',
});
export const CONV2D_GRAD_WEIGHT_REDUCE_UNIFORMS = new UniformStruct('conv2d-grad-weight-reduce', 'Params', {
  len: 'u32', splits: 'u32', _pad0: 'u32', _pad1: 'u32',
});
export const CONV2D_GRAD_BIAS_UNIFORMS = new UniformStruct('conv2d-grad-bias', 'Params', {
  cout: 'u32', hw: 'u32', pixels: 'u32', _pad0: 'u32',
});

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

/** x [N,Cin,H,W], w [Cout,Cin,K,K], b [Cout] (read); y [N,Cout,H,W] (written). */
export interface Conv2dForwardIo {
  x: GPUBuffer;
  w: GPUBuffer;
  b: GPUBuffer;
  y: GPUBuffer;
}

/** dy [N,Cout,H,W], w [Cout,Cin,K,K] (read); dx [N,Cin,H,W] (written). */
export interface Conv2dGradInputIo {
  dy: GPUBuffer;
  w: GPUBuffer;
  dx: GPUBuffer;
}

/** x [N,Cin,H,W], dy [N,Cout,H,W] (read); dw [Cout,Cin,K,K], db [Cout] (written). */
export interface Conv2dGradWeightIo {
  x: GPUBuffer;
  dy: GPUBuffer;
  dw: GPUBuffer;
  db: GPUBuffer;
  /** conv2dGradWeightScratchBytes(shape) bytes for a split reduction (optional) */
  scratch?: GPUBuffer;
}

export interface Conv2dOptions {
  /** the device's maxComputeWorkgroupsPerDimension (default 65535, the WebGPU minimum) */
  maxWorkgroupsPerDimension?: number;
}

export interface Conv2dGradWeightOptions extends Conv2dOptions {
  /**
   * Slices of the N·H·W reduction (default: chosen from the shape so that the GPU has
   * about GW_TARGET_WORKGROUPS workgroups). More than one needs `io.scratch`; the count is
   * lowered to what `io.scratch` holds.
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
 * @throws RangeError naming the argument when a size is not a positive integer, K is even,
 *   a buffer is too small or aliases the output, or the grid exceeds the device limits;
 *   TypeError when a tensor is missing or unknown
 * @example conv2dForward({ batch: 128, inChannels: 3, outChannels: 128, height: 16, width: 16, kernelSize: 5 }, { x, w, b, y }) // one dispatch
 */
export function conv2dForward(shape: Conv2dShape, io: Conv2dForwardIo, options: Conv2dOptions = {}): DispatchSpec[] {
  const fn = 'conv2dForward';
  const s = checkConv2dForward(shape, io, options);
  const tiling = chooseTiling(s.cout, s.pixels);
  const { workgroups, tiles } = pixelGrid(fn, s.pixels, s.cout, tiling, maxDim(options));
  return [{
    shader: 'conv2d-forward',
    constants: { ...tiling },
    uniforms: CONV2D_FORWARD_UNIFORMS.pack(gemmUniforms(s, s.cin * s.kk, tiles)),
    buffers: [io.x, io.w, io.b, io.y],
    workgroups,
  }];
}

/**
 * Gradient of the loss with respect to the input: dx = full correlation of dy with the
 * flipped kernel (the adjoint of conv2dForward in x), as dispatches.
 * @throws RangeError or TypeError naming the argument, as conv2dForward
 */
export function conv2dGradInput(shape: Conv2dShape, io: Conv2dGradInputIo, options: Conv2dOptions = {}): DispatchSpec[] {
  const fn = 'conv2dGradInput';
  const s = checkConv2dGradInput(shape, io, options);
  const tiling = chooseTiling(s.cin, s.pixels);
  const { workgroups, tiles } = pixelGrid(fn, s.pixels, s.cin, tiling, maxDim(options));
  return [{
    shader: 'conv2d-grad-input',
    constants: { ...tiling },
    uniforms: CONV2D_GRAD_INPUT_UNIFORMS.pack(gemmUniforms(s, s.cout * s.kk, tiles)),
    buffers: [io.dy, io.w, io.dx],
    workgroups,
  }];
}

/**
 * Bytes of `scratch` conv2dGradWeight uses for its split reduction with these options
 * (0 when it does not split). Allocate this once per layer and pass it in.
 */
export function conv2dGradWeightScratchBytes(shape: Conv2dShape, options: Conv2dGradWeightOptions = {}): number {
  const s = checkConv2dShape('conv2dGradWeightScratchBytes', shape);
  checkConv2dGradWeightOptions('conv2dGradWeightScratchBytes', options);
  const plan = planGradWeight(s, options, Infinity);
  return plan.splits > 1 ? plan.splits * s.cout * s.cin * s.kk * 4 : 0;
}

/**
 * Gradients with respect to the weights and the bias, written (not accumulated):
 * dW[co,ci,kh,kw] = Σ_{n,h,w} dy[n,co,h,w]·x[n,ci,h+kh−p,w+kw−p], db[co] = Σ_{n,h,w} dy[n,co,h,w].
 * The N·H·W reduction is split into slices (partial dW in `io.scratch`, then added in a fixed
 * order) when the scratch is given and the layer has few dW tiles; the result is deterministic.
 * @throws RangeError or TypeError naming the argument, as conv2dForward, or when
 *   options.splits is not a positive integer
 */
export function conv2dGradWeight(shape: Conv2dShape, io: Conv2dGradWeightIo, options: Conv2dGradWeightOptions = {}): DispatchSpec[] {
  const fn = 'conv2dGradWeight';
  const s = checkConv2dGradWeight(shape, io, options);
  const red = s.cin * s.kk;
  const len = s.cout * red;
  const capacity = io.scratch ? Math.floor(io.scratch.size / (4 * len)) : 1;
  const plan = planGradWeight(s, options, capacity);
  const max = maxDim(options);
  checkGrid(fn, [plan.tilesR, plan.tilesM], max);
  const split = plan.splits > 1;
  const gemm: DispatchSpec = {
    shader: 'conv2d-grad-weight',
    constants: { ...plan.tiling },
    uniforms: CONV2D_GRAD_WEIGHT_UNIFORMS.pack({
      n: s.n, cin: s.cin, cout: s.cout, h: s.h, w: s.w, k: s.k, pad: s.pad, hw: s.hw, kk: s.kk, red, pixels: s.pixels,
      tiles_r: plan.tilesR, per_split: plan.perSplit, splits: plan.splits,
    }),
    buffers: [io.x, io.dy, split ? io.scratch! : io.dw],
    workgroups: [plan.tilesR, plan.tilesM, plan.splits],
  };
  const specs = [gemm];
  if (split) {
    specs.push({
      shader: 'conv2d-grad-weight-reduce',
      constants: { WG: REDUCE_WG },
      uniforms: CONV2D_GRAD_WEIGHT_REDUCE_UNIFORMS.pack({ len, splits: plan.splits }),
      buffers: [io.scratch!, io.dw],
      workgroups: grid(fn, Math.ceil(len / REDUCE_WG), max),
    });
  }
  specs.push({
    shader: 'conv2d-grad-bias',
    constants: { WG: BIAS_WG },
    uniforms: CONV2D_GRAD_BIAS_UNIFORMS.pack({ cout: s.cout, hw: s.hw, pixels: s.pixels }),
    buffers: [io.dy, io.db],
    workgroups: grid(fn, s.cout, max),
  });
  return specs;
}

// ---------------------------------------------------------------------------------------

/** The uniforms of the forward and grad-input GEMMs; `red` is the length of their reduction. */
function gemmUniforms(s: Conv2dSizes, red: number, tiles: number) {
  return { n: s.n, cin: s.cin, cout: s.cout, h: s.h, w: s.w, k: s.k, pad: s.pad, hw: s.hw, kk: s.kk, red, pixels: s.pixels, tiles_p: tiles };
}

/** The device's workgroups per dimension, as the options give it (checked in kernel-args.ts). */
function maxDim(options: Conv2dOptions): number {
  return options.maxWorkgroupsPerDimension ?? 65535;
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
  checkGrid(fn, [z, tilesM], max, `${tiles} × ${tilesM} tiles`);
  return { workgroups: [x, tilesM, z], tiles };
}

/** A 1-D grid of `count` workgroups as x × y within the per-dimension limit. */
function grid(fn: string, count: number, max: number): [number, number] {
  const x = Math.min(count, max);
  const y = Math.ceil(count / x);
  checkGrid(fn, [y], max, `${count} workgroups (${x} × ${y})`);
  return [x, y];
}

interface GradWeightPlan {
  tiling: Conv2dTiling;
  tilesR: number;
  tilesM: number;
  splits: number;
  perSplit: number;
}

function planGradWeight(s: Conv2dSizes, options: Conv2dGradWeightOptions, capacity: number): GradWeightPlan {
  const red = s.cin * s.kk;
  const tiling = chooseTiling(s.cout, red);
  const tilesR = Math.ceil(red / (4 * tiling.WG_X));
  const tilesM = Math.ceil(s.cout / (4 * tiling.WG_Y));
  const chunks = Math.ceil(s.pixels / tiling.TK);
  let splits: number;
  if (options.splits !== undefined) {
    splits = options.splits;
  } else {
    const wanted = Math.ceil(GW_TARGET_WORKGROUPS / (tilesR * tilesM));
    splits = Math.min(wanted, Math.floor(chunks / GW_MIN_CHUNKS_PER_SPLIT));
  }
  // within the scratch, the grid limit and the 32-bit indexing of the partial sums
  splits = Math.max(1, Math.min(splits, chunks, capacity, maxDim(options), Math.floor(I32_MAX / (s.cout * red))));
  if (splits < 2) return { tiling, tilesR, tilesM, splits: 1, perSplit: s.pixels };
  const perSplit = Math.ceil(chunks / splits) * tiling.TK;
  return { tiling, tilesR, tilesM, splits: Math.ceil(s.pixels / perSplit), perSplit };
}
