// Benchmark of the memory-bound training kernels on WebGPU: batchnorm, max pooling and Adam (GB/s
// of compulsory traffic); the GEMM-bound ones (conv, dense) are in the 'train-kernels' suite of
// `paretonas bench` (src/bench/suites/train.ts). Results are checked
// against the CPU twins before timing; the first call (pipeline creation + first submit) is timed
// apart from the warm calls, each of which waits for the GPU (onSubmittedWorkDone).
//   npx tsx bench/train-kernels-misc.ts
import { acquireGpu } from '../src/gpu/device.ts';
import { GpuRuntime, type DispatchSpec, type PreparedDispatch } from '../src/gpu/runtime.ts';
import { ADAM_SHADERS, adamStep } from '../src/train/kernels/adam.ts';
import { BATCHNORM_SHADERS, batchnormBackward, batchnormForwardTrain, batchnormWorkspaceFloats } from '../src/train/kernels/batchnorm.ts';
import { MAXPOOL2X2_SHADERS, maxpool2x2Backward, maxpool2x2Forward } from '../src/train/kernels/maxpool2x2.ts';
import { Rng } from '../src/random/rng.ts';
import { adamStepReference } from '../src/train/reference/adam.ts';
import { batchnormBackwardReference, batchnormForwardTrainReference } from '../src/train/reference/batchnorm.ts';
import { maxpool2x2BackwardReference, maxpool2x2ForwardReference } from '../src/train/reference/maxpool2x2.ts';
import { cpus } from 'node:os';
import { median } from '../src/bench/harness.ts';

const WARM_RUNS = Number(process.env.WARM_RUNS ?? 7);

const gpu = await acquireGpu();
const rt = await GpuRuntime.create(gpu, [...BATCHNORM_SHADERS, ...MAXPOOL2X2_SHADERS, ...ADAM_SHADERS]);
const rng = new Rng(2024);
const randn = (n: number, s = 1) => Float32Array.from({ length: n }, () => s * rng.normal());

function check(what: string, got: ArrayLike<number>, want: ArrayLike<number>, rel = 1e-3): void {
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= rel * (Math.abs(want[i]) + scale))) {
      throw new Error(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
    }
  }
}

async function submit(prepared: PreparedDispatch[]): Promise<void> {
  const enc = gpu.device.createCommandEncoder();
  rt.encode(enc, prepared);
  gpu.device.queue.submit([enc.finish()]);
  await gpu.device.queue.onSubmittedWorkDone();
}

interface Row {
  kernel: string;
  shape: string;
  first: number;
  median: number;
  rate: string;
}
const rows: Row[] = [];

/**
 * Time a list of dispatches: the first call (pipeline creation, bind groups, submit, wait), then
 * the outputs are checked, then the median of warm calls (prepared dispatches re-encoded).
 */
async function bench(kernel: string, shape: string, specs: () => DispatchSpec[], verify: () => Promise<void>, work: number, unit: 'GFLOP/s' | 'GB/s'): Promise<void> {
  let t0 = performance.now();
  const prepared = specs().map((s) => rt.prepare(s));
  await submit(prepared);
  const first = (performance.now() - t0) / 1000;
  await verify();
  const times: number[] = [];
  for (let i = 0; i < WARM_RUNS; i++) {
    t0 = performance.now();
    await submit(prepared);
    times.push((performance.now() - t0) / 1000);
  }
  for (const p of prepared) rt.release(p.uniform);
  const m = median(times);
  rows.push({ kernel, shape, first, median: m, rate: `${(work / m / 1e9).toFixed(2)} ${unit}` });
  console.error(`  ${kernel} ${shape}: ${(m * 1e3).toFixed(2)} ms`);
}

console.error(`# ${gpu.adapter}`);

// ---- batchnorm and max pooling on a [128, 64, 16, 16] activation (8 MiB)
{
  const s = { n: 128, c: 64, h: 16, w: 16 }, total = s.n * s.c * s.h * s.w;
  const x = randn(total), dy = randn(total), gamma = randn(s.c), beta = randn(s.c);
  const xb = rt.upload(x), yb = rt.buffer(total * 4), dyb = rt.upload(dy), dxb = rt.buffer(total * 4);
  const weights = rt.upload(Float32Array.from([...gamma, ...beta])), running = rt.upload(new Float32Array(2 * s.c).fill(1));
  const coef = rt.buffer(16 * s.c), workspace = rt.buffer(4 * batchnormWorkspaceFloats(s));
  const p = {
    gamma: { buffer: weights, offset: 0 }, beta: { buffer: weights, offset: s.c },
    runningMean: { buffer: running, offset: 0 }, runningVar: { buffer: running, offset: s.c }, coef, workspace,
  };
  const grads = rt.buffer(8 * s.c);
  const dparams = { dgamma: { buffer: grads, offset: 0 }, dbeta: { buffer: grads, offset: s.c } };
  const f = batchnormForwardTrainReference(s, x, gamma, beta, new Float64Array(s.c), new Float64Array(s.c).fill(1));
  const shape = `[${s.n}, ${s.c}, ${s.h}, ${s.w}]`;
  await bench('batchnorm forward (train)', shape, () => batchnormForwardTrain(s, { x: xb, y: yb, ...p }, { updateRunning: false }),
    async () => check('batchnorm y', await rt.readF32(yb, total), f.y), 8 * total, 'GB/s');
  await bench('batchnorm backward', shape, () => batchnormBackward(s, { x: xb, dy: dyb, coef, workspace, dx: dxb, ...dparams }),
    async () => check('batchnorm dx', await rt.readF32(dxb, total), batchnormBackwardReference(s, x, dy, gamma, f.mean, f.invstd).dx, 1e-2), 12 * total, 'GB/s');

  const out = total / 4, pdy = randn(out), pyb = rt.buffer(out * 4), arg = rt.buffer(out * 4), pdyb = rt.upload(pdy), pdx = rt.buffer(total * 4);
  const mp = maxpool2x2ForwardReference(s, x);
  await bench('maxpool2x2 forward', shape, () => maxpool2x2Forward(s, { x: xb, y: pyb, argmax: arg }),
    async () => check('maxpool y', await rt.readF32(pyb, out), mp.y, 0), 4 * (total + 2 * out), 'GB/s');
  await bench('maxpool2x2 backward', shape, () => maxpool2x2Backward(s, { dy: pdyb, argmax: arg, dx: pdx }),
    async () => check('maxpool dx', await rt.readF32(pdx, total), maxpool2x2BackwardReference(s, pdy, mp.argmax), 0), 4 * (total + 2 * out), 'GB/s');
}

// ---- Adam over 1M parameters
{
  const n = 1 << 20;
  const p0 = randn(n), g = randn(n);
  const bufs = { params: rt.upload(p0), grads: rt.upload(g), m: rt.upload(new Float32Array(n)), v: rt.upload(new Float32Array(n)) };
  const p = Float64Array.from(p0), m = new Float64Array(n), v = new Float64Array(n);
  adamStepReference(p, g, m, v, 1, { lr: 1e-3 });
  // the prepared dispatch keeps t = 1 for the warm calls (the update costs the same for any t)
  await bench('adam', '1,048,576 params', () => adamStep({ n }, bufs, { t: 1, lr: 1e-3 }),
    async () => check('adam p', await rt.readF32(bufs.params, n), p, 1e-6), 28 * n, 'GB/s');
}

console.log(`\n### Training kernels (misc) on ${gpu.adapter}${gpu.software ? ' — software adapter' : ''}; host ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}\n`);
console.log(`Outputs of the first call checked against the CPU twins before the warm calls. first = pipeline creation + bind groups + submit + wait; median of ${WARM_RUNS} warm calls, each waiting for the GPU. GB/s counts compulsory traffic (each tensor read or written once).\n`);
console.log('| kernel | shape | first call | median | rate |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.kernel} | ${r.shape} | ${(r.first * 1e3).toFixed(1)} ms | ${(r.median * 1e3).toFixed(2)} ms | ${r.rate} |`);
rt.destroy();
gpu.dispose();
