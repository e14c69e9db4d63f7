// PooledProblem with real worker threads: values as in-process, concurrency, faults, progress.
import { afterEach, describe, expect, it } from 'vitest';
import { makeProblem } from '../../src/problems/index.ts';
import { PooledProblem, cloneableOptions } from '../../src/problems/pool.ts';
import type { TrainingProgress } from '../../src/problems/types.ts';
import { Rng } from '../../src/random/rng.ts';

const fixtures = new URL('../fixtures/pool-problems.ts', import.meta.url).href;
const pools: PooledProblem[] = [];

async function pool(size: number, problem: string, options: Record<string, unknown> = {}, modules: string[] = []): Promise<PooledProblem> {
  const p = await PooledProblem.create({ size, problem, options, modules });
  pools.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.dispose()));
});

describe('PooledProblem', () => {
  it('evaluates zdt1 in two workers with the values of in-process evaluation', async () => {
    const local = await makeProblem('zdt1', { nVars: 6, noise: 0.2 });
    const p = await pool(2, 'zdt1', { nVars: 6, noise: 0.2 });
    expect(p.workers).toBe(2);
    expect(p.space.toJSON()).toEqual(local.space.toJSON());
    expect(p.objectives).toEqual(local.objectives);
    expect(p.referencePoint).toEqual(local.referencePoint);
    expect([p.minBudget, p.maxBudget]).toEqual([local.minBudget, local.maxBudget]);
    const rng = new Rng(5);
    const configs = Array.from({ length: 12 }, () => local.space.sample(rng));
    const pooled = await Promise.all(configs.map((c, i) => p.evaluate(c, { budget: 1 + (i % 25), seed: i })));
    const inProcess = await Promise.all(configs.map((c, i) => local.evaluate(c, { budget: 1 + (i % 25), seed: i })));
    expect(pooled).toEqual(inProcess);
  });

  it('runs evaluations at once, one per worker, and queues the rest', async () => {
    const p = await pool(2, 'fixture-pool', { workMs: 400 }, [fixtures]);
    const rs = await Promise.all([0.1, 0.2, 0.3].map((x) => p.evaluate({ x, mode: 'ok' })));
    const [a, b, c] = rs.map((r) => r.metrics as { start: number; end: number; thread: number });
    // the first two overlap in time on two threads; the third waits for a free worker
    expect(a.thread).not.toBe(b.thread);
    expect(a.start).toBeLessThan(b.end);
    expect(b.start).toBeLessThan(a.end);
    expect(c.start).toBeGreaterThanOrEqual(Math.min(a.end, b.end));
    expect(rs.map((r) => r.values[0])).toEqual([0.1, 0.2, 0.3]);
  });

  it('fails only the evaluations that throw; the worker stays', async () => {
    const p = await pool(2, 'fixture-pool', {}, [fixtures]);
    const xs = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const rs = await Promise.allSettled(xs.map((x, i) => p.evaluate({ x, mode: i % 2 ? 'throw' : 'ok' })));
    rs.forEach((r, i) => {
      if (i % 2) {
        expect(r.status).toBe('rejected');
        const err = (r as PromiseRejectedResult).reason as Error;
        expect(err.name).toBe('RangeError');
        expect(err.message).toBe(`fixture: x = ${xs[i]} is refused`);
      } else {
        expect((r as PromiseFulfilledResult<{ values: number[] }>).value.values[0]).toBe(xs[i]);
      }
    });
    expect(p.workers).toBe(2);
  });

  it('a worker that exits fails its evaluation with the exit code, and a fresh worker takes the next', async () => {
    const p = await pool(1, 'fixture-pool', {}, [fixtures]);
    const first = await p.evaluate({ x: 0.5, mode: 'ok' });
    await expect(p.evaluate({ x: 0.5, mode: 'exit' }, { budget: 2, seed: 9 })).rejects.toThrow(/^worker 1 exited with code 3 during evaluation \(budget 2, seed 9\)$/);
    const next = await p.evaluate({ x: 0.25, mode: 'ok' });
    expect(next.values).toEqual([0.25, 0.5]);
    expect(next.metrics!.thread).not.toBe(first.metrics!.thread);
    expect(p.workers).toBe(1);
  });

  it('an uncaught error in a worker fails its evaluation with that error; the pool goes on', async () => {
    const warnings: string[] = [];
    const p = await PooledProblem.create({ size: 2, problem: 'fixture-pool', modules: [fixtures], onWarning: (m) => warnings.push(m) });
    pools.push(p);
    const rs = await Promise.allSettled([p.evaluate({ x: 0.3, mode: 'uncaught' }), p.evaluate({ x: 0.4, mode: 'ok' }), p.evaluate({ x: 0.6, mode: 'ok' })]);
    expect(rs[0].status).toBe('rejected');
    expect(((rs[0] as PromiseRejectedResult).reason as Error).message).toMatch(/^worker \d exited with code 1 during evaluation: fixture: uncaught error$/);
    expect(rs.slice(1).map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(warnings.join('\n')).toMatch(/a fresh worker replaces it/);
    expect((await p.evaluate({ x: 1, mode: 'ok' })).values).toEqual([1, 0]);
  });

  it('an aborted evaluation ends its worker; queued ones abort without running', async () => {
    const p = await pool(1, 'fixture-pool', {}, [fixtures]);
    const ac = new AbortController();
    const spinning = p.evaluate({ x: 0.5, mode: 'spin' }, { signal: ac.signal });
    const queued = p.evaluate({ x: 0.5, mode: 'ok' }, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 200);
    await expect(spinning).rejects.toThrow('stop');
    await expect(queued).rejects.toThrow('stop');
    await expect(p.evaluate({ x: 0.5, mode: 'ok' }, { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow('early');
    expect((await p.evaluate({ x: 0.64, mode: 'ok' })).values[1]).toBeCloseTo(0.2, 12);
  });

  it('forwards progress after every epoch', async () => {
    const p = await pool(1, 'fixture-pool', {}, [fixtures]);
    const seen: TrainingProgress[] = [];
    await p.evaluate({ x: 0.5, mode: 'ok' }, { budget: 3, onProgress: (q) => seen.push(q) });
    expect(seen.map((q) => [q.epoch, q.epochs, q.loss, q.imagesPerSecond])).toEqual([[1, 3, 1, 1000], [2, 3, 0.5, 2000], [3, 3, 1 / 3, 3000]]);
    expect(seen.every((q) => q.seconds >= 0)).toBe(true);
  });

  it('create rejects with the message of a problem that cannot start', async () => {
    await expect(PooledProblem.create({ size: 2, problem: 'fixture-pool', options: { failConstructor: true }, modules: [fixtures] })).rejects.toThrow(/could not start problem 'fixture-pool': fixture: cannot load the data from \/nonexistent/);
    await expect(PooledProblem.create({ size: 1, problem: 'fixture-pool', options: { failReady: true }, modules: [fixtures] })).rejects.toThrow(/fixture: cannot compile the training module/);
    await expect(PooledProblem.create({ size: 1, problem: 'nope' })).rejects.toThrow(/unknown problem 'nope'/);
    await expect(PooledProblem.create({ size: 1, problem: 'zdt1', modules: [new URL('../fixtures/missing.ts', import.meta.url).href] })).rejects.toThrow(/missing\.ts/);
    await expect(PooledProblem.create({ size: 1, problem: 'zdt1', options: { f: () => 1 } })).rejects.toThrow(/structuredClone/);
  });

  it('dispose terminates the workers and rejects what is still queued or running', async () => {
    const p = await PooledProblem.create({ size: 2, problem: 'fixture-pool', modules: [fixtures] });
    const settled = Promise.allSettled([p.evaluate({ x: 0.1, mode: 'spin' }), p.evaluate({ x: 0.2, mode: 'spin' }), p.evaluate({ x: 0.3, mode: 'ok' })]);
    await new Promise((r) => setTimeout(r, 100));
    expect(p.busy).toBe(2);
    await p.dispose();
    const rs = await settled;
    expect(rs.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(rs.map((r) => ((r as PromiseRejectedResult).reason as Error).message)).toEqual([
      "PooledProblem 'fixture-pool': disposed during the evaluation (worker 1)",
      "PooledProblem 'fixture-pool': disposed during the evaluation (worker 2)",
      "PooledProblem 'fixture-pool': disposed before the evaluation started",
    ]);
    expect(p.workers).toBe(0);
    await expect(p.evaluate({ x: 0.5, mode: 'ok' })).rejects.toThrow(/after dispose/);
  });

  it('cloneableOptions leaves out functions and what structuredClone refuses', () => {
    const r = cloneableOptions({ dataDir: '/d', onEpoch: () => {}, subset: { train: 10, cb: () => {} }, list: [1, () => 2], sym: Symbol('s') });
    expect(r.options).toEqual({ dataDir: '/d', subset: { train: 10 }, list: [1, undefined] });
    expect(r.dropped).toEqual(['onEpoch', 'subset.cb', 'list[1]', 'sym']);
  });
});
