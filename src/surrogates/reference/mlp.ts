// Plain-TypeScript twin of the MLP kernels (assembly/mlp/): the same network, initialisation,
// shuffles and Adam arithmetic in the same order, so that it reproduces the WebAssembly
// training bit for bit. Written for clarity; the library uses src/surrogates/mlp.ts.
import type { Rng } from '../../random/rng.ts';
import type { MlpInit, MlpTrainOptions } from '../mlp.ts';

/**
 * A multilayer perceptron: ReLU after every layer but the last, linear outputs. Weights of
 * layer l are a row-major (out × in) matrix, as PyTorch's nn.Linear. No input validation.
 */
export class MlpReference {
  readonly sizes: readonly number[];
  /** weights per layer, row-major sizes[l+1] × sizes[l] */
  readonly weights: Float64Array[];
  /** biases per layer, sizes[l+1] */
  readonly biases: Float64Array[];

  /**
   * @param sizes [inputs, hidden..., outputs], e.g. [13, 10, 2]
   * @param rng the initial weights' source
   * @param init 'normal' (default, N(0, 1) as the paper) or 'uniform' (PyTorch's default)
   */
  constructor(sizes: readonly number[], rng: Rng, init: MlpInit = 'normal') {
    this.sizes = [...sizes];
    this.weights = [];
    this.biases = [];
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      this.weights.push(new Float64Array(this.sizes[l + 1] * this.sizes[l]));
      this.biases.push(new Float64Array(this.sizes[l + 1]));
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
    for (let l = 0; l < this.weights.length; l++) {
      const bound = 1 / Math.sqrt(this.sizes[l]);
      const draw = init === 'normal' ? () => rng.normal() : () => rng.uniform(-bound, bound);
      const w = this.weights[l], b = this.biases[l];
      for (let i = 0; i < w.length; i++) w[i] = draw();
      for (let i = 0; i < b.length; i++) b[i] = draw();
    }
  }

  /**
   * Outputs for n input rows.
   * @param x row-major n × inputs
   * @returns row-major n × outputs
   */
  predict(x: Float64Array): Float64Array {
    const n = x.length / this.inputs;
    const L = this.weights.length;
    const out = new Float64Array(n * this.outputs);
    const acts = this.sizes.map((s) => new Float64Array(s));
    for (let r = 0; r < n; r++) {
      acts[0].set(x.subarray(r * this.inputs, (r + 1) * this.inputs));
      for (let l = 0; l < L; l++) layerForward(this.weights[l], this.biases[l], acts[l], acts[l + 1], l + 1 < L);
      out.set(acts[L], r * this.outputs);
    }
    return out;
  }

  /**
   * Train on (x, y) with a fresh Adam optimiser (moments start at zero, as a new
   * torch.optim.Adam): each epoch shuffles the rows (Fisher–Yates with `rng`) and takes Adam
   * steps on minibatches, the loss being the mean over the batch and the outputs of the
   * squared error (nn.MSELoss).
   * @param x row-major n × inputs
   * @param y row-major n × outputs
   * @returns the mean loss over the last epoch's batches (before each step)
   */
  train(x: Float64Array, y: Float64Array, rng: Rng, options: MlpTrainOptions = {}): number {
    const n = x.length / this.inputs;
    const epochs = options.epochs ?? 80, batchSize = options.batchSize ?? 32, lr = options.lr ?? 0.1;
    const beta1 = options.beta1 ?? 0.9, beta2 = options.beta2 ?? 0.999, eps = options.eps ?? 1e-8;
    if (n === 0) return 0;

    const L = this.weights.length;
    const nin = this.inputs, nout = this.outputs;
    const params = [...this.weights, ...this.biases];
    const grads = params.map((p) => new Float64Array(p.length));
    const m1 = params.map((p) => new Float64Array(p.length));
    const m2 = params.map((p) => new Float64Array(p.length));
    const gW = grads.slice(0, L), gB = grads.slice(L);
    const acts = this.sizes.map((s) => new Float64Array(s));
    const deltas = this.sizes.map((s) => new Float64Array(s));
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    let pow1 = 1, pow2 = 1;
    let lastLoss = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      rng.shuffle(order);
      let lossSum = 0, batches = 0;
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        const scale = 2 / ((end - start) * nout);
        for (const g of grads) g.fill(0);
        let loss = 0;
        for (let k = start; k < end; k++) {
          const r = order[k];
          acts[0].set(x.subarray(r * nin, (r + 1) * nin));
          for (let l = 0; l < L; l++) layerForward(this.weights[l], this.biases[l], acts[l], acts[l + 1], l + 1 < L);
          // dLoss/doutput
          const out = acts[L], dOut = deltas[L];
          for (let j = 0; j < nout; j++) {
            const e = out[j] - y[r * nout + j];
            loss += e * e;
            dOut[j] = scale * e;
          }
          for (let l = L - 1; l >= 0; l--) {
            layerBackward(this.weights[l], acts[l], deltas[l + 1], gW[l], gB[l], l > 0 ? deltas[l] : undefined);
          }
        }
        lossSum += loss / ((end - start) * nout);
        batches++;
        // Adam step (PyTorch's formulation)
        pow1 *= beta1;
        pow2 *= beta2;
        const c1 = 1 - pow1, c2 = 1 - pow2;
        for (let p = 0; p < params.length; p++) {
          const w = params[p], g = grads[p], a = m1[p], b = m2[p];
          for (let i = 0; i < w.length; i++) {
            const gi = g[i];
            a[i] = beta1 * a[i] + (1 - beta1) * gi;
            b[i] = beta2 * b[i] + (1 - beta2) * gi * gi;
            w[i] -= (lr * (a[i] / c1)) / (Math.sqrt(b[i] / c2) + eps);
          }
        }
      }
      lastLoss = lossSum / batches;
    }
    return lastLoss;
  }
}

/** out = W·a + b, then ReLU when `relu`. W row-major (out × in). */
function layerForward(W: Float64Array, b: Float64Array, a: Float64Array, out: Float64Array, relu: boolean): void {
  const nin = a.length, nout = out.length;
  for (let j = 0; j < nout; j++) {
    let s = b[j];
    const row = j * nin;
    for (let i = 0; i < nin; i++) s += W[row + i] * a[i];
    out[j] = relu && s < 0 ? 0 : s;
  }
}

/**
 * Accumulate the gradients of one layer given dLoss/d(its output after activation) in `d`
 * (already multiplied by the ReLU derivative for hidden layers, see below), and write
 * dLoss/d(its input) into dPrev, multiplied by the derivative of the previous layer's ReLU
 * (a[i] > 0), when dPrev is given.
 */
function layerBackward(W: Float64Array, a: Float64Array, d: Float64Array, gW: Float64Array, gB: Float64Array, dPrev: Float64Array | undefined): void {
  const nin = a.length, nout = d.length;
  for (let j = 0; j < nout; j++) {
    const dj = d[j];
    gB[j] += dj;
    if (dj === 0) continue;
    const row = j * nin;
    for (let i = 0; i < nin; i++) gW[row + i] += dj * a[i];
  }
  if (dPrev) {
    for (let i = 0; i < nin; i++) {
      if (a[i] <= 0) {
        dPrev[i] = 0; // ReLU was inactive (a = max(0, z) = 0)
        continue;
      }
      let s = 0;
      for (let j = 0; j < nout; j++) s += W[j * nin + i] * d[j];
      dPrev[i] = s;
    }
  }
}
