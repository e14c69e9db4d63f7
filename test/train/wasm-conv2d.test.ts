// The conv2d kernels of the CPU training module (assembly/train/conv2d.ts on the packed GEMM of
// assembly/train/gemm.ts) against the double-precision twin (src/train/reference/conv2d.ts) and
// tfjs-core's CPU backend, forward and both gradients. Outputs and the workspace start as NaN,
// so an element a kernel forgets to write, or scratch it reads before writing, fails. The
// shapes cover K = 1/3/5/7, channel counts off the 4x8 tile, several K blocks (Cin·K² > 256),
// several pixel blocks, 1x1 and odd images, widths off the 4-pixel fast path and panels that
// straddle two images. The relaxed build runs too where this runtime validates it; Node 20
// needs the V8 flag on the workers:
//   npx vitest run test/train/wasm-conv2d.test.ts --execArgv=--experimental-wasm-relaxed-simd
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Conv2dShape } from '../../src/train/kernels/conv2d.ts';
import { TrainModule, type SimdFlavour } from '../../src/train/wasm/module.ts';
import { openTrainModules, trainFlavours } from '../helpers/wasm-train.ts';
import { expectResults, magnitudes, randomData, reference, sizes, tfjs, type Data, type Results } from '../helpers/conv2d-oracles.ts';

await tf.setBackend('cpu');

const FLAVOURS = await trainFlavours('wasm-conv2d');


// ---- the wasm side ---------------------------------------------------------------------

type Kernel = (...a: number[]) => number;
let modules = new Map<SimdFlavour, TrainModule>();

beforeAll(async () => {
  modules = await openTrainModules(FLAVOURS);
});

interface WasmRun extends Results {
  /** x, w, b, dy as read back after the three calls */
  inputs: Data;
}

/** The three kernels on NaN-filled outputs and a NaN-filled workspace; everything freed after. */
function runWasm(m: TrainModule, s: Conv2dShape, d: Data): WasmRun {
  const { batch: n, inChannels: cin, outChannels: cout, height: h, width: w, kernelSize: k } = s;
  const len = sizes(s);
  const ptrs: number[] = [];
  const put = (a: Float32Array) => { const p = m.alloc(a.length * 4, 'test'); m.write(p, a); ptrs.push(p); return p; };
  const nan = (count: number) => put(new Float32Array(count).fill(NaN));
  const wsBytes = m.fn<Kernel>('conv2dWorkspaceBytes')(n, cin, cout, h, w, k) >>> 0;
  expect(wsBytes).toBeGreaterThan(0);
  const x = put(d.x), wt = put(d.w), b = put(d.b), dy = put(d.dy);
  const y = nan(len.y), dx = nan(len.x), dw = nan(len.w), db = nan(len.b), ws = nan(Math.ceil(wsBytes / 4));
  m.fn<Kernel>('conv2dForward')(x, wt, b, y, n, cin, cout, h, w, k, ws);
  m.write(ws, new Float32Array(Math.ceil(wsBytes / 4)).fill(NaN));
  m.fn<Kernel>('conv2dGradInput')(dy, wt, dx, n, cin, cout, h, w, k, ws);
  m.write(ws, new Float32Array(Math.ceil(wsBytes / 4)).fill(NaN));
  m.fn<Kernel>('conv2dGradWeight')(x, dy, dw, db, n, cin, cout, h, w, k, ws);
  const out: WasmRun = {
    y: m.readF32(y, len.y), dx: m.readF32(dx, len.x), dw: m.readF32(dw, len.w), db: m.readF32(db, len.b),
    inputs: { x: m.readF32(x, len.x), w: m.readF32(wt, len.w), b: m.readF32(b, len.b), dy: m.readF32(dy, len.y) },
  };
  for (const p of ptrs) m.free(p);
  return out;
}

// ---- the shapes ------------------------------------------------------------------------

const shape = (batch: number, inChannels: number, outChannels: number, height: number, width: number, kernelSize: number): Conv2dShape =>
  ({ batch, inChannels, outChannels, height, width, kernelSize });
const label = (s: Conv2dShape) => `N=${s.batch} ${s.inChannels}→${s.outChannels} ${s.height}×${s.width} k${s.kernelSize}`;

const SHAPES: Conv2dShape[] = [
  shape(1, 1, 1, 1, 1, 3), // only the centre tap lands inside
  shape(3, 2, 3, 1, 1, 7), // 1x1 images, K = 7: one-pixel panels straddle three images
  shape(5, 3, 17, 7, 5, 3), // H ≠ W, odd, 35-pixel images: panels straddle images
  shape(1, 17, 33, 3, 3, 5), // kernel wider than the image; 17·25 = 425 taps: two K blocks
  shape(5, 33, 3, 5, 7, 7), // Cout = 3 < MR; 33·49 taps: seven K blocks; grad-input M = 33
  shape(2, 3, 70, 9, 9, 5), // 70 = 17 tiles + 2 rows
  shape(1, 65, 33, 4, 4, 3), // 65·9 = 585 taps: three K blocks; 4x4 images as in the network
  shape(2, 1, 8, 14, 14, 7), // Fashion's first layer, narrowed; 196-pixel images (not a multiple of 8)
  shape(3, 6, 5, 8, 8, 1), // K = 1: no padding, no borders
  shape(2, 16, 12, 8, 8, 5), // the 4-pixel fast paths throughout, 400 taps: two K blocks
  shape(3, 5, 9, 12, 4, 3), // width 4, height 12: fast paths with two-row panels
  shape(9, 2, 4, 16, 16, 3), // 2304 pixels: two forward pixel blocks (2048), nine grad-weight blocks; M <= 4: direct kernel
  shape(2, 5, 3, 4, 8, 3), // Cout = 3 with width 8: the direct kernel with a bias, on a partial row panel
  shape(1, 3, 90, 4, 8, 7), // grad-input M = 3 over 90·49 taps: the direct kernel across two K blocks
  shape(300, 24, 3, 1, 1, 7), // 1x1 K = 7 over 300 images: the padded-buffer budget splits grad-weight into 20 + 4 channels
];

// ---- tests -----------------------------------------------------------------------------

describe.each(FLAVOURS)('conv2d kernels in the %s wasm build', (flavour) => {
  it.for(SHAPES.map((s) => [label(s), s] as const))('forward, grad-input and grad-weight on %s match the reference and tfjs', ([, s]) => {
    const d = randomData(s, 7);
    const got = runWasm(modules.get(flavour)!, s, d);
    const mag = magnitudes(s, d);
    expectResults('wasm vs reference', s, got, reference(s, d), mag);
    expectResults('wasm vs tfjs', s, got, tfjs(s, d), mag);
  });

  it('the kernels do not write their inputs, and repeated calls give identical results', () => {
    const m = modules.get(flavour)!;
    const s = shape(2, 5, 6, 4, 3, 5);
    const d = randomData(s, 9);
    const a = runWasm(m, s, d);
    expect(Array.from(a.inputs.x)).toEqual(Array.from(d.x));
    expect(Array.from(a.inputs.w)).toEqual(Array.from(d.w));
    expect(Array.from(a.inputs.b)).toEqual(Array.from(d.b));
    expect(Array.from(a.inputs.dy)).toEqual(Array.from(d.dy));
    const b = runWasm(m, s, d);
    for (const key of ['y', 'dx', 'dw', 'db'] as const) expect(Array.from(b[key]), key).toEqual(Array.from(a[key]));
  });

  it('conv2dWorkspaceBytes stays near the size of the weights for the network layers', () => {
    const m = modules.get(flavour)!;
    const bytes = (n: number, cin: number, cout: number, h: number, w: number, k: number) =>
      m.fn<Kernel>('conv2dWorkspaceBytes')(n, cin, cout, h, w, k) >>> 0;
    // no full im2col of the batch: that would be N·H·W·Cin·K² floats (105 MB for the 8x8 layer)
    for (const [n, cin, cout, h, w, k] of [[128, 3, 128, 16, 16, 5], [128, 128, 128, 8, 8, 5], [128, 128, 128, 4, 4, 5], [128, 128, 512, 8, 8, 3]]) {
      expect(bytes(n, cin, cout, h, w, k), `${cin}→${cout} ${h}x${w} k${k}`).toBeLessThan(2.5 * 2 ** 20);
    }
    // large images split the channels instead of growing the padded buffer
    expect(bytes(128, 256, 256, 64, 64, 5)).toBeLessThan(4 * 2 ** 20);
  });

  it('conv2dWorkspaceBytes never grows when the batch shrinks (the host sizes it for the full batch)', () => {
    const m = modules.get(flavour)!;
    const bytes = m.fn<Kernel>('conv2dWorkspaceBytes');
    for (const [cin, cout, h, w, k] of [[3, 128, 16, 16, 5], [128, 128, 4, 4, 5], [128, 512, 8, 8, 3], [2, 3, 1, 1, 7], [24, 3, 1, 1, 7], [5, 9, 7, 5, 3], [64, 64, 64, 64, 3], [3, 2, 9, 9, 5]]) {
      let prev = 0;
      for (const n of [1, 2, 3, 5, 8, 17, 31, 64, 127, 128, 129, 300, 1000]) {
        const b = bytes(n, cin, cout, h, w, k) >>> 0;
        expect(b, `N=${n} ${cin}→${cout} ${h}x${w} k${k}`).toBeGreaterThanOrEqual(prev);
        prev = b;
      }
    }
  });
});

describe('conv2d against the twin on a network-sized layer', () => {
  it('128→32 8×8 k5 (every fast path, 13 K blocks forward, 4 for grad-input) matches the reference', () => {
    const s = shape(1, 128, 32, 8, 8, 5);
    const d = randomData(s, 3);
    const got = runWasm(modules.get(FLAVOURS.at(-1)!)!, s, d);
    expectResults('wasm vs reference', s, got, reference(s, d), magnitudes(s, d));
  });
});
