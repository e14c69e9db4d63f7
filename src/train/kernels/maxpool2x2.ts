// MaxPool2d(2, stride 2, floor) forward and backward (shaders/maxpool2x2.wgsl), NCHW float32.
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import { checkMaxpool2x2Backward, checkMaxpool2x2Forward, gridFor, WG } from './kernel-args.ts';

export const MAXPOOL2X2_SHADERS = ['maxpool2x2'] as const;

/** The uniform struct of shaders/maxpool2x2.wgsl. */
export const MAXPOOL2X2_UNIFORMS = new UniformStruct('maxpool2x2', 'PoolParams', {
  h: 'u32', w: 'u32', ho: 'u32', wo: 'u32', total_out: 'u32', total_in: 'u32',
});

export interface PoolShape {
  n: number;
  c: number;
  h: number;
  w: number;
}

export interface PoolForwardIo {
  /** [N, C, H, W] */
  x: GPUBuffer;
  /** [N, C, ⌊H/2⌋, ⌊W/2⌋] */
  y: GPUBuffer;
  /** u32 per output element (training); omitted for the evaluation forward */
  argmax?: GPUBuffer;
}

export interface PoolBackwardIo {
  dy: GPUBuffer;
  /** as the training forward wrote it */
  argmax: GPUBuffer;
  /** [N, C, H, W], fully written */
  dx: GPUBuffer;
}

/** Output spatial size: floor(h/2) × floor(w/2). */
export function maxpool2x2OutShape(s: PoolShape): PoolShape {
  return { n: s.n, c: s.c, h: Math.floor(s.h / 2), w: Math.floor(s.w / 2) };
}

function uniforms(s: PoolShape) {
  const o = maxpool2x2OutShape(s);
  return MAXPOOL2X2_UNIFORMS.pack({ h: s.h, w: s.w, ho: o.h, wo: o.w, total_out: s.n * s.c * o.h * o.w, total_in: s.n * s.c * s.h * s.w });
}

/**
 * Training forward: y and `argmax` (u32 per output element, 0..3 within the window, row-major,
 * first maximum wins). Without `io.argmax`, the evaluation forward (y only).
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 * @example maxpool2x2Forward({ n: 8, c: 3, h: 7, w: 7 }, { x, y, argmax }) // y [8, 3, 3, 3]
 */
export function maxpool2x2Forward(shape: PoolShape, io: PoolForwardIo): DispatchSpec[] {
  checkMaxpool2x2Forward(shape, io);
  const o = maxpool2x2OutShape(shape);
  const workgroups = gridFor(o.n * o.c * o.h * o.w);
  const u = uniforms(shape);
  if (!io.argmax) return [{ shader: 'maxpool2x2', entry: 'forward_eval', constants: { WG }, uniforms: u, buffers: [io.x, io.y], workgroups }];
  return [{ shader: 'maxpool2x2', entry: 'forward', constants: { WG }, uniforms: u, buffers: [io.x, io.y, io.argmax], workgroups }];
}

/**
 * Backward: dx [N, C, H, W] (fully written) from dy and the forward's argmax.
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 */
export function maxpool2x2Backward(shape: PoolShape, io: PoolBackwardIo): DispatchSpec[] {
  checkMaxpool2x2Backward(shape, io);
  return [{
    shader: 'maxpool2x2', entry: 'backward', constants: { WG }, uniforms: uniforms(shape),
    buffers: [io.dy, io.argmax, io.dx], workgroups: gridFor(shape.n * shape.c * shape.h * shape.w),
  }];
}
