// The paper's CNN (docs/methods.md#cnn-architecture) as a list of layers with their shapes, the exact parameter
// count (docs/methods.md#cnn-param-count), the paper's approximate count (docs/methods.md#cnn-approx-count), and PyTorch's default initialisation.
import { Rng } from '../random/rng.ts';
import type { NetworkConfig } from '../space/nas.ts';

export interface ConvLayer {
  kind: 'conv';
  cin: number;
  cout: number;
  k: number;
  /** input spatial size (square inputs only in this problem family: h x w) */
  h: number;
  w: number;
  batchNorm: boolean;
  /** a 2x2 max-pool follows (the paper's CNN: every conv; Bulk & Cut: the last cell of a section) */
  pool: boolean;
}

export interface DenseLayer {
  kind: 'dense';
  in: number;
  out: number;
  /** ReLU after it (all but the classifier) */
  relu: boolean;
}

export interface NetworkSpec {
  input: [number, number, number];
  numClasses: number;
  convs: ConvLayer[];
  globalAvgPooling: boolean;
  /** [channels, height, width] after the conv cells */
  features: [number, number, number];
  flatten: number;
  dense: DenseLayer[];
  /** parameter tensors in PyTorch's order, with their offsets (floats) into one flat buffer */
  params: ParamTensor[];
  /** total trainable parameters (BN running statistics excluded) */
  numParams: number;
  /** floats in the flat parameter buffer (tensors aligned to ALIGN floats) */
  paramFloats: number;
}

export interface ParamTensor {
  name: string;
  shape: number[];
  size: number;
  offset: number;
  /** fan_in for PyTorch's default initialisation; 0 for BN (gamma = 1, beta = 0) */
  fanIn: number;
  init: 'uniform' | 'ones' | 'zeros';
}

/** Tensor offsets are multiples of this many floats (256 bytes: WebGPU's storage offset alignment). */
export const ALIGN = 64;

/** A network described by its layers' widths (the paper's CNN and Bulk & Cut's models both map to it). */
export interface NetworkLayout {
  input: [number, number, number];
  numClasses: number;
  /** conv cells in order; `pool`: a 2x2 max-pool follows the cell (the last cell of a section) */
  convs: { cout: number; k: number; batchNorm: boolean; pool: boolean }[];
  globalAvgPooling: boolean;
  /** hidden dense widths (each followed by ReLU); the classifier is added */
  fcWidths: number[];
}

/** Build the layer list of docs/methods.md#cnn-architecture for an input [C, H, W] and a number of classes. */
export function networkSpec(net: NetworkConfig, input: [number, number, number], numClasses: number): NetworkSpec {
  if (net.convWidths.length < 1) throw new RangeError('networkSpec: at least one conv layer is needed');
  return layoutSpec({
    input, numClasses,
    convs: net.convWidths.map((cout) => ({ cout, k: net.kernelSize, batchNorm: net.batchNorm, pool: true })),
    globalAvgPooling: net.globalAvgPooling,
    fcWidths: net.fcWidths,
  }, 'networkSpec');
}

/**
 * The layer list, parameter tensors (PyTorch's order) and counts of a network layout. Conv cells
 * keep the spatial size ('same' padding); a cell with `pool` halves it (floor).
 */
export function layoutSpec(layout: NetworkLayout, fn = 'layoutSpec'): NetworkSpec {
  const { input, numClasses } = layout;
  let [c, h, w] = input;
  const convs: ConvLayer[] = [];
  const pools = layout.convs.filter((l) => l.pool).length;
  for (const { cout, k, batchNorm, pool } of layout.convs) {
    if (!Number.isInteger(cout) || cout < 1) throw new RangeError(`${fn}: conv width must be a positive integer, got ${cout}`);
    if (pool && (h < 2 || w < 2)) throw new RangeError(`${fn}: input ${input.join('x')} is too small for ${pools} 2x2 max-pools`);
    convs.push({ kind: 'conv', cin: c, cout, k, h, w, batchNorm, pool });
    c = cout;
    if (pool) {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  }
  const flatten = layout.globalAvgPooling ? c : c * h * w;
  const dense: DenseLayer[] = [];
  let fin = flatten;
  for (const out of layout.fcWidths) {
    if (!Number.isInteger(out) || out < 1) throw new RangeError(`${fn}: dense width must be a positive integer, got ${out}`);
    dense.push({ kind: 'dense', in: fin, out, relu: true });
    fin = out;
  }
  dense.push({ kind: 'dense', in: fin, out: numClasses, relu: false });

  const params: ParamTensor[] = [];
  let offset = 0;
  const add = (name: string, shape: number[], fanIn: number, init: ParamTensor['init']) => {
    const size = shape.reduce((a, b) => a * b, 1);
    params.push({ name, shape, size, offset, fanIn, init });
    offset += Math.ceil(size / ALIGN) * ALIGN;
  };
  convs.forEach((l, i) => {
    const fanIn = l.cin * l.k * l.k;
    add(`conv${i}.weight`, [l.cout, l.cin, l.k, l.k], fanIn, 'uniform');
    add(`conv${i}.bias`, [l.cout], fanIn, 'uniform');
    if (l.batchNorm) {
      add(`bn${i}.weight`, [l.cout], 0, 'ones');
      add(`bn${i}.bias`, [l.cout], 0, 'zeros');
    }
  });
  dense.forEach((l, j) => {
    add(`fc${j}.weight`, [l.out, l.in], l.in, 'uniform');
    add(`fc${j}.bias`, [l.out], l.in, 'uniform');
  });
  return {
    input,
    numClasses,
    convs,
    globalAvgPooling: layout.globalAvgPooling,
    features: [c, h, w],
    flatten,
    dense,
    params,
    numParams: params.reduce((s, p) => s + p.size, 0),
    paramFloats: offset,
  };
}

/**
 * PyTorch's default initialisation from a seed: conv and linear weights Kaiming-uniform with
 * a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
 * BatchNorm gamma = 1, beta = 0. Padding between tensors is 0.
 */
export function initParameters(spec: NetworkSpec, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(spec.paramFloats);
  for (const p of spec.params) {
    if (p.init === 'ones') out.fill(1, p.offset, p.offset + p.size);
    else if (p.init === 'uniform') {
      const bound = 1 / Math.sqrt(p.fanIn);
      for (let i = 0; i < p.size; i++) out[p.offset + i] = rng.uniform(-bound, bound);
    }
  }
  return out;
}

/**
 * The paper's approximate parameter count `extract_num_parameters` (docs/methods.md#cnn-approx-count), used by MS-EHVI as
 * its known objective with variant 'paper': 3 input channels, 10 classes and flatten factors
 * 64/16/4 hard-coded, whatever the problem.
 */
export function approximateParameterCount(net: NetworkConfig): number {
  const k2 = net.kernelSize * net.kernelSize;
  let p = 0, c = 3;
  for (const w of net.convWidths) {
    p += k2 * c * w + w + (net.batchNorm ? 2 * w : 0);
    c = w;
  }
  let f = net.globalAvgPooling ? c : c * ({ 1: 64, 2: 16, 3: 4 } as Record<number, number>)[net.convWidths.length];
  for (const w of net.fcWidths) {
    p += f * w + w;
    f = w;
  }
  return p + f * 10 + 10;
}
