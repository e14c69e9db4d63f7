// Adam update over a flat parameter buffer (shaders/adam.wgsl), PyTorch defaults.
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import { bufferOf, checkAdamStep, gridFor, offsetOf, WG, type TensorRef } from './kernel-args.ts';

export const ADAM_SHADERS = ['adam'] as const;

/** The uniform struct of shaders/adam.wgsl. */
export const ADAM_UNIFORMS = new UniformStruct('adam', 'AdamParams', {
  n: 'u32', offset: 'u32', t: 'u32', _pad: 'u32',
  lr: 'f32', one_minus_beta1: 'f32', beta2: 'f32', one_minus_beta2: 'f32', eps: 'f32', ln_beta1: 'f32', ln_beta2: 'f32', grad_scale: 'f32',
});

export interface AdamShape {
  /** elements updated */
  n: number;
}

/** The four tensors of an update, at one element offset (the kernel indexes all four alike). */
export interface AdamIo {
  params: TensorRef;
  grads: TensorRef;
  /** first-moment state, zero before step 1 */
  m: TensorRef;
  /** second-moment state, zero before step 1 */
  v: TensorRef;
}

export interface AdamOptions {
  lr: number;
  /** default 0.9 */
  beta1?: number;
  /** default 0.999 */
  beta2?: number;
  /** default 1e-8 */
  eps?: number;
  /** multiplies the gradient before use (e.g. to undo a loss scale); default 1 */
  gradScale?: number;
}

export interface AdamStepOptions extends AdamOptions {
  /** the step, 1-based: the number of steps taken including this one */
  t: number;
}

/**
 * One Adam step over elements [offset, offset + n) of params, grads, m and v.
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 * @example adamStep({ n: 1_000_000 }, { params, grads, m, v }, { t: 1, lr: 1e-3 }) // one dispatch of 3907 workgroups
 */
export function adamStep(shape: AdamShape, io: AdamIo, options: AdamStepOptions): DispatchSpec[] {
  checkAdamStep(shape, io, options);
  const b1 = options.beta1 ?? 0.9, b2 = options.beta2 ?? 0.999;
  const uniforms = ADAM_UNIFORMS.pack({
    n: shape.n, offset: offsetOf(io.params), t: options.t,
    lr: options.lr, one_minus_beta1: 1 - b1, beta2: b2, one_minus_beta2: 1 - b2, eps: options.eps ?? 1e-8,
    ln_beta1: Math.log(b1), ln_beta2: Math.log(b2), grad_scale: options.gradScale ?? 1,
  });
  return [{
    shader: 'adam', entry: 'step', constants: { WG }, uniforms,
    buffers: [bufferOf(io.params), bufferOf(io.grads), bufferOf(io.m), bufferOf(io.v)], workgroups: gridFor(shape.n),
  }];
}
