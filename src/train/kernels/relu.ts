// ReLU forward and backward (shaders/relu.wgsl): one invocation per element, memory-bound.
import type { DispatchSpec } from '../../gpu/runtime.ts';
import { UniformStruct } from '../../gpu/uniforms.ts';
import { checkReluBackward, checkReluForward, gridFor, WG } from './kernel-args.ts';

/** Shaders to load before using these dispatches. */
export const RELU_SHADERS = ['relu'] as const;

/** The uniform struct of shaders/relu.wgsl. */
export const RELU_UNIFORMS = new UniformStruct('relu', 'ReluParams', { n: 'u32' });

export interface ReluShape {
  /** float32 elements */
  n: number;
}

export interface ReluForwardIo {
  x: GPUBuffer;
  /** omitted or `x`: in place */
  y?: GPUBuffer;
}

export interface ReluBackwardIo {
  /** the forward's output */
  y: GPUBuffer;
  dy: GPUBuffer;
  /** omitted or `dy`: in place into dy */
  dx?: GPUBuffer;
}

/**
 * y = max(x, 0) over `n` float32 elements; in place when `io.y` is omitted or is `io.x`.
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 * @example reluForward({ n: 1024 }, { x, y }) // one dispatch of 4 workgroups
 */
export function reluForward(shape: ReluShape, io: ReluForwardIo): DispatchSpec[] {
  checkReluForward(shape, io);
  const uniforms = RELU_UNIFORMS.pack({ n: shape.n });
  const workgroups = gridFor(shape.n);
  if (!io.y || io.y === io.x) return [{ shader: 'relu', entry: 'forward_inplace', constants: { WG }, uniforms, buffers: [io.x], workgroups }];
  return [{ shader: 'relu', entry: 'forward', constants: { WG }, uniforms, buffers: [io.x, io.y], workgroups }];
}

/**
 * dx = dy · [y > 0] from the forward output `y`; in place into `dy` when `io.dx` is omitted or
 * is `io.dy`.
 * @throws RangeError or TypeError naming the argument (see kernel-args.ts)
 */
export function reluBackward(shape: ReluShape, io: ReluBackwardIo): DispatchSpec[] {
  checkReluBackward(shape, io);
  const uniforms = RELU_UNIFORMS.pack({ n: shape.n });
  const workgroups = gridFor(shape.n);
  if (!io.dx || io.dx === io.dy) return [{ shader: 'relu', entry: 'backward_inplace', constants: { WG }, uniforms, buffers: [io.y, io.dy], workgroups }];
  return [{ shader: 'relu', entry: 'backward', constants: { WG }, uniforms, buffers: [io.y, io.dy, io.dx], workgroups }];
}
