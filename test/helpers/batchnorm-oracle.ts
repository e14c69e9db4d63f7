// TensorFlow.js's BatchNorm in training mode, the oracle of the WGSL and WebAssembly BatchNorm tests.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { BatchNormShape } from '../../src/train/kernels/batchnorm.ts';

/** tfjs oracle on NHWC: y and the gradients of Σ y·w with the batch moments inside the graph (NCHW in and out). */
export function tfjsBatchnormTrain(s: BatchNormShape, x: Float32Array, gamma: Float32Array, beta: Float32Array, w: Float32Array) {
  const toNhwc = (a: Float32Array) => tf.transpose(tf.tensor4d(a, [s.n, s.c, s.h, s.w]), [0, 2, 3, 1]);
  const toNchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]).dataSync();
  const f = (xt: tf.Tensor, gt: tf.Tensor, bt: tf.Tensor) => {
    const { mean, variance } = tf.moments(xt, [0, 1, 2]);
    return tf.batchNorm(xt as tf.Tensor4D, mean, variance, bt as tf.Tensor1D, gt as tf.Tensor1D, 1e-5);
  };
  const xt = toNhwc(x), gt = tf.tensor1d(gamma), bt = tf.tensor1d(beta), wt = toNhwc(w);
  const y = toNchw(f(xt, gt, bt));
  const [dx, dg, db] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c), wt)))([xt, gt, bt]);
  return { y, dx: toNchw(dx), dgamma: dg.dataSync(), dbeta: db.dataSync() };
}
