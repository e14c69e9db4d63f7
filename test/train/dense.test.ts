import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../src/random/rng.ts';
import {
  DENSE_SHADERS, denseBackward, denseForward, denseWorkspaceFloats, gemm, gemmSplits, gemmWorkspaceFloats, type DenseShape,
} from '../../src/train/kernels/dense.ts';
import { denseBackwardReference, denseForwardReference } from '../../src/train/reference/dense.ts';
import { openGpu, upF32, zeros } from '../helpers/gpu.ts';
import { expectCloseF32, expectEqual, f32 } from '../helpers/tolerance.ts';

await tf.setBackend('cpu');
const { env, skip } = await openGpu(DENSE_SHADERS);
afterAll(() => env?.close());

const FEATURES = [1, 10, 33, 130];
const BATCHES = [1, 3, 8];

function randn(rng: Rng, n: number, scale = 1): Float32Array {
  return f32(Array.from({ length: n }, () => scale * rng.normal()));
}

function tfjsDense(s: DenseShape, x: Float32Array, w: Float32Array, b: Float32Array, dy: Float32Array) {
  const xt = tf.tensor2d(x, [s.batch, s.inFeatures]), wt = tf.tensor2d(w, [s.outFeatures, s.inFeatures]), bt = tf.tensor1d(b);
  const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D, false, true), bb);
  const y = f(xt, wt, bt).dataSync();
  const [dx, dw, db] = tf.grads(f)([xt, wt, bt], tf.tensor2d(dy, [s.batch, s.outFeatures]));
  return { y, dx: dx.dataSync(), dw: dw.dataSync(), db: db.dataSync() };
}

describe.skipIf(!env)(`dense on WebGPU${skip ? ` (${skip})` : ''}`, () => {
  it('denseForward and denseBackward match the twin and tfjs for in/out in {1, 10, 33, 130}, batch 1/3/8, with parameters at offsets', async () => {
    const { rt } = env!;
    const rng = new Rng(41);
    let round = 0;
    for (const inF of FEATURES) {
      for (const outF of FEATURES) {
        const s = { batch: BATCHES[round++ % 3], inFeatures: inF, outFeatures: outF };
        const x = randn(rng, s.batch * inF), w = randn(rng, outF * inF, 1 / Math.sqrt(inF)), b = randn(rng, outF);
        const dy = randn(rng, s.batch * outF);
        // parameters [pad 3 | W | b], gradients [pad 1 | dW | db]
        const params = upF32(rt, [0, 0, 0, ...w, ...b]), grads = upF32(rt, new Float32Array(1 + outF * inF + outF).fill(9));
        const xb = upF32(rt, x), yb = zeros(rt, s.batch * outF), dyb = upF32(rt, dy), dxb = zeros(rt, s.batch * inF);
        const weight = { buffer: params, offset: 3 }, bias = { buffer: params, offset: 3 + outF * inF };
        rt.run([
          ...denseForward(s, { x: xb, weight, bias, y: yb }),
          ...denseBackward(s, { x: xb, weight, dy: dyb, dx: dxb, dweight: { buffer: grads, offset: 1 }, dbias: { buffer: grads, offset: 1 + outF * inF } }),
        ]);
        const y = await rt.readF32(yb, s.batch * outF), dx = await rt.readF32(dxb, s.batch * inF);
        const g = await rt.readF32(grads, 1 + outF * inF + outF);
        const dw = g.subarray(1, 1 + outF * inF), db = g.subarray(1 + outF * inF);
        const L = `[${s.batch}, ${inF}→${outF}]`;
        const twin = denseBackwardReference(s, x, w, dy);
        expectCloseF32(y, denseForwardReference(s, x, w, b), { terms: inF, label: `y ${L}` });
        expectCloseF32(dx, twin.dx, { terms: outF, label: `dx ${L}` });
        expectCloseF32(dw, twin.dw, { terms: s.batch, label: `dW ${L}` });
        expectCloseF32(db, twin.db, { terms: s.batch, label: `db ${L}` });
        expect(g[0], 'gradient buffer before the offset untouched').toBe(9);
        const o = tfjsDense(s, x, w, b, dy);
        expectCloseF32(y, o.y, { terms: inF, label: `y vs tfjs ${L}` });
        expectCloseF32(dx, o.dx, { terms: outF, label: `dx vs tfjs ${L}` });
        expectCloseF32(dw, o.dw, { terms: s.batch, label: `dW vs tfjs ${L}` });
        expectCloseF32(db, o.db, { terms: s.batch, label: `db vs tfjs ${L}` });
        [params, grads, xb, yb, dyb, dxb].forEach((buf) => rt.release(buf));
      }
    }
  });

  it('denseForward with relu fuses max(·, 0) into the epilogue', async () => {
    const { rt } = env!;
    const rng = new Rng(42);
    const s = { batch: 70, inFeatures: 33, outFeatures: 130 }; // 2×3 output tiles
    const x = randn(rng, s.batch * 33), w = randn(rng, 130 * 33, 0.2), b = randn(rng, 130);
    const xb = upF32(rt, x), wb = upF32(rt, w), bb = upF32(rt, b), yb = zeros(rt, s.batch * 130);
    rt.run(denseForward(s, { x: xb, weight: wb, bias: bb, y: yb }, { relu: true }));
    expectCloseF32(await rt.readF32(yb, s.batch * 130), denseForwardReference(s, x, w, b, true), { terms: 33, label: 'relu(y)' });
  });

  it('gemm with split-K (forced and auto) equals the unsplit product, deterministically', async () => {
    const { rt } = env!;
    const rng = new Rng(43);
    const s = { batch: 3, inFeatures: 600, outFeatures: 10 };
    expect(gemmSplits(3, 10, 600)).toBeGreaterThan(1);
    const x = randn(rng, 3 * 600), w = randn(rng, 10 * 600, 0.05), b = randn(rng, 10), dy = randn(rng, 3 * 10);
    const xb = upF32(rt, x), wb = upF32(rt, w), bb = upF32(rt, b), dyb = upF32(rt, dy);
    const ws = zeros(rt, Math.max(denseWorkspaceFloats(s), gemmWorkspaceFloats(3, 10, 600, 7)));
    const y1 = zeros(rt, 30), y2 = zeros(rt, 30), y3 = zeros(rt, 30), y4 = zeros(rt, 30);
    rt.run([
      ...gemm({ m: 3, n: 10, k: 600 }, { a: xb, b: wb, bias: bb, c: y1 }, { bTrans: true, splitK: 1 }),
      ...gemm({ m: 3, n: 10, k: 600 }, { a: xb, b: wb, bias: bb, c: y2, workspace: ws }, { bTrans: true, splitK: 7 }),
      ...denseForward(s, { x: xb, weight: wb, bias: bb, y: y3, workspace: ws }),
      ...denseForward(s, { x: xb, weight: wb, bias: bb, y: y4, workspace: ws }),
    ]);
    const ref = denseForwardReference(s, x, w, b);
    const r1 = await rt.readF32(y1, 30), r2 = await rt.readF32(y2, 30), r3 = await rt.readF32(y3, 30), r4 = await rt.readF32(y4, 30);
    expectCloseF32(r1, ref, { terms: 600, label: 'unsplit' });
    expectCloseF32(r2, ref, { terms: 600, label: 'split 7' });
    expectCloseF32(r3, ref, { terms: 600, label: 'split auto' });
    expectEqual(r3, r4, 'split-K repeat is bitwise equal');
    // backward of a long-K weight gradient: dW = dyᵀ·x over a batch of 1030 with split-K
    const nb = 1030, xs = randn(rng, nb * 5), gs = randn(rng, nb * 4), sh = { batch: nb, inFeatures: 5, outFeatures: 4 };
    expect(gemmSplits(4, 5, nb)).toBeGreaterThan(1);
    const xsb = upF32(rt, xs), gsb = upF32(rt, gs), dwb = upF32(rt, new Float32Array(20).fill(1)), dbb = upF32(rt, [1, 1, 1, 1]);
    const ws2 = zeros(rt, denseWorkspaceFloats(sh));
    rt.run(denseBackward(sh, { x: xsb, weight: wb, dy: gsb, dweight: dwb, dbias: dbb, workspace: ws2 }, { accumulate: true }));
    const twin = denseBackwardReference(sh, xs, new Float32Array(20), gs);
    expectCloseF32(await rt.readF32(dwb, 20), twin.dw.map((v) => v + 1), { terms: nb, label: 'dW split-K, accumulated' });
    expectCloseF32(await rt.readF32(dbb, 4), twin.db.map((v) => v + 1), { terms: nb, label: 'db accumulated' });
  });

  it('gemm and denseBackward name a bad argument', () => {
    const { rt } = env!;
    const [a, b, c] = [rt.buffer(1024), rt.buffer(1024), rt.buffer(1024)];
    expect(() => gemm({ m: 2, n: 2, k: 64 }, { a, b, c }, { splitK: 2 })).toThrow(/gemm: options.splitK = 2 needs io.workspace/);
    expect(() => gemm({ m: 2, n: 2, k: 64 }, { a, b, c }, { splitK: 0 })).toThrow(/gemm: options.splitK must be an integer in \[1, 65535\]/);
    expect(() => gemm({ m: 2, n: 2, k: 64 }, { a, b, c }, { lda: 8 })).toThrow(/gemm: options.lda must be at least K = 64/);
    expect(() => gemm({ m: 2, n: 2, k: 64 }, { a, b, c: a })).toThrow(/gemm: io.a and io.c must be different buffers/);
    expect(() => gemm({ m: 2, n: 2, k: 64 }, { a: { buffer: a, offset: -1 }, b, c })).toThrow(/gemm: io.a.offset must be an integer/);
    const s = { batch: 2, inFeatures: 3, outFeatures: 4 };
    // dW and db come from separate dispatches: one gradient buffer may hold both
    expect(() => denseBackward(s, { x: a, weight: b, dy: c, dweight: { buffer: a, offset: 0 }, dbias: { buffer: a, offset: 12 } }))
      .toThrow(/denseBackward: io.x and io.dweight must be different buffers/);
    const g = rt.buffer(1024);
    expect(denseBackward(s, { x: a, weight: b, dy: c, dweight: { buffer: g, offset: 0 }, dbias: { buffer: g, offset: 12 } })).toHaveLength(2);
  });
});
