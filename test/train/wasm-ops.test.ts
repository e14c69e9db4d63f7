// The non-GEMM kernels of the CPU training module (assembly/train/*.ts, build/train.wasm and
// build/train-relaxed.wasm) against their float64 twins (src/train/reference/*.ts) and, for a
// few, tfjs-core's CPU backend. Every output buffer starts as NaN, so an element a kernel fails
// to write fails the comparison. The relaxed build runs too where this runtime validates it;
// Node 20 needs the V8 flag on the workers, which NODE_OPTIONS refuses:
//   npx vitest run test/train/wasm-ops.test.ts --execArgv=--experimental-wasm-relaxed-simd
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../src/random/rng.ts';
import { unitByteTable } from '../../src/train/kernels/gather-batch.ts';
import { accuracyReference } from '../../src/train/reference/accuracy.ts';
import { adamStepReference } from '../../src/train/reference/adam.ts';
import { augmentBatchReference, mixTargetsReference } from '../../src/train/reference/augment.ts';
import { batchnormBackwardReference, batchnormForwardEvalReference, batchnormForwardTrainReference } from '../../src/train/reference/batchnorm.ts';
import { gatherBatchReference } from '../../src/train/reference/gather-batch.ts';
import { globalAvgPoolBackwardReference, globalAvgPoolForwardReference } from '../../src/train/reference/global-avg-pool.ts';
import { maxpool2x2BackwardReference, maxpool2x2ForwardReference } from '../../src/train/reference/maxpool2x2.ts';
import { reluBackwardReference, reluForwardReference } from '../../src/train/reference/relu.ts';
import { mseLossReference, softCrossEntropyReference, softmaxCrossEntropyReference } from '../../src/train/reference/softmax-cross-entropy.ts';
import type { TrainModule } from '../../src/train/wasm/module.ts';
import { openTrainModules, trainFlavours } from '../helpers/wasm-train.ts';
import { expectCloseF32, expectEqual, f32 } from '../helpers/tolerance.ts';
import { tfjsBatchnormTrain } from '../helpers/batchnorm-oracle.ts';

await tf.setBackend('cpu');

const FLAVOURS = await trainFlavours('wasm-ops');

type Kernel = (...a: number[]) => number;

/** Tensors in one module instance, freed after each test. */
class Arena {
  private ptrs: number[] = [];
  constructor(readonly m: TrainModule) {}

  private take(bytes: number): number {
    const p = this.m.alloc(bytes, 'test');
    this.ptrs.push(p);
    return p;
  }

  f32(a: ArrayLike<number>): number {
    const p = this.take(a.length * 4);
    this.m.write(p, Float32Array.from(a));
    return p;
  }

  i32(a: ArrayLike<number>): number {
    const p = this.take(a.length * 4);
    this.m.write(p, Int32Array.from(a));
    return p;
  }

  u32(a: ArrayLike<number>): number {
    const p = this.take(a.length * 4);
    this.m.write(p, Uint32Array.from(a));
    return p;
  }

  u8(a: ArrayLike<number>): number {
    const p = this.take(a.length);
    this.m.write(p, Uint8Array.from(a));
    return p;
  }

  /** n f32 NaNs (outputs). */
  nan(n: number): number {
    return this.f32(new Float32Array(n).fill(NaN));
  }

  /** n bytes of 0xee (u8 outputs). */
  junk8(n: number): number {
    return this.u8(new Uint8Array(n).fill(0xee));
  }

  readF32(p: number, n: number): Float32Array {
    return this.m.readF32(p, n);
  }

  readI32(p: number, n: number): Int32Array {
    return new Int32Array(this.m.exports.memory.buffer, p, n).slice();
  }

  readU8(p: number, n: number): Uint8Array {
    return new Uint8Array(this.m.exports.memory.buffer, p, n).slice();
  }

  fn(name: string): Kernel {
    return this.m.fn<Kernel>(name);
  }

  free(): void {
    for (const p of this.ptrs.splice(0)) this.m.free(p);
  }
}

function uniform(rng: Rng, n: number, lo: number, hi: number): Float32Array {
  return f32(Array.from({ length: n }, () => rng.uniform(lo, hi)));
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => Math.max(s, Math.abs(v)), 0);

/** Bitwise equality that tells −0 from +0 and matches NaN with NaN (Object.is per element). */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

interface Bn { n: number; c: number; h: number; w: number }

const BN_SHAPES: Bn[] = [
  { n: 1, c: 3, h: 3, w: 3 },
  { n: 3, c: 17, h: 5, w: 4 },
  { n: 8, c: 3, h: 7, w: 7 },
  { n: 3, c: 1, h: 1, w: 1 },
  { n: 1, c: 2, h: 1, w: 1 }, // M = 1: biased variance into the running estimate
  { n: 2, c: 5, h: 40, w: 40 },
  { n: 4, c: 2, h: 33, w: 31 },
];

describe.each(FLAVOURS)('CPU training kernels, %s SIMD build', (flavour) => {
  let a: Arena;
  beforeAll(async () => {
    a = new Arena((await openTrainModules([flavour])).get(flavour)!);
  });
  afterEach(() => a.free());

  it('reluForward (out of place and in place) and reluBackward match the twin exactly', () => {
    const rng = new Rng(1);
    for (const len of [1, 3, 4, 7, 8, 13, 1001]) {
      const x = uniform(rng, len, -1, 1);
      // the twin's rule on the edge values: NaN and −0 give +0
      for (const [i, v] of [[0, NaN], [2, -0], [5, 0], [9, -Infinity], [12, Infinity]] as const) if (i < len) x[i] = v;
      const px = a.f32(x), py = a.nan(len);
      a.fn('reluForward')(px, py, len);
      const want = reluForwardReference(x);
      expectSame(a.readF32(py, len), want, `relu y [${len}]`);
      a.fn('reluForward')(px, px, len);
      expectSame(a.readF32(px, len), want, `relu in place [${len}]`);

      const dy = uniform(rng, len, -1, 1);
      if (len > 6) dy[6] = NaN;
      const pd = a.f32(dy);
      a.fn('reluBackward')(px, pd, len);
      expectSame(a.readF32(pd, len), reluBackwardReference(want, dy), `relu dx [${len}]`);
    }
  });

  it('batchnormForwardTrain / batchnormBackward match the twin (PyTorch semantics) and tfjs', () => {
    const rng = new Rng(11);
    for (const s of BN_SHAPES) {
      const len = s.n * s.c * s.h * s.w, m = s.n * s.h * s.w, hw = s.h * s.w;
      const x = uniform(rng, len, -1, 3), dy = uniform(rng, len, -1, 1);
      const gamma = uniform(rng, s.c, 0.5, 1.5), beta = uniform(rng, s.c, -0.5, 0.5);
      const rm = uniform(rng, s.c, -0.2, 0.2), rv = uniform(rng, s.c, 0.5, 2);
      const px = a.f32(x), py = a.nan(len), pg = a.f32(gamma), pb = a.f32(beta), prm = a.f32(rm), prv = a.f32(rv);
      const pmean = a.nan(s.c), pinv = a.nan(s.c);
      a.fn('batchnormForwardTrain')(px, py, pg, pb, prm, prv, pmean, pinv, s.n, s.c, hw, 0.1, 1e-5);
      const pdy = a.f32(dy), pdx = a.nan(len), pdg = a.nan(s.c), pdb = a.nan(s.c);
      a.fn('batchnormBackward')(px, pdy, pdx, pg, pmean, pinv, pdg, pdb, s.n, s.c, hw);

      const L = `[${s.n},${s.c},${s.h},${s.w}]`;
      const twin = batchnormForwardTrainReference(s, x, gamma, beta, rm, rv);
      const back = batchnormBackwardReference(s, x, dy, gamma, twin.mean, twin.invstd);
      const y = a.readF32(py, len), dx = a.readF32(pdx, len);
      const dxScale = maxAbs(back.dx) + 1e-3;
      expectCloseF32(y, twin.y, { terms: m, label: `y ${L}` });
      expectCloseF32(a.readF32(pmean, s.c), twin.mean, { terms: m, label: `saved mean ${L}` });
      expectCloseF32(a.readF32(pinv, s.c), twin.invstd, { terms: m, label: `saved invstd ${L}` });
      expectCloseF32(a.readF32(prm, s.c), twin.runningMean, { terms: m, label: `running mean ${L}` });
      expectCloseF32(a.readF32(prv, s.c), twin.runningVar, { terms: m, label: `running var ${L}` });
      expectCloseF32(a.readF32(pdb, s.c), back.dbeta, { terms: m, label: `dβ ${L}` });
      expectCloseF32(a.readF32(pdg, s.c), back.dgamma, { terms: m, label: `dγ ${L}` });
      expectCloseF32(dx, back.dx, { terms: m, label: `dx ${L}`, scale: dxScale });
      if (m > 1 && len <= 5000) {
        const o = tfjsBatchnormTrain(s, x, gamma, beta, dy);
        expectCloseF32(y, o.y, { terms: m, label: `y vs tfjs ${L}` });
        expectCloseF32(dx, o.dx, { terms: m, label: `dx vs tfjs ${L}`, scale: dxScale });
        expectCloseF32(a.readF32(pdg, s.c), o.dgamma, { terms: m, label: `dγ vs tfjs ${L}` });
        expectCloseF32(a.readF32(pdb, s.c), o.dbeta, { terms: m, label: `dβ vs tfjs ${L}` });
      }

      // in place (y = x, dx = dy) gives the same values
      a.fn('batchnormForwardTrain')(px, px, pg, pb, a.f32(rm), a.f32(rv), a.nan(s.c), a.nan(s.c), s.n, s.c, hw, 0.1, 1e-5);
      expectSame(a.readF32(px, len), y, `y in place ${L}`);
      const px2 = a.f32(x);
      a.fn('batchnormBackward')(px2, pdy, pdy, pg, pmean, pinv, a.nan(s.c), a.nan(s.c), s.n, s.c, hw);
      expectSame(a.readF32(pdy, len), dx, `dx in place ${L}`);
    }
  });

  it('batchnormForwardTrain: exact small case, and a large channel offset needs no E[x²] − E[x]²', () => {
    // mean 2.5, biased variance 1.25 (normalising), unbiased 5/3 into the running variance
    const px = a.f32([1, 2, 3, 4]), py = a.nan(4), prs = a.f32([0, 1]);
    a.fn('batchnormForwardTrain')(px, py, a.f32([1]), a.f32([0]), prs, prs + 4, a.nan(1), a.nan(1), 1, 1, 4, 0.1, 1e-5);
    const sd = Math.sqrt(1.25 + 1e-5);
    expectCloseF32(a.readF32(py, 4), [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd], { label: 'y' });
    expectCloseF32(a.readF32(prs, 2), [0.25, 0.9 + 0.1 * (5 / 3)], { label: 'running mean, var' });

    const rng = new Rng(12);
    const s = { n: 4, c: 3, h: 9, w: 11 }, len = 4 * 3 * 99, m = 4 * 99;
    const x = uniform(rng, len, 1000, 1001); // std ≈ 0.29 at mean 1000.5: f32 E[x²] − E[x]² is noise
    const gamma = uniform(rng, 3, 0.5, 1.5), beta = uniform(rng, 3, -0.5, 0.5);
    const py2 = a.nan(len), prm = a.f32([0, 0, 0]), prv = a.f32([1, 1, 1]), pinv = a.nan(3);
    a.fn('batchnormForwardTrain')(a.f32(x), py2, a.f32(gamma), a.f32(beta), prm, prv, a.nan(3), pinv, s.n, s.c, 99, 0.1, 1e-5);
    const twin = batchnormForwardTrainReference(s, x, gamma, beta, [0, 0, 0], [1, 1, 1]);
    expectCloseF32(a.readF32(pinv, 3), twin.invstd, { terms: m, label: 'invstd at offset 1000' });
    expectCloseF32(a.readF32(prv, 3), twin.runningVar, { terms: m, label: 'running var at offset 1000' });
    // y = (x − μ)·γ·invstd + β: x − μ is exact, so y keeps f32 accuracy at its own scale
    expectCloseF32(a.readF32(py2, len), twin.y, { terms: m, ulps: 64, label: 'y at offset 1000' });
  });

  it('batchnormForwardEval matches the twin and tf.batchNorm', () => {
    const rng = new Rng(13);
    for (const s of BN_SHAPES.slice(0, 5)) {
      const len = s.n * s.c * s.h * s.w;
      const x = uniform(rng, len, -1, 3), gamma = uniform(rng, s.c, 0.5, 1.5), beta = uniform(rng, s.c, -0.5, 0.5);
      const rm = uniform(rng, s.c, -0.2, 0.2), rv = uniform(rng, s.c, 0.5, 2);
      const py = a.nan(len);
      a.fn('batchnormForwardEval')(a.f32(x), py, a.f32(gamma), a.f32(beta), a.f32(rm), a.f32(rv), s.n, s.c, s.h * s.w, 1e-5);
      const y = a.readF32(py, len), L = `[${s.n},${s.c},${s.h},${s.w}]`;
      expectCloseF32(y, batchnormForwardEvalReference(s, x, gamma, beta, rm, rv), { label: `eval ${L}` });
      const nhwc = tf.transpose(tf.tensor4d(x, [s.n, s.c, s.h, s.w]), [0, 2, 3, 1]) as tf.Tensor4D;
      const o = tf.transpose(tf.batchNorm(nhwc, tf.tensor1d(rm), tf.tensor1d(rv), tf.tensor1d(beta), tf.tensor1d(gamma), 1e-5), [0, 3, 1, 2]);
      expectCloseF32(y, o.dataSync(), { label: `eval vs tfjs ${L}` });
    }
  });

  it('maxpool2x2Forward / maxpool2x2Backward match the twin exactly (ties, NaN, odd sizes) and tf.maxPool', () => {
    const rng = new Rng(21);
    for (const [nc, h, w] of [[1, 1, 1], [1, 2, 2], [2, 5, 7], [3, 8, 8], [1, 3, 17], [4, 9, 12], [2, 6, 19], [1, 4, 1]]) {
      const s = { n: 1, c: nc, h, w }, ho = h >> 1, wo = w >> 1, lenIn = nc * h * w, lenOut = nc * ho * wo;
      // few distinct values: many ties, where the first maximum must win
      const x = f32(Array.from({ length: lenIn }, () => rng.int(4) - 1));
      for (let i = 0; i < lenIn; i += 23) x[i] = NaN;
      const py = a.nan(lenOut), parg = a.junk8(lenOut);
      a.fn('maxpool2x2Forward')(a.f32(x), py, parg, nc, h, w);
      const ref = maxpool2x2ForwardReference(s, x), L = `[${nc},${h},${w}]`;
      const arg = a.readU8(parg, lenOut);
      expectSame(a.readF32(py, lenOut), ref.y, `y ${L}`);
      expectEqual(arg, ref.argmax, `argmax ${L}`);

      const dy = uniform(rng, lenOut, -1, 1), pdx = a.nan(lenIn);
      a.fn('maxpool2x2Backward')(a.f32(dy), parg, pdx, nc, h, w);
      expectSame(a.readF32(pdx, lenIn), maxpool2x2BackwardReference(s, dy, ref.argmax), `dx ${L}`);

      if (lenOut > 0) {
        const xc = uniform(rng, lenIn, -1, 1), py2 = a.nan(lenOut);
        a.fn('maxpool2x2Forward')(a.f32(xc), py2, a.junk8(lenOut), nc, h, w);
        const t = tf.maxPool(tf.tensor4d(xc, [nc, h, w, 1]), 2, 2, 'valid');
        expectSame(a.readF32(py2, lenOut), t.dataSync(), `y vs tfjs ${L}`);
      }
    }
  });

  it('globalAvgPoolForward / globalAvgPoolBackward match the twin and tf.mean', () => {
    const rng = new Rng(31);
    for (const [nc, h, w] of [[1, 1, 1], [3, 3, 3], [17, 7, 7], [5, 1, 7], [2, 33, 31], [64, 2, 2]]) {
      const s = { n: 1, c: nc, h, w }, hw = h * w, L = `[${nc},${h},${w}]`;
      const x = uniform(rng, nc * hw, -1, 3), py = a.nan(nc);
      a.fn('globalAvgPoolForward')(a.f32(x), py, nc, hw);
      const y = a.readF32(py, nc);
      expectCloseF32(y, globalAvgPoolForwardReference(s, x), { terms: hw, label: `y ${L}` });
      expectCloseF32(y, tf.mean(tf.tensor2d(x, [nc, hw]), 1).dataSync(), { terms: hw, label: `y vs tfjs ${L}` });
      const dy = uniform(rng, nc, -1, 1), pdx = a.nan(nc * hw);
      a.fn('globalAvgPoolBackward')(a.f32(dy), pdx, nc, hw);
      expectCloseF32(a.readF32(pdx, nc * hw), globalAvgPoolBackwardReference(s, dy), { label: `dx ${L}` });
    }
  });

  it('softmaxCrossEntropy, softCrossEntropy and mseLoss match the twins and tf.losses', () => {
    const rng = new Rng(41);
    for (const [n, c] of [[1, 2], [1, 10], [7, 17], [33, 10], [5, 2], [64, 100]]) {
      const z = f32(Array.from({ length: n * c }, () => 3 * rng.normal()));
      for (let k = 0; k < c; k++) z[k] += 80; // a shifted row: exp needs the max subtracted
      const labels = Int32Array.from({ length: n }, () => rng.int(c));
      // soft targets: probability rows, but row 0 sums to 1.5 (Σt ≠ 1 enters the gradient)
      const t = new Float32Array(n * c);
      for (let i = 0; i < n; i++) {
        const r = Array.from({ length: c }, () => rng.random());
        const sum = r.reduce((p, q) => p + q, 0);
        for (let k = 0; k < c; k++) t[i * c + k] = (r[k] / sum) * (i === 0 ? 1.5 : 1);
      }
      const teacher = f32(Array.from({ length: n * c }, () => 3 * rng.normal()));
      const pz = a.f32(z), d1 = a.nan(n * c), d2 = a.nan(n * c), d3 = a.nan(n * c);
      const l1 = a.fn('softmaxCrossEntropy')(pz, a.i32(labels), d1, n, c);
      const l2 = a.fn('softCrossEntropy')(pz, a.f32(t), d2, n, c);
      const l3 = a.fn('mseLoss')(pz, a.f32(teacher), d3, n, c);
      const g1 = a.readF32(d1, n * c), g2 = a.readF32(d2, n * c), g3 = a.readF32(d3, n * c);
      const tag = `[${n}, ${c}]`;
      const hard = softmaxCrossEntropyReference(n, c, z, labels), soft = softCrossEntropyReference(n, c, z, t), mse = mseLossReference(n, c, z, teacher);
      expectCloseF32([l1], [hard.loss], { terms: n, label: `CE loss ${tag}` });
      expectCloseF32(g1, hard.dlogits, { terms: c, label: `CE grad ${tag}` });
      expectCloseF32([l2], [soft.loss], { terms: n * c, label: `soft CE loss ${tag}` });
      expectCloseF32(g2, soft.dlogits, { terms: c, label: `soft CE grad ${tag}` });
      expectCloseF32([l3], [mse.loss], { terms: n * c, label: `MSE loss ${tag}` });
      expectCloseF32(g3, mse.dlogits, { label: `MSE grad ${tag}` });

      const zt = tf.tensor2d(z, [n, c]);
      const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), c);
      const ce = (target: tf.Tensor) => (v: tf.Tensor) => tf.losses.softmaxCrossEntropy(target, v);
      expectCloseF32([l1], ce(oneHot)(zt).dataSync(), { terms: n * c, label: `CE loss vs tfjs ${tag}` });
      expectCloseF32(g1, tf.grad(ce(oneHot))(zt).dataSync(), { terms: c, label: `CE grad vs tfjs ${tag}` });
      const ms = (v: tf.Tensor) => tf.losses.meanSquaredError(tf.tensor2d(teacher, [n, c]), v);
      expectCloseF32([l3], ms(zt).dataSync(), { terms: n * c, label: `MSE vs tfjs ${tag}` });
      expectCloseF32(g3, tf.grad(ms)(zt).dataSync(), { label: `MSE grad vs tfjs ${tag}` });
    }
  });

  it('adamStep and adamStepScaled follow the twin (torch.optim.Adam) over several steps', () => {
    const rng = new Rng(51);
    const configs = [
      { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, gradScale: 1 },
      { lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, gradScale: 0.25 },
    ];
    for (const o of configs) {
      for (const [len, spread] of [[1, 1], [3, 0], [4, 1], [5, 0], [37, 1], [37, 0], [1001, 1], [1001, 0]]) {
        // spread 0: p starts at zero, so p is the sum of the updates and is judged at their scale
        const p0 = uniform(rng, len, -spread, spread);
        const p = Float64Array.from(p0), mm = new Float64Array(len), vv = new Float64Array(len);
        const pp = a.f32(p0), pm = a.f32(mm), pv = a.f32(vv), pg = a.nan(len);
        for (let t = 1; t <= 5; t++) {
          const g = uniform(rng, len, -1, 1);
          if (len > 2) g[2] = 0;
          a.m.write(pg, g);
          if (o.gradScale === 1) a.fn('adamStep')(pp, pg, pm, pv, len, o.lr, o.beta1, o.beta2, o.eps, t);
          else a.fn('adamStepScaled')(pp, pg, pm, pv, len, o.lr, o.beta1, o.beta2, o.eps, t, o.gradScale);
          adamStepReference(p, g, mm, vv, t, o);
        }
        const tag = `len ${len}, p0 ±${spread}, lr ${o.lr}`;
        expectCloseF32(a.readF32(pp, len), p, { ulps: 32, label: `p ${tag}` });
        expectCloseF32(a.readF32(pm, len), mm, { ulps: 32, label: `m ${tag}` });
        expectCloseF32(a.readF32(pv, len), vv, { ulps: 32, label: `v ${tag}` });
      }
    }
  });

  it('accuracyCounts accumulates top-1/top-3 hits with the WGSL tie and NaN rules', () => {
    const rng = new Rng(61);
    const counts = a.u32([5, 7]);
    let want: [number, number] = [5, 7];
    for (const [n, c] of [[1, 2], [9, 10], [33, 17], [4, 3], [50, 2], [20, 1]]) {
      // integers in a small range: plenty of ties; NaNs sprinkled, some at labels
      const z = f32(Array.from({ length: n * c }, () => rng.int(5) - 2));
      for (let i = 3; i < n * c; i += 13) z[i] = NaN;
      const labels = Int32Array.from({ length: n }, () => rng.int(c));
      a.fn('accuracyCounts')(a.f32(z), a.i32(labels), n, c, counts);
      const [h1, h3] = accuracyReference(n, c, z, labels);
      want = [want[0] + h1, want[1] + h3];
      expectEqual(a.m.readU32(counts, 2), want, `counts after [${n}, ${c}]`);
    }
    // ties resolved for the label; NaN counts as greater; NaN at the label never hits
    const z = f32([1, 3, 3, 0, /**/ 3, 3, 3, 3, /**/ NaN, 1, 2, 0, /**/ 0, NaN, 1, 2, /**/ 5, 4, 3, 2]);
    const pc = a.u32([0, 0]);
    a.fn('accuracyCounts')(a.f32(z), a.i32([1, 3, 1, 1, 3]), 5, 4, pc);
    expectEqual(a.m.readU32(pc, 2), [2, 3], 'hand-made rows');
  });

  it('gatherBatch copies f32 samples and decodes bytes bit-identically to unitByteTable()', () => {
    const rng = new Rng(71);
    const table = unitByteTable();
    for (const [c, h, w] of [[3, 5, 7], [1, 8, 8], [1, 1, 1], [3, 4, 4]]) {
      const size = c * h * w, rows = 23;
      const labels = Int32Array.from({ length: rows }, () => rng.int(10));
      const indices = Uint32Array.from({ length: rows }, (_, i) => i);
      rng.shuffle(indices);
      const dataF = uniform(rng, rows * size, -1, 1);
      const bytes = Uint8Array.from({ length: rows * size }, () => rng.int(256));
      const pl = a.i32(labels), pi = a.u32(indices), pf = a.f32(dataF), pb = a.u8(bytes);
      for (const [start, batch] of [[0, 1], [3, 9], [16, 7]]) {
        const tag = `[${c},${h},${w}] start ${start} batch ${batch}`;
        for (const format of [0, 1]) {
          const px = a.nan(batch * size), py = a.i32(new Int32Array(batch).fill(-1));
          a.fn('gatherBatch')(format ? pb : pf, format, pi, start, batch, size, pl, px, py);
          const ref = gatherBatchReference(batch, c, h, w, format ? bytes : dataF, 'nchw', indices, start, labels, format ? table : undefined);
          expectSame(a.readF32(px, batch * size), ref.x, `x ${format ? 'u8' : 'f32'} ${tag}`);
          expectEqual(a.readI32(py, batch), ref.y, `y ${tag}`);
        }
      }
    }
    // every byte value, through both the 16-wide and the scalar decode paths
    const all = Uint8Array.from({ length: 256 + 13 }, (_, i) => (i * 7) % 256);
    for (const size of [all.length, 16 * 16]) {
      const px = a.nan(size), py = a.nan(1);
      a.fn('gatherBatch')(a.u8(all.subarray(0, size)), 1, a.u32([0]), 0, 1, size, a.i32([4]), px, py);
      expectSame(a.readF32(px, size), Array.from(all.subarray(0, size), (k) => table[k]), `all bytes (${size})`);
    }
  });

  it('augmentBatch (flips, mixup, both) and mixTargets match the twin', () => {
    const rng = new Rng(81);
    for (const [n, c, h, w] of [[1, 3, 2, 1], [5, 3, 4, 7], [4, 1, 3, 8], [3, 2, 2, 13], [6, 3, 5, 16]]) {
      const s = { n, c, h, w }, len = n * c * h * w, tag = `[${n},${c},${h},${w}]`;
      const x = uniform(rng, len, -1, 1), px = a.f32(x);
      const flip = Uint32Array.from({ length: n }, (_, i) => (i === 0 ? 1 : rng.int(2) * (1 + rng.int(3))));
      const lambda = uniform(rng, n, 0, 1);
      const partner = Uint32Array.from({ length: n }, (_, i) => i);
      rng.shuffle(partner);
      const pf = a.u32(flip), pl = a.f32(lambda), pp = a.u32(partner);
      const cases = [
        { name: 'copy', f: 0, l: 0, p: 0, ref: augmentBatchReference(s, x) },
        { name: 'flip', f: pf, l: 0, p: 0, ref: augmentBatchReference(s, x, flip) },
        { name: 'mixup', f: 0, l: pl, p: pp, ref: augmentBatchReference(s, x, undefined, lambda, partner) },
        { name: 'flip + mixup', f: pf, l: pl, p: pp, ref: augmentBatchReference(s, x, flip, lambda, partner) },
      ];
      for (const k of cases) {
        const out = a.nan(len);
        a.fn('augmentBatch')(px, out, k.f, k.l, k.p, n, c, h, w);
        if (k.l) expectCloseF32(a.readF32(out, len), k.ref, { label: `${k.name} ${tag}` });
        else expectSame(a.readF32(out, len), k.ref, `${k.name} ${tag}`);
      }
      for (const classes of [2, 10, 17]) {
        const labels = Int32Array.from({ length: n }, () => rng.int(classes));
        const pt = a.nan(n * classes), pt2 = a.nan(n * classes), plab = a.i32(labels);
        a.fn('mixTargets')(plab, 0, 0, pt, n, classes);
        expectSame(a.readF32(pt, n * classes), mixTargetsReference(n, classes, labels), `one-hot targets ${tag} ${classes}`);
        a.fn('mixTargets')(plab, pl, pp, pt2, n, classes);
        expectCloseF32(a.readF32(pt2, n * classes), mixTargetsReference(n, classes, labels, lambda, partner), { label: `mixed targets ${tag} ${classes}` });
      }
    }
  });
});
