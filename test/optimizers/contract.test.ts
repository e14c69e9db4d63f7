// One contract suite run over every method: reproducible from the seed, caps respected,
// failed evaluations survived, resume after a crash, only valid configurations proposed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getMethod } from '../../src/optimizers/index.ts';
import { Zdt1 } from '../../src/problems/synthetic.ts';
import type { Problem } from '../../src/problems/types.ts';
import { nasSpace } from '../../src/space/nas.ts';
import type { SearchSpace } from '../../src/space/space.ts';
import { JournalStorage } from '../../src/study/journal.ts';
import { MemoryStorage, type Storage } from '../../src/study/storage.ts';
import { Study, type MethodFactory, type Trial, type TellResult } from '../../src/study/study.ts';
import { CONTRACT_METHODS } from './methods.ts';

const problem = new Zdt1(6);
const quiet = () => {};

function factory(method: string): MethodFactory {
  return (ctx, meta) => getMethod(method).create(ctx, meta.methodOptions ?? {});
}

function create(method: string, options: Record<string, unknown>, seed: number, storage: Storage = new MemoryStorage(), p: Problem = problem, space: SearchSpace = p.space): Study {
  return Study.create(
    {
      space,
      directions: p.objectives.map((o) => o.direction),
      referencePoint: [...p.referencePoint],
      method,
      methodOptions: options,
      seed,
      minBudget: p.minBudget,
      maxBudget: p.maxBudget,
      storage,
      onWarning: quiet,
    },
    factory(method),
  );
}

const evaluate = (t: Trial) => problem.evaluate(t.params, { budget: t.budget, seed: 1 }).values;

async function drive(study: Study, n: number, objective: (t: Trial) => TellResult | Promise<TellResult> = evaluate): Promise<void> {
  await study.optimize(objective as never, { maxEvaluations: n });
}

const trace = (s: Study) => s.trials.map((t) => ({ params: t.params, budget: t.budget, state: t.state }));

describe.each(CONTRACT_METHODS)('contract: $label', ({ name, options }) => {
  it('is reproducible: the same seed proposes the same trials, another seed others', async () => {
    const a = create(name, options, 7), b = create(name, options, 7), c = create(name, options, 8);
    await drive(a, 40);
    await drive(b, 40);
    await drive(c, 40);
    expect(a.trials.length).toBe(40);
    expect(trace(a)).toEqual(trace(b));
    expect(trace(a)).not.toEqual(trace(c));
  });

  it('respects maxEvaluations and maxSeconds', async () => {
    const s = create(name, options, 1);
    await s.optimize((t) => evaluate(t), { maxEvaluations: 23 });
    expect(s.trials.length).toBe(23);
    await s.optimize((t) => evaluate(t), { maxEvaluations: 23 });
    expect(s.trials.length).toBe(23);
    // study time starts when the study is created: the clock of this test must start before it
    const t0 = performance.now();
    const timed = create(name, options, 1);
    await timed.optimize(async (t) => {
      await new Promise((r) => setTimeout(r, 20));
      return evaluate(t);
    }, { maxSeconds: 0.4 });
    const took = (performance.now() - t0) / 1000;
    // the study ran until its time was up (within a millisecond: a CI run once measured 0.39976 s
    // here, the study's timer and this clock disagreeing by 0.24 ms)
    expect(took).toBeGreaterThanOrEqual(0.399);
    // no trial is asked once the study's time is up (the last one asked before may still finish)
    expect(timed.trials.every((t) => t.askedAt < 0.4)).toBe(true);
    expect(timed.trials.length).toBeGreaterThan(3);
    expect(timed.trials.every((t) => t.state === 'complete')).toBe(true);
  });

  it('survives failed evaluations: throws, NaN and wrong counts become failed trials outside the front', async () => {
    const s = create(name, options, 2);
    await drive(s, 40, (t) => {
      if (t.number % 5 === 1) throw new Error('boom');
      if (t.number % 5 === 2) return [Number.NaN, 1];
      if (t.number % 5 === 3) return [1];
      return evaluate(t);
    });
    expect(s.trials.length).toBe(40);
    const failed = s.trials.filter((t) => t.state === 'failed');
    expect(failed.length).toBe(s.trials.filter((t) => [1, 2, 3].includes(t.number % 5)).length);
    expect(failed.find((t) => t.number % 5 === 1)?.error).toMatch(/boom/);
    expect(failed.find((t) => t.number % 5 === 2)?.error).toMatch(/non-finite/);
    expect(failed.find((t) => t.number % 5 === 3)?.error).toMatch(/1 values, expected 2/);
    expect(s.paretoFront().every((t) => t.state === 'complete')).toBe(true);
    expect(s.hypervolume()).toBeGreaterThan(0);
  });

  it('resumes from its journal after a crash without losing or repeating finished trials', async () => {
    const dir = mkdtempSync(join(tmpdir(), `paretonas-contract-${name}-`));
    const whole = create(name, options, 3);
    await drive(whole, 45);

    // Crash between trials: the resumed run is the uninterrupted one.
    const p1 = join(dir, 'a.jsonl');
    const first = create(name, options, 3, new JournalStorage(p1));
    await drive(first, 17);
    first.close();
    const resumed = Study.resume(new JournalStorage(p1), factory(name), quiet);
    expect(trace(resumed)).toEqual(trace(whole).slice(0, 17));
    await drive(resumed, 45);
    expect(trace(resumed)).toEqual(trace(whole));
    resumed.close();

    // Crash with a trial running: it is evaluated again first (same configuration and budget),
    // so the method never sees a failure and the run is still the uninterrupted one.
    const p2 = join(dir, 'b.jsonl');
    const second = create(name, options, 3, new JournalStorage(p2));
    await drive(second, 17);
    const running = second.ask();
    second.close();
    const again = Study.resume(new JournalStorage(p2), factory(name), quiet);
    expect(trace(again).slice(0, 17)).toEqual(trace(whole).slice(0, 17));
    if (running) {
      expect(again.trials[17].state).toBe('running');
      expect(again.trials[17].params).toEqual(running.params);
    }
    await drive(again, 45);
    expect(trace(again)).toEqual(trace(whole));
    again.close();

    // Asked to, resume marks the interrupted trial failed instead; the method goes on.
    const p3 = join(dir, 'c.jsonl');
    const third = create(name, options, 3, new JournalStorage(p3));
    await drive(third, 17);
    const lost = third.ask();
    third.close();
    const failed = Study.resume(new JournalStorage(p3), factory(name), quiet, { interrupted: 'fail' });
    if (lost) {
      expect(failed.trials[17].state).toBe('failed');
      expect(failed.trials[17].error).toMatch(/interrupted/);
    }
    await drive(failed, 45);
    expect(failed.trials.length).toBe(45);
    expect(new Set(failed.trials.map((t) => t.number)).size).toBe(45);
    expect(failed.trials.filter((t) => t.state === 'running').length).toBe(0);
    failed.close();
  });

  it('a trial stopped by the deadline is not failed: the next optimize() evaluates it again', async () => {
    const whole = create(name, options, 5);
    await drive(whole, 12);
    const s = create(name, options, 5);
    await drive(s, 6);
    // the 7th trial waits for the abort, which the study turns into "run it again", not a failure
    const controller = new AbortController();
    let started = false;
    const stopped = s.optimize((t, signal) => new Promise<number[]>((resolve, reject) => {
      if (t.number === 6 && !started) {
        started = true;
        signal.addEventListener('abort', () => reject(new Error('aborted')));
        setTimeout(() => controller.abort(new Error('stop')), 5);
      } else resolve(evaluate(t));
    }), { maxEvaluations: 7, signal: controller.signal });
    await stopped;
    expect(s.trials[6].state).toBe('running');
    await drive(s, 12);
    expect(trace(s)).toEqual(trace(whole));
  });

  it('proposes only valid configurations of the conditional NAS space', async () => {
    const space = nasSpace();
    const nasProblem: Problem = {
      name: 'nas-cheap',
      space,
      objectives: [{ name: 'err', direction: 'minimize' }, { name: 'size', direction: 'minimize' }],
      referencePoint: [1, 8],
      minBudget: 1,
      maxBudget: 25,
      evaluate: (c) => {
        // a cheap real function of the configuration: more and wider layers = bigger, and lower "error"
        const widths = [0, 1, 2].filter((i) => i < (c.n_conv_l as number)).map((i) => c[`n_conv_${i}`] as number);
        const size = Math.log10(widths.reduce((s, w) => s + w * w, 0) + (c.batch_size as number));
        const err = 1 / (1 + size) + Math.abs(Math.log10(c.lr_init as number) + 3) / 10;
        return { values: [err, size] };
      },
    };
    const s = create(name, options, 4, new MemoryStorage(), nasProblem, space);
    await drive(s, 60, (t) => nasProblem.evaluate(t.params, {}) as { values: number[] });
    expect(s.trials.length).toBe(60);
    for (const t of s.trials) {
      expect(space.isValid(t.params)).toBe(true);
      if (t.budget !== undefined) {
        expect(t.budget).toBeGreaterThanOrEqual(1);
        expect(t.budget).toBeLessThanOrEqual(25);
      }
    }
  });
});
