import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../src/random/rng.ts';
import {
  BATCHNORM_SHADERS, batchnormBackward, batchnormForwardEval, batchnormForwardTrain, batchnormWorkspaceFloats, type BatchNormShape,
} from '../../src/train/kernels/batchnorm.ts';
import { batchnormBackwardReference, batchnormForwardEvalReference, batchnormForwardTrainReference } from '../../src/train/reference/batchnorm.ts';
import { openGpu, upF32, zeros } from '../helpers/gpu.ts';
import { expectCloseF32, expectEqual, f32 } from '../helpers/tolerance.ts';
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

/** γ, β at 0 and C of `weights`, the running mean and variance at 0 and C of `running`. */
function bnParams(weights: GPUBuffer, running: GPUBuffer, c: number, coef: GPUBuffer) {
  return {
    gamma: { buffer: weights, offset: 0 }, beta: { buffer: weights, offset: c },
    runningMean: { buffer: running, offset: 0 }, runningVar: { buffer: running, offset: c }, coef,
  };
}

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
      const p = {
        gamma: { buffer: params, offset: 5 }, beta: { buffer: params, offset: 5 + s.c },
        runningMean: { buffer: state, offset: 0 }, runningVar: { buffer: state, offset: s.c }, coef,
      };
      rt.run([
        ...batchnormForwardTrain(s, { x: xb, y: yb, ...p, workspace: ws }),
        ...batchnormBackward(s, { x: xb, dy: dyb, coef, workspace: ws, dx: dxb, dgamma: { buffer: grads, offset: 2 + s.c }, dbeta: { buffer: grads, offset: 2 } }),
      ]);
      const y = await rt.readF32(yb, n), dx = await rt.readF32(dxb, n);
      const st = await rt.readF32(state, 2 * s.c), gr = await rt.readF32(grads, 2 + 2 * s.c);
      const twin = batchnormForwardTrainReference(s, x, gamma, beta, rm, rv);
      const back = batchnormBackwardReference(s, x, dy, gamma, twin.mean, twin.invstd);
      const L = label(s);
      expectCloseF32(y, twin.y, { terms: m, label: `y ${L}` });
      expectCloseF32(st.subarray(0, s.c), twin.runningMean, { terms: m, label: `running mean ${L}` });
      expectCloseF32(st.subarray(s.c), twin.runningVar, { terms: m, label: `running var ${L}` });
      expectCloseF32(gr.subarray(2, 2 + s.c), back.dbeta, { terms: m, label: `dβ ${L}` });
      expectCloseF32(gr.subarray(2 + s.c), back.dgamma, { terms: m, label: `dγ ${L}` });
      expectCloseF32(dx, back.dx, { terms: m, label: `dx ${L}`, scale: Math.max(...back.dx.map(Math.abs)) + 1e-3 });
      expectEqual(gr.subarray(0, 2), [0, 0], 'grads outside the offsets untouched');
      if (m > 1 && n <= 5000) {
        const o = tfjsBatchnormTrain(s, x, gamma, beta, dy);
        expectCloseF32(y, o.y, { terms: m, label: `y vs tfjs ${L}` });
        expectCloseF32(dx, o.dx, { terms: m, label: `dx vs tfjs ${L}`, scale: Math.max(...back.dx.map(Math.abs)) + 1e-3 });
        expectCloseF32(gr.subarray(2 + s.c), o.dgamma, { terms: m, label: `dγ vs tfjs ${L}` });
        expectCloseF32(gr.subarray(2, 2 + s.c), o.dbeta, { terms: m, label: `dβ vs tfjs ${L}` });
      }
      [params, state, grads, coef, ws, xb, yb, dyb, dxb].forEach((b) => rt.release(b));
    }
  });

  it('batchnormForwardTrain normalises with the biased variance and tracks the unbiased one (PyTorch)', async () => {
    const { rt } = env!;
    const s = { n: 1, c: 1, h: 2, w: 2 };
    const weights = upF32(rt, [1, 0]), running = upF32(rt, [0, 1]);
    const p = bnParams(weights, running, 1, zeros(rt, 4));
    const xb = upF32(rt, [1, 2, 3, 4]), yb = zeros(rt, 4);
    rt.run(batchnormForwardTrain(s, { x: xb, y: yb, ...p, workspace: zeros(rt, batchnormWorkspaceFloats(s)) }));
    // mean 2.5, biased variance 1.25 (normalising), unbiased 5/3 (running: 0.9·1 + 0.1·5/3)
    const sd = Math.sqrt(1.25 + 1e-5);
    expectCloseF32(await rt.readF32(yb, 4), [-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd], { label: 'y' });
    expectCloseF32(await rt.readF32(running, 2), [0.25, 0.9 + 0.1 * (5 / 3)], { label: 'running mean, var' });
  });

  it('batchnormForwardTrain is deterministic (bitwise equal on repeat)', async () => {
    const { rt } = env!;
    const s = { n: 8, c: 2, h: 64, w: 64 };
    const n = size(s);
    const rng = new Rng(12);
    const x = rand(rng, n, -2, 2), dy = rand(rng, n, -1, 1);
    const outs: Float32Array[] = [];
    for (let rep = 0; rep < 2; rep++) {
      const running = upF32(rt, [0, 0, 1, 1]), coef = zeros(rt, 8), workspace = zeros(rt, batchnormWorkspaceFloats(s));
      const p = bnParams(upF32(rt, [1, 2, 0, 1]), running, s.c, coef);
      const xb = upF32(rt, x), yb = zeros(rt, n), dyb = upF32(rt, dy), dxb = zeros(rt, n), grads = zeros(rt, 4);
      rt.run([
        ...batchnormForwardTrain(s, { x: xb, y: yb, ...p, workspace }),
        ...batchnormBackward(s, { x: xb, dy: dyb, coef, workspace, dx: dxb, dgamma: { buffer: grads, offset: 0 }, dbeta: { buffer: grads, offset: s.c } }),
      ]);
      outs.push(f32([...(await rt.readF32(yb, n)), ...(await rt.readF32(dxb, n)), ...(await rt.readF32(grads, 4)), ...(await rt.readF32(running, 4))]));
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
      const weights = upF32(rt, [...gamma, ...beta]), running = upF32(rt, [...rm, ...rv]), coef = zeros(rt, 4 * s.c);
      const xb = upF32(rt, x), yb = zeros(rt, n);
      rt.run(batchnormForwardEval(s, { x: xb, y: yb, ...bnParams(weights, running, s.c, coef) }));
      const y = await rt.readF32(yb, n);
      expectCloseF32(y, batchnormForwardEvalReference(s, x, gamma, beta, rm, rv), { label: `eval ${label(s)}` });
      const nhwc = tf.transpose(tf.tensor4d(x, [s.n, s.c, s.h, s.w]), [0, 2, 3, 1]) as tf.Tensor4D;
      const o = tf.transpose(tf.batchNorm(nhwc, tf.tensor1d(rm), tf.tensor1d(rv), tf.tensor1d(beta), tf.tensor1d(gamma), 1e-5), [0, 3, 1, 2]);
      expectCloseF32(y, o.dataSync(), { label: `eval vs tfjs ${label(s)}` });
      [weights, running, coef, xb, yb].forEach((b) => rt.release(b));
    }
  });

  it('batchnormForwardTrain and batchnormBackward name a bad argument', () => {
    const { rt } = env!;
    const s = { n: 2, c: 3, h: 2, w: 2 };
    const [x, y, dx, coef, ws, w1, w2, run] = [48, 48, 48, 12, batchnormWorkspaceFloats(s), 6, 6, 6].map((n) => zeros(rt, n));
    const p = bnParams(w1, run, 3, coef);
    expect(() => batchnormForwardTrain({ ...s, c: 70000 }, { x, y, ...p, workspace: ws })).toThrow(/batchnormForwardTrain: shape.c must be an integer in \[1, 65535\]/);
    expect(() => batchnormForwardTrain(s, { x, y, ...p, beta: { buffer: w2, offset: 3 }, workspace: ws }))
      .toThrow(/batchnormForwardTrain: io.beta must lie in the buffer of io.gamma/);
    expect(() => batchnormForwardTrain(s, { x, y, ...p, workspace: ws }, { momentum: 2 })).toThrow(/batchnormForwardTrain: options.momentum must be a finite number in \[0, 1\]/);
    expect(() => batchnormForwardEval(s, { x, y, ...p, coef: x })).toThrow(/batchnormForwardEval: io.x and io.coef must be different buffers/);
    expect(() => batchnormBackward(s, { x, dy: y, coef, workspace: ws, dx, dgamma: { buffer: w2, offset: 0 }, dbeta: { buffer: w2, offset: 70 } }))
      .toThrow(/batchnormBackward: io.dbeta holds 256 bytes, needs 292/);
  });
});
