// The convolution oracles shared by the WGSL (conv2d.test.ts) and WebAssembly (wasm-conv2d.test.ts)
// kernel tests: seeded data, the float64 twin, TensorFlow.js's CPU backend; compared with the
// float32 summation tolerance of ./tolerance.ts.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng } from '../../src/random/rng.ts';
import type { Conv2dShape } from '../../src/train/kernels/conv2d.ts';
import { conv2dForwardReference, conv2dGradInputReference, conv2dGradWeightReference } from '../../src/train/reference/conv2d.ts';
import { expectSumsCloseF32 } from './tolerance.ts';

// ---- data and oracles ------------------------------------------------------------------

export interface Data {
  x: Float32Array;
  w: Float32Array;
  b: Float32Array;
  dy: Float32Array;
}

export interface Results {
  y: ArrayLike<number>;
  dx: ArrayLike<number>;
  dw: ArrayLike<number>;
  db: ArrayLike<number>;
}

export const sizes = (s: Conv2dShape) => ({
  x: s.batch * s.inChannels * s.height * s.width,
  y: s.batch * s.outChannels * s.height * s.width,
  w: s.outChannels * s.inChannels * s.kernelSize ** 2,
  b: s.outChannels,
});

export function randomData(shape: Conv2dShape, seed: number): Data {
  const rng = new Rng(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  const n = sizes(shape);
  return { x: fill(n.x), w: fill(n.w), b: fill(n.b), dy: fill(n.y) };
}

export function reference(shape: Conv2dShape, d: Data): Results {
  const g = conv2dGradWeightReference(shape, d.x, d.dy);
  return { y: conv2dForwardReference(shape, d.x, d.w, d.b), dx: conv2dGradInputReference(shape, d.dy, d.w), dw: g.dw, db: g.db };
}

/** Σ|terms| of every output: the reference applied to the absolute values. */
export function magnitudes(shape: Conv2dShape, d: Data): Results {
  const abs = (a: Float32Array) => a.map(Math.abs);
  return reference(shape, { x: abs(d.x), w: abs(d.w), b: abs(d.b), dy: abs(d.dy) });
}

/** TensorFlow.js: conv2d 'same' on NHWC / HWIO, gradients through tf.grads with dy. */
export function tfjs(shape: Conv2dShape, d: Data): Results {
  const { batch: n, inChannels: cin, outChannels: cout, height: h, width: w, kernelSize: k } = shape;
  return tf.tidy(() => {
    const x = tf.transpose(tf.tensor4d(d.x, [n, cin, h, w]), [0, 2, 3, 1]);
    const filter = tf.transpose(tf.tensor4d(d.w, [cout, cin, k, k]), [2, 3, 1, 0]);
    const bias = tf.tensor1d(d.b);
    const dy = tf.transpose(tf.tensor4d(d.dy, [n, cout, h, w]), [0, 2, 3, 1]);
    const f = (xx: tf.Tensor, ff: tf.Tensor, bb: tf.Tensor) => tf.add(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 1, 'same'), bb);
    const y = f(x, filter, bias);
    const [gx, gw, gb] = tf.grads(f)([x, filter, bias], dy);
    return {
      y: tf.transpose(y, [0, 3, 1, 2]).dataSync(),
      dx: tf.transpose(gx, [0, 3, 1, 2]).dataSync(),
      dw: tf.transpose(gw, [3, 2, 0, 1]).dataSync(),
      db: gb.dataSync(),
    };
  });
}

/** Compare every output of `got` with `want` (the reduction lengths give the tolerance). */
export function expectResults(what: string, shape: Conv2dShape, got: Results, want: Results, mag: Results): void {
  const kk = shape.kernelSize ** 2;
  const pixels = shape.batch * shape.height * shape.width;
  expectSumsCloseF32(`${what} y`, got.y, want.y, mag.y, shape.inChannels * kk + 1);
  expectSumsCloseF32(`${what} dx`, got.dx, want.dx, mag.dx, shape.outChannels * kk);
  expectSumsCloseF32(`${what} dW`, got.dw, want.dw, mag.dw, pixels);
  expectSumsCloseF32(`${what} db`, got.db, want.db, mag.db, pixels);
}
