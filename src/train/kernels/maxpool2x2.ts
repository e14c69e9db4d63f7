// MaxPool2d(2, stride 2, floor) forward and backward (shaders/maxpool2x2.wgsl), NCHW float32.
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';
import { checkDistinct, checkInt, checkSize, gridFor, WG } from './kernel-args.ts';

export const MAXPOOL2X2_SHADERS = ['maxpool2x2'] as const;

export interface PoolShape {
  n: number;
  c: number;
  h: number;
  w: number;
}

/** Output spatial size: floor(h/2) × floor(w/2). */
export function maxpool2x2OutShape(s: PoolShape): PoolShape {
  return { n: s.n, c: s.c, h: Math.floor(s.h / 2), w: Math.floor(s.w / 2) };
}

function uniforms(s: PoolShape): ArrayBuffer {
  const o = maxpool2x2OutShape(s);
  return packUniforms([s.h, s.w, o.h, o.w, s.n * s.c * o.h * o.w, s.n * s.c * s.h * s.w]);
}

function validate(fn: string, s: PoolShape): void {
  checkInt(fn, 'shape.n', s.n);
  checkInt(fn, 'shape.c', s.c);
  checkInt(fn, 'shape.h', s.h, 2);
  checkInt(fn, 'shape.w', s.w, 2);
}

/**
 * Training forward: y [N, C, ⌊H/2⌋, ⌊W/2⌋] and `argmax` (u32 per output element, 0..3 within the
 * window, row-major, first maximum wins). Without `argmax`, the evaluation forward (y only).
 */
export function maxpool2x2Forward(shape: PoolShape, x: GPUBuffer, y: GPUBuffer, argmax?: GPUBuffer): DispatchSpec[] {
  const fn = 'maxpool2x2Forward';
  validate(fn, shape);
  const o = maxpool2x2OutShape(shape);
  checkSize(fn, 'x', x, shape.n * shape.c * shape.h * shape.w);
  checkSize(fn, 'y', y, o.n * o.c * o.h * o.w);
  if (argmax) checkSize(fn, 'argmax', argmax, o.n * o.c * o.h * o.w);
  checkDistinct(fn, { y, argmax }, { x });
  const workgroups = gridFor(o.n * o.c * o.h * o.w);
  const uniforms_ = uniforms(shape);
  if (!argmax) return [{ shader: 'maxpool2x2', entry: 'forward_eval', constants: { WG }, uniforms: uniforms_, buffers: [x, y], workgroups }];
  return [{ shader: 'maxpool2x2', entry: 'forward', constants: { WG }, uniforms: uniforms_, buffers: [x, y, argmax], workgroups }];
}

/** Backward: dx [N, C, H, W] (fully written) from dy and the forward's argmax. */
export function maxpool2x2Backward(shape: PoolShape, dy: GPUBuffer, argmax: GPUBuffer, dx: GPUBuffer): DispatchSpec[] {
  const fn = 'maxpool2x2Backward';
  validate(fn, shape);
  const o = maxpool2x2OutShape(shape);
  checkSize(fn, 'dy', dy, o.n * o.c * o.h * o.w);
  checkSize(fn, 'argmax', argmax, o.n * o.c * o.h * o.w);
  checkSize(fn, 'dx', dx, shape.n * shape.c * shape.h * shape.w);
  checkDistinct(fn, { dx }, { dy, argmax });
  return [{
    shader: 'maxpool2x2', entry: 'backward', constants: { WG }, uniforms: uniforms(shape),
    buffers: [dy, argmax, dx], workgroups: gridFor(shape.n * shape.c * shape.h * shape.w),
  }];
}
