// Global average pooling [N, C, H, W] → [N, C] and its backward (shaders/global-avg-pool.wgsl).
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';
import { checkDistinct, checkInt, checkSize, grid1d, gridFor, lanesFor, WG } from './kernel-args.ts';

export const GLOBAL_AVG_POOL_SHADERS = ['global-avg-pool'] as const;

export interface GapShape {
  n: number;
  c: number;
  h: number;
  w: number;
}

function validate(fn: string, s: GapShape): void {
  for (const k of ['n', 'c', 'h', 'w'] as const) checkInt(fn, `shape.${k}`, s[k]);
}

/** y[n, c] = mean over (h, w) of x[n, c, h, w]. */
export function globalAvgPoolForward(shape: GapShape, x: GPUBuffer, y: GPUBuffer): DispatchSpec[] {
  const fn = 'globalAvgPoolForward';
  validate(fn, shape);
  const rows = shape.n * shape.c, len = shape.h * shape.w;
  checkSize(fn, 'x', x, rows * len);
  checkSize(fn, 'y', y, rows);
  checkDistinct(fn, { y }, { x });
  const lanes = lanesFor(len);
  return [{
    shader: 'global-avg-pool', entry: 'forward', constants: { WG, LANES: lanes },
    uniforms: packUniforms([rows, len, rows * len]), buffers: [x, y],
    workgroups: grid1d(Math.ceil(rows / (WG / lanes))),
  }];
}

/** dx[n, c, h, w] = dy[n, c] / (H·W). */
export function globalAvgPoolBackward(shape: GapShape, dy: GPUBuffer, dx: GPUBuffer): DispatchSpec[] {
  const fn = 'globalAvgPoolBackward';
  validate(fn, shape);
  const rows = shape.n * shape.c, len = shape.h * shape.w;
  checkSize(fn, 'dy', dy, rows);
  checkSize(fn, 'dx', dx, rows * len);
  checkDistinct(fn, { dx }, { dy });
  return [{
    shader: 'global-avg-pool', entry: 'backward', constants: { WG },
    uniforms: packUniforms([rows, len, rows * len]), buffers: [dy, dx], workgroups: gridFor(rows * len),
  }];
}
