import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '../../src/random/rng.ts';
import { ADAM_SHADERS, adamStep } from '../../src/train/kernels/adam.ts';
import { adamStepReference } from '../../src/train/reference/adam.ts';
import { openGpu, upF32, zeros } from '../helpers/gpu.ts';
import { expectCloseF32, f32 } from '../helpers/tolerance.ts';

await tf.setBackend('cpu');
const { env, skip } = await openGpu(ADAM_SHADERS);
afterAll(() => env?.close());

describe.skipIf(!env)(`adam on WebGPU${skip ? ` (${skip})` : ''}`, () => {
  it('adamStep over 5 steps matches the twin and tf.train.adam (p, m, v), for n = 1, 17 and 1000', async () => {
    const { rt } = env!;
    const rng = new Rng(61);
    const lr = 0.05;
    for (const n of [1, 17, 1000]) {
      const p0 = f32(Array.from({ length: n }, () => rng.normal()));
      const pb = upF32(rt, p0), mb = zeros(rt, n), vb = zeros(rt, n);
      const p = Float64Array.from(p0), m = new Float64Array(n), v = new Float64Array(n);
      const variable = tf.variable(tf.tensor1d(p0), true, `p${n}`);
      const opt = tf.train.adam(lr, 0.9, 0.999, 1e-8);
      for (let t = 1; t <= 5; t++) {
        const g = f32(Array.from({ length: n }, () => rng.normal() * 10 ** rng.uniform(-3, 1)));
        const gb = upF32(rt, g);
        rt.run(adamStep({ n }, { params: pb, grads: gb, m: mb, v: vb }, { t, lr }));
        adamStepReference(p, g, m, v, t, { lr });
        opt.applyGradients([{ name: `p${n}`, tensor: tf.tensor1d(g) }]);
        rt.release(gb);
      }
      const gp = await rt.readF32(pb, n), gm = await rt.readF32(mb, n), gv = await rt.readF32(vb, n);
      expectCloseF32(gp, p, { terms: 5, label: `p n=${n}` });
      expectCloseF32(gm, m, { terms: 5, label: `m n=${n}` });
      expectCloseF32(gv, v, { terms: 5, label: `v n=${n}` });
      expectCloseF32(gp, variable.dataSync(), { terms: 5, label: `p vs tfjs n=${n}` });
      // the update itself, not only the parameter, is accurate
      expectCloseF32(gp.map((x, i) => x - p0[i]), p.map((x, i) => x - p0[i]), { terms: 5, ulps: 64, scale: 1, label: `Δp n=${n}` });
      opt.dispose();
      variable.dispose();
      [pb, mb, vb].forEach((b) => rt.release(b));
    }
  });

  it('adamStep updates only [offset, offset + n) and keeps bias corrections accurate at t = 1, 1000 and 100000', async () => {
    const { rt } = env!;
    const rng = new Rng(62);
    for (const t of [1, 1000, 100000]) {
      const total = 40, offset = 7, n = 20;
      const p0 = f32(Array.from({ length: total }, () => rng.normal()));
      const g = f32(Array.from({ length: total }, () => rng.normal()));
      const m0 = f32(Array.from({ length: total }, () => 0.1 * rng.normal()));
      const v0 = f32(Array.from({ length: total }, () => 0.01 * rng.random()));
      const pb = upF32(rt, p0), gb = upF32(rt, g), mb = upF32(rt, m0), vb = upF32(rt, v0);
      const at = (buffer: GPUBuffer) => ({ buffer, offset });
      rt.run(adamStep({ n }, { params: at(pb), grads: at(gb), m: at(mb), v: at(vb) }, { t, lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6 }));
      const gp = await rt.readF32(pb, total);
      const p = Float64Array.from(p0.subarray(offset, offset + n)), m = Float64Array.from(m0.subarray(offset, offset + n)), v = Float64Array.from(v0.subarray(offset, offset + n));
      adamStepReference(p, g.subarray(offset, offset + n), m, v, t, { lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6 });
      const delta = gp.subarray(offset, offset + n).map((x, i) => x - p0[offset + i]);
      expectCloseF32(delta, p.map((x, i) => x - p0[offset + i]), { ulps: 64, scale: 1, label: `Δp t=${t}` });
      expect(Array.from(gp.subarray(0, offset)), 'before the range').toEqual(Array.from(p0.subarray(0, offset)));
      expect(Array.from(gp.subarray(offset + n)), 'after the range').toEqual(Array.from(p0.subarray(offset + n)));
      [pb, gb, mb, vb].forEach((b) => rt.release(b));
    }
  });

  it('adamStep(options.t = 0, a missing lr, unequal offsets) throws naming the argument', () => {
    const { rt } = env!;
    const [p, g, m, v] = [rt.buffer(64), rt.buffer(64), rt.buffer(64), rt.buffer(64)];
    expect(() => adamStep({ n: 1 }, { params: p, grads: g, m, v }, { t: 0, lr: 1e-3 })).toThrow(/adamStep: options.t must be an integer/);
    expect(() => adamStep({ n: 1 }, { params: p, grads: g, m, v }, { t: 1 } as never)).toThrow(/adamStep: options.lr is required/);
    expect(() => adamStep({ n: 1 }, { params: p, grads: g, m, v }, { t: 1, lr: 1e-3, beta1: 1 })).toThrow(/adamStep: options.beta1 must be a finite number in \[0, 1\)/);
    expect(() => adamStep({ n: 1 }, { params: { buffer: p, offset: 1 }, grads: g, m, v }, { t: 1, lr: 1e-3 })).toThrow(/adamStep: io.grads must have the offset of io.params/);
    expect(() => adamStep({ n: 1 }, { params: p, grads: p, m, v }, { t: 1, lr: 1e-3 })).toThrow(/adamStep: io.grads and io.params must be different buffers/);
  });
});
