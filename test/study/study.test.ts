import { describe, expect, it } from 'vitest';
import { createRandom } from '../../src/optimizers/random/index.ts';
import { hypervolume } from '../../src/pareto/hypervolume.ts';
import { SearchSpace } from '../../src/space/space.ts';
import { MemoryStorage } from '../../src/study/storage.ts';
import { Study } from '../../src/study/study.ts';

const space = new SearchSpace([{ type: 'float', name: 'x', lower: 0, upper: 1 }]);
const make = (storage = new MemoryStorage()) =>
  Study.create(
    { space, directions: ['minimize', 'maximize'], referencePoint: [2, -1], objectiveNames: ['cost', 'gain'], method: 'random', seed: 5, storage, onWarning: () => {} },
    (ctx) => createRandom(ctx),
  );

describe('Study', () => {
  it('ask/tell: values stay in their own directions; the front and hypervolume use minimisation', () => {
    const s = make();
    const seen: number[][] = [];
    for (let i = 0; i < 30; i++) {
      const t = s.ask()!;
      const x = t.params.x as number;
      const v = [x, x * x]; // minimise x, maximise x^2: every point is on the front
      seen.push(v);
      s.tell(t, v);
    }
    expect(s.trials.every((t) => t.state === 'complete')).toBe(true);
    expect(s.paretoFront().length).toBe(30);
    const pts = new Float64Array(seen.flatMap(([a, b]) => [a, -b]));
    // in minimisation form the reference (2, -1) becomes (2, 1)
    expect(s.hypervolume()).toBe(hypervolume(pts, 2, [2, 1]));
    const h = s.hvHistory();
    expect(h.length).toBe(30);
    expect(h.map((r) => r[0])).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (let i = 1; i < h.length; i++) expect(h[i][2]).toBeGreaterThanOrEqual(h[i - 1][2]);
  });

  it('keeps a throwing, NaN or wrong-count result as a failed trial with its reason', async () => {
    const s = make();
    let n = 0;
    await s.optimize(() => {
      n++;
      if (n === 1) throw new RangeError('bad config');
      if (n === 2) return [Number.POSITIVE_INFINITY, 0];
      if (n === 3) return { values: [1, 2, 3] };
      return [0.5, 0.5];
    }, { maxEvaluations: 4 });
    expect(s.trials.map((t) => t.state)).toEqual(['failed', 'failed', 'failed', 'complete']);
    expect(s.trials[0].error).toBe('RangeError: bad config');
    expect(s.trials[1].error).toMatch(/non-finite/);
    expect(s.trials[2].error).toMatch(/3 values, expected 2/);
    expect(s.paretoFront().map((t) => t.number)).toEqual([3]);
  });

  it('tell() rejects unknown and finished trials; create() rejects bad settings', () => {
    const s = make();
    const t = s.ask()!;
    s.tell(t, [0, 0]);
    expect(() => s.tell(t, [0, 0])).toThrow(/trial 0 is already complete/);
    expect(() => s.tell(7, [0, 0])).toThrow(/no trial 7/);
    const f = (ctx: Parameters<typeof createRandom>[0]) => createRandom(ctx);
    expect(() => Study.create({ space, directions: ['up' as never], referencePoint: [0], method: 'random' }, f)).toThrow(/direction must be 'minimize' or 'maximize'/);
    expect(() => Study.create({ space, directions: ['minimize'], referencePoint: [0, 1], method: 'random' }, f)).toThrow(/referencePoint must be 1 finite numbers/);
    const used = new MemoryStorage();
    make(used);
    expect(() => make(used)).toThrow(/already holds a study/);
  });

  it('counts elapsed time over sessions, not the time between them', async () => {
    const storage = new MemoryStorage();
    const s = make(storage);
    await s.optimize(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return [0.5, 0.5];
    }, { maxEvaluations: 3 });
    const before = s.elapsed();
    await new Promise((r) => setTimeout(r, 300)); // the process is "down"
    const resumed = Study.resume(storage, (ctx) => createRandom(ctx), () => {});
    expect(resumed.elapsed()).toBeGreaterThanOrEqual(0.08);
    expect(resumed.elapsed()).toBeLessThan(before + 0.25);
    expect(resumed.trials.length).toBe(3);
  });
});
