// Global average pooling [N, C, H, W] → [N, C] and its backward (shaders/global-avg-pool.wgsl).
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import { checkGlobalAvgPoolBackward, checkGlobalAvgPoolForward, grid1d, gridFor, lanesFor, WG } from './kernel-args.ts';

export const GLOBAL_AVG_POOL_SHADERS = ['global-avg-pool'] as const;

/** The uniform struct of shaders/global-avg-pool.wgsl. */
export const GLOBAL_AVG_POOL_UNIFORMS = new UniformStruct('global-avg-pool', 'GapParams', { rows: 'u32', len: 'u32', total: 'u32' });

export interface GapShape {
  n: number;
  c: number;
  h: number;
  w: number;
}

export interface GapForwardIo {
  /** [N, C, H, W] */
  x: GPUBuffer;
  /** [N, C] */
  y: GPUBuffer;
}

export interface GapBackwardIo {
  /** [N, C] */
  dy: GPUBuffer;
  /** [N, C, H, W] */
  dx: GPUBuffer;
}

function uniforms(s: GapShape) {
  const rows = s.n * s.c, len = s.h * s.w;
  return GLOBAL_AVG_POOL_UNIFORMS.pack({ rows, len, total: rows * len });
}

/**
 * y[n, c] = mean over (h, w) of x[n, c, h, w].
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 * @example globalAvgPoolForward({ n: 8, c: 128, h: 4, w: 4 }, { x, y }) // y [8, 128]
 */
export function globalAvgPoolForward(shape: GapShape, io: GapForwardIo): DispatchSpec[] {
  checkGlobalAvgPoolForward(shape, io);
  const rows = shape.n * shape.c;
  const lanes = lanesFor(shape.h * shape.w);
  return [{
    shader: 'global-avg-pool', entry: 'forward', constants: { WG, LANES: lanes },
    uniforms: uniforms(shape), buffers: [io.x, io.y],
    workgroups: grid1d(Math.ceil(rows / (WG / lanes))),
  }];
}

/**
 * dx[n, c, h, w] = dy[n, c] / (H·W).
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 */
export function globalAvgPoolBackward(shape: GapShape, io: GapBackwardIo): DispatchSpec[] {
  checkGlobalAvgPoolBackward(shape, io);
  return [{
    shader: 'global-avg-pool', entry: 'backward', constants: { WG },
    uniforms: uniforms(shape), buffers: [io.dy, io.dx], workgroups: gridFor(shape.n * shape.c * shape.h * shape.w),
  }];
}
