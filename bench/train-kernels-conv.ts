// Throughput of the conv2d WGSL kernels (forward, grad-input, grad-weight) on the Flowers
// default network's conv layers and a wide one, on whatever WebGPU adapter is present.
// Each layer is first checked against the double-precision reference on a batch of 2 (same
// pipelines), then timed at its own batch size: the first call (pipeline compilation and
// warm-up) apart, then the median of warm calls, each waited for with onSubmittedWorkDone().
//
//   npx tsx bench/train-kernels-conv.ts            (BENCH_REPS=n warm calls; BENCH_BATCH=n batch)
import { machine, median } from './harness.ts';
import { acquireGpu } from '../src/gpu/device.ts';
import { GpuRuntime, type DispatchSpec } from '../src/gpu/runtime.ts';
import { Rng } from '../src/random/rng.ts';
import {
  CONV2D_SHADERS,
  conv2dFlops,
  conv2dForward,
  conv2dGradInput,
  conv2dGradWeight,
  conv2dGradWeightScratchBytes,
  type Conv2dShape,
} from '../src/train/kernels/conv2d.ts';
import { conv2dForwardReference, conv2dGradInputReference, conv2dGradWeightReference } from '../src/train/reference/conv2d.ts';

interface Layer {
  name: string;
  shape: Conv2dShape;
}

const layer = (name: string, batch: number, inChannels: number, outChannels: number, size: number, kernelSize: number): Layer =>
  ({ name, shape: { batch, inChannels, outChannels, height: size, width: size, kernelSize } });

type Kernel = 'forward' | 'grad-input' | 'grad-weight';
const KERNELS: Kernel[] = ['forward', 'grad-input', 'grad-weight'];

interface Buffers {
  x: GPUBuffer; w: GPUBuffer; b: GPUBuffer; dy: GPUBuffer;
  y: GPUBuffer; dx: GPUBuffer; dw: GPUBuffer; db: GPUBuffer; scratch?: GPUBuffer;
}

function specsOf(kernel: Kernel, shape: Conv2dShape, { x, w, b, dy, y, dx, dw, db, scratch }: Buffers): DispatchSpec[] {
  switch (kernel) {
    case 'forward': return conv2dForward(shape, { x, w, b, y });
    case 'grad-input': return conv2dGradInput(shape, { dy, w, dx });
    case 'grad-weight': return conv2dGradWeight(shape, { x, dy, dw, db, scratch });
  }
}

function randomData(shape: Conv2dShape, seed: number) {
  const rng = new Rng(seed);
  const fill = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  const { batch: n, inChannels: ci, outChannels: co, height: h, width: w, kernelSize: k } = shape;
  return { x: fill(n * ci * h * w), w: fill(co * ci * k * k), b: fill(co), dy: fill(n * co * h * w) };
}

function allocate(rt: GpuRuntime, shape: Conv2dShape, data: ReturnType<typeof randomData>): Buffers {
  const { batch: n, inChannels: ci, outChannels: co, height: h, width: w, kernelSize: k } = shape;
  const scratchBytes = conv2dGradWeightScratchBytes(shape);
  return {
    x: rt.upload(data.x, 'x'), w: rt.upload(data.w, 'w'), b: rt.upload(data.b, 'b'), dy: rt.upload(data.dy, 'dy'),
    y: rt.buffer(n * co * h * w * 4, 'y'), dx: rt.buffer(n * ci * h * w * 4, 'dx'),
    dw: rt.buffer(co * ci * k * k * 4, 'dw'), db: rt.buffer(co * 4, 'db'),
    scratch: scratchBytes ? rt.buffer(scratchBytes, 'grad-weight scratch') : undefined,
  };
}

function release(rt: GpuRuntime, bufs: Buffers): void {
  for (const b of Object.values(bufs)) if (b) rt.release(b);
}

/** |gpu − ref| ≤ 2^−20·√L·Σ|terms| (the float32 tolerance of the tests); throws on the first miss. */
function check(what: string, got: Float32Array, want: Float64Array, mag: Float64Array, terms: number): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const tol = 2 ** -20 * Math.sqrt(terms) * mag[i] + 2 ** -40;
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol)) throw new Error(`${what}: element ${i} is ${got[i]}, the reference says ${want[i]}`);
    worst = Math.max(worst, err / tol);
  }
  return worst;
}

/** Run all three kernels on a batch of 2 of the layer and compare with the reference. */
async function verify(rt: GpuRuntime, layerShape: Conv2dShape): Promise<string> {
  const shape = { ...layerShape, batch: 2 };
  const data = randomData(shape, 1);
  const bufs = allocate(rt, shape, data);
  rt.run(KERNELS.flatMap((k) => specsOf(k, shape, bufs)));
  const { batch: n, inChannels: ci, outChannels: co, height: h, width: w, kernelSize: k } = shape;
  const [y, dx, dw, db] = await Promise.all([
    rt.readF32(bufs.y, n * co * h * w), rt.readF32(bufs.dx, n * ci * h * w), rt.readF32(bufs.dw, co * ci * k * k), rt.readF32(bufs.db, co),
  ]);
  release(rt, bufs);
  const abs = (a: Float32Array) => a.map(Math.abs);
  const gw = conv2dGradWeightReference(shape, data.x, data.dy);
  const gwMag = conv2dGradWeightReference(shape, abs(data.x), abs(data.dy));
  const pixels = n * h * w;
  const worst = Math.max(
    check('forward', y, conv2dForwardReference(shape, data.x, data.w, data.b), conv2dForwardReference(shape, abs(data.x), abs(data.w), abs(data.b)), ci * k * k + 1),
    check('grad-input', dx, conv2dGradInputReference(shape, data.dy, data.w), conv2dGradInputReference(shape, abs(data.dy), abs(data.w)), co * k * k),
    check('grad-weight dW', dw, gw.dw, gwMag.dw, pixels),
    check('grad-weight db', db, gw.db, gwMag.db, pixels),
  );
  return `ok (worst error ${(worst * 100).toFixed(1)}% of tolerance)`;
}

async function timeKernel(rt: GpuRuntime, specs: DispatchSpec[], reps: number, budgetS: number): Promise<{ first: number; median: number; runs: number }> {
  const device = rt.device;
  const submit = async (prepared: ReturnType<GpuRuntime['prepare']>[]) => {
    const enc = device.createCommandEncoder({ label: 'conv2d bench' });
    rt.encode(enc, prepared);
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
  };
  let t0 = performance.now();
  const prepared = specs.map((s) => rt.prepare(s)); // compiles the pipelines on first use
  await submit(prepared);
  const first = (performance.now() - t0) / 1000;
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    t0 = performance.now();
    await submit(prepared);
    times.push((performance.now() - t0) / 1000);
    if ((performance.now() - start) / 1000 > budgetS) break;
  }
  for (const p of prepared) rt.release(p.uniform);
  return { first, median: median(times), runs: times.length };
}

async function main(): Promise<void> {
  const gpu = await acquireGpu();
  try {
    const rt = await GpuRuntime.create(gpu, CONV2D_SHADERS);
    const software = gpu.software;
    // The software adapter runs at ~2 GFLOP/s (a layer's kernel takes up to 5 s at N = 128):
    // two warm calls there keep the whole run under two minutes.
    const reps = Number(process.env.BENCH_REPS ?? (software ? 2 : 20));
    const batch = Number(process.env.BENCH_BATCH ?? 128);
    const budgetS = software ? 8 : 5;
    const layers = [
      layer('flowers conv1', batch, 3, 128, 16, 5),
      layer('flowers conv2', batch, 128, 128, 8, 5),
      layer('flowers conv3', batch, 128, 128, 4, 5),
      layer('wide', batch, 128, 512, 8, 3),
    ];
    console.log(`# conv2d kernels on ${gpu.adapter}${software ? ' (software adapter)' : ''}`);
    console.log(`# ${machine()}; batch ${batch}; first call (bind groups, uniforms, one run) apart, then the median of up to ${reps} warm call(s)`);
    console.log('\n| layer | shape (N, Cin→Cout, H×W, k) | check (N=2) | kernel | GFLOP | first call | median | GFLOP/s |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const { name, shape } of layers) {
      const verdict = await verify(rt, shape);
      const bufs = allocate(rt, shape, randomData(shape, 2));
      const gflop = conv2dFlops(shape) / 1e9;
      for (const kernel of KERNELS) {
        const t = await timeKernel(rt, specsOf(kernel, shape, bufs), reps, budgetS);
        const desc = `${shape.batch}, ${shape.inChannels}→${shape.outChannels}, ${shape.height}×${shape.width}, k${shape.kernelSize}`;
        console.log(`| ${name} | ${desc} | ${verdict} | ${kernel} | ${gflop.toFixed(3)} | ${(t.first * 1000).toFixed(1)} ms | ${(t.median * 1000).toFixed(1)} ms | ${(gflop / t.median).toFixed(2)} |`);
      }
      release(rt, bufs);
    }
    rt.destroy();
  } finally {
    gpu.dispose();
  }
}

await main();
