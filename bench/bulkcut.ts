// Bulk & Cut's model operations (docs/methods.md#bulkcut): one morphism (a conv cell inserted),
// one pruning, and a model file saved and loaded, on networks of the sizes the search meets;
// each result checked before timing (the grown network's parameter count, the cut one's
// tensors, the loaded file bit-equal). `npx tsx bench/bulkcut.ts`, also part of `npm run bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bncParameterCount, bncSpec, bulkUpModel, bulkUpState, planPrune, prunedModel, pruneState, type BncModel } from '../src/optimizers/bulkcut/model.ts';
import { Rng } from '../src/random/rng.ts';
import type { ModelState } from '../src/train/backend.ts';
import { loadModel, saveModel } from '../src/train/model-file.ts';
import { initParameters } from '../src/train/network.ts';
import { buildPlan, splitParameters } from '../src/train/plan.ts';
import { median } from '../src/bench/harness.ts';

/** Median seconds of `runs` calls of an async function, and the first call's apart. */
async function timeAsync<T>(fn: () => Promise<T> | T, runs = 7): Promise<{ first: number; median: number; result: T }> {
  let t0 = performance.now();
  const result = await fn();
  const first = (performance.now() - t0) / 1000;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  return { first, median: median(times), result };
}

function stateOf(m: BncModel): ModelState {
  const spec = bncSpec(m);
  const state = splitParameters(buildPlan(spec, 1, 1e-3), initParameters(spec, 1));
  for (const l of spec.convs.keys()) if (m.batchNorm) state.set(`bn${l}.running`, new Float32Array(2 * spec.convs[l].cout).fill(1));
  return state;
}

export async function benchBulkCut(): Promise<string[]> {
  const cases: [string, BncModel][] = [
    ['medium (conv 128 / 128,128, fc 32,32, k5, BN)', { input: [3, 16, 16], classes: 17, kernelSize: 5, batchNorm: true, conv: [[128], [128, 128]], linear: [[32], [32]] }],
    ['large (conv 512 x3, fc 256 x3, k7, BN)', { input: [3, 16, 16], classes: 17, kernelSize: 7, batchNorm: true, conv: [[512], [512], [512]], linear: [[256], [256], [256]] }],
  ];
  const dir = mkdtempSync(join(tmpdir(), 'paretonas-bnc-bench-'));
  const rows = ['| network | parameters | morphism (conv cell) ms | pruning ms | save ms | load ms | file MiB | checkpoint save ms (with Adam moments) |', '|---|---|---|---|---|---|---|---|'];
  try {
    for (const [label, m] of cases) {
      const state = stateOf(m);
      const grow = { kind: 'conv', section: m.conv.length - 1, after: 0 } as const;
      const grown = await timeAsync(() => bulkUpState(m, state, grow, new Rng(1)));
      const count = [...grown.result].filter(([k]) => !k.endsWith('.running')).reduce((s, [, t]) => s + t.length, 0);
      if (count !== bncParameterCount(bulkUpModel(m, grow))) throw new Error(`${label}: the grown state holds ${count} parameters`);
      const plan = planPrune(m, new Rng(2));
      const cut = await timeAsync(() => pruneState(m, state, plan, new Rng(3)));
      const cutCount = [...cut.result].filter(([k]) => !k.endsWith('.running')).reduce((s, [, t]) => s + t.length, 0);
      if (cutCount !== bncParameterCount(prunedModel(m, plan))) throw new Error(`${label}: the cut state holds ${cutCount} parameters`);
      const path = join(dir, 'm.safetensors');
      const save = await timeAsync(() => saveModel(path, state, { spec: bncSpec(m) }));
      const load = await timeAsync(() => loadModel(path));
      for (const [k, t] of state) {
        const u = load.result.state.get(k)!;
        if (u.length !== t.length || u.some((v, i) => !Object.is(v, t[i]))) throw new Error(`${label}: ${k} differs after the round trip`);
      }
      const mib = (4 * [...state.values()].reduce((s, t) => s + t.length, 0)) / 2 ** 20;
      // a training's per-epoch checkpoint: the model and Adam's two moments
      const ckpt: ModelState = new Map(state);
      for (const [k, t] of state) if (!k.endsWith('.running')) ckpt.set(`adam.m:${k}`, t).set(`adam.v:${k}`, t);
      const ck = await timeAsync(() => saveModel(path, ckpt, { spec: bncSpec(m) }));
      const ms = (s: number) => (1000 * s).toFixed(1);
      rows.push(`| ${label} | ${bncParameterCount(m).toLocaleString('en')} | ${ms(grown.median)} | ${ms(cut.median)} | ${ms(save.median)} | ${ms(load.median)} | ${mib.toFixed(1)} | ${ms(ck.median)} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('\n## Bulk & Cut model operations (median of 7 after a first call; results checked first)\n');
  for (const r of await benchBulkCut()) console.log(r);
}
