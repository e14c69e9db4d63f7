// The argument checks of every GPU kernel host function in this folder, and the helpers they
// share: tensor references with element offsets (so that every parameter and gradient of a
// network can live in one flat buffer), 1-D dispatches split over a 2-D grid.
//
// Every op has one call shape, op(shape, io, options?) => DispatchSpec[] (shape: the sizes;
// io: the named tensors; options: optional scalars and flags), and validates its arguments
// here, in one check<Op> call, before it builds its program description: tfjs's and
// onnxruntime-web's rhythm of validate at the edge, build a pure description, dispatch; the
// kernels and shaders trust their inputs. Errors are a RangeError (a value out of range, a
// buffer too small, an output sharing a buffer) or a TypeError (a missing or unknown argument,
// the wrong kind of value) whose message starts with the op's name and names the argument.
import type { AccuracyIo, AccuracyOptions, AccuracyShape } from './accuracy.ts';
import type { AdamIo, AdamShape, AdamStepOptions } from './adam.ts';
import type { AugmentIo, AugmentShape, MixTargetsIo, MixTargetsShape } from './augment.ts';
import type {
  BatchNormBackwardIo, BatchNormEvalOptions, BatchNormForwardEvalIo, BatchNormForwardTrainIo, BatchNormOptions, BatchNormShape,
} from './batchnorm.ts';
import type {
  Conv2dForwardIo, Conv2dGradInputIo, Conv2dGradWeightIo, Conv2dGradWeightOptions, Conv2dOptions, Conv2dShape,
} from './conv2d.ts';
import type {
  BiasGradIo, BiasGradOptions, BiasGradShape, DenseBackwardIo, DenseBackwardOptions, DenseForwardIo, DenseForwardOptions, DenseShape,
  GemmIo, GemmOptions, GemmShape,
} from './dense.ts';
import type { GatherBatchIo, GatherBatchOptions, GatherBatchShape } from './gather-batch.ts';
import type { GapBackwardIo, GapForwardIo, GapShape } from './global-avg-pool.ts';
import type { PoolBackwardIo, PoolForwardIo, PoolShape } from './maxpool2x2.ts';
import type { ReluBackwardIo, ReluForwardIo, ReluShape } from './relu.ts';
import type { LossOptions, LossShape, MseLossIo, SoftCrossEntropyIo, SoftmaxCrossEntropyIo } from './softmax-cross-entropy.ts';

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

// ---- the generic checks ------------------------------------------------------------------

const U32_MAX = 0xffffffff;
const I32_MAX = 2 ** 31 - 1;

function checkObject(fn: string, name: string, v: unknown): asserts v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) throw new TypeError(`${fn}: ${name} must be an object, got ${v === null ? 'null' : typeof v}`);
}

function checkKnown(fn: string, name: string, v: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(v)) {
    if (!known.includes(key)) throw new TypeError(`${fn}: ${name}.${key} is not an argument of ${fn} (${name} takes ${known.join(', ')})`);
  }
}

/**
 * Throw unless `shape` is an object of integer sizes, each within its [min, max] (max default
 * 2^32 − 1, the range of a u32 uniform), and names no other field.
 */
export function checkShape(fn: string, shape: unknown, ranges: Readonly<Record<string, readonly [min: number, max?: number]>>): void {
  checkObject(fn, 'shape', shape);
  checkKnown(fn, 'shape', shape, Object.keys(ranges));
  for (const [k, [min, max = U32_MAX]] of Object.entries(ranges)) checkInt(fn, `shape.${k}`, shape[k] as number, min, max);
}

/** One option: its kind, its range (numbers: inclusive min, max or exclusive below), whether required. */
export type OptionRule =
  | { type: 'boolean'; required?: boolean }
  | { type: 'number' | 'integer'; min?: number; max?: number; below?: number; required?: boolean }
  | { type: 'enum'; values: readonly string[]; required?: boolean }
  | { type: 'integer-or'; word: string; min: number; max: number; required?: boolean };

/**
 * Throw unless `options` (undefined meaning {}) holds only the named options, each of its kind
 * and range when given, and every required one.
 */
export function checkOptions(fn: string, options: unknown, rules: Readonly<Record<string, OptionRule>>): void {
  if (options === undefined) options = {};
  checkObject(fn, 'options', options);
  checkKnown(fn, 'options', options, Object.keys(rules));
  for (const [k, rule] of Object.entries(rules)) {
    const v = options[k];
    const name = `options.${k}`;
    if (v === undefined) {
      if (rule.required) throw new TypeError(`${fn}: ${name} is required`);
      continue;
    }
    switch (rule.type) {
      case 'boolean':
        if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${name} must be a boolean, got ${v}`);
        break;
      case 'enum':
        if (!rule.values.includes(v as string)) throw new RangeError(`${fn}: ${name} must be one of ${rule.values.map((s) => `'${s}'`).join(', ')}, got ${v}`);
        break;
      case 'integer-or':
        if (v !== rule.word) checkInt(fn, name, v as number, rule.min, rule.max);
        break;
      default: {
        const { min = -Infinity, max = Infinity, below = Infinity } = rule;
        const ok = typeof v === 'number' && (rule.type === 'integer' ? Number.isInteger(v) : Number.isFinite(v)) && v >= min && v <= max && v < below;
        if (!ok) {
          const range = `${Number.isFinite(min) ? `[${min}` : '(−∞'}, ${below < Infinity ? `${below})` : Number.isFinite(max) ? `${max}]` : '∞)'}`;
          throw new RangeError(`${fn}: ${name} must be ${rule.type === 'integer' ? 'an integer' : 'a finite number'} in ${range}, got ${v}`);
        }
      }
    }
  }
}

/** What an op needs of one of its named tensors. */
export interface TensorNeed {
  /** 32-bit elements the kernels touch past the tensor's offset */
  elements: number;
  /** written by the dispatches, so it may share its buffer with no other tensor */
  written?: boolean;
  /** may be omitted */
  optional?: boolean;
  /** may carry an element offset ({ buffer, offset }); otherwise it must be a GPUBuffer */
  offset?: boolean;
  /**
   * tensors naming the same binding are read through one binding of the shader: they must lie
   * in one buffer, and they count as one tensor for the aliasing rules
   */
  binding?: string;
  /** omitted, or the same tensor as io[inPlaceOf]: the op then works in place, writing that tensor */
  inPlaceOf?: string;
}

function checkTensor(fn: string, name: string, t: unknown, offsets: boolean): asserts t is TensorRef {
  const kind = offsets ? 'a GPUBuffer or { buffer, offset }' : 'a GPUBuffer';
  if (typeof t !== 'object' || t === null) throw new TypeError(`${fn}: ${name} must be ${kind}, got ${t === null ? 'null' : typeof t}`);
  let buffer: unknown = t;
  if ('offset' in t) {
    if (!offsets) throw new TypeError(`${fn}: ${name} must be a GPUBuffer (this kernel takes no element offset)`);
    const ref = t as { buffer?: unknown; offset: unknown };
    checkInt(fn, `${name}.offset`, ref.offset as number, 0, I32_MAX);
    buffer = ref.buffer;
  }
  if (typeof buffer !== 'object' || buffer === null || typeof (buffer as GPUBuffer).size !== 'number') {
    throw new TypeError(`${fn}: ${name} must be ${kind}`);
  }
}

/**
 * Throw unless `io` holds every tensor of `needs` that is not optional, and no other; each a
 * GPUBuffer (or, where allowed, a buffer and an element offset) that holds the elements it
 * needs; tensors of one binding in one buffer; and no written tensor sharing a buffer with
 * another binding of the same dispatch.
 * @param dispatches the tensors each dispatch binds, when an op's dispatches bind different
 *   sets (default: one set of all)
 */
export function checkIo(fn: string, io: unknown, needs: Readonly<Record<string, TensorNeed>>, dispatches?: readonly (readonly string[])[]): void {
  checkObject(fn, 'io', io);
  checkKnown(fn, 'io', io, Object.keys(needs));
  const inPlace = new Set<string>();
  for (const [name, need] of Object.entries(needs)) {
    if (need.inPlaceOf !== undefined && (io[name] === undefined || io[name] === io[need.inPlaceOf])) inPlace.add(name);
  }
  /** the first tensor of each binding, and whether any tensor of the binding is written */
  const bindings = new Map<string, { name: string; t: TensorRef; written: boolean }>();
  for (const [name, need] of Object.entries(needs)) {
    if (inPlace.has(name)) continue;
    const t = io[name];
    if (t === undefined) {
      if (need.optional) continue;
      throw new TypeError(`${fn}: io.${name} is required`);
    }
    checkTensor(fn, `io.${name}`, t, need.offset ?? false);
    checkSize(fn, `io.${name}`, t, need.elements);
    const written = need.written === true || [...inPlace].some((k) => needs[k].inPlaceOf === name);
    const key = need.binding ?? name;
    const first = bindings.get(key);
    if (!first) bindings.set(key, { name: `io.${name}`, t, written });
    else if (bufferOf(first.t) !== bufferOf(t)) throw new RangeError(`${fn}: io.${name} must lie in the buffer of ${first.name} (one binding of the shader)`);
    else first.written ||= written;
  }
  for (const set of dispatches ?? [Object.keys(needs)]) {
    const outputs: Record<string, TensorRef> = {}, inputs: Record<string, TensorRef> = {};
    for (const key of new Set(set.map((name) => needs[name].binding ?? name))) {
      const b = bindings.get(key);
      if (b) (b.written ? outputs : inputs)[b.name] = b.t;
    }
    checkDistinct(fn, outputs, inputs);
  }
}

/**
 * Throw a RangeError unless a grid of workgroups fits `max` per dimension.
 * @param what how the op names the grid in the message ("1024 × 1 tiles")
 */
export function checkGrid(fn: string, dims: readonly number[], max: number, what = `a grid of ${dims.join(' × ')} workgroups`): void {
  if (dims.some((d) => d > max)) throw new RangeError(`${fn}: shape gives ${what}, past the limit of ${max} workgroups per dimension`);
}

/** Throw a RangeError unless the largest tensor of a shape is indexable with 32-bit signed integers. */
function checkIndexable(fn: string, elements: readonly number[]): void {
  const biggest = Math.max(...elements);
  if (biggest > I32_MAX) throw new RangeError(`${fn}: shape gives ${biggest} elements in one tensor, past the 32-bit indexing of the kernels`);
}

// ---- relu ----------------------------------------------------------------------------------

export function checkReluForward(shape: ReluShape, io: ReluForwardIo): void {
  const fn = 'reluForward';
  checkShape(fn, shape, { n: [1] });
  checkIo(fn, io, { x: { elements: shape.n }, y: { elements: shape.n, written: true, inPlaceOf: 'x' } });
}

export function checkReluBackward(shape: ReluShape, io: ReluBackwardIo): void {
  const fn = 'reluBackward';
  checkShape(fn, shape, { n: [1] });
  checkIo(fn, io, { y: { elements: shape.n }, dy: { elements: shape.n }, dx: { elements: shape.n, written: true, inPlaceOf: 'dy' } });
}

// ---- conv2d --------------------------------------------------------------------------------

/** The sizes of a convolution that its dispatches use, derived once from a checked Conv2dShape. */
export interface Conv2dSizes {
  n: number; cin: number; cout: number; h: number; w: number; k: number;
  /** (K − 1)/2 */
  pad: number;
  /** H·W */
  hw: number;
  /** K² */
  kk: number;
  /** N·H·W */
  pixels: number;
}

const CONV2D_SHAPE = { batch: [1], inChannels: [1], outChannels: [1], height: [1], width: [1], kernelSize: [1] } as const;

/** Check a convolution's shape (K odd, H and W below 2^20, 32-bit indexable tensors) and derive its sizes. */
export function checkConv2dShape(fn: string, shape: Conv2dShape): Conv2dSizes {
  checkShape(fn, shape, CONV2D_SHAPE);
  const { batch: n, inChannels: cin, outChannels: cout, height: h, width: w, kernelSize: k } = shape;
  if (k % 2 === 0) throw new RangeError(`${fn}: shape.kernelSize must be odd ("same" padding (K−1)/2), got ${k}`);
  // the shaders mark out-of-range pixels and taps with a coordinate of −2^20
  if (h >= 1 << 20 || w >= 1 << 20) throw new RangeError(`${fn}: shape.height and shape.width must be below 2^20, got ${h}×${w}`);
  checkIndexable(fn, [n * cin * h * w, n * cout * h * w, cout * cin * k * k]);
  return { n, cin, cout, h, w, k, pad: (k - 1) / 2, hw: h * w, kk: k * k, pixels: n * h * w };
}

const CONV2D_OPTIONS = { maxWorkgroupsPerDimension: { type: 'integer', min: 1 } } as const satisfies Record<string, OptionRule>;
const CONV2D_GW_OPTIONS = { ...CONV2D_OPTIONS, splits: { type: 'integer', min: 1 } } as const satisfies Record<string, OptionRule>;

/** Check options of the grad-weight convolution (also for conv2dGradWeightScratchBytes). */
export function checkConv2dGradWeightOptions(fn: string, options: Conv2dGradWeightOptions | undefined): void {
  checkOptions(fn, options, CONV2D_GW_OPTIONS);
}

export function checkConv2dForward(shape: Conv2dShape, io: Conv2dForwardIo, options?: Conv2dOptions): Conv2dSizes {
  const fn = 'conv2dForward';
  const s = checkConv2dShape(fn, shape);
  checkOptions(fn, options, CONV2D_OPTIONS);
  checkIo(fn, io, {
    x: { elements: s.n * s.cin * s.hw }, w: { elements: s.cout * s.cin * s.kk }, b: { elements: s.cout },
    y: { elements: s.n * s.cout * s.hw, written: true },
  });
  return s;
}

export function checkConv2dGradInput(shape: Conv2dShape, io: Conv2dGradInputIo, options?: Conv2dOptions): Conv2dSizes {
  const fn = 'conv2dGradInput';
  const s = checkConv2dShape(fn, shape);
  checkOptions(fn, options, CONV2D_OPTIONS);
  checkIo(fn, io, { dy: { elements: s.n * s.cout * s.hw }, w: { elements: s.cout * s.cin * s.kk }, dx: { elements: s.n * s.cin * s.hw, written: true } });
  return s;
}

/** Checks conv2dGradWeight's arguments; the scratch, of any size, bounds the number of slices. */
export function checkConv2dGradWeight(shape: Conv2dShape, io: Conv2dGradWeightIo, options?: Conv2dGradWeightOptions): Conv2dSizes {
  const fn = 'conv2dGradWeight';
  const s = checkConv2dShape(fn, shape);
  checkConv2dGradWeightOptions(fn, options);
  checkIo(fn, io, {
    x: { elements: s.n * s.cin * s.hw }, dy: { elements: s.n * s.cout * s.hw },
    dw: { elements: s.cout * s.cin * s.kk, written: true }, db: { elements: s.cout, written: true },
    scratch: { elements: 0, written: true, optional: true },
  });
  return s;
}

// ---- dense ---------------------------------------------------------------------------------

const GEMM_OPTIONS = {
  aTrans: { type: 'boolean' }, bTrans: { type: 'boolean' },
  lda: { type: 'integer', min: 1, max: U32_MAX }, ldb: { type: 'integer', min: 1, max: U32_MAX }, ldc: { type: 'integer', min: 1, max: U32_MAX },
  accumulate: { type: 'boolean' }, relu: { type: 'boolean' },
  splitK: { type: 'integer-or', word: 'auto', min: 1, max: 65535 },
} as const satisfies Record<string, OptionRule>;

/**
 * Checks gemm's arguments but the workspace's size, which depends on the split of K the op
 * plans: checkGemmWorkspace checks that.
 */
export function checkGemm(shape: GemmShape, io: GemmIo, options?: GemmOptions): void {
  const fn = 'gemm';
  checkShape(fn, shape, { m: [1], n: [1], k: [1] });
  checkOptions(fn, options, GEMM_OPTIONS);
  const { m, n, k } = shape;
  const o = options ?? {};
  const lda = o.lda ?? (o.aTrans ? m : k), ldb = o.ldb ?? (o.bTrans ? k : n), ldc = o.ldc ?? n;
  if (lda < (o.aTrans ? m : k)) throw new RangeError(`${fn}: options.lda must be at least ${o.aTrans ? 'M' : 'K'} = ${o.aTrans ? m : k}, got ${lda}`);
  if (ldb < (o.bTrans ? k : n)) throw new RangeError(`${fn}: options.ldb must be at least ${o.bTrans ? 'K' : 'N'} = ${o.bTrans ? k : n}, got ${ldb}`);
  if (ldc < n) throw new RangeError(`${fn}: options.ldc must be at least N = ${n}, got ${ldc}`);
  checkIo(fn, io, {
    a: { elements: o.aTrans ? (k - 1) * lda + m : (m - 1) * lda + k, offset: true },
    b: { elements: o.bTrans ? (n - 1) * ldb + k : (k - 1) * ldb + n, offset: true },
    bias: { elements: n, offset: true, optional: true },
    c: { elements: (m - 1) * ldc + n, offset: true, written: true },
    workspace: { elements: 0, written: true, optional: true },
  });
}

/** Throw unless a product split `splits` ways over K has a workspace of splits·M·N floats. */
export function checkGemmWorkspace(fn: string, workspace: GPUBuffer | undefined, splits: number, m: number, n: number, splitK: number | 'auto' | undefined): void {
  if (splits <= 1) return;
  if (!workspace) throw new RangeError(`${fn}: options.splitK = ${splitK} needs io.workspace of ${splits * m * n} floats`);
  checkSize(fn, 'io.workspace', workspace, splits * m * n);
}

export function checkBiasGrad(shape: BiasGradShape, io: BiasGradIo, options?: BiasGradOptions): void {
  const fn = 'biasGrad';
  checkShape(fn, shape, { rows: [1], cols: [1] });
  checkOptions(fn, options, { accumulate: { type: 'boolean' } });
  checkIo(fn, io, { dy: { elements: shape.rows * shape.cols, offset: true }, db: { elements: shape.cols, offset: true, written: true } });
}

const DENSE_SHAPE = { batch: [1], inFeatures: [1], outFeatures: [1] } as const;

export function checkDenseForward(shape: DenseShape, io: DenseForwardIo, options?: DenseForwardOptions): void {
  const fn = 'denseForward';
  checkShape(fn, shape, DENSE_SHAPE);
  checkOptions(fn, options, { relu: { type: 'boolean' } });
  const { batch, inFeatures: nin, outFeatures: nout } = shape;
  checkIo(fn, io, {
    x: { elements: batch * nin, offset: true }, weight: { elements: nout * nin, offset: true }, bias: { elements: nout, offset: true, optional: true },
    y: { elements: batch * nout, offset: true, written: true }, workspace: { elements: 0, written: true, optional: true },
  });
}

export function checkDenseBackward(shape: DenseShape, io: DenseBackwardIo, options?: DenseBackwardOptions): void {
  const fn = 'denseBackward';
  checkShape(fn, shape, DENSE_SHAPE);
  checkOptions(fn, options, { accumulate: { type: 'boolean' } });
  const { batch, inFeatures: nin, outFeatures: nout } = shape;
  checkIo(fn, io, {
    x: { elements: batch * nin, offset: true }, weight: { elements: nout * nin, offset: true }, dy: { elements: batch * nout, offset: true },
    dx: { elements: batch * nin, offset: true, written: true, optional: true },
    dweight: { elements: nout * nin, offset: true, written: true, optional: true },
    dbias: { elements: nout, offset: true, written: true, optional: true },
    workspace: { elements: 0, written: true, optional: true },
  }, [['dy', 'weight', 'dx', 'workspace'], ['dy', 'x', 'dweight', 'workspace'], ['dy', 'dbias']]);
}

// ---- adam ----------------------------------------------------------------------------------

export function checkAdamStep(shape: AdamShape, io: AdamIo, options: AdamStepOptions): void {
  const fn = 'adamStep';
  checkShape(fn, shape, { n: [1] });
  checkOptions(fn, options, {
    t: { type: 'integer', min: 1, max: U32_MAX, required: true },
    lr: { type: 'number', min: 0, required: true },
    beta1: { type: 'number', min: 0, below: 1 }, beta2: { type: 'number', min: 0, below: 1 },
    eps: { type: 'number', min: 0 }, gradScale: { type: 'number' },
  });
  const need = { elements: shape.n, offset: true };
  checkIo(fn, io, { params: { ...need, written: true }, grads: need, m: { ...need, written: true }, v: { ...need, written: true } });
  for (const k of ['grads', 'm', 'v'] as const) {
    if (offsetOf(io[k]) !== offsetOf(io.params)) {
      throw new RangeError(`${fn}: io.${k} must have the offset of io.params (${offsetOf(io.params)}: the kernel indexes all four alike), got ${offsetOf(io[k])}`);
    }
  }
}

// ---- batchnorm -----------------------------------------------------------------------------

const BATCHNORM_SHAPE = { n: [1], c: [1, 65535], h: [1], w: [1] } as const;

/**
 * The per-channel tensors of a BatchNorm: γ and β read through one binding, the running
 * estimates through another (bound writable by the training forward, update or not).
 */
function batchnormParams(c: number, runningWritten: boolean): Record<string, TensorNeed> {
  return {
    gamma: { elements: c, offset: true, binding: 'weights' }, beta: { elements: c, offset: true, binding: 'weights' },
    runningMean: { elements: c, offset: true, binding: 'running', written: runningWritten },
    runningVar: { elements: c, offset: true, binding: 'running', written: runningWritten },
    coef: { elements: 4 * c, written: true },
  };
}

/** Checks batchnormForwardTrain's arguments; `workspaceFloats` is batchnormWorkspaceFloats(shape). */
export function checkBatchnormForwardTrain(shape: BatchNormShape, io: BatchNormForwardTrainIo, options: BatchNormOptions | undefined, workspaceFloats: (s: BatchNormShape) => number): void {
  const fn = 'batchnormForwardTrain';
  checkShape(fn, shape, BATCHNORM_SHAPE);
  checkOptions(fn, options, { eps: { type: 'number', min: 0 }, momentum: { type: 'number', min: 0, max: 1 }, updateRunning: { type: 'boolean' } });
  const total = shape.n * shape.c * shape.h * shape.w;
  checkIo(fn, io, {
    x: { elements: total }, y: { elements: total, written: true }, ...batchnormParams(shape.c, true),
    workspace: { elements: workspaceFloats(shape), written: true },
  });
}

export function checkBatchnormForwardEval(shape: BatchNormShape, io: BatchNormForwardEvalIo, options?: BatchNormEvalOptions): void {
  const fn = 'batchnormForwardEval';
  checkShape(fn, shape, BATCHNORM_SHAPE);
  checkOptions(fn, options, { eps: { type: 'number', min: 0 } });
  const total = shape.n * shape.c * shape.h * shape.w;
  checkIo(fn, io, { x: { elements: total }, y: { elements: total, written: true }, ...batchnormParams(shape.c, false) });
}

export function checkBatchnormBackward(shape: BatchNormShape, io: BatchNormBackwardIo, workspaceFloats: (s: BatchNormShape) => number): void {
  const fn = 'batchnormBackward';
  checkShape(fn, shape, BATCHNORM_SHAPE);
  const total = shape.n * shape.c * shape.h * shape.w;
  checkIo(fn, io, {
    x: { elements: total }, dy: { elements: total }, coef: { elements: 4 * shape.c },
    workspace: { elements: workspaceFloats(shape), written: true }, dx: { elements: total, written: true },
    dgamma: { elements: shape.c, offset: true, binding: 'grads', written: true },
    dbeta: { elements: shape.c, offset: true, binding: 'grads', written: true },
  });
}

// ---- pooling -------------------------------------------------------------------------------

const POOL_SHAPE = { n: [1], c: [1], h: [2], w: [2] } as const;

export function checkMaxpool2x2Forward(shape: PoolShape, io: PoolForwardIo): void {
  const fn = 'maxpool2x2Forward';
  checkShape(fn, shape, POOL_SHAPE);
  const nc = shape.n * shape.c, out = nc * Math.floor(shape.h / 2) * Math.floor(shape.w / 2);
  checkIo(fn, io, { x: { elements: nc * shape.h * shape.w }, y: { elements: out, written: true }, argmax: { elements: out, written: true, optional: true } });
}

export function checkMaxpool2x2Backward(shape: PoolShape, io: PoolBackwardIo): void {
  const fn = 'maxpool2x2Backward';
  checkShape(fn, shape, POOL_SHAPE);
  const nc = shape.n * shape.c, out = nc * Math.floor(shape.h / 2) * Math.floor(shape.w / 2);
  checkIo(fn, io, { dy: { elements: out }, argmax: { elements: out }, dx: { elements: nc * shape.h * shape.w, written: true } });
}

const GAP_SHAPE = { n: [1], c: [1], h: [1], w: [1] } as const;

export function checkGlobalAvgPoolForward(shape: GapShape, io: GapForwardIo): void {
  const fn = 'globalAvgPoolForward';
  checkShape(fn, shape, GAP_SHAPE);
  const rows = shape.n * shape.c;
  checkIo(fn, io, { x: { elements: rows * shape.h * shape.w }, y: { elements: rows, written: true } });
}

export function checkGlobalAvgPoolBackward(shape: GapShape, io: GapBackwardIo): void {
  const fn = 'globalAvgPoolBackward';
  checkShape(fn, shape, GAP_SHAPE);
  const rows = shape.n * shape.c;
  checkIo(fn, io, { dy: { elements: rows }, dx: { elements: rows * shape.h * shape.w, written: true } });
}

// ---- losses and accuracy -------------------------------------------------------------------

const LOSS_OPTIONS = { accumulate: { type: 'boolean' }, lossWeight: { type: 'number' }, gradScale: { type: 'number' } } as const satisfies Record<string, OptionRule>;

function lossNeeds(shape: LossShape, second: string, secondElements: number, dlogitsOptional: boolean): Record<string, TensorNeed> {
  const nc = shape.rows * shape.classes;
  return {
    logits: { elements: nc }, [second]: { elements: secondElements }, rowLoss: { elements: shape.rows, written: true },
    loss: { elements: 1, offset: true, written: true }, dlogits: { elements: nc, written: true, optional: dlogitsOptional },
  };
}

export function checkSoftmaxCrossEntropy(shape: LossShape, io: SoftmaxCrossEntropyIo, options?: LossOptions): void {
  const fn = 'softmaxCrossEntropy';
  checkShape(fn, shape, { rows: [1], classes: [1] });
  checkOptions(fn, options, LOSS_OPTIONS);
  checkIo(fn, io, lossNeeds(shape, 'labels', shape.rows, true));
}

export function checkSoftCrossEntropy(shape: LossShape, io: SoftCrossEntropyIo, options?: LossOptions): void {
  const fn = 'softCrossEntropy';
  checkShape(fn, shape, { rows: [1], classes: [1] });
  checkOptions(fn, options, LOSS_OPTIONS);
  checkIo(fn, io, lossNeeds(shape, 'targets', shape.rows * shape.classes, false));
}

export function checkMseLoss(shape: LossShape, io: MseLossIo, options?: LossOptions): void {
  const fn = 'mseLoss';
  checkShape(fn, shape, { rows: [1], classes: [1] });
  checkOptions(fn, options, LOSS_OPTIONS);
  checkIo(fn, io, lossNeeds(shape, 'teacher', shape.rows * shape.classes, false));
}

export function checkAccuracy(shape: AccuracyShape, io: AccuracyIo, options?: AccuracyOptions): void {
  const fn = 'accuracy';
  checkShape(fn, shape, { rows: [1], classes: [1] });
  checkOptions(fn, options, { k1: { type: 'integer', min: 1, max: U32_MAX }, k2: { type: 'integer', min: 1, max: U32_MAX } });
  checkIo(fn, io, {
    logits: { elements: shape.rows * shape.classes }, labels: { elements: shape.rows },
    counters: { elements: 2, offset: true, written: true },
  });
}

// ---- data: gather and augmentation ---------------------------------------------------------

export function checkGatherBatch(shape: GatherBatchShape, io: GatherBatchIo, options?: GatherBatchOptions): void {
  const fn = 'gatherBatch';
  checkShape(fn, shape, { batch: [1], c: [1], h: [1], w: [1] });
  checkOptions(fn, options, { format: { type: 'enum', values: ['f32', 'u8'] }, layout: { type: 'enum', values: ['nhwc', 'nchw'] } });
  const u8 = options?.format === 'u8';
  if (u8 && typeof io === 'object' && io !== null && io.table === undefined) throw new TypeError(`${fn}: io.table is required with options.format 'u8'`);
  // the dataset's extent is the caller's: the kernels read the rows `indices` name
  checkIo(fn, io, {
    data: { elements: 0, offset: true }, indices: { elements: shape.batch, offset: true }, labels: { elements: 0 },
    table: { elements: 256, optional: !u8 },
    x: { elements: shape.batch * shape.c * shape.h * shape.w, written: true }, y: { elements: shape.batch, written: true },
  });
}

const AUGMENT_SHAPE = { n: [1], c: [1], h: [1], w: [1] } as const;

function checkMixDraws(fn: string, io: { lambda?: GPUBuffer; partner?: GPUBuffer }): void {
  if (!io.lambda !== !io.partner) throw new TypeError(`${fn}: io.lambda and io.partner must be given together`);
}

export function checkAugmentBatch(shape: AugmentShape, io: AugmentIo): void {
  const fn = 'augmentBatch';
  checkShape(fn, shape, AUGMENT_SHAPE);
  const total = shape.n * shape.c * shape.h * shape.w;
  checkIo(fn, io, {
    x: { elements: total }, out: { elements: total, written: true },
    flip: { elements: shape.n, optional: true }, lambda: { elements: shape.n, optional: true }, partner: { elements: shape.n, optional: true },
  });
  checkMixDraws(fn, io);
}

export function checkMixTargets(shape: MixTargetsShape, io: MixTargetsIo): void {
  const fn = 'mixTargets';
  checkShape(fn, shape, { n: [1], classes: [1] });
  checkIo(fn, io, {
    labels: { elements: shape.n }, lambda: { elements: shape.n, optional: true }, partner: { elements: shape.n, optional: true },
    targets: { elements: shape.n * shape.classes, written: true },
  });
  checkMixDraws(fn, io);
}
