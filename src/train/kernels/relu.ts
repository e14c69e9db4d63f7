// ReLU forward and backward (shaders/relu.wgsl): one invocation per element, memory-bound.
import { packUniforms, type DispatchSpec } from '../../gpu/runtime.ts';
import { checkDistinct, checkInt, checkSize, gridFor, WG } from './kernel-args.ts';

/** Shaders to load before using these dispatches. */
export const RELU_SHADERS = ['relu'] as const;

/**
 * y = max(x, 0) over `n` float32 elements; in place when `y` is omitted or is `x`.
 * @example reluForward(1024, x, y) // one dispatch of 4 workgroups
 */
export function reluForward(n: number, x: GPUBuffer, y: GPUBuffer = x): DispatchSpec[] {
  checkInt('reluForward', 'n', n);
  checkSize('reluForward', 'x', x, n);
  checkSize('reluForward', 'y', y, n);
  const uniforms = packUniforms([n]);
  const workgroups = gridFor(n);
  if (y === x) return [{ shader: 'relu', entry: 'forward_inplace', constants: { WG }, uniforms, buffers: [x], workgroups }];
  return [{ shader: 'relu', entry: 'forward', constants: { WG }, uniforms, buffers: [x, y], workgroups }];
}

/**
 * dx = dy · [y > 0] from the forward output `y`; in place into `dy` when `dx` is omitted or is `dy`.
 */
export function reluBackward(n: number, y: GPUBuffer, dy: GPUBuffer, dx: GPUBuffer = dy): DispatchSpec[] {
  checkInt('reluBackward', 'n', n);
  for (const [name, b] of [['y', y], ['dy', dy], ['dx', dx]] as const) checkSize('reluBackward', name, b, n);
  checkDistinct('reluBackward', { dx }, { y });
  const uniforms = packUniforms([n]);
  const workgroups = gridFor(n);
  if (dx === dy) return [{ shader: 'relu', entry: 'backward_inplace', constants: { WG }, uniforms, buffers: [y, dy], workgroups }];
  return [{ shader: 'relu', entry: 'backward', constants: { WG }, uniforms, buffers: [y, dy, dx], workgroups }];
}
