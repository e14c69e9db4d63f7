// Finite differences in float64 on the CPU twins validate their backward formulas (which the
// GPU kernels are then compared against), and the GPU kernels composed into a tiny network
// reproduce the twins' gradients end to end.
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import { DENSE_SHADERS, denseBackward, denseForward } from '../../src/train/kernels/dense.ts';
import { RELU_SHADERS, reluBackward } from '../../src/train/kernels/relu.ts';
import { SOFTMAX_CROSS_ENTROPY_SHADERS, softmaxCrossEntropy } from '../../src/train/kernels/softmax-cross-entropy.ts';
import { batchnormBackwardReference, batchnormForwardTrainReference } from '../../src/train/reference/batchnorm.ts';
import { denseBackwardReference, denseForwardReference } from '../../src/train/reference/dense.ts';
import { globalAvgPoolBackwardReference, globalAvgPoolForwardReference } from '../../src/train/reference/global-avg-pool.ts';
import { maxpool2x2BackwardReference, maxpool2x2ForwardReference } from '../../src/train/reference/maxpool2x2.ts';
import { reluBackwardReference, reluForwardReference } from '../../src/train/reference/relu.ts';
import { mseLossReference, softCrossEntropyReference, softmaxCrossEntropyReference } from '../../src/train/reference/softmax-cross-entropy.ts';
import { openGpu, upF32, upU32, zeros } from '../helpers/gpu.ts';
import { expectCloseF32, f32 } from '../helpers/tolerance.ts';

/** Central differences of f at x (x is perturbed in place and restored). */
function numericGrad(f: () => number, x: Float64Array, h = 1e-5): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i];
    x[i] = x0 + h;
    const up = f();
    x[i] = x0 - h;
    const down = f();
    x[i] = x0;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** Relative agreement of an analytic and a numeric gradient: |a − n| ≤ 1e-6·(|n| + max|n|). */
function expectGradient(analytic: ArrayLike<number>, numeric: Float64Array, label: string): void {
  const scale = Math.max(1e-8, ...Array.from(numeric, Math.abs));
  for (let i = 0; i < numeric.length; i++) {
    expect(Math.abs(analytic[i] - numeric[i]), `${label}[${i}]: ${analytic[i]} vs ${numeric[i]}`).toBeLessThanOrEqual(1e-6 * (Math.abs(numeric[i]) + scale));
  }
}

function randn(rng: Rng, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => scale * rng.normal());
}

/** dense → ReLU → dense → softmax cross-entropy, the twins composed. */
function tinyNet(s1: { batch: number; inFeatures: number; outFeatures: number }, s2: typeof s1, x: Float64Array, w1: Float64Array, b1: Float64Array, w2: Float64Array, b2: Float64Array, labels: Uint32Array) {
  const h = denseForwardReference(s1, x, w1, b1);
  const a = reluForwardReference(h);
  const z = denseForwardReference(s2, a, w2, b2);
  const ce = softmaxCrossEntropyReference(s1.batch, s2.outFeatures, z, labels);
  const g2 = denseBackwardReference(s2, a, w2, ce.dlogits);
  const dh = reluBackwardReference(a, g2.dx);
  const g1 = denseBackwardReference(s1, x, w1, dh);
  return { loss: ce.loss, dx: g1.dx, dw1: g1.dw, db1: g1.db, dw2: g2.dw, db2: g2.db, logits: z };
}

describe('CPU twins: backward formulas agree with float64 finite differences', () => {
  it('dense → relu → dense → softmax cross-entropy: dx, dW1, db1, dW2, db2', () => {
    const rng = new Rng(101);
    const s1 = { batch: 3, inFeatures: 4, outFeatures: 5 }, s2 = { batch: 3, inFeatures: 5, outFeatures: 3 };
    const x = randn(rng, 12), w1 = randn(rng, 20, 0.7), b1 = randn(rng, 5, 0.3), w2 = randn(rng, 15, 0.7), b2 = randn(rng, 3, 0.3);
    const labels = Uint32Array.from([0, 2, 1]);
    const loss = () => tinyNet(s1, s2, x, w1, b1, w2, b2, labels).loss;
    const g = tinyNet(s1, s2, x, w1, b1, w2, b2, labels);
    expectGradient(g.dx, numericGrad(loss, x), 'dx');
    expectGradient(g.dw1, numericGrad(loss, w1), 'dW1');
    expectGradient(g.db1, numericGrad(loss, b1), 'db1');
    expectGradient(g.dw2, numericGrad(loss, w2), 'dW2');
    expectGradient(g.db2, numericGrad(loss, b2), 'db2');
  });

  it('batchnorm (training mode): dx, dγ, dβ of Σ w·BN(x)', () => {
    const rng = new Rng(102);
    const s = { n: 2, c: 3, h: 2, w: 3 };
    const x = randn(rng, 36), gamma = randn(rng, 3), beta = randn(rng, 3), w = randn(rng, 36);
    const rm = new Float64Array(3), rv = new Float64Array(3).fill(1);
    const loss = () => batchnormForwardTrainReference(s, x, gamma, beta, rm, rv).y.reduce((acc, v, i) => acc + v * w[i], 0);
    const f = batchnormForwardTrainReference(s, x, gamma, beta, rm, rv);
    const g = batchnormBackwardReference(s, x, w, gamma, f.mean, f.invstd);
    expectGradient(g.dx, numericGrad(loss, x), 'dx');
    expectGradient(g.dgamma, numericGrad(loss, gamma), 'dγ');
    expectGradient(g.dbeta, numericGrad(loss, beta), 'dβ');
  });

  it('soft-target cross-entropy and MSE: dlogits', () => {
    const rng = new Rng(103);
    const [n, c] = [3, 4];
    const z = randn(rng, n * c), t = Float64Array.from({ length: n * c }, () => rng.random()), teacher = randn(rng, n * c);
    expectGradient(softCrossEntropyReference(n, c, z, t).dlogits, numericGrad(() => softCrossEntropyReference(n, c, z, t).loss, z), 'soft CE');
    expectGradient(mseLossReference(n, c, z, teacher).dlogits, numericGrad(() => mseLossReference(n, c, z, teacher).loss, z), 'MSE');
  });

  it('max pooling and global average pooling: dx of Σ w·pool(x)', () => {
    const rng = new Rng(104);
    const s = { n: 2, c: 2, h: 5, w: 4 };
    const x = randn(rng, 80), wm = randn(rng, 2 * 2 * 2 * 2), wg = randn(rng, 4);
    const mp = () => maxpool2x2ForwardReference(s, x).y.reduce((a, v, i) => a + v * wm[i], 0);
    expectGradient(maxpool2x2BackwardReference(s, wm, maxpool2x2ForwardReference(s, x).argmax), numericGrad(mp, x), 'maxpool');
    const gp = () => globalAvgPoolForwardReference(s, x).reduce((a, v, i) => a + v * wg[i], 0);
    expectGradient(globalAvgPoolBackwardReference(s, wg), numericGrad(gp, x), 'global average pool');
  });

  it('expectClose rejects an error above the float32 tolerance and accepts one below', () => {
    expect(() => expectCloseF32([1 + 1e-4], [1])).toThrow(/element 0/);
    expect(() => expectCloseF32([1 + 1e-7], [1])).not.toThrow();
    expect(() => expectCloseF32([NaN], [1])).toThrow();
  });
});

const { env, skip } = await openGpu([...DENSE_SHADERS, ...RELU_SHADERS, ...SOFTMAX_CROSS_ENTROPY_SHADERS]);
afterAll(() => env?.close());

describe.skipIf(!env)(`GPU kernels composed: dense → relu → dense → softmax-CE${skip ? ` (${skip})` : ''}`, () => {
  it('reproduces the twins’ loss and every gradient (fused bias+ReLU forward, in-place ReLU backward)', async () => {
    const { rt } = env!;
    const rng = new Rng(105);
    const n = 8, nin = 33, nh = 17, nc = 10;
    const s1 = { batch: n, inFeatures: nin, outFeatures: nh }, s2 = { batch: n, inFeatures: nh, outFeatures: nc };
    const x = f32(randn(rng, n * nin)), w1 = f32(randn(rng, nh * nin, 0.3)), b1 = f32(randn(rng, nh, 0.1)), w2 = f32(randn(rng, nc * nh, 0.3)), b2 = f32(randn(rng, nc, 0.1));
    const labels = Uint32Array.from({ length: n }, () => rng.int(nc));
    // one flat parameter buffer and one flat gradient buffer: [W1 | b1 | W2 | b2]
    const o = { w1: 0, b1: nh * nin, w2: nh * nin + nh, b2: nh * nin + nh + nc * nh }, total = o.b2 + nc;
    const params = upF32(rt, [...w1, ...b1, ...w2, ...b2]), grads = zeros(rt, total);
    const xb = upF32(rt, x), a = zeros(rt, n * nh), z = zeros(rt, n * nc), dz = zeros(rt, n * nc), da = zeros(rt, n * nh);
    const lb = upU32(rt, labels), rowLoss = zeros(rt, n), loss = zeros(rt, 1);
    const p = (off: number) => ({ buffer: params, offset: off }), g = (off: number) => ({ buffer: grads, offset: off });
    rt.run([
      ...denseForward(s1, { x: xb, weight: p(o.w1), bias: p(o.b1), y: a }, { relu: true }),
      ...denseForward(s2, { x: a, weight: p(o.w2), bias: p(o.b2), y: z }),
      ...softmaxCrossEntropy({ rows: n, classes: nc }, { logits: z, labels: lb, rowLoss, loss, dlogits: dz }),
      ...denseBackward(s2, { x: a, weight: p(o.w2), dy: dz, dx: da, dweight: g(o.w2), dbias: g(o.b2) }),
      ...reluBackward({ n: n * nh }, { y: a, dy: da }),
      ...denseBackward(s1, { x: xb, weight: p(o.w1), dy: da, dweight: g(o.w1), dbias: g(o.b1) }),
    ]);
    const ref = tinyNet(s1, s2, Float64Array.from(x), Float64Array.from(w1), Float64Array.from(b1), Float64Array.from(w2), Float64Array.from(b2), labels);
    const gr = await rt.readF32(grads, total);
    expectCloseF32(await rt.readF32(loss, 1), [ref.loss], { terms: nin, label: 'loss' });
    expectCloseF32(gr.subarray(o.w2, o.b2), ref.dw2, { terms: n * nh, label: 'dW2' });
    expectCloseF32(gr.subarray(o.b2), ref.db2, { terms: n * nh, label: 'db2' });
    expectCloseF32(gr.subarray(o.w1, o.b1), ref.dw1, { terms: n * nin, label: 'dW1' });
    expectCloseF32(gr.subarray(o.b1, o.w2), ref.db1, { terms: n * nin, label: 'db1' });
  });
});
