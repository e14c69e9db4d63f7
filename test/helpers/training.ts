// The two training backends on real data for a test file: the real WebGPU adapter (the software
// one in CI; absent: the WebGPU tests skip and say why) and the real WebAssembly module, with
// the Flowers data loaded once. Call at the top level of a test file: it registers the hooks.
import { afterAll, beforeAll } from 'vitest';
import { loadFlowers, type Dataset } from '../../src/datasets/index.ts';
import type { TrainingBackend } from '../../src/train/backend.ts';
import { TRAINER_SHADERS, WasmBackend, WebGpuBackend } from '../../src/train/backends/index.ts';
import { type GpuEnv, openGpu } from './gpu.ts';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;

export const TRAINING_KINDS = ['webgpu', 'wasm'] as const;

export interface TrainingBackends {
  backends: Record<'webgpu' | 'wasm', TrainingBackend | undefined>;
  /** why the WebGPU tests skip, when they do */
  skip?: string;
  env?: GpuEnv;
  flowers: Dataset;
}

export function useTrainingBackends(): TrainingBackends {
  const t = { backends: { webgpu: undefined, wasm: undefined } } as TrainingBackends;
  beforeAll(async () => {
    ({ env: t.env, skip: t.skip } = await openGpu(TRAINER_SHADERS));
    if (t.env) t.backends.webgpu = await WebGpuBackend.create(t.env.gpu);
    t.backends.wasm = await WasmBackend.create();
    t.flowers = await loadFlowers(FLOWERS_DIR);
  });
  afterAll(() => {
    t.backends.webgpu?.dispose();
    t.env?.close();
  });
  return t;
}
