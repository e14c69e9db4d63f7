// Trained networks as values, on both backends (the real WebGPU adapter, software in CI, and the
// real WebAssembly module) with real Flowers images: the state round-trips bit-exactly (through a
// model file too); Bulk & Cut's step (flips + mixup + soft cross-entropy, and distillation to a
// teacher's logits) matches the float64 twin given the same draws; a training resumed from its
// checkpoint ends bit-identical to the uninterrupted one; a grown network computes its parent's
// function and a cut one runs with the counted parameters.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Dataset } from '../../src/datasets/index.ts';
import { bncParameterCount, bncSpec, bulkUpModel, bulkUpState, prunedModel, pruneState, type BncModel } from '../../src/optimizers/bulkcut/model.ts';
import { Rng } from '../../src/random/rng.ts';
import type { ModelState, StepDraws } from '../../src/train/backend.ts';

import type { Checkpoint } from '../../src/train/checkpoint.ts';
import { loadModel, saveModel } from '../../src/train/model-file.ts';
import { initParameters, type NetworkSpec } from '../../src/train/network.ts';
import { buildPlan, splitParameters } from '../../src/train/plan.ts';
import { augmentBatchReference, mixTargetsReference } from '../../src/train/reference/augment.ts';
import { networkForwardReference } from '../../src/train/reference/network.ts';
import { mseLossReference, softCrossEntropyReference } from '../../src/train/reference/softmax-cross-entropy.ts';
import { trainAndEvaluate } from '../../src/train/trainer.ts';
import { TRAINING_KINDS, useTrainingBackends } from '../helpers/training.ts';

const t = useTrainingBackends();
const KINDS = TRAINING_KINDS;

/** n training images of several classes (every 37th) as all three splits. */
function slice(ds: Dataset, n: number): Dataset {
  const size = ds.shape[0] * ds.shape[1] * ds.shape[2];
  const x = new Float32Array(n * size), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = (i * 37) % ds.train.n;
    x.set(ds.train.x.subarray(src * size, (src + 1) * size), i * size);
    labels[i] = ds.train.labels[src];
  }
  const split = { x, labels, n };
  return { ...ds, train: split, val: split, test: split };
}

const small: BncModel = { input: [3, 16, 16], classes: 17, kernelSize: 3, batchNorm: true, conv: [[6], [8, 8]], linear: [[10]] };

/** A state with every kind of tensor filled: parameters, spread-out BatchNorm, Adam moments. */
function fullState(spec: NetworkSpec, seed: number, adam: boolean): ModelState {
  const plan = buildPlan(spec, 1, 1e-3);
  const state = splitParameters(plan, initParameters(spec, seed));
  const rng = new Rng(seed);
  for (const p of plan.params) {
    if (/^bn\d+$/.test(p.name)) {
      const t = state.get(p.name)!;
      for (let i = 0; i < t.length; i++) t[i] = rng.uniform(-0.5, 1.5);
      const c = p.size / 2;
      state.set(`${p.name}.running`, Float32Array.from({ length: 2 * c }, (_, i) => (i < c ? rng.uniform(0, 0.5) : rng.uniform(0.05, 0.3))));
    }
    if (adam) {
      state.set(`adam.m:${p.name}`, Float32Array.from({ length: p.size }, () => rng.normal() * 1e-3));
      state.set(`adam.v:${p.name}`, Float32Array.from({ length: p.size }, () => rng.random() * 1e-6));
    }
  }
  return state;
}

const bits = (t: Float32Array) => new Uint32Array(t.slice().buffer);
function expectSameState(a: ModelState, b: ModelState): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [k, t] of a) expect(bits(b.get(k)!), k).toEqual(bits(t));
}

/** The float64 images of samples 0..n-1 of a dataset's training split, as the backends decode them. */
const images = (ds: Dataset, n: number) => Float64Array.from(ds.train.x.subarray(0, n * 768));

describe.for(KINDS)('model state on %s', (kind) => {
  it('round-trips bit-exactly: parameters, BatchNorm statistics, Adam moments; through a model file too', async (ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    const data = backend.upload(slice(t.flowers, 8));
    const spec = bncSpec(small);
    expect(spec.convs.map((l) => l.pool)).toEqual([true, false, true]);
    const state = fullState(spec, 4, true);
    const p = backend.build(buildPlan(spec, 8, 1e-3), state, data);
    try {
      expectSameState(await p.state('checkpoint'), state);
      const model = await p.state('model');
      expect([...model.keys()].some((k) => k.startsWith('adam.'))).toBe(false);
      const dir = mkdtempSync(join(tmpdir(), 'paretonas-state-'));
      await saveModel(join(dir, 'm.safetensors'), model, { spec });
      const back = (await loadModel(join(dir, 'm.safetensors'))).state;
      const q = backend.build(buildPlan(spec, 8, 1e-3), back, data);
      try {
        expect(bits(await q.logits('val', 0, 8))).toEqual(bits(await p.logits('val', 0, 8)));
      } finally {
        q.dispose();
      }
      // evaluation-mode logits against the float64 twin
      const z = await p.logits('val', 0, 8);
      const ref = networkForwardReference(spec, state, images(slice(t.flowers, 8), 8), 8);
      const scale = Math.max(...Array.from(ref, Math.abs));
      for (let i = 0; i < z.length; i++) expect(Math.abs(z[i] - ref[i])).toBeLessThanOrEqual(1e-4 * scale);
    } finally {
      p.dispose();
      backend.release(data);
    }
  });

  it("one Bulk & Cut step: soft cross-entropy on the flipped and mixed batch, and MSE to a teacher's logits, as the twin computes them", async (ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    const n = 8;
    const ds = slice(t.flowers, n);
    const data = backend.upload(ds);
    // no BatchNorm in the student: its training-mode forward is the evaluation-mode twin
    const student = { ...small, batchNorm: false };
    const spec = bncSpec(student);
    const state = fullState(spec, 6, false);
    const rng = new Rng(9);
    const draws: StepDraws = { flip: Uint32Array.from({ length: n }, () => (rng.random() < 0.5 ? 1 : 0)), lambda: Float32Array.from({ length: n }, () => rng.beta(0.25, 0.25)), partner: Uint32Array.from({ length: n }, (_, i) => i) };
    rng.shuffle(draws.partner);
    const x = augmentBatchReference({ n, c: 3, h: 16, w: 16 }, images(ds, n), draws.flip, draws.lambda, draws.partner);
    const logits = networkForwardReference(spec, state, x, n);
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    const soft = backend.build(buildPlan(spec, n, 1e-3), state, data, { augment: true });
    const teacherSpec = bncSpec(small);
    const teacherState = fullState(teacherSpec, 7, false);
    const teacher = backend.build(buildPlan(teacherSpec, n, 1e-3), teacherState, data);
    const distil = backend.build(buildPlan(spec, n, 1e-3), state, data, { teacher });
    try {
      soft.setOrder(order);
      soft.trainStep(0, 0, n, 1, draws);
      const [lossSoft] = await soft.epochLosses(1);
      const t = mixTargetsReference(n, 17, ds.train.labels, draws.lambda, draws.partner);
      const want = softCrossEntropyReference(n, 17, logits, t).loss;
      expect(Math.abs(lossSoft - want)).toBeLessThanOrEqual(1e-4 * Math.abs(want));
      distil.setOrder(order);
      distil.trainStep(0, 0, n, 1, draws);
      const [lossMse] = await distil.epochLosses(1);
      // the teacher in evaluation mode (its BatchNorm with running statistics) on the same batch
      const tz = networkForwardReference(teacherSpec, teacherState, x, n);
      const wantMse = mseLossReference(n, 17, logits, tz).loss;
      expect(Math.abs(lossMse - wantMse)).toBeLessThanOrEqual(1e-4 * Math.abs(wantMse));
      // the teacher's own state is untouched by the student's training
      expectSameState(await teacher.state('model'), teacherState);
      expect(() => soft.trainStep(0, 0, n, 2)).toThrow(/needs the step's draws/);
    } finally {
      soft.dispose();
      distil.dispose();
      teacher.dispose();
      backend.release(data);
    }
  });

  it('a training resumed from its checkpoint ends bit-identical to the uninterrupted one (augmentation and distillation on)', async (ctx) => {
    const backend = t.backends[kind];
    if (!backend) return ctx.skip(t.skip);
    const data = backend.upload(slice(t.flowers, kind === 'webgpu' ? 12 : 24));
    const spec = bncSpec({ ...small, conv: [[4], [6]], linear: [[8]] });
    const teacherSpec = bncSpec({ ...small, conv: [[4], [6, 6]], linear: [[8]] });
    const teacher = { spec: teacherSpec, state: fullState(teacherSpec, 2, false) };
    const base = { epochs: 3, batchSize: 5, lr: 3e-3, seed: 11, augment: { mixupAlpha: 0.25 }, teacher, keepState: true, preTrainingLoss: true };
    try {
      const checkpoints: Checkpoint[] = [];
      const whole = await trainAndEvaluate(backend, data, spec, { ...base, onCheckpoint: (c) => void checkpoints.push(c) });
      expect(checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
      expect([...checkpoints[0].state.keys()].some((k) => k.startsWith('adam.m:'))).toBe(true);
      const resumed = await trainAndEvaluate(backend, data, spec, { ...base, resume: checkpoints[0] });
      expectSameState(resumed.state!, whole.state!);
      expect(resumed.losses).toEqual(whole.losses);
      expect(resumed.preTrainingValLoss).toBe(whole.preTrainingValLoss);
      expect(resumed.valLoss).toBe(whole.valLoss);
    } finally {
      backend.release(data);
    }
  });

  for (const batchNorm of [false, true]) {
    it(`a grown network computes its parent's function (BatchNorm ${batchNorm ? 'on' : 'off'}); a cut one runs with the counted parameters`, async (ctx) => {
      const backend = t.backends[kind];
      if (!backend) return ctx.skip(t.skip);
      const n = 8;
      const data = backend.upload(slice(t.flowers, n));
      const m = { ...small, batchNorm };
      const parent = fullState(bncSpec(m), 3, false);
      const p = backend.build(buildPlan(bncSpec(m), n, 1e-3), parent, data);
      try {
        const before = await p.logits('val', 0, n);
        const scale = Math.max(...Array.from(before, Math.abs));
        for (const plan of [{ kind: 'conv', section: 1, after: 1 }, { kind: 'conv', section: 0, after: 0 }, { kind: 'linear', section: 0, after: 0 }] as const) {
          const child = bulkUpModel(m, plan);
          const c = backend.build(buildPlan(bncSpec(child), n, 1e-3), bulkUpState(m, parent, plan, new Rng(5)), data);
          try {
            const after = await c.logits('val', 0, n);
            // the new cell's U(0, 1e-5) noise moves each of its outputs by at most
            // 1e-5·(fan-in·max|input| + 1) (fan-in 72 here, inputs O(1)); the layers after it scale
            // that by a few units, so 1e-3 of the logits' scale bounds it, float32 rounding included
            let d = 0;
            for (let i = 0; i < before.length; i++) d = Math.max(d, Math.abs(after[i] - before[i]));
            expect(d, `${plan.kind} after ${plan.section}.${plan.after}`).toBeLessThanOrEqual(1e-3 * scale);
          } finally {
            c.dispose();
          }
        }
        const prune = { head: 0.05, linear: [0.08], conv: [0.1, 0.11] };
        const cut = prunedModel({ ...m, conv: [[20], [30, 30]], linear: [[25]] }, prune);
        const big = { ...m, conv: [[20], [30, 30]], linear: [[25]] };
        const cutState = pruneState(big, fullState(bncSpec(big), 8, false), prune, new Rng(1));
        const q = backend.build(buildPlan(bncSpec(cut), n, 1e-3), cutState, data);
        try {
          expect(bncSpec(cut).numParams).toBe(bncParameterCount(cut));
          const z = await q.logits('val', 0, n);
          const ref = networkForwardReference(bncSpec(cut), cutState, images(slice(t.flowers, n), n), n);
          const sc = Math.max(...Array.from(ref, Math.abs));
          for (let i = 0; i < z.length; i++) expect(Math.abs(z[i] - ref[i])).toBeLessThanOrEqual(1e-4 * sc);
        } finally {
          q.dispose();
        }
      } finally {
        p.dispose();
        backend.release(data);
      }
    });
  }
});
