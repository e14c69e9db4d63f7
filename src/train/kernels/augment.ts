// Bulk & Cut's augmentation (shaders/augment.wgsl): per-sample horizontal flips and mixup of
// an NCHW batch, and the mixed soft targets from integer labels, both on the GPU. The random
// draws (flip flags with p = 0.5, a partner permutation, λ_i ~ Beta(0.25, 0.25)) come from the
// host's seeded generator: 3·N words per step.
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import { checkAugmentBatch, checkMixTargets, gridFor, WG } from './kernel-args.ts';

export const AUGMENT_SHADERS = ['augment'] as const;

/** The uniform struct of shaders/augment.wgsl (both entry points). */
export const AUGMENT_UNIFORMS = new UniformStruct('augment', 'AugParams', {
  n: 'u32', c: 'u32', h: 'u32', w: 'u32', total: 'u32', flip: 'u32', mix: 'u32', classes: 'u32',
});

export interface AugmentShape {
  n: number;
  c: number;
  h: number;
  w: number;
}

export interface AugmentIo {
  /** [N, C, H, W] */
  x: GPUBuffer;
  /** [N, C, H, W], ≠ x */
  out: GPUBuffer;
  /** u32 [N]: non-zero flips sample i along W; omit for no flips */
  flip?: GPUBuffer;
  /** f32 [N] λ_i and u32 [N] partner indices; omit both for no mixup */
  lambda?: GPUBuffer;
  partner?: GPUBuffer;
}

/**
 * x' = λ·flip(x_i) + (1 − λ)·flip(x_partner), per sample.
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts), also when only one
 *   of lambda and partner is given
 * @example augmentBatch({ n: 128, c: 3, h: 16, w: 16 }, { x, out, flip, lambda, partner }) // one dispatch
 */
export function augmentBatch(shape: AugmentShape, io: AugmentIo): DispatchSpec[] {
  checkAugmentBatch(shape, io);
  const total = shape.n * shape.c * shape.h * shape.w;
  // unused bindings still need a read-only buffer: x serves
  const flip = io.flip ?? io.x, lambda = io.lambda ?? io.x, partner = io.partner ?? io.x;
  return [{
    shader: 'augment', entry: 'mix', constants: { WG },
    uniforms: AUGMENT_UNIFORMS.pack({ n: shape.n, c: shape.c, h: shape.h, w: shape.w, total, flip: io.flip ? 1 : 0, mix: io.lambda ? 1 : 0, classes: 0 }),
    buffers: [io.x, flip, lambda, partner, io.out], workgroups: gridFor(total),
  }];
}

export interface MixTargetsShape {
  n: number;
  classes: number;
}

export interface MixTargetsIo {
  /** u32 [N] */
  labels: GPUBuffer;
  /** f32 [N] and u32 [N]; omit both for plain one-hot targets */
  lambda?: GPUBuffer;
  partner?: GPUBuffer;
  /** f32 [N, classes] */
  targets: GPUBuffer;
}

/**
 * t_i = λ_i·onehot(y_i) + (1 − λ_i)·onehot(y_partner(i)).
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 */
export function mixTargets(shape: MixTargetsShape, io: MixTargetsIo): DispatchSpec[] {
  checkMixTargets(shape, io);
  return [{
    shader: 'augment', entry: 'mix_targets', constants: { WG },
    uniforms: AUGMENT_UNIFORMS.pack({ n: shape.n, c: 0, h: 0, w: 0, total: 0, flip: 0, mix: io.lambda ? 1 : 0, classes: shape.classes }),
    buffers: [io.labels, io.lambda ?? io.labels, io.partner ?? io.labels, io.targets], workgroups: gridFor(shape.n * shape.classes),
  }];
}
