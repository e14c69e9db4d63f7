// The conv2d WGSL kernels on the real WebGPU adapter (the software one in CI) against two
// oracles: TensorFlow.js's CPU backend (NHWC / HWIO, so transposed; tf.grads for the
// backward) and the double-precision TS twin in src/train/reference/conv2d.ts.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuRuntime, STORAGE } from '../../src/gpu/runtime.ts';
import {
  CONV2D_SHADERS,
  CONV2D_TILINGS,
  conv2dFlops,
  conv2dForward,
  conv2dGradInput,
  conv2dGradWeight,
  conv2dGradWeightScratchBytes,
  type Conv2dGradWeightOptions,
  type Conv2dOptions,
  type Conv2dShape,
} from '../../src/train/kernels/conv2d.ts';
import { conv2dForwardReference } from '../../src/train/reference/conv2d.ts';
import { expectResults, magnitudes, randomData, reference, sizes, tfjs, type Data, type Results } from '../helpers/conv2d-oracles.ts';
import { openGpu } from '../helpers/gpu.ts';

// ---- the GPU side ----------------------------------------------------------------------

const { env, skip } = await openGpu(CONV2D_SHADERS);
const gpu = env?.gpu;
const NO_GPU = skip ?? '';
let rt: GpuRuntime;
if (env) rt = env.rt;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(() => env?.close());

interface GpuRun extends Results {
  /** the inputs x, w, b, dy as read back after the run (in the fields y, dx, dw, db) */
  inputs: Results;
}

/**
 * Run forward, grad-input and grad-weight in one submission, with NaN-filled outputs (so an
 * element a kernel forgets to write cannot pass), and read everything back in one copy.
 */
async function runGpu(shape: Conv2dShape, d: Data, options: Conv2dGradWeightOptions & { scratch?: boolean } = {}): Promise<GpuRun> {
  const n = sizes(shape);
  const nan = (len: number) => rt.upload(new Float32Array(len).fill(NaN));
  const x = rt.upload(d.x), w = rt.upload(d.w), b = rt.upload(d.b), dy = rt.upload(d.dy);
  const y = nan(n.y), dx = nan(n.x), dw = nan(n.w), db = nan(n.b);
  const { scratch: withScratch, ...gwOptions } = options;
  const scratchBytes = withScratch ? conv2dGradWeightScratchBytes(shape, gwOptions) : 0;
  const scratch = scratchBytes ? nan(scratchBytes / 4) : undefined;
  const gridOptions: Conv2dOptions = { maxWorkgroupsPerDimension: options.maxWorkgroupsPerDimension };
  const specs = [
    ...conv2dForward(shape, { x, w, b, y }, gridOptions),
    ...conv2dGradInput(shape, { dy, w, dx }, gridOptions),
    ...conv2dGradWeight(shape, { x, dy, dw, db, scratch }, gwOptions),
  ];
  rt.device.pushErrorScope('validation');
  rt.run(specs);
  const err = await rt.device.popErrorScope();
  if (err) throw new Error(`WebGPU validation: ${err.message}`);
  // one read-back of all eight tensors
  const parts: [GPUBuffer, number][] = [[y, n.y], [dx, n.x], [dw, n.w], [db, n.b], [x, n.x], [w, n.w], [b, n.b], [dy, n.y]];
  const offsets: number[] = [];
  let total = 0;
  for (const [, len] of parts) {
    offsets.push(total);
    total += Math.ceil(len / 64) * 64; // 256-byte aligned
  }
  const all = rt.buffer(total * 4, 'conv2d test read-back', STORAGE);
  const enc = rt.device.createCommandEncoder();
  parts.forEach(([buf, len], i) => enc.copyBufferToBuffer(buf, 0, all, offsets[i] * 4, Math.ceil(len / 64) * 64 * 4));
  rt.device.queue.submit([enc.finish()]);
  const data = await rt.readF32(all, total);
  for (const buf of [x, w, b, dy, y, dx, dw, db, all, ...(scratch ? [scratch] : [])]) rt.release(buf);
  const at = (i: number) => data.subarray(offsets[i], offsets[i] + parts[i][1]);
  return {
    y: at(0), dx: at(1), dw: at(2), db: at(3),
    inputs: { y: at(4), dx: at(5), dw: at(6), db: at(7) },
  };
}

// ---- the shapes ------------------------------------------------------------------------

const shape = (batch: number, inChannels: number, outChannels: number, height: number, width: number, kernelSize: number): Conv2dShape =>
  ({ batch, inChannels, outChannels, height, width, kernelSize });
const label = (s: Conv2dShape) => `N=${s.batch} ${s.inChannels}→${s.outChannels} ${s.height}×${s.width} k${s.kernelSize}`;

/** Small shapes: k 3/5/7, odd and 1×1 images, channel counts off the tiles, batch 1 and 5. */
const SHAPES: Conv2dShape[] = [
  shape(1, 1, 1, 1, 1, 3), // only the centre tap lands inside
  shape(5, 3, 17, 7, 5, 3), // H ≠ W, odd
  shape(1, 17, 33, 3, 3, 5), // kernel wider than the image
  shape(5, 33, 3, 5, 7, 7),
  shape(2, 3, 70, 9, 9, 5), // two channel tiles
  shape(1, 65, 33, 4, 4, 3), // grad-input rows past one 64-tile
  shape(2, 1, 8, 14, 14, 7), // Fashion's first layer, narrowed
  shape(1, 1, 100, 6, 6, 5), // a tall dW tile (100 × 25)
];

// ---- tests -----------------------------------------------------------------------------

describe('conv2d reference twin', () => {
  it.each([shape(2, 3, 5, 5, 4, 3), shape(1, 2, 3, 3, 3, 7), shape(3, 4, 2, 2, 5, 5)])(
    'conv2d*Reference(%o) matches tfjs (forward and backward)',
    (s) => {
      const d = randomData(s, 11);
      expectResults('reference vs tfjs', s, reference(s, d), tfjs(s, d), magnitudes(s, d));
    },
  );

  it('conv2dForwardReference does not mutate its inputs and names a wrong length', () => {
    const s = shape(1, 2, 2, 3, 3, 3);
    const d = randomData(s, 3);
    const copy = { x: d.x.slice(), w: d.w.slice(), b: d.b.slice() };
    conv2dForwardReference(s, d.x, d.w, d.b);
    expect(d.x).toEqual(copy.x);
    expect(d.w).toEqual(copy.w);
    expect(d.b).toEqual(copy.b);
    expect(() => conv2dForwardReference(s, d.x, d.w, d.b.subarray(1))).toThrow(/conv2dForwardReference: b has 1 elements/);
  });

  it('conv2dFlops(shape) counts 2·N·H·W·Cout·Cin·K²', () => {
    expect(conv2dFlops(shape(128, 3, 128, 16, 16, 5))).toBe(629145600);
  });
});

describe('conv2d kernels on WebGPU', () => {
  it.for(SHAPES.map((s) => [label(s), s] as const))('forward, grad-input and grad-weight on %s match tfjs and the reference', async ([, s], ctx) => {
    if (!gpu) return ctx.skip(NO_GPU);
    const d = randomData(s, 7);
    const got = await runGpu(s, d);
    const ref = reference(s, d);
    const mag = magnitudes(s, d);
    expectResults('gpu vs tfjs', s, got, tfjs(s, d), mag);
    expectResults('gpu vs reference', s, got, ref, mag);
  });

  it('the shapes above exercise every tiling', (ctx) => {
    if (!gpu) return ctx.skip(NO_GPU);
    const [p, q, r, t] = Array.from({ length: 4 }, () => rt.buffer(1 << 20)); // room for every shape
    const used = new Set<string>();
    for (const s of SHAPES) {
      const specs = [
        ...conv2dForward(s, { x: p, w: q, b: r, y: t }),
        ...conv2dGradInput(s, { dy: p, w: q, dx: t }),
        ...conv2dGradWeight(s, { x: p, dy: r, dw: q, db: t }),
      ];
      for (const spec of specs) used.add(JSON.stringify(spec.constants));
    }
    for (const b of [p, q, r, t]) rt.release(b);
    for (const tiling of CONV2D_TILINGS) expect([...used]).toContain(JSON.stringify(tiling));
  });

  it('conv2dGradWeight with a split reduction (scratch) matches the reference and is deterministic', async (ctx) => {
    if (!gpu) return ctx.skip(NO_GPU);
    const s = shape(5, 3, 17, 8, 8, 3); // 320 pixels
    expect(conv2dGradWeightScratchBytes(s)).toBeGreaterThan(0);
    expect(conv2dGradWeightScratchBytes(s, { splits: 1 })).toBe(0);
    const d = randomData(s, 21);
    const ref = reference(s, d);
    const mag = magnitudes(s, d);
    const byDefault = await runGpu(s, d, { scratch: true });
    expectResults('default split', s, byDefault, ref, mag);
    const three = await runGpu(s, d, { scratch: true, splits: 3 }); // the last slice is shorter
    expectResults('3 slices', s, three, ref, mag);
    const again = await runGpu(s, d, { scratch: true, splits: 3 });
    expect(Array.from(again.dw)).toEqual(Array.from(three.dw));
    expect(Array.from(again.db)).toEqual(Array.from(three.db));
    const many = await runGpu(s, d, { scratch: true, splits: 1000 }); // capped at one chunk per slice
    expectResults('most slices', s, many, ref, mag);
  });

  it('grids folded past maxWorkgroupsPerDimension give the same results', async (ctx) => {
    if (!gpu) return ctx.skip(NO_GPU);
    const s = shape(5, 3, 7, 13, 13, 3); // 4 pixel tiles on a 3 × 2 grid, 7 bias groups on 3 × 3
    const d = randomData(s, 5);
    const got = await runGpu(s, d, { maxWorkgroupsPerDimension: 3, scratch: true, splits: 2 });
    expectResults('folded grid', s, got, reference(s, d), magnitudes(s, d));
  });

  it('the kernels do not write their inputs', async (ctx) => {
    if (!gpu) return ctx.skip(NO_GPU);
    const s = shape(2, 5, 6, 4, 3, 5);
    const d = randomData(s, 9);
    const got = await runGpu(s, d, { scratch: true });
    expect(Array.from(got.inputs.y)).toEqual(Array.from(d.x));
    expect(Array.from(got.inputs.dx)).toEqual(Array.from(d.w));
    expect(Array.from(got.inputs.dw)).toEqual(Array.from(d.b));
    expect(Array.from(got.inputs.db)).toEqual(Array.from(d.dy));
  });

  it('conv2dForward, conv2dGradInput and conv2dGradWeight name the bad argument', (ctx) => {
    if (!gpu) return ctx.skip(NO_GPU);
    const s = shape(2, 3, 4, 5, 5, 3);
    const small = rt.buffer(4);
    const big = () => rt.buffer(4096);
    const [x, w, b, y, dy, dx, dw, db] = Array.from({ length: 8 }, big);
    expect(() => conv2dForward({ ...s, kernelSize: 4 }, { x, w, b, y })).toThrow(/conv2dForward: shape.kernelSize must be odd/);
    expect(() => conv2dForward({ ...s, batch: 0 }, { x, w, b, y })).toThrow(RangeError);
    expect(() => conv2dForward({ ...s, width: 2.5 }, { x, w, b, y })).toThrow(/conv2dForward: shape.width must be an integer in \[1, /);
    expect(() => conv2dForward(s, { x: small, w, b, y })).toThrow(/conv2dForward: io.x holds 256 bytes, needs 600/);
    expect(() => conv2dForward(s, { x, w, b, y: x })).toThrow(/conv2dForward: io.x and io.y must be different buffers \(io.y is written\)/);
    expect(() => conv2dForward(s, { x, w, y } as never)).toThrow(/conv2dForward: io.b is required/);
    expect(() => conv2dForward(s, { x: { buffer: x, offset: 4 }, w, b, y } as never)).toThrow(/conv2dForward: io.x must be a GPUBuffer \(this kernel takes no element offset\)/);
    expect(() => conv2dGradInput(s, { dy, w: small, dx })).toThrow(/conv2dGradInput: io.w holds 256 bytes/);
    expect(() => conv2dGradWeight(s, { x, dy, dw, db: dw })).toThrow(/conv2dGradWeight: io.db and io.dw must be different buffers/);
    expect(() => conv2dGradWeight(s, { x, dy, dw, db }, { splits: 0 })).toThrow(/conv2dGradWeight: options.splits must be an integer in \[1, /);
    expect(() => conv2dGradWeight(s, { x, dy, dw, db }, { split: 2 } as never)).toThrow(/conv2dGradWeight: options.split is not an argument of conv2dGradWeight/);
    const [mx, my] = [rt.buffer(1 << 20), rt.buffer(1 << 20)];
    expect(() => conv2dForward(shape(1, 1, 1, 512, 512, 1), { x: mx, w, b, y: my }, { maxWorkgroupsPerDimension: 4 }))
      .toThrow(/conv2dForward: shape gives 1024 × 1 tiles, past the limit of 4 workgroups per dimension/);
    expect(() => conv2dForward(s, { x, w, b, y }, { maxWorkgroupsPerDimension: 0 })).toThrow(/conv2dForward: options.maxWorkgroupsPerDimension must be an integer in \[1, /);
    for (const buf of [small, x, w, b, y, dy, dx, dw, db, mx, my]) rt.release(buf);
  });
});
