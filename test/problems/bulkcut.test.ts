// Bulk & Cut's phase driver on real Flowers images, on each training backend (the WebGPU one on
// the software adapter in CI): a search on a tiny time budget runs all three phases, every
// child names a finished parent, every trained model is saved, and the trials carry the
// measurements the method and the reports use.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BulkCutJob } from '../../src/optimizers/bulkcut/index.ts';
import { bncParameterCount } from '../../src/optimizers/bulkcut/model.ts';
import { runSearch } from '../../src/study/search.ts';
import { TRAINER_SHADERS } from '../../src/train/backends/index.ts';
import { openGpu } from '../helpers/gpu.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;

describe.for(['wasm', 'webgpu'] as const)('Bulk & Cut on %s', (device) => {
  it('runs its phases on a small time budget, records parents and saves every model', async (ctx) => {
    if (device === 'webgpu') {
      const { env, skip } = await openGpu(TRAINER_SHADERS);
      if (!env) return ctx.skip(skip);
      env.close();
    }
    const out = mkdtempSync(join(tmpdir(), `paretonas-bnc-${device}-`));
    const { study, summary } = await runSearch({
      problem: 'flowers', method: 'bulkcut', out, seed: 3, maxSeconds: device === 'wasm' ? 6 : 12, workers: 1,
      methodOptions: { epochs: 2, slimEpochs: 1 },
      problemOptions: { dataDir: FLOWERS_DIR, device, maxWidth: 20, subset: { train: 34, val: 17, test: 17 } },
      onWarning: () => {},
    });
    const trials = study.trials;
    const byPhase = (p: string) => trials.filter((t) => t.info?.phase === p);
    expect(byPhase('init').length).toBeGreaterThan(0);
    expect(byPhase('bulk-up').length + byPhase('slim-down').length).toBeGreaterThan(0);
    for (const t of trials.filter((x) => x.state === 'complete')) {
      const job = t.info!.job as BulkCutJob;
      expect(existsSync(join(out, t.info!.model as string))).toBe(true);
      expect(t.metrics!.backend).toBe(device);
      expect(t.metrics!.n_parameters).toBe(bncParameterCount(job.model));
      expect(t.values![1]).toBeCloseTo(Math.log10(bncParameterCount(job.model)), 12);
      expect(typeof t.metrics!.pre_training_val_loss).toBe('number');
      expect(t.metrics!.epochs).toBe(job.epochs);
      // an eighth of the 34 training images per batch
      expect(t.metrics!.batch_size).toBe(5);
      if (job.parent !== undefined) {
        expect(trials[job.parent].state).toBe('complete');
        expect(job.parent).toBeLessThan(t.number);
      }
    }
    expect(summary.evaluations).toBe(trials.filter((t) => t.state !== 'running').length);
  });
});
