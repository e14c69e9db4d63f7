// Choosing where a network trains: `device: 'auto' | 'webgpu' | 'wasm'`. 'auto' takes a hardware
// WebGPU adapter when there is one, else the WebAssembly CPU backend — never a software WebGPU
// adapter (they run WGSL at 2-4 GFLOP/s, an order of magnitude below the CPU backend); 'webgpu'
// takes any adapter, software ones included.
import { acquireGpu, type Gpu } from '../../gpu/device.ts';
import { probeHardwareAdapter } from '../../platform/gpu.ts';
import type { TrainingBackend } from '../backend.ts';
import { WasmBackend, type WasmBackendOptions } from './wasm.ts';
import { WebGpuBackend } from './webgpu.ts';

export type DeviceChoice = 'auto' | 'webgpu' | 'wasm';
export const DEVICE_CHOICES: readonly DeviceChoice[] = ['auto', 'webgpu', 'wasm'];

export interface OpenBackendOptions extends WasmBackendOptions {
  /** train on this WebGPU device (implies 'webgpu'; the caller keeps owning it) */
  gpuDevice?: GPUDevice;
}

export interface OpenedBackend {
  backend: TrainingBackend;
  /** releases the backend, and the GPU device when it was acquired here */
  close(): void;
}

/**
 * A training backend for `device`.
 * @throws RangeError naming `device` when it is not one of DEVICE_CHOICES
 * @throws Error saying what to install when 'webgpu' is asked for and no adapter can be had
 */
export async function openBackend(device: DeviceChoice = 'auto', options: OpenBackendOptions = {}): Promise<OpenedBackend> {
  if (!DEVICE_CHOICES.includes(device)) throw new RangeError(`openBackend: device must be one of ${DEVICE_CHOICES.join(', ')}, got ${JSON.stringify(device)}`);
  const useGpu = device === 'webgpu' || options.gpuDevice !== undefined || (device === 'auto' && (await probeHardwareAdapter()) !== undefined);
  if (!useGpu) {
    const backend = await WasmBackend.create(options);
    return { backend, close: () => backend.dispose() };
  }
  const gpu: Gpu = await acquireGpu({ device: options.gpuDevice });
  const backend = await WebGpuBackend.create(gpu);
  return {
    backend,
    close: () => {
      backend.dispose();
      gpu.dispose();
    },
  };
}

export { WasmBackend } from './wasm.ts';
export { WebGpuBackend, TRAINER_SHADERS } from './webgpu.ts';
