// Bulk & Cut's models (docs/methods.md#bulkcut-model): structure and exact parameter counts,
// morphism preserving the function (float64 twin of the forward pass), pruning shapes and the
// paper/fixed selection difference, and model files round-tripping bit-exactly.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bncParameterCount, bncSpec, bulkUpModel, bulkUpState, planBulkUp, planPrune, prunedModel, pruneState, type BncModel,
} from '../../src/optimizers/bulkcut/model.ts';
import { Rng } from '../../src/random/rng.ts';
import type { ModelState } from '../../src/train/backend.ts';
import { decodeModel, encodeModel, loadModel, saveModel } from '../../src/train/model-file.ts';
import { initParameters } from '../../src/train/network.ts';
import { buildPlan, splitParameters } from '../../src/train/plan.ts';
import { networkForwardReference } from '../../src/train/reference/network.ts';

const base: BncModel = { input: [3, 16, 16], classes: 17, kernelSize: 3, batchNorm: true, conv: [[8], [12, 12]], linear: [[10]] };

/** A trained-looking state: PyTorch init, then BatchNorm γ (some negative), β and running statistics spread out. */
function stateOf(m: BncModel, seed: number): ModelState {
  const spec = bncSpec(m);
  const plan = buildPlan(spec, 1, 1e-3);
  const state = splitParameters(plan, initParameters(spec, seed));
  const rng = new Rng(seed + 1);
  spec.convs.forEach((l, i) => {
    if (!l.batchNorm) return;
    const gb = state.get(`bn${i}`)!;
    for (let c = 0; c < l.cout; c++) {
      gb[c] = rng.uniform(-0.5, 1.5);
      gb[l.cout + c] = rng.uniform(-0.5, 0.5);
    }
    const r = new Float32Array(2 * l.cout);
    for (let c = 0; c < l.cout; c++) {
      r[c] = rng.uniform(0, 0.3);
      r[l.cout + c] = rng.uniform(0.01, 0.1);
    }
    state.set(`bn${i}.running`, r);
  });
  return state;
}

function inputs(m: BncModel, n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * m.input[0] * m.input[1] * m.input[2] }, () => rng.random());
}

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));

describe('B&C model structure', () => {
  it('counts every trainable tensor exactly (conv, BN γ/β, linear, head) and pools once per section', () => {
    const k2 = 9;
    const expected =
      (3 * k2 * 8 + 8 + 16) + // section 0
      (8 * k2 * 12 + 12 + 24) + (12 * k2 * 12 + 12 + 24) + // section 1, two cells
      (12 * 10 + 10) + (10 * 17 + 17); // linear cell, head
    expect(bncParameterCount(base)).toBe(expected);
    const spec = bncSpec(base);
    expect(spec.numParams).toBe(expected);
    expect(spec.convs.map((l) => [l.cin, l.cout, l.h, l.pool])).toEqual([[3, 8, 16, true], [8, 12, 8, false], [12, 12, 8, true]]);
    expect(spec.features).toEqual([12, 4, 4]);
    expect(spec.globalAvgPooling).toBe(true);
    expect(bncParameterCount({ ...base, batchNorm: false })).toBe(expected - 2 * (8 + 12 + 12));
  });

  it('rejects malformed models with the field named', () => {
    expect(() => bncSpec({ ...base, conv: [] })).toThrow(/conv must list at least one/);
    expect(() => bncSpec({ ...base, linear: [[0]] })).toThrow(/linear\[0\]\[0\] must be a positive integer/);
    expect(() => bncSpec({ ...base, kernelSize: 4 })).toThrow(/kernelSize must be 3, 5 or 7/);
  });

  it('bulk-up plans grow conv while there are fewer than 3 conv cells (70 %), else linear; never beyond 3 + 3', () => {
    const rng = new Rng(3);
    let conv = 0;
    for (let i = 0; i < 2000; i++) if (planBulkUp({ ...base, conv: [[8]], linear: [[10]] }, rng).kind === 'conv') conv++;
    expect(conv / 2000).toBeGreaterThan(0.66);
    expect(conv / 2000).toBeLessThan(0.74);
    expect(planBulkUp({ ...base, conv: [[8], [8]], linear: [[4], [4], [4]] }, rng).kind).toBe('conv');
    expect(planBulkUp({ ...base, conv: [[8], [8, 8]], linear: [[4]] }, rng).kind).toBe('linear');
    expect(() => planBulkUp({ ...base, conv: [[8], [8, 8]], linear: [[4], [4], [4]] }, rng)).toThrow(/cannot grow/);
    expect(bulkUpModel(base, { kind: 'conv', section: 1, after: 0 }).conv).toEqual([[8], [12, 12, 12]]);
    expect(bulkUpModel(base, { kind: 'linear', section: 0, after: 0 }).linear).toEqual([[10, 10]]);
  });
});

describe('network morphism', () => {
  const x = inputs(base, 3, 11);
  for (const batchNorm of [false, true]) {
    for (const plan of [{ kind: 'conv', section: 0, after: 0 }, { kind: 'conv', section: 1, after: 1 }, { kind: 'conv', section: 1, after: 0 }, { kind: 'linear', section: 0, after: 0 }] as const) {
      it(`a ${plan.kind} cell inserted after cell ${plan.after} of section ${plan.section} keeps the function (BatchNorm ${batchNorm ? 'on' : 'off'})`, () => {
        const m = { ...base, batchNorm };
        const parent = stateOf(m, 5);
        const child = bulkUpModel(m, plan);
        const before = networkForwardReference(bncSpec(m), parent, x, 3);
        // without noise the child computes the parent's function up to float32 rounding of the
        // shift and statistics (relative 1e-6 of the logits' scale)
        const exact = bulkUpState(m, parent, plan, new Rng(1), { noise: 0 });
        expect(maxDiff(networkForwardReference(bncSpec(child), exact, x, 3), before)).toBeLessThanOrEqual(1e-6 * maxAbs(before));
        // with the reference's U(0, 1e-5) noise on each of the new cell's weights and biases,
        // each of its outputs moves by at most 1e-5·(fan-in·max|input| + 1); downstream layers
        // scale that by their weights (a few units here), so 1e-3 of the logits' scale is a bound
        const noisy = bulkUpState(m, parent, plan, new Rng(1));
        const d = maxDiff(networkForwardReference(bncSpec(child), noisy, x, 3), before);
        expect(d).toBeGreaterThan(0);
        expect(d).toBeLessThanOrEqual(1e-3 * maxAbs(before));
        // the tensors of the other cells are the parent's, renamed past the new one
        expect(exact.size).toBe(parent.size + (plan.kind === 'conv' ? (batchNorm ? 4 : 2) : 2));
      });
    }
  }

  it("variant 'paper' copies γ, β with running mean β and variance γ² − ε, which is not the identity behind a BatchNorm output (odd-41)", () => {
    const parent = stateOf(base, 5);
    const plan = { kind: 'conv', section: 1, after: 0 } as const;
    const child = bulkUpModel(base, plan);
    const before = networkForwardReference(bncSpec(base), parent, x, 3);
    const paper = bulkUpState(base, parent, plan, new Rng(1), { noise: 0, variant: 'paper' });
    const g = paper.get('bn2')!, src = parent.get('bn1')!, r = paper.get('bn2.running')!;
    expect(Array.from(g)).toEqual(Array.from(src));
    expect(r[0]).toBe(src[12]);
    expect(r[12]).toBeCloseTo(src[0] * src[0] - 1e-5, 6);
    const after = networkForwardReference(bncSpec(child), paper, x, 3);
    expect(maxDiff(after, before)).toBeGreaterThan(1e-3 * maxAbs(before));
    // without BatchNorm both variants are the plain identity
    const m = { ...base, batchNorm: false };
    const p2 = stateOf(m, 5);
    const a = bulkUpState(m, p2, plan, new Rng(1), { variant: 'paper' }), b = bulkUpState(m, p2, plan, new Rng(1));
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, t] of a) expect(Array.from(t)).toEqual(Array.from(b.get(k)!));
  });
});

describe('pruning', () => {
  it('shrinks each cell by what its downstream layer prunes; tensors fit the child; the first conv cell keeps its inputs', () => {
    const m: BncModel = { ...base, conv: [[40], [50, 60]], linear: [[30], [20, 20]] };
    const plan = planPrune(m, new Rng(2));
    expect(plan.head).toBeGreaterThanOrEqual(0.04);
    expect(plan.head).toBeLessThanOrEqual(0.06);
    for (const a of plan.linear) expect(a >= 0.065 && a <= 0.085).toBe(true);
    for (const a of plan.conv) expect(a >= 0.09 && a <= 0.11).toBe(true);
    const child = prunedModel(m, plan);
    const f = Math.floor;
    expect(child.linear).toEqual([[30 - f(plan.linear[1] * 30)], [20 - f(plan.linear[1] * 20), 20 - f(plan.head * 20)]]);
    expect(child.conv).toEqual([[40 - f(plan.conv[1] * 40)], [50 - f(plan.conv[1] * 50), 60 - f(plan.linear[0] * 60)]]);
    for (const variant of ['fixed', 'paper'] as const) {
      const state = pruneState(m, stateOf(m, 7), plan, new Rng(4), { variant });
      const spec = bncSpec(child);
      const sizes = new Map(spec.params.map((p) => [p.name, p.size]));
      for (const [name, t] of state) {
        const bn = /^(bn\d+)(\.running)?$/.exec(name);
        const expected = bn ? sizes.get(`${bn[1]}.weight`)! * 2 : sizes.get(name);
        expect(t.length, name).toBe(expected);
      }
      expect(state.get('conv0.weight')!.length).toBe(child.conv[0][0] * 3 * 9);
      const count = [...state].filter(([n]) => !n.endsWith('.running')).reduce((s, [, t]) => s + t.length, 0);
      expect(count).toBe(bncParameterCount(child));
      // the pruned network runs
      expect(networkForwardReference(spec, state, inputs(m, 2, 1), 2).every(Number.isFinite)).toBe(true);
    }
  });

  it("removes among the smallest-L1 inputs and keeps running means by default; 'paper' picks positions in a shrinking list and zeroes running means", () => {
    const m: BncModel = { ...base, batchNorm: true, conv: [[20], [40]], linear: [[30]] };
    const parent = stateOf(m, 9);
    const plan = { head: 0.05, linear: [0.075], conv: [0.1, 0.1] };
    const n = 40, kill = Math.floor(0.075 * n); // the linear cell's inputs: conv1's 40 outputs
    const w = parent.get('fc0.weight')!;
    const l1 = Array.from({ length: n }, (_, i) => Array.from({ length: 30 }, (_, o) => Math.abs(w[o * n + i])).reduce((a, b) => a + b, 0));
    const rank = l1.map((v, i) => [v, i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    const smallest = new Set(rank.slice(0, 2 * kill));
    for (let seed = 0; seed < 5; seed++) {
      // the rows kept by the head's pruning differ per seed, but the linear cell's L1 here is over
      // all rows only when the head keeps them all: use a head amount that kills nothing of 30
      const fixedPlan = { ...plan, head: 0.03 };
      const fixed = pruneState(m, parent, fixedPlan, new Rng(seed));
      const keptConv1 = survivors(parent, fixed, 'bn1', n);
      const removed = [...Array(n).keys()].filter((i) => !keptConv1.includes(i));
      expect(removed.length).toBe(kill);
      for (const i of removed) expect(smallest.has(i)).toBe(true);
      const paper = pruneState(m, parent, fixedPlan, new Rng(seed), { variant: 'paper' });
      const keptPaper = survivors(parent, paper, 'bn1', n);
      const removedPaper = [...Array(n).keys()].filter((i) => !keptPaper.includes(i));
      expect(removedPaper.length).toBe(kill);
      for (const i of removedPaper) expect(i).toBeLessThan(3 * kill);
      expect(Array.from(paper.get('bn1.running')!.subarray(0, n - kill)).every((v) => v === 0)).toBe(true);
      expect(Array.from(fixed.get('bn1.running')!.subarray(0, n - kill))).toEqual(keptConv1.map((i) => parent.get('bn1.running')![i]));
    }
  });

  it('amounts of zero keep every tensor as it was', () => {
    const parent = stateOf(base, 3);
    const same = pruneState(base, parent, { head: 0, linear: [0], conv: [0, 0] }, new Rng(1));
    for (const [k, t] of parent) expect(Array.from(same.get(k)!), k).toEqual(Array.from(t));
  });
});

/** Which of `n` channels of BatchNorm `bn` survived, by matching γ values (distinct here). */
function survivors(parent: ModelState, child: ModelState, bn: string, n: number): number[] {
  const g = parent.get(bn)!.subarray(0, n), gc = child.get(bn)!;
  return Array.from(gc.subarray(0, gc.length / 2), (v) => g.indexOf(v));
}

describe('model files (safetensors)', () => {
  const spec = bncSpec(base);
  const state = stateOf(base, 1);
  state.set('adam.m:conv0.weight', new Float32Array(state.get('conv0.weight')!.length).fill(0.25));
  state.set('adam.v:bn0', Float32Array.from({ length: 16 }, (_, i) => i));
  // payloads that a float round trip through numbers could change
  const odd = new Float32Array(new Uint32Array([0x7fc00001, 0x80000000, 0x00000001, 0xff800000]).buffer);
  state.get('fc1.bias')!.set(odd);

  it('round-trips bit-exactly, names tensors as PyTorch does, gives shapes, and aligns the data', () => {
    const bytes = encodeModel(state, { spec, metadata: { model: JSON.stringify(base), epoch: '3' } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header['conv1.weight'].shape).toEqual([12, 8, 3, 3]);
    expect(header['fc0.weight'].shape).toEqual([10, 12]);
    expect(Object.keys(header)).toEqual(expect.arrayContaining(['bn0.weight', 'bn0.bias', 'bn0.running_mean', 'bn0.running_var', 'adam.exp_avg.conv0.weight', 'adam.exp_avg_sq.bn0.weight']));
    expect(header.__metadata__).toEqual({ model: JSON.stringify(base), epoch: '3' });
    const back = decodeModel(bytes);
    expect([...back.state.keys()].sort()).toEqual([...state.keys()].sort());
    for (const [k, t] of state) expect(new Uint32Array(back.state.get(k)!.slice().buffer), k).toEqual(new Uint32Array(t.slice().buffer));
    expect(back.metadata.epoch).toBe('3');
  });

  it('saves atomically to a file and loads it; a damaged file is an error that says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-model-'));
    const path = join(dir, 'models', 'trial-1.safetensors');
    await saveModel(path, state, { spec });
    await saveModel(path, state, { spec }); // over an existing file
    expect(readdirSync(join(dir, 'models'))).toEqual(['trial-1.safetensors']);
    const back = await loadModel(path);
    expect(Array.from(back.state.get('conv1.weight')!)).toEqual(Array.from(state.get('conv1.weight')!));
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    await expect(loadModel(path)).rejects.toThrow(/bad data_offsets/);
    writeFileSync(path, new Uint8Array([1, 2, 3]));
    await expect(loadModel(path)).rejects.toThrow(/not a safetensors file/);
    await expect(loadModel(join(dir, 'nope.safetensors'))).rejects.toThrow(/cannot read/);
  });
});
