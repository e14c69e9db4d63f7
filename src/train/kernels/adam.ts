// Adam update over a flat parameter buffer (shaders/adam.wgsl), PyTorch defaults.
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';
import { checkDistinct, checkInt, checkSize, gridFor, WG } from './kernel-args.ts';

export const ADAM_SHADERS = ['adam'] as const;

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

export interface AdamBuffers {
  params: GPUBuffer;
  grads: GPUBuffer;
  /** first-moment state, zero before step 1 */
  m: GPUBuffer;
  /** second-moment state, zero before step 1 */
  v: GPUBuffer;
}

/**
 * One Adam step t (1-based, the number of steps taken including this one) over elements
 * [offset, offset + n) of params, grads, m and v (the same indices in all four buffers).
 * @example adamStep(bufs, 1_000_000, 1, { lr: 1e-3 }) // one dispatch of 3907 workgroups
 */
export function adamStep(b: AdamBuffers, n: number, t: number, o: AdamOptions, offset = 0): DispatchSpec[] {
  checkInt('adamStep', 'n', n);
  checkInt('adamStep', 't', t);
  checkInt('adamStep', 'offset', offset, 0);
  if (!(o.lr >= 0)) throw new RangeError(`adamStep: lr must be a non-negative number, got ${o.lr}`);
  for (const k of ['params', 'grads', 'm', 'v'] as const) checkSize('adamStep', k, { buffer: b[k], offset }, n);
  checkDistinct('adamStep', { params: b.params, m: b.m, v: b.v }, { grads: b.grads });
  return [{
    shader: 'adam', entry: 'step', constants: { WG },
    uniforms: adamUniforms(n, t, o, offset),
    buffers: [b.params, b.grads, b.m, b.v], workgroups: gridFor(n),
  }];
}

/** The uniform block of adamStep (to rewrite a prepared dispatch's uniforms for the next t). */
export function adamUniforms(n: number, t: number, o: AdamOptions, offset = 0): ArrayBuffer {
  const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999;
  return packUniforms([n, offset, t, 0, o.lr, 1 - b1, b2, 1 - b2, o.eps ?? 1e-8, Math.log(b1), Math.log(b2), o.gradScale ?? 1], [4, 5, 6, 7, 8, 9, 10, 11]);
}
