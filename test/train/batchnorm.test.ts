import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../src/random/rng.ts';
import {
  BATCHNORM_SHADERS, batchnormBackward, batchnormForwardEval, batchnormForwardTrain, batchnormWorkspaceFloats, type BatchNormShape,
} from '../../src/train/kernels/batchnorm.ts';
import { batchnormBackwardRef, batchnormForwardEvalRef, batchnormForwardTrainRef } from '../../src/train/reference/batchnorm.ts';
import { expectClose, expectEqual, f32, openGpu, upF32, zeros } from './tolerance.ts';
import { tfjsBatchnormTrain } from '../helpers/batchnorm-oracle.ts';

await tf.setBackend('cpu');
const { env, skip } = await openGpu(BATCHNORM_SHADERS);
afterAll(() => env?.close());

const SHAPES: BatchNormShape[] = [
  { n: 1, c: 3, h: 3, w: 3 },
  { n: 3, c: 17, h: 5, w: 4 },
  { n: 8, c: 3, h: 7, w: 7 },
  { n: 3, c: 1, h: 1, w: 1 },
  { n: 2, c: 5, h: 40, w: 40 }, // 3200 per channel: two partial reductions
  { n: 8, c: 2, h: 64, w: 64 }, // 32768 per channel: 16 partials
];

const size = (s: BatchNormShape) => s.n * s.c * s.h * s.w;
const label = (s: BatchNormShape) => `[${s.n},${s.c},${s.h},${s.w}]`;

function rand(rng: Rng, n: number, lo: number, hi: number): Float32Array {
  return f32(Array.from({ length: n }, () => rng.uniform(lo, hi)));
}

describe.skipIf(!env)(`batchnorm on WebGPU${skip ? ` (${skip})` : ''}`, () => {
  it('batchnormForwardTrain and batchnormBackward match the twin and tfjs (parameters at offsets in flat buffers)', async () => {
    const { rt } = env!;
    const rng = new Rng(11);
    for (const s of SHAPES) {
      const n = size(s), m = s.n * s.h * s.w;
      const x = rand(rng, n, -1, 3), dy = rand(rng, n, -1, 1);
      const gamma = rand(rng, s.c, 0.5, 1.5), beta = rand(rng, s.c, -0.5, 0.5);
      const rm = rand(rng, s.c, -0.2, 0.2), rv = rand(rng, s.c, 0.5, 2);
      // flat parameter buffer: [pad 5 | γ | β], state [rm | rv | pad], grads [pad 2 | dβ | dγ]
      const params = upF32(rt, [0, 0, 0, 0, 0, ...gamma, ...beta]);
      const state = upF32(rt, [...rm, ...rv, 0]);
      const grads = zeros(rt, 2 + 2 * s.c);
      const coef = zeros(rt, 4 * s.c), ws = zeros(rt, batchnormWorkspaceFloats(s));
      const xb = upF32(rt, x), yb = zeros(rt, n), dyb = upF32(rt, dy), dxb = zeros(rt, n);
      const p = { weights: params, gammaOffset: 5, betaOffset: 5 + s.c, running: state, coef, workspace: ws };
      rt.run([
        ...batchnormForwardTrain(s, xb, yb, p),
        ...batchnormBackward(s, xb, dyb, p, { dx: dxb, grads, dgammaOffset: 2 + s.c, dbetaOffset: 2 }),
      ]);
      const y = await rt.readF32(yb, n), dx = await rt.readF32(dxb, n);
      const st = await rt.readF32(state, 2 * s.c), gr = await rt.readF32(grads, 2 + 2 * s.c);
      const twin = batchnormForwardTrainRef(s, x, gamma, beta, rm, rv);
      const back = batchnormBackwardRef(s, x, dy, gamma, twin.mean, twin.invstd);
      const L = label(s);
      expectClose(y, twin.y, { terms: m, label: `y ${L}` });
      expectClose(st.subarray(0, s.c), twin.runningMean, { terms: m, label: `running mean ${L}` });
      expectClose(st.subarray(s.c), twin.runningVar, { terms: m, label: `running var ${L}` });
      expectClose(gr.subarray(2, 2 + s.c), back.dbeta, { terms: m, label: `dβ ${L}` });
      expectClose(gr.subarray(2 + s.c), back.dgamma, { terms: m, label: `dγ ${L}` });
      expectClose(dx, back.dx, { terms: m, label: `dx ${L}`, scale: Math.max(...back.dx.map(Math.abs)) + 1e-3 });
      expectEqual(gr.subarray(0, 2), [0, 0], 'grads outside the offsets untouched');
      if (m > 1 && n <= 5000) {
        const o = tfjsBatchnormTrain(s, x, gamma, beta, dy);
        expectClose(y, o.y, { terms: m, label: `y vs tfjs ${L}` });
        expectClose(dx, o.dx, { terms: m, label: `dx vs tfjs ${L}`, scale: Math.max(...back.dx.map(Math.abs)) + 1e-3 });
        expectClose(gr.subarray(2 + s.c), o.dgamma, { terms: m, label: `dγ vs tfjs ${L}` });
        expectClose(gr.subarray(2, 2 + s.c), o.dbeta, { terms: m, label: `dβ vs tfjs ${L}` });
      }
      [params, state, grads, coef, ws, xb, yb, dyb, dxb].forEach((b) => rt.release(b));
    }
  });

  it('batchnormForwardTrain normalises with the biased variance and tracks the unbiased one (PyTorch)', async () => {
    const { rt } = env!;
    const s = { n: 1, c: 1, h: 2, w: 2 };
    const p = { weights: upF32(rt, [1, 0]), running: upF32(rt, [0, 1]), coef: zeros(rt, 4), workspace: zeros(rt, batchnormWorkspaceFloats(s)) };
    const xb = upF32(rt, [1, 2, 3, 4]), yb = zeros(rt, 4);
    rt.run(batchnormForwardTrain(s, xb, yb, p));
    // mean 2.5, biased variance 1.25 (normalising), unbiased 5/3 (running: 0.9·1 + 0.1·5/3)
    const sd = Math.sqrt(1.25 + 1e-5);
    expectClose(await rt.readF32(yb, 4), [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd], { label: 'y' });
    expectClose(await rt.readF32(p.running, 2), [0.25, 0.9 + 0.1 * (5 / 3)], { label: 'running mean, var' });
  });

  it('batchnormForwardTrain is deterministic (bitwise equal on repeat)', async () => {
    const { rt } = env!;
    const s = { n: 8, c: 2, h: 64, w: 64 };
    const n = size(s);
    const rng = new Rng(12);
    const x = rand(rng, n, -2, 2), dy = rand(rng, n, -1, 1);
    const outs: Float32Array[] = [];
    for (let rep = 0; rep < 2; rep++) {
      const p = { weights: upF32(rt, [1, 2, 0, 1]), running: upF32(rt, [0, 0, 1, 1]), coef: zeros(rt, 8), workspace: zeros(rt, batchnormWorkspaceFloats(s)) };
      const xb = upF32(rt, x), yb = zeros(rt, n), dyb = upF32(rt, dy), dxb = zeros(rt, n), grads = zeros(rt, 4);
      rt.run([...batchnormForwardTrain(s, xb, yb, p), ...batchnormBackward(s, xb, dyb, p, { dx: dxb, grads })]);
      outs.push(f32([...(await rt.readF32(yb, n)), ...(await rt.readF32(dxb, n)), ...(await rt.readF32(grads, 4)), ...(await rt.readF32(p.running, 4))]));
    }
    expect(Buffer.from(outs[0].buffer).equals(Buffer.from(outs[1].buffer))).toBe(true);
  });

  it('batchnormForwardEval uses the running statistics like tf.batchNorm', async () => {
    const { rt } = env!;
    const rng = new Rng(13);
    for (const s of SHAPES.slice(0, 4)) {
      const n = size(s);
      const x = rand(rng, n, -1, 3), gamma = rand(rng, s.c, 0.5, 1.5), beta = rand(rng, s.c, -0.5, 0.5);
      const rm = rand(rng, s.c, -0.2, 0.2), rv = rand(rng, s.c, 0.5, 2);
      const p = { weights: upF32(rt, [...gamma, ...beta]), running: upF32(rt, [...rm, ...rv]), coef: zeros(rt, 4 * s.c) };
      const xb = upF32(rt, x), yb = zeros(rt, n);
      rt.run(batchnormForwardEval(s, xb, yb, p));
      const y = await rt.readF32(yb, n);
      expectClose(y, batchnormForwardEvalRef(s, x, gamma, beta, rm, rv), { label: `eval ${label(s)}` });
      const nhwc = tf.transpose(tf.tensor4d(x, [s.n, s.c, s.h, s.w]), [0, 2, 3, 1]) as tf.Tensor4D;
      const o = tf.transpose(tf.batchNorm(nhwc, tf.tensor1d(rm), tf.tensor1d(rv), tf.tensor1d(beta), tf.tensor1d(gamma), 1e-5), [0, 3, 1, 2]);
      expectClose(y, o.dataSync(), { label: `eval vs tfjs ${label(s)}` });
      [p.weights, p.running, p.coef, xb, yb].forEach((b) => rt.release(b));
    }
  });
});
