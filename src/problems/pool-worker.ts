// The entry of a PooledProblem worker (src/problems/pool.ts): makes its own instance of the
// problem, then evaluates one configuration at a time, posting progress after every epoch.
import { parentPort } from '../platform/worker.ts';
import { makeProblem } from './index.ts';
import type { FromWorker, RemoteError, ToWorker } from './pool.ts';
import type { Problem } from './types.ts';

function remote(err: unknown): RemoteError {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
}

const port = await parentPort();
const post = (m: FromWorker) => port.post(m);
let problem: Problem | undefined;

port.onMessage(async (raw) => {
  const m = raw as ToWorker;
  if (m.type === 'init') {
    try {
      // Modules first: they may register the problem.
      for (const url of m.modules) await import(/* @vite-ignore */ url);
      const p = await makeProblem(m.problem, m.options);
      // A problem that loads its data or compiles its module lazily can do it now, so that a
      // pool fails at creation rather than at its first evaluation.
      const ready = (p as { ready?: () => unknown }).ready;
      if (typeof ready === 'function') await ready.call(p);
      problem = p;
      post({
        type: 'ready',
        info: {
          name: p.name,
          space: p.space.toJSON(),
          objectives: p.objectives.map((o) => ({ name: o.name, direction: o.direction })),
          referencePoint: [...p.referencePoint],
          minBudget: p.minBudget,
          maxBudget: p.maxBudget,
        },
      });
    } catch (err) {
      post({ type: 'init-error', error: remote(err) });
    }
  } else if (m.type === 'evaluate') {
    try {
      if (!problem) throw new Error('pool worker: evaluate before init');
      const r = await problem.evaluate(m.config, {
        budget: m.budget,
        seed: m.seed,
        files: m.files,
        job: m.job,
        onProgress: (progress) => post({ type: 'progress', id: m.id, progress: { ...progress } }),
      });
      post({ type: 'result', id: m.id, evaluation: { values: Array.from(r.values), metrics: r.metrics, cost: r.cost } });
    } catch (err) {
      post({ type: 'error', id: m.id, error: remote(err) });
    }
  } else if (m.type === 'dispose') {
    try {
      await (problem as { dispose?: () => unknown } | undefined)?.dispose?.();
    } catch {
      // the pool terminates this worker next either way
    }
    post({ type: 'disposed' });
  }
});
post({ type: 'started' });
