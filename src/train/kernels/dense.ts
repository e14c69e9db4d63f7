// Dense (Linear) layers, PyTorch layout W [out, in], as tiled GEMMs (shaders/dense.wgsl):
//   forward   y  = x·Wᵀ + b   (optionally ReLU fused into the epilogue)
//   backward  dx = dy·W,  dW = dyᵀ·x,  db = Σ_n dy
// with split-K for small-output, long-K products (see the shader header).
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import {
  bufferOf, checkBiasGrad, checkDenseBackward, checkDenseForward, checkGemm, checkGemmWorkspace, gridFor, offsetOf, pow2AtLeast, WG, type TensorRef,
} from './kernel-args.ts';

export const DENSE_SHADERS = ['dense'] as const;

/** The uniform struct of shaders/dense.wgsl (all its entry points). */
export const DENSE_UNIFORMS = new UniformStruct('dense', 'GemmParams', {
  m: 'u32', n: 'u32', k: 'u32', lda: 'u32', ldb: 'u32', ldc: 'u32',
  off_a: 'u32', off_b: 'u32', off_c: 'u32', off_bias: 'u32',
  k_per_split: 'u32', split_stride: 'u32', splits: 'u32', flags: 'u32',
});

/** Output tile of one GEMM workgroup, and the K slab. */
export const GEMM_TILE = { m: 64, n: 64, k: 16 } as const;

/** Workgroups a GEMM should reach before splitting K no further; at least 256 K per split. */
const SPLIT_TARGET_GROUPS = 128;
const SPLIT_MIN_K = 256;
const SPLIT_MAX = 32;

/** The epilogue's flags (the WGSL `flags` field). */
const BIAS = 1, ACCUMULATE = 2, RELU = 4;

/** C [M × N] = op(A) [M × K] · op(B) [K × N]. */
export interface GemmShape {
  m: number;
  n: number;
  k: number;
}

export interface GemmIo {
  /** A(i, k): stored [M][K] row-major, or [K][M] with options.aTrans */
  a: TensorRef;
  /** B(k, j): stored [K][N] row-major, or [N][K] with options.bTrans */
  b: TensorRef;
  /** C [M][N] row-major (written) */
  c: TensorRef;
  /** add bias[j] to column j */
  bias?: TensorRef;
  /** scratch of gemmWorkspaceFloats(m, n, k) floats, for split-K */
  workspace?: GPUBuffer;
}

export interface GemmOptions {
  aTrans?: boolean;
  bTrans?: boolean;
  /** row stride of A's storage (default K, or M with aTrans) */
  lda?: number;
  /** row stride of B's storage (default N, or K with bTrans) */
  ldb?: number;
  /** row stride of C (default N) */
  ldc?: number;
  /** C += result instead of C = result */
  accumulate?: boolean;
  /** max(·, 0) last */
  relu?: boolean;
  /** K splits: a number, or 'auto' (default; splits only when a workspace is given) */
  splitK?: number | 'auto';
}

/** Split-K factor chosen for an M×N×K product ('auto'). */
export function gemmSplits(m: number, n: number, k: number): number {
  const tiles = Math.ceil(m / GEMM_TILE.m) * Math.ceil(n / GEMM_TILE.n);
  if (tiles >= SPLIT_TARGET_GROUPS / 2 || k < 2 * SPLIT_MIN_K) return 1;
  const want = Math.min(Math.ceil(SPLIT_TARGET_GROUPS / tiles), Math.floor(k / SPLIT_MIN_K), SPLIT_MAX);
  return normaliseSplits(k, want).splits;
}

function normaliseSplits(k: number, want: number): { splits: number; kPerSplit: number } {
  const slabs = Math.ceil(k / GEMM_TILE.k);
  const per = Math.ceil(slabs / Math.max(1, want)) * GEMM_TILE.k;
  return { splits: Math.ceil(k / per), kPerSplit: per };
}

/** Floats of workspace an M×N×K product needs with `splits` (default: the 'auto' choice). */
export function gemmWorkspaceFloats(m: number, n: number, k: number, splits = gemmSplits(m, n, k)): number {
  return splits > 1 ? normaliseSplits(k, splits).splits * m * n : 0;
}

/**
 * C = op(A)·op(B) (+ bias) (+ C) (ReLU): one GEMM dispatch, or, split over K, one GEMM dispatch
 * into the workspace and one deterministic reduction applying the epilogue.
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts), also when a split
 *   over K lacks its workspace
 * @example gemm({ m: 3, n: 10, k: 600 }, { a: x, b: w, c: y, bias }, { bTrans: true }) // y = x·wᵀ + bias
 */
export function gemm(shape: GemmShape, io: GemmIo, options: GemmOptions = {}): DispatchSpec[] {
  checkGemm(shape, io, options);
  const { m, n, k } = shape;
  const aTrans = options.aTrans ?? false, bTrans = options.bTrans ?? false;
  const lda = options.lda ?? (aTrans ? m : k), ldb = options.ldb ?? (bTrans ? k : n), ldc = options.ldc ?? n;
  const want = options.splitK === undefined || options.splitK === 'auto' ? (io.workspace ? gemmSplits(m, n, k) : 1) : options.splitK;
  const { splits, kPerSplit } = normaliseSplits(k, want);
  checkGemmWorkspace('gemm', io.workspace, splits, m, n, options.splitK);
  const flags = (io.bias ? BIAS : 0) | (options.accumulate ? ACCUMULATE : 0) | (options.relu ? RELU : 0);
  const a = bufferOf(io.a), b = bufferOf(io.b), c = bufferOf(io.c);
  const bias = io.bias ? bufferOf(io.bias) : a; // unused binding: any read-only buffer
  const constants = { A_TRANS: aTrans ? 1 : 0, B_TRANS: bTrans ? 1 : 0 };
  const tiles: [number, number, number] = [Math.ceil(n / GEMM_TILE.n), Math.ceil(m / GEMM_TILE.m), splits];
  const u = (offC: number, ldC: number, stride: number, fl: number) => DENSE_UNIFORMS.pack({
    m, n, k, lda, ldb, ldc: ldC, off_a: offsetOf(io.a), off_b: offsetOf(io.b), off_c: offC, off_bias: io.bias ? offsetOf(io.bias) : 0,
    k_per_split: kPerSplit, split_stride: stride, splits, flags: fl,
  });
  if (splits === 1) {
    return [{ shader: 'dense', entry: 'gemm', constants, uniforms: u(offsetOf(io.c), ldc, 0, flags), buffers: [a, b, bias, c], workgroups: tiles }];
  }
  const ws = io.workspace!;
  return [
    { shader: 'dense', entry: 'gemm', constants, uniforms: u(0, n, m * n, 0), buffers: [a, b, bias, ws], workgroups: tiles },
    { shader: 'dense', entry: 'splitk_reduce', constants: { WG }, uniforms: u(offsetOf(io.c), ldc, 0, flags), buffers: [ws, bias, c], workgroups: gridFor(m * n) },
  ];
}

/** db [cols] = Σ over the rows of dy [rows × cols]. */
export interface BiasGradShape {
  rows: number;
  cols: number;
}

export interface BiasGradIo {
  dy: TensorRef;
  db: TensorRef;
}

export interface BiasGradOptions {
  /** db += the sums instead of db = the sums */
  accumulate?: boolean;
}

/**
 * db[j] = Σ_i dy[i, j] over an [rows × cols] matrix (+ db with accumulate).
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 */
export function biasGrad(shape: BiasGradShape, io: BiasGradIo, options: BiasGradOptions = {}): DispatchSpec[] {
  checkBiasGrad(shape, io, options);
  const { rows, cols } = shape;
  const colsPerGroup = pow2AtLeast(cols, 64);
  return [{
    shader: 'dense', entry: 'bias_grad', constants: { WG, COLS: colsPerGroup },
    uniforms: DENSE_UNIFORMS.pack({
      m: rows, n: cols, k: 0, lda: cols, ldb: 0, ldc: 0, off_a: offsetOf(io.dy), off_b: 0, off_c: offsetOf(io.db), off_bias: 0,
      k_per_split: 0, split_stride: 0, splits: 1, flags: options.accumulate ? ACCUMULATE : 0,
    }),
    buffers: [bufferOf(io.dy), bufferOf(io.db)], workgroups: [Math.ceil(cols / colsPerGroup)],
  }];
}

export interface DenseShape {
  batch: number;
  inFeatures: number;
  outFeatures: number;
}

export interface DenseForwardIo {
  /** [batch, in] */
  x: TensorRef;
  /** [out, in] */
  weight: TensorRef;
  /** [out] */
  bias?: TensorRef;
  /** [batch, out] (written) */
  y: TensorRef;
  /** scratch of denseWorkspaceFloats(shape) floats enables split-K */
  workspace?: GPUBuffer;
}

export interface DenseForwardOptions {
  /** fuse ReLU into the epilogue */
  relu?: boolean;
}

/**
 * y = x·Wᵀ + b (ReLU).
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 * @example denseForward({ batch: 8, inFeatures: 33, outFeatures: 17 }, { x, weight, bias, y }, { relu: true }) // one dispatch
 */
export function denseForward(shape: DenseShape, io: DenseForwardIo, options: DenseForwardOptions = {}): DispatchSpec[] {
  checkDenseForward(shape, io, options);
  return gemm(
    { m: shape.batch, n: shape.outFeatures, k: shape.inFeatures },
    { a: io.x, b: io.weight, c: io.y, bias: io.bias, workspace: io.workspace },
    { bTrans: true, relu: options.relu },
  );
}

export interface DenseBackwardIo {
  x: TensorRef;
  weight: TensorRef;
  /** [batch, out]: the gradient at the layer's output (after any ReLU backward) */
  dy: TensorRef;
  /** [batch, in]; omitted for the first layer */
  dx?: TensorRef;
  /** [out, in] */
  dweight?: TensorRef;
  /** [out] */
  dbias?: TensorRef;
  workspace?: GPUBuffer;
}

export interface DenseBackwardOptions {
  /** add into dweight and dbias instead of overwriting */
  accumulate?: boolean;
}

/**
 * dx = dy·W, dW = dyᵀ·x, db = Σ_n dy (each only when its output is given).
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 */
export function denseBackward(shape: DenseShape, io: DenseBackwardIo, options: DenseBackwardOptions = {}): DispatchSpec[] {
  checkDenseBackward(shape, io, options);
  const { batch, inFeatures, outFeatures } = shape;
  const specs: DispatchSpec[] = [];
  if (io.dx) specs.push(...gemm({ m: batch, n: inFeatures, k: outFeatures }, { a: io.dy, b: io.weight, c: io.dx, workspace: io.workspace }));
  if (io.dweight) {
    specs.push(...gemm({ m: outFeatures, n: inFeatures, k: batch }, { a: io.dy, b: io.x, c: io.dweight, workspace: io.workspace }, { aTrans: true, accumulate: options.accumulate }));
  }
  if (io.dbias) specs.push(...biasGrad({ rows: batch, cols: outFeatures }, { dy: io.dy, db: io.dbias }, { accumulate: options.accumulate }));
  return specs;
}

/**
 * Workspace floats for split-K in the forward and backward of a layer (0: none needed). One
 * buffer serves all of them: the dispatches of one layer run in order.
 */
export function denseWorkspaceFloats(s: DenseShape): number {
  return Math.max(
    gemmWorkspaceFloats(s.batch, s.outFeatures, s.inFeatures),
    gemmWorkspaceFloats(s.batch, s.inFeatures, s.outFeatures),
    gemmWorkspaceFloats(s.outFeatures, s.inFeatures, s.batch),
  );
}

/**
 * Workspace floats for every batch of up to `s.batch` rows. A smaller batch can need more than
 * a full one: with fewer row tiles the product is split over more K slices (batch 151 of a
 * 2048 -> 356 layer needs 430,048 floats, batch 200 only 427,200), so a buffer for a training's
 * last, partial batch and its evaluation batches is sized by this, not by the full batch alone.
 */
export function denseWorkspaceFloatsUpTo(s: DenseShape): number {
  let most = 0;
  for (let b = 1; b <= s.batch; b++) most = Math.max(most, denseWorkspaceFloats({ ...s, batch: b }));
  return most;
}
