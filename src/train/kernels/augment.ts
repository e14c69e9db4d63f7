// Bulk & Cut's augmentation (shaders/augment.wgsl): per-sample horizontal flips and mixup of
// an NCHW batch, and the mixed soft targets from integer labels, both on the GPU. The random
// draws (flip flags with p = 0.5, a partner permutation, λ_i ~ Beta(0.25, 0.25)) come from the
// host's seeded generator: 3·N words per step.
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';
import { checkDistinct, checkInt, checkSize, gridFor, WG } from './kernel-args.ts';

export const AUGMENT_SHADERS = ['augment'] as const;

export interface AugmentShape {
  n: number;
  c: number;
  h: number;
  w: number;
}

export interface AugmentArgs extends AugmentShape {
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

function validate(fn: string, s: AugmentShape): void {
  for (const k of ['n', 'c', 'h', 'w'] as const) checkInt(fn, `shape.${k}`, s[k]);
}

/** x' = λ·flip(x_i) + (1 − λ)·flip(x_partner), per sample. */
export function augmentBatch(a: AugmentArgs): DispatchSpec[] {
  validate('augmentBatch', a);
  if (!a.lambda !== !a.partner) throw new TypeError('augmentBatch: lambda and partner must be given together');
  const total = a.n * a.c * a.h * a.w;
  checkSize('augmentBatch', 'x', a.x, total);
  checkSize('augmentBatch', 'out', a.out, total);
  for (const k of ['flip', 'lambda', 'partner'] as const) if (a[k]) checkSize('augmentBatch', k, a[k]!, a.n);
  checkDistinct('augmentBatch', { out: a.out }, { x: a.x, flip: a.flip, lambda: a.lambda, partner: a.partner });
  // unused bindings still need a read-only buffer: x serves
  const flip = a.flip ?? a.x, lambda = a.lambda ?? a.x, partner = a.partner ?? a.x;
  return [{
    shader: 'augment', entry: 'mix', constants: { WG },
    uniforms: packUniforms([a.n, a.c, a.h, a.w, total, a.flip ? 1 : 0, a.lambda ? 1 : 0, 0]),
    buffers: [a.x, flip, lambda, partner, a.out], workgroups: gridFor(total),
  }];
}

export interface MixTargetsArgs {
  n: number;
  classes: number;
  /** u32 [N] */
  labels: GPUBuffer;
  /** f32 [N] and u32 [N]; omit both for plain one-hot targets */
  lambda?: GPUBuffer;
  partner?: GPUBuffer;
  /** f32 [N, classes] */
  targets: GPUBuffer;
}

/** t_i = λ_i·onehot(y_i) + (1 − λ_i)·onehot(y_partner(i)). */
export function mixTargets(a: MixTargetsArgs): DispatchSpec[] {
  checkInt('mixTargets', 'n', a.n);
  checkInt('mixTargets', 'classes', a.classes);
  if (!a.lambda !== !a.partner) throw new TypeError('mixTargets: lambda and partner must be given together');
  for (const k of ['labels', 'lambda', 'partner'] as const) if (a[k]) checkSize('mixTargets', k, a[k]!, a.n);
  checkSize('mixTargets', 'targets', a.targets, a.n * a.classes);
  checkDistinct('mixTargets', { targets: a.targets }, { labels: a.labels, lambda: a.lambda, partner: a.partner });
  return [{
    shader: 'augment', entry: 'mix_targets', constants: { WG },
    uniforms: packUniforms([a.n, 0, 0, 0, 0, 0, a.lambda ? 1 : 0, a.classes]),
    buffers: [a.labels, a.lambda ?? a.labels, a.partner ?? a.labels, a.targets], workgroups: gridFor(a.n * a.classes),
  }];
}
