// A small fully connected network and an ensemble of them: MO-BANANAS's neural predictor
// (docs/methods.md#mobananas-predictor): Linear(13 → 10) → ReLU → Linear(10 → 2) by default, float64, trained by
// Adam on the mean squared error in shuffled minibatches of 32. Every random draw (initial
// weights, shuffles) comes from the Rng passed in and is made here, in TypeScript; the
// arithmetic runs in WebAssembly (assembly/mlp/), which trains this network about 2.5× faster
// than the same code in TypeScript (`paretonas bench surrogates`, case 'mlp ensemble training': 5 networks × 80 epochs × 300 rows, 19 ms vs
// 45-52 ms on the 2-core development machine), with bit-identical results: the
// plain-TypeScript twin src/surrogates/reference/mlp.ts is the test oracle.
import type { Rng } from '../random/rng.ts';
import { readF64, withScratch } from '../wasm/call.ts';
import { wasm } from '../wasm/module.ts';

interface MlpKernels {
  mlpPredict(params: number, sizes: number, L: number, x: number, n: number, out: number): void;
  mlpTrain(
    params: number, sizes: number, L: number, x: number, y: number, n: number, order: number, epochs: number, batch: number,
    lr: number, beta1: number, beta2: number, eps: number,
  ): number;
}

const kernels = wasm as unknown as MlpKernels;

/**
 * Initial weights: 'normal' draws every weight and bias from N(0, 1) (the paper's
 * `nn.init.normal_`); 'uniform' is PyTorch's default for Linear layers, U(−1/√fan_in, 1/√fan_in)
 * for weights and biases alike.
 */
export type MlpInit = 'normal' | 'uniform';

export interface MlpTrainOptions {
  /** passes over the data (default 80) */
  epochs?: number;
  /** minibatch size; the last batch of an epoch may be smaller (default 32) */
  batchSize?: number;
  /** Adam step size (default 0.1, the paper's) */
  lr?: number;
  /** Adam moment decay rates and denominator guard (PyTorch's defaults 0.9, 0.999, 1e-8) */
  beta1?: number;
  beta2?: number;
  eps?: number;
}

function positiveInt(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new RangeError(`${fn}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function positive(fn: string, name: string, v: unknown, below?: number): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v) || (below !== undefined && !(v < below))) {
    throw new RangeError(`${fn}: ${name} must be a finite number > 0${below !== undefined ? ` and < ${below}` : ''}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * A multilayer perceptron: ReLU after every layer but the last, linear outputs. The parameters
 * live in one Float64Array, layer by layer: the weights of layer l row-major
 * (sizes[l+1] × sizes[l], as PyTorch's nn.Linear), then its biases.
 */
export class Mlp {
  readonly sizes: readonly number[];
  /** all parameters, packed as described above */
  readonly params: Float64Array;
  /** views into params: weights of each layer (row-major out × in) */
  readonly weights: Float64Array[];
  /** views into params: biases of each layer */
  readonly biases: Float64Array[];

  /**
   * @param sizes [inputs, hidden..., outputs], e.g. [13, 10, 2]
   * @param rng the initial weights' source
   * @param init 'normal' (default, N(0, 1) as the paper) or 'uniform' (PyTorch's default)
   */
  constructor(sizes: readonly number[], rng: Rng, init: MlpInit = 'normal') {
    if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s >= 1)) {
      throw new RangeError(`Mlp: sizes must list at least 2 positive integers (inputs, hidden..., outputs), got ${JSON.stringify(sizes)}`);
    }
    this.sizes = [...sizes];
    let count = 0;
    for (let l = 0; l + 1 < sizes.length; l++) count += sizes[l + 1] * (sizes[l] + 1);
    this.params = new Float64Array(count);
    this.weights = [];
    this.biases = [];
    let off = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const nw = sizes[l + 1] * sizes[l];
      this.weights.push(this.params.subarray(off, off + nw));
      this.biases.push(this.params.subarray(off + nw, off + nw + sizes[l + 1]));
      off += nw + sizes[l + 1];
    }
    this.reset(rng, init);
  }

  get inputs(): number {
    return this.sizes[0];
  }

  get outputs(): number {
    return this.sizes[this.sizes.length - 1];
  }

  /** Draw fresh weights and biases (layer by layer: weights row-major, then biases). */
  reset(rng: Rng, init: MlpInit = 'normal'): void {
    if (init !== 'normal' && init !== 'uniform') throw new RangeError(`Mlp.reset: init must be 'normal' or 'uniform', got ${JSON.stringify(init)}`);
    for (let l = 0; l < this.weights.length; l++) {
      const bound = 1 / Math.sqrt(this.sizes[l]);
      const draw = init === 'normal' ? () => rng.normal() : () => rng.uniform(-bound, bound);
      const w = this.weights[l], b = this.biases[l];
      for (let i = 0; i < w.length; i++) w[i] = draw();
      for (let i = 0; i < b.length; i++) b[i] = draw();
    }
  }

  private checkRows(fn: string, arg: string, a: Float64Array, width: number): number {
    if (!(a instanceof Float64Array)) throw new TypeError(`${fn}: ${arg} must be a row-major Float64Array`);
    if (a.length % width !== 0) throw new RangeError(`${fn}: ${arg} has ${a.length} values, not a multiple of ${width}`);
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) throw new RangeError(`${fn}: ${arg}[${Math.floor(i / width)}][${i % width}] must be finite, got ${a[i]}`);
    }
    return a.length / width;
  }

  /**
   * Outputs for n input rows.
   * @param x row-major n × inputs
   * @returns row-major n × outputs
   */
  predict(x: Float64Array): Float64Array {
    const n = this.checkRows('Mlp.predict', 'x', x, this.inputs);
    const out = new Float64Array(n * this.outputs);
    if (n === 0) return out;
    return withScratch(wasm, (s) => {
      const p = s.f64(this.params), sz = s.alloc(this.sizes.length * 4), xp = s.f64(x), o = s.alloc(out.length * 8);
      new Int32Array(wasm.memory.buffer, sz, this.sizes.length).set(this.sizes);
      kernels.mlpPredict(p, sz, this.sizes.length - 1, xp, n, o);
      return readF64(wasm, o, out.length, out);
    });
  }

  /**
   * Train on (x, y) with a fresh Adam optimiser (moments start at zero, as a new
   * torch.optim.Adam). Each epoch shuffles the rows (Fisher–Yates with `rng`, continuing from
   * the previous epoch's order) and takes one Adam step per minibatch; the loss is the mean
   * over the batch and the outputs of the squared error (nn.MSELoss).
   * @param x row-major n × inputs
   * @param y row-major n × outputs
   * @returns the mean batch loss of the last epoch (each batch's loss before its step)
   * @throws RangeError/TypeError naming the argument for bad shapes, values or options
   */
  train(x: Float64Array, y: Float64Array, rng: Rng, options: MlpTrainOptions = {}): number {
    const fn = 'Mlp.train';
    const n = this.checkRows(fn, 'x', x, this.inputs);
    const ny = this.checkRows(fn, 'y', y, this.outputs);
    if (ny !== n) throw new RangeError(`${fn}: y has ${ny} rows, x has ${n}; they must match`);
    if (options === null || typeof options !== 'object') throw new TypeError(`${fn}: options must be an object`);
    const epochs = positiveInt(fn, 'options.epochs', options.epochs ?? 80);
    const batchSize = positiveInt(fn, 'options.batchSize', options.batchSize ?? 32);
    const lr = positive(fn, 'options.lr', options.lr ?? 0.1);
    const beta1 = positive(fn, 'options.beta1', options.beta1 ?? 0.9, 1);
    const beta2 = positive(fn, 'options.beta2', options.beta2 ?? 0.999, 1);
    const eps = positive(fn, 'options.eps', options.eps ?? 1e-8);
    if (n === 0) return 0;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const orders = new Int32Array(epochs * n);
    for (let e = 0; e < epochs; e++) {
      rng.shuffle(order);
      orders.set(order, e * n);
    }
    return withScratch(wasm, (s) => {
      const p = s.f64(this.params), sz = s.alloc(this.sizes.length * 4), xp = s.f64(x), yp = s.f64(y), op = s.alloc(orders.length * 4);
      new Int32Array(wasm.memory.buffer, sz, this.sizes.length).set(this.sizes);
      new Int32Array(wasm.memory.buffer, op, orders.length).set(orders);
      const loss = kernels.mlpTrain(p, sz, this.sizes.length - 1, xp, yp, n, op, epochs, batchSize, lr, beta1, beta2, eps);
      readF64(wasm, p, this.params.length, this.params);
      return loss;
    });
  }
}

/** Several independently initialised networks of the same shape (MO-BANANAS: 5). */
export class MlpEnsemble {
  readonly members: Mlp[];

  /**
   * @param count number of networks (>= 1)
   * @param sizes [inputs, hidden..., outputs]
   * @param rng initial weights, network after network
   */
  constructor(count: number, sizes: readonly number[], rng: Rng, init: MlpInit = 'normal') {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`MlpEnsemble: count must be a positive integer, got ${count}`);
    this.members = Array.from({ length: count }, () => new Mlp(sizes, rng, init));
  }

  get size(): number {
    return this.members.length;
  }

  /** Re-draw every network's weights, network after network. */
  reset(rng: Rng, init: MlpInit = 'normal'): void {
    for (const m of this.members) m.reset(rng, init);
  }

  /** Train each network in turn on the same data, each with its own fresh Adam; returns their final losses. */
  train(x: Float64Array, y: Float64Array, rng: Rng, options?: MlpTrainOptions): number[] {
    return this.members.map((m) => m.train(x, y, rng, options));
  }

  /** Each network's outputs (row-major n × outputs), in member order. */
  predict(x: Float64Array): Float64Array[] {
    return this.members.map((m) => m.predict(x));
  }
}
