// The training suites of `paretonas bench` at --quick in Node: every kernel checked against its
// float64 twin and timed in WebAssembly; WebGPU on a software adapter skipped with the reason
// unless asked for, and timed when asked; one training alone and one per core, each in its own
// process, checked against the network's float64 twin; PyTorch beside them where it is installed.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { trainKernelsSuite, trainSuite } from '../../../src/bench/suites/train.ts';
import { MEMORY_BOUND_KERNELS } from '../../../src/bench/suites/train-memory.ts';
import type { SuiteContext } from '../../../src/bench/harness.ts';
import { probeHardwareAdapter } from '../../../src/platform/gpu.ts';
import { acquireGpu } from '../../../src/gpu/device.ts';

const KERNELS = ['conv forward', 'conv grad-input', 'conv grad-weight', 'dense forward', 'dense backward', 'sgemm'];
const ctx = (more: Partial<SuiteContext> = {}): SuiteContext => ({ quick: true, log: () => {}, ...more });
const hardware = await probeHardwareAdapter();
const softwareAdapter = hardware === undefined && (await acquireGpu().then((g) => (g.dispose(), true), () => false));
const PYTHON = process.env.TORCH_PYTHON ?? '/usr/bin/python3';
const torch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

describe('the train-kernels suite', () => {
  it('checks and times every kernel in WebAssembly, and skips a software WebGPU adapter with the reason', async () => {
    const out = await trainKernelsSuite.run(ctx());
    const wasm = out.results.filter((r) => r.backend === 'wasm');
    expect(new Set(wasm.map((r) => r.case))).toEqual(new Set(KERNELS));
    for (const r of out.results) {
      expect(r.suite).toBe('train-kernels');
      expect(r.unit).toBe((MEMORY_BOUND_KERNELS as readonly string[]).includes(r.case) ? 'GB/s' : 'GFLOP/s');
      expect(r.check, `${r.backend} ${r.case}`).toMatch(/^matches its float64 twin \w+/);
      expect(r.median).toBeGreaterThan(0);
      expect(r.first).toBeGreaterThan(0);
    }
    if (hardware === undefined) {
      expect(out.results.some((r) => r.backend === 'webgpu')).toBe(false);
      expect(out.skipped.find((s) => s.case === 'webgpu kernels')?.reason).toMatch(/software|no hardware|webgpu/i);
    } else {
      expect(out.results.filter((r) => r.backend === 'webgpu').length).toBeGreaterThan(0);
    }
  });

  it.skipIf(!softwareAdapter)('times the kernels on the software WebGPU adapter when asked (softwareGpu)', async () => {
    const out = await trainKernelsSuite.run(ctx({ softwareGpu: true }));
    const gpu = out.results.filter((r) => r.backend === 'webgpu');
    // the GEMM-bound kernels in GFLOP/s, and on WebGPU the memory-bound ones in GB/s
    expect(new Set(gpu.map((r) => r.case))).toEqual(new Set([...KERNELS, ...MEMORY_BOUND_KERNELS]));
    for (const r of gpu) expect(r.unit, r.case).toBe((MEMORY_BOUND_KERNELS as readonly string[]).includes(r.case) ? 'GB/s' : 'GFLOP/s');
    expect(out.adapter?.software).toBe(true);
    for (const r of gpu) {
      expect(r.adapter).toBe(out.adapter?.name);
      expect(r.check).toMatch(/^matches its float64 twin/);
      expect(r.median).toBeGreaterThan(0);
    }
  });
});

describe('the train suite', () => {
  it(`trains on synthetic data in processes, one alone and one per core, checked against the float64 twin${torch ? ', beside PyTorch' : ''}`, async () => {
    const out = await trainSuite.run(ctx({ python: torch ? PYTHON : undefined }));
    const rows = out.results.filter((r) => r.backend.startsWith('wasm'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => /1 training$/.test(r.case))).toBe(true);
    for (const r of out.results) {
      expect(r.unit).toBe('images/s');
      expect(r.check).toMatch(/matches the float64 twin networkForwardReference/);
      expect(r.median).toBeGreaterThan(0);
      expect(r.shape).toMatchObject({ images: 64, batch: 32 });
    }
    const anchor = out.anchors.find((a) => a.name === 'pytorch');
    if (torch) {
      expect(anchor?.status).toBe('present');
      for (const r of rows) {
        expect(r.anchor?.name).toBe('pytorch');
        expect(r.ratio).toBeCloseTo(r.median / r.anchor!.median, 10);
      }
    } else {
      expect(anchor).toMatchObject({ status: 'absent' });
    }
  });

  it('reports PyTorch absent, with the reason, when no Python is given', async () => {
    const out = await trainSuite.run(ctx());
    expect(out.anchors).toContainEqual({ name: 'pytorch', status: 'absent', detail: expect.stringMatching(/--python/) });
    expect(out.results.every((r) => r.anchor === undefined)).toBe(true);
  });
});
