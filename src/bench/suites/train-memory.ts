// The memory-bound training kernels on WebGPU for the 'train-kernels' suite: batchnorm (training
// forward, backward), 2x2 max pooling (forward, backward) and the Adam step, in GB/s of compulsory
// traffic (each tensor read or written once). Each is checked against its float64 twin
// (src/train/reference/) on its first call's outputs before the warm calls are timed.
import type { Gpu } from '../../gpu/device.ts';
import { GpuRuntime, type DispatchSpec, type PreparedDispatch } from '../../gpu/runtime.ts';
import { Rng } from '../../random/rng.ts';
import { ADAM_SHADERS, adamStep } from '../../train/kernels/adam.ts';
import { BATCHNORM_SHADERS, batchnormBackward, batchnormForwardTrain, batchnormWorkspaceFloats } from '../../train/kernels/batchnorm.ts';
import { MAXPOOL2X2_SHADERS, maxpool2x2Backward, maxpool2x2Forward } from '../../train/kernels/maxpool2x2.ts';
import { adamStepReference } from '../../train/reference/adam.ts';
import { batchnormBackwardReference, batchnormForwardTrainReference } from '../../train/reference/batchnorm.ts';
import { maxpool2x2BackwardReference, maxpool2x2ForwardReference } from '../../train/reference/maxpool2x2.ts';
import { resultFrom, type SuiteContext, type Timing } from '../harness.ts';
import type { BenchResult } from '../schema.ts';

/** Throw unless `got` is within rel·(|want| + max|want|) of `want`, element by element. */
function check(what: string, got: ArrayLike<number>, want: ArrayLike<number>, rel: number): string {
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= rel * (Math.abs(want[i]) + scale))) {
      throw new Error(`train-kernels: ${what}: element ${i} is ${got[i]}, its float64 twin ${want[i]}`);
    }
  }
  return `matches its float64 twin on all ${want.length} outputs (${rel === 0 ? 'exactly' : `within ${rel} of the largest`})`;
}

/** The memory-bound kernels timed on WebGPU, in this order. */
export const MEMORY_BOUND_KERNELS = ['batchnorm forward (train)', 'batchnorm backward', 'maxpool2x2 forward', 'maxpool2x2 backward', 'adam'] as const;

export type KernelTimer = (run: () => Promise<void>) => Promise<Timing>;

/**
 * Time the memory-bound kernels on `gpu`. `time` is the suite's kernel timer (first call apart,
 * median of warm calls, each waiting for the GPU).
 */
export async function memoryBoundKernels(gpu: Gpu, adapter: string, ctx: SuiteContext, small: boolean, time: KernelTimer): Promise<BenchResult[]> {
  const rt = await GpuRuntime.create(gpu, [...BATCHNORM_SHADERS, ...MAXPOOL2X2_SHADERS, ...ADAM_SHADERS]);
  const rng = new Rng(2024);
  const randn = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const rows: BenchResult[] = [];
  // prepared once and encoded again for every call, as a training replays its dispatches
  const submit = async (prepared: PreparedDispatch[]) => {
    const enc = gpu.device.createCommandEncoder();
    rt.encode(enc, prepared);
    gpu.device.queue.submit([enc.finish()]);
    await gpu.device.queue.onSubmittedWorkDone();
  };
  const bench = async (kernel: string, shape: Record<string, number>, specs: DispatchSpec[], verify: () => Promise<string>, bytes: number) => {
    const prepared = specs.map((d) => rt.prepare(d));
    await submit(prepared);
    const verdict = await verify();
    const t = await time(() => submit(prepared));
    for (const d of prepared) rt.release(d.uniform);
    rows.push(resultFrom(t, { suite: 'train-kernels', case: kernel, shape, backend: 'webgpu', adapter, unit: 'GB/s', work: bytes / 1e9, check: verdict }));
    ctx.log(`  ${kernel} ${Object.values(shape).join('×')}: ${rows[rows.length - 1].median.toFixed(2)} GB/s`);
  };
  try {
    // an activation of the default network's first layer at batch 128 (8 MiB), or a small one
    const s = small ? { n: 8, c: 16, h: 16, w: 16 } : { n: 128, c: 64, h: 16, w: 16 };
    const total = s.n * s.c * s.h * s.w;
    const shape = { batch: s.n, channels: s.c, height: s.h, width: s.w };
    const x = randn(total), dy = randn(total), gamma = randn(s.c), beta = randn(s.c);
    const xb = rt.upload(x), yb = rt.buffer(total * 4), dyb = rt.upload(dy), dxb = rt.buffer(total * 4);
    const weights = rt.upload(Float32Array.from([...gamma, ...beta])), running = rt.upload(new Float32Array(2 * s.c).fill(1));
    const coef = rt.buffer(16 * s.c), workspace = rt.buffer(4 * batchnormWorkspaceFloats(s));
    const p = {
      gamma: { buffer: weights, offset: 0 }, beta: { buffer: weights, offset: s.c },
      runningMean: { buffer: running, offset: 0 }, runningVar: { buffer: running, offset: s.c }, coef, workspace,
    };
    const grads = rt.buffer(8 * s.c);
    const f = batchnormForwardTrainReference(s, x, gamma, beta, new Float64Array(s.c), new Float64Array(s.c).fill(1));
    await bench('batchnorm forward (train)', shape, batchnormForwardTrain(s, { x: xb, y: yb, ...p }, { updateRunning: false }),
      async () => check('batchnorm y', await rt.readF32(yb, total), f.y, 1e-3), 8 * total);
    await bench('batchnorm backward', shape, batchnormBackward(s, { x: xb, dy: dyb, coef, workspace, dx: dxb, dgamma: { buffer: grads, offset: 0 }, dbeta: { buffer: grads, offset: s.c } }),
      async () => check('batchnorm dx', await rt.readF32(dxb, total), batchnormBackwardReference(s, x, dy, gamma, f.mean, f.invstd).dx, 1e-2), 12 * total);
    const out = total / 4, pdy = randn(out), pyb = rt.buffer(out * 4), arg = rt.buffer(out * 4), pdyb = rt.upload(pdy), pdx = rt.buffer(total * 4);
    const mp = maxpool2x2ForwardReference(s, x);
    await bench('maxpool2x2 forward', shape, maxpool2x2Forward(s, { x: xb, y: pyb, argmax: arg }),
      async () => check('maxpool y', await rt.readF32(pyb, out), mp.y, 0), 4 * (total + 2 * out));
    await bench('maxpool2x2 backward', shape, maxpool2x2Backward(s, { dy: pdyb, argmax: arg, dx: pdx }),
      async () => check('maxpool dx', await rt.readF32(pdx, total), maxpool2x2BackwardReference(s, pdy, mp.argmax), 0), 4 * (total + 2 * out));

    // one Adam step over 1M parameters (64K on small shapes); warm calls repeat step t = 1, which costs the same as any t
    const n = small ? 1 << 16 : 1 << 20;
    const p0 = randn(n), g = randn(n);
    const bufs = { params: rt.upload(p0), grads: rt.upload(g), m: rt.upload(new Float32Array(n)), v: rt.upload(new Float32Array(n)) };
    const ref = Float64Array.from(p0), m = new Float64Array(n), v = new Float64Array(n);
    adamStepReference(ref, g, m, v, 1, { lr: 1e-3 });
    await bench('adam', { params: n }, adamStep({ n }, bufs, { t: 1, lr: 1e-3 }),
      async () => check('adam params', await rt.readF32(bufs.params, n), ref, 1e-6), 28 * n);
  } finally {
    rt.destroy();
  }
  return rows;
}
