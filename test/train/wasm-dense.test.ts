// The dense kernels and the plain sgemm of the CPU training module (assembly/train/dense.ts and
// gemm.ts) against the float64 twins (src/train/reference/dense.ts) and tfjs-core's CPU backend.
// Outputs and the workspace start as NaN, so an element a kernel forgets to write, or scratch it
// reads before writing, fails. Feature counts straddle the 4x8 tile and the 256-deep K blocks.
// The relaxed build runs too where this runtime validates it; Node 20 needs the V8 flag on the
// workers:
//   npx vitest run test/train/wasm-dense.test.ts --execArgv=--experimental-wasm-relaxed-simd
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/rng.ts';
import type { DenseShape } from '../../src/train/kernels/dense.ts';
import { denseBackwardReference, denseForwardReference } from '../../src/train/reference/dense.ts';
import { TrainModule, type SimdFlavour } from '../../src/train/wasm/module.ts';
import { openTrainModules, trainFlavours } from '../helpers/wasm-train.ts';
import { expectCloseF32, f32 } from '../helpers/tolerance.ts';

await tf.setBackend('cpu');

const FLAVOURS = await trainFlavours('wasm-dense');

type Kernel = (...a: number[]) => number;
let modules = new Map<SimdFlavour, TrainModule>();

beforeAll(async () => {
  modules = await openTrainModules(FLAVOURS);
});

function randn(rng: Rng, n: number, scale = 1): Float32Array {
  return f32(Array.from({ length: n }, () => scale * rng.normal()));
}

function tfjsDense(s: DenseShape, x: Float32Array, w: Float32Array, b: Float32Array, dy: Float32Array) {
  return tf.tidy(() => {
    const xt = tf.tensor2d(x, [s.batch, s.inFeatures]), wt = tf.tensor2d(w, [s.outFeatures, s.inFeatures]), bt = tf.tensor1d(b);
    const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D, false, true), bb);
    const y = f(xt, wt, bt).dataSync();
    const [dx, dw, db] = tf.grads(f)([xt, wt, bt], tf.tensor2d(dy, [s.batch, s.outFeatures]));
    return { y, dx: dx.dataSync(), dw: dw.dataSync(), db: db.dataSync() };
  });
}

/** Module buffers for one test, NaN-filled where they are outputs or scratch. */
class Arena {
  private ptrs: number[] = [];
  constructor(readonly m: TrainModule) {}
  put(a: Float32Array): number {
    const p = this.m.alloc(a.length * 4, 'test');
    this.m.write(p, a);
    this.ptrs.push(p);
    return p;
  }
  nan(count: number): number {
    return this.put(new Float32Array(Math.max(1, count)).fill(NaN));
  }
  lowest(): number {
    return Math.min(...this.ptrs);
  }
  free(): void {
    for (const p of this.ptrs) this.m.free(p);
  }
}

interface DenseRun { y: Float32Array; yRelu: Float32Array; dx: Float32Array; dw: Float32Array; db: Float32Array; dwNoDx: Float32Array; dxUntouched: boolean }

function runDense(m: TrainModule, s: DenseShape, x: Float32Array, w: Float32Array, b: Float32Array, dy: Float32Array): DenseRun {
  const { batch, inFeatures: inF, outFeatures: outF } = s;
  const A = new Arena(m);
  const wsBytes = m.fn<Kernel>('denseWorkspaceBytes')(batch, inF, outF) >>> 0;
  const ws = A.nan(Math.ceil(wsBytes / 4));
  const xp = A.put(x), wp = A.put(w), bp = A.put(b), dyp = A.put(dy);
  const y = A.nan(batch * outF), yRelu = A.nan(batch * outF), dx = A.nan(batch * inF), dw = A.nan(outF * inF), db = A.nan(outF);
  const fwd = m.fn<Kernel>('denseForward'), bwd = m.fn<Kernel>('denseBackward');
  fwd(xp, wp, bp, y, batch, inF, outF, 0, ws);
  fwd(xp, wp, bp, yRelu, batch, inF, outF, 1, ws);
  bwd(xp, wp, dyp, dx, dw, db, batch, inF, outF, ws);
  const out = { y: m.readF32(y, batch * outF), yRelu: m.readF32(yRelu, batch * outF), dx: m.readF32(dx, batch * inF), dw: m.readF32(dw, outF * inF), db: m.readF32(db, outF) };
  // dx == 0: dW and db only, and nothing written at address 0 (where dx would go)
  const dw2 = A.nan(outF * inF), db2 = A.nan(outF);
  // below every buffer of this test: static data and the allocator's root, which no kernel writes
  const low = () => new Uint8Array(m.exports.memory.buffer, 0, Math.min(batch * inF * 4, A.lowest())).slice();
  const before = low();
  bwd(xp, wp, dyp, 0, dw2, db2, batch, inF, outF, ws);
  const after = low();
  const dxUntouched = before.every((v, i) => v === after[i]);
  const dwNoDx = m.readF32(dw2, outF * inF);
  A.free();
  return { ...out, dwNoDx, dxUntouched };
}

const FEATURES = [1, 10, 33, 130, 300];
const BATCHES = [1, 3, 8, 70];

describe.each(FLAVOURS)('dense kernels in the %s wasm build', (flavour) => {
  it('denseForward (with and without relu) and denseBackward match the twin and tfjs for in/out in {1, 10, 33, 130, 300}', () => {
    const m = modules.get(flavour)!;
    const rng = new Rng(41);
    let round = 0;
    for (const inF of FEATURES) {
      for (const outF of FEATURES) {
        const s = { batch: BATCHES[round++ % BATCHES.length], inFeatures: inF, outFeatures: outF };
        const x = randn(rng, s.batch * inF), w = randn(rng, outF * inF, 1 / Math.sqrt(inF)), b = randn(rng, outF);
        const dy = randn(rng, s.batch * outF);
        const got = runDense(m, s, x, w, b, dy);
        const L = `[${s.batch}, ${inF}→${outF}]`;
        const twin = denseBackwardReference(s, x, w, dy);
        expectCloseF32(got.y, denseForwardReference(s, x, w, b), { terms: inF, label: `y ${L}` });
        expectCloseF32(got.yRelu, denseForwardReference(s, x, w, b, true), { terms: inF, label: `relu(y) ${L}` });
        expectCloseF32(got.dx, twin.dx, { terms: outF, label: `dx ${L}` });
        expectCloseF32(got.dw, twin.dw, { terms: s.batch, label: `dW ${L}` });
        expectCloseF32(got.db, twin.db, { terms: s.batch, label: `db ${L}` });
        expect(Array.from(got.dwNoDx), `dW without dx ${L}`).toEqual(Array.from(got.dw));
        expect(got.dxUntouched).toBe(true);
        const o = tfjsDense(s, x, w, b, dy);
        expectCloseF32(got.y, o.y, { terms: inF, label: `y vs tfjs ${L}` });
        expectCloseF32(got.dx, o.dx, { terms: outF, label: `dx vs tfjs ${L}` });
        expectCloseF32(got.dw, o.dw, { terms: s.batch, label: `dW vs tfjs ${L}` });
        expectCloseF32(got.db, o.db, { terms: s.batch, label: `db vs tfjs ${L}` });
      }
    }
  });

  it('relu maps negatives (and only those) to zero, NaN passing through as in the twin', () => {
    const m = modules.get(flavour)!;
    const s = { batch: 5, inFeatures: 3, outFeatures: 9 };
    // x = 0 makes y = b exactly; the bias holds negatives, zero, -0 and NaN
    const b = f32([-1, 0, -0, 2, NaN, -1e-30, 3, -5, 1e-30]);
    const x = new Float32Array(15), w = f32(Array.from({ length: 27 }, (_, i) => i - 13));
    const A = new Arena(m);
    const ws = A.nan(Math.ceil((m.fn<Kernel>('denseWorkspaceBytes')(5, 3, 9) >>> 0) / 4));
    const y = A.nan(45);
    m.fn<Kernel>('denseForward')(A.put(x), A.put(w), A.put(b), y, 5, 3, 9, 1, ws);
    const got = m.readF32(y, 45);
    const want = denseForwardReference(s, x, w, b, true);
    A.free();
    for (let i = 0; i < 45; i++) expect(Object.is(got[i], want[i]) || (got[i] === 0 && want[i] === 0), `y[${i}] = ${got[i]}, twin ${want[i]}`).toBe(true);
  });

  it('denseForward with b = 0 adds no bias', () => {
    const m = modules.get(flavour)!;
    const rng = new Rng(5);
    const s = { batch: 6, inFeatures: 37, outFeatures: 11 };
    const x = randn(rng, 6 * 37), w = randn(rng, 11 * 37, 0.2);
    const A = new Arena(m);
    const ws = A.nan(Math.ceil((m.fn<Kernel>('denseWorkspaceBytes')(6, 37, 11) >>> 0) / 4));
    const y = A.nan(66);
    m.fn<Kernel>('denseForward')(A.put(x), A.put(w), 0, y, 6, 37, 11, 0, ws);
    const got = m.readF32(y, 66);
    A.free();
    expectCloseF32(got, denseForwardReference(s, x, w), { terms: 37, label: 'y without bias' });
  });

  it('the network layers (batch 128: 512→512, 2048→32, 32→17) match the twin', () => {
    const m = modules.get(flavour)!;
    const rng = new Rng(7);
    for (const [inF, outF] of [[512, 512], [2048, 32], [32, 17]]) {
      const s = { batch: 128, inFeatures: inF, outFeatures: outF };
      const x = randn(rng, 128 * inF), w = randn(rng, outF * inF, 1 / Math.sqrt(inF)), b = randn(rng, outF), dy = randn(rng, 128 * outF);
      const got = runDense(m, s, x, w, b, dy);
      const twin = denseBackwardReference(s, x, w, dy);
      const L = `[128, ${inF}→${outF}]`;
      expectCloseF32(got.y, denseForwardReference(s, x, w, b), { terms: inF, label: `y ${L}` });
      expectCloseF32(got.dx, twin.dx, { terms: outF, label: `dx ${L}` });
      expectCloseF32(got.dw, twin.dw, { terms: 128, label: `dW ${L}` });
      expectCloseF32(got.db, twin.db, { terms: 128, label: `db ${L}` });
    }
  });

  it('sgemmPeak computes C = A·B for sizes off the tile and the K block', () => {
    const m = modules.get(flavour)!;
    const rng = new Rng(3);
    for (const [M, N, K] of [[1, 1, 1], [5, 9, 3], [17, 33, 257], [64, 40, 520], [3, 130, 1]]) {
      const a = randn(rng, M * K), b = randn(rng, K * N);
      const A = new Arena(m);
      const ws = A.nan(Math.ceil((m.fn<Kernel>('sgemmWorkspaceBytes')(M, N, K) >>> 0) / 4));
      const c = A.nan(M * N);
      m.fn<Kernel>('sgemmPeak')(M, N, K, A.put(a), A.put(b), c, ws);
      const got = m.readF32(c, M * N);
      A.free();
      const want = new Float64Array(M * N);
      for (let i = 0; i < M; i++) for (let p = 0; p < K; p++) for (let j = 0; j < N; j++) want[i * N + j] += a[i * K + p] * b[p * N + j];
      expectCloseF32(got, want, { terms: K, label: `C [${M}x${N}x${K}]` });
    }
  });
});
