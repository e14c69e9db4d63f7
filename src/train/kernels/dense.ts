// Dense (Linear) layers, PyTorch layout W [out, in], as tiled GEMMs (shaders/dense.wgsl):
//   forward   y  = x·Wᵀ + b   (optionally ReLU fused into the epilogue)
//   backward  dx = dy·W,  dW = dyᵀ·x,  db = Σ_n dy
// with split-K for small-output, long-K products (see the shader header).
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';
import { bufferOf, checkDistinct, checkInt, checkSize, gridFor, offsetOf, pow2AtLeast, WG, type TensorRef } from './kernel-args.ts';

export const DENSE_SHADERS = ['dense'] as const;

/** Output tile of one GEMM workgroup, and the K slab. */
export const GEMM_TILE = { m: 64, n: 64, k: 16 } as const;

/** Workgroups a GEMM should reach before splitting K no further; at least 256 K per split. */
const SPLIT_TARGET_GROUPS = 128;
const SPLIT_MIN_K = 256;
const SPLIT_MAX = 32;

export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  /** A(i, k): stored [M][K] row-major, or [K][M] with aTrans */
  a: TensorRef;
  aTrans?: boolean;
  /** row stride of A's storage (default K, or M with aTrans) */
  lda?: number;
  /** B(k, j): stored [K][N] row-major, or [N][K] with bTrans */
  b: TensorRef;
  bTrans?: boolean;
  ldb?: number;
  /** C [M][N] row-major */
  c: TensorRef;
  ldc?: number;
  /** add bias[j] to column j */
  bias?: TensorRef;
  /** C += result instead of C = result */
  accumulate?: boolean;
  /** max(·, 0) last */
  relu?: boolean;
  /** K splits: a number, or 'auto' (default; splits only when a workspace is given) */
  splitK?: number | 'auto';
  /** scratch of gemmWorkspaceFloats(m, n, k) floats, for split-K */
  workspace?: GPUBuffer;
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
 */
export function gemm(g: GemmArgs): DispatchSpec[] {
  checkInt('gemm', 'm', g.m);
  checkInt('gemm', 'n', g.n);
  checkInt('gemm', 'k', g.k);
  const aTrans = g.aTrans ?? false, bTrans = g.bTrans ?? false;
  const lda = g.lda ?? (aTrans ? g.m : g.k), ldb = g.ldb ?? (bTrans ? g.k : g.n), ldc = g.ldc ?? g.n;
  let want = g.splitK === undefined || g.splitK === 'auto' ? (g.workspace ? gemmSplits(g.m, g.n, g.k) : 1) : g.splitK;
  checkInt('gemm', 'splitK', want, 1, 65535);
  const { splits, kPerSplit } = normaliseSplits(g.k, want);
  if (splits > 1 && !g.workspace) throw new RangeError(`gemm: splitK = ${want} needs a workspace of ${splits * g.m * g.n} floats`);
  checkSize('gemm', 'a', g.a, aTrans ? (g.k - 1) * lda + g.m : (g.m - 1) * lda + g.k);
  checkSize('gemm', 'b', g.b, bTrans ? (g.n - 1) * ldb + g.k : (g.k - 1) * ldb + g.n);
  checkSize('gemm', 'c', g.c, (g.m - 1) * ldc + g.n);
  if (g.bias) checkSize('gemm', 'bias', g.bias, g.n);
  if (splits > 1) checkSize('gemm', 'workspace', g.workspace!, splits * g.m * g.n);
  checkDistinct('gemm', { c: g.c, workspace: splits > 1 ? g.workspace : undefined }, { a: g.a, b: g.b, bias: g.bias });
  const flags = (g.bias ? 1 : 0) | (g.accumulate ? 2 : 0) | (g.relu ? 4 : 0);
  const a = bufferOf(g.a), b = bufferOf(g.b), c = bufferOf(g.c);
  const bias = g.bias ? bufferOf(g.bias) : a; // unused binding: any read-only buffer
  const constants = { A_TRANS: aTrans ? 1 : 0, B_TRANS: bTrans ? 1 : 0 };
  const tiles: [number, number, number] = [Math.ceil(g.n / GEMM_TILE.n), Math.ceil(g.m / GEMM_TILE.m), splits];
  const u = (offC: number, ldC: number, stride: number, fl: number) =>
    packUniforms([g.m, g.n, g.k, lda, ldb, ldC, offsetOf(g.a), offsetOf(g.b), offC, g.bias ? offsetOf(g.bias) : 0, kPerSplit, stride, splits, fl]);
  if (splits === 1) {
    return [{ shader: 'dense', entry: 'gemm', constants, uniforms: u(offsetOf(g.c), ldc, 0, flags), buffers: [a, b, bias, c], workgroups: tiles }];
  }
  const ws = g.workspace!;
  return [
    { shader: 'dense', entry: 'gemm', constants, uniforms: u(0, g.n, g.m * g.n, 0), buffers: [a, b, bias, ws], workgroups: tiles },
    { shader: 'dense', entry: 'splitk_reduce', constants: { WG }, uniforms: u(offsetOf(g.c), ldc, 0, flags), buffers: [ws, bias, c], workgroups: gridFor(g.m * g.n) },
  ];
}

/** db[j] = Σ_i dy[i, j] over an [rows × cols] matrix (+ db with accumulate). */
export function biasGrad(rows: number, cols: number, dy: TensorRef, db: TensorRef, accumulate = false): DispatchSpec[] {
  checkInt('biasGrad', 'rows', rows);
  checkInt('biasGrad', 'cols', cols);
  checkSize('biasGrad', 'dy', dy, rows * cols);
  checkSize('biasGrad', 'db', db, cols);
  checkDistinct('biasGrad', { db }, { dy });
  const colsPerGroup = pow2AtLeast(cols, 64);
  return [{
    shader: 'dense', entry: 'bias_grad', constants: { WG, COLS: colsPerGroup },
    uniforms: packUniforms([rows, cols, 0, cols, 0, 0, offsetOf(dy), 0, offsetOf(db), 0, 0, 0, 1, accumulate ? 2 : 0]),
    buffers: [bufferOf(dy), bufferOf(db)], workgroups: [Math.ceil(cols / colsPerGroup)],
  }];
}

export interface DenseShape {
  batch: number;
  inFeatures: number;
  outFeatures: number;
}

export interface DenseForwardArgs extends DenseShape {
  /** [batch, in] */
  x: GPUBuffer;
  /** [out, in] */
  weight: TensorRef;
  /** [out] */
  bias?: TensorRef;
  /** [batch, out] */
  y: GPUBuffer;
  /** fuse ReLU into the epilogue */
  relu?: boolean;
  /** scratch of denseWorkspaceFloats(shape) floats enables split-K */
  workspace?: GPUBuffer;
}

/** y = x·Wᵀ + b (ReLU). */
export function denseForward(f: DenseForwardArgs): DispatchSpec[] {
  return gemm({
    m: f.batch, n: f.outFeatures, k: f.inFeatures, a: f.x, b: f.weight, bTrans: true, c: f.y,
    bias: f.bias, relu: f.relu, workspace: f.workspace,
  });
}

export interface DenseBackwardArgs extends DenseShape {
  x: GPUBuffer;
  weight: TensorRef;
  /** [batch, out]: the gradient at the layer's output (after any ReLU backward) */
  dy: GPUBuffer;
  /** [batch, in]; omitted for the first layer */
  dx?: GPUBuffer;
  /** [out, in] */
  dweight?: TensorRef;
  /** [out] */
  dbias?: TensorRef;
  /** add into dweight and dbias instead of overwriting */
  accumulate?: boolean;
  workspace?: GPUBuffer;
}

/** dx = dy·W, dW = dyᵀ·x, db = Σ_n dy (each only when its output is given). */
export function denseBackward(b: DenseBackwardArgs): DispatchSpec[] {
  const specs: DispatchSpec[] = [];
  if (b.dx) specs.push(...gemm({ m: b.batch, n: b.inFeatures, k: b.outFeatures, a: b.dy, b: b.weight, c: b.dx, workspace: b.workspace }));
  if (b.dweight) {
    specs.push(...gemm({ m: b.outFeatures, n: b.inFeatures, k: b.batch, a: b.dy, aTrans: true, b: b.x, c: b.dweight, accumulate: b.accumulate, workspace: b.workspace }));
  }
  if (b.dbias) specs.push(...biasGrad(b.batch, b.outFeatures, b.dy, b.dbias, b.accumulate));
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
